/* report.h: renderers of a judged domain, as text for people (the verdict
 * first, then the chain layer by layer, then the findings by severity) and
 * as one JSON object for programs (schema "dnsdeps.check/1",
 * docs/json-output.md). `dnsdeps check` and `dnsdeps report` both print
 * through dd_rep_judge_and_print, so the two cannot drift apart. */
#ifndef DD_REPORT_H
#define DD_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "checks/checks.h"
#include "core/buf.h"
#include "evidence/evidence.h"

#define DD_REP_SCHEMA "dnsdeps.check/1"

struct dd_rep_opts {
	int json;         /* one JSON object instead of text */
	int json_compact; /* the JSON object on one line (JSON Lines, several domains) */
	int color;        /* ANSI colours in text; the caller decides (a terminal and
			   * NO_COLOR unset): report code never calls isatty */
	struct dd_chk_opts judge; /* the judgement's time (--now; 0: the evidence's),
				   * thresholds and registration facts */
	int level;         /* text: -1 the verdict line only, 0 short, 1 the full tables */
};

/* Judge ev and print the result to out (text or JSON per o). Returns the
 * exit status (0 ok, 1 warning, 2 critical, 3 unknown), or a negative
 * enum dd_err when judging failed (DD_ENOMEM, DD_EIO): then nothing useful
 * was printed and the caller reports the error. */
int dd_rep_judge_and_print(const struct dd_evidence *ev, const struct dd_rep_opts *o, FILE *out);

/* Exit status of a verdict, as monitoring plugins expect. */
int dd_rep_exit_status(enum dd_chk_status s);

/* The renderers, for callers that judged already: append to out. Every
 * string from the evidence is escaped in text. 0 or DD_ENOMEM. */
int dd_rep_text(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		const struct dd_chk_verdict *v, const struct dd_rep_opts *o, struct dd_buf *out);
int dd_rep_json(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		const struct dd_chk_verdict *v, const struct dd_rep_opts *o, struct dd_buf *out);

/* Dependencies (docs/dependencies.md) of ev->deps, for `dnsdeps graph`:
 * the text section with every zone and NS name; the JSON document
 * ("dnsdeps.graph/1"); DOT for Graphviz; SVG rendered from that DOT with
 * Graphviz's library (libgvc). 0, DD_ENOTFOUND (no dependencies section),
 * DD_ENOMEM, DD_EIO (Graphviz failed, why says how). */
int dd_rep_deps_text(const struct dd_evidence *ev, const struct dd_rep_opts *o, struct dd_buf *out);
int dd_rep_deps_json(const struct dd_evidence *ev, const struct dd_rep_opts *o, struct dd_buf *out);
int dd_rep_dot(const struct dd_evidence *ev, const struct dd_rep_opts *o, struct dd_buf *out);
int dd_rep_svg(const char *dot, struct dd_buf *out, char *why, size_t whylen);
/* A Graphviz context for a program that draws many graphs (the web
 * server): Graphviz's pango plugin keeps a pointer into the context's font
 * table, so a context made after another was freed reads freed memory on
 * its first label. Such a program keeps one context, on one thread, for
 * all its drawings. dd_rep_gv_new: 0, DD_ENOMEM or DD_EIO. */
struct dd_rep_gv;
int dd_rep_gv_new(struct dd_rep_gv **out);
void dd_rep_gv_free(struct dd_rep_gv *g);
int dd_rep_svg_gv(struct dd_rep_gv *g, const char *dot, struct dd_buf *out, char *why,
		  size_t whylen);

/* A trace walk (`dnsdeps trace`, src/dns's dd_dns_trace_start) of qname and
 * qtype, whose exchanges ev recorded: text, or the JSON document
 * "dnsdeps.trace/1". Appended to out; 0 or DD_ENOMEM. */
struct dd_dns_trace;
struct dd_dns_trace_server;
struct dd_rep_trace_stats {
	unsigned queries, timeouts; /* of the whole run */
	double elapsed_ms;
};
int dd_rep_trace_text(const struct dd_evidence *ev, const struct dd_dns_trace *t,
		      const char *qname, const char *qtype, const struct dd_rep_trace_stats *stats,
		      struct dd_buf *out);
int dd_rep_trace_json(const struct dd_evidence *ev, const struct dd_dns_trace *t,
		      const char *qname, const char *qtype, const struct dd_rep_trace_stats *stats,
		      struct dd_buf *out);
/* `dnsdeps reg`: a registration record with the sources o tried (o NULL:
 * read from a file) and whether it expired before now, as text or as JSON
 * ("dnsdeps.registration/1"); or, without a record, why there is none. */
struct dd_reg_record;
struct dd_reg_outcome;
int dd_rep_reg_text(const struct dd_reg_record *r, const struct dd_reg_outcome *o, int64_t now,
		    struct dd_buf *out);
int dd_rep_reg_json(const struct dd_reg_record *r, const struct dd_reg_outcome *o, int64_t now,
		    struct dd_buf *out);
int dd_rep_reg_unavailable_text(const struct dd_reg_outcome *o, struct dd_buf *out);
int dd_rep_reg_unavailable_json(const struct dd_reg_outcome *o, struct dd_buf *out);

/* Whether a server of a trace did not answer usefully (a problem). */
int dd_rep_trace_problem(const struct dd_dns_trace_server *s);

/* ---- a registration record (reg.c) ---- */

/* The record as text for people, every remote string escaped. */
void dd_rep_reg_record_text(const struct dd_reg_record *r, struct dd_buf *b);

/* ---- the zone-file audit (zone.c), from zone/zone.h's interface ---- */

struct dd_zone_audit;
struct dd_zone_perf;
/* Human summary; untrusted names escaped. top: rows of each ranking. */
void dd_rep_zone_text(const struct dd_zone_audit *a, const struct dd_zone_perf *perf,
		      struct dd_buf *out, size_t top);
/* JSON, schema "dnsdeps.zoneaudit/1". Returns 0 or DD_ENOMEM. */
int dd_rep_zone_json(const struct dd_zone_audit *a, const struct dd_zone_perf *perf,
		     struct dd_buf *out, size_t top);
/* Where CSV rows go: returns 0 or a negative dd_err that stops the writing. */
typedef int (*dd_rep_sink)(void *ctx, const char *data, size_t len);
/* One CSV row per delegation (RFC 4180), in the order of the zone file. */
int dd_rep_zone_csv(const struct dd_zone_audit *a, dd_rep_sink sink, void *ctx);

/* ---- a portfolio audit (audit.c), from audit/audit.h's interface ---- */

struct dd_audit_summary;
struct dd_audit_run_info;
struct dd_audit_opts;
/* The summary as text for people (names escaped) or JSON (schema
 * dnsdeps.auditsummary/1); top: rows of the operator ranking. 0 or
 * DD_ENOMEM. */
int dd_rep_audit_summary_text(const struct dd_audit_summary *s,
			      const struct dd_audit_run_info *ri, size_t top, struct dd_buf *out);
int dd_rep_audit_summary_json(const struct dd_audit_summary *s,
			      const struct dd_audit_run_info *ri, size_t top, struct dd_buf *out);
/* The CSV header row (with CRLF). */
const char *dd_rep_audit_csv_header(void);
/* One CSV row (RFC 4180, CRLF) for a judged domain. 0 or DD_ENOMEM. */
int dd_rep_audit_csv_row(const struct dd_evidence *ev, const struct dd_chk_findings *f,
			 const struct dd_chk_verdict *v, struct dd_buf *out);
/* A judged domain's audit line in o's format (JSON Lines or CSV): the
 * driver's dd_audit_line_fn. */
int dd_rep_audit_line(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		      const struct dd_chk_verdict *v, const struct dd_audit_opts *o,
		      struct dd_buf *out);

#endif
