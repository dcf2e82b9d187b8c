/* test_graph.c: unit tests for the dependency graph and its analysis
 * (src/graph), the dependencies section of the evidence (ev_deps.c), the DOT
 * and SVG renderers and the .mmdb annotation of probe/deps.c. The graphs of
 * the documents in tests/unit/data/graph/ (made by make_fixtures.py, one picture
 * each) carry "expect_graph": whether the domain resolves, its exact single
 * points of failure, hijack risks, unknown registrations, counts, backups. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/err.h"
#include "core/name.h"
#include "evidence/evidence.h"
#include "graph/graph.h"
#include "probe/deps.h"
#include "report/report.h"
#include "fixture.h"

#define GRAPHDIR DD_TEST_DATA "/graph"

static void spofs_text(const struct dd_graph *g, const struct dd_graph_spof *s, size_t n,
		       int with_inherent, char *out, size_t outlen)
{
	char buf[64][400];
	const char *v[64];
	size_t k = 0;

	for (size_t i = 0; i < n && k < 64; i++, k++) {
		const struct dd_graph_entity *e = &g->entities[s[i].entity];
		snprintf(buf[k], sizeof(buf[k]), "%s %s%s%s", dd_graph_kind_name(e->kind), e->name,
			 with_inherent ? " " : "",
			 with_inherent ? (s[i].inherent ? "inherent" : "avoidable") : "");
		v[k] = buf[k];
		assert_non_null(s[i].advice);
		assert_true(strlen(s[i].advice) > 40);
	}
	fx_join_sorted(v, k, "|", out, outlen);
}

static void check_count(json_t *want, const char *key, const struct dd_graph_count *c,
			const char *file)
{
	json_t *w = json_object_get(want, key);

	if (!w)
		return;
	if (json_is_array(w)) {
		if ((size_t)json_integer_value(json_array_get(w, 0)) != c->total ||
		    (size_t)json_integer_value(json_array_get(w, 1)) != c->controlled)
			fail_msg("%s: %s %zu (%zu controlled), expected %lld (%lld)", file, key,
				 c->total, c->controlled,
				 (long long)json_integer_value(json_array_get(w, 0)),
				 (long long)json_integer_value(json_array_get(w, 1)));
	} else if ((size_t)json_integer_value(w) != c->total) {
		fail_msg("%s: %s %zu, expected %lld", file, key, c->total,
			 (long long)json_integer_value(w));
	}
}

static void one_fixture(const char *file, json_t *want)
{
	char got[8192], exp[8192];
	struct dd_evidence *ev = fx_evidence("graph", file);
	struct dd_graph *g = NULL;
	struct dd_graph_analysis a;
	json_t *counts, *backups;

	assert_int_equal(dd_graph_build(ev, &g), 0);
	assert_int_equal(dd_graph_analyse(g, ev->time, &a), 0);
	assert_int_equal(a.roots[0].resolvable, json_is_true(json_object_get(want, "resolvable")));
	assert_int_equal(g->truncated, json_is_true(json_object_get(want, "truncated")));
	spofs_text(g, a.roots[0].spofs, a.roots[0].nspofs, 1, got, sizeof(got));
	fx_sorted(json_object_get(want, "spofs"), "|", exp, sizeof(exp));
	if (strcmp(got, exp) != 0)
		fail_msg("%s: SPOFs [%s], expected [%s]", file, got, exp);
	{
		char buf[64][300];
		const char *v[64];
		size_t n = 0;
		for (size_t i = 0; i < a.nhijacks && n < 64; i++, n++) {
			snprintf(buf[n], sizeof(buf[n]), "%s %s",
				 dd_graph_hijack_name(a.hijacks[i].kind), a.hijacks[i].domain);
			v[n] = buf[n];
			assert_true(a.hijacks[i].nhosts > 0);
			assert_non_null(strstr(a.hijacks[i].message, a.hijacks[i].domain));
		}
		fx_join_sorted(v, n, "|", got, sizeof(got));
		fx_sorted(json_object_get(want, "hijacks"), "|", exp, sizeof(exp));
		if (strcmp(got, exp) != 0)
			fail_msg("%s: hijacks [%s], expected [%s]", file, got, exp);
		n = 0;
		for (size_t i = 0; i < a.nreg_unknown && n < 64; i++)
			v[n++] = a.reg_unknown[i];
		fx_join_sorted(v, n, "|", got, sizeof(got));
		fx_sorted(json_object_get(want, "reg_unknown"), "|", exp, sizeof(exp));
		if (strcmp(got, exp) != 0)
			fail_msg("%s: registration unknown [%s], expected [%s]", file, got, exp);
	}
	if ((counts = json_object_get(want, "counts")) != NULL) {
		const struct dd_graph_counts *c = &a.roots[0].counts;
		check_count(counts, "zones", &c->zones, file);
		check_count(counts, "servers", &c->servers, file);
		check_count(counts, "registries", &c->registries, file);
		check_count(counts, "registrars", &c->registrars, file);
		check_count(counts, "operators", &c->operators, file);
		check_count(counts, "networks", &c->networks, file);
		check_count(counts, "ases", &c->ases, file);
	}
	if ((backups = json_object_get(want, "backups")) != NULL) {
		for (size_t r = 1; r < g->nroots; r++) {
			json_t *b = json_object_get(backups, g->roots[r].name);
			assert_non_null(b);
			assert_int_equal(a.roots[r].resolvable, json_is_true(b));
			assert_true(a.roots[r].nshared > 0);
		}
		spofs_text(g, a.group_spofs, a.ngroup_spofs, 0, got, sizeof(got));
		fx_sorted(json_object_get(want, "group"), "|", exp, sizeof(exp));
		if (strcmp(got, exp) != 0)
			fail_msg("%s: group SPOFs [%s], expected [%s]", file, got, exp);
	} else {
		assert_int_equal(a.ngroup_spofs, 0);
	}
	dd_graph_analysis_free(&a);
	dd_graph_free(g);
	dd_ev_free(ev);
}

static void fixtures(void **state)
{
	DIR *d = opendir(GRAPHDIR);
	const char *name;
	size_t n = 0;
	json_t *doc;

	(void)state;
	assert_non_null(d);
	while ((doc = fx_next_doc(d, GRAPHDIR, &name)) != NULL) {
		if (json_object_get(doc, "expect_graph")) {
			one_fixture(name, json_object_get(doc, "expect_graph"));
			n++;
		}
		json_decref(doc);
	}
	closedir(d);
	assert_true(n >= 6);
}

/* ---- graphs made in C -------------------------------------------------------- */

static struct dd_evidence *base(void)
{
	struct dd_evidence *ev = dd_ev_new("example.test.", 1780272000);
	int z;

	assert_non_null(ev);
	ev->deps.present = 1;
	assert_int_equal(dd_ev_dep_root(ev, "example.test."), 0);
	assert_int_equal(dd_ev_set_str(&ev->deps.roots[0].zone, "example.test."), 0);
	ev->deps.roots[0].state = DD_EV_R_OK;
	assert_true(dd_ev_dep_zone(ev, ".") >= 0);
	z = dd_ev_dep_zone(ev, "test.");
	dd_ev_set_str(&ev->deps.zones[z].parent, ".");
	dd_ev_strlist_add(&ev->deps.zones[z].ns, "a.nic.test.");
	dd_ev_dep_add_glue(ev, (size_t)z, "a.nic.test.", "192.0.2.1");
	z = dd_ev_dep_host(ev, "a.nic.test.");
	dd_ev_set_str(&ev->deps.hosts[z].zone, "test.");
	ev->deps.hosts[z].state = DD_EV_R_OK;
	ev->deps.hosts[z].followed = 1;
	dd_ev_strlist_add(&ev->deps.hosts[z].addrs, "192.0.2.1");
	return ev;
}

static void zone(struct dd_evidence *ev, const char *name, const char *parent, const char *ns,
		 const char *glue)
{
	int z = dd_ev_dep_zone(ev, name);

	assert_true(z >= 0);
	dd_ev_set_str(&ev->deps.zones[z].parent, parent);
	dd_ev_strlist_add(&ev->deps.zones[z].ns, ns);
	if (glue)
		dd_ev_dep_add_glue(ev, (size_t)z, ns, glue);
}

static void host(struct dd_evidence *ev, const char *name, const char *zone_name,
		 const char *addr, int followed)
{
	int h = dd_ev_dep_host(ev, name);

	assert_true(h >= 0);
	dd_ev_set_str(&ev->deps.hosts[h].zone, zone_name);
	ev->deps.hosts[h].state = addr ? DD_EV_R_OK : DD_EV_R_FAILED;
	ev->deps.hosts[h].followed = followed;
	if (addr)
		dd_ev_strlist_add(&ev->deps.hosts[h].addrs, addr);
}

static int resolves(struct dd_evidence *ev, size_t *nspofs)
{
	struct dd_graph *g = NULL;
	struct dd_graph_analysis a;
	int ok;

	assert_int_equal(dd_graph_build(ev, &g), 0);
	assert_int_equal(dd_graph_analyse(g, ev->time, &a), 0);
	ok = a.roots[0].resolvable;
	*nspofs = a.roots[0].nspofs;
	dd_graph_analysis_free(&a);
	dd_graph_free(g);
	return ok;
}

/* A's NS under B and B's NS under A: without glue neither resolves (and
 * nothing loops); with glue for one of them, both do. */
static void cycles(void **state)
{
	struct dd_evidence *ev = base();
	size_t n;

	(void)state;
	zone(ev, "example.test.", "test.", "ns.a.test.", NULL);
	zone(ev, "a.test.", "test.", "ns.b.test.", NULL);
	zone(ev, "b.test.", "test.", "ns.a.test.", NULL);
	host(ev, "ns.a.test.", "a.test.", "203.0.113.1", 1);
	host(ev, "ns.b.test.", "b.test.", "203.0.114.1", 1);
	assert_false(resolves(ev, &n));
	assert_int_equal(n, 0);
	/* Glue for ns.a.test. in b.test.'s referral breaks the deadlock. */
	dd_ev_dep_add_glue(ev, (size_t)dd_ev_dep_find_zone(ev, "b.test."), "ns.a.test.",
			   "203.0.113.1");
	assert_true(resolves(ev, &n));
	assert_true(n > 0);
	dd_ev_free(ev);
}

/* A name past the depth bound (not walked) is taken to resolve; a name
 * whose walk failed is not. */
static void not_followed(void **state)
{
	struct dd_evidence *ev = base();
	size_t n;

	(void)state;
	zone(ev, "example.test.", "test.", "ns.far.test.", NULL);
	host(ev, "ns.far.test.", NULL, "203.0.113.1", 0);
	assert_true(resolves(ev, &n));
	ev->deps.hosts[dd_ev_dep_find_host(ev, "ns.far.test.")].followed = 1;
	assert_false(resolves(ev, &n));
	dd_ev_free(ev);
}

static void names(void **state)
{
	char out[DD_NAME_MAX];

	(void)state;
	dd_name_registrable("NS1.DnsProv.Test.", out);
	assert_string_equal(out, "dnsprov.test");
	dd_name_public_suffix("ns1.dnsprov.test.", out);
	assert_string_equal(out, "test");
	dd_name_registrable("a.b.example.co.uk.", out);
	assert_string_equal(out, "example.co.uk");
	dd_name_public_suffix("a.b.example.co.uk", out);
	assert_string_equal(out, "co.uk");
	dd_name_registrable("co.uk.", out);
	assert_string_equal(out, "");
	dd_name_registrable(".", out);
	assert_string_equal(out, "");
	/* Private suffixes (github.io) are not registries: ICANN section only. */
	dd_name_registrable("someone.github.io.", out);
	assert_string_equal(out, "github.io");
}

/* name in wire format (no compression) into w. */
static void to_wire(const char *name, uint8_t w[DD_NAME_MAX])
{
	size_t n = 0;

	while (*name && *name != '.') {
		size_t len = strcspn(name, ".");
		w[n++] = (uint8_t)len;
		memcpy(w + n, name, len);
		n += len;
		name += len + (name[len] == '.');
	}
	w[n] = 0;
}

/* The operator rule, in text (checks, graph) and in wire format (the zone
 * audit), on the same inputs: one rule, one answer. */
static void operators(void **state)
{
	static const char *const cases[][2] = {
		{ "NS1.DnsProv.Test.", "dnsprov.test" },
		{ "a.b.example.co.uk.", "example.co.uk" },
		{ "ns.someone.github.io.", "github.io" }, /* ICANN section only */
		{ "co.uk.", "co.uk" },                    /* a suffix is its own operator */
		{ "pvt.k12.ma.us.", "pvt.k12.ma.us" },     /* three labels, all public */
		{ "x.pvt.k12.ma.us.", "x.pvt.k12.ma.us" },
		{ "ns1.example.", "ns1.example" },         /* an unknown TLD: "*" */
		{ "com.", "com" },
	};
	char out[DD_NAME_MAX], text[DD_NAME_MAX];
	uint8_t w[DD_NAME_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dd_name_operator(cases[i][0], out);
		assert_string_equal(out, cases[i][1]);
		to_wire(cases[i][0], w);
		const uint8_t *at = dd_name_operator_wire(w);
		size_t n = 0;
		for (const uint8_t *p = at; *p; p += *p + 1)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%.*s", n ? "." : "", *p,
					      (const char *)p + 1);
		text[n] = '\0';
		for (char *c = text; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
		assert_string_equal(text, cases[i][1]);
	}
}

/* Saved and loaded, a section gives the same document again; hostile
 * documents are refused with the place named. */
static void json_round_trip(void **state)
{
	char err[256], *a, *b;
	struct dd_evidence *ev, *again = NULL;

	(void)state;
	ev = fx_evidence("graph", "hijacks.json");
	a = dd_ev_save_json(ev);
	assert_non_null(a);
	assert_int_equal(dd_ev_load_json(a, strlen(a), &again, err, sizeof(err)), 0);
	b = dd_ev_save_json(again);
	assert_string_equal(a, b);
	free(a);
	free(b);
	dd_ev_free(again);
	dd_ev_free(ev);

	static const struct {
		const char *doc, *err;
	} bad[] = {
		{ "{\"hosts\": [{\"name\": \"x.\", \"state\": \"fine\"}]}",
		  "dependencies.hosts[0].state: unknown value \"fine\"" },
		{ "{\"zones\": [{\"parent\": \".\"}]}", "dependencies.zones[0].name: missing" },
		{ "{\"registrations\": [{\"domain\": \"a.test\", \"result\": \"maybe\"}]}",
		  "dependencies.registrations[0].result: unknown value \"maybe\"" },
		{ "{\"addresses\": [{\"address\": \"192.0.2.1\", \"asn\": -5}]}",
		  "dependencies.addresses[0].asn: -5 is out of range" },
		{ "{\"roots\": 7}", "dependencies.roots: expected an array" },
		{ "[]", "dependencies: expected an object" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char doc[1024];
		snprintf(doc, sizeof(doc),
			 "{\"schema\": \"dnsdeps.evidence/1\", \"time\": \"2026-06-01T00:00:00Z\", "
			 "\"domain\": \"example.test.\", \"parent\": {\"servers\": []}, "
			 "\"dependencies\": %s}", bad[i].doc);
		assert_int_equal(dd_ev_load_json(doc, strlen(doc), &again, err, sizeof(err)),
				 DD_EPARSE);
		assert_null(again);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
			fail_msg("got \"%s\", expected \"%s\"", err, bad[i].err);
	}
}

/* A document with more entries than the graph keeps: bounded, marked
 * truncated, and analysed quickly. */
static void bounds(void **state)
{
	struct dd_evidence *ev = base();
	struct dd_graph *g = NULL;
	struct dd_graph_analysis a;
	char name[64], prev[64] = "test.";
	clock_t t0 = clock();

	(void)state;
	zone(ev, "example.test.", "test.", "ns.z0.test.", "192.0.2.53");
	host(ev, "ns.z0.test.", "z0.test.", "192.0.2.53", 1);
	/* A chain of zones each delegated by the one before, longer than the
	 * graph keeps. */
	for (int i = 0; i < DD_GRAPH_MAX_ZONES + 50; i++) {
		snprintf(name, sizeof(name), "z%d.test.", i);
		zone(ev, name, prev, "ns.z0.test.", NULL);
		snprintf(prev, sizeof(prev), "%s", name);
	}
	/* The domain's zone names a thousand NS names, each with its own
	 * operator, network and AS: thousands of entities to fail one by one. */
	for (int i = 0; i < 1000; i++) {
		char ns[64], addr[64];
		int h, x;
		snprintf(ns, sizeof(ns), "ns.op%d.test.", i);
		snprintf(addr, sizeof(addr), "10.%d.%d.1", i / 256, i % 256);
		dd_ev_strlist_add(&ev->deps.zones[dd_ev_dep_find_zone(ev, "example.test.")].ns, ns);
		host(ev, ns, "test.", addr, 1);
		h = dd_ev_dep_find_host(ev, ns);
		assert_true(h >= 0);
		x = dd_ev_dep_addr(ev, addr);
		assert_true(x >= 0);
		ev->deps.addrs[x].asn = 65000 + i;
	}
	assert_int_equal(dd_graph_build(ev, &g), 0);
	assert_true(g->truncated);
	assert_true(g->nzones <= DD_GRAPH_MAX_ZONES);
	assert_int_equal(dd_graph_analyse(g, ev->time, &a), 0);
	assert_true(a.roots[0].resolvable);
	/* Only what test. (one server) and the registration bring: all inherent. */
	for (size_t i = 0; i < a.roots[0].nspofs; i++)
		assert_true(a.roots[0].spofs[i].inherent);
	print_message("bounds: %zu zones, %zu NS names, %zu entities analysed in %.2f s\n",
		      g->nzones, g->nhosts, g->nentities, (double)(clock() - t0) / CLOCKS_PER_SEC);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	dd_graph_analysis_free(&a);
	dd_graph_free(g);
	dd_ev_free(ev);
}

/* DOT: every name escaped for the terminal and quoted for DOT; SPOFs and
 * hijack risks marked; Graphviz's library turns it into SVG. */
static void dot_and_svg(void **state)
{
	char why[300];
	struct dd_evidence *ev;
	struct dd_buf dot, svg;
	int h;

	(void)state;
	ev = fx_evidence("graph", "hijacks.json");
	/* A hostile name: a quote, a backslash and a newline. */
	h = dd_ev_dep_find_host(ev, "ns.good.net.");
	assert_true(h >= 0);
	dd_ev_set_str(&ev->deps.hosts[h].name, "ns\".go\\od\n.net.");
	dd_ev_set_str(&ev->deps.zones[dd_ev_dep_find_zone(ev, "example.test.")].ns.v[0],
		      "ns\".go\\od\n.net.");
	dd_buf_init(&dot);
	assert_int_equal(dd_rep_dot(ev, NULL, &dot), 0);
	assert_non_null(strstr(dd_buf_str(&dot), "ns\\\".go\\\\\\\\od\\\\x0a.net.\", shape=ellipse"));
	assert_non_null(strstr(dd_buf_str(&dot), "HIJACK RISK: unregistered"));
	assert_non_null(strstr(dd_buf_str(&dot), "SINGLE POINT OF FAILURE"));
	dd_buf_init(&svg);
	assert_int_equal(dd_rep_svg(dd_buf_str(&dot), &svg, why, sizeof(why)), 0);
	assert_non_null(strstr(dd_buf_str(&svg), "<svg"));
	assert_non_null(strstr(dd_buf_str(&svg), "gone.net"));
	/* Not DOT at all: an error with a reason, no output, no crash. */
	dd_buf_free(&svg);
	dd_buf_init(&svg);
	assert_int_equal(dd_rep_svg("digraph { a -> ", &svg, why, sizeof(why)), DD_EIO);
	assert_true(strlen(why) > 10);
	dd_buf_free(&svg);
	dd_buf_free(&dot);
	dd_ev_free(ev);
}

/* The origin AS from a MaxMind-format file (data/graph/asn-test.mmdb, made
 * by mmdb_writer.py): found, with the database's prefix; unknown stays so. */
static void mmdb(void **state)
{
	struct dd_evidence *ev = dd_ev_new("example.test.", 0);
	static const char *const addrs[] = { "192.0.2.7", "198.51.100.9", "2001:db8:1::5",
					     "203.0.113.1" };
	char why[300];

	(void)state;
	assert_int_equal(dd_probe_deps_request(ev, NULL, 0, 1, NULL,
					       GRAPHDIR "/asn-test.mmdb"), 0);
	for (size_t i = 0; i < 4; i++)
		assert_true(dd_ev_dep_addr(ev, addrs[i]) >= 0);
	assert_int_equal(dd_probe_deps_finish(ev, why, sizeof(why)), 0);
	assert_int_equal(ev->deps.addrs[0].asn, 64500);
	assert_string_equal(ev->deps.addrs[0].prefix, "192.0.2.0/24");
	assert_string_equal(ev->deps.addrs[0].detail, "Example Networks");
	assert_int_equal(ev->deps.addrs[1].asn, 64501);
	assert_int_equal(ev->deps.addrs[2].asn, 64502);
	assert_string_equal(ev->deps.addrs[2].prefix, "2001:db8:1::/48");
	assert_int_equal(ev->deps.addrs[3].asn, -1);
	assert_string_equal(ev->deps.addrs[3].detail, "not in the database");
	dd_ev_free(ev);
	/* A file that is not a database: an error naming it. */
	ev = dd_ev_new("example.test.", 0);
	assert_int_equal(dd_probe_deps_request(ev, NULL, 0, 1, NULL, GRAPHDIR "/hijacks.json"),
			 0);
	assert_int_equal(dd_probe_deps_finish(ev, why, sizeof(why)), DD_EIO);
	assert_non_null(strstr(why, "hijacks.json"));
	dd_ev_free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixtures),      cmocka_unit_test(cycles),
		cmocka_unit_test(not_followed),  cmocka_unit_test(names), cmocka_unit_test(operators),
		cmocka_unit_test(json_round_trip), cmocka_unit_test(bounds),
		cmocka_unit_test(dot_and_svg),   cmocka_unit_test(mmdb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
