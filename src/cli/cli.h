/* cli.h: the command line. Each subcommand lives in its own cmd_*.c and is a
 * row of the command table in main.c; options are tables of
 * {name, argument, handler, help} from which the help text is printed too. */
#ifndef DD_CLI_H
#define DD_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses, as monitoring plugins (Nagios, Icinga, Sensu) expect. */
enum dd_exit {
	DD_EXIT_OK = 0,
	DD_EXIT_WARNING = 1,
	DD_EXIT_CRITICAL = 2,
	DD_EXIT_UNKNOWN = 3, /* also usage errors */
};

/* What an option's argument is; the kind decides how it is parsed (one
 * function per kind, in opts.c) and where the value goes in the target. */
enum dd_opt_kind {
	DD_OPT_FLAG,   /* no argument: the int at off becomes val */
	DD_OPT_STR,    /* a file name or a word checked later: const char * at off */
	DD_OPT_UINT,   /* a whole number in [min, max]: unsigned at off */
	DD_OPT_MS,     /* a duration (1500ms, 2s; a bare number is milliseconds) in
			* [min, max] ms: unsigned milliseconds at off */
	DD_OPT_TIME,   /* an RFC 3339 time or YYYY-MM-DD: int64_t seconds at off */
	DD_OPT_FORMAT, /* the output format, into struct dd_cli_out: with argname,
			* a name of dd_cli_formats; without, the alias of format val */
	DD_OPT_CALL,   /* anything else: set() */
};

/* Formats (bits 0-4 of a group's mask say which a command prints) and the
 * features of the output group (higher bits). */
enum dd_cli_format { DD_FMT_TEXT, DD_FMT_JSON, DD_FMT_CSV, DD_FMT_DOT, DD_FMT_SVG, DD_FMT_N };
#define DD_CLI_FMT(f) (1u << (f))
#define DD_CLI_LEVELS (1u << 8) /* -v and -q */
#define DD_CLI_JSONL (1u << 9)  /* --jsonl: several JSON documents, one per line */
extern const char *const dd_cli_formats[DD_FMT_N];

struct dd_opt {
	const char *name;     /* long name without dashes: "timeout" */
	char short_name;      /* 0 when none */
	enum dd_opt_kind kind;
	const char *argname;  /* NULL for a flag */
	size_t off;           /* where the value goes in the group's target */
	unsigned min, max;    /* DD_OPT_UINT, DD_OPT_MS */
	int val;              /* DD_OPT_FLAG, DD_OPT_FORMAT alias */
	unsigned need;        /* the option exists where the group's mask has these bits */
	/* DD_OPT_CALL: apply the option o (arg is NULL for a flag); 0, or
	 * nonzero with the reason in why. o names the option, so one setter
	 * can serve options that differ only by name. */
	int (*set)(void *target, const struct dd_opt *o, const char *arg, char *why,
		   size_t whylen);
	const char *help;
};

/* One option table, the struct its options write into, and the mask that
 * selects formats and features; given counts the options seen. */
struct dd_opt_group {
	const struct dd_opt *opts;
	void *target;
	unsigned mask;
	int given;
};

/* Parse argv (argv[0] is the subcommand) against the groups. Positional
 * arguments are collected in order into pos (caller-provided, room for
 * argc entries). --help and -h set *help. Returns 0, or -1 after printing
 * one precise line to err. */
int dd_opts_parse(struct dd_opt_group *groups, int ngroups, int argc, char **argv, char **pos,
		  int *npos, int *help, FILE *err);
/* Whether o exists in a group with this mask. */
int dd_opt_visible(const struct dd_opt *o, unsigned mask);
/* Apply one option's argument (or NULL for a flag) to target: the parser's
 * single path from text to value. 0, or -1 with the reason in why. */
int dd_opt_apply(const struct dd_opt *o, unsigned mask, void *target, const char *arg,
		 char *why, size_t whylen);
/* The argument of a DD_OPT_FORMAT option in a group with this mask:
 * "text|json" in out. */
void dd_opt_format_arg(unsigned mask, char *out, size_t len);

/* A subcommand: how it is run, documented (help, `help CMD` and the man
 * page are printed from here) and which option tables it reads, in the
 * order its targets are given to dd_cli_parse. */
struct dd_cmd_table {
	const struct dd_opt *opts;
	unsigned mask;
};

#define DD_CMD_MAX_TABLES 10

struct dd_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;  /* one line, in the list of commands */
	const char *synopsis; /* the usage lines after "dnsdeps NAME ", '\n' between */
	const char *about;    /* what it does: a paragraph */
	const char *exits;    /* its exit statuses: a paragraph */
	int min_pos, max_pos; /* positional arguments */
	const char *missing;  /* what to say when there are fewer than min_pos */
	struct dd_cmd_table tables[DD_CMD_MAX_TABLES]; /* ends with opts NULL */
};

/* Every command, in the order help lists them; ends with NULL. */
extern const struct dd_cmd *const dd_cli_commands[];
const struct dd_cmd *dd_cli_command(const char *name);

/* Parse argv for c into targets (one per table). Returns -1 when the
 * command should run, else the exit status: 0 after --help printed the
 * help, 3 after one line of error and a hint. given (NULL or one int per
 * table) counts the options of each table seen. */
int dd_cli_parse(const struct dd_cmd *c, void *const targets[], int *given, int argc,
		 char **argv, char **pos, int *npos);
/* A usage error: one line, the hint to `dnsdeps help CMD`; returns 3. */
int dd_cli_usage_error(const struct dd_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dd_cli_help(const struct dd_cmd *c, FILE *out);
/* The man page: prose (the hand-written page, with the lines @SYNOPSIS@
 * and @COMMANDS@ where the generated parts go) merged with the tables.
 * 0, or -1 after printing why (an option without a help line, say). */
int dd_cli_man(FILE *prose, FILE *out);

/* Options shared by the commands that probe the DNS (check, trace, audit,
 * graph): one table, so they cannot drift. */
struct dd_cli_common {
	const char *root_hints;
	unsigned timeout_ms;
	unsigned retries;
	unsigned qps;                 /* 0: no limit */
	unsigned server_qps;          /* per address; 0: no limit */
	unsigned max_inflight_server;
	int only4, only6;
};

extern const struct dd_opt dd_cli_common_opts[];

/* The output options, one table for every command: --format and its
 * aliases (--json, --csv), --jsonl, --no-color, -v and -q; the group's
 * mask says which exist. */
struct dd_cli_out {
	int format;       /* enum dd_cli_format */
	int format_given; /* a format option was given (a second must agree) */
	int jsonl;
	int no_color;
	int level;        /* -1 quiet, 0 default, 1 verbose */
};

extern const struct dd_opt dd_cli_out_opts[];
/* Colour: text, on a terminal, neither --no-color nor NO_COLOR. */
int dd_cli_color(const struct dd_cli_out *o, FILE *f);

/* The judgement options of check, report and audit: one meaning each. */
struct dd_cli_judge {
	int64_t now;                       /* 0: the time of the evidence */
	const char *anchor;                /* --trust-anchor FILE */
	unsigned expiry_warn, expiry_crit; /* days; 0: the defaults (30, 7) */
	unsigned sig_warn;                 /* days; 0: the default (7) */
};

/* --now (its table's target: an int64_t, 0 when not given) and the
 * other judgement options (target: struct dd_cli_judge, whose now the
 * commands that judge pass as --now's target). */
extern const struct dd_opt dd_cli_now_opts[];
extern const struct dd_opt dd_cli_judge_opts[];
struct dd_chk_opts;
/* The checks' options from j: the one route of --now and the thresholds
 * into a judgement (the rest of out is zeroed). */
void dd_cli_judge_chk(const struct dd_cli_judge *j, struct dd_chk_opts *out);
struct dd_ev_strlist;
/* Check the judgement options and read --trust-anchor into anchor (source
 * says where it came from, for the evidence). 0, or -1 after printing why. */
int dd_cli_judge_setup(const struct dd_cli_judge *j, const char *cmd, struct dd_ev_strlist *anchor,
		       char *source, size_t sourcelen);

/* Where data files are looked for, first first: $DNSDEPS_DATADIR when set,
 * the source tree for the uninstalled executable only (the one meson built
 * in DD_BUILDDIR: a package never depends on, nor is fooled by, the tree it
 * came from), then the installed data directory DD_DATADIR. Returns how
 * many (at most 3). */
struct dd_cli_data_dir {
	const char *dir;
	const char *what;    /* for people: why this directory is searched */
	int source_tree;     /* laid out as the source tree, not as installed */
};
size_t dd_cli_data_dirs(struct dd_cli_data_dir out[3]);
/* A data file: the first readable of dir/installed_rel (dir/source_rel in
 * the source tree) over dd_cli_data_dirs. 0 with the path in out, or -1
 * when none is readable (out then holds the last one tried). */
int dd_cli_find_data(const char *installed_rel, const char *source_rel, char *out, size_t outlen);
void dd_cli_common_init(struct dd_cli_common *c);

struct dd_probe_opts;
struct dd_dns_hint;
/* Probe settings and root hints from the common options; prints the reason
 * and returns -1 when they are unusable. */
int dd_cli_probe_setup(const struct dd_cli_common *c, struct dd_probe_opts *o,
		       struct dd_dns_hint **hints, size_t *nhints);

/* How registration look-ups treat the registries (cmd_reg.c): --reg-rate,
 * --reg-burst, --reg-cache, --reg-cache-ttl; in reg, check, graph, audit. */
struct dd_cli_reg_extra {
	unsigned rate;         /* requests a minute to one server, 0: default */
	unsigned burst;        /* requests one server may get at once, 0: default */
	const char *cache;     /* answers kept between runs, or NULL */
	unsigned cache_ttl;    /* seconds, 0: default */
};
extern const struct dd_opt dd_cli_reg_extra_opts[];

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
	struct dd_cli_reg_extra reg; /* --reg-rate, --reg-cache... */
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
/* The options of x (0, NULL: keep the defaults) into fo. */
void dd_cli_reg_pace(const struct dd_cli_reg_extra *x, struct dd_reg_fetch_opts *fo);
struct dd_probe;
struct dd_probe_reg;
/* The run's registration look-ups on p's loop, from the --rdap-bootstrap,
 * --whois-servers, --ca-file and --reg-timeout options in d; *out stays
 * NULL under --no-registration. 0, or -1 after printing why (for cmd). */
int dd_cli_probe_reg(struct dd_probe *p, const struct dd_cli_deps *d, const char *cmd,
		     struct dd_probe_reg **out);

/* The subcommands (cmd_*.c); each run returns an exit status (enum dd_exit). */
extern const struct dd_cmd dd_cmd_check, dd_cmd_trace, dd_cmd_demo, dd_cmd_audit, dd_cmd_reg,
	dd_cmd_report, dd_cmd_graph, dd_cmd_watch, dd_cmd_history, dd_cmd_status, dd_cmd_version;

#endif
