/* main.c: dnsdeps entry point; finds the subcommand in the table and runs it. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "dd_config.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "check", dd_cmd_check, "judge every layer of a domain's delegation: which one is broken" },
	{ "trace", dd_cmd_trace, "walk from the root asking every server at every zone cut" },
	{ "audit", dd_cmd_audit, "audit every delegation of a zone file (--zone)" },
	{ "reg", dd_cmd_reg, "the registry's record of a domain (RDAP, WHOIS) or of a saved answer" },
	{ "report", dd_cmd_report, "judge a saved evidence document again, offline" },
	{ "graph", dd_cmd_graph, "what a domain depends on: single points of failure, hijack risks, backups" },
	{ "watch", dd_cmd_watch, "check domains on a schedule, keep the history, alert once per incident" },
	{ "history", dd_cmd_history, "a watched domain's verdicts and change events, from the store" },
	{ "status", dd_cmd_status, "every watched domain's last verdict and open incident, from the store" },
	{ "demo", dd_cmd_demo, "run the main job on a built-in mini-internet (needs root)" },
	{ "version", dd_cmd_version, "print the version" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: dnsdeps COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\n'dnsdeps COMMAND --help' describes a command's options.\n");
}

int dd_cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("dnsdeps %s\n", DD_VERSION);
	return DD_EXIT_OK;
}

int main(int argc, char **argv)
{
	/* No fastbins: the resolver and the walks allocate structures of a few
	 * KB per question (fixed-size names), and each such request made glibc
	 * consolidate its fastbins (malloc_consolidate and unlink_chunk were 8%
	 * of an audit). The thread cache still serves the small ones.
	 * bench/live.sh, concurrency 400: 769-797 -> 821-863 domains/s. */
	mallopt(M_MXFAST, 0);
	if (argc < 2) {
		usage(stderr);
		return DD_EXIT_UNKNOWN;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return DD_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return dd_cmd_version(argc - 1, argv + 1);
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "dnsdeps: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return DD_EXIT_UNKNOWN;
}
