/* verdict.c: from findings (and the evidence they came from) to one status,
 * the layer to blame and one sentence a night-shift operator can act on.
 *
 * The decisive situations are recognised in order, highest layer first,
 * because a failure higher up explains everything below it: the root, the
 * registry's servers, the registration (the parent no longer delegates the
 * domain), then the domain's own nameservers. Anything else is summarised
 * from the most severe finding. Registration data (RDAP/WHOIS), when the
 * caller has it, only sharpens the registration sentence: see reg_cause(). */
#include <stdlib.h>
#include <string.h>

#include "checks/chk_int.h"
#include "core/env.h"
#include "core/err.h"

struct vctx {
	const struct dd_evidence *ev;
	const struct dd_chk_findings *f;
	const struct dd_chk_opts *o;
	struct chk_facts facts;
	char domain[300]; /* "puri.sm" */
	char zone[300];   /* "sm", "the root" */
	char owner[340];  /* "the sm registry", "the root zone", "the parent zone example.com" */
};

static int has(const struct vctx *v, enum chk_code code)
{
	return chk_find(v->f, code) != NULL;
}

static const char *msg(const struct vctx *v, enum chk_code code)
{
	const struct dd_chk_finding *x = chk_find(v->f, code);

	return x ? x->message : "";
}

static size_t count_at_least(const struct dd_chk_findings *f, enum dd_chk_severity s)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].def->severity >= s;
	return n;
}

/* What the findings list holds besides the one the sentence names, counted
 * as it is: "(1 more problem and 5 notices)". Facts (info) are not
 * counted: they need nothing. The sentence says nothing of where they are
 * shown: that is the renderer's. */
static void more_below(const struct vctx *v, struct dd_buf *b, size_t serious)
{
	size_t notes = count_at_least(v->f, DD_SEV_NOTICE) - serious;

	if (serious <= 1 && notes == 0)
		return;
	dd_buf_puts(b, " (");
	if (serious > 1)
		dd_buf_printf(b, "%zu more problem%s", serious - 1, serious > 2 ? "s" : "");
	if (serious > 1 && notes)
		dd_buf_puts(b, " and ");
	if (notes)
		dd_buf_printf(b, "%zu notice%s", notes, notes > 1 ? "s" : "");
	dd_buf_puts(b, ")");
}

/* Advice as the tail of a sentence: first letter lower-cased. */
static void add_advice(struct dd_buf *b, const char *advice)
{
	if (advice[0] >= 'A' && advice[0] <= 'Z' && !(advice[1] >= 'A' && advice[1] <= 'Z')) {
		char first = (char)(advice[0] - 'A' + 'a');
		dd_buf_add(b, &first, 1);
		advice++;
	}
	dd_buf_puts(b, advice);
}

/* The reason and the action of a "no longer delegated" sentence, sharpened
 * by registration facts when there are any. This is the hook through which
 * the registration layer (RDAP/WHOIS) speaks. */
static void reg_cause(const struct vctx *v, const char **why, const char **action,
		      char *datebuf, size_t datelen)
{
	const struct dd_chk_reg_facts *r = v->o->reg;
	int64_t now = v->o->now ? v->o->now : v->ev->time;

	*why = "the problem is the registration, not your DNS";
	*action = "Ask your registrar; if they see nothing wrong, ask the registry.";
	datebuf[0] = '\0';
	if (!r || !r->known)
		return;
	if (r->status & DD_REG_NO_RECORD) {
		*why = "the registry has no record of the domain: it was deleted or never registered";
		*action = "Register it again at a registrar, quickly, before someone else does.";
	} else if ((r->status & DD_REG_EXPIRED) || (r->expires > 0 && r->expires <= now)) {
		char day[32];
		dd_clock_format(r->expires, day, sizeof(day));
		day[10] = '\0';
		if (r->expires > 0)
			snprintf(datebuf, datelen, "the registration expired on %s", day);
		else
			snprintf(datebuf, datelen, "the registration has expired");
		*why = datebuf;
		*action = "Renew it at your registrar; the delegation returns once the registry "
			  "publishes it again.";
	} else if (r->status & (DD_REG_REDEMPTION | DD_REG_PENDING_DELETE)) {
		*why = "the registry is deleting the domain (redemption period or pending delete)";
		*action = "Restore it at your registrar now; after deletion anyone can register it.";
	} else if (r->status & DD_REG_SERVER_HOLD) {
		*why = "the registry has put the domain on hold (serverHold)";
		*action = "Ask the registry why, through your registrar (often a dispute, an abuse "
			  "report or missing documents).";
	} else if (r->status & DD_REG_CLIENT_HOLD) {
		*why = "your registrar has put the domain on hold (clientHold)";
		*action = "Ask your registrar why (often an unpaid invoice or an unverified contact "
			  "address).";
	} else if (r->status & DD_REG_SUSPENDED) {
		*why = "the registry has suspended the domain, often because the registrar has not "
		       "paid the registry (Purism's outage in 2018)";
		*action = "Ask your registrar to settle it with the registry now; if the registrar "
			  "does not act, ask the registry.";
	}
}

static enum dd_chk_status registration(struct vctx *v, struct dd_buf *b, enum dd_chk_layer *layer)
{
	const struct chk_facts *f = &v->facts;
	const char *why, *action;
	char date[80], count[120];

	*layer = DD_LAYER_REGISTRATION;
	if (has(v, C_PARENT_NXDOMAIN_ALL))
		snprintf(count, sizeof(count), "NXDOMAIN from %zu of %zu servers", f->p_nxdomain,
			 f->p_asked);
	else
		snprintf(count, sizeof(count), "no delegation from %zu of %zu servers",
			 f->p_nxdomain + f->p_nodata, f->p_asked);
	reg_cause(v, &why, &action, date, sizeof(date));
	dd_buf_printf(b, "%s %s %s (%s)", v->owner, f->c_good > 0 ? "no longer delegates" :
			 "does not delegate", v->domain, count);
	/* Say of the domain's own servers only what was observed. */
	if (f->c_good > 0)
		dd_buf_puts(b, " while your nameservers still answer");
	else if (f->c_asked > 0)
		dd_buf_printf(b, " and none of the %zu nameserver address%s asked answers for it",
			      f->c_asked, f->c_asked == 1 ? "" : "es");
	if (f->c_good > 0 || (v->o->reg && v->o->reg->known && v->o->reg->status))
		dd_buf_printf(b, ": %s. %s", why, action);
	else
		dd_buf_puts(b, ": the domain is not registered, has expired or was deleted. Ask "
			       "your registrar.");
	if (f->c_asked == 0)
		dd_buf_puts(b, " No nameserver of it is published, so none was asked: pass "
			       "--ns NAME to examine yours.");
	return DD_STATUS_CRITICAL;
}

/* Who is at fault for a layer, as the subject of a sentence (plural). */
static const char *place(const struct vctx *v, enum dd_chk_layer l)
{
	switch (l) {
	case DD_LAYER_ROOT: return "the root servers";
	case DD_LAYER_REGISTRY: return "the registry's servers";
	case DD_LAYER_REGISTRATION: return v->owner;
	case DD_LAYER_DNSSEC: return "its DNSSEC records";
	default: return "its nameservers";
	}
}

/* "the only", "both", "all 4" */
static const char *all_of(size_t n, char *buf, size_t len)
{
	if (n == 1)
		return "the only";
	if (n == 2)
		return "both";
	snprintf(buf, len, "all %zu", n);
	return buf;
}

/* A bogus domain: every validating resolver answers SERVFAIL. The sentence
 * says what is wrong (the finding's message) and what to do. */
static int dnssec_bogus(struct vctx *v, struct dd_buf *b, enum dd_chk_layer *layer)
{
	static const struct {
		enum chk_code code;
		const char *action;
	} rows[] = {
		{ C_DNSSEC_DS_NO_MATCH, "publish the key again or remove the DS through your "
					"registrar" },
		{ C_DNSSEC_DS_UNSIGNED, "sign the zone again or remove the DS through your registrar" },
		{ C_DNSSEC_BOGUS, "re-sign the zone (and make sure signing runs automatically), or "
				  "remove the DS through your registrar" },
		{ C_DNSSEC_CHAIN_BROKEN, "nothing in your zone can fix it: tell the operator of "
					 "the zone named (if it is the root, check the trust "
					 "anchor)" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!has(v, rows[i].code))
			continue;
		*layer = DD_LAYER_DNSSEC;
		dd_buf_printf(b, "Validating resolvers cannot resolve %s: %s \u2014 %s.", v->domain,
			      msg(v, rows[i].code), rows[i].action);
		return 1;
	}
	return 0;
}

static enum dd_chk_status decide(struct vctx *v, struct dd_buf *b, enum dd_chk_layer *layer)
{
	const struct chk_facts *f = &v->facts;
	const struct dd_chk_finding *top = v->f->n ? &v->f->v[0] : NULL;
	size_t serious = count_at_least(v->f, DD_SEV_WARNING);

	if (has(v, C_SERVERS_NOT_ASKED)) {
		/* What dnsdeps did not observe is nobody's fault. */
		*layer = DD_LAYER_NONE;
		dd_buf_printf(b, "dnsdeps could not look: %s. Nothing is known about %s from this "
				 "run; run it again with both IPv4 and IPv6 allowed.",
			      msg(v, C_SERVERS_NOT_ASKED), v->domain);
		return DD_STATUS_UNKNOWN;
	}
	if (has(v, C_ROOT_ALL_FAILED)) {
		*layer = DD_LAYER_ROOT;
		if (f->root_asked > 0 && f->root_silent == f->root_asked) {
			dd_buf_printf(b, "No root server answered (%zu of %zu timed out or were "
					 "unreachable): this machine probably cannot reach the DNS at "
					 "all; check its network, firewall and --root-hints before "
					 "suspecting %s.",
				      f->root_silent, f->root_asked, v->domain);
			return DD_STATUS_UNKNOWN;
		}
		dd_buf_printf(b, "The root servers give no usable answer (%s): the problem is at "
				 "the root, not in %s; nothing to fix on your side.",
			      msg(v, C_ROOT_ALL_FAILED), v->domain);
		return DD_STATUS_CRITICAL;
	}
	if (has(v, C_REGISTRY_ALL_FAILED) || has(v, C_PARENT_ALL_FAILED)) {
		*layer = DD_LAYER_REGISTRY;
		dd_buf_printf(b, "The registry's DNS is down (%s): every domain under it is "
				 "unreachable, not just %s; nothing to fix on your side, tell the "
				 "registry and wait.",
			      has(v, C_REGISTRY_ALL_FAILED) ? msg(v, C_REGISTRY_ALL_FAILED) :
							      msg(v, C_PARENT_ALL_FAILED),
			      v->domain);
		return DD_STATUS_CRITICAL;
	}
	if (has(v, C_PARENT_UNKNOWN)) {
		*layer = DD_LAYER_REGISTRY;
		dd_buf_printf(b, "dnsdeps could not find the zone above %s, %s: check the name; "
				 "if it is right, the servers above it are failing.",
			      v->domain, msg(v, C_PARENT_UNKNOWN));
		return DD_STATUS_CRITICAL;
	}
	if (has(v, C_PARENT_NXDOMAIN_ALL) || has(v, C_PARENT_NOT_DELEGATED))
		return registration(v, b, layer);
	if (has(v, C_SERVERS_ALL_LAME)) {
		*layer = DD_LAYER_NAMESERVERS;
		dd_buf_printf(b, "%s delegates %s, but %s: the problem is your nameservers (or "
				 "their hosting), not the registry. Restore them; if you moved DNS "
				 "provider, update the NS records at your registrar.",
			      v->owner, v->domain, msg(v, C_SERVERS_ALL_LAME));
		return DD_STATUS_CRITICAL;
	}
	if (f->c_asked == 0 && f->p_delegating > 0) {
		*layer = DD_LAYER_NONE;
		dd_buf_printf(b, "No address of %s's nameservers could be asked (address family "
				 "disabled?): run again with both -4 and -6 allowed.",
			      v->domain);
		return DD_STATUS_UNKNOWN;
	}
	if (dnssec_bogus(v, b, layer))
		return DD_STATUS_CRITICAL;
	if (!top || top->def->severity < DD_SEV_WARNING) {
		/* notices only: facts (severity info) are not worth a mention here */
		size_t notes = count_at_least(v->f, DD_SEV_NOTICE) -
			       count_at_least(v->f, DD_SEV_WARNING);
		*layer = DD_LAYER_NONE;
		if (f->p_asked == 0 && f->c_asked == 0) {
			dd_buf_printf(b, "The evidence for %s holds no answer from any server: "
					 "nothing can be judged.",
				      v->domain);
			return DD_STATUS_UNKNOWN;
		}
		char n1[32], n2[32];
		dd_buf_printf(b, "%s is delegated by %s %s server%s and %s of its nameserver "
				 "address%s answer%s authoritatively: nothing to do",
			      v->domain, all_of(f->p_delegating, n1, sizeof(n1)), v->zone,
			      f->p_delegating == 1 ? "" : "s", all_of(f->c_good, n2, sizeof(n2)),
			      f->c_good == 1 ? "" : "es", f->c_good == 1 ? "s" : "");
		if (notes)
			dd_buf_printf(b, " (%zu notice%s)", notes, notes > 1 ? "s" : "");
		dd_buf_puts(b, ".");
		return DD_STATUS_OK;
	}
	if (top->def->layer == DD_LAYER_REGISTRATION) {
		/* Delegated and answering, but the registry's record says trouble. */
		*layer = DD_LAYER_REGISTRATION;
		dd_buf_printf(b, "%s %s, but its registration %s: %s; ", v->domain,
			      top->def->severity >= DD_SEV_ERROR ? "still resolves" : "resolves",
			      top->def->severity >= DD_SEV_ERROR ? "is in danger" : "needs attention",
			      top->message);
		add_advice(b, top->def->advice);
		more_below(v, b, serious);
		return top->def->severity >= DD_SEV_ERROR ? DD_STATUS_CRITICAL : DD_STATUS_WARNING;
	}
	*layer = top->def->layer;
	if (top->def->severity >= DD_SEV_ERROR)
		dd_buf_printf(b, "%s is broken for some resolvers, at %s: ", v->domain,
			      place(v, top->def->layer));
	else
		dd_buf_printf(b, "%s resolves, but %s need attention: ", v->domain,
			      place(v, top->def->layer));
	dd_buf_puts(b, top->message);
	dd_buf_puts(b, "; ");
	add_advice(b, top->def->advice);
	more_below(v, b, serious);
	return top->def->severity >= DD_SEV_ERROR ? DD_STATUS_CRITICAL : DD_STATUS_WARNING;
}

/* The host family's finding (host.c), or NULL. */
static const struct dd_chk_finding *host_finding(const struct dd_chk_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		enum chk_code k = (enum chk_code)(f->v[i].def - dd_chk_table);
		if (k == C_HOST_NXDOMAIN || k == C_HOST_LOOKUP_FAILED || k == C_HOST_NO_ADDRESS)
			return &f->v[i];
	}
	return NULL;
}

static enum dd_chk_status status_of(enum dd_chk_severity s)
{
	return s >= DD_SEV_ERROR ? DD_STATUS_CRITICAL :
	       s == DD_SEV_WARNING ? DD_STATUS_WARNING : DD_STATUS_OK;
}

/* What the host name itself is: "www.x is a name in the zone x and resolves
 * (192.0.2.1)", "www.x does not exist in the zone x (NXDOMAIN)". */
static void host_phrase(const struct vctx *v, struct dd_buf *b)
{
	const struct dd_ev_host *h = &v->ev->host;
	const struct dd_ev_resolution *r = &h->resolution;
	struct dd_ev_strlist addrs = { 0 };
	char name[300];

	chk_zone_label(h->name, name, sizeof(name));
	switch (r->state) {
	case DD_EV_R_NXDOMAIN:
		dd_buf_printf(b, "%s does not exist in the zone %s (NXDOMAIN)", name, v->domain);
		return;
	case DD_EV_R_OK:
		for (size_t i = 0; i < r->a.n && addrs.n < 4; i++)
			dd_ev_strlist_add(&addrs, r->a.v[i]);
		for (size_t i = 0; i < r->aaaa.n && addrs.n < 4; i++)
			dd_ev_strlist_add(&addrs, r->aaaa.v[i]);
		dd_buf_printf(b, "%s is a name in the zone %s and resolves", name, v->domain);
		if (r->cname)
			dd_buf_printf(b, " through the alias %s", r->cname);
		dd_buf_puts(b, " (");
		chk_join(b, &addrs, 4);
		dd_buf_puts(b, ")");
		dd_ev_strlist_free(&addrs);
		return;
	case DD_EV_R_NODATA:
		dd_buf_printf(b, "%s is a name in the zone %s but has no %saddress", name, v->domain,
			      v->facts.one_family ? (v->ev->options.ipv6 ? "IPv6 " : "IPv4 ") : "");
		return;
	default:
		dd_buf_printf(b, "%s is a name under the zone %s; its own look-up failed", name,
			      v->domain);
	}
}

static enum dd_chk_status decide(struct vctx *v, struct dd_buf *b, enum dd_chk_layer *layer);

/* A host name: what the name itself is, then the verdict on the zone that
 * holds it ("x is healthy: ..."), the worse of the two deciding the status. */
static enum dd_chk_status host_decide(struct vctx *v, struct dd_buf *b, enum dd_chk_layer *layer)
{
	const struct dd_chk_findings *all = v->f;
	const struct dd_chk_finding *hf = host_finding(all);
	struct dd_chk_findings zf = *all;
	struct dd_buf zb;
	enum dd_chk_layer zl;
	enum dd_chk_status zs, hs = hf ? status_of(hf->def->severity) : DD_STATUS_OK;
	size_t n = strlen(v->domain);

	/* The zone's verdict without the host finding (it is the last of its severity). */
	zf.v = calloc(all->n ? all->n : 1, sizeof(*zf.v));
	if (!zf.v)
		return DD_STATUS_UNKNOWN;
	zf.n = 0;
	for (size_t i = 0; i < all->n; i++)
		if (&all->v[i] != hf)
			zf.v[zf.n++] = all->v[i];
	dd_buf_init(&zb);
	v->f = &zf;
	zs = decide(v, &zb, &zl);
	v->f = all;
	free(zf.v);
	host_phrase(v, b);
	if (hf && hs != DD_STATUS_OK && (zs == DD_STATUS_OK || zs == DD_STATUS_WARNING)) {
		dd_buf_puts(b, ": ");
		add_advice(b, hf->def->advice);
		dd_buf_puts(b, " As for the zone,");
	} else {
		dd_buf_puts(b, ";");
	}
	if (zs == DD_STATUS_OK && strncmp(dd_buf_str(&zb), v->domain, n) == 0 &&
	    strncmp(dd_buf_str(&zb) + n, " is ", 4) == 0)
		dd_buf_printf(b, " %s is healthy: %s", v->domain, dd_buf_str(&zb) + n + 4);
	else if (strncmp(dd_buf_str(&zb), "The ", 4) == 0)
		dd_buf_printf(b, " t%s", dd_buf_str(&zb) + 1);
	else
		dd_buf_printf(b, " %s", dd_buf_str(&zb));
	dd_buf_free(&zb);
	if (zs == DD_STATUS_UNKNOWN || zs == DD_STATUS_CRITICAL || zs >= hs) {
		*layer = zl;
		return zs;
	}
	*layer = DD_LAYER_NAMESERVERS;
	return hs;
}

/* "the sm registry", "the root zone", "the parent zone example.com". */
static void owner_phrase(struct vctx *v)
{
	const char *z = v->ev->parent.zone;

	chk_zone_label(z, v->zone, sizeof(v->zone));
	if (!z || strcmp(z, ".") == 0)
		snprintf(v->owner, sizeof(v->owner), "the root zone");
	else if (strchr(v->zone, '.') == NULL)
		snprintf(v->owner, sizeof(v->owner), "the %s registry", v->zone);
	else
		snprintf(v->owner, sizeof(v->owner), "the parent zone %s", v->zone);
}

int dd_chk_verdict(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		   const struct dd_chk_opts *o, struct dd_chk_verdict *out)
{
	static const struct dd_chk_opts none = { 0 };
	struct vctx v = { .ev = ev, .f = f, .o = o ? o : &none };
	struct dd_chk_opts with_reg;
	struct dd_chk_reg_facts rf;
	struct dd_buf b;
	int rc;

	memset(out, 0, sizeof(*out));
	/* Registration facts from the evidence, unless the caller gave some. */
	if (!v.o->reg && chk_reg_facts(ev, v.o->now ? v.o->now : ev->time, &rf)) {
		with_reg = *v.o;
		with_reg.reg = &rf;
		v.o = &with_reg;
	}
	rc = chk_facts_init(ev, &v.facts);
	if (rc)
		return rc;
	chk_zone_label(ev->domain, v.domain, sizeof(v.domain));
	owner_phrase(&v);
	dd_buf_init(&b);
	out->status = ev->host.present && ev->host.name ? host_decide(&v, &b, &out->layer) :
							  decide(&v, &b, &out->layer);
	/* "the sm registry ..." opens a sentence; a domain name stays as it is. */
	if (b.data && strncmp(b.data, "the ", 4) == 0)
		b.data[0] = 'T';
	chk_facts_free(&v.facts);
	if (dd_buf_failed(&b)) {
		dd_buf_free(&b);
		return DD_ENOMEM;
	}
	out->summary = b.data ? b.data : strdup("");
	return out->summary ? 0 : DD_ENOMEM;
}

void dd_chk_verdict_free(struct dd_chk_verdict *v)
{
	free(v->summary);
	memset(v, 0, sizeof(*v));
}
