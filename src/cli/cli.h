/* cli.h: the command line. Each subcommand lives in its own cmd_*.c and is a
 * row of the command table in main.c; options are tables of
 * {name, argument, handler, help} from which the help text is printed too. */
#ifndef DD_CLI_H
#define DD_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Exit statuses, as monitoring plugins (Nagios, Icinga, Sensu) expect. */
enum dd_exit {
	DD_EXIT_OK = 0,
	DD_EXIT_WARNING = 1,
	DD_EXIT_CRITICAL = 2,
	DD_EXIT_UNKNOWN = 3, /* also usage errors */
};

struct dd_opt {
	const char *name;      /* long name without dashes: "timeout" */
	char short_name;       /* 0 when none */
	const char *argname;   /* NULL for a flag */
	/* Apply the option; arg is NULL for flags. Returns 0, or nonzero with a
	 * reason in *why. */
	int (*set)(void *target, const char *arg, const char **why);
	const char *help;
};

/* One option table and the struct its handlers write into. */
struct dd_opt_group {
	const struct dd_opt *opts;
	void *target;
};

/* Parse argv (argv[0] is the subcommand) against the groups. Positional
 * arguments are collected in order into pos (caller-provided, room for
 * argc entries). Returns 0, or -1 after printing a precise message to err. */
int dd_opts_parse(const struct dd_opt_group *groups, int ngroups, int argc, char **argv,
		  char **pos, int *npos, FILE *err);
void dd_opts_help(const struct dd_opt_group *groups, int ngroups, FILE *out);

/* Option handler helpers. */
int dd_opt_uint(const char *arg, unsigned min, unsigned max, unsigned *out, const char **why);

/* Options shared by the commands that probe the DNS. */
struct dd_cli_common {
	const char *root_hints;
	unsigned timeout_ms;
	unsigned retries;
	unsigned qps;                 /* 0: no limit */
	unsigned max_inflight_server;
	int only4, only6;
	int json;
	int help;
};

extern const struct dd_opt dd_cli_common_opts[];
/* A data file: first $DNSDEPS_DATADIR/installed_rel, then the source tree
 * the binary was built from (source_rel), then the installed data
 * directory. 0 with the path in out, or -1 when none is readable. */
int dd_cli_find_data(const char *installed_rel, const char *source_rel, char *out, size_t outlen);
void dd_cli_common_init(struct dd_cli_common *c);

struct dd_probe_opts;
struct dd_dns_hint;
/* Probe settings and root hints from the common options; prints the reason
 * and returns -1 when they are unusable. */
int dd_cli_probe_setup(const struct dd_cli_common *c, struct dd_probe_opts *o,
		       struct dd_dns_hint **hints, size_t *nhints);

/* Options of the dependency graph, shared by graph and check --deps
 * (cmd_graph.c; docs/dependencies.md). */
struct dd_cli_deps {
	int wanted;              /* an option asked for the dependencies */
	char backups[8][256];    /* DD_DEPS_MAX_BACKUPS names of DD_NAME_MAX */
	size_t nbackups;
	char asn_zone[256];
	int asn_source;          /* asn_zone is set */
	const char *asn_mmdb;
	unsigned max_depth;
	const char *rdap_bootstrap, *whois_servers, *ca_file;
	unsigned reg_timeout_ms; /* 0: the fetcher's default */
	int no_registration;
};

extern const struct dd_opt dd_cli_deps_opts[];
void dd_cli_deps_init(struct dd_cli_deps *d);
struct dd_evidence;
/* Ask for ev's dependencies section (before probing); after the probe ran,
 * finish it (the origin AS from a .mmdb file). 0, or -1 after printing why. */
int dd_cli_deps_request(const struct dd_cli_deps *d, struct dd_evidence *ev, const char *cmd);
int dd_cli_deps_finish(struct dd_evidence *ev, const char *cmd);

/* Registration look-up options (cmd_reg.c): the files given, else the
 * bundled RDAP bootstrap, override and WHOIS table; paths holds the names
 * found and must live as long as fo. */
struct dd_reg_fetch_opts;
struct dd_cli_reg_paths {
	char boot[4096], over[4096], wsrv[4096];
};
void dd_cli_reg_fetch_opts(const char *bootstrap, const char *whois_servers, const char *ca_file,
			   unsigned timeout_ms, struct dd_reg_fetch_opts *fo,
			   struct dd_cli_reg_paths *paths);
struct dd_probe;
struct dd_probe_reg;
/* The run's registration look-ups on p's loop, from the --rdap-bootstrap,
 * --whois-servers, --ca-file and --reg-timeout options in d; *out stays
 * NULL under --no-registration. 0, or -1 after printing why (for cmd). */
int dd_cli_probe_reg(struct dd_probe *p, const struct dd_cli_deps *d, const char *cmd,
		     struct dd_probe_reg **out);

/* Subcommands: each returns an exit status (enum dd_exit). */
int dd_cmd_check(int argc, char **argv);
int dd_cmd_trace(int argc, char **argv);
int dd_cmd_demo(int argc, char **argv);
int dd_cmd_audit(int argc, char **argv);
int dd_cmd_reg(int argc, char **argv);
int dd_cmd_report(int argc, char **argv);
int dd_cmd_graph(int argc, char **argv);
int dd_cmd_version(int argc, char **argv);
int dd_cmd_watch(int argc, char **argv);
int dd_cmd_history(int argc, char **argv);
int dd_cmd_status(int argc, char **argv);

#endif
