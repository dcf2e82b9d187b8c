/* reg.h (probe): the registration section of `dnsdeps check`'s evidence.
 * The registry's record of the domain (RDAP, else WHOIS: src/reg/fetch.h)
 * is looked up on the probe's own loop while the DNS is walked, so a check
 * lasts as long as the slower of the two, not their sum. When the parent
 * zone does not delegate the domain, the nameservers the registry lists are
 * handed to the check to be examined (as `--ns` names are): that is how an
 * outage like Purism's shows that the domain's servers still answer.
 *
 * The command makes one dd_probe_reg per run (shared by every domain: one
 * look-up per registrable domain) and asks for the section with
 * dd_probe_reg_request; check.c calls the two hooks. */
#ifndef DD_PROBE_REG_H
#define DD_PROBE_REG_H

#include "evidence/evidence.h"
#include "probe/probe.h"
#include "reg/fetch.h"

struct dd_probe_reg;

/* Load the tables named in o and start the clients on p's loop. 0, or a
 * negative enum dd_err with why holding one line. */
int dd_probe_reg_new(struct dd_probe *p, const struct dd_reg_fetch_opts *o,
		     struct dd_probe_reg **out, char why[DD_REG_WHY_MAX]);
/* Abandons look-ups in flight (no callbacks). Call before dd_probe_free. */
void dd_probe_reg_free(struct dd_probe_reg *r);
/* The run's fetcher, for the other look-ups of the run (the dependencies'
 * registrable domains): one cache, one request per registrable domain. */
struct dd_reg_fetcher *dd_probe_reg_fetcher(struct dd_probe_reg *r);

/* Ask for ev's registration section, looked up through r (the expiry
 * thresholds it is judged with are the checks' options). */
void dd_probe_reg_request(struct dd_evidence *ev, struct dd_probe_reg *r);

/* The registrable domain of name by the ICANN part of the public suffix
 * list (a private suffix such as github.io is a registrant's domain, not a
 * registry): "www.puri.sm" -> "puri.sm". 0, or DD_ENAME when name is a
 * public suffix itself (or not a name). */
int dd_probe_reg_domain(const char *name, char out[256]);

/* Hook 1 (check.c, as the check starts): start the look-up for ev when it
 * was requested. The record goes into ev->registration when it arrives. */
void dd_probe_reg_start(struct dd_evidence *ev);

/* Hook 2 (check.c, once the walk is done): when no parent server delegates
 * ev->domain and the registry's record is of ev->domain itself, each
 * nameserver the registry lists is handed to ns(arg, name); at once when the
 * record is in, else when it arrives. Returns 1 when ns(arg, NULL) will be
 * called once, later, after the names (the check must wait for it); 0 when
 * there is nothing to wait for (names may have been handed over already). */
typedef void (*dd_probe_reg_ns_cb)(void *arg, const char *name);
int dd_probe_reg_walked(struct dd_evidence *ev, dd_probe_reg_ns_cb ns, void *arg);

#endif
