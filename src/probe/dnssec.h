/* dnssec.h (probe): gathers the DNSSEC section of `dnsdeps check`'s
 * evidence (docs/dnssec.md): the RRSIGs over the domain's DS set from each
 * parent server; for every zone of the chain above the domain its DNSKEY set
 * (from one responsive server, the next one on failure) and its DS set from
 * a server of the zone above; and from every address of every nameserver of
 * the domain DNSKEY over UDP and over TCP, SOA, NS, CDS and CDNSKEY, each
 * with the RRSIGs that came with it. check.c calls the two hooks; the
 * records go into ev->dnssec, the exchanges into ev->exchanges. */
#ifndef DD_PROBE_DNSSEC_H
#define DD_PROBE_DNSSEC_H

#include <stddef.h>

#include "evidence/evidence.h"
#include "probe/probe.h"

/* Called once, later, when every question a hook started is answered. */
typedef void (*dd_probe_dnssec_done)(void *arg);

/* After parent server ps (an index into ev->parent.servers) answered the DS
 * query: keep the RRSIGs of that answer; the first call for ev also starts
 * gathering the chain above. Returns 1 when done(arg) will be called once,
 * later; 0 when nothing was started (done is then never called). */
int dd_probe_dnssec_parent(struct dd_probe *p, struct dd_evidence *ev, size_t ps,
			   dd_probe_dnssec_done done, void *arg);

/* For address a of nameserver ns (indexes into ev->nameservers and its
 * servers): the DNSSEC questions, once per (name, address). Returns as
 * dd_probe_dnssec_parent. */
int dd_probe_dnssec_server(struct dd_probe *p, struct dd_evidence *ev, size_t ns, size_t a,
			   dd_probe_dnssec_done done, void *arg);

/* Read a trust-anchor file (DS or DNSKEY records, at most 64 KiB) into
 * presentation-format records appended to out. 0, or a negative enum dd_err
 * with why holding one line ("FILE: line 3: ..."). */
int dd_probe_dnssec_anchor_file(const char *path, struct dd_ev_strlist *out, char *why,
				size_t whylen);

#endif
