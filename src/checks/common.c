/* common.c: running the checks (dd_chk_run), the findings list, the facts
 * derived once from the evidence, and helpers shared by the check families. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/chk_int.h"
#include "core/err.h"
#include "dnssec/sec.h"
#include "graph/graph.h"

void chk_fail(struct chk_ctx *c, int err)
{
	if (err < 0 && !c->failed)
		c->failed = err;
}

void chk_ids_add(struct chk_ctx *c, struct chk_ids *ids, int id)
{
	size_t at = 0;

	if (!ids || id < 0 || (size_t)id >= c->ev->nexchanges)
		return;
	while (at < ids->n && ids->v[at] < id)
		at++;
	if (at < ids->n && ids->v[at] == id)
		return;
	if (ids->n == ids->cap) {
		size_t ncap = ids->cap ? ids->cap * 2 : 8;
		int *p = realloc(ids->v, ncap * sizeof(*p));
		if (!p) {
			chk_fail(c, DD_ENOMEM);
			return;
		}
		ids->v = p;
		ids->cap = ncap;
	}
	memmove(ids->v + at + 1, ids->v + at, (ids->n - at) * sizeof(*ids->v));
	ids->v[at] = id;
	ids->n++;
}

void chk_ids_free(struct chk_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

void chk_add(struct chk_ctx *c, enum chk_code code, struct chk_ids *ids, const char *fmt, ...)
{
	struct dd_chk_findings *f = c->out;
	struct dd_chk_finding *n;
	struct dd_buf b;
	va_list ap;

	dd_buf_init(&b);
	va_start(ap, fmt);
	dd_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (dd_buf_failed(&b) || (unsigned)code >= C_COUNT)
		goto fail;
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 16;
		struct dd_chk_finding *p = realloc(f->v, ncap * sizeof(*p));
		if (!p)
			goto fail;
		f->v = p;
		f->cap = ncap;
	}
	n = &f->v[f->n++];
	n->def = &dd_chk_table[code];
	n->message = b.data ? b.data : strdup("");
	n->evidence = ids ? ids->v : NULL;
	n->nevidence = ids ? ids->n : 0;
	if (ids)
		memset(ids, 0, sizeof(*ids));
	if (!n->message)
		chk_fail(c, DD_ENOMEM);
	return;
fail:
	dd_buf_free(&b);
	if (ids)
		chk_ids_free(ids);
	chk_fail(c, (unsigned)code >= C_COUNT ? DD_EINVAL : DD_ENOMEM);
}

void dd_chk_findings_free(struct dd_chk_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].message);
		free(f->v[i].evidence);
	}
	free(f->v);
	if (f->analysis)
		dd_graph_analysis_free(f->analysis);
	free(f->analysis);
	dd_graph_free(f->graph);
	if (f->sec)
		dd_sec_result_free(f->sec);
	free(f->sec);
	memset(f, 0, sizeof(*f));
}

const struct dd_chk_finding *dd_chk_find(const struct dd_chk_findings *f, const char *code)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].def->code, code) == 0)
			return &f->v[i];
	return NULL;
}

const struct dd_chk_finding *chk_find(const struct dd_chk_findings *f, enum chk_code code)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].def == &dd_chk_table[code])
			return &f->v[i];
	return NULL;
}

void chk_join(struct dd_buf *b, const struct dd_ev_strlist *items, size_t max)
{
	size_t shown = items->n <= max ? items->n : max;

	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			dd_buf_puts(b, i + 1 == shown && shown == items->n ? " and " : ", ");
		dd_buf_puts(b, items->v[i]);
	}
	if (shown < items->n)
		dd_buf_printf(b, " and %zu more", items->n - shown);
}

int chk_addr_parse(const char *s, unsigned char out[16])
{
	memset(out, 0, 16);
	if (!s)
		return 0;
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 6;
	return 0;
}

int chk_addr_equal(const char *a, const char *b)
{
	unsigned char x[16], y[16];
	int fx = chk_addr_parse(a, x), fy = chk_addr_parse(b, y);

	if (fx && fy)
		return fx == fy && memcmp(x, y, 16) == 0;
	return a && b && strcasecmp(a, b) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Normalized copy of one entry: canonical address, or lower-cased text. */
static char *normalize(const char *s)
{
	unsigned char bin[16];
	char buf[64];
	int fam = chk_addr_parse(s, bin);
	char *d;

	if (fam == 4 && inet_ntop(AF_INET, bin, buf, sizeof(buf)))
		return strdup(buf);
	if (fam == 6 && inet_ntop(AF_INET6, bin, buf, sizeof(buf)))
		return strdup(buf);
	d = strdup(s);
	for (char *p = d; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

char *chk_set_key(struct chk_ctx *c, const struct dd_ev_strlist *l)
{
	size_t n = l->n < CHK_MAX_SET ? l->n : CHK_MAX_SET;
	char *v[CHK_MAX_SET];
	struct dd_buf b;
	size_t got = 0;

	dd_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		v[got] = normalize(l->v[i]);
		if (v[got])
			got++;
		else
			b.failed = 1;
	}
	qsort(v, got, sizeof(v[0]), cmp_str);
	for (size_t i = 0; i < got; i++) {
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0) {
			if (b.len)
				dd_buf_puts(&b, " ");
			dd_buf_puts(&b, v[i]);
		}
	}
	for (size_t i = 0; i < got; i++)
		free(v[i]);
	if (dd_buf_failed(&b)) {
		dd_buf_free(&b);
		chk_fail(c, DD_ENOMEM);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

int chk_set_equal(struct chk_ctx *c, const struct dd_ev_strlist *a, const struct dd_ev_strlist *b)
{
	char *ka = chk_set_key(c, a), *kb = chk_set_key(c, b);
	int eq = ka && kb && strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return eq;
}

const char *chk_zone_label(const char *zone, char *buf, size_t buflen)
{
	size_t len;

	if (!zone || strcmp(zone, ".") == 0 || !*zone) {
		snprintf(buf, buflen, "the root");
		return buf;
	}
	len = strlen(zone);
	if (zone[len - 1] == '.')
		len--;
	snprintf(buf, buflen, "%.*s", (int)(len < 255 ? len : 255), zone);
	return buf;
}

const struct dd_ev_response *chk_server_soa(const struct dd_ev_ns_server *s)
{
	return s->soa_udp.r.state != DD_EV_SKIPPED ? &s->soa_udp.r : &s->soa_tcp.r;
}

static int authoritative_answer(const struct dd_ev_response *r)
{
	return r->state == DD_EV_ANSWER && r->aa != 0;
}

int chk_server_good(const struct dd_ev_ns_server *s)
{
	return authoritative_answer(&s->soa_udp.r) || authoritative_answer(&s->soa_tcp.r);
}

int chk_parent_delegates(const struct dd_ev_parent_server *p)
{
	const struct dd_ev_delegation *d = &p->delegation;

	return (d->r.state == DD_EV_REFERRAL || d->r.state == DD_EV_ANSWER) && d->ns.n > 0;
}

/* Union into `to`, bounded by CHK_MAX_SET on both sides. */
static int add_all(struct dd_ev_strlist *to, const struct dd_ev_strlist *from)
{
	for (size_t i = 0; i < from->n && i < CHK_MAX_SET && to->n < CHK_MAX_SET; i++) {
		int rc = dd_ev_strlist_add_unique(to, from->v[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void parent_facts(const struct dd_evidence *ev, struct chk_facts *f, int *rc)
{
	for (size_t i = 0; i < ev->parent.nservers; i++) {
		const struct dd_ev_parent_server *p = &ev->parent.servers[i];
		enum dd_ev_state st = p->delegation.r.state;

		f->p_total++;
		if (st == DD_EV_SKIPPED)
			continue;
		f->p_asked++;
		if (chk_parent_delegates(p)) {
			f->p_delegating++;
			if (!*rc)
				*rc = add_all(&f->parent_ns, &p->delegation.ns);
		} else if (st == DD_EV_NXDOMAIN) {
			f->p_nxdomain++;
		} else if (st == DD_EV_NODATA || st == DD_EV_CNAME ||
			   (st == DD_EV_ANSWER && p->delegation.r.aa != 0)) {
			f->p_nodata++;
		} else {
			f->p_failed++;
		}
	}
}

static void child_facts(const struct dd_evidence *ev, struct chk_facts *f, int *rc)
{
	for (size_t i = 0; i < ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &ev->nameservers[i];
		for (size_t j = 0; j < ns->nservers; j++) {
			const struct dd_ev_ns_server *s = &ns->servers[j];
			if (chk_server_soa(s)->state == DD_EV_SKIPPED)
				continue;
			f->c_asked++;
			if (!chk_server_good(s))
				continue;
			f->c_good++;
			if (s->ns_udp.r.state == DD_EV_ANSWER && !*rc)
				*rc = add_all(&f->child_ns, &s->ns_udp.ns);
		}
	}
}

/* The first zone on the way whose servers were all skipped because only one
 * address family was allowed: nothing below it was observed. */
static void unasked(const struct dd_evidence *ev, struct chk_facts *f)
{
	f->one_family = !(ev->options.ipv4 && ev->options.ipv6);
	if (!f->one_family)
		return;
	for (size_t i = 0; i < ev->nchain && !f->unasked_zone; i++) {
		const struct dd_ev_step *st = &ev->chain[i];
		size_t asked = 0;
		for (size_t k = 0; k < st->nservers; k++)
			asked += st->servers[k].r.state != DD_EV_SKIPPED;
		if (st->nservers > 0 && asked == 0)
			f->unasked_zone = st->zone;
	}
	if (!f->unasked_zone && ev->parent.zone && f->p_total > 0 && f->p_asked == 0)
		f->unasked_zone = ev->parent.zone;
}

int chk_facts_init(const struct dd_evidence *ev, struct chk_facts *f)
{
	int rc = 0;

	memset(f, 0, sizeof(*f));
	parent_facts(ev, f, &rc);
	child_facts(ev, f, &rc);
	if (!rc && f->parent_ns.n)
		rc = add_all(&f->ns_names, &f->parent_ns);
	else if (!rc && f->child_ns.n)
		rc = add_all(&f->ns_names, &f->child_ns);
	else
		for (size_t i = 0; !rc && i < ev->nnameservers && i < CHK_MAX_SET; i++)
			rc = dd_ev_strlist_add_unique(&f->ns_names, ev->nameservers[i].name);
	unasked(ev, f);
	if (ev->nchain > 0 && ev->chain[0].zone && strcmp(ev->chain[0].zone, ".") == 0) {
		const struct dd_ev_step *root = &ev->chain[0];
		for (size_t i = 0; i < root->nservers; i++) {
			enum dd_ev_state st = root->servers[i].r.state;
			if (st == DD_EV_SKIPPED)
				continue;
			f->root_asked++;
			if (!dd_ev_state_replied(st))
				f->root_noreply++;
			if (st == DD_EV_TIMEOUT || st == DD_EV_UNREACHABLE)
				f->root_silent++;
		}
	}
	if (rc < 0) {
		chk_facts_free(f);
		return rc;
	}
	return 0;
}

void chk_label(struct chk_ctx *c, struct dd_ev_strlist *l, const char *name, const char *address,
	       const char *what)
{
	struct dd_buf b;
	int rc;

	dd_buf_init(&b);
	if (name && address)
		dd_buf_printf(&b, "%s (%s)", name, address);
	else
		dd_buf_puts(&b, name ? name : address ? address : "?");
	if (what)
		dd_buf_printf(&b, " %s", what);
	rc = dd_buf_failed(&b) ? DD_ENOMEM : dd_ev_strlist_add(l, dd_buf_str(&b));
	dd_buf_free(&b);
	chk_fail(c, rc);
}

const char *chk_state_phrase(const struct dd_ev_response *r, char *buf, size_t buflen)
{
	char rc[16];

	switch (r->state) {
	case DD_EV_TIMEOUT:
		return "timed out";
	case DD_EV_UNREACHABLE:
		return "was unreachable";
	case DD_EV_MALFORMED:
		return "sent a malformed reply";
	case DD_EV_MISMATCH:
		return "sent only mismatched replies";
	case DD_EV_TRUNCATED:
		return "sent a truncated reply";
	case DD_EV_LAME:
		return "answered without authority";
	case DD_EV_SKIPPED:
		return "was not asked";
	default:
		break;
	}
	if (r->rcode >= 0 && r->rcode != 0) {
		snprintf(buf, buflen, "answered %s", dd_ev_rcode_name(r->rcode, rc, sizeof(rc)));
		return buf;
	}
	switch (r->state) {
	case DD_EV_REFERRAL:
		return "sent a referral";
	case DD_EV_NODATA:
		return "answered NOERROR without data";
	case DD_EV_ANSWER:
		return r->aa == 0 ? "answered without authority" : "answered";
	default:
		snprintf(buf, buflen, "answered %s", dd_ev_state_name(r->state));
		return buf;
	}
}

void chk_facts_free(struct chk_facts *f)
{
	dd_ev_strlist_free(&f->parent_ns);
	dd_ev_strlist_free(&f->child_ns);
	dd_ev_strlist_free(&f->ns_names);
}

/* Within a severity, by consequence (docs/findings.md, "the headline"), as
 * codes.def gives it: DEADLINE, the domain stops resolving at a known time
 * unless someone acts; NOW, servers failing or answering wrongly now,
 * inconsistent data; REDUNDANCY lost, it resolves and keeps resolving. */
enum { DEADLINE, NOW, REDUNDANCY };

static int consequence(const struct dd_chk_def *d)
{
	static const unsigned char rank[C_COUNT] = {
#define DD_FAMILY(file)
#define DD_CODE(name, severity, layer, consequence, title, rfc, advice) [C_##name] = consequence,
#include "checks/codes.def"
#undef DD_CODE
#undef DD_FAMILY
	};

	return rank[d - dd_chk_table];
}

static int before(const struct dd_chk_finding *a, const struct dd_chk_finding *b)
{
	if (a->def->severity != b->def->severity)
		return a->def->severity > b->def->severity;
	return consequence(a->def) < consequence(b->def);
}

/* Most severe first, then by consequence; otherwise the order the checks
 * found them (stable). */
static void sort_findings(struct dd_chk_findings *f)
{
	for (size_t i = 1; i < f->n; i++) {
		struct dd_chk_finding x = f->v[i];
		size_t j = i;
		while (j > 0 && before(&x, &f->v[j - 1])) {
			f->v[j] = f->v[j - 1];
			j--;
		}
		f->v[j] = x;
	}
}

int dd_chk_run(const struct dd_evidence *ev, const struct dd_chk_opts *o,
	       struct dd_chk_findings *out)
{
	static const struct dd_chk_opts none = { 0 };
	struct chk_facts facts;
	struct chk_ctx c = { ev, o ? o : &none, &facts, out, 0 };
	int rc = chk_facts_init(ev, &facts);

	memset(out, 0, sizeof(*out));
	out->now = c.o->now ? c.o->now : ev->time;
	if (rc)
		return rc;
	chk_chain(&c);
	chk_parent(&c);
	chk_delegation(&c);
	chk_servers(&c);
	chk_host(&c);
	chk_diversity(&c);
	chk_deps(&c);
	chk_dnssec(&c);
	chk_registration(&c);
	chk_facts_free(&facts);
	if (c.failed) {
		dd_chk_findings_free(out);
		return c.failed;
	}
	sort_findings(out);
	return 0;
}

int dd_chk_ns_sets(const struct dd_evidence *ev, struct dd_ev_strlist *parent,
		   struct dd_ev_strlist *child)
{
	struct chk_facts f;
	int rc = chk_facts_init(ev, &f);

	if (rc)
		return rc;
	*parent = f.parent_ns;
	*child = f.child_ns;
	memset(&f.parent_ns, 0, sizeof(f.parent_ns));
	memset(&f.child_ns, 0, sizeof(f.child_ns));
	chk_facts_free(&f);
	return 0;
}
