/* wire.c: small reads of a reply's wire form that need no full parse: the
 * lowest TTL of its records, which bounds how long an answer may be reused. */
#include <stdint.h>

#include "core/err.h"
#include "dns/msg.h"

#define DD_WIRE_MAX_LABELS 128 /* labels and pointers followed in one name */

/* Skip the name at *off; 0, or DD_EMALFORMED when it runs off the end. */
static int skip_name(const uint8_t *w, size_t len, size_t *off)
{
	size_t o = *off;

	for (int n = 0; n < DD_WIRE_MAX_LABELS; n++) {
		if (o >= len)
			return DD_EMALFORMED;
		uint8_t c = w[o];
		if (c == 0) {
			*off = o + 1;
			return 0;
		}
		if ((c & 0xC0) == 0xC0) { /* a pointer ends the name here */
			if (o + 2 > len)
				return DD_EMALFORMED;
			*off = o + 2;
			return 0;
		}
		if (c & 0xC0)
			return DD_EMALFORMED;
		o += 1 + (size_t)c;
	}
	return DD_EMALFORMED;
}

int dd_dns_wire_min_ttl(const uint8_t *wire, size_t len, uint32_t *ttl)
{
	size_t off = 12, nq, nrr, nadd;
	uint32_t min = UINT32_MAX;

	*ttl = 0;
	if (len < 12)
		return DD_EMALFORMED;
	nq = (size_t)wire[4] << 8 | wire[5];
	nadd = (size_t)wire[10] << 8 | wire[11];
	nrr = ((size_t)wire[6] << 8 | wire[7]) + ((size_t)wire[8] << 8 | wire[9]) + nadd;
	for (size_t i = 0; i < nq; i++) {
		if (skip_name(wire, len, &off) != 0 || off + 4 > len)
			return DD_EMALFORMED;
		off += 4;
	}
	for (size_t i = 0; i < nrr; i++) {
		if (skip_name(wire, len, &off) != 0 || off + 10 > len)
			return DD_EMALFORMED;
		uint16_t type = (uint16_t)(wire[off] << 8 | wire[off + 1]);
		uint32_t t = (uint32_t)wire[off + 4] << 24 | (uint32_t)wire[off + 5] << 16 |
			     (uint32_t)wire[off + 6] << 8 | wire[off + 7];
		size_t rdlen = (size_t)wire[off + 8] << 8 | wire[off + 9];
		off += 10;
		if (off + rdlen > len)
			return DD_EMALFORMED;
		off += rdlen;
		/* OPT's TTL field holds flags, in the additional section; an OPT
		 * anywhere else is read as a record (ldns keeps it as one) */
		if ((type != 41 || i < nrr - nadd) && t < min)
			min = t;
	}
	if (min != UINT32_MAX)
		*ttl = min;
	return 0;
}
