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

struct demo_opts {
	int help;
	int keep;
};

static int set_help(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct demo_opts *)t)->help = 1;
	return 0;
}

static const struct dd_opt demo_table[] = {
	{ "help", 'h', NULL, set_help, "show this help" },
	{ NULL, 0, NULL, NULL, NULL },
};

int dd_cmd_demo(int argc, char **argv)
{
	struct demo_opts o = { 0 };
	struct dd_opt_group groups[] = { { demo_table, &o } };
	char *pos[argc + 1];
	int npos;
	char harness[PATH_MAX], worlds[PATH_MAX], self[PATH_MAX];
	ssize_t n;

	if (dd_opts_parse(groups, 1, argc, argv, pos, &npos, stderr) != 0)
		return DD_EXIT_UNKNOWN;
	if (o.help || npos > 0) {
		fprintf(o.help ? stdout : stderr, "usage: dnsdeps demo\n\n"
			"Runs dnsdeps on a built-in mini-internet: the puri.sm outage of February\n"
			"2018 (the sm registry stops delegating puri.sm while its own servers still\n"
			"answer) and a healthy domain. Needs root (a private network namespace);\n"
			"sends no packet beyond loopback.\n\n");
		dd_opts_help(groups, 1, o.help ? stdout : stderr);
		return o.help ? DD_EXIT_OK : DD_EXIT_UNKNOWN;
	}
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
	fflush(stdout);
	execv(args[0], args);
	perror("dnsdeps demo: cannot run /usr/bin/python3");
	return DD_EXIT_UNKNOWN;
}
