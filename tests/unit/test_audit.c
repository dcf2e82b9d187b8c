/* test_audit.c: unit tests for the live audit module: the list reader (comments,
 * IDNs, bad lines with their numbers), the resume reader (JSON Lines, CSV, a
 * line cut by a crash), operators, the summary and the CSV row over evidence
 * fixtures, and the driver on a real loop whose only server refuses every
 * packet (the window is never exceeded, every domain is written once, stop and
 * write errors end the run); the distributed audit's row of a line and its
 * summary from the database's counts. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "audit/audit.h"
#include "core/err.h"
#include "net/net.h"
#include "report/report.h"
#include "fixture.h"

/* ---- the list ---------------------------------------------------------------- */

struct item {
	int rc;
	char name[DD_NAME_MAX];
	unsigned long line;
	const char *why;
	char text[80];
};

static int read_all(const char *input, size_t len, struct item *out, int max)
{
	FILE *f = fmemopen((void *)input, len, "r");
	struct dd_audit_list *l;
	int n = 0;

	assert_non_null(f);
	assert_int_equal(dd_audit_list_new(&l, f), 0);
	while (n < max) {
		struct item *it = &out[n];
		memset(it, 0, sizeof(*it));
		it->rc = dd_audit_list_next(l, it->name, &it->line, &it->why, it->text,
					    sizeof(it->text));
		if (it->rc == 0)
			break;
		n++;
	}
	dd_audit_list_free(l);
	fclose(f);
	return n;
}

static void test_list(void **state)
{
	static const char in[] = "# portfolio\n"
				 "\n"
				 "Example.COM\r\n"
				 "  www.example.org.   # with a comment\n"
				 "b\xc3\xbc" "cher.de\n"
				 "two words.com\n"
				 "bad..dots.com\n"
				 ".\n"
				 "last.net";
	struct item it[16];
	int n = read_all(in, sizeof(in) - 1, it, 16);

	(void)state;
	assert_int_equal(n, 7);
	assert_int_equal(it[0].rc, 1);
	assert_string_equal(it[0].name, "example.com.");
	assert_int_equal(it[0].line, 3);
	assert_string_equal(it[1].name, "www.example.org.");
	assert_int_equal(it[1].line, 4);
	assert_string_equal(it[2].name, "xn--bcher-kva.de.");
	assert_int_equal(it[3].rc, DD_ENAME);
	assert_int_equal(it[3].line, 6);
	assert_string_equal(it[3].text, "two words.com");
	assert_non_null(strstr(it[3].why, "one domain per line"));
	assert_int_equal(it[4].rc, DD_ENAME);
	assert_int_equal(it[4].line, 7);
	assert_int_equal(it[5].rc, DD_ENAME);
	assert_int_equal(it[5].line, 8);
	assert_int_equal(it[6].rc, 1);
	assert_string_equal(it[6].name, "last.net.");
	assert_int_equal(it[6].line, 9);
}

static void test_list_bounds(void **state)
{
	char in[4000];
	struct item it[4];
	size_t o = 0;

	(void)state;
	memset(in, 'a', 2000); /* one line of 2000 bytes */
	o = 2000;
	in[o++] = '\n';
	memcpy(in + o, "nul\0byte.com\nok.com\n", 20);
	o += 20;
	int n = read_all(in, o, it, 4);
	assert_int_equal(n, 3);
	assert_int_equal(it[0].rc, DD_ENAME);
	assert_non_null(strstr(it[0].why, "longer than 1024"));
	assert_int_equal(it[0].line, 1);
	assert_int_equal(strlen(it[0].text), 64);
	assert_int_equal(it[1].rc, DD_ENAME);
	assert_non_null(strstr(it[1].why, "NUL"));
	assert_int_equal(it[1].line, 2);
	assert_int_equal(it[2].rc, 1);
	assert_string_equal(it[2].name, "ok.com.");
	assert_int_equal(it[2].line, 3);
}

/* ---- resuming ------------------------------------------------------------------ */

static void resume(const char *text, struct dd_map *done, struct dd_audit_resume *r)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	dd_map_init(done);
	assert_int_equal(dd_audit_resume_read(f, done, r, NULL), 0);
	fclose(f);
}

static void test_resume_jsonl(void **state)
{
	static const char first[] = "{\"schema\":\"dnsdeps.check/1\",\"domain\":\"a.com.\","
				    "\"verdict\":{\"status\":\"ok\"}}\n";
	char text[1024];
	struct dd_map done;
	struct dd_audit_resume r;

	(void)state;
	snprintf(text, sizeof(text), "%s%s%s%s", first,
		 "{\"schema\":\"dnsdeps.check/1\",\"domain\":\"b.com.\",\"verdict\":{}}\n",
		 "not json at all\n",
		 "{\"schema\":\"dnsdeps.check/1\",\"domain\":\"A.com.\",\"verdict\":{}}\n");
	size_t whole = strlen(text);
	strcat(text, "{\"schema\":\"dnsdeps.check/1\",\"domain\":\"cut.c"); /* a crash */
	resume(text, &done, &r);
	assert_int_equal(r.domains, 2);      /* a.com. (twice, any case) and b.com. */
	assert_int_equal(r.bad_lines, 1);
	assert_int_equal(r.valid_end, (long)whole);
	assert_int_equal(r.csv, 0);
	assert_non_null(dd_map_get(&done, "a.com."));
	assert_non_null(dd_map_get(&done, "b.com."));
	assert_null(dd_map_get(&done, "cut.com."));
	dd_map_free(&done);
}

/* --resume: the saved results count in the summary (the whole file). */
static void test_resume_counts_the_summary(void **state)
{
	static const char jsonl[] =
		"{\"domain\":\"a.com.\",\"verdict\":{\"status\":\"critical\",\"layer\":\"registration\"},"
		"\"findings\":[{\"code\":\"PARENT_NXDOMAIN_ALL\"}],\"delegation\":{\"parent_ns\":"
		"[\"ns1.op.net.\"],\"child_ns\":[\"ns2.op.net.\"]}}\n"
		"{\"domain\":\"A.com.\",\"verdict\":{\"status\":\"ok\",\"layer\":\"none\"}}\n"
		"{\"domain\":\"b.com.\",\"verdict\":{\"status\":\"ok\",\"layer\":\"none\"},"
		"\"registration\":{\"record\":{\"registrar\":{\"name\":\"R\"}}}}\n";
	struct dd_audit_summary sum;
	struct dd_audit_resume r;
	struct dd_map done;
	char csv[512];
	FILE *f;

	(void)state;
	assert_int_equal(dd_audit_summary_init(&sum), 0);
	dd_map_init(&done);
	f = fmemopen((void *)jsonl, strlen(jsonl), "r");
	assert_int_equal(dd_audit_resume_read(f, &done, &r, &sum), 0);
	fclose(f);
	assert_int_equal(sum.resumed, 2); /* a.com. once */
	assert_int_equal(sum.domains, 0);
	assert_int_equal(sum.status[DD_STATUS_CRITICAL], 1);
	assert_int_equal(sum.status[DD_STATUS_OK], 1);
	assert_int_equal(sum.layer[DD_LAYER_REGISTRATION], 1);
	assert_int_equal(sum.operators.n, 1);
	assert_int_equal(sum.single_operator, 1);
	assert_int_equal(sum.registrars.n, 1);
	assert_int_equal(sum.reg_unknown, 1);
	dd_map_free(&done);
	snprintf(csv, sizeof(csv), "%s%s", dd_rep_audit_csv_header(),
		 "c.com.,warning,nameservers,ADDR_TOO_FEW,unknown,Reg,1,x.net. y.net.,\r\n");
	dd_map_init(&done);
	f = fmemopen(csv, strlen(csv), "r");
	assert_int_equal(dd_audit_resume_read(f, &done, &r, &sum), 0);
	fclose(f);
	assert_int_equal(sum.resumed, 3);
	assert_int_equal(sum.status[DD_STATUS_WARNING], 1);
	assert_int_equal(sum.operators.n, 3);
	assert_int_equal(sum.registrars.n, 2);
	dd_map_free(&done);
	dd_audit_summary_free(&sum);
}

static void test_resume_csv(void **state)
{
	struct dd_map done;
	struct dd_audit_resume r;
	char text[512];

	(void)state;
	snprintf(text, sizeof(text), "%s%s%s%s", dd_rep_audit_csv_header(),
		 "a.com.,ok,none,,unknown,unknown,2,x.net.,\r\n",
		 "\"q,\"\"x\"\".com.\",critical,registry,X,unknown,unknown,0,,\r\n",
		 "no comma here\r\n");
	resume(text, &done, &r);
	assert_int_equal(r.csv, 1);
	assert_int_equal(r.domains, 2);
	assert_int_equal(r.bad_lines, 1);
	assert_int_equal(r.valid_end, (long)strlen(text));
	assert_non_null(dd_map_get(&done, "a.com."));
	assert_non_null(dd_map_get(&done, "q,\"x\".com."));
	dd_map_free(&done);
}

/* ---- operators, summary, CSV ------------------------------------------------------- */

static void test_operator(void **state)
{
	char out[DD_NAME_MAX], reg[DD_NAME_MAX];
	const char *names[] = { "ns1.example.co.uk.", "a.b.ns.cloudflare.com.", "ns1.op0.shop.",
				"x.y.", "NS1.Someone.GitHub.io.", "co.uk.", "." };

	(void)state;
	dd_audit_operator("ns1.example.co.uk.", out);
	assert_string_equal(out, "example.co.uk.");
	dd_audit_operator("a.b.ns.cloudflare.com.", out);
	assert_string_equal(out, "cloudflare.com.");
	dd_audit_operator("ns1.op0.shop.", out);
	assert_string_equal(out, "op0.shop.");
	dd_audit_operator("x.y.", out);
	assert_string_equal(out, "x.y.");
	/* private suffixes are not registries: the operator of a github.io
	 * name is github.io, as in the dependency graph */
	dd_audit_operator("NS1.Someone.GitHub.io.", out);
	assert_string_equal(out, "github.io.");
	/* a suffix itself is its own operator */
	dd_audit_operator("co.uk.", out);
	assert_string_equal(out, "co.uk.");
	/* one rule: the graph's registrable domain, with a final dot */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		dd_name_registrable(names[i], reg);
		dd_audit_operator(names[i], out);
		if (reg[0]) {
			assert_int_equal(strlen(out), strlen(reg) + 1);
			assert_memory_equal(out, reg, strlen(reg));
		}
	}
}

static struct dd_evidence *load(const char *name)
{
	return fx_evidence("evidence", name);
}

struct judged {
	struct dd_evidence *ev;
	struct dd_chk_findings f;
	struct dd_chk_verdict v;
};

static void judge(struct judged *j, const char *name)
{
	struct dd_chk_opts co = { 0 };

	memset(j, 0, sizeof(*j));
	j->ev = load(name);
	assert_int_equal(dd_chk_run(j->ev, &co, &j->f), 0);
	assert_int_equal(dd_chk_verdict(j->ev, &j->f, &co, &j->v), 0);
}

static void unjudge(struct judged *j)
{
	dd_chk_findings_free(&j->f);
	dd_chk_verdict_free(&j->v);
	dd_ev_free(j->ev);
}

static const char *fixtures[] = { "healthy.json", "purism-outage.json", "ns-one-operator.json",
				  "parent-not-delegated.json", "glue-missing.json" };
#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

static void test_summary(void **state)
{
	struct dd_audit_summary s;
	struct dd_audit_run_info ri = { .bad_lines = 2, .skipped = 3, .seconds = 2.0 };
	uint64_t status[DD_STATUS_COUNT] = { 0 }, withcode = 0;
	struct dd_buf b;
	size_t ndefs;
	const struct dd_chk_def *defs = dd_chk_defs(&ndefs);
	const char *code = NULL;

	(void)state;
	assert_int_equal(dd_audit_summary_init(&s), 0);
	for (size_t i = 0; i < NFIX; i++) {
		struct judged j;
		judge(&j, fixtures[i]);
		status[j.v.status]++;
		if (!code && j.f.n)
			code = j.f.v[0].def->code;
		assert_int_equal(dd_audit_summary_add(&s, j.ev, &j.f, &j.v), 0);
		unjudge(&j);
	}
	/* The same code twice in one domain counts once: count by hand. */
	for (size_t i = 0; i < NFIX; i++) {
		struct judged j;
		judge(&j, fixtures[i]);
		withcode += dd_chk_find(&j.f, code) != NULL;
		unjudge(&j);
	}
	assert_int_equal(s.domains, NFIX);
	for (int i = 0; i < DD_STATUS_COUNT; i++)
		assert_int_equal(s.status[i], status[i]);
	for (size_t k = 0; k < ndefs; k++)
		if (strcmp(defs[k].code, code) == 0)
			assert_int_equal(s.codes[k], withcode);
	assert_true(s.operators.n > 0);

	dd_buf_init(&b);
	assert_int_equal(dd_rep_audit_summary_json(&s, &ri, 3, &b), 0);
	json_t *doc = json_loads(dd_buf_str(&b), 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")),
			    "dnsdeps.auditsummary/1");
	json_t *dom = json_object_get(doc, "domains");
	assert_int_equal(json_integer_value(json_object_get(dom, "checked")), NFIX);
	assert_int_equal(json_integer_value(json_object_get(dom, "bad_lines")), 2);
	assert_int_equal(json_integer_value(json_object_get(dom, "skipped")), 3);
	json_t *top = json_object_get(json_object_get(doc, "operators"), "top");
	assert_true(json_array_size(top) >= 1 && json_array_size(top) <= 3);
	/* most domains first */
	for (size_t i = 1; i < json_array_size(top); i++)
		assert_true(json_integer_value(json_object_get(json_array_get(top, i - 1), "domains")) >=
			    json_integer_value(json_object_get(json_array_get(top, i), "domains")));
	json_t *regs = json_object_get(doc, "registrars");
	assert_int_equal(json_integer_value(json_object_get(regs, "unknown")), s.reg_unknown);
	assert_int_equal(json_integer_value(json_object_get(regs, "total")), s.registrars.n);
	json_decref(doc);

	b.len = 0;
	assert_int_equal(dd_rep_audit_summary_text(&s, &ri, 3, &b), 0);
	assert_non_null(strstr(dd_buf_str(&b), "audit: 5 domains checked in 2.0 s (2 domains/s)"));
	assert_non_null(strstr(dd_buf_str(&b), "3 already in the resumed file, 0 listed twice (dropped), 2 bad input lines"));
	assert_non_null(strstr(dd_buf_str(&b), code));
	dd_buf_free(&b);
	dd_audit_summary_free(&s);
}

static void test_registration(void **state)
{
	struct dd_audit_summary s;
	struct dd_audit_run_info ri = { 0 };
	struct judged j, h;
	struct dd_buf b;

	(void)state;
	judge(&j, "reg-expires-soon.json");
	judge(&h, "healthy.json");
	assert_string_equal(dd_audit_registrar(j.ev), "Example Registrar");
	assert_null(dd_audit_registrar(h.ev));
	assert_int_equal(dd_audit_summary_init(&s), 0);
	assert_int_equal(dd_audit_summary_add(&s, j.ev, &j.f, &j.v), 0);
	assert_int_equal(dd_audit_summary_add(&s, h.ev, &h.f, &h.v), 0);
	assert_int_equal(s.registrars.n, 1);
	assert_int_equal(s.registrars.count[0], 1);
	assert_int_equal(s.reg_unknown, 1);
	dd_buf_init(&b);
	assert_int_equal(dd_rep_audit_summary_text(&s, &ri, 5, &b), 0);
	assert_non_null(strstr(dd_buf_str(&b), "registrars (1 in all; not known for 1 domain)"));
	assert_non_null(strstr(dd_buf_str(&b), "Example Registrar  1  50.0%"));
	b.len = 0;
	assert_int_equal(dd_rep_audit_csv_row(j.ev, &j.f, &j.v, &b), 0);
	assert_non_null(strstr(dd_buf_str(&b), ",2026-12-16T00:00:00Z,Example Registrar,"));
	b.len = 0;
	assert_int_equal(dd_rep_audit_csv_row(h.ev, &h.f, &h.v, &b), 0);
	assert_non_null(strstr(dd_buf_str(&b), ",unknown,unknown,"));
	dd_buf_free(&b);
	dd_audit_summary_free(&s);
	unjudge(&j);
	unjudge(&h);
}

static void test_summary_escapes_operators(void **state)
{
	struct dd_audit_summary s;
	struct dd_audit_run_info ri = { 0 };
	struct judged j;
	struct dd_buf b;

	(void)state;
	judge(&j, "healthy.json");
	/* A hostile NS name from a server: printed escaped in text. */
	assert_true(j.ev->parent.nservers > 0 && j.ev->parent.servers[0].delegation.ns.n > 0);
	dd_ev_set_str(&j.ev->parent.servers[0].delegation.ns.v[0], "ns.ev\x1b[31mil.test.");
	assert_int_equal(dd_audit_summary_init(&s), 0);
	assert_int_equal(dd_audit_summary_add(&s, j.ev, &j.f, &j.v), 0);
	dd_buf_init(&b);
	assert_int_equal(dd_rep_audit_summary_text(&s, &ri, 50, &b), 0);
	assert_null(strchr(dd_buf_str(&b), '\x1b'));
	assert_non_null(strstr(dd_buf_str(&b), "\\x1b"));
	dd_buf_free(&b);
	dd_audit_summary_free(&s);
	unjudge(&j);
}

static void test_csv_row(void **state)
{
	struct judged j;
	struct dd_buf b;
	struct dd_ev_strlist p = { 0 }, c = { 0 };
	char expect[512];

	(void)state;
	judge(&j, "purism-outage.json");
	dd_buf_init(&b);
	assert_int_equal(dd_rep_audit_csv_row(j.ev, &j.f, &j.v, &b), 0);
	assert_int_equal(dd_chk_ns_sets(j.ev, &p, &c), 0);
	size_t nns = p.n;
	for (size_t i = 0; i < c.n; i++)
		nns += dd_ev_strlist_find(&p, c.v[i]) < 0;
	snprintf(expect, sizeof(expect), "puri.sm.,%s,%s,%s,unknown,unknown,%zu,",
		 dd_chk_status_name(j.v.status), dd_chk_layer_name(j.v.layer), j.f.v[0].def->code,
		 nns);
	assert_memory_equal(dd_buf_str(&b), expect, strlen(expect));
	assert_non_null(strstr(dd_buf_str(&b), "puri.sm."));
	assert_string_equal(dd_buf_str(&b) + b.len - 2, "\r\n");
	dd_ev_strlist_free(&p);
	dd_ev_strlist_free(&c);

	/* SPOFs: from the analysis the DEPS_SPOF_* findings come from, the
	 * inherent ones left out; the same subjects, in the same order, as the
	 * findings' messages name. */
	static const char *const with_spofs[] = { "deps-one-operator.json",
						  "deps-single-server.json",
						  "deps-registry-registrar.json" };
	for (size_t k = 0; k < sizeof(with_spofs) / sizeof(with_spofs[0]); k++) {
		struct judged d;
		const char *row, *col;
		char item[512];
		judge(&d, with_spofs[k]);
		b.len = 0;
		assert_int_equal(dd_rep_audit_csv_row(d.ev, &d.f, &d.v, &b), 0);
		row = dd_buf_str(&b);
		col = strrchr(row, ',');
		assert_non_null(col);
		assert_true(strlen(col + 1) > 2); /* the fixture has a SPOF to show */
		/* Each CSV subject is named by a finding: a DEPS_SPOF_* one (alone or
		 * in its group) or the diversity finding that says it already. */
		for (const char *at = col + 1; *at && *at != '\r'; at += strcspn(at, ";\r"),
				at += *at == ';' ? 2 : 0) {
			const char *name;
			int named = 0;
			snprintf(item, sizeof(item), "%.*s", (int)strcspn(at, ";\r"), at);
			name = strchr(item, ' ') ? strchr(item, ' ') + 1 : item;
			for (size_t i = 0; i < d.f.n && !named; i++) {
				const char *code = d.f.v[i].def->code, *msg = d.f.v[i].message;
				if (strncmp(code, "DEPS_SPOF_", 10) == 0)
					named = strstr(msg, item) != NULL;
				else if (!strcmp(code, "NS_ONE_OPERATOR") ||
					 !strncmp(code, "ADDR_ONE_PREFIX", 15))
					named = strstr(msg, name) != NULL;
			}
			if (!named)
				fail_msg("%s: CSV spof \"%s\" is named by no finding", with_spofs[k],
					 item);
		}
		unjudge(&d);
	}

	/* Quoting: a field with a comma and a quote. */
	b.len = 0;
	dd_ev_set_str(&j.ev->domain, "a,\"b\".");
	assert_int_equal(dd_rep_audit_csv_row(j.ev, &j.f, &j.v, &b), 0);
	assert_memory_equal(dd_buf_str(&b), "\"a,\"\"b\"\".\",", 11);
	dd_buf_free(&b);
	unjudge(&j);
}

/* ---- the driver ---------------------------------------------------------------------- */

struct drv {
	int next_i, n;
	char seen[64];
	unsigned lines;
	int fail_write_at;  /* 0: never */
	int stop_after;     /* 0: never */
	struct dd_audit *a;
	char last[64 * 1024];
};

static int drv_next(void *ctx, char name[DD_NAME_MAX])
{
	struct drv *d = ctx;

	if (d->next_i >= d->n)
		return 0;
	snprintf(name, DD_NAME_MAX, "d%02d.test.", d->next_i++);
	return 1;
}

static int drv_write(void *ctx, const char *line, size_t len)
{
	struct drv *d = ctx;
	int i;

	assert_true(len > 0 && line[len - 1] == '\n' && memchr(line, '\n', len) == line + len - 1);
	json_t *doc = json_loadb(line, len, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(sscanf(json_string_value(json_object_get(doc, "domain")), "d%d.test.", &i),
			 1);
	json_decref(doc);
	assert_true(i >= 0 && i < d->n);
	assert_int_equal(d->seen[i], 0);
	d->seen[i] = 1;
	if (d->fail_write_at && (int)++d->lines == d->fail_write_at)
		return DD_EIO;
	return 0;
}

static void drv_progress(void *ctx, const struct dd_audit_stats *st)
{
	struct drv *d = ctx;

	if (d->stop_after && st->done == (uint64_t)d->stop_after)
		dd_audit_stop(d->a, 0);
}

/* Probe options whose only root server is a closed port on loopback: every
 * exchange fails at once (ICMP port unreachable, connection refused). */
static const struct dd_dns_hint hint = { "a.root.test.", "127.0.0.1" };

static void closed_opts(struct dd_probe_opts *po)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	dd_probe_opts_default(po);
	po->port = ntohs(sa.sin_port);
	po->timeout_ms = 300;
	po->retries = 0;
	po->ipv6 = 0;
}

static int run_driver(struct drv *d, unsigned conc, unsigned recycle, struct dd_audit_stats *st,
		      uint64_t *summary_domains)
{
	struct dd_probe_opts po;
	struct dd_audit_opts o = { .concurrency = conc, .format = DD_AUDIT_JSONL, .now = 1700000000,
				   .tool = "test", .next = drv_next, .line = dd_rep_audit_line,
				   .write = drv_write, .progress = drv_progress, .ctx = d,
				   .recycle = recycle };
	int rc;

	closed_opts(&po);
	assert_int_equal(dd_audit_new(&d->a, &po, &hint, 1, &o), 0);
	rc = dd_audit_run(d->a);
	*st = *dd_audit_stats(d->a);
	*summary_domains = dd_audit_summary(d->a)->domains;
	dd_audit_free(d->a);
	return rc;
}

static void test_driver_window(void **state)
{
	struct drv d = { .n = 40 };
	struct dd_audit_stats st;
	uint64_t sd;

	(void)state;
	assert_int_equal(run_driver(&d, 3, 0, &st, &sd), 0);
	assert_int_equal(st.done, 40);
	assert_int_equal(st.started, 40);
	assert_int_equal(st.inflight, 0);
	assert_int_equal(st.max_inflight, 3);
	assert_int_equal(sd, 40);
	assert_int_equal(st.probes, 1);
	/* Each domain asks the root; asks of the same question at once share one query. */
	assert_true(st.queries + st.shared >= 40);
	assert_true(st.queries >= 1);
	for (int i = 0; i < 40; i++)
		assert_int_equal(d.seen[i], 1);
}

static void test_driver_recycle(void **state)
{
	struct drv d = { .n = 40 };
	struct dd_audit_stats st;
	uint64_t sd;

	(void)state;
	/* A fresh probe every 7 domains: 6 probes, each domain still once. */
	assert_int_equal(run_driver(&d, 3, 7, &st, &sd), 0);
	assert_int_equal(st.done, 40);
	assert_int_equal(st.probes, 6);
	assert_int_equal(st.max_inflight, 3);
	assert_true(st.queries + st.shared >= 40);
	for (int i = 0; i < 40; i++)
		assert_int_equal(d.seen[i], 1);
}

static void test_driver_stop(void **state)
{
	struct drv d = { .n = 60, .stop_after = 5 };
	struct dd_audit_stats st;
	uint64_t sd;

	(void)state;
	assert_int_equal(run_driver(&d, 4, 0, &st, &sd), DD_ECANCELED);
	/* Nothing starts after the stop; what was in flight is finished. */
	assert_true(st.done >= 5 && st.done <= 5 + 3);
	assert_int_equal(st.started, st.done);
	assert_int_equal(st.inflight, 0);
	assert_int_equal(sd, st.done);
}

static void test_driver_write_error(void **state)
{
	struct drv d = { .n = 30, .fail_write_at = 7 };
	struct dd_audit_stats st;
	uint64_t sd;

	(void)state;
	assert_int_equal(run_driver(&d, 5, 0, &st, &sd), DD_EIO);
	assert_int_equal(st.done, 6); /* the seventh line was not written */
	assert_true(st.started < 30);
}

static int csv_lines;

static int csv_write(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	assert_true(len > 2 && line[len - 2] == '\r' && line[len - 1] == '\n');
	assert_memory_equal(line, "d", 1);
	csv_lines++;
	return 0;
}

static void test_driver_csv(void **state)
{
	struct drv d = { .n = 10 };
	struct dd_probe_opts po;
	struct dd_audit_opts o = { .concurrency = 2, .format = DD_AUDIT_CSV, .next = drv_next,
				   .line = dd_rep_audit_line,
				   .write = csv_write, .ctx = &d };
	struct dd_audit *a;

	(void)state;
	closed_opts(&po);
	assert_int_equal(dd_audit_new(&a, &po, &hint, 1, &o), 0);
	assert_int_equal(dd_audit_run(a), 0);
	assert_int_equal(csv_lines, 10);
	dd_audit_free(a);
	o.concurrency = 0;
	assert_int_equal(dd_audit_new(&a, &po, &hint, 1, &o), DD_EINVAL);
}

/* ---- the distributed audit (queue.c) ---------------------------------------------- */

/* A line becomes the row the queue stores: status and layer as numbers,
 * distinct codes, the operators of the distinct NS names, the registrar. */
static void test_qresult_parse(void **state)
{
	static const char line[] =
		"{\"domain\":\"a.test.\",\"verdict\":{\"status\":\"warning\",\"layer\":\"nameservers\"},"
		"\"findings\":[{\"code\":\"A\"},{\"code\":\"B\"},{\"code\":\"A\"}],"
		"\"delegation\":{\"parent_ns\":[\"ns1.op.example.\",\"ns2.op.example.\"],"
		"\"child_ns\":[\"NS1.op.example.\",\"ns.other.test.\"]},"
		"\"registration\":{\"record\":{\"registrar\":{\"name\":\"R\"}}}}\n";
	struct dd_audit_qresult q;
	(void)state;

	assert_int_equal(dd_audit_qresult_parse(line, strlen(line), &q), 0);
	assert_string_equal(q.r.domain, "a.test.");
	assert_int_equal(q.r.status, DD_STATUS_WARNING);
	assert_int_equal(q.r.layer, DD_LAYER_NAMESERVERS);
	assert_string_equal(q.r.codes, "[\"A\",\"B\"]");
	assert_string_equal(q.r.operators, "[\"op.example.\",\"other.test.\"]");
	assert_string_equal(q.r.registrar, "R");
	assert_int_equal(q.r.nns, 3);
	assert_memory_equal(q.r.doc, line, strlen(line) - 1); /* the line, its newline off */
	assert_int_equal(strlen(q.r.doc), strlen(line) - 1);
	dd_audit_qresult_free(&q);
	assert_int_equal(dd_audit_qresult_parse("{\"domain\":\"a.test.\"}", 20, &q), DD_EMALFORMED);
	assert_int_equal(dd_audit_qresult_parse("not json", 8, &q), DD_EMALFORMED);
	assert_null(q.doc);
}

/* The database's counts fill the summary the renderers print. */
static void test_qsummary_put(void **state)
{
	struct dd_audit_summary s;
	struct dd_audit_run_info ri = { 0 };
	size_t ndefs;
	const struct dd_chk_def *defs = dd_chk_defs(&ndefs);
	struct dd_buf b;
	char two[8];
	(void)state;

	assert_int_equal(dd_audit_summary_init(&s), 0);
	snprintf(two, sizeof(two), "%d", DD_STATUS_CRITICAL);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "domains", "", 10), 0);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "status", two, 4), 0);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "code", defs[1].code, 3), 0);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "operator", "op.example.", 7), 0);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "operator", "other.test.", 1), 0);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "registrar", "R", 2), 0);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "single_operator", "", 5), 0);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "queries", "", 99), 0);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "code", "NO_SUCH_CODE", 1), DD_EMALFORMED);
	assert_int_equal(dd_audit_qsummary_put(&s, &ri, "what", "", 1), DD_EMALFORMED);
	assert_int_equal(s.domains, 10);
	assert_int_equal(s.status[DD_STATUS_CRITICAL], 4);
	assert_int_equal(s.codes[1], 3);
	assert_int_equal(s.single_operator, 5);
	assert_int_equal(ri.queries, 99);
	assert_int_equal(s.operators.n, 2);
	dd_buf_init(&b);
	assert_int_equal(dd_rep_audit_summary_text(&s, &ri, 20, &b), 0);
	assert_non_null(strstr(dd_buf_str(&b), "    1. op.example.  7  70.0%\n"));
	assert_non_null(strstr(dd_buf_str(&b), "    2. other.test.  1  10.0%\n"));
	assert_non_null(strstr(dd_buf_str(&b), "    1. R  2  20.0%\n"));
	dd_buf_free(&b);
	dd_audit_summary_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_bounds),
		cmocka_unit_test(test_resume_jsonl),
		cmocka_unit_test(test_resume_csv), cmocka_unit_test(test_resume_counts_the_summary),
		cmocka_unit_test(test_operator),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_registration),
		cmocka_unit_test(test_summary_escapes_operators),
		cmocka_unit_test(test_csv_row),
		cmocka_unit_test(test_driver_window),
		cmocka_unit_test(test_driver_recycle),
		cmocka_unit_test(test_driver_stop),
		cmocka_unit_test(test_driver_write_error),
		cmocka_unit_test(test_driver_csv),
		cmocka_unit_test(test_qresult_parse),
		cmocka_unit_test(test_qsummary_put),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
