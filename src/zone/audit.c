/* audit.c: the zone audit's tables and analysis. Every name is interned once
 * (wire form in one arena, an open-addressing hash table of indices); a
 * name can play two roles: an owner of NS/DS records (a "cut") and a host
 * (an NS target or an owner of A/AAAA). The NS set of each cut is a run of
 * host indices in one array. Everything else is computed in finish(). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/name.h"
#include "zone/zone.h"

#define NONE UINT32_MAX

enum {
	C_DS = 1,        /* DS records at this cut */
	C_DELEG = 2,     /* a delegation of this zone (set by finish) */
	C_APEX = 4,
	C_OCCLUDED = 8,  /* NS below another delegation */
	C_OUT = 16,      /* outside the zone */
};

enum {
	H_INBAIL = 1,    /* below (or at) the apex */
	H_GLUE = 2,      /* at or below a delegation: its addresses are glue */
	H_HIJACK = 4,    /* its registrable domain can be registered by anyone */
	H_REQUIRED = 8,  /* some delegation needs its glue (NS below the delegation) */
};

struct zname {
	uint32_t off;   /* arena offset: [length][wire] */
	uint32_t cut;   /* index in cuts, or NONE */
	uint32_t host;  /* index in hosts, or NONE */
};

/* A hash slot carries the hash so that probing and growing never touch
 * the names themselves (each would be a cache miss). */
struct zslot {
	uint32_t idx; /* name index + 1; 0 is empty */
	uint32_t hash;
};

#define HCACHE_SIZE 8192

struct hcache {
	uint32_t hash;
	uint32_t host; /* host index + 1; 0 is empty */
};

struct zcut {
	uint32_t name;
	uint32_t ns_first; /* run in ns[] */
	uint16_t ns_count;
	uint8_t flags;
};

struct zhost {
	uint32_t name;
	uint32_t op;    /* index in groups[GROUP_OP] (finish) */
	uint32_t tld;   /* index in groups[GROUP_TLD] (finish) */
	uint32_t addrs; /* A/AAAA records */
	uint32_t uses;  /* delegations (and the apex) naming it */
	uint32_t flags;
};

/* An operator (registrable domain) or a TLD. */
struct zgroup {
	uint32_t name;
	uint32_t hosts;
	uint64_t delegs;
	int hijack;
};

enum { GROUP_OP, GROUP_TLD, GROUP_COUNT };

/* A map from name index to group index. */
struct u32map {
	uint32_t *keys; /* name index + 1; 0 is empty */
	uint32_t *vals;
	uint32_t mask;
	uint32_t n;
};

struct dd_zone_audit {

	uint8_t *arena;
	size_t alen, acap;
	struct zname *names;
	uint32_t nnames, names_cap;
	struct zslot *slots;
	uint32_t mask;

	struct zcut *cuts;
	uint32_t ncuts, cuts_cap;
	uint32_t *ns;
	size_t nns, ns_cap, ns_waste;
	struct zhost *hosts;
	uint32_t nhosts, hosts_cap;

	/* Hosts recently named: the few thousand popular NS names hit here,
	 * in the cache, instead of in the big table. */
	struct hcache hcache[HCACHE_SIZE];
	/* Last owner seen, to skip the hash lookup for runs of one owner. */
	uint8_t last_owner[DD_ZONE_WIRE_MAX];
	size_t last_owner_len;
	uint32_t last_cut;

	uint32_t soa_name;
	uint32_t apex_name;
	char apex_text[DD_ZONE_TEXT_MAX];

	struct zgroup *groups[GROUP_COUNT];
	uint32_t ngroups[GROUP_COUNT], groups_cap[GROUP_COUNT];
	struct u32map maps[GROUP_COUNT];
	uint32_t *rank; /* per operator: rank by delegations, for takedown */

	struct dd_zone_item *lists[DD_ZONE_LIST_COUNT];
	size_t nlist[DD_ZONE_LIST_COUNT];

	struct dd_zone_summary sum;
	int finished;
};

static size_t wire_len(const uint8_t *w)
{
	size_t i = 0;

	while (w[i])
		i += (size_t)w[i] + 1;
	return i + 1;
}

/* Eight bytes at a time, then a final mix (MurmurHash3's fmix64). */
static uint32_t hash_wire(const uint8_t *w, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, w + i, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (i < len) {
		uint64_t v = 0;
		memcpy(&v, w + i, len - i);
		h = (h ^ v) * 0xff51afd7ed558ccdULL;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* Grow an array to hold at least need elements; 0 or DD_ENOMEM/DD_ELIMIT. */
static int grow(void **arr, size_t *cap, size_t need, size_t elem, size_t max)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	if (need > max)
		return DD_ELIMIT;
	ncap = *cap ? *cap : 1024;
	while (ncap < need)
		ncap *= 2;
	if (ncap > max)
		ncap = max;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return DD_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int grow32(void **arr, uint32_t *cap, size_t need, size_t elem)
{
	size_t c = *cap;
	int r = grow(arr, &c, need, elem, NONE - 1);

	*cap = (uint32_t)c;
	return r;
}

static const uint8_t *name_wire(const struct dd_zone_audit *a, uint32_t idx)
{
	return a->arena + a->names[idx].off + 1;
}

static int rehash(struct dd_zone_audit *a)
{
	uint32_t nslots = a->slots ? (a->mask + 1) * 2 : 1u << 16;
	struct zslot *slots;

	if (nslots == 0)
		return DD_ELIMIT;
	slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return DD_ENOMEM;
	for (uint32_t i = 0; a->slots && i <= a->mask; i++) {
		uint32_t s;
		if (!a->slots[i].idx)
			continue;
		s = a->slots[i].hash & (nslots - 1);
		while (slots[s].idx)
			s = (s + 1) & (nslots - 1);
		slots[s] = a->slots[i];
	}
	free(a->slots);
	a->slots = slots;
	a->mask = nslots - 1;
	return 0;
}

/* Index of name w (len bytes), or NONE. */
static uint32_t name_find(const struct dd_zone_audit *a, const uint8_t *w, size_t len)
{
	uint32_t h = hash_wire(w, len);

	if (!a->slots)
		return NONE;
	for (uint32_t s = h & a->mask;; s = (s + 1) & a->mask) {
		const struct zslot *z = &a->slots[s];
		if (!z->idx)
			return NONE;
		if (z->hash != h)
			continue;
		const struct zname *n = &a->names[z->idx - 1];
		if (a->arena[n->off] == len && memcmp(a->arena + n->off + 1, w, len) == 0)
			return z->idx - 1;
	}
}

/* Index of name w (hash h), added when new. Returns 0 or a negative dd_err. */
static int name_intern_h(struct dd_zone_audit *a, const uint8_t *w, size_t len, uint32_t h,
			 uint32_t *out)
{
	uint32_t s;
	int r;

	if (!a->slots || (uint64_t)(a->nnames + 1) * 10 > (uint64_t)(a->mask + 1) * 7) {
		r = rehash(a);
		if (r)
			return r;
	}
	for (s = h & a->mask; a->slots[s].idx; s = (s + 1) & a->mask) {
		const struct zname *n;
		if (a->slots[s].hash != h)
			continue;
		n = &a->names[a->slots[s].idx - 1];
		if (a->arena[n->off] == len && memcmp(a->arena + n->off + 1, w, len) == 0) {
			*out = a->slots[s].idx - 1;
			return 0;
		}
	}
	if (a->alen + len + 1 > UINT32_MAX)
		return DD_ELIMIT;
	r = grow((void **)&a->arena, &a->acap, a->alen + len + 1, 1, UINT32_MAX);
	if (!r)
		r = grow32((void **)&a->names, &a->names_cap, (size_t)a->nnames + 1, sizeof(*a->names));
	if (r)
		return r;
	a->arena[a->alen] = (uint8_t)len;
	memcpy(a->arena + a->alen + 1, w, len);
	a->names[a->nnames] = (struct zname){ (uint32_t)a->alen, NONE, NONE };
	a->alen += len + 1;
	a->slots[s] = (struct zslot){ a->nnames + 1, h };
	*out = a->nnames++;
	return 0;
}

static int name_intern(struct dd_zone_audit *a, const uint8_t *w, size_t len, uint32_t *out)
{
	return name_intern_h(a, w, len, hash_wire(w, len), out);
}

static int cut_of(struct dd_zone_audit *a, const uint8_t *w, uint32_t *out)
{
	size_t len = wire_len(w);
	uint32_t idx;
	int r;

	if (len == a->last_owner_len && a->last_cut != NONE && memcmp(w, a->last_owner, len) == 0) {
		*out = a->last_cut;
		return 0;
	}
	r = name_intern(a, w, len, &idx);
	if (r)
		return r;
	if (a->names[idx].cut == NONE) {
		r = grow32((void **)&a->cuts, &a->cuts_cap, (size_t)a->ncuts + 1, sizeof(*a->cuts));
		if (r)
			return r;
		a->cuts[a->ncuts] = (struct zcut){ idx, 0, 0, 0 };
		a->names[idx].cut = a->ncuts++;
	}
	memcpy(a->last_owner, w, len);
	a->last_owner_len = len;
	a->last_cut = a->names[idx].cut;
	*out = a->last_cut;
	return 0;
}

static int host_of(struct dd_zone_audit *a, const uint8_t *w, uint32_t *out)
{
	size_t len = wire_len(w);
	uint32_t h = hash_wire(w, len), idx;
	struct hcache *hc = &a->hcache[h & (HCACHE_SIZE - 1)];
	int r;

	if (hc->host && hc->hash == h) {
		const struct zname *n = &a->names[a->hosts[hc->host - 1].name];
		if (a->arena[n->off] == len && memcmp(a->arena + n->off + 1, w, len) == 0) {
			*out = hc->host - 1;
			return 0;
		}
	}
	r = name_intern_h(a, w, len, h, &idx);
	if (r)
		return r;
	if (a->names[idx].host == NONE) {
		r = grow32((void **)&a->hosts, &a->hosts_cap, (size_t)a->nhosts + 1, sizeof(*a->hosts));
		if (r)
			return r;
		a->hosts[a->nhosts] = (struct zhost){ idx, NONE, NONE, 0, 0, 0 };
		a->names[idx].host = a->nhosts++;
	}
	*out = a->names[idx].host;
	*hc = (struct hcache){ h, *out + 1 };
	return 0;
}

/* Rewrite ns[] in cut order, dropping the holes left by moved runs. */
static int compact_ns(struct dd_zone_audit *a)
{
	uint32_t *ns = malloc((a->nns - a->ns_waste + 1) * sizeof(*ns));
	size_t o = 0;

	if (!ns)
		return DD_ENOMEM;
	for (uint32_t i = 0; i < a->ncuts; i++) {
		struct zcut *c = &a->cuts[i];
		memcpy(ns + o, a->ns + c->ns_first, c->ns_count * sizeof(*ns));
		c->ns_first = (uint32_t)o;
		o += c->ns_count;
	}
	free(a->ns);
	a->ns = ns;
	a->nns = o;
	a->ns_cap = a->nns - a->ns_waste + 1;
	a->ns_waste = 0;
	return 0;
}

static int add_ns(struct dd_zone_audit *a, const struct dd_zone_rr *rr)
{
	uint32_t ci, hi;
	struct zcut *c;
	int r = cut_of(a, rr->owner, &ci);

	if (!r)
		r = host_of(a, rr->target, &hi);
	if (r)
		return r;
	c = &a->cuts[ci];
	for (uint32_t i = 0; i < c->ns_count; i++)
		if (a->ns[c->ns_first + i] == hi) {
			a->sum.duplicate_ns++;
			return 0;
		}
	if (c->ns_count >= DD_ZONE_MAX_NS_PER_OWNER)
		return DD_ELIMIT;
	if (c->ns_count > 0 && c->ns_first + c->ns_count != a->nns) {
		/* Not the last run: move it to the end (NS records of one owner
		 * are rarely apart; compact when holes pile up). */
		if (a->ns_waste > a->nns / 2 && a->ns_waste > 65536) {
			r = compact_ns(a);
			if (r)
				return r;
		}
		if (c->ns_first + c->ns_count != a->nns) {
			r = grow((void **)&a->ns, &a->ns_cap, a->nns + c->ns_count + 1,
				 sizeof(*a->ns), UINT32_MAX);
			if (r)
				return r;
			memmove(a->ns + a->nns, a->ns + c->ns_first, c->ns_count * sizeof(*a->ns));
			c->ns_first = (uint32_t)a->nns;
			a->nns += c->ns_count;
			a->ns_waste += c->ns_count;
		}
	}
	r = grow((void **)&a->ns, &a->ns_cap, a->nns + 1, sizeof(*a->ns), UINT32_MAX);
	if (r)
		return r;
	if (c->ns_count == 0)
		c->ns_first = (uint32_t)a->nns;
	a->ns[a->nns++] = hi;
	c->ns_count++;
	return 0;
}

int dd_zone_audit_add(struct dd_zone_audit *a, const struct dd_zone_rr *rr)
{
	uint32_t idx;
	int r;

	a->sum.records++;
	if (rr->rrclass != 1) {
		a->sum.not_in_records++;
		return 0;
	}
	switch (rr->type) {
	case DD_ZONE_T_NS:
		a->sum.ns_records++;
		return add_ns(a, rr);
	case DD_ZONE_T_A:
	case DD_ZONE_T_AAAA:
		if (rr->type == DD_ZONE_T_A)
			a->sum.a_records++;
		else
			a->sum.aaaa_records++;
		r = host_of(a, rr->owner, &idx);
		if (r)
			return r;
		a->hosts[idx].addrs++;
		return 0;
	case DD_ZONE_T_DS:
		a->sum.ds_records++;
		r = cut_of(a, rr->owner, &idx);
		if (r)
			return r;
		a->cuts[idx].flags |= C_DS;
		return 0;
	case DD_ZONE_T_SOA:
		a->sum.other_records++;
		if (a->soa_name != NONE)
			return 0;
		return name_intern(a, rr->owner, wire_len(rr->owner), &a->soa_name);
	default:
		a->sum.other_records++;
		return 0;
	}
}

int dd_zone_audit_scan(struct dd_zone_audit *a, struct dd_zone_scanner *s, unsigned long *line)
{
	struct dd_zone_rr rr;
	int r;

	while ((r = dd_zone_scanner_next(s, &rr)) == 1) {
		r = dd_zone_audit_add(a, &rr);
		if (r) {
			*line = rr.line;
			return r;
		}
	}
	return r;
}

int dd_zone_audit_new(struct dd_zone_audit **out)
{
	struct dd_zone_audit *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a)
		return DD_ENOMEM;
	a->last_cut = NONE;
	a->soa_name = NONE;
	a->apex_name = NONE;
	*out = a;
	return 0;
}

/* ---- finish ---- */

/* True when w is at or below apex (both wire). */
static int under(const uint8_t *w, size_t wlen, const uint8_t *apex, size_t alen)
{
	if (wlen < alen || memcmp(w + wlen - alen, apex, alen) != 0)
		return 0;
	/* The suffix must start on a label boundary. */
	for (size_t i = 0; i < wlen; i += (size_t)w[i] + 1)
		if (i == wlen - alen)
			return 1;
	return 0;
}

/* The nearest cut strictly above w and strictly below the apex with the
 * given flags (also w itself when self), or NONE. w must be below apex. */
static uint32_t cut_above(const struct dd_zone_audit *a, const uint8_t *w, size_t alen, int self,
			  uint8_t flags)
{
	size_t len = wire_len(w);

	for (const uint8_t *p = self ? w : w + w[0] + 1; len - (size_t)(p - w) > alen;
	     p += p[0] + 1) {
		uint32_t idx = name_find(a, p, len - (size_t)(p - w));
		if (idx != NONE && a->names[idx].cut != NONE &&
		    (a->cuts[a->names[idx].cut].flags & flags))
			return a->names[idx].cut;
	}
	return NONE;
}

static int map_get(struct u32map *m, uint32_t key, uint32_t *val)
{
	if (!m->keys)
		return 0;
	for (uint32_t s = (key * 2654435761u) & m->mask; m->keys[s]; s = (s + 1) & m->mask)
		if (m->keys[s] == key + 1) {
			*val = m->vals[s];
			return 1;
		}
	return 0;
}

static int map_put(struct u32map *m, uint32_t key, uint32_t val)
{
	if (!m->keys || (m->n + 1) * 2 > m->mask + 1) {
		uint32_t nsize = m->keys ? (m->mask + 1) * 2 : 1024;
		struct u32map n = { calloc(nsize, 4), calloc(nsize, 4), nsize - 1, 0 };
		if (!n.keys || !n.vals || nsize == 0) {
			free(n.keys);
			free(n.vals);
			return DD_ENOMEM;
		}
		for (uint32_t i = 0; m->keys && i <= m->mask; i++)
			if (m->keys[i]) {
				uint32_t s = ((m->keys[i] - 1) * 2654435761u) & n.mask;
				while (n.keys[s])
					s = (s + 1) & n.mask;
				n.keys[s] = m->keys[i];
				n.vals[s] = m->vals[i];
			}
		n.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = n;
	}
	uint32_t s = (key * 2654435761u) & m->mask;
	while (m->keys[s])
		s = (s + 1) & m->mask;
	m->keys[s] = key + 1;
	m->vals[s] = val;
	m->n++;
	return 0;
}

/* Group (operator or TLD) of name w, added when new. */
static int group_of(struct dd_zone_audit *a, int g, const uint8_t *w, uint32_t *out)
{
	uint32_t idx;
	int r = name_intern(a, w, wire_len(w), &idx);

	if (r)
		return r;
	if (map_get(&a->maps[g], idx, out))
		return 0;
	r = grow32((void **)&a->groups[g], &a->groups_cap[g], (size_t)a->ngroups[g] + 1,
		   sizeof(*a->groups[g]));
	if (!r)
		r = map_put(&a->maps[g], idx, a->ngroups[g]);
	if (r)
		return r;
	a->groups[g][a->ngroups[g]] = (struct zgroup){ idx, 0, 0, 0 };
	*out = a->ngroups[g]++;
	return 0;
}

/* The last label of w. */
static const uint8_t *tld_of(const uint8_t *w)
{
	const uint8_t *last = w;

	for (const uint8_t *p = w; *p; p += *p + 1)
		last = p;
	return last;
}

static int cmp_group_desc(const void *x, const void *y, void *ctx)
{
	const struct zgroup *g = ctx;
	const uint32_t *i = x, *j = y;

	if (g[*i].delegs != g[*j].delegs)
		return g[*i].delegs > g[*j].delegs ? -1 : 1;
	return *i < *j ? -1 : *i > *j;
}

static int classify_cuts(struct dd_zone_audit *a, const uint8_t *apex, size_t alen)
{
	for (uint32_t i = 0; i < a->ncuts; i++) {
		struct zcut *c = &a->cuts[i];
		const uint8_t *w = name_wire(a, c->name);
		size_t len = wire_len(w);

		if (c->name == a->apex_name) {
			if (c->ns_count)
				c->flags |= C_APEX;
			continue;
		}
		if (!under(w, len, apex, alen)) {
			c->flags |= C_OUT;
			a->sum.out_of_zone_records += c->ns_count;
			continue;
		}
		if (c->ns_count == 0) {
			a->sum.ds_without_ns++;
			continue;
		}
		/* Parents first is not guaranteed; look for any NS owner above. */
		int occluded = 0;
		for (const uint8_t *p = w + w[0] + 1; len - (size_t)(p - w) > alen; p += p[0] + 1) {
			uint32_t idx = name_find(a, p, len - (size_t)(p - w));
			if (idx != NONE && a->names[idx].cut != NONE &&
			    a->cuts[a->names[idx].cut].ns_count > 0) {
				occluded = 1;
				break;
			}
		}
		if (occluded) {
			c->flags |= C_OCCLUDED;
			a->sum.occluded_ns_owners++;
			continue;
		}
		c->flags |= C_DELEG;
		a->sum.delegations++;
		if (c->flags & C_DS)
			a->sum.signed_delegations++;
	}
	return 0;
}

static int classify_hosts(struct dd_zone_audit *a, const uint8_t *apex, size_t alen)
{
	int r;

	/* Uses: by delegations and the apex. */
	for (uint32_t i = 0; i < a->ncuts; i++) {
		const struct zcut *c = &a->cuts[i];
		if (!(c->flags & (C_DELEG | C_APEX)))
			continue;
		for (uint32_t k = 0; k < c->ns_count; k++)
			a->hosts[a->ns[c->ns_first + k]].uses++;
		if (c->flags & C_APEX)
			a->sum.apex_ns = c->ns_count;
	}
	for (uint32_t i = 0; i < a->nhosts; i++) {
		struct zhost *h = &a->hosts[i];
		const uint8_t *w = name_wire(a, h->name);
		size_t len = wire_len(w);
		int in = under(w, len, apex, alen);

		if (in)
			h->flags |= H_INBAIL;
		if (h->addrs && !in)
			a->sum.out_of_zone_records += h->addrs;
		if (in && len > alen && cut_above(a, w, alen, 1, C_DELEG) != NONE)
			h->flags |= H_GLUE;
		if (h->uses == 0) {
			if ((h->flags & H_GLUE) && h->addrs) {
				a->sum.orphan_glue_names++;
				a->sum.orphan_glue_records += h->addrs;
			}
			continue;
		}
		a->sum.ns_names++;
		if (in) {
			a->sum.in_bailiwick_names++;
			if (!h->addrs)
				a->sum.missing_glue_names++;
		}
		r = group_of(a, GROUP_OP, dd_name_operator_wire(w), &h->op);
		if (!r)
			r = group_of(a, GROUP_TLD, tld_of(w), &h->tld);
		if (r)
			return r;
		a->groups[GROUP_OP][h->op].hosts++;
		a->groups[GROUP_TLD][h->tld].hosts++;
	}
	a->sum.operators = a->ngroups[GROUP_OP];
	a->sum.ns_tlds = a->ngroups[GROUP_TLD];
	/* Hijackable: a registrable domain below the apex that is neither
	 * delegated nor below a delegation. */
	for (uint32_t i = 0; i < a->ngroups[GROUP_OP]; i++) {
		struct zgroup *g = &a->groups[GROUP_OP][i];
		const uint8_t *w = name_wire(a, g->name);
		size_t len = wire_len(w);
		if (len > alen && under(w, len, apex, alen) &&
		    cut_above(a, w, alen, 1, C_DELEG) == NONE) {
			g->hijack = 1;
			a->sum.hijack_domains++;
		}
	}
	for (uint32_t i = 0; i < a->nhosts; i++) {
		struct zhost *h = &a->hosts[i];
		if (h->uses && a->groups[GROUP_OP][h->op].hijack) {
			h->flags |= H_HIJACK;
			a->sum.hijack_ns_names++;
		}
	}
	return 0;
}

/* Per-delegation figures; ops is scratch room for DD_ZONE_MAX_NS_PER_OWNER. */
static void count_delegation(struct dd_zone_audit *a, const struct zcut *c, uint32_t *ops,
			     uint32_t *tlds)
{
	const uint8_t *dw = name_wire(a, c->name);
	size_t dlen = wire_len(dw);
	size_t nops = 0, ntlds = 0, inbail = 0, indomain = 0, missing = 0, missing_indomain = 0,
	       hijack = 0;

	for (uint32_t k = 0; k < c->ns_count; k++) {
		struct zhost *h = &a->hosts[a->ns[c->ns_first + k]];
		const uint8_t *hw = name_wire(a, h->name);
		size_t j;
		int in_domain = under(hw, wire_len(hw), dw, dlen);

		for (j = 0; j < nops && ops[j] != h->op; j++)
			;
		if (j == nops)
			ops[nops++] = h->op;
		for (j = 0; j < ntlds && tlds[j] != h->tld; j++)
			;
		if (j == ntlds)
			tlds[ntlds++] = h->tld;
		if (h->flags & H_INBAIL)
			inbail++;
		if (in_domain)
			indomain++;
		if ((h->flags & H_INBAIL) && !h->addrs) {
			missing++;
			if (in_domain) {
				missing_indomain++;
				h->flags |= H_REQUIRED;
			}
		}
		if (h->flags & H_HIJACK)
			hijack++;
	}
	a->sum.ns_hist[c->ns_count >= 6 ? 5 : c->ns_count - 1]++;
	if (c->ns_count == 1)
		a->sum.single_ns++;
	if (nops == 1)
		a->sum.single_operator++;
	if (ntlds == 1)
		a->sum.single_tld++;
	if (inbail)
		a->sum.with_in_bailiwick++;
	if (inbail == c->ns_count)
		a->sum.in_bailiwick_only++;
	if (indomain == c->ns_count)
		a->sum.in_domain_only++;
	if (missing)
		a->sum.missing_glue_delegations++;
	if (missing_indomain == c->ns_count)
		a->sum.unresolvable_delegations++;
	if (hijack)
		a->sum.hijack_delegations++;
	if (hijack == c->ns_count)
		a->sum.hijack_all_ns++;
	for (size_t j = 0; j < nops; j++)
		a->groups[GROUP_OP][ops[j]].delegs++;
	for (size_t j = 0; j < ntlds; j++)
		a->groups[GROUP_TLD][tlds[j]].delegs++;
}

/* A delegation is down when all its operators are: it counts for the top N
 * when the worst-ranked of its operators is among the first N. */
static void count_takedown(struct dd_zone_audit *a, const struct zcut *c)
{
	uint32_t worst = 0;

	for (uint32_t k = 0; k < c->ns_count; k++) {
		uint32_t r = a->rank[a->hosts[a->ns[c->ns_first + k]].op];
		if (r > worst)
			worst = r;
	}
	if (worst < 1)
		a->sum.takedown[0]++;
	if (worst < 3)
		a->sum.takedown[1]++;
	if (worst < 10)
		a->sum.takedown[2]++;
}

static char *text_of(const struct dd_zone_audit *a, uint32_t name)
{
	char text[DD_ZONE_TEXT_MAX];

	dd_zone_name_to_text(name_wire(a, name), text);
	return strdup(text);
}

static int add_item(struct dd_zone_audit *a, enum dd_zone_list l, size_t *cap, uint32_t name,
		    uint64_t delegs, uint64_t count)
{
	struct dd_zone_item *it;
	int r = grow((void **)&a->lists[l], cap, a->nlist[l] + 1, sizeof(*it), SIZE_MAX / 64);

	if (r)
		return r;
	it = &a->lists[l][a->nlist[l]];
	*it = (struct dd_zone_item){ text_of(a, name), delegs, count, NULL };
	if (!it->name)
		return DD_ENOMEM;
	a->nlist[l]++;
	return 0;
}

static int build_group_list(struct dd_zone_audit *a, int g, enum dd_zone_list l)
{
	uint32_t *order = malloc(((size_t)a->ngroups[g] + 1) * sizeof(*order));
	size_t cap = 0;
	int r = 0;

	if (!order)
		return DD_ENOMEM;
	for (uint32_t i = 0; i < a->ngroups[g]; i++)
		order[i] = i;
	qsort_r(order, a->ngroups[g], sizeof(*order), cmp_group_desc, a->groups[g]);
	for (uint32_t i = 0; i < a->ngroups[g] && !r; i++) {
		const struct zgroup *z = &a->groups[g][order[i]];
		r = add_item(a, l, &cap, z->name, z->delegs, z->hosts);
	}
	free(order);
	return r;
}

/* The NS names under each hijackable domain, space-separated, in the
 * detail of its list item (items are in operator order). */
static int hijack_details(struct dd_zone_audit *a)
{
	size_t n = a->nlist[DD_ZONE_LIST_HIJACK];
	uint32_t *item = malloc(((size_t)a->ngroups[GROUP_OP] + 1) * sizeof(*item));
	struct dd_buf *bufs = calloc(n + 1, sizeof(*bufs));
	size_t k = 0;
	int r = 0;

	if (!item || !bufs) {
		free(item);
		free(bufs);
		return DD_ENOMEM;
	}
	for (uint32_t i = 0; i < a->ngroups[GROUP_OP]; i++)
		item[i] = a->groups[GROUP_OP][i].hijack ? (uint32_t)k++ : NONE;
	for (uint32_t i = 0; i < a->nhosts; i++) {
		const struct zhost *h = &a->hosts[i];
		char text[DD_ZONE_TEXT_MAX];
		struct dd_buf *b;
		if (!(h->flags & H_HIJACK))
			continue;
		b = &bufs[item[h->op]];
		dd_zone_name_to_text(name_wire(a, h->name), text);
		if (b->len)
			dd_buf_add(b, " ", 1);
		dd_buf_puts(b, text);
	}
	for (size_t l = 0; l < n; l++) {
		if (!r && !dd_buf_failed(&bufs[l])) {
			a->lists[DD_ZONE_LIST_HIJACK][l].detail = strdup(dd_buf_str(&bufs[l]));
			if (!a->lists[DD_ZONE_LIST_HIJACK][l].detail)
				r = DD_ENOMEM;
		} else {
			r = DD_ENOMEM;
		}
		dd_buf_free(&bufs[l]);
	}
	free(item);
	free(bufs);
	return r;
}

static int build_lists(struct dd_zone_audit *a)
{
	size_t cap[DD_ZONE_LIST_COUNT] = { 0 };
	uint64_t *hijack_delegs = NULL, *glue_delegs = NULL;
	int r;

	r = build_group_list(a, GROUP_OP, DD_ZONE_LIST_OPERATORS);
	if (!r)
		r = build_group_list(a, GROUP_TLD, DD_ZONE_LIST_TLDS);
	if (r)
		return r;
	/* Delegations per hijackable operator and per glue-less host. */
	hijack_delegs = calloc((size_t)a->ngroups[GROUP_OP] + 1, sizeof(*hijack_delegs));
	glue_delegs = calloc((size_t)a->nhosts + 1, sizeof(*glue_delegs));
	if (!hijack_delegs || !glue_delegs) {
		r = DD_ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < a->ncuts; i++) {
		const struct zcut *c = &a->cuts[i];
		if (!(c->flags & C_DELEG))
			continue;
		for (uint32_t k = 0; k < c->ns_count; k++) {
			uint32_t hi = a->ns[c->ns_first + k];
			const struct zhost *h = &a->hosts[hi];
			/* A delegation counts once per hijackable domain (rare:
			 * the inner loop runs for hijackable NS names only). */
			if (h->flags & H_HIJACK) {
				uint32_t j = 0;
				while (j < k && a->hosts[a->ns[c->ns_first + j]].op != h->op)
					j++;
				if (j == k)
					hijack_delegs[h->op]++;
			}
			if ((h->flags & H_INBAIL) && !h->addrs)
				glue_delegs[hi]++;
		}
	}
	for (uint32_t i = 0; i < a->ngroups[GROUP_OP] && !r; i++) {
		const struct zgroup *g = &a->groups[GROUP_OP][i];
		if (!g->hijack)
			continue;
		r = add_item(a, DD_ZONE_LIST_HIJACK, &cap[DD_ZONE_LIST_HIJACK], g->name,
			     hijack_delegs[i], g->hosts);
	}
	if (!r)
		r = hijack_details(a);
	for (uint32_t i = 0; i < a->nhosts && !r; i++) {
		const struct zhost *h = &a->hosts[i];
		if (h->uses && (h->flags & H_INBAIL) && !h->addrs)
			r = add_item(a, DD_ZONE_LIST_MISSING_GLUE, &cap[DD_ZONE_LIST_MISSING_GLUE],
				     h->name, glue_delegs[i], (h->flags & H_REQUIRED) ? 1 : 0);
		else if (!h->uses && (h->flags & H_GLUE) && h->addrs)
			r = add_item(a, DD_ZONE_LIST_ORPHAN_GLUE, &cap[DD_ZONE_LIST_ORPHAN_GLUE],
				     h->name, 0, h->addrs);
	}
out:
	free(hijack_delegs);
	free(glue_delegs);
	return r;
}

/* Operator ranks by delegations (0 = most), ties by first appearance. */
static int rank_operators(struct dd_zone_audit *a)
{
	uint32_t n = a->ngroups[GROUP_OP];
	uint32_t *order = malloc(((size_t)n + 1) * sizeof(*order));

	a->rank = malloc(((size_t)n + 1) * sizeof(*a->rank));
	if (!order || !a->rank) {
		free(order);
		return DD_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_group_desc, a->groups[GROUP_OP]);
	for (uint32_t i = 0; i < n; i++)
		a->rank[order[i]] = i;
	free(order);
	return 0;
}

int dd_zone_audit_finish(struct dd_zone_audit *a, const uint8_t *apex)
{
	uint32_t scratch[2 * DD_ZONE_MAX_NS_PER_OWNER];
	size_t alen;
	int r;

	if (a->finished)
		return DD_EINVAL;
	if (!apex && a->soa_name == NONE)
		return DD_ENOTFOUND;
	if (apex && a->soa_name != NONE) {
		char given[DD_ZONE_TEXT_MAX], soa[DD_ZONE_TEXT_MAX];
		dd_zone_name_to_text(apex, given);
		dd_zone_name_to_text(name_wire(a, a->soa_name), soa);
		if (strcasecmp(given, soa) != 0)
			return DD_EINVAL; /* --origin is not the zone the SOA says */
	}
	if (!apex)
		apex = name_wire(a, a->soa_name);
	alen = wire_len(apex);
	r = name_intern(a, apex, alen, &a->apex_name);
	if (r)
		return r;
	apex = name_wire(a, a->apex_name);
	dd_zone_name_to_text(apex, a->apex_text);

	r = classify_cuts(a, apex, alen);
	if (!r)
		r = classify_hosts(a, apex, alen);
	if (r)
		return r;
	/* Counts per delegation and per operator first; the takedown figures
	 * need the operators' ranks, hence a second pass. */
	for (uint32_t i = 0; i < a->ncuts; i++)
		if (a->cuts[i].flags & C_DELEG)
			count_delegation(a, &a->cuts[i], scratch, scratch + DD_ZONE_MAX_NS_PER_OWNER);
	r = rank_operators(a);
	if (r)
		return r;
	for (uint32_t i = 0; i < a->ncuts; i++)
		if (a->cuts[i].flags & C_DELEG)
			count_takedown(a, &a->cuts[i]);
	r = build_lists(a);
	if (r)
		return r;
	a->sum.memory_bytes = a->acap + (size_t)a->names_cap * sizeof(*a->names) +
			      ((size_t)a->mask + 1) * sizeof(*a->slots) +
			      (size_t)a->cuts_cap * sizeof(*a->cuts) + a->ns_cap * sizeof(*a->ns) +
			      (size_t)a->hosts_cap * sizeof(*a->hosts);
	a->finished = 1;
	return 0;
}

/* Fill d for cut c; text goes to b (reset here). */
static void describe(const struct dd_zone_audit *a, const struct zcut *c, struct dd_buf *b,
		     struct dd_zone_deleg *d)
{
	const uint8_t *dw = name_wire(a, c->name);
	size_t dlen = wire_len(dw);
	char text[DD_ZONE_TEXT_MAX];
	uint32_t ops[DD_ZONE_MAX_NS_PER_OWNER], tlds[DD_ZONE_MAX_NS_PER_OWNER];
	size_t nops = 0, ntlds = 0, name_end, ns_end;

	memset(d, 0, sizeof(*d));
	b->len = 0;
	dd_zone_name_to_text(dw, text);
	dd_buf_add(b, text, strlen(text) + 1);
	name_end = b->len;
	d->ns_count = c->ns_count;
	d->ds = (c->flags & C_DS) != 0;
	for (uint32_t k = 0; k < c->ns_count; k++) {
		const struct zhost *h = &a->hosts[a->ns[c->ns_first + k]];
		const uint8_t *hw = name_wire(a, h->name);
		size_t j;

		dd_zone_name_to_text(hw, text);
		if (k)
			dd_buf_add(b, " ", 1);
		dd_buf_puts(b, text);
		for (j = 0; j < nops && ops[j] != h->op; j++)
			;
		if (j == nops)
			ops[nops++] = h->op;
		for (j = 0; j < ntlds && tlds[j] != h->tld; j++)
			;
		if (j == ntlds)
			tlds[ntlds++] = h->tld;
		if (h->flags & H_INBAIL)
			d->in_bailiwick++;
		if (under(hw, wire_len(hw), dw, dlen))
			d->in_domain++;
		if ((h->flags & H_INBAIL) && !h->addrs)
			d->missing_glue++;
		if (h->flags & H_HIJACK)
			d->hijack++;
	}
	dd_buf_add(b, "", 1);
	ns_end = b->len;
	for (size_t j = 0; j < nops; j++) {
		dd_zone_name_to_text(name_wire(a, a->groups[GROUP_OP][ops[j]].name), text);
		if (j)
			dd_buf_add(b, " ", 1);
		dd_buf_puts(b, text);
	}
	dd_buf_add(b, "", 1);
	d->operators = (unsigned)nops;
	d->tlds = (unsigned)ntlds;
	if (dd_buf_failed(b))
		return;
	d->name = b->data;
	d->ns = b->data + name_end;
	d->ops = b->data + ns_end;
}

int dd_zone_audit_each(const struct dd_zone_audit *a,
		       int (*cb)(void *ctx, const struct dd_zone_deleg *d), void *ctx)
{
	struct dd_buf b;
	struct dd_zone_deleg d;
	int r = 0;

	if (!a->finished)
		return DD_EINVAL;
	dd_buf_init(&b);
	for (uint32_t i = 0; i < a->ncuts && !r; i++) {
		if (!(a->cuts[i].flags & C_DELEG))
			continue;
		describe(a, &a->cuts[i], &b, &d);
		r = d.name ? cb(ctx, &d) : DD_ENOMEM;
	}
	dd_buf_free(&b);
	return r;
}

const struct dd_zone_summary *dd_zone_audit_summary(const struct dd_zone_audit *a)
{
	return &a->sum;
}

const char *dd_zone_audit_apex(const struct dd_zone_audit *a)
{
	return a->apex_text;
}

const struct dd_zone_item *dd_zone_audit_list(const struct dd_zone_audit *a,
					      enum dd_zone_list which, size_t *n)
{
	if (which >= DD_ZONE_LIST_COUNT) {
		*n = 0;
		return NULL;
	}
	*n = a->nlist[which];
	return a->lists[which];
}

void dd_zone_audit_free(struct dd_zone_audit *a)
{
	if (!a)
		return;
	for (int l = 0; l < DD_ZONE_LIST_COUNT; l++) {
		for (size_t i = 0; i < a->nlist[l]; i++) {
			free((char *)a->lists[l][i].name);
			free((char *)a->lists[l][i].detail);
		}
		free(a->lists[l]);
	}
	for (int g = 0; g < GROUP_COUNT; g++) {
		free(a->groups[g]);
		free(a->maps[g].keys);
		free(a->maps[g].vals);
	}
	free(a->rank);
	free(a->arena);
	free(a->names);
	free(a->slots);
	free(a->cuts);
	free(a->ns);
	free(a->hosts);
	free(a);
}
