/* esc.h: make untrusted strings safe to print. Every string that came from a
 * remote server (names, RDATA, vCards, WHOIS text) goes through here before it
 * reaches a terminal or a text report: control bytes and invalid UTF-8 become
 * visible escapes, never raw bytes. */
#ifndef DD_CORE_ESC_H
#define DD_CORE_ESC_H

#include <stddef.h>

/* Escape len bytes of in into out (always NUL-terminated, truncated with
 * "..." when outlen is too small). Printable ASCII and valid UTF-8 outside
 * the C0/C1 control ranges are kept; everything else becomes \xHH, and a
 * backslash becomes "\\". Returns out. */
char *dd_esc(const char *in, size_t len, char *out, size_t outlen);

/* Same, into a new heap string (NULL when out of memory). */
char *dd_esc_dup(const char *in, size_t len);

/* A domain name in presentation format (RFC 1035 5.1, as ldns writes it:
 * \DDD for a byte that is not printable, \X for a special character) in
 * the same scheme as dd_esc, so that a name's byte and a text's byte look
 * alike and a backslash is never doubled twice: a byte that is not
 * printable (space included) becomes \xHH, a backslash in a label stays
 * "\\", a dot in a label stays "\."; other printable characters are
 * written as themselves. Returns out (NUL-terminated, "..." if cut). */
char *dd_esc_name(const char *in, size_t len, char *out, size_t outlen);
char *dd_esc_name_dup(const char *in, size_t len);

/* A finding's message or a verdict's summary: text in which the checks
 * wrote domain names in presentation format. A name's escape (\DDD, \\,
 * \.) is written as dd_esc_name writes it, everything else as dd_esc, so a
 * name looks the same in a sentence as anywhere else in a report: an ESC
 * byte in a label is \x1b in both, never "\\027". Returns out. */
char *dd_esc_msg(const char *in, size_t len, char *out, size_t outlen);
char *dd_esc_msg_dup(const char *in, size_t len);

#endif
