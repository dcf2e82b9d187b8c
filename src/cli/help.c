/* help.c: the list of commands, and everything printed from it: the
 * general usage, `dnsdeps help CMD` (= CMD --help) and the man page, so an
 * option, its help line and its man page entry are one row of one table. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "dd_config.h"

const struct dd_cmd *const dd_cli_commands[] = {
	&dd_cmd_check,	 &dd_cmd_trace,	 &dd_cmd_audit,	 &dd_cmd_reg,  &dd_cmd_report,
	&dd_cmd_graph,	 &dd_cmd_watch,	 &dd_cmd_history, &dd_cmd_status, &dd_cmd_demo,
	&dd_cmd_version, NULL,
};

const struct dd_cmd *dd_cli_command(const char *name)
{
	for (const struct dd_cmd *const *c = dd_cli_commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

/* "--timeout DURATION" or "-o, --output FILE" */
static void opt_left(const struct dd_opt *o, unsigned mask, char *out, size_t len)
{
	char arg[64];
	const char *a = o->argname;

	if (o->kind == DD_OPT_FORMAT && a) {
		dd_opt_format_arg(mask, arg, sizeof(arg));
		a = arg;
	}
	if (o->short_name)
		snprintf(out, len, "-%c, --%s%s%s", o->short_name, o->name, a ? " " : "",
			 a ? a : "");
	else
		snprintf(out, len, "    --%s%s%s", o->name, a ? " " : "", a ? a : "");
}

void dd_cli_help(const struct dd_cmd *c, FILE *out)
{
	const char *s = c->synopsis;
	char left[96];

	fprintf(out, "usage: ");
	if (!s[0])
		fprintf(out, "dnsdeps %s\n", c->name);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		fprintf(out, "%sdnsdeps %s %.*s\n", s == c->synopsis ? "" : "       ", c->name,
			(int)n, s);
		s = nl ? nl + 1 : s + n;
	}
	fprintf(out, "\n%s\n\noptions:\n", c->about);
	for (int t = 0; t < DD_CMD_MAX_TABLES && c->tables[t].opts; t++)
		for (const struct dd_opt *o = c->tables[t].opts; o->name; o++) {
			if (!dd_opt_visible(o, c->tables[t].mask))
				continue;
			opt_left(o, c->tables[t].mask, left, sizeof(left));
			fprintf(out, "  %-30s %s\n", left, o->help);
		}
	fprintf(out, "  %-30s %s\n\nexit status: %s\n", "-h, --help", "show this help", c->exits);
}

/* Text for troff: hyphens as minus signs, backslashes doubled, no line
 * that begins with a control character. */
static void man_text(FILE *out, const char *s)
{
	int bol = 1;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		bol = *s == '\n';
		if (*s == '-')
			fputs("\\-", out);
		else if (*s == '\\')
			fputs("\\\\", out);
		else
			fputc(*s, out);
	}
}

static void man_synopsis(FILE *out)
{
	for (const struct dd_cmd *const *c = dd_cli_commands; *c; c++) {
		const char *s = (*c)->synopsis;
		if (!s[0])
			fprintf(out, ".B dnsdeps %s\n.br\n", (*c)->name);
		while (*s) {
			const char *nl = strchr(s, '\n');
			size_t n = nl ? (size_t)(nl - s) : strlen(s);
			char line[256];
			snprintf(line, sizeof(line), "%.*s", (int)n, s);
			fprintf(out, ".B dnsdeps %s\n", (*c)->name);
			if (line[0]) {
				man_text(out, line);
				fputc('\n', out);
			}
			fputs(".br\n", out);
			s = nl ? nl + 1 : s + n;
		}
	}
}

static int man_options(FILE *out, const struct dd_cmd *c)
{
	char arg[64];

	for (int t = 0; t < DD_CMD_MAX_TABLES && c->tables[t].opts; t++)
		for (const struct dd_opt *o = c->tables[t].opts; o->name; o++) {
			const char *a = o->argname;
			if (!dd_opt_visible(o, c->tables[t].mask))
				continue;
			if (!o->help || !o->help[0]) {
				fprintf(stderr, "dnsdeps --man: %s --%s has no help line\n", c->name,
					o->name);
				return -1;
			}
			if (o->kind == DD_OPT_FORMAT && a) {
				dd_opt_format_arg(c->tables[t].mask, arg, sizeof(arg));
				a = arg;
			}
			fputs(o->short_name || a ? ".TP\n.BI " : ".TP\n.B ", out);
			if (o->short_name)
				fprintf(out, "\\-%c \", \" ", o->short_name);
			fputs("\\-\\-", out);
			man_text(out, o->name);
			if (a) {
				fputs(" \" ", out);
				man_text(out, a);
				fputs("\"", out);
			}
			fputc('\n', out);
			man_text(out, o->help);
			fputc('\n', out);
		}
	fputs(".TP\n.BI \\-h \", \" \\-\\-help\nshow this help\n", out);
	return 0;
}

static int man_commands(FILE *out)
{
	for (const struct dd_cmd *const *c = dd_cli_commands; *c; c++) {
		fprintf(out, ".SS %s\n", (*c)->name);
		man_text(out, (*c)->about);
		fputs("\n.PP\n.I Options\n", out);
		if (man_options(out, *c) != 0)
			return -1;
		fputs(".PP\n.I Exit status:\n", out);
		man_text(out, (*c)->exits);
		fputc('\n', out);
	}
	return 0;
}

int dd_cli_man(FILE *prose, FILE *out)
{
	char line[1024];
	int synopsis = 0, commands = 0;

	while (fgets(line, sizeof(line), prose)) {
		if (strcmp(line, "@SYNOPSIS@\n") == 0) {
			man_synopsis(out);
			synopsis = 1;
		} else if (strcmp(line, "@COMMANDS@\n") == 0) {
			if (man_commands(out) != 0)
				return -1;
			commands = 1;
		} else if (strncmp(line, ".TH ", 4) == 0) {
			fprintf(out, ".TH DNSDEPS 1 \"\" \"dnsdeps %s\" \"User Commands\"\n",
				DD_VERSION);
		} else {
			fputs(line, out);
		}
	}
	if (ferror(prose) || !synopsis || !commands) {
		fprintf(stderr, "dnsdeps --man: the prose page lacks @SYNOPSIS@ or @COMMANDS@\n");
		return -1;
	}
	return 0;
}

static int version_main(int argc, char **argv)
{
	struct dd_cli_out out = { 0 };
	void *targets[] = { &out };
	char *pos[argc + 1];
	int npos, rc;

	struct dd_cli_data_dir dirs[3];
	size_t n;

	if ((rc = dd_cli_parse(&dd_cmd_version, targets, NULL, argc, argv, pos, &npos)) >= 0)
		return rc;
	n = dd_cli_data_dirs(dirs);
	printf("dnsdeps %s\ndata:", DD_VERSION);
	for (size_t i = 0; i < n; i++)
		printf("%s %s (%s)", i ? ", then" : "", dirs[i].dir, dirs[i].what);
	printf("\n");
	return DD_EXIT_OK;
}

const struct dd_cmd dd_cmd_version = {
	.name = "version",
	.run = version_main,
	.summary = "print the version",
	.synopsis = "",
	.about = "Prints the version and where the data files are looked for, in order.",
	.exits = "0.",
	.min_pos = 0,
	.max_pos = 0,
	.missing = "",
	.tables = {
		{ dd_cli_out_opts, 0 },
	},
};
