/* audit.h: the live audit of a portfolio of domains. A window of domains is
 * checked at once on one probe (so they share its cache of zone cuts and
 * nameserver addresses and its query limits); as each one's evidence is
 * complete it is judged on libuv's thread pool (at a lower priority than the
 * loop), then written as one line (JSON Lines: the object of `check --json`;
 * or one CSV row), counted in the summary and freed, and the next domain
 * starts. Lines come out in completion order; memory grows with the window,
 * not with the number of domains.
 *
 * Also here: reading the list of domains (one per line, comments, IDNs),
 * reading a previous output file to resume, and the summary (counts per
 * status, layer and finding code, operators by share). */
#ifndef DD_AUDIT_H
#define DD_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "checks/checks.h"
#include "core/buf.h"
#include "core/map.h"
#include "core/name.h"
#include "evidence/evidence.h"
#include "net/net.h"
#include "probe/probe.h"

/* ---- the list of domains ------------------------------------------------ */

#define DD_AUDIT_LINE_MAX 1024 /* longer lines are bad lines */
#define DD_AUDIT_RUN_MAX 65536 /* more bytes without a newline: not a list */

struct dd_audit_list;

/* Read domains from in (not closed here): one per line; '#' starts a
 * comment; blank lines are skipped; names are canonicalized with
 * dd_name_from_user (IDNs become A-labels). */
int dd_audit_list_new(struct dd_audit_list **out, FILE *in);
/* Next domain: 1 with name and *line set; 0 at the end; DD_ENAME for a bad
 * line (*line, *why set; text holds the line's first bytes, raw: escape
 * before printing), after which reading goes on; DD_EIO on a read error. */
int dd_audit_list_next(struct dd_audit_list *l, char name[DD_NAME_MAX], unsigned long *line,
		       const char **why, char *text, size_t textlen);
void dd_audit_list_free(struct dd_audit_list *l);

/* A look at a whole list before any query: its domain names, the lines
 * that are not, and whether it is binary (a NUL byte, or DD_AUDIT_RUN_MAX
 * bytes without a newline: reading stops there). in must be seekable; it
 * is left at the end. 0, or DD_EIO. */
struct dd_audit_screen {
	unsigned long lines, names, bad;
	int binary;
};
int dd_audit_list_screen(FILE *in, struct dd_audit_screen *out);

/* ---- resuming ------------------------------------------------------------ */

struct dd_audit_resume {
	unsigned long domains;   /* distinct domains found */
	unsigned long bad_lines; /* complete lines that are neither a result nor the header */
	long valid_end;          /* offset after the last complete line: a line cut by a
				  * crash after it is dropped before appending */
	int csv;                 /* the file is CSV (has the CSV header) */
};

struct dd_audit_summary;
/* Read a previous output of the audit (JSON Lines or CSV) and put every
 * domain it holds into done (values are unused, non-NULL); with sum, count
 * each distinct domain's saved result into it too (a CSV row holds the top
 * finding only). The file may end in a cut line. 0, DD_EIO or DD_ENOMEM. */
int dd_audit_resume_read(FILE *f, struct dd_map *done, struct dd_audit_resume *out,
			 struct dd_audit_summary *sum);

/* ---- the summary --------------------------------------------------------- */

/* Domains per name (operator, registrar), memory by distinct names. */
struct dd_audit_tally {
	struct dd_map map;  /* name -> slot + 1 */
	uint64_t *count;    /* domains, by slot */
	char **name;        /* name of each slot */
	size_t n, cap;
};

struct dd_audit_summary {
	uint64_t domains;                          /* judged and written */
	uint64_t resumed;                          /* counted from the resumed file */
	uint64_t status[DD_STATUS_COUNT];
	uint64_t layer[DD_LAYER_COUNT];
	uint64_t *codes;                           /* domains per finding code, in
						    * dd_chk_defs order */
	size_t ncodes;
	uint64_t no_ns;                            /* domains with no NS name at all */
	uint64_t single_operator;                  /* every NS name under one operator */
	struct dd_audit_tally operators;           /* registrable domains of NS names */
	struct dd_audit_tally registrars;          /* from the registration records */
	uint64_t reg_unknown;                      /* domains whose registrar is not known */
};

/* What the summary cannot know by itself. */
struct dd_audit_run_info {
	unsigned long bad_lines;   /* input lines skipped as invalid */
	unsigned long skipped;     /* domains already in the resumed file */
	unsigned long duplicates;  /* domains listed again, dropped */
	unsigned long in_flight;   /* domains started and not written (interrupted) */
	int interrupted;
	double seconds;            /* wall time of the run */
	unsigned long queries, shared, timeouts;
	unsigned idle_rounds, max_inflight, probes; /* dd_audit_stats */
	size_t peak_rss;           /* bytes, 0 unknown */
};

/* One domain's result as a previous output saved it (--resume). */
struct dd_audit_saved {
	const char *status, *layer;  /* names, as dd_chk_status_name, dd_chk_layer_name */
	const char *codes[64];       /* finding codes */
	size_t ncodes;
	const char *ns[32];          /* NS names, when the line has them */
	size_t nns;
	const char *const *ops;      /* or the operators (CSV) */
	size_t nops;
	const char *registrar;       /* NULL: unknown */
};

/* What a saved JSON result (the object of a JSON Lines line) says, for the
 * summary; the strings live in doc. */
void dd_audit_saved_json(json_t *doc, struct dd_audit_saved *sv);

int dd_audit_summary_init(struct dd_audit_summary *s);
/* Count n more domains under name (a summary's operators or registrars).
 * 0 or DD_ENOMEM. */
int dd_audit_tally_add(struct dd_audit_tally *t, const char *name, uint64_t n);
void dd_audit_summary_free(struct dd_audit_summary *s);
/* Count one domain of a previous output into the whole file's statuses,
 * layers, codes, operators and registrars (s->resumed, not s->domains).
 * 0 or DD_ENOMEM. */
int dd_audit_summary_add_saved(struct dd_audit_summary *s, const struct dd_audit_saved *d);
/* Count one judged domain. 0 or DD_ENOMEM. */
int dd_audit_summary_add(struct dd_audit_summary *s, const struct dd_evidence *ev,
			 const struct dd_chk_findings *f, const struct dd_chk_verdict *v);
/* (The summary is rendered by report/audit.c: dd_rep_audit_summary_text
 * and dd_rep_audit_summary_json.) */

/* The registrar's name and the expiry of ev's registration record, when
 * known (NULL, 0 otherwise). */
const char *dd_audit_registrar(const struct dd_evidence *ev);
int64_t dd_audit_expiry(const struct dd_evidence *ev);

/* The operator of an NS name, into out (DD_NAME_MAX), "name." form: its
 * registrable domain by the rule of core/name.h (the dependency graph's),
 * or the name itself when it is a public suffix. */
void dd_audit_operator(const char *ns, char out[DD_NAME_MAX]);

#define DD_AUDIT_MAX_NS 128 /* NS names of one domain taken into account */

/* A domain's NS names (the union of the parent's and the child's NS sets)
 * and their operators (dd_audit_operator), as its CSV row gives them. */
struct dd_audit_ns {
	struct dd_ev_strlist parent, child;
	const char *names[DD_AUDIT_MAX_NS]; /* into parent and child */
	size_t nnames;
	char ops[DD_AUDIT_MAX_NS][DD_NAME_MAX];
	size_t nops;
};
/* Fill ni (free it with dd_audit_ns_free either way). 0 or DD_ENOMEM. */
int dd_audit_ns_get(struct dd_audit_ns *ni, const struct dd_evidence *ev);
void dd_audit_ns_free(struct dd_audit_ns *ni);

/* ---- the driver ------------------------------------------------------------ */

struct dd_reg_fetch_opts;

enum dd_audit_format { DD_AUDIT_JSONL = 0, DD_AUDIT_CSV };

struct dd_audit_stats {
	uint64_t started;       /* domains handed to the probe */
	uint64_t done;          /* lines written */
	unsigned inflight;      /* started, not yet written */
	unsigned max_inflight;  /* the most at once */
	double elapsed_ms;
	unsigned idle_rounds;   /* times the network went idle while answers already
				 * known waited to be delivered (see driver.c) */
	unsigned probes;        /* probes used (a fresh one every `recycle` domains) */
	uint64_t queries, timeouts; /* exchanges of every probe, and timeouts */
	uint64_t shared;            /* exchanges that reused a reply (no query) */
};

/* The next domain to check: 1 with name (canonical) set, 0 at the end, or a
 * negative dd_err that stops the run. */
typedef int (*dd_audit_next_fn)(void *ctx, char name[DD_NAME_MAX]);
/* One whole line of output (newline included): 0, or a negative dd_err that
 * stops the run. */
typedef int (*dd_audit_write_fn)(void *ctx, const char *line, size_t len);
/* Called after each line. */
typedef void (*dd_audit_progress_fn)(void *ctx, const struct dd_audit_stats *st);
struct dd_audit_opts;
/* A judged domain's output line (newline included) into out, as o's format
 * says: 0 or a negative dd_err. Called on a pool thread: it may read only
 * its arguments. */
typedef int (*dd_audit_line_fn)(const struct dd_evidence *ev, const struct dd_chk_findings *f,
				const struct dd_chk_verdict *v, const struct dd_audit_opts *o,
				struct dd_buf *out);

struct dd_audit_opts {
	unsigned concurrency;          /* domains in flight at once (>= 1) */
	enum dd_audit_format format;
	int64_t now;                   /* evidence time and judgement time; 0: the clock */
	struct dd_chk_opts judge;      /* time (--now; 0: the evidence's) and thresholds */
	const char *tool;              /* the evidence's "tool" */
	dd_audit_next_fn next;
	dd_audit_line_fn line;         /* renders a judged domain (report/: dd_rep_audit_line) */
	dd_audit_write_fn write;
	dd_audit_progress_fn progress; /* may be NULL */
	void *ctx;                     /* for next, write and progress */
	/* After this many domains the window drains and a fresh probe takes
	 * over (its cache relearned from the root). 0: one probe for the run;
	 * memory is bounded either way (the resolver's cache is trimmed after
	 * each domain). */
	unsigned recycle;
	/* Called every tick_ms on the loop while the loop runs (domains in
	 * flight: the queue's worker renews its leases); may be NULL. */
	void (*tick)(void *ctx);
	unsigned tick_ms;
	dd_net_signal_cb on_signal;    /* registered for signum on every probe; may be NULL */
	int signum;
	void *signal_arg;
	/* Registration look-ups (RDAP, WHOIS) as `check` makes them, one per
	 * registrable domain; NULL: none. */
	const struct dd_reg_fetch_opts *reg;
	/* Called with each new evidence before it is probed (ask for optional
	 * sections: dependencies), and once it is complete, before it is judged
	 * (finish them). A negative dd_err from prepare stops the run; finish's
	 * result is ignored (the domain is judged with what there is). May be NULL. */
	int (*prepare)(void *ctx, struct dd_evidence *ev);
	int (*finish)(void *ctx, struct dd_evidence *ev);
	/* On the pool thread that judged it, after its line: something made
	 * from the complete evidence (the watch: its saved document,
	 * compressed), so that work stays off the loop; NULL for none. Reads
	 * only ev and what does not change during a run. Back on the loop it
	 * is handed to took, just before the domain's line is written, and is
	 * took's from then on; one made for a domain that is not written is
	 * handed to drop. All three may be NULL (document must be set for the
	 * others to be called). */
	void *(*document)(void *ctx, const struct dd_evidence *ev);
	void (*took)(void *ctx, const char *domain, void *doc);
	void (*drop)(void *ctx, void *doc);
};

struct dd_audit;

/* A driver whose probes are opened with po and the root hints (copied). */
int dd_audit_new(struct dd_audit **out, const struct dd_probe_opts *po,
		 const struct dd_dns_hint *hints, size_t nhints, const struct dd_audit_opts *o);
/* Check every domain next hands out. Returns 0 when all were written,
 * DD_ECANCELED after dd_audit_stop, or the first error of next or write
 * (or DD_ENOMEM). */
int dd_audit_run(struct dd_audit *a);
/* Stop starting domains (those in flight are finished and written); with
 * now, also abandon those in flight and return from dd_audit_run at once.
 * Safe from a dd_net_on_signal callback. */
void dd_audit_stop(struct dd_audit *a, int now);
/* Counts so far (queries and timeouts of every probe used). */
const struct dd_audit_stats *dd_audit_stats(struct dd_audit *a);
const struct dd_audit_summary *dd_audit_summary(const struct dd_audit *a);
/* Count a previous output (--resume FILE, read from its start) into a's
 * summary, so that the summary and the exit status cover the whole file.
 * 0, DD_EIO or DD_ENOMEM. */
int dd_audit_add_previous(struct dd_audit *a, FILE *f);
/* Why the last probe could not be set up (registration tables), or "". */
const char *dd_audit_why(const struct dd_audit *a);
void dd_audit_free(struct dd_audit *a);

/* ---- the distributed audit (queue.c; docs/postgresql.md) ------------------- */

#include "store/store.h"

/* One domain's result for the queue: its line parsed into the row the store
 * keeps (r), owning what r points to. */
struct dd_audit_qresult {
	struct dd_store_qresult r;
	json_t *doc;
	char *line, *codes, *operators;
	char domain[DD_NAME_MAX];
};

/* Parse one JSON Lines line of the driver (len bytes, newline included or
 * not) into out: its domain, status, layer, distinct finding codes, NS
 * operators (dd_audit_operator of its NS names, as the summary counts
 * them), registrar and number of NS names. 0, DD_EMALFORMED or DD_ENOMEM
 * (out is then empty). */
int dd_audit_qresult_parse(const char *line, size_t len, struct dd_audit_qresult *out);
void dd_audit_qresult_free(struct dd_audit_qresult *q);

/* Put one of dd_store_queue_summary's counts (what, key, n) into s and ri.
 * 0, DD_ENOMEM, or DD_EMALFORMED for a row it does not know. */
int dd_audit_qsummary_put(struct dd_audit_summary *s, struct dd_audit_run_info *ri,
			  const char *what, const char *key, uint64_t n);
/* A job's summary from the store (s initialized by the caller). */
int dd_audit_queue_summary(struct dd_store *st, const char *job, struct dd_audit_summary *s,
			   struct dd_audit_run_info *ri);

struct dd_audit_queue_opts {
	const char *job, *worker;
	unsigned lease_s;      /* an item taken is this worker's this long */
	unsigned batch;        /* items taken at once (>= 1) */
	/* Lines for people (progress, the store lost and back), or NULL. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
};

struct dd_audit_queue_stats {
	uint64_t claimed, stored, dropped; /* dropped: stored first by another worker */
	uint64_t unstored;                 /* results not stored when it stopped */
	uint64_t queries, timeouts;
	uint64_t renewals;                 /* the leases extended (every lease / 3) */
};

/* Work on the job's queue until no item is left: take batches of items,
 * check them with the audit driver (po, hints and ao as a live audit has
 * them; ao's next, write, progress, ctx and signal are the queue's), store
 * each result with its item marked done. While the store is unreachable the
 * results are kept (at most ao->concurrency + batch: no item is taken
 * meanwhile) and stored once it is back; a result whose item another
 * worker stored meanwhile is dropped. SIGTERM finishes the domains in
 * flight, stores what it can and returns DD_ECANCELED. 0 when the queue
 * is empty, or a negative dd_err with why set. */
int dd_audit_queue_work(struct dd_store *st, const struct dd_audit_queue_opts *qo,
			const struct dd_probe_opts *po, const struct dd_dns_hint *hints,
			size_t nhints, const struct dd_audit_opts *ao,
			struct dd_audit_queue_stats *out, char why[256]);

#endif
