/* name.h: domain names given by users. Validates a name typed on a command
 * line or read from a list, turns IDN U-labels into A-labels (libidn2), and
 * gives the canonical form the rest of dnsdeps uses: lower case, absolute
 * (trailing dot), presentation format. Also the one rule for registrable
 * domains (public suffix list) that every part of dnsdeps uses. */
#ifndef DD_CORE_NAME_H
#define DD_CORE_NAME_H

#include <stddef.h>
#include <stdint.h>

#define DD_NAME_MAX 256 /* 253 characters, a trailing dot, NUL and margin */

/* Canonicalize a user-given name into out (DD_NAME_MAX bytes). Returns 0, or
 * DD_ENAME with a reason in why (static string) when the name is invalid. */
int dd_name_from_user(const char *in, char out[DD_NAME_MAX], const char **why);

/* True when name (canonical) equals zone or lies below it. */
int dd_name_is_subdomain(const char *name, const char *zone);

/* Number of labels of a canonical name ("." has 0). */
int dd_name_labels(const char *name);

/* Compare two canonical names case-insensitively; 0 when equal. */
int dd_name_cmp(const char *a, const char *b);

/* name lower-cased, without the final dot, into out. */
void dd_name_plain(const char *name, char out[DD_NAME_MAX]);

/* The public suffix and the registrable domain of a name (lower case, no
 * final dot), by the ICANN section of libpsl's built-in list: private
 * suffixes (github.io) are not registries, an unknown TLD is its own suffix.
 * The built-in list, not the system's newest, so that the same evidence
 * gives the same judgement on every machine and every part of a run (the
 * graph, the registration look-ups, the audit's operators) agrees. out is
 * "" for the root, and dd_name_registrable gives "" for a suffix itself. */
void dd_name_public_suffix(const char *name, char out[DD_NAME_MAX]);
void dd_name_registrable(const char *name, char out[DD_NAME_MAX]);

/* The operator of a host name: its registrable domain, or the name itself
 * (lower case, no final dot) when it is a public suffix. NS_ONE_OPERATOR,
 * the graph's operators and the zone audit's all use it. */
void dd_name_operator(const char *name, char out[DD_NAME_MAX]);

/* The same rule on a name in wire format (the zone scanner's): the label of
 * wire where its operator begins (a suffix of wire; wire itself for a
 * public suffix, the root or a name too long to read). */
const uint8_t *dd_name_operator_wire(const uint8_t *wire);

#endif
