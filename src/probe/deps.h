/* deps.h: gathering what a name depends on into the evidence's
 * dependencies section (docs/dependencies.md). For the domain and each of
 * its backups: the walk from the root (every zone on the way, with its NS
 * names and glue); for every NS name of every such zone, its addresses and,
 * up to a depth bound, its own walk from the root, recursively and
 * cycle-safe (each zone and name is taken once); the origin AS of every
 * address from a DNS TXT zone in the style of Team Cymru's origin service
 * (during the walk) or a MaxMind-format .mmdb file; and the registration
 * of every registrable domain met (RDAP/WHOIS, one look-up each). Every
 * exchange is recorded in the evidence. */
#ifndef DD_PROBE_DEPS_H
#define DD_PROBE_DEPS_H

#include <stddef.h>

#include "evidence/evidence.h"
#include "probe/probe.h"

#define DD_DEPS_DEFAULT_DEPTH 3 /* NS names followed from a root */
#define DD_DEPS_MAX_BACKUPS 8

/* Ask for the section: sets ev->deps (roots: ev->domain then the backups,
 * canonical names), and where the origin AS comes from (asn_zone, or
 * asn_mmdb, or neither). 0, DD_ELIMIT (too many backups) or DD_ENOMEM. */
int dd_probe_deps_request(struct dd_evidence *ev, const char *const *backups, size_t nbackups,
			  unsigned max_depth, const char *asn_zone, const char *asn_mmdb);

/* One record of an origin-AS answer as the evidence keeps it
 * ("owner\tTTL\tIN\tTXT\t\"64500 | 192.0.2.0/24 | ...\""): its text, quotes
 * and joins undone, into text ("" when not a TXT record); when that reads
 * as "ASN | PREFIX", *asn, prefix and the prefix length *len, and 0; else -1. */
int dd_probe_origin_txt(const char *rr, char *text, size_t textlen, int64_t *asn, char *prefix,
			size_t plen, int *len);

typedef void (*dd_probe_deps_cb)(void *arg);

struct dd_reg_fetcher;

/* Start the walks for ev->deps.roots (requested before). trace, when not
 * NULL, is a walk to (ev->domain, NS) already made (check's), used instead
 * of walking again; it is read before this returns. When the walks are in
 * and f is not NULL, the registration of every registrable domain of the
 * graph (roots first, then by depth; at most DD_DEPS_MAX_REG) is looked up
 * through f, the run's fetcher on the same loop (its cache makes it one
 * request per registrable domain for the whole run). done (may be NULL)
 * runs once, from within dd_probe_run, when everything is in. ev must live
 * until the probe has run out. 0 or DD_ENOMEM (then done never runs). */
#define DD_DEPS_MAX_REG 64
int dd_probe_deps_start(struct dd_probe *p, struct dd_evidence *ev,
			const struct dd_dns_trace *trace, struct dd_reg_fetcher *f,
			dd_probe_deps_cb done, void *arg);

/* After dd_probe_run: the origin AS from the .mmdb file, if that is the
 * source. Failures are recorded per address; the return is 0, DD_EIO with
 * why (the file cannot be opened) or DD_ENOMEM. */
int dd_probe_deps_finish(struct dd_evidence *ev, char *why, size_t whylen);

#endif
