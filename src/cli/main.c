/* main.c: dnsdeps entry point; finds the subcommand in the command table
 * (help.c) and runs it; `help [CMD]` and `--man PROSE` print from it. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/esc.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: dnsdeps COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (const struct dd_cmd *const *c = dd_cli_commands; *c; c++)
		fprintf(out, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fprintf(out, "\n'dnsdeps help COMMAND' describes a command and its options.\n");
}

/* dnsdeps help [COMMAND] */
static int help(int argc, char **argv)
{
	const struct dd_cmd *c;

	if (argc < 3) {
		usage(stdout);
		return DD_EXIT_OK;
	}
	c = dd_cli_command(argv[2]);
	if (!c || argc > 3) {
		fprintf(stderr, "dnsdeps help: %s\ntry 'dnsdeps help'\n",
			c ? "one command at a time" : "no such command");
		return DD_EXIT_UNKNOWN;
	}
	dd_cli_help(c, stdout);
	return DD_EXIT_OK;
}

/* dnsdeps --man PROSE: the man page, at build time (meson.build). */
static int man(int argc, char **argv)
{
	FILE *f = argc == 3 ? fopen(argv[2], "r") : NULL;
	int rc;

	if (!f) {
		perror("dnsdeps --man PROSE");
		return DD_EXIT_UNKNOWN;
	}
	rc = dd_cli_man(f, stdout);
	fclose(f);
	return rc == 0 && fflush(stdout) == 0 ? DD_EXIT_OK : DD_EXIT_UNKNOWN;
}

int main(int argc, char **argv)
{
	const struct dd_cmd *c;

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
	    strcmp(argv[1], "-h") == 0)
		return help(argc, argv);
	if (strcmp(argv[1], "--man") == 0)
		return man(argc, argv);
	if (strcmp(argv[1], "--version") == 0)
		return dd_cmd_version.run(argc - 1, argv + 1);
	c = dd_cli_command(argv[1]);
	if (c)
		return c->run(argc - 1, argv + 1);
	char shown[64];
	dd_esc(argv[1], strlen(argv[1]), shown, sizeof(shown));
	fprintf(stderr, "dnsdeps: unknown command '%s'\ntry 'dnsdeps help'\n", shown);
	return DD_EXIT_UNKNOWN;
}
