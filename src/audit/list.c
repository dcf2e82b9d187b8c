/* list.c: the audit's inputs: the list of domains (one per line, comments,
 * IDNs) and a previous output file to resume from (JSON Lines or CSV). Both
 * are read a bounded line at a time: memory never grows with the file. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "audit/audit.h"
#include "core/err.h"

struct dd_audit_list {
	FILE *in;
	unsigned long line;
	int binary; /* a NUL byte, or DD_AUDIT_RUN_MAX bytes without a newline */
	char buf[DD_AUDIT_LINE_MAX + 1];
};

int dd_audit_list_new(struct dd_audit_list **out, FILE *in)
{
	struct dd_audit_list *l = calloc(1, sizeof(*l));

	if (!l)
		return DD_ENOMEM;
	l->in = in;
	*out = l;
	return 0;
}

void dd_audit_list_free(struct dd_audit_list *l)
{
	free(l);
}

/* Drop the rest of a line longer than the buffer. */
static int skip_rest(FILE *in)
{
	int c;

	while ((c = getc(in)) != EOF)
		if (c == '\n')
			return 0;
	return ferror(in) ? DD_EIO : 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void copy_text(char *text, size_t textlen, const char *s)
{
	if (textlen)
		snprintf(text, textlen, "%s", s);
}

/* Read one line into l->buf without its newline. 1 a line, 0 the end,
 * DD_EIO, DD_EPARSE (DD_AUDIT_RUN_MAX bytes without a newline: not a list;
 * reading stops there, so an endless input cannot hold the loop). *flags:
 * 1 longer than the bound (the rest is dropped), 2 a NUL. */
static int get_line(struct dd_audit_list *l, int *flags)
{
	size_t n = 0, run = 0;
	int c, any = 0;

	*flags = 0;
	while ((c = getc_unlocked(l->in)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (++run > DD_AUDIT_RUN_MAX) {
			l->binary = 1;
			return DD_EPARSE;
		}
		if (c == '\0') {
			*flags |= 2;
			l->binary = 1;
		}
		if (n < DD_AUDIT_LINE_MAX)
			l->buf[n++] = (char)c;
		else
			*flags |= 1;
	}
	l->buf[n] = '\0';
	if (c == EOF && ferror(l->in))
		return DD_EIO;
	return any;
}

int dd_audit_list_next(struct dd_audit_list *l, char name[DD_NAME_MAX], unsigned long *line,
		       const char **why, char *text, size_t textlen)
{
	for (;;) {
		char *s, *e, *hash;
		int flags, rc = get_line(l, &flags);

		if (rc <= 0)
			return rc;
		*line = ++l->line;
		if (flags) {
			l->buf[64] = '\0';
			copy_text(text, textlen, l->buf);
			*why = flags & 1 ? "line longer than 1024 bytes" : "NUL byte in the line";
			return DD_ENAME;
		}
		hash = strchr(l->buf, '#');
		if (hash)
			*hash = '\0';
		for (s = l->buf; is_space(*s); s++)
			;
		for (e = s + strlen(s); e > s && is_space(e[-1]); e--)
			;
		*e = '\0';
		if (!*s)
			continue;
		copy_text(text, textlen, s);
		for (const char *p = s; *p; p++)
			if (is_space(*p)) {
				*why = "more than one word (one domain per line)";
				return DD_ENAME;
			}
		if (strcmp(s, ".") == 0) {
			*why = "the root is not a domain to audit";
			return DD_ENAME;
		}
		rc = dd_name_from_user(s, name, why);
		if (rc == DD_ENOMEM)
			return rc;
		if (rc)
			return DD_ENAME;
		return 1;
	}
}

int dd_audit_list_screen(FILE *in, struct dd_audit_screen *out)
{
	struct dd_audit_list l = { .in = in };
	char name[DD_NAME_MAX];
	unsigned long line;
	const char *why;
	int rc;

	memset(out, 0, sizeof(*out));
	while (!l.binary && (rc = dd_audit_list_next(&l, name, &line, &why, NULL, 0)) != 0) {
		if (rc == 1)
			out->names++;
		else if (rc == DD_ENAME)
			out->bad++;
		else if (rc == DD_EPARSE)
			break;
		else if (rc < 0)
			return rc;
	}
	out->lines = l.line;
	out->binary = l.binary;
	return 0;
}

/* ---- resuming ------------------------------------------------------------ */

#define RESUME_LINE_MAX (16u << 20) /* a saved line larger than this is bad */

/* Read one line into b (cleared first). 1: a complete line (with '\n');
 * 2: the end of the file cut it; 3: longer than the bound (skipped);
 * 0: end of file; DD_EIO. */
static int read_line(FILE *f, struct dd_buf *b)
{
	char chunk[65536];

	b->len = 0;
	for (;;) {
		if (!fgets(chunk, sizeof(chunk), f))
			return ferror(f) ? DD_EIO : b->len ? 2 : 0;
		size_t n = strlen(chunk);
		if (b->len + n > RESUME_LINE_MAX) {
			if (chunk[n - 1] != '\n' && skip_rest(f))
				return DD_EIO;
			b->len = 0;
			return 3;
		}
		dd_buf_add(b, chunk, n);
		if (dd_buf_failed(b))
			return DD_ENOMEM;
		if (n && chunk[n - 1] == '\n')
			return 1;
	}
}

/* NS names of a saved check document (the parent's and the child's). */
static void saved_ns(json_t *deleg, struct dd_audit_saved *sv)
{
	static const char *const keys[] = { "parent_ns", "child_ns" };

	for (int k = 0; k < 2; k++) {
		json_t *l = json_object_get(deleg, keys[k]), *v;
		size_t i;
		json_array_foreach(l, i, v) {
			const char *n = json_string_value(v);
			int dup = 0;
			for (size_t j = 0; n && j < sv->nns && !dup; j++)
				dup = strcasecmp(sv->ns[j], n) == 0;
			if (n && !dup && sv->nns < sizeof(sv->ns) / sizeof(sv->ns[0]))
				sv->ns[sv->nns++] = n;
		}
	}
}

void dd_audit_saved_json(json_t *doc, struct dd_audit_saved *sv)
{
	json_t *v = json_object_get(doc, "verdict"), *f, *reg;
	size_t i;

	memset(sv, 0, sizeof(*sv));
	sv->status = json_string_value(json_object_get(v, "status"));
	sv->layer = json_string_value(json_object_get(v, "layer"));
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		const char *c = json_string_value(json_object_get(f, "code"));
		if (c && sv->ncodes < sizeof(sv->codes) / sizeof(sv->codes[0]))
			sv->codes[sv->ncodes++] = c;
	}
	saved_ns(json_object_get(doc, "delegation"), sv);
	reg = json_object_get(json_object_get(doc, "registration"), "record");
	sv->registrar = json_string_value(json_object_get(json_object_get(reg, "registrar"),
							  "name"));
}

/* The domain of a JSON Lines result, into name, and its result counted
 * into sum (unless NULL or seen before); 0, 1 (not a result) or DD_ENOMEM. */
static int jsonl_domain(const char *line, size_t len, char name[DD_NAME_MAX],
			struct dd_map *done, struct dd_audit_summary *sum)
{
	json_t *doc = json_loadb(line, len, 0, NULL);
	const char *d = doc ? json_string_value(json_object_get(doc, "domain")) : NULL;
	struct dd_audit_saved sv;
	int rc = 1;

	if (d && strlen(d) < DD_NAME_MAX && json_object_get(doc, "verdict")) {
		strcpy(name, d);
		rc = 0;
		if (sum && !dd_map_get(done, name)) {
			dd_audit_saved_json(doc, &sv);
			rc = dd_audit_summary_add_saved(sum, &sv);
		}
	}
	json_decref(doc);
	return rc;
}

#define CSV_FIELDS 9 /* dd_rep_audit_csv_header (report/audit.c) */

/* The fields of a CSV row (RFC 4180 quoting) as NUL-terminated strings in
 * buf (as long as the line); the number of fields. */
static size_t csv_split(const char *p, char *buf, const char *field[CSV_FIELDS])
{
	size_t n = 0;
	char *o = buf;

	for (;;) {
		field[n++] = o;
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				*o++ = *p;
			}
			if (*p == '"')
				p++;
		} else {
			for (; *p && *p != ',' && *p != '\r' && *p != '\n'; p++)
				*o++ = *p;
		}
		*o++ = '\0';
		if (*p != ',' || n == CSV_FIELDS)
			return n;
		p++;
	}
}

/* What a saved CSV row says, for the summary: the top finding only. */
static int csv_count(const char *line, size_t len, struct dd_audit_summary *sum)
{
	const char *f[CSV_FIELDS], *ops[32];
	char *buf = malloc(len + CSV_FIELDS + 1), *save = NULL;
	struct dd_audit_saved sv;
	int rc;

	if (!buf)
		return DD_ENOMEM;
	memset(&sv, 0, sizeof(sv));
	if (csv_split(line, buf, f) == CSV_FIELDS) {
		sv.status = f[1];
		sv.layer = f[2];
		if (f[3][0])
			sv.codes[sv.ncodes++] = f[3];
		sv.registrar = strcmp(f[5], "unknown") ? f[5] : NULL;
		for (char *t = strtok_r((char *)f[7], " ", &save); t && sv.nops < 32;
		     t = strtok_r(NULL, " ", &save))
			ops[sv.nops++] = t;
		sv.ops = ops;
	}
	rc = dd_audit_summary_add_saved(sum, &sv);
	free(buf);
	return rc;
}

/* The first field of a CSV row (RFC 4180 quoting), into name; 0 or -1. */
static int csv_domain(const char *line, char name[DD_NAME_MAX])
{
	size_t n = 0;
	const char *p = line;

	if (*p == '"') {
		for (p++; *p; p++) {
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"')
				break;
			if (n + 1 >= DD_NAME_MAX)
				return -1;
			name[n++] = *p;
		}
		if (*p != '"' || p[1] != ',')
			return -1;
	} else {
		for (; *p && *p != ','; p++) {
			if (n + 1 >= DD_NAME_MAX)
				return -1;
			name[n++] = *p;
		}
		if (*p != ',')
			return -1;
	}
	name[n] = '\0';
	return n ? 0 : -1;
}

int dd_audit_resume_read(FILE *f, struct dd_map *done, struct dd_audit_resume *out,
			 struct dd_audit_summary *sum)
{
	struct dd_buf b;
	int rc, first = 1;
	long pos;

	memset(out, 0, sizeof(*out));
	dd_buf_init(&b);
	if ((pos = ftell(f)) < 0)
		pos = 0;
	out->valid_end = pos;
	while ((rc = read_line(f, &b)) > 0) {
		char name[DD_NAME_MAX];
		const char *line = dd_buf_str(&b);
		int ok;

		if (rc == 2)
			break; /* cut by a crash: dropped */
		if ((pos = ftell(f)) >= 0)
			out->valid_end = pos;
		if (rc == 3) {
			out->bad_lines++;
			continue;
		}
		if (first && strncmp(line, "domain,", 7) == 0) {
			out->csv = 1;
			first = 0;
			continue;
		}
		first = 0;
		ok = line[0] == '{' ? jsonl_domain(line, b.len, name, done, sum)
				    : csv_domain(line, name) != 0;
		if (ok == DD_ENOMEM) {
			rc = ok;
			break;
		}
		if (ok != 0) {
			out->bad_lines++;
			continue;
		}
		if (dd_map_get(done, name))
			continue;
		if (sum && line[0] != '{' && (rc = csv_count(line, b.len, sum)) != 0)
			break;
		if (dd_map_set(done, name, done) != 0) {
			rc = DD_ENOMEM;
			break;
		}
		out->domains++;
	}
	dd_buf_free(&b);
	return rc < 0 ? rc : 0;
}
