/* check.h: the evidence `dnsdeps check` judges, gathered for one domain:
 * the walk from the root to the parent zone; from each parent server on
 * every address the referral (NS set and glue) and the DS set; the
 * addresses of every NS name from their own authoritative servers; and from
 * every address of every NS name (the parent's and the child's NS sets, plus
 * names the user says to expect) SOA over UDP and TCP, NS over UDP and an
 * EDNS version-1 probe. */
#ifndef DD_PROBE_CHECK_H
#define DD_PROBE_CHECK_H

#include "core/name.h"
#include "evidence/evidence.h"
#include "probe/probe.h"

/* A nameserver the user expects (e.g. when the parent no longer delegates
 * the domain, the servers can still be examined). addr may be "". */
struct dd_probe_expect {
	char name[DD_NAME_MAX];
	char addr[46];
};

typedef void (*dd_probe_check_cb)(void *arg, struct dd_evidence *ev);

/* Start gathering evidence for ev->domain into ev. done (may be NULL) is
 * called once, from within dd_probe_run, when every question for this
 * domain has been answered; ev must live until then. */
int dd_probe_check(struct dd_probe *p, struct dd_evidence *ev,
		   const struct dd_probe_expect *expect, size_t nexpect, dd_probe_check_cb done,
		   void *arg);

#endif
