/* guard.h: where a destination a server supplied may lead. An RDAP answer
 * links to the registrar's record and may redirect; a WHOIS answer refers
 * to another server. Followed blindly, a hostile registry would make
 * dnsdeps send requests to the operator's own network (request forgery).
 * Such a destination is refused when the address it resolves to is
 * loopback, unspecified, RFC 1918 or shared (RFC 6598) private, link-local
 * (169.254/16, fe80::/10), unique-local (fc00::/7), site-local, multicast or
 * reserved: the check is on the address connected to, never on the name.
 * The destinations the operator's own files name (RDAP bootstrap, WHOIS
 * table, IANA's WHOIS option) are trusted as host and port, wherever they
 * lead: a test bed or a private mirror is the operator's choice. */
#ifndef DD_NET_GUARD_H
#define DD_NET_GUARD_H

#include <stddef.h>
#include <sys/socket.h>

#define DD_NET_GUARD_WHY 96 /* room for a refusal: "loopback 127.0.0.1" */

struct dd_net_guard;

int dd_net_guard_new(struct dd_net_guard **out);
void dd_net_guard_free(struct dd_net_guard *g);
/* Trust host:port (host as written: a name or an address). 0 or DD_ENOMEM. */
int dd_net_guard_trust(struct dd_net_guard *g, const char *host, unsigned port);
/* Trust the host and port of an http(s) URL. 0, DD_EINVAL or DD_ENOMEM. */
int dd_net_guard_trust_url(struct dd_net_guard *g, const char *url);
/* 1 when host:port (or the URL's) was trusted, else 0. */
int dd_net_guard_trusted(const struct dd_net_guard *g, const char *host, unsigned port);
int dd_net_guard_trusted_url(const struct dd_net_guard *g, const char *url);
/* 0 when a server-supplied destination may connect to sa; DD_EDENIED with
 * why ("loopback address 127.0.0.1") otherwise. */
int dd_net_guard_addr(const struct sockaddr *sa, char why[DD_NET_GUARD_WHY]);

#endif
