/* opts.c: table-driven option parsing: one function per kind of argument
 * turns the text into a value (so a duration, a number or a time reads and
 * fails the same way under every command), and the command-level wrapper
 * that prints one error line and a hint instead of the whole usage. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/env.h"
#include "core/esc.h"

const char *const dd_cli_formats[DD_FMT_N] = { "text", "json", "csv", "dot", "svg" };

int dd_opt_visible(const struct dd_opt *o, unsigned mask)
{
	if ((o->need & mask) != o->need)
		return 0;
	/* a format's alias exists where the format does */
	if (o->kind == DD_OPT_FORMAT && !o->argname)
		return (mask & DD_CLI_FMT(o->val)) != 0;
	if (o->kind == DD_OPT_FORMAT) /* --format where there are formats */
		return (mask & (DD_CLI_FMT(DD_FMT_N) - 1)) != 0;
	return 1;
}

static const struct dd_opt *find_opt(struct dd_opt_group *groups, int ngroups, const char *name,
				     size_t len, char c, struct dd_opt_group **group)
{
	for (int g = 0; g < ngroups; g++)
		for (const struct dd_opt *o = groups[g].opts; o->name; o++) {
			if (!dd_opt_visible(o, groups[g].mask))
				continue;
			if (name ? strlen(o->name) == len && strncmp(o->name, name, len) == 0
				 : o->short_name && o->short_name == c) {
				*group = &groups[g];
				return o;
			}
		}
	return NULL;
}

/* A whole number: digits only; a minus sign gets its own message. */
static int parse_uint(const char *arg, unsigned long *v, char *why, size_t whylen)
{
	char *end;

	if (arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9') {
		snprintf(why, whylen, "must be ≥ 0");
		return -1;
	}
	errno = 0;
	*v = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || errno || end == arg || *end) {
		snprintf(why, whylen, "not a number");
		return -1;
	}
	return 0;
}

/* A duration: digits, then nothing or "ms" (milliseconds) or "s". */
static int parse_ms(const char *arg, unsigned long *v, char *why, size_t whylen)
{
	char *end;

	if (arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9') {
		snprintf(why, whylen, "must be ≥ 0");
		return -1;
	}
	errno = 0;
	*v = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || errno || end == arg ||
	    (*end && strcmp(end, "ms") != 0 && strcmp(end, "s") != 0)) {
		snprintf(why, whylen, "not a duration (milliseconds, or with a unit: 1500ms, 2s)");
		return -1;
	}
	if (strcmp(end, "s") == 0) {
		if (*v > 86400000UL) {
			snprintf(why, whylen, "too long");
			return -1;
		}
		*v *= 1000;
	}
	return 0;
}

static int apply_format(const struct dd_opt *o, unsigned mask, struct dd_cli_out *t,
			const char *arg, char *why, size_t whylen)
{
	int f = o->val;
	char list[64];

	if (arg) {
		for (f = 0; f < DD_FMT_N; f++)
			if (strcmp(arg, dd_cli_formats[f]) == 0)
				break;
		if (f == DD_FMT_N || !(mask & DD_CLI_FMT(f))) {
			dd_opt_format_arg(mask, list, sizeof(list));
			snprintf(why, whylen, "one of %s", list);
			return -1;
		}
	}
	if (t->format_given && t->format != f) {
		snprintf(why, whylen, "--format %s and --format %s exclude each other",
			 dd_cli_formats[t->format], dd_cli_formats[f]);
		return -1;
	}
	t->format = f;
	t->format_given = 1;
	return 0;
}

int dd_opt_apply(const struct dd_opt *o, unsigned mask, void *target, const char *arg,
		 char *why, size_t whylen)
{
	char *at = (char *)target + o->off;
	unsigned long v;

	switch (o->kind) {
	case DD_OPT_FLAG:
		*(int *)at = o->val;
		return 0;
	case DD_OPT_STR:
		*(const char **)at = arg;
		return 0;
	case DD_OPT_UINT:
	case DD_OPT_MS:
		if ((o->kind == DD_OPT_MS ? parse_ms : parse_uint)(arg, &v, why, whylen) != 0)
			return -1;
		if (v < o->min || v > o->max) {
			snprintf(why, whylen, "must be between %u%s and %u%s", o->min,
				 o->kind == DD_OPT_MS ? "ms" : "", o->max,
				 o->kind == DD_OPT_MS ? "ms" : "");
			return -1;
		}
		*(unsigned *)at = (unsigned)v;
		return 0;
	case DD_OPT_TIME:
		if (dd_clock_parse(arg, (int64_t *)at) != 0) {
			snprintf(why, whylen, "not a time (RFC 3339, e.g. 2018-02-20T09:00:00Z, "
					      "or YYYY-MM-DD)");
			return -1;
		}
		return 0;
	case DD_OPT_FORMAT:
		return apply_format(o, mask, target, arg, why, whylen);
	case DD_OPT_CALL:
		return o->set(target, o, arg, why, whylen) != 0 ? -1 : 0;
	}
	return -1;
}

void dd_opt_format_arg(unsigned mask, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (int f = 0; f < DD_FMT_N; f++)
		if (mask & DD_CLI_FMT(f))
			n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? "|" : "",
					      dd_cli_formats[f]);
}

static int apply(const struct dd_opt *o, struct dd_opt_group *g, const char *arg,
		 const char *spelled, const char *cmd, FILE *err)
{
	char why[200], *shown;

	if (dd_opt_apply(o, g->mask, g->target, arg, why, sizeof(why)) != 0) {
		shown = dd_esc_dup(arg ? arg : "", arg ? strlen(arg) : 0);
		if (arg)
			fprintf(err, "dnsdeps %s: option %s '%s': %s\n", cmd, spelled,
				shown ? shown : "?", why);
		else
			fprintf(err, "dnsdeps %s: option %s: %s\n", cmd, spelled, why);
		free(shown);
		return -1;
	}
	g->given++;
	return 0;
}

/* One option word at argv[*i] (its value maybe in the next word). */
static int parse_one(struct dd_opt_group *groups, int ngroups, int argc, char **argv, int *i,
		     FILE *err)
{
	const char *a = argv[*i], *name = a + 2, *eq = NULL, *arg = NULL;
	struct dd_opt_group *g = NULL;
	const struct dd_opt *o;
	size_t len = 0;
	char *shown;

	if (a[1] == '-') {
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = find_opt(groups, ngroups, name, len, 0, &g);
	} else {
		o = a[2] ? NULL : find_opt(groups, ngroups, NULL, 0, a[1], &g);
	}
	if (!o) {
		shown = dd_esc_dup(a, eq ? (size_t)(eq - a) : strlen(a));
		fprintf(err, "dnsdeps %s: unknown option %s%s\n", argv[0], shown ? shown : "?",
			a[1] != '-' && a[2] ? " (short options stand alone)" : "");
		free(shown);
		return -1;
	}
	if (!o->argname) {
		if (eq) {
			fprintf(err, "dnsdeps %s: option --%s takes no value\n", argv[0], o->name);
			return -1;
		}
		return apply(o, g, NULL, a, argv[0], err);
	}
	arg = eq ? eq + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
	if (!arg) {
		fprintf(err, "dnsdeps %s: option %s needs a value (%s)\n", argv[0], a, o->argname);
		return -1;
	}
	char spelled[80];
	snprintf(spelled, sizeof(spelled), "--%s", o->name);
	return apply(o, g, arg, a[1] == '-' ? spelled : a, argv[0], err);
}

int dd_opts_parse(struct dd_opt_group *groups, int ngroups, int argc, char **argv, char **pos,
		  int *npos, int *help, FILE *err)
{
	int only_pos = 0;

	*npos = 0;
	*help = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_pos || a[0] != '-' || a[1] == '\0') {
			pos[(*npos)++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			only_pos = 1;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = 1;
		} else if (parse_one(groups, ngroups, argc, argv, &i, err) != 0) {
			return -1;
		}
	}
	return 0;
}

int dd_cli_usage_error(const struct dd_cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dnsdeps %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'dnsdeps help %s'\n", c->name);
	return DD_EXIT_UNKNOWN;
}

int dd_cli_parse(const struct dd_cmd *c, void *const targets[], int *given, int argc,
		 char **argv, char **pos, int *npos)
{
	struct dd_opt_group groups[DD_CMD_MAX_TABLES];
	int n = 0, help = 0;

	for (; n < DD_CMD_MAX_TABLES && c->tables[n].opts; n++) {
		groups[n].opts = c->tables[n].opts;
		groups[n].mask = c->tables[n].mask;
		groups[n].target = targets[n];
		groups[n].given = 0;
	}
	if (dd_opts_parse(groups, n, argc, argv, pos, npos, &help, stderr) != 0) {
		fprintf(stderr, "try 'dnsdeps help %s'\n", c->name);
		return DD_EXIT_UNKNOWN;
	}
	if (help) {
		dd_cli_help(c, stdout);
		return DD_EXIT_OK;
	}
	for (int k = 0; given && k < n; k++)
		given[k] = groups[k].given;
	if (*npos < c->min_pos)
		return dd_cli_usage_error(c, "%s", c->missing);
	if (*npos > c->max_pos)
		return dd_cli_usage_error(c, "%s", c->max_pos == 0 ? "takes no arguments"
						   : c->max_pos == 1 ? "one argument at most"
								     : "too many arguments");
	return -1;
}
