/* ev_table.h: internal to src/evidence, not part of the module's interface
 * (that is evidence.h). The evidence format written once: a record of the
 * evidence (a section, or an entry of one of its lists) is described by a
 * table of fields, each giving its JSON key, its type, its offset in the C
 * struct, its bounds and whether it is required; one engine (ev_table.c)
 * saves, loads with validation, and frees any record from its table, so a
 * new field is one line of a table. */
#ifndef DD_EVIDENCE_EV_TABLE_H
#define DD_EVIDENCE_EV_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/jtree.h"
#include "evidence/ev_json_int.h"

enum dd_evt_kind {
	DD_EVT_STR,     /* char *: a string of at most max bytes (0: DD_EV_MAX_STR), or null */
	DD_EVT_INT,     /* int: an integer in [min, max]; absent or null: dflt */
	DD_EVT_I64,     /* int64_t: the same */
	DD_EVT_BOOL,    /* int: true or false; absent or null: dflt */
	DD_EVT_TRI,     /* int: true, false, or null (-1: unknown) */
	DD_EVT_ENUM,    /* enum: one of the names given by name_of(0 .. max); absent: dflt */
	DD_EVT_WORD,    /* char *: one of the words of words (NULL-terminated) */
	DD_EVT_TIME,    /* int64_t seconds: an RFC 3339 time, null when negative */
	DD_EVT_STRLIST, /* struct dd_ev_strlist: an array of at most max strings */
	DD_EVT_LIST,    /* an array of at most max records of table sub, kept as a
			 * pointer at off, a count at n_off and a capacity at cap_off */
	DD_EVT_OBJECT,  /* an object: a record of table sub at off; absent or null
			 * leaves it as made */
	DD_EVT_EMBED,   /* the members of table sub's record at off, in this object */
	DD_EVT_RCODE,   /* int: an rcode mnemonic ("NXDOMAIN", "RCODE42"), or null: -1 */
	DD_EVT_MS,      /* double: milliseconds, 0 to a day, or null: -1 */
	DD_EVT_XREF,    /* int: the id of an exchange of the document, or null: -1 */
	DD_EVT_ID,      /* int: the entry's position in its list, required */
	DD_EVT_FLAGS,   /* unsigned: an array of the words of words, bit i for words[i] */
	DD_EVT_PRESENT, /* int: not saved; 1 when the object holding it was loaded */
	DD_EVT_SECTIONS, /* three struct dd_ev_strlist at off, saved as the keys of
			  * words; a reply's bytes at n_off (uint8_t *, length at
			  * cap_off) are rendered into them for the document */
	DD_EVT_CONST,   /* nothing stored: the string words[0], required as it is */
	DD_EVT_XREFS,   /* int *: an array of at most max exchange ids, count at
			 * n_off, capacity at cap_off */
	DD_EVT_EXT,     /* a record of another module, saved, loaded and freed by
			 * the functions of ext (its JSON form is that module's) */
};

enum dd_evt_flag {
	DD_EVT_REQ = 1 << 0,      /* must be present and not null */
	DD_EVT_NULLNEG = 1 << 1,  /* INT, I64: saved as null when below min (negative,
				   * or 0 with min 1); null loads as dflt */
	DD_EVT_TRUEONLY = 1 << 2, /* BOOL: saved only when true */
	DD_EVT_KEEP = 1 << 3,     /* INT: absent or null leaves the value as made */
	DD_EVT_NULLABLE = 1 << 4, /* OBJECT: saved as null when the record's first field
				   * (a PRESENT, or a STR) is unset */
	DD_EVT_EXCHANGES = 1 << 5, /* LIST: the exchanges, loaded before the other
				    * fields; their count bounds every XREF */
	DD_EVT_EARLY = 1 << 7,    /* loaded before the others (the document's head, then
				   * the exchanges), so that it is refused for them first */
	DD_EVT_LOADONLY = 1 << 8, /* read (and checked) from older documents, never saved */
	DD_EVT_IFSET = 1 << 6,    /* STR: saved only when set; OBJECT: a section, saved
				   * only when its record's first field (a PRESENT) is set */
};

struct dd_evj_ld;

/* A member whose JSON form belongs to another module (the registration
 * record: reg/reg.h). field is the address of the member in the record. */
struct dd_evt_ext {
	const char *name;                     /* for docs/evidence.md */
	/* NULL (d failed): out of memory; null: unset */
	struct dd_jt_node *(*save)(struct dd_jt *d, const void *field);
	/* j is not null; 0 or a negative enum dd_err with l's err set */
	int (*load)(struct dd_evj_ld *l, const char *path, const json_t *j, void *field);
	void (*free)(void *field);
};

struct dd_evt_table;

struct dd_evt_field {
	const char *key;
	enum dd_evt_kind kind;
	size_t off;
	unsigned flags;          /* enum dd_evt_flag bits */
	int64_t min, max;        /* INT, I64: range; ENUM: max is the count; lists: entries */
	int64_t dflt;            /* INT, I64, BOOL, TRI, ENUM: value when absent */
	const struct dd_evt_table *sub; /* LIST: the entries' table */
	size_t n_off, cap_off;   /* LIST: count and capacity */
	const char *(*name_of)(int v);  /* ENUM */
	const char *const *words;       /* WORD, FLAGS, SECTIONS, CONST */
	const struct dd_evt_ext *ext;   /* EXT */
	const char *doc;         /* its meaning, for docs/evidence.md */
};

/* A record's fields, in the order they are saved and loaded. Entries of a
 * list with a key (key2 too, when >= 0) are merged with an earlier entry of
 * the same key (case-insensitive) as the appenders do; key fields are
 * strings (key2 may be optional: null then matches null), set once, when
 * the entry is made. */
struct dd_evt_table {
	const char *name; /* in docs/evidence.md: the section's key, or a record's NAME */
	size_t size;      /* sizeof the record */
	const struct dd_evt_field *fields;
	size_t nfields;
	int key, key2;    /* indexes of the key fields, -1 none */
	const char *dup;  /* NULL: an entry with an earlier entry's keys is merged
			   * into it; else it is refused: "KEY: \"value\" dup" */
	/* What the fields cannot say alone (one member or another, a member
	 * equal to another's), checked once the record is loaded; or NULL. */
	int (*check)(struct dd_evj_ld *l, const char *path, const void *rec);
};

/* The record rec as a JSON object of the document s (s failed when
 * anything failed). */
struct dd_jt_node *dd_evt_save(struct dd_jt *s, const struct dd_evt_table *t, const void *rec);
/* The members of rec put into the object o. */
void dd_evt_save_into(struct dd_jt *s, struct dd_jt_node *o, const struct dd_evt_table *t,
		      const void *rec);
/* Load the object o (at path, for messages) into rec: 0, or a negative
 * enum dd_err with l's err naming the place. Key fields are not read here. */
int dd_evt_load(struct dd_evj_ld *l, const struct dd_evt_table *t, const json_t *o,
		const char *path, void *rec);
/* Free what rec owns (not rec) and zero it. */
void dd_evt_free(const struct dd_evt_table *t, void *rec);
/* docs/evidence.md's field list of t and of the tables below it, each
 * once (a "### name" heading and a Markdown table), appended to b. */
void dd_evt_markdown(struct dd_buf *b, const struct dd_evt_table *t);

/* The sections' tables, and RESPONSE's (ev_json_util.c), which they share. */
extern const struct dd_evt_table dd_ev_response_table;
/* The whole document, its sections below it (evidence_json.c); a name's
 * address look-up; the sections' own tables, each in its file. */
extern const struct dd_evt_table dd_ev_doc_table;
extern const struct dd_evt_table dd_ev_resolution_table;
extern const struct dd_evt_table dd_ev_deps_table;
extern const struct dd_evt_table dd_ev_sec_table;
extern const struct dd_evt_table dd_ev_reg_table;

/* Zero rec and give its numbers their defaults (a new entry). */
void dd_evt_init(const struct dd_evt_table *t, void *rec);

#endif
