/* cmd_demo.c: `dnsdeps demo` starts the built-in mini-internet (the test
 * bed's own machinery, installed with the program) holding the Purism outage
 * and a healthy domain, runs the main command on both worlds and tears
 * everything down. The world lives in a private network namespace: nothing
 * leaves loopback. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static int demo_main(int argc, char **argv)
{
	struct dd_cli_out out = { 0 };
	void *targets[] = { &out };
	char *pos[argc + 1];
	int npos, rc;
	char harness[PATH_MAX], worlds[PATH_MAX], self[PATH_MAX];
	ssize_t n;

	if ((rc = dd_cli_parse(&dd_cmd_demo, targets, NULL, argc, argv, pos, &npos)) >= 0)
		return rc;
	if (dd_cli_find_data("minternet/demo.py", "tests/system/minternet/demo.py", harness,
		      sizeof(harness)) != 0 ||
	    dd_cli_find_data("demo", "data/demo", worlds, sizeof(worlds)) != 0) {
		struct dd_cli_data_dir dirs[3];
		size_t ndirs = dd_cli_data_dirs(dirs);

		fprintf(stderr, "dnsdeps demo: the mini-internet files are not installed (looked in");
		for (size_t i = 0; i < ndirs; i++)
			fprintf(stderr, "%s %s", i ? "," : "", dirs[i].dir);
		fprintf(stderr, ")\n");
		return DD_EXIT_UNKNOWN;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "dnsdeps demo: cannot find my own executable\n");
		return DD_EXIT_UNKNOWN;
	}
	self[n] = '\0';
	char *args[] = { "/usr/bin/python3", harness, "--dnsdeps", self, "--worlds", worlds, NULL };
	if (out.no_color)
		setenv("NO_COLOR", "1", 1); /* the checks the harness runs read it */
	fflush(stdout);
	execv(args[0], args);
	perror("dnsdeps demo: cannot run /usr/bin/python3");
	return DD_EXIT_UNKNOWN;
}

const struct dd_cmd dd_cmd_demo = {
	.name = "demo",
	.run = demo_main,
	.summary = "run the main job on a built-in mini-internet (needs root)",
	.synopsis = "",
	.about = "Runs dnsdeps on a built-in mini-internet: the puri.sm outage of February\n"
		 "2018 (the sm registry stops delegating puri.sm while its own servers still\n"
		 "answer) and a healthy domain. Needs root (a private network namespace);\n"
		 "sends no packet beyond loopback.",
	.exits = "0 the demo ran, 3 it could not start.",
	.min_pos = 0,
	.max_pos = 0,
	.missing = "",
	.tables = {
		{ dd_cli_out_opts, 0 },
	},
};
