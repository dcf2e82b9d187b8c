/* guard.c: the addresses a server-supplied destination may not reach, and
 * the operator's trusted destinations as a set of "host port" keys. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/map.h"
#include "net/guard.h"

#define KEY_MAX 300 /* a host name, a space and a port */

struct dd_net_guard {
	struct dd_map trusted; /* "host port" -> the guard itself (a set) */
};

int dd_net_guard_new(struct dd_net_guard **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return DD_ENOMEM;
	dd_map_init(&(*out)->trusted);
	return 0;
}

void dd_net_guard_free(struct dd_net_guard *g)
{
	if (!g)
		return;
	dd_map_free(&g->trusted);
	free(g);
}

static int key_of(const char *host, unsigned port, char key[KEY_MAX])
{
	size_t n = strlen(host);

	if (n > 0 && host[n - 1] == '.') /* "whois.nic.sm." is "whois.nic.sm" */
		n--;
	return n == 0 || (size_t)snprintf(key, KEY_MAX, "%.*s %u", (int)n, host, port) >= KEY_MAX
		       ? DD_EINVAL
		       : 0;
}

int dd_net_guard_trust(struct dd_net_guard *g, const char *host, unsigned port)
{
	char key[KEY_MAX];

	if (key_of(host, port, key) != 0)
		return 0; /* nothing to trust: such a host is never asked */
	return dd_map_set(&g->trusted, key, g);
}

int dd_net_guard_trusted(const struct dd_net_guard *g, const char *host, unsigned port)
{
	char key[KEY_MAX];

	return g && key_of(host, port, key) == 0 && dd_map_get(&g->trusted, key) != NULL;
}

/* The host (without brackets or user) and port of an http(s) URL. */
static int url_hostport(const char *url, char host[KEY_MAX], unsigned *port)
{
	const char *p, *end, *at, *colon;
	size_t n;

	if (strncasecmp(url, "https://", 8) == 0)
		*port = 443, p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		*port = 80, p = url + 7;
	else
		return DD_EINVAL;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close)
			return DD_EINVAL;
		n = (size_t)(close - p - 1);
		colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
		p++;
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		n = (size_t)((colon ? colon : end) - p);
	}
	if (n == 0 || n >= KEY_MAX - 8)
		return DD_EINVAL;
	memcpy(host, p, n);
	host[n] = '\0';
	if (colon && colon + 1 < end) {
		char *stop;
		unsigned long v = strtoul(colon + 1, &stop, 10);
		if (stop != end || v == 0 || v > 65535)
			return DD_EINVAL;
		*port = (unsigned)v;
	}
	return 0;
}

int dd_net_guard_trust_url(struct dd_net_guard *g, const char *url)
{
	char host[KEY_MAX];
	unsigned port;

	return url_hostport(url, host, &port) == 0 ? dd_net_guard_trust(g, host, port)
						   : DD_EINVAL;
}

int dd_net_guard_trusted_url(const struct dd_net_guard *g, const char *url)
{
	char host[KEY_MAX];
	unsigned port;

	return url_hostport(url, host, &port) == 0 && dd_net_guard_trusted(g, host, port);
}

/* What an IPv4 address is, when it may not be reached; NULL when it may. */
static const char *v4_kind(uint32_t a)
{
	static const struct {
		uint32_t net, mask;
		const char *kind;
	} nets[] = {
		{ 0x00000000, 0xff000000, "unspecified (0.0.0.0/8)" },
		{ 0x7f000000, 0xff000000, "loopback" },
		{ 0x0a000000, 0xff000000, "private (RFC 1918)" },
		{ 0xac100000, 0xfff00000, "private (RFC 1918)" },
		{ 0xc0a80000, 0xffff0000, "private (RFC 1918)" },
		{ 0x64400000, 0xffc00000, "shared (RFC 6598)" },
		{ 0xa9fe0000, 0xffff0000, "link-local" },
		{ 0xe0000000, 0xf0000000, "multicast" },
		{ 0xf0000000, 0xf0000000, "reserved (240.0.0.0/4)" },
	};

	for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if ((a & nets[i].mask) == nets[i].net)
			return nets[i].kind;
	return NULL;
}

static const char *v6_kind(const uint8_t *b, uint32_t *v4, int *has_v4)
{
	static const uint8_t zero[16], mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	*has_v4 = 0;
	if (memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1))
		return b[15] ? "loopback" : "unspecified";
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, zero, 12) == 0) {
		*v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
		*has_v4 = 1; /* an IPv4 address in IPv6 clothes: judged as IPv4 */
		return NULL;
	}
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "link-local";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return "site-local";
	if ((b[0] & 0xfe) == 0xfc)
		return "unique-local";
	if (b[0] == 0xff)
		return "multicast";
	return NULL;
}

int dd_net_guard_addr(const struct sockaddr *sa, char why[DD_NET_GUARD_WHY])
{
	char text[INET6_ADDRSTRLEN] = "?";
	const char *kind = NULL;
	uint32_t v4 = 0;
	int has_v4 = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s->sin_addr, text, sizeof(text));
		v4 = ntohl(s->sin_addr.s_addr);
		has_v4 = 1;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &s->sin6_addr, text, sizeof(text));
		kind = v6_kind(s->sin6_addr.s6_addr, &v4, &has_v4);
	} else {
		kind = "not an IP";
	}
	if (!kind && has_v4)
		kind = v4_kind(v4);
	if (!kind)
		return 0;
	snprintf(why, DD_NET_GUARD_WHY, "%s address %s", kind, text);
	return DD_EDENIED;
}
