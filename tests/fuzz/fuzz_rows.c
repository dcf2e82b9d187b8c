/* fuzz_rows.c: what the store holds, read back. A store's rows are written
 * by dnsdeps, but the file is outside it (a shared SQLite file, a
 * PostgreSQL database others write to), so every reader of them treats
 * them as untrusted: the watch's change events from the previous round's
 * facts (dd_watch_events), an outbox alert's payload (dd_watch_alert_text),
 * and the dashboard's rows, API documents and metrics from the facts,
 * findings and summary of a committed round (src/web: rows.c, api.c).
 * Input: up to five NUL-separated parts, the previous facts, the current
 * facts, the findings, an alert payload and the summary; the last three
 * go into a real in-memory SQLite store. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "fuzz.h"
#include "store/store.h"
#include "watch/watch.h"
#include "web/web.h"

#define PARTS 5

/* Split data at NUL bytes into at most PARTS strings (copies in buf). */
static void split(const uint8_t *data, size_t size, char *buf, const char *part[PARTS])
{
	size_t n = 0;

	memcpy(buf, data, size);
	buf[size] = '\0';
	part[n++] = buf;
	for (size_t i = 0; i < size && n < PARTS; i++)
		if (buf[i] == '\0')
			part[n++] = buf + i + 1;
	while (n < PARTS)
		part[n++] = "";
}

static void events(const char *prev_text, const char *cur_text)
{
	json_t *prev = json_loads(prev_text, 0, NULL), *cur = json_loads(cur_text, 0, NULL);
	struct dd_watch_event ev[DD_WATCH_MAX_EVENTS];

	if (cur)
		(void)dd_watch_events(prev, cur, 30, ev, DD_WATCH_MAX_EVENTS);
	json_decref(prev);
	json_decref(cur);
}

static void alert(const char *payload)
{
	struct dd_buf b;
	char subject[256];

	dd_buf_init(&b);
	(void)dd_watch_alert_text(payload, &b, subject, sizeof(subject));
	dd_buf_free(&b);
}

static void page(struct dd_store *st, const char *path)
{
	struct dd_buf b;
	const char *ctype;
	int status;

	dd_buf_init(&b);
	(void)dd_web_api(st, NULL, NULL, path, NULL, 1800000000, &status, &ctype, &b);
	dd_buf_free(&b);
}

static void stored(const char *facts, const char *findings, const char *summary)
{
	struct dd_store *st;
	char why[DD_STORE_WHY_MAX];
	struct dd_store_round r = { .domain = "fuzz.test.", .time = 1700000000, .status = 2,
				    .layer = 3, .summary = summary, .findings = findings,
				    .facts = facts, .digest = "00", .content_key = "k" };
	struct dd_store_dstate ds = { .next_due = 1700000060 };
	struct dd_store_incident inc = { 0 };
	struct dd_store_commit c = { .round = &r, .state = &ds, .incident = &inc };
	struct dd_web_counters counters = { 0 };
	struct dd_buf b;

	if (dd_store_open(&st, ":memory:", why) != 0)
		return;
	if (dd_store_domain_add(st, "fuzz.test.", "", 0) == 0 && dd_store_commit(st, &c) == 0) {
		page(st, "domains");
		page(st, "domains/fuzz.test.");
		page(st, "domains/fuzz.test./history");
		page(st, "incidents");
		dd_buf_init(&b);
		(void)dd_web_metrics(st, NULL, &counters, &b);
		dd_buf_free(&b);
	}
	dd_store_close(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	const char *part[PARTS];

	if (!buf)
		return 0;
	split(data, size, buf, part);
	events(part[0], part[1]);
	alert(part[3]);
	stored(part[1], part[2], part[4]);
	free(buf);
	return 0;
}
