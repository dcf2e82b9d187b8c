/* common.c: options shared by the commands that probe the DNS (trace,
 * check, ...), and turning them into probe settings. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli/cli.h"
#include "dd_config.h"
#include "probe/probe.h"

static int set_root_hints(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct dd_cli_common *)t)->root_hints = arg;
	return 0;
}

static int set_timeout(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 10, 60000, &((struct dd_cli_common *)t)->timeout_ms, why);
}

static int set_retries(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 0, 10, &((struct dd_cli_common *)t)->retries, why);
}

static int set_qps(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 0, 1000000, &((struct dd_cli_common *)t)->qps, why);
}

static int set_inflight(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 1, 100000, &((struct dd_cli_common *)t)->max_inflight_server, why);
}

static int set_only4(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct dd_cli_common *)t)->only4 = 1;
	return 0;
}

static int set_only6(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct dd_cli_common *)t)->only6 = 1;
	return 0;
}

static int set_json(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct dd_cli_common *)t)->json = 1;
	return 0;
}

static int set_help(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct dd_cli_common *)t)->help = 1;
	return 0;
}

const struct dd_opt dd_cli_common_opts[] = {
	{ "root-hints", 0, "FILE", set_root_hints, "root hints in named.root format (default: built-in IANA)" },
	{ "timeout", 0, "MS", set_timeout, "per-attempt timeout in milliseconds (default 1500)" },
	{ "retries", 0, "N", set_retries, "further UDP attempts after a timeout (default 2)" },
	{ "qps", 0, "N", set_qps, "start at most N queries per second (default: no limit)" },
	{ "per-server", 0, "N", set_inflight, "at most N queries in flight to one address (default 16)" },
	{ "ipv4", '4', NULL, set_only4, "use IPv4 only" },
	{ "ipv6", '6', NULL, set_only6, "use IPv6 only" },
	{ "json", 'j', NULL, set_json, "print JSON for programs" },
	{ "help", 'h', NULL, set_help, "show this help" },
	{ NULL, 0, NULL, NULL, NULL },
};

/* Whether this executable lies in the build directory meson made it in. */
static int uninstalled(void)
{
	char self[PATH_MAX], build[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t len;

	if (n <= 0 || !realpath(DD_BUILDDIR, build))
		return 0;
	self[n] = '\0';
	len = strlen(build);
	return strncmp(self, build, len) == 0 && self[len] == '/';
}

size_t dd_cli_data_dirs(struct dd_cli_data_dir out[3])
{
	const char *env = getenv("DNSDEPS_DATADIR");
	size_t n = 0;

	if (env && *env)
		out[n++] = (struct dd_cli_data_dir){ env, "$DNSDEPS_DATADIR", 0 };
	if (uninstalled())
		out[n++] = (struct dd_cli_data_dir){ DD_SRCDATADIR,
						     "the source tree of this uninstalled build", 1 };
	out[n++] = (struct dd_cli_data_dir){ DD_DATADIR, "installed", 0 };
	return n;
}

int dd_cli_find_data(const char *installed_rel, const char *source_rel, char *out, size_t outlen)
{
	struct dd_cli_data_dir dirs[3];
	size_t n = dd_cli_data_dirs(dirs);

	for (size_t i = 0; i < n; i++) {
		snprintf(out, outlen, "%s/%s", dirs[i].dir,
			 dirs[i].source_tree ? source_rel : installed_rel);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -1;
}

void dd_cli_common_init(struct dd_cli_common *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout_ms = 1500;
	c->retries = 2;
	c->max_inflight_server = 16;
}

int dd_cli_probe_setup(const struct dd_cli_common *c, struct dd_probe_opts *o,
		       struct dd_dns_hint **hints, size_t *nhints)
{
	char why[300];

	if (c->only4 && c->only6) {
		fprintf(stderr, "dnsdeps: -4 and -6 exclude each other\n");
		return -1;
	}
	dd_probe_opts_default(o);
	o->timeout_ms = c->timeout_ms;
	o->retries = c->retries;
	o->ipv4 = !c->only6;
	o->ipv6 = !c->only4;
	o->max_qps = c->qps;
	o->max_inflight_server = c->max_inflight_server;
	if (dd_probe_load_hints(c->root_hints, hints, nhints, why, sizeof(why)) != 0) {
		fprintf(stderr, "dnsdeps: root hints: %s\n", why);
		return -1;
	}
	return 0;
}
