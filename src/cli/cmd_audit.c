/* cmd_audit.c: `dnsdeps audit`. Two modes: the live audit of a portfolio
 * (a list of domains, or with --zone FILE --live the delegations of a zone
 * file) checked concurrently on one loop (src/audit), and --zone FILE alone,
 * the offline audit of every delegation of a zone file (src/zone). Options
 * shared by the modes (output format and file, --top) live in one table,
 * each mode's in its own. */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


#include "audit/audit.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "dd_config.h"
#include "net/net.h"
#include "probe/probe.h"
#include "reg/fetch.h"
#include "report/report.h"
#include "store/store.h"
#include "zone/zone.h"

struct audit_opts {
	struct dd_cli_out out;
	const char *output;
	unsigned top;
	int no_progress;
};

struct zone_opts {
	const char *zone;
	const char *origin;
	int live;
};

/* The live audit's own options. */
struct live_opts {
	unsigned concurrency;
	const char *resume;
	const char *summary;
	const char *summary_json;
	unsigned recycle;
	int no_deps;
};

#define LIVE_PER_SERVER 8   /* polite defaults: queries in flight per server address
			     * (and --server-qps, as everywhere: docs/network.md), */
#define LIVE_CONCURRENCY 200 /* and domains in flight */
#define LIVE_RECYCLE 0       /* domains per probe; 0: one probe (its cache is trimmed) */
#define SPOOL_MAX (1ull << 30) /* a list read from a pipe is copied; at most 1 GiB */

static int set_origin(void *t, const struct dd_opt *opt, const char *arg, char *why,
		      size_t whylen)
{
	uint8_t wire[DD_ZONE_WIRE_MAX];
	(void)opt;

	if (dd_zone_name_from_text(arg, wire) < 0) {
		snprintf(why, whylen, "not a valid domain name");
		return -1;
	}
	((struct zone_opts *)t)->origin = arg;
	return 0;
}

/* The distributed audit's options (docs/postgresql.md). */
struct queue_opts {
	const char *uri;
	const char *enqueue;
	int worker;
	const char *name;
	const char *job;
	unsigned lease_ms;
	int wait;
};

#define QUEUE_JOB "default"
#define QUEUE_LEASE_MS 300000
#define QUEUE_BATCH_MAX 1000
/* --queue alone while domains are left: the summary is not ready (as
 * sysexits.h's EX_TEMPFAIL: try again later). */
#define QUEUE_EXIT_NOT_DONE 75
#define QUEUE_WAIT_MS 2000

#define A(field) offsetof(struct audit_opts, field)
#define Z(field) offsetof(struct zone_opts, field)
#define L(field) offsetof(struct live_opts, field)
#define Q(field) offsetof(struct queue_opts, field)

static const struct dd_opt audit_table[] = {
	{ .name = "output", .short_name = 'o', .kind = DD_OPT_STR, .argname = "FILE", .off = A(output), .help = "write to FILE instead of standard output" },
	{ .name = "top", .kind = DD_OPT_UINT, .argname = "N", .off = A(top), .min = 1, .max = 1000000, .help = "rows in each ranking and list (default 20)" },
	{ .name = "no-progress", .kind = DD_OPT_FLAG, .off = A(no_progress), .val = 1, .help = "no progress bar even on a terminal" },
	{ 0 },
};

static const struct dd_opt zone_table[] = {
	{ .name = "zone", .kind = DD_OPT_STR, .argname = "FILE", .off = Z(zone), .help = "audit the delegations in zone FILE ('-': standard input)" },
	{ .name = "origin", .kind = DD_OPT_CALL, .argname = "NAME", .set = set_origin, .help = "the zone's name; must be the owner of its SOA when it has one" },
	{ .name = "live", .kind = DD_OPT_FLAG, .off = Z(live), .val = 1, .help = "with --zone: check every delegation live, as a portfolio" },
	{ 0 },
};

static const struct dd_opt live_table[] = {
	{ .name = "concurrency", .short_name = 'c', .kind = DD_OPT_UINT, .argname = "N", .off = L(concurrency), .min = 1, .max = 100000, .help = "domains checked at once (default 200)" },
	{ .name = "resume", .kind = DD_OPT_STR, .argname = "FILE", .off = L(resume), .help = "skip the domains already in FILE (a previous output); append to it unless --output says otherwise; the summary covers the whole file" },
	{ .name = "summary", .kind = DD_OPT_STR, .argname = "FILE", .off = L(summary), .help = "write the summary to FILE instead of standard error" },
	{ .name = "summary-json", .kind = DD_OPT_STR, .argname = "FILE", .off = L(summary_json), .help = "also write the summary as JSON (dnsdeps.auditsummary/1) to FILE" },
	{ .name = "recycle", .kind = DD_OPT_UINT, .argname = "N", .off = L(recycle), .min = 0, .max = 100000000, .help = "a fresh resolver cache every N domains (default 0: never; the cache is bounded anyway)" },
	{ .name = "no-deps", .kind = DD_OPT_FLAG, .off = L(no_deps), .val = 1, .help = "skip the dependencies (gathered by default, as check does)" },
	{ 0 },
};

static const struct dd_opt queue_table[] = {
	{ .name = "queue", .kind = DD_OPT_STR, .argname = "URI", .off = Q(uri), .help = "the distributed audit's queue, a PostgreSQL database (postgresql://...): with --enqueue FILE or --zone FILE load it, with --worker work on it, alone print its summary (or its progress, exit status 75, while domains are left)" },
	{ .name = "enqueue", .kind = DD_OPT_STR, .argname = "FILE", .off = Q(enqueue), .help = "with --queue: add the domains of FILE (a list, as the live audit reads it) to the job; domains already in it are not added again" },
	{ .name = "worker", .kind = DD_OPT_FLAG, .off = Q(worker), .val = 1, .help = "with --queue: check the job's domains, a batch at a time, storing each result, until none is left" },
	{ .name = "worker-name", .kind = DD_OPT_STR, .argname = "NAME", .off = Q(name), .help = "with --worker: its name in the queue (default HOST.PID); started again under its name, it takes back at once what it held" },
	{ .name = "job", .kind = DD_OPT_STR, .argname = "NAME", .off = Q(job), .help = "with --queue: the job, when several audits share one database (default 'default')" },
	{ .name = "lease", .kind = DD_OPT_MS, .argname = "DURATION", .off = Q(lease_ms), .min = 1000, .max = 86400000, .help = "with --worker: a domain taken is the worker's this long, renewed every third of it while the worker checks it; a dead worker's domains go to another after it (default 5m; 2s at least for the renewal to hold)" },
	{ .name = "wait", .kind = DD_OPT_FLAG, .off = Q(wait), .val = 1, .help = "with --queue alone: wait until no domain is left, showing progress, then print the summary" },
	{ 0 },
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_file(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : DD_EIO;
}

static int write_report(const struct audit_opts *o, const struct dd_zone_audit *a,
			const struct dd_zone_perf *perf)
{
	FILE *out = stdout;
	struct dd_buf b;
	int r = 0;

	if (o->output && strcmp(o->output, "-") != 0) {
		out = fopen(o->output, "w");
		if (!out) {
			perror("dnsdeps audit: cannot write the output file");
			return DD_EIO;
		}
	}
	dd_buf_init(&b);
	if (o->out.format == DD_FMT_CSV) {
		r = dd_rep_zone_csv(a, write_file, out);
	} else {
		if (o->out.format == DD_FMT_JSON)
			r = dd_rep_zone_json(a, perf, &b, o->top);
		else
			dd_rep_zone_text(a, perf, &b, o->top);
		if (!r && dd_buf_failed(&b))
			r = DD_ENOMEM;
		if (!r)
			r = write_file(out, b.data ? b.data : "", b.len);
	}
	dd_buf_free(&b);
	if (fflush(out) != 0 && !r)
		r = DD_EIO;
	if (out != stdout && fclose(out) != 0 && !r)
		r = DD_EIO;
	if (r)
		fprintf(stderr, "dnsdeps audit: cannot write the report: %s\n", dd_strerror(r));
	return r;
}

/* Read and analyse the zone; 0 or a negative dd_err after a message. */
static int run_zone_audit(const struct zone_opts *z, struct dd_zone_audit *a)
{
	FILE *in = stdin;
	struct dd_zone_scanner *s = NULL;
	uint8_t apex[DD_ZONE_WIRE_MAX];
	unsigned long line = 0;
	const char *label = z->zone;
	char shown[256];
	int r;

	if (strcmp(z->zone, "-") == 0) {
		label = "<stdin>";
	} else {
		in = fopen(z->zone, "r");
		if (!in) {
			dd_esc(z->zone, strlen(z->zone), shown, sizeof(shown));
			fprintf(stderr, "dnsdeps audit: cannot open %s: %s\n", shown,
				dd_strerror(dd_err_from_errno(errno)));
			return DD_EIO;
		}
	}
	r = dd_zone_scanner_new(&s, in, label, z->origin);
	if (!r) {
		r = dd_zone_audit_scan(a, s, &line);
		if (r == DD_EPARSE || r == DD_EIO || (r == DD_ELIMIT && line == 0))
			fprintf(stderr, "dnsdeps audit: %s\n", dd_zone_scanner_error(s));
		else if (r) {
			dd_esc(label, strlen(label), shown, sizeof(shown));
			if (r == DD_ELIMIT)
				fprintf(stderr, "dnsdeps audit: %s:%lu: more than %d NS records at one "
					"name, or tables beyond 4 GiB (the limits)\n", shown, line,
					DD_ZONE_MAX_NS_PER_OWNER);
			else
				fprintf(stderr, "dnsdeps audit: %s:%lu: %s\n", shown, line,
					dd_strerror(r));
		}
	}
	dd_zone_scanner_free(s);
	if (in != stdin)
		fclose(in);
	if (r)
		return r;
	if (z->origin)
		dd_zone_name_from_text(z->origin, apex);
	r = dd_zone_audit_finish(a, z->origin ? apex : NULL);
	if (r == DD_ENOTFOUND)
		fprintf(stderr, "dnsdeps audit: the zone has no SOA record: give its name with "
				"--origin\n");
	else if (r == DD_EINVAL)
		fprintf(stderr, "dnsdeps audit: --origin %s is not the owner of the zone's SOA "
				"record\n", z->origin);
	else if (r)
		fprintf(stderr, "dnsdeps audit: %s\n", dd_strerror(r));
	return r;
}

static int zone_mode(const struct audit_opts *o, const struct zone_opts *z)
{
	struct dd_zone_audit *a = NULL;
	struct dd_zone_perf perf = { 0 };
	struct rusage ru;
	double t0 = now_seconds();
	int r, status = DD_EXIT_UNKNOWN;

	r = dd_zone_audit_new(&a);
	if (r) {
		fprintf(stderr, "dnsdeps audit: %s\n", dd_strerror(r));
		goto out;
	}
	if (run_zone_audit(z, a) != 0)
		goto out;
	perf.seconds = now_seconds() - t0;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		perf.peak_rss = (size_t)ru.ru_maxrss * 1024;
	if (write_report(o, a, &perf) != 0)
		goto out;
	const struct dd_zone_summary *s = dd_zone_audit_summary(a);
	status = s->hijack_ns_names ? DD_EXIT_CRITICAL
		 : s->unresolvable_delegations || s->missing_glue_names ? DD_EXIT_WARNING
									 : DD_EXIT_OK;
out:
	dd_zone_audit_free(a);
	return status;
}

/* ---- the live audit ------------------------------------------------------- */

struct live {
	const struct audit_opts *o;
	const struct live_opts *lo;
	const struct dd_cli_deps *deps;
	const struct dd_cli_judge *judge;
	struct dd_ev_strlist anchor; /* --trust-anchor, for every evidence */
	char anchor_source[4200];
	/* where the domains come from: a list file, or the zone's delegations */
	struct dd_audit_list *list;
	char label[256];           /* the input's name, escaped */
	const char *names;         /* zone: NUL-separated delegation names */
	size_t names_len, names_pos;
	struct dd_map done;        /* --resume: domains already written */
	unsigned long bad, skipped, duplicates;
	/* where the lines go */
	FILE *out;
	double last_flush;
	/* the progress bar, on a terminal only */
	int progress;
	uint64_t total;            /* domains to check, 0 when unknown */
	double last_draw;
	int drawn;
	struct dd_audit *a;
	int sigints;
};

static void clear_bar(struct live *l)
{
	if (l->drawn) {
		fputs("\r\033[K", stderr);
		l->drawn = 0;
	}
}

static void bad_input(struct live *l, unsigned long line, const char *text, const char *why)
{
	char shown[200];

	clear_bar(l);
	dd_esc(text, strlen(text), shown, sizeof(shown));
	if (line)
		fprintf(stderr, "dnsdeps audit: %s:%lu: %s: '%s' (skipped)\n", l->label, line, why,
			shown);
	else
		fprintf(stderr, "dnsdeps audit: %s: delegation '%s': %s (skipped)\n", l->label,
			shown, why);
	l->bad++;
}

/* The next name of the input, or 0 at the end, or DD_EIO / DD_ENOMEM. Bad
 * names are reported (only when report) and skipped. */
static int next_name(struct live *l, struct dd_audit_list *list, size_t *pos, int report,
		     char name[DD_NAME_MAX])
{
	for (;;) {
		const char *why;
		int rc;

		if (l->names) {
			if (*pos >= l->names_len)
				return 0;
			const char *t = l->names + *pos;
			*pos += strlen(t) + 1;
			rc = dd_name_from_user(t, name, &why);
			if (rc == DD_ENOMEM)
				return rc;
			if (rc) {
				if (report)
					bad_input(l, 0, t, why);
				continue;
			}
		} else {
			char text[80];
			unsigned long line;
			rc = dd_audit_list_next(list, name, &line, &why, text, sizeof(text));
			if (rc == DD_ENAME) {
				if (report)
					bad_input(l, line, text, why);
				continue;
			}
			if (rc <= 0)
				return rc;
		}
		void *seen = l->done.count ? dd_map_get(&l->done, name) : NULL;
		if (seen && report) {
			/* resumed names map to the map, names given out to l */
			if (seen == l)
				l->duplicates++;
			else
				l->skipped++;
		}
		if (seen)
			continue;
		if (report && dd_map_set(&l->done, name, l) != 0)
			return DD_ENOMEM;
		return 1;
	}
}

static int next_domain(void *ctx, char name[DD_NAME_MAX])
{
	struct live *l = ctx;
	int rc = next_name(l, l->list, &l->names_pos, 1, name);

	if (rc == DD_EIO) {
		clear_bar(l);
		fprintf(stderr, "dnsdeps audit: %s: read error\n", l->label);
	}
	return rc;
}

static int write_line(void *ctx, const char *line, size_t len)
{
	struct live *l = ctx;
	double now = dd_clock_mono_ms();

	if (fwrite(line, 1, len, l->out) != len)
		return DD_EIO;
	/* Whole lines reach the file often enough for `tail -f` and for a
	 * crash to lose little; not one write per line. */
	if (now - l->last_flush > 200) {
		l->last_flush = now;
		if (fflush(l->out) != 0)
			return DD_EIO;
	}
	return 0;
}

static void show_progress(void *ctx, const struct dd_audit_stats *st)
{
	struct live *l = ctx;
	double now = dd_clock_mono_ms(), rate;
	char bar[31];

	if (!l->progress || (now - l->last_draw < 100 && st->done != l->total))
		return;
	l->last_draw = now;
	rate = st->elapsed_ms > 0 ? (double)st->done * 1000.0 / st->elapsed_ms : 0.0;
	if (l->total) {
		uint64_t left = l->total > st->done ? l->total - st->done : 0;
		unsigned eta = rate > 0 ? (unsigned)((double)left / rate) : 0;
		size_t fill = (size_t)(30.0 * (double)st->done / (double)l->total);
		for (size_t i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		fprintf(stderr, "\r[%s] %llu/%llu %.0f domains/s ETA %u:%02u:%02u\033[K", bar,
			(unsigned long long)st->done, (unsigned long long)l->total, rate, eta / 3600,
			eta / 60 % 60, eta % 60);
	} else {
		fprintf(stderr, "\r%llu done, %.0f domains/s\033[K", (unsigned long long)st->done,
			rate);
	}
	l->drawn = 1;
}

static void on_sigint(void *arg, int signum)
{
	struct live *l = arg;

	(void)signum;
	clear_bar(l);
	if (++l->sigints == 1) {
		fprintf(stderr, "dnsdeps audit: interrupted: finishing the %u domains in flight "
				"(Ctrl-C again to stop at once)\n",
			dd_audit_stats(l->a)->inflight);
		dd_audit_stop(l->a, 0);
	} else {
		dd_audit_stop(l->a, 1);
	}
}

/* Each evidence as check starts it: the trust anchor, the dependencies
 * section (cmd_graph.c). */
static int prepare(void *ctx, struct dd_evidence *ev)
{
	struct live *l = ctx;

	if (l->judge->anchor &&
	    dd_ev_sec_set_anchor(&ev->dnssec, &l->anchor, l->anchor_source) != 0)
		return DD_ENOMEM;
	if (l->lo->no_deps)
		return 0;
	return dd_cli_deps_request(l->deps, ev, "audit") != 0 ? DD_EINVAL : 0;
}

static int deps_finish(void *ctx, struct dd_evidence *ev)
{
	struct live *l = ctx;

	if (!ev->deps.present)
		return 0;
	(void)l;
	return dd_cli_deps_finish(ev, "audit") != 0 ? DD_EINVAL : 0;
}

/* Count the zone's delegations (for the progress bar). */
static uint64_t count_names(struct live *l)
{
	char name[DD_NAME_MAX];
	size_t pos = 0;
	uint64_t n = 0;

	while (next_name(l, NULL, &pos, 0, name) == 1)
		n++;
	return n;
}

/* Copy a list that cannot be read twice (a pipe, a device) to a temporary
 * file, refusing binary input at its first NUL byte and bounding the size.
 * The copy, or NULL after a message. */
static FILE *spool(FILE *in, const char *label)
{
	FILE *t = tmpfile();
	char chunk[65536];
	uint64_t total = 0;
	size_t n;

	if (!t) {
		fprintf(stderr, "dnsdeps audit: %s: cannot make a temporary copy: %s\n", label,
			strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		total += n;
		if (memchr(chunk, '\0', n) || total > SPOOL_MAX) {
			fprintf(stderr, "dnsdeps audit: %s: %s; refused before any query\n", label,
				total > SPOOL_MAX ? "larger than 1 GiB" : "binary input (a NUL byte), "
									   "not a list of domains");
			fclose(t);
			return NULL;
		}
		if (fwrite(chunk, 1, n, t) != n) {
			fprintf(stderr, "dnsdeps audit: %s: cannot copy: %s\n", label, strerror(errno));
			fclose(t);
			return NULL;
		}
	}
	if (ferror(in) || fflush(t) != 0 || fseek(t, 0, SEEK_SET) != 0) {
		fprintf(stderr, "dnsdeps audit: %s: read error: %s\n", label, strerror(errno));
		fclose(t);
		return NULL;
	}
	return t;
}

/* Look at the whole list before any query: refuse a binary, empty or mostly
 * unreadable one. The number of names, or -1 after one line saying why. */
static long long screen_list(FILE *in, const char *label)
{
	struct dd_audit_screen sc;
	int rc = dd_audit_list_screen(in, &sc);

	if (rc || fseek(in, 0, SEEK_SET) != 0) {
		fprintf(stderr, "dnsdeps audit: %s: read error: %s\n", label,
			rc ? dd_strerror(rc) : strerror(errno));
		return -1;
	}
	clearerr(in);
	if (sc.binary) {
		fprintf(stderr, "dnsdeps audit: %s: binary input (a NUL byte or %u bytes without a "
				"newline at line %lu), not a list of domains; refused before any query\n",
			label, DD_AUDIT_RUN_MAX, sc.lines + 1);
		return -1;
	}
	if (sc.names + sc.bad == 0) {
		fprintf(stderr, "dnsdeps audit: %s: no domain names in the list (%lu line%s, blank "
				"or comments)\n", label, sc.lines, sc.lines == 1 ? "" : "s");
		return -1;
	}
	if (sc.bad > sc.names) {
		fprintf(stderr, "dnsdeps audit: %s: %lu of %lu lines are not domain names; refused "
				"before any query\n", label, sc.bad, sc.names + sc.bad);
		return -1;
	}
	return (long long)sc.names;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Read --resume FILE and open the output. 0, or -1 after a message. */
static int open_output(struct live *l, int csv)
{
	const struct audit_opts *o = l->o;
	const char *resume = l->lo->resume;
	int append = 0, header = csv;

	if (resume) {
		struct dd_audit_resume res;
		FILE *rf = fopen(resume, "r");
		if (!rf && errno != ENOENT) {
			perror("dnsdeps audit: --resume");
			return -1;
		}
		memset(&res, 0, sizeof(res));
		if (rf) {
			int rc = dd_audit_resume_read(rf, &l->done, &res, NULL);
			fclose(rf);
			if (rc) {
				fprintf(stderr, "dnsdeps audit: --resume: %s\n", dd_strerror(rc));
				return -1;
			}
		}
		append = !o->output || same_file(o->output, resume);
		if (append && res.valid_end > 0 && res.csv != csv) {
			fprintf(stderr, "dnsdeps audit: --resume: the file is %s, the output %s: "
					"use the same format to append\n",
				res.csv ? "CSV" : "JSON Lines", csv ? "CSV" : "JSON Lines");
			return -1;
		}
		/* Drop a line cut by a crash, then append whole lines. */
		if (append && rf && truncate(resume, res.valid_end) != 0) {
			perror("dnsdeps audit: --resume");
			return -1;
		}
		if (append && res.valid_end > 0)
			header = 0;
		if (res.bad_lines)
			fprintf(stderr, "dnsdeps audit: --resume: %lu line%s of %s not understood, "
					"ignored\n", res.bad_lines, res.bad_lines == 1 ? "" : "s", resume);
	}
	if (append) {
		l->out = fopen(resume, "a");
	} else if (o->output && strcmp(o->output, "-") != 0) {
		l->out = fopen(o->output, "w");
	} else {
		l->out = stdout;
	}
	if (!l->out) {
		perror("dnsdeps audit: cannot write the output file");
		return -1;
	}
	if (header && fputs(dd_rep_audit_csv_header(), l->out) == EOF)
		return -1;
	return 0;
}

/* --resume: the results already in the file count in the summary and the
 * exit status, which then cover the whole file. 0, or -1 after a message. */
static int previous(struct live *l)
{
	FILE *f = fopen(l->lo->resume, "r");
	int rc;

	if (!f)
		return errno == ENOENT ? 0 : (perror("dnsdeps audit: --resume"), -1);
	rc = dd_audit_add_previous(l->a, f);
	fclose(f);
	if (rc)
		fprintf(stderr, "dnsdeps audit: --resume: %s\n", dd_strerror(rc));
	return rc ? -1 : 0;
}

/* One rendering of the summary (JSON or text) to path, or to dflt when path
 * is NULL. 0, or -1 after a message. */
static int put_summary(const struct dd_audit_summary *s, const struct dd_audit_run_info *ri,
		       size_t top, int json, const char *path, FILE *dflt)
{
	FILE *f = dflt;
	struct dd_buf b;
	int r;

	if (path && !(f = fopen(path, "w"))) {
		perror("dnsdeps audit: cannot write the summary");
		return -1;
	}
	dd_buf_init(&b);
	r = json ? dd_rep_audit_summary_json(s, ri, top, &b)
		 : dd_rep_audit_summary_text(s, ri, top, &b);
	if (r == 0 && fwrite(dd_buf_str(&b), 1, b.len, f) != b.len)
		r = DD_EIO;
	if (f != dflt ? fclose(f) != 0 : fflush(f) != 0)
		r = DD_EIO;
	if (r)
		fprintf(stderr, "dnsdeps audit: summary: %s\n", dd_strerror(r));
	dd_buf_free(&b);
	return r ? -1 : 0;
}

/* The text summary on standard error or --summary FILE; --summary-json FILE. */
static int write_summary(const struct live *l, const struct dd_audit_run_info *ri)
{
	const struct dd_audit_summary *s = dd_audit_summary(l->a);
	int rc = put_summary(s, ri, l->o->top, 0, l->lo->summary, stderr);

	if (l->lo->summary_json && put_summary(s, ri, l->o->top, 1, l->lo->summary_json, stderr))
		rc = -1;
	return rc;
}

/* The delegations of the zone as NUL-separated names in b. */
static int add_deleg(void *ctx, const struct dd_zone_deleg *d)
{
	struct dd_buf *b = ctx;

	dd_buf_add(b, d->name, strlen(d->name) + 1);
	return dd_buf_failed(b) ? DD_ENOMEM : 0;
}

static int zone_names(const struct zone_opts *z, struct dd_buf *b)
{
	struct dd_zone_audit *za = NULL;
	int r = dd_zone_audit_new(&za);

	if (r == 0 && (r = run_zone_audit(z, za)) == 0)
		r = dd_zone_audit_each(za, add_deleg, b);
	if (r == DD_ENOMEM)
		fprintf(stderr, "dnsdeps audit: %s\n", dd_strerror(r));
	dd_zone_audit_free(za);
	return r;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Exchanges in flight at once: enough for every domain of the window to
 * ask all its servers, and never more sockets than the process may open. */
static unsigned max_inflight(unsigned concurrency)
{
	struct rlimit rl;
	uint64_t want = (uint64_t)concurrency * 4, cap = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		cap = rl.rlim_cur > 256 ? rl.rlim_cur - 128 : 128;
	else if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		cap = 65536;
	if (want < 256)
		want = 256;
	return (unsigned)(want < cap ? want : cap);
}

static int worst_status(const struct dd_audit_summary *s)
{
	if (s->status[DD_STATUS_CRITICAL])
		return DD_EXIT_CRITICAL;
	if (s->status[DD_STATUS_WARNING])
		return DD_EXIT_WARNING;
	if (s->status[DD_STATUS_UNKNOWN])
		return DD_EXIT_UNKNOWN;
	return DD_EXIT_OK;
}

/* What a run of the audit driver needs, as the live audit and a queue's
 * worker have it (run_setup); hints to free. */
struct run_env {
	struct dd_reg_fetch_opts fo;
	struct dd_cli_reg_paths paths; /* fo's file names */
	struct dd_probe_opts po;
	struct dd_dns_hint *hints;
	size_t nhints;
	struct dd_audit_opts ao;
};

/* The probe's settings and root hints, registration look-ups, the
 * judgement's options, and l's prepare and finish, into e. 0, or -1 after
 * a message. */
static int run_setup(struct live *l, const struct dd_cli_common *c, const struct dd_cli_deps *d,
		     struct run_env *e)
{
	const struct dd_cli_judge *j = l->judge;
	struct dd_audit_opts *ao = &e->ao;
	struct dd_probe_opts *po = &e->po;
	struct dd_reg_fetch_opts *fo = &e->fo;

	raise_fd_limit();
	if (dd_cli_probe_setup(c, po, &e->hints, &e->nhints) != 0)
		return -1;
	po->max_inflight = max_inflight(l->lo->concurrency);
	memset(ao, 0, sizeof(*ao));
	ao->concurrency = l->lo->concurrency;
	ao->now = j->now;
	dd_cli_judge_chk(j, &ao->judge);
	ao->judge.now = j->now;
	ao->line = dd_rep_audit_line;
	ao->tool = "dnsdeps " DD_VERSION;
	ao->ctx = l;
	ao->recycle = l->lo->recycle;
	dd_cli_reg_fetch_opts(d->rdap_bootstrap, d->whois_servers, d->ca_file, d->reg_timeout_ms,
			      fo, &e->paths);
	dd_cli_reg_pace(&d->reg, fo);
	ao->reg = d->no_registration ? NULL : fo;
	ao->prepare = prepare;
	ao->finish = deps_finish;
	return 0;
}

static int live_mode(const struct audit_opts *o, const struct zone_opts *z,
		     const struct live_opts *lo, const struct dd_cli_judge *j,
		     const struct dd_cli_common *c, const struct dd_cli_deps *d, const char *input)
{
	struct run_env env = { .hints = NULL };
	struct live l;
	struct dd_buf names;
	struct dd_audit_run_info ri;
	struct rusage ru;
	FILE *in = NULL;
	int rc, status = DD_EXIT_UNKNOWN;

	memset(&l, 0, sizeof(l));
	l.o = o;
	l.lo = lo;
	l.deps = d;
	l.judge = j;
	dd_map_init(&l.done);
	dd_buf_init(&names);
	if (dd_cli_judge_setup(j, "audit", &l.anchor, l.anchor_source,
			       sizeof(l.anchor_source)) != 0)
		goto out;
	if (z->zone) {
		dd_esc(z->zone, strlen(z->zone), l.label, sizeof(l.label));
		if (zone_names(z, &names) != 0)
			goto out;
		l.names = dd_buf_str(&names);
		l.names_len = names.len;
	} else {
		if (!input || strcmp(input, "-") == 0) {
			in = stdin;
			snprintf(l.label, sizeof(l.label), "<stdin>");
		} else {
			dd_esc(input, strlen(input), l.label, sizeof(l.label));
			in = fopen(input, "r");
			if (!in) {
				fprintf(stderr, "dnsdeps audit: cannot open %s: %s\n", l.label,
					strerror(errno));
				goto out;
			}
		}
		struct stat st;
		if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode)) {
			FILE *copy = spool(in, l.label);
			if (in != stdin)
				fclose(in);
			in = copy;
			if (!in)
				goto out;
		}
		long long listed = screen_list(in, l.label);
		if (listed < 0)
			goto out;
		l.total = (uint64_t)listed;
		if (dd_audit_list_new(&l.list, in) != 0)
			goto out;
	}
	if (open_output(&l, o->out.format == DD_FMT_CSV) != 0)
		goto out;
	l.progress = !o->no_progress && isatty(STDERR_FILENO);
	if (l.progress && l.names)
		l.total = count_names(&l);
	if (run_setup(&l, c, d, &env) != 0)
		goto out;
	env.ao.format = o->out.format == DD_FMT_CSV ? DD_AUDIT_CSV : DD_AUDIT_JSONL;
	env.ao.next = next_domain;
	env.ao.write = write_line;
	env.ao.progress = show_progress;
	env.ao.on_signal = on_sigint;
	env.ao.signum = SIGINT;
	env.ao.signal_arg = &l;
	rc = dd_audit_new(&l.a, &env.po, env.hints, env.nhints, &env.ao);
	if (rc) {
		fprintf(stderr, "dnsdeps audit: %s\n", dd_strerror(rc));
		goto out;
	}
	if (lo->resume && previous(&l) != 0)
		goto out;
	rc = dd_audit_run(l.a);
	clear_bar(&l);

	if (fflush(l.out) != 0 && rc == 0)
		rc = DD_EIO;
	if (rc && rc != DD_ECANCELED && dd_audit_why(l.a)[0]) {
		char *e = dd_esc_dup(dd_audit_why(l.a), strlen(dd_audit_why(l.a)));
		fprintf(stderr, "dnsdeps audit: %s\n", e ? e : "registration look-ups unusable");
		free(e);
	} else if (rc && rc != DD_ECANCELED) {
		fprintf(stderr, "dnsdeps audit: stopped: %s\n",
			rc == DD_EIO ? "cannot write the output" : dd_strerror(rc));
	}
	memset(&ri, 0, sizeof(ri));
	ri.bad_lines = l.bad;
	ri.skipped = l.skipped;
	ri.duplicates = l.duplicates;
	ri.in_flight = dd_audit_stats(l.a)->inflight;
	ri.interrupted = rc == DD_ECANCELED;
	ri.seconds = dd_audit_stats(l.a)->elapsed_ms / 1000.0;
	ri.queries = dd_audit_stats(l.a)->queries;
	ri.shared = dd_audit_stats(l.a)->shared;
	ri.timeouts = dd_audit_stats(l.a)->timeouts;
	ri.probes = dd_audit_stats(l.a)->probes;
	ri.idle_rounds = dd_audit_stats(l.a)->idle_rounds;
	ri.max_inflight = dd_audit_stats(l.a)->max_inflight;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		ri.peak_rss = (size_t)ru.ru_maxrss * 1024;
	if (write_summary(&l, &ri) != 0 && rc == 0)
		rc = DD_EIO;
	status = rc == DD_ECANCELED ? 130 : rc ? DD_EXIT_UNKNOWN : worst_status(dd_audit_summary(l.a));
out:
	dd_audit_free(l.a);
	free(env.hints);
	if (l.out && l.out != stdout && fclose(l.out) != 0 && status != 130)
		status = DD_EXIT_UNKNOWN;
	dd_audit_list_free(l.list);
	if (in && in != stdin)
		fclose(in);
	dd_map_free(&l.done);
	dd_buf_free(&names);
	dd_ev_strlist_free(&l.anchor);
	return status;
}


/* ---- the distributed audit (--queue) --------------------------------------------- */

static int open_queue(const struct queue_opts *q, struct dd_store **st)
{
	char why[DD_STORE_WHY_MAX];
	int rc;

	if (strncmp(q->uri, "postgresql:", 11) != 0 && strncmp(q->uri, "postgres:", 9) != 0) {
		fprintf(stderr, "dnsdeps audit: --queue takes a PostgreSQL database "
				"(postgresql://...)\n");
		return -1;
	}
	if ((rc = dd_store_open(st, q->uri, why)) != 0) {
		char *e = dd_esc_dup(why, strlen(why));
		fprintf(stderr, "dnsdeps audit: --queue: %s\n", e ? e : dd_strerror(rc));
		free(e);
		return -1;
	}
	return 0;
}

/* The names of the list or the zone, as the live audit reads them, into
 * names (NUL-separated, the map of l dropping those listed twice). */
static int queue_names(struct live *l, const struct queue_opts *q, const struct zone_opts *z,
		       struct dd_buf *names)
{
	char name[DD_NAME_MAX];
	FILE *in;
	int rc;

	if (z->zone) {
		struct dd_buf zn;
		dd_buf_init(&zn);
		dd_esc(z->zone, strlen(z->zone), l->label, sizeof(l->label));
		if ((rc = zone_names(z, &zn)) == 0) {
			l->names = dd_buf_str(&zn);
			l->names_len = zn.len;
			while ((rc = next_name(l, NULL, &l->names_pos, 1, name)) == 1)
				dd_buf_add(names, name, strlen(name) + 1);
		}
		dd_buf_free(&zn);
		l->names = NULL;
		return rc || dd_buf_failed(names) ? -1 : 0;
	}
	dd_esc(q->enqueue, strlen(q->enqueue), l->label, sizeof(l->label));
	if (strcmp(q->enqueue, "-") == 0) {
		in = spool(stdin, l->label);
	} else if (!(in = fopen(q->enqueue, "r"))) {
		fprintf(stderr, "dnsdeps audit: cannot open %s: %s\n", l->label, strerror(errno));
		return -1;
	}
	rc = in && screen_list(in, l->label) >= 0 && dd_audit_list_new(&l->list, in) == 0 ? 0 : -1;
	while (rc == 0 && (rc = next_name(l, l->list, NULL, 1, name)) == 1) {
		dd_buf_add(names, name, strlen(name) + 1);
		rc = 0;
	}
	dd_audit_list_free(l->list);
	l->list = NULL;
	if (in)
		fclose(in);
	return rc || dd_buf_failed(names) ? -1 : 0;
}

static int enqueue_mode(const struct queue_opts *q, const struct zone_opts *z,
			const struct live_opts *lo)
{
	struct dd_store *st = NULL;
	struct live l;
	struct dd_buf names;
	const char **v = NULL;
	size_t n = 0;
	uint64_t added = 0;
	int rc, status = DD_EXIT_UNKNOWN;

	memset(&l, 0, sizeof(l));
	l.lo = lo;
	dd_map_init(&l.done);
	dd_buf_init(&names);
	if (queue_names(&l, q, z, &names) != 0 || open_queue(q, &st) != 0)
		goto out;
	for (size_t i = 0; i < names.len; i += strlen(names.data + i) + 1)
		n++;
	if (!(v = malloc((n ? n : 1) * sizeof(*v))))
		goto out;
	n = 0;
	for (size_t i = 0; i < names.len; i += strlen(names.data + i) + 1)
		v[n++] = names.data + i;
	if ((rc = dd_store_queue_add(st, q->job, v, n, &added)) != 0) {
		fprintf(stderr, "dnsdeps audit: --queue: cannot add the domains: %s\n",
			dd_strerror(rc));
		goto out;
	}
	fprintf(stderr, "dnsdeps audit: job '%s': %llu domain%s added, %llu already there\n",
		q->job, (unsigned long long)added, added == 1 ? "" : "s",
		(unsigned long long)(n - added));
	status = DD_EXIT_OK;
out:
	free(v);
	dd_buf_free(&names);
	dd_map_free(&l.done);
	dd_store_close(st);
	return status;
}

static void worker_log(void *ctx, const char *line)
{
	char *e = dd_esc_dup(line, strlen(line));

	fprintf(stderr, "dnsdeps audit: worker %s: %s\n", (const char *)ctx, e ? e : line);
	free(e);
}

static int worker_mode(const struct queue_opts *q, const struct live_opts *lo,
		       const struct dd_cli_judge *j, const struct dd_cli_common *c,
		       const struct dd_cli_deps *d)
{
	struct run_env env = { .hints = NULL };
	struct dd_audit_queue_stats qs;
	struct dd_store *st = NULL;
	struct live l;
	char name[160], host[128] = "", why[256];
	int rc, status = DD_EXIT_UNKNOWN;

	memset(&l, 0, sizeof(l));
	l.lo = lo;
	l.deps = d;
	l.judge = j;
	if (q->name) {
		snprintf(name, sizeof(name), "%s", q->name);
	} else {
		if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
			snprintf(host, sizeof(host), "localhost");
		snprintf(name, sizeof(name), "%s.%ld", host, (long)getpid());
	}
	struct dd_audit_queue_opts qo = {
		.job = q->job, .worker = name, .lease_s = q->lease_ms / 1000,
		.batch = lo->concurrency < QUEUE_BATCH_MAX ? lo->concurrency : QUEUE_BATCH_MAX,
		.log = worker_log, .log_ctx = name,
	};
	if (dd_cli_judge_setup(j, "audit", &l.anchor, l.anchor_source,
			       sizeof(l.anchor_source)) != 0 ||
	    open_queue(q, &st) != 0 ||
	    run_setup(&l, c, d, &env) != 0)
		goto out;
	rc = dd_audit_queue_work(st, &qo, &env.po, env.hints, env.nhints, &env.ao, &qs, why);
	if (rc && rc != DD_ECANCELED) {
		char *e = dd_esc_dup(why, strlen(why));
		fprintf(stderr, "dnsdeps audit: worker %s: stopped: %s\n", name, e ? e : why);
		free(e);
	}
	if (qs.unstored)
		fprintf(stderr, "dnsdeps audit: worker %s: %llu result%s not stored: their domains "
				"go back to the queue when the lease ends\n", name,
			(unsigned long long)qs.unstored, qs.unstored == 1 ? "" : "s");
	status = rc == 0 ? DD_EXIT_OK : rc == DD_ECANCELED ? 130 : DD_EXIT_UNKNOWN;
out:
	free(env.hints);
	dd_store_close(st);
	dd_ev_strlist_free(&l.anchor);
	return status;
}

/* The summary in the format asked for, to stdout and the --summary files. */
static int queue_summary_out(const struct audit_opts *o, const struct live_opts *lo,
			     const struct dd_audit_summary *s, const struct dd_audit_run_info *ri)
{
	int rc = put_summary(s, ri, o->top, o->out.format == DD_FMT_JSON, NULL, stdout);

	if (lo->summary && put_summary(s, ri, o->top, 0, lo->summary, stdout))
		rc = -1;
	if (lo->summary_json && put_summary(s, ri, o->top, 1, lo->summary_json, stdout))
		rc = -1;
	return rc;
}

static void print_progress(FILE *f, const char *job, const struct dd_store_qprogress *p)
{
	fprintf(f, "dnsdeps audit: job '%s': %llu done, %llu in flight, %llu left\n", job,
		(unsigned long long)p->done, (unsigned long long)p->leased,
		(unsigned long long)p->left);
	fflush(f);
}

static int summary_mode(const struct audit_opts *o, const struct queue_opts *q,
			const struct live_opts *lo)
{
	struct dd_store *st = NULL;
	struct dd_store_qprogress p;
	struct dd_audit_summary s;
	struct dd_audit_run_info ri;
	struct dd_clock clk = { 0 };
	int rc, status = DD_EXIT_UNKNOWN;

	if (dd_audit_summary_init(&s) != 0 || open_queue(q, &st) != 0)
		goto out;
	for (;;) {
		rc = dd_store_queue_progress(st, q->job, dd_clock_now(&clk), &p);
		if (rc) {
			fprintf(stderr, "dnsdeps audit: --queue: %s%s\n", dd_strerror(rc),
				q->wait ? " (trying again)" : "");
			if (!q->wait)
				goto out;
		} else if (p.leased + p.left == 0) {
			break;
		} else if (!q->wait) {
			print_progress(stdout, q->job, &p);
			status = QUEUE_EXIT_NOT_DONE;
			goto out;
		} else {
			print_progress(stderr, q->job, &p);
		}
		struct timespec ts = { QUEUE_WAIT_MS / 1000, (QUEUE_WAIT_MS % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (p.done == 0) {
		fprintf(stderr, "dnsdeps audit: job '%s' has no domains (--enqueue FILE adds "
				"them)\n", q->job);
		goto out;
	}
	memset(&ri, 0, sizeof(ri));
	if ((rc = dd_audit_queue_summary(st, q->job, &s, &ri)) != 0) {
		fprintf(stderr, "dnsdeps audit: --queue: cannot read the summary: %s\n",
			dd_strerror(rc));
		goto out;
	}
	if (queue_summary_out(o, lo, &s, &ri) == 0)
		status = worst_status(&s);
out:
	dd_audit_summary_free(&s);
	dd_store_close(st);
	return status;
}

/* --queue: load, work, or sum up. */
static int queue_main(const struct audit_opts *o, struct queue_opts *q,
		      const struct zone_opts *z, const struct live_opts *lo,
		      const struct dd_cli_judge *j, const struct dd_cli_common *c,
		      const struct dd_cli_deps *d, int npos)
{
	if (!q->uri)
		return dd_cli_usage_error(&dd_cmd_audit, "--enqueue, --worker, --worker-name, --job,"
					  " --lease and --wait go with --queue URI");
	if (npos > 0)
		return dd_cli_usage_error(&dd_cmd_audit, "with --queue the list is --enqueue FILE");
	if ((q->enqueue != NULL) + (z->zone != NULL) + q->worker > 1)
		return dd_cli_usage_error(&dd_cmd_audit, "--enqueue, --zone and --worker are three "
					  "steps: one at a time");
	if (o->output || lo->resume || z->live)
		return dd_cli_usage_error(&dd_cmd_audit, "with --queue the results are stored in the "
					  "queue: no --output, --resume or --live");
	if (o->out.format == DD_FMT_CSV)
		return dd_cli_usage_error(&dd_cmd_audit, "with --queue the results are JSON documents "
					  "and the summary text or json: no csv");
	if (!q->job)
		q->job = QUEUE_JOB;
	if (!q->lease_ms)
		q->lease_ms = QUEUE_LEASE_MS;
	if (q->enqueue || z->zone)
		return enqueue_mode(q, z, lo);
	if (q->worker)
		return worker_mode(q, lo, j, c, d);
	return summary_mode(o, q, lo);
}

enum { T_AUDIT, T_OUT, T_ZONE, T_LIVE, T_QUEUE, T_NOW, T_JUDGE, T_PROBE, T_DEPS, T_REG, T_N };

static int audit_main(int argc, char **argv)
{
	struct audit_opts o = { .top = 20 };
	struct zone_opts z = { 0 };
	struct live_opts lo = { .concurrency = LIVE_CONCURRENCY, .recycle = LIVE_RECYCLE };
	struct queue_opts q = { 0 };
	struct dd_cli_judge j = { 0 };
	struct dd_cli_common c;
	struct dd_cli_deps d;
	void *targets[] = { &o, &o.out, &z, &lo, &q, &j.now, &j, &c, &d, &d.reg };
	int given[T_N] = { 0 };
	char *pos[argc + 1];
	int npos, rc;

	dd_cli_deps_init(&d);
	dd_cli_common_init(&c);
	c.max_inflight_server = LIVE_PER_SERVER;
	if ((rc = dd_cli_parse(&dd_cmd_audit, targets, given, argc, argv, pos, &npos)) >= 0)
		return rc;
	if (given[T_QUEUE])
		return queue_main(&o, &q, &z, &lo, &j, &c, &d, npos);
	if (z.zone && !z.live) {
		if (npos > 0)
			return dd_cli_usage_error(&dd_cmd_audit, "--zone takes no other arguments");
		if (given[T_LIVE] || given[T_NOW] || given[T_JUDGE] || given[T_PROBE] ||
		    given[T_DEPS] || given[T_REG])
			return dd_cli_usage_error(&dd_cmd_audit, "probe and live options need "
					"--live with --zone (or a list of domains)");
		return zone_mode(&o, &z);
	}
	if (lo.no_deps && d.wanted)
		return dd_cli_usage_error(&dd_cmd_audit, "--no-deps conflicts with the dependency "
					  "options");
	if (z.live && !z.zone)
		return dd_cli_usage_error(&dd_cmd_audit, "--live goes with --zone FILE");
	if (z.origin && !z.zone)
		return dd_cli_usage_error(&dd_cmd_audit, "--origin goes with --zone FILE");
	if (npos > (z.zone ? 0 : 1))
		return dd_cli_usage_error(&dd_cmd_audit, "one list of domains at most%s",
					  z.zone ? " (--zone gives it)" : "");
	if (!z.zone && npos == 0)
		return dd_cli_usage_error(&dd_cmd_audit, "give a list of domains (FILE, or - for "
					  "standard input) or --zone FILE");
	if (o.out.format == DD_FMT_TEXT && o.out.format_given)
		return dd_cli_usage_error(&dd_cmd_audit, "the live audit writes json or csv; "
					  "the text report is --zone's");
	if (o.out.format == DD_FMT_TEXT)
		o.out.format = DD_FMT_JSON;
	return live_mode(&o, &z, &lo, &j, &c, &d, npos ? pos[0] : NULL);
}

const struct dd_cmd dd_cmd_audit = {
	.name = "audit",
	.run = audit_main,
	.summary = "audit a portfolio of domains live, or every delegation of a zone file",
	.synopsis = "[OPTIONS] FILE|-\n--zone FILE [--origin NAME] [--live] [OPTIONS]\n"
		    "--queue URI [--job NAME] --enqueue FILE|--zone FILE\n"
		    "--queue URI [--job NAME] --worker [--worker-name NAME] [--lease DURATION] [OPTIONS]\n"
		    "--queue URI [--job NAME] [--wait] [--json] [--summary FILE] [--summary-json FILE]",
	.about = "Live: checks every domain of FILE (one per line, '#' comments; standard\n"
		 "input when FILE is '-') concurrently, as `check` does, and writes one line\n"
		 "per domain as each finishes (JSON Lines, or --csv), then a summary on\n"
		 "standard error. A binary or mostly unreadable list is refused before any\n"
		 "query; a domain listed twice is checked once. Ctrl-C finishes the domains\n"
		 "in flight and stops (again: at once); --resume continues. With --zone FILE\n"
		 "--live the domains are the zone's delegations.\n"
		 "Zone (--zone without --live): audits every delegation of a zone file\n"
		 "offline: NS count, operators, NS TLDs, bailiwick, glue, NS names that anyone\n"
		 "could take over by registering a domain in this zone, and how many\n"
		 "delegations the largest operators could take down together (text by\n"
		 "default).\n"
		 "Distributed (--queue URI, a PostgreSQL database; docs/postgresql.md):\n"
		 "--enqueue FILE or --zone FILE adds the domains to a job (once each);\n"
		 "--worker, on any number of machines, checks the job's domains a batch at\n"
		 "a time, as the live audit does, and stores each one's JSON Lines object\n"
		 "in the database, once; --queue alone prints the job's summary, counted\n"
		 "by the database, as the live audit prints it (text, or --json).",
	.exits = "live: the worst verdict (0 ok, 1 warning, 2 critical, 3 unknown), 3 on a\n"
		 "usage, input or output error, 130 when interrupted. Zone: 0 nothing to\n"
		 "report, 1 NS names without needed glue, 2 hijackable NS names, 3 the zone\n"
		 "could not be read. Queue: --enqueue 0, or 3; --worker 0 when no domain\n"
		 "is left, 130 after SIGTERM, 3 on an error; --queue alone the worst\n"
		 "verdict as live, or 75 while domains are left (the progress on standard\n"
		 "output; --wait waits instead).",
	.min_pos = 0,
	.max_pos = 1,
	.missing = "give a list of domains",
	.tables = {
		[T_AUDIT] = { audit_table, 0 },
		[T_OUT] = { dd_cli_out_opts, DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON) |
						 DD_CLI_FMT(DD_FMT_CSV) },
		[T_ZONE] = { zone_table, 0 },
		[T_LIVE] = { live_table, 0 },
		[T_QUEUE] = { queue_table, 0 },
		[T_NOW] = { dd_cli_now_opts, 0 },
		[T_JUDGE] = { dd_cli_judge_opts, 0 },
		[T_PROBE] = { dd_cli_common_opts, 0 },
		[T_DEPS] = { dd_cli_deps_opts, 0 },
		[T_REG] = { dd_cli_reg_extra_opts, 0 },
	},
};
