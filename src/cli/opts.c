/* opts.c: table-driven option parsing and help for subcommands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct dd_opt *find_long(const struct dd_opt_group *groups, int ngroups,
				      const char *name, size_t len, void **target)
{
	for (int g = 0; g < ngroups; g++)
		for (const struct dd_opt *o = groups[g].opts; o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, name, len) == 0) {
				*target = groups[g].target;
				return o;
			}
	return NULL;
}

static const struct dd_opt *find_short(const struct dd_opt_group *groups, int ngroups,
				       char c, void **target)
{
	for (int g = 0; g < ngroups; g++)
		for (const struct dd_opt *o = groups[g].opts; o->name; o++)
			if (o->short_name && o->short_name == c) {
				*target = groups[g].target;
				return o;
			}
	return NULL;
}

static int apply(const struct dd_opt *o, void *target, const char *arg, const char *spelled,
		 FILE *err)
{
	const char *why = NULL;

	if (o->set(target, arg, &why) != 0) {
		fprintf(err, "dnsdeps: option %s: %s\n", spelled, why ? why : "invalid value");
		return -1;
	}
	return 0;
}

int dd_opts_parse(const struct dd_opt_group *groups, int ngroups, int argc, char **argv,
		  char **pos, int *npos, FILE *err)
{
	int only_pos = 0;

	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct dd_opt *o;
		void *target = NULL;

		if (only_pos || a[0] != '-' || a[1] == '\0') {
			pos[(*npos)++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			o = find_long(groups, ngroups, name, len, &target);
			if (!o) {
				fprintf(err, "dnsdeps %s: unknown option --%.*s (see %s --help)\n",
					argv[0], (int)len, name, argv[0]);
				return -1;
			}
			if (!o->argname) {
				if (eq) {
					fprintf(err, "dnsdeps: option --%s takes no value\n", o->name);
					return -1;
				}
				if (apply(o, target, NULL, a, err) != 0)
					return -1;
				continue;
			}
			const char *arg = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!arg) {
				fprintf(err, "dnsdeps: option --%s needs a value (%s)\n", o->name,
					o->argname);
				return -1;
			}
			if (apply(o, target, arg, a, err) != 0)
				return -1;
			continue;
		}
		/* Short options: -4, -6, -j; one at a time, value in the next word. */
		if (a[2] != '\0') {
			fprintf(err, "dnsdeps %s: unknown option %s (short options stand alone)\n",
				argv[0], a);
			return -1;
		}
		o = find_short(groups, ngroups, a[1], &target);
		if (!o) {
			fprintf(err, "dnsdeps %s: unknown option %s (see %s --help)\n", argv[0], a,
				argv[0]);
			return -1;
		}
		const char *arg = NULL;
		if (o->argname) {
			if (i + 1 >= argc) {
				fprintf(err, "dnsdeps: option %s needs a value (%s)\n", a, o->argname);
				return -1;
			}
			arg = argv[++i];
		}
		if (apply(o, target, arg, a, err) != 0)
			return -1;
	}
	return 0;
}

void dd_opts_help(const struct dd_opt_group *groups, int ngroups, FILE *out)
{
	for (int g = 0; g < ngroups; g++)
		for (const struct dd_opt *o = groups[g].opts; o->name; o++) {
			char left[64];
			if (o->short_name)
				snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
					 o->argname ? " " : "", o->argname ? o->argname : "");
			else
				snprintf(left, sizeof(left), "    --%s%s%s", o->name,
					 o->argname ? " " : "", o->argname ? o->argname : "");
			fprintf(out, "  %-28s %s\n", left, o->help);
		}
}

int dd_opt_uint(const char *arg, unsigned min, unsigned max, unsigned *out, const char **why)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-') {
		*why = "not a number";
		return -1;
	}
	if (v < min || v > max) {
		*why = "out of range";
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}
