/* store.h: the watch service's memory, behind one interface. A store keeps
 * the watched domains and their schedule, one row per domain-round (verdict,
 * findings, the facts that matter over time, a digest of the check
 * document), the change events computed from consecutive rounds, the
 * incidents, and an outbox of alerts not yet delivered. Everything a round
 * produces is committed in ONE transaction (dd_store_commit), so a crash at
 * any point loses no committed round and no pending alert, and never leaves
 * half of one.
 *
 * Backends: SQLite (store_sqlite.c, "sqlite:PATH" or a plain path) and
 * PostgreSQL (store_pg.c, "postgresql://..." or "postgres://...", a libpq
 * connection URI), both from one SQL text (store_sql.c). Many processes
 * ("workers") may share a PostgreSQL store: a worker claims due domains and
 * due alerts with a lease (dd_store_claim, dd_store_outbox_due), a worker
 * that dies loses them when the lease ends, and a round's commit names the
 * state it was computed from, so that of two workers checking one domain
 * only one stores its round (DD_ECONFLICT for the other). SQLite has one
 * writer at a time and takes the same calls. Readers of the
 * history (dnsdeps history/status, and later the HTTP dashboard and metrics)
 * read through the same interface. The store holds text (JSON) for findings
 * and facts and never interprets it: src/watch owns their meaning. */
#ifndef DD_STORE_H
#define DD_STORE_H

#include <stddef.h>
#include <stdint.h>

#define DD_STORE_WHY_MAX 512
#define DD_STORE_SCHEMA_VERSION 5 /* 2: leases; 3: the graphs table (the dashboard's);
				    * 4: each domain's latest evidence document;
				    * 5: the distributed audit's queue */
/* The most bytes of an evidence document a store keeps (what `dnsdeps
 * report` reads at most, DD_EV_MAX_DOC); the watch may set a lower bound. */
#define DD_STORE_EVIDENCE_MAX (16u << 20)

/* One domain-round, as stored. Strings are owned by the caller on commit
 * and by the store's callback on reads (valid during the callback). */
struct dd_store_round {
	int64_t id;           /* assigned by the store */
	const char *domain;   /* canonical, absolute */
	int64_t time;         /* seconds since the epoch */
	int status;           /* enum dd_chk_status */
	int layer;            /* enum dd_chk_layer */
	const char *summary;  /* the verdict sentence */
	const char *findings; /* JSON array (src/watch) */
	const char *facts;    /* JSON object (src/watch) */
	const char *digest;   /* SHA-256 of the check document, hex */
	/* On commit: a key naming summary, findings and facts together (a hash
	 * of them): rounds that say the same keep it once. */
	const char *content_key;
};

struct dd_store_event {
	int64_t time;
	const char *domain;
	const char *kind;   /* "delegation_lost", "ds_changed", ... (docs/watch.md) */
	const char *detail; /* one line for people */
};

/* A domain's running state, updated with every round. */
struct dd_store_dstate {
	int64_t next_due;        /* when its next round is due; 0: never scheduled */
	int64_t last_round;      /* id of its last round, 0 none */
	int64_t last_good;       /* id of its last round with status ok, 0 none */
	unsigned bad_streak;     /* consecutive bad rounds */
	unsigned good_streak;    /* consecutive good rounds */
	/* The open incident, if any (incident[0] == '\0': none). */
	char incident[320];      /* key: "DOMAIN@TIME" of its first bad round */
	int incident_alerted;    /* the opening alert was queued */
	int incident_status;     /* worst status seen in it */
	int64_t last_alert;      /* when its last alert was queued */
};

enum dd_store_inc_op { DD_STORE_INC_NONE = 0, DD_STORE_INC_OPEN, DD_STORE_INC_UPDATE,
		       DD_STORE_INC_CLOSE };

struct dd_store_incident {
	enum dd_store_inc_op op;
	const char *key;
	int64_t time;        /* opened (OPEN), closed (CLOSE) */
	int status, layer;
	const char *summary;
};

/* An alert to deliver: one row of the outbox. */
struct dd_store_alert {
	int64_t id;          /* assigned by the store */
	const char *domain;
	const char *incident;
	const char *kind;    /* "open", "close", "reminder" */
	const char *route;   /* "webhook URL", "exec PROGRAM", "email ADDRESS" */
	const char *payload; /* JSON document (docs/watch.md) */
	int64_t created;
	unsigned attempts;   /* deliveries tried */
	int64_t next_try;
	const char *last_error;
};

/* Everything one round produced: committed all together or not at all. */
struct dd_store_commit {
	struct dd_store_round *round;         /* id is set on success */
	const struct dd_store_event *events;
	size_t nevents;
	const struct dd_store_dstate *state;  /* the domain's new state */
	const struct dd_store_incident *incident;
	const struct dd_store_alert *alerts;
	size_t nalerts;
	int64_t expect_last; /* the domain's last round the state follows */
	/* The round's evidence document, packed (dd_store_evidence_pack), kept
	 * as the domain's latest, replacing the one before; NULL: the domain's
	 * kept document is left as it is. */
	const struct dd_store_evidence *evidence;
};

/* An evidence document (JSON text, as `check --save-evidence` writes it)
 * as the store keeps it: zlib-compressed. One longer than the bound is not
 * kept: its size is, so a reader learns why there is none. */
struct dd_store_evidence {
	size_t size;         /* the document's bytes */
	unsigned char *data; /* compressed; NULL: over the bound, not kept */
	size_t len;
};

/* One row of `dnsdeps status`. */
struct dd_store_status_row {
	const char *domain;
	const char *group;
	int64_t next_due;
	int64_t time;        /* last round, 0: none yet */
	int status, layer;
	const char *summary;
	const char *incident; /* open incident, or NULL */
	unsigned bad_streak;
};

/* ---- the dashboard's reads (src/web: the HTTP API, the metrics) ---- */

/* A domain with its last round: a status row plus the round's id and facts
 * (JSON text, src/watch's; the findings are read with round_get). */
struct dd_store_latest_row {
	struct dd_store_status_row s; /* s.status -1: no round yet */
	int64_t round;                /* its id, 0 when no round yet */
	const char *facts;            /* NULL when no round yet */
};

/* An incident, open (closed 0) or closed. */
struct dd_store_incident_row {
	const char *key;
	const char *domain;
	int64_t opened, closed;
	int status, layer;
	const char *summary;
};

/* ---- the distributed audit's queue (dnsdeps audit --queue) ---- */

/* One domain's result: the check document (doc, the JSON Lines object) and
 * what the summary counts of it, stored with the item marked done. */
struct dd_store_qresult {
	const char *domain;
	int status, layer;     /* enum dd_chk_status, enum dd_chk_layer */
	const char *codes;     /* JSON array of its distinct finding codes */
	const char *operators; /* JSON array of its distinct NS operators */
	const char *registrar; /* NULL: not known */
	unsigned nns;          /* its NS names */
	const char *doc;
};

/* A worker's counters since its last commit, added to its row (with the
 * number of results the commit stored). */
struct dd_store_qcount {
	uint64_t queries, shared, timeouts;
};

/* A job's items: done (a result stored), held by a worker, left to take. */
struct dd_store_qprogress {
	uint64_t done, leased, left;
};

struct dd_store;

/* The backend's functions (one struct per backend). */
struct dd_store_ops {
	const char *scheme;
	int (*open)(struct dd_store **out, const char *where, char why[DD_STORE_WHY_MAX]);
	void (*close)(struct dd_store *s);
	int (*domain_add)(struct dd_store *s, const char *domain, const char *group,
			  int64_t next_due);
	int (*dstate_get)(struct dd_store *s, const char *domain, struct dd_store_dstate *out);
	int (*round_get)(struct dd_store *s, int64_t id,
			 void (*cb)(void *arg, const struct dd_store_round *r), void *arg);
	/* A round's commit, in the order store.c calls them: begin, the
	 * parts, end (commit when rc is 0, else roll back; its result). */
	int (*begin)(struct dd_store *s);
	int (*end)(struct dd_store *s, int rc);
	int (*add_round)(struct dd_store *s, struct dd_store_round *r);
	int (*add_event)(struct dd_store *s, int64_t round, const struct dd_store_event *e);
	int (*set_dstate)(struct dd_store *s, const char *domain, const struct dd_store_dstate *d,
			  int64_t round, int good, int64_t expect);
	int (*incident_op)(struct dd_store *s, const char *domain,
			   const struct dd_store_incident *i);
	int (*add_alert)(struct dd_store *s, const struct dd_store_alert *a);
	int (*history)(struct dd_store *s, const char *domain, int64_t since,
		       void (*round_cb)(void *arg, const struct dd_store_round *r),
		       void (*event_cb)(void *arg, const struct dd_store_event *e), void *arg);
	int (*status)(struct dd_store *s,
		      void (*cb)(void *arg, const struct dd_store_status_row *row), void *arg);
	int (*outbox_due)(struct dd_store *s, const char *worker, int64_t due, int64_t now, int64_t lease_until,
			  size_t max, void (*cb)(void *arg, const struct dd_store_alert *a),
			  void *arg);
	int (*outbox_done)(struct dd_store *s, int64_t id, int delivered, int64_t now,
			   int64_t next_try, const char *error);
	int (*retain)(struct dd_store *s, int64_t before);
	int (*reschedule)(struct dd_store *s, const char *domain, int64_t next_due);
	int (*claim)(struct dd_store *s, const char *worker, int64_t due, int64_t now,
		     int64_t lease_until, size_t max,
		     void (*cb)(void *arg, const char *domain, int64_t due), void *arg);
	int (*release)(struct dd_store *s, const char *worker);
	/* The dashboard's reads (below). */
	int (*latest)(struct dd_store *s,
		      void (*cb)(void *arg, const struct dd_store_latest_row *row), void *arg);
	int (*incidents)(struct dd_store *s, size_t max,
			 void (*cb)(void *arg, const struct dd_store_incident_row *row), void *arg);
	int (*graph_put)(struct dd_store *s, const char *domain, int64_t time, const char *json,
			 const char *dot);
	int (*graph_get)(struct dd_store *s, const char *domain,
			 void (*cb)(void *arg, int64_t time, const char *json, const char *dot),
			 void *arg);
	/* Inside a round's transaction: the document's size and its zlib
	 * bytes (NULL: over the bound, not kept). */
	int (*evidence_put)(struct dd_store *s, const char *domain, int64_t time, size_t size,
			    const void *data, size_t len);
	int (*evidence_get)(struct dd_store *s, const char *domain,
			    void (*cb)(void *arg, int64_t time, size_t size, const void *data,
				       size_t len),
			    void *arg);
	/* The distributed audit's queue (below); NULL in a backend without it. */
	int (*q_add)(struct dd_store *s, const char *job, const char *const *names, size_t n,
		     uint64_t *added);
	int (*q_claim)(struct dd_store *s, const char *job, const char *worker, int64_t now,
		       int64_t lease_until, size_t max,
		       void (*cb)(void *arg, const char *domain), void *arg);
	int (*q_done)(struct dd_store *s, const char *job, const char *worker, int64_t now,
		      const struct dd_store_qresult *r, size_t n, const struct dd_store_qcount *c,
		      size_t *stored);
	int (*q_release)(struct dd_store *s, const char *job, const char *worker);
	int (*q_renew)(struct dd_store *s, const char *job, const char *worker,
		       int64_t lease_until, uint64_t *held);
	int (*q_progress)(struct dd_store *s, const char *job, int64_t now,
			  struct dd_store_qprogress *out);
	int (*q_summary)(struct dd_store *s, const char *job,
			 int (*cb)(void *arg, const char *what, const char *key, uint64_t n),
			 void *arg);
};

struct dd_store {
	const struct dd_store_ops *ops;
};

/* Open (creating and migrating) the store named by where: "sqlite:PATH",
 * a path, or "postgresql://...". 0, or a negative dd_err with why set: DD_EUNSUPP (unknown
 * scheme, or a schema newer than this program), DD_EIO, DD_ENOMEM. */
int dd_store_open(struct dd_store **out, const char *where, char why[DD_STORE_WHY_MAX]);
void dd_store_close(struct dd_store *s);

/* Add a domain to watch (nothing when known: its schedule is kept). */
int dd_store_domain_add(struct dd_store *s, const char *domain, const char *group,
			int64_t next_due);
/* A domain's state; DD_ENOTFOUND when the store does not know it. */
int dd_store_dstate_get(struct dd_store *s, const char *domain, struct dd_store_dstate *out);
/* Set a domain's next due time (the schedule after a restart). */
int dd_store_reschedule(struct dd_store *s, const char *domain, int64_t next_due);
/* The round with this id, handed to cb. DD_ENOTFOUND when none. */
int dd_store_round_get(struct dd_store *s, int64_t id,
		       void (*cb)(void *arg, const struct dd_store_round *r), void *arg);
/* Pack a document of len bytes for a commit, with a bound of max bytes
 * (at most DD_STORE_EVIDENCE_MAX): the compression is the costly part, so
 * it is done here, on whatever thread the caller likes, not inside the
 * round's transaction. 0 or DD_ENOMEM; free with dd_store_evidence_free. */
int dd_store_evidence_pack(const char *json, size_t len, size_t max,
			   struct dd_store_evidence *out);
void dd_store_evidence_free(struct dd_store_evidence *e);
/* Commit one round with its events, state, incident change and alerts in
 * one transaction, if the domain's last round is still c->expect_last
 * (DD_ECONFLICT otherwise: another worker stored a round of it since the
 * state was read). On failure nothing is stored. */
int dd_store_commit(struct dd_store *s, const struct dd_store_commit *c);
/* A domain's rounds and events since a time, oldest first, rounds before
 * the events of the same time. */
int dd_store_history(struct dd_store *s, const char *domain, int64_t since,
		     void (*round_cb)(void *arg, const struct dd_store_round *r),
		     void (*event_cb)(void *arg, const struct dd_store_event *e), void *arg);
/* Every domain with its last round, by name. */
int dd_store_status(struct dd_store *s,
		    void (*cb)(void *arg, const struct dd_store_status_row *row), void *arg);
/* Take the undelivered alerts whose next try is at or before due and that
 * no worker holds at now, oldest first, at most max: each is leased to
 * worker until lease_until (dd_store_outbox_done ends the lease) and handed to cb. */
int dd_store_outbox_due(struct dd_store *s, const char *worker, int64_t due, int64_t now, int64_t lease_until,
			size_t max, void (*cb)(void *arg, const struct dd_store_alert *a),
			void *arg);
/* Take the domains due at or before due that no worker holds at now, the
 * earliest first, at most max: each is leased to worker until lease_until
 * (a commit of its round ends the lease) and handed to cb with its due
 * time. */
int dd_store_claim(struct dd_store *s, const char *worker, int64_t due, int64_t now,
		   int64_t lease_until, size_t max,
		   void (*cb)(void *arg, const char *domain, int64_t due), void *arg);
/* End the leases a worker holds, of domains and of alerts (it stops, or
 * it starts again under the same name). */
int dd_store_release(struct dd_store *s, const char *worker);
/* After a delivery attempt: delivered, or retry at next_try (error kept). */
int dd_store_outbox_done(struct dd_store *s, int64_t id, int delivered, int64_t now,
			 int64_t next_try, const char *error);
/* Forget rounds and events older than before, closed incidents closed
 * before it and delivered alerts created before it; a domain's last round
 * and last good round are always kept (the next round is compared with
 * them). */
int dd_store_retain(struct dd_store *s, int64_t before);

/* ---- the dashboard's reads (src/web) ---- */

/* Every domain with its last round's id and facts, by name. */
int dd_store_latest(struct dd_store *s,
		    void (*cb)(void *arg, const struct dd_store_latest_row *row), void *arg);
/* The incidents, the open ones first, then the latest opened; at most max. */
int dd_store_incidents(struct dd_store *s, size_t max,
		       void (*cb)(void *arg, const struct dd_store_incident_row *row), void *arg);
/* A domain's latest dependency graph: the document of `graph --json`
 * (dnsdeps.graph/1) and its DOT, replacing the one before. Not part of a
 * round's transaction: it is the dashboard's picture, not history. */
int dd_store_graph_put(struct dd_store *s, const char *domain, int64_t time, const char *json,
		       const char *dot);
/* The latest graph, handed to cb; DD_ENOTFOUND when none. */
int dd_store_graph_get(struct dd_store *s, const char *domain,
		       void (*cb)(void *arg, int64_t time, const char *json, const char *dot),
		       void *arg);

/* A domain's latest evidence document (dd_store_commit), handed to cb with
 * the time it was gathered: json is the document (len bytes, NUL after
 * them), or NULL when the document (size bytes) was over the watch's
 * bound and not kept. DD_ENOTFOUND when none was kept; DD_EPARSE when the
 * stored bytes do not decompress to the size recorded. */
int dd_store_evidence_get(struct dd_store *s, const char *domain,
			  void (*cb)(void *arg, int64_t time, const char *json, size_t len,
				     size_t size),
			  void *arg);
/* ---- the distributed audit's queue (PostgreSQL; DD_EUNSUPP elsewhere) ----
 * A job (a name: several audits may share a database) is a list of
 * domains. Workers lease batches of them, and store each one's result in
 * the transaction that marks it done, so a domain has one result at most
 * whatever crashes; a lease that ends (its worker died) returns its items. */

/* Add names to job's items; those already there are kept as they are.
 * *added: how many were new. */
int dd_store_queue_add(struct dd_store *s, const char *job, const char *const *names, size_t n,
		       uint64_t *added);
/* Lease to worker until lease_until at most max of job's items left that
 * no worker holds at now, in the order they were added; each to cb. */
int dd_store_queue_claim(struct dd_store *s, const char *job, const char *worker, int64_t now,
			 int64_t lease_until, size_t max,
			 void (*cb)(void *arg, const char *domain), void *arg);
/* In one transaction: each result whose item is not done yet is stored and
 * its item marked done (a result of an item done meanwhile, by a worker
 * that took it after this one's lease ended, is dropped); c is added to the
 * worker's counters. *stored: the results kept. On failure nothing is. */
int dd_store_queue_done(struct dd_store *s, const char *job, const char *worker, int64_t now,
			const struct dd_store_qresult *r, size_t n, const struct dd_store_qcount *c,
			size_t *stored);
/* End worker's leases on job's items (it starts again, or stops). */
int dd_store_queue_release(struct dd_store *s, const char *job, const char *worker);
/* Extend to lease_until every lease worker holds on job's items not done
 * (it is still checking them). *held: how many it holds. */
int dd_store_queue_renew(struct dd_store *s, const char *job, const char *worker,
			 int64_t lease_until, uint64_t *held);
int dd_store_queue_progress(struct dd_store *s, const char *job, int64_t now,
			    struct dd_store_qprogress *out);
/* The summary's counts of job, each as (what, key, n): what is "status" or
 * "layer" (key: the enum's number), "code", "operator", "registrar" (key:
 * the name), or "domains", "no_ns", "single_operator", "reg_unknown",
 * "queries", "shared_queries", "timeouts", "seconds" (key ""). cb's nonzero result
 * stops the reading and is returned. */
int dd_store_queue_summary(struct dd_store *s, const char *job,
			   int (*cb)(void *arg, const char *what, const char *key, uint64_t n),
			   void *arg);

#endif
