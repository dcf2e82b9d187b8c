/* test_ev_golden.c: the evidence format does not move. Every saved evidence
 * document in the repository (the unit fixtures, the graph fixtures and the
 * fuzz corpus) is loaded and saved again; what came out (the saved bytes'
 * length and FNV-1a hash, or the refusal's code and message) must equal the
 * line recorded in data/evidence-golden.txt, which was written by the code
 * before the format was made declarative. Damaged variants of two fixtures
 * (one byte changed every third byte) are summed into one line each: how
 * many were refused, and a hash of what the others saved and of the
 * refusals' codes (their messages are compared for the whole documents).
 *
 * To record the file again after an intended change of the format:
 * DD_GOLDEN_WRITE=1 build/tests/unit/test_ev_golden (then review the diff). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/evidence.h"
#include "fixture.h"

#define GOLDEN DD_TEST_DATA "/evidence-golden.txt"
#define MAX_NAMES 1024

/* The directories, relative to tests/, holding documents: their *.json
 * files, or every file (a fuzz corpus). */
static const struct {
	const char *dir;
	int every_file;
} dirs[] = {
	{ "unit/data/evidence", 0 },
	{ "unit/data/evidence-reg", 0 },
	{ "unit/data/graph", 0 },
	{ "fuzz/corpus/evidence", 1 },
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* What loading and saving len bytes of text gives, as one line's tail. */
static void outcome(const char *text, size_t len, char *out, size_t outlen)
{
	struct dd_evidence *ev = NULL;
	char err[256] = "";
	int rc = dd_ev_load_json(text, len, &ev, err, sizeof(err));
	char *saved;

	if (rc != 0) {
		snprintf(out, outlen, "refused %d %s", rc, err);
		return;
	}
	saved = dd_ev_save_json(ev);
	assert_non_null(saved);
	snprintf(out, outlen, "saved %zu %016llx", strlen(saved),
		 (unsigned long long)fnv(14695981039346656037ull, saved, strlen(saved)));
	free(saved);
	dd_ev_free(ev);
}

/* The file at path, whole (a corpus file may be empty or hold NUL bytes). */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t cap = 0, n;

	if (!f)
		fail_msg("cannot open %s", path);
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			text = realloc(text, cap + 1);
			assert_non_null(text);
		}
		n = fread(text + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	text[*len] = '\0';
	return text;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file names of dir (those ending in .json unless every_file), sorted,
 * into names (count returned). */
static size_t list_dir(const char *dir, int every_file, char **names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		fail_msg("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' ||
		    (!every_file && (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)))
			continue;
		assert_true(n < MAX_NAMES);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	return n;
}

static void add_line(char **all, size_t *len, const char *line)
{
	size_t n = strlen(line);
	char *p = realloc(*all, *len + n + 2);

	assert_non_null(p);
	memcpy(p + *len, line, n);
	p[*len + n] = '\n';
	*len += n + 1;
	p[*len] = '\0';
	*all = p;
}

/* One line summing every damaged variant of the document at path. */
static void damaged(const char *path, const char *name, char **all, size_t *len)
{
	char *text, res[512], line[1024];
	size_t n, refused = 0;
	uint64_t h = 14695981039346656037ull;

	text = read_all(path, &n);
	for (size_t at = 0; at < n; at += 3) {
		char keep = text[at];
		text[at] = (char)(keep == '"' ? '\x01' : '"');
		outcome(text, n, res, sizeof(res));
		if (strncmp(res, "refused", 7) == 0) {
			refused++;
			*strchr(res + 8, ' ') = '\0'; /* the code, not the message */
		}
		h = fnv(h, res, strlen(res) + 1);
		text[at] = keep;
	}
	snprintf(line, sizeof(line), "damaged:%s %zu refused %016llx", name, refused,
		 (unsigned long long)h);
	add_line(all, len, line);
	free(text);
}

static char *all_outcomes(void)
{
	char *all = NULL, *names[MAX_NAMES], res[512], line[1024], path[1024];
	size_t len = 0;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char dir[512];
		size_t n;
		snprintf(dir, sizeof(dir), "%s/../../%s", DD_TEST_DATA, dirs[d].dir);
		n = list_dir(dir, dirs[d].every_file, names);
		for (size_t i = 0; i < n; i++) {
			size_t tlen;
			char *text;
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			text = read_all(path, &tlen);
			outcome(text, tlen, res, sizeof(res));
			snprintf(line, sizeof(line), "%s/%s %s", dirs[d].dir, names[i], res);
			add_line(&all, &len, line);
			free(text);
			free(names[i]);
		}
	}
	damaged(DD_TEST_DATA "/evidence/purism-outage.json", "purism-outage.json", &all, &len);
	damaged(DD_TEST_DATA "/evidence/healthy.json", "healthy.json", &all, &len);
	return all;
}

static void golden(void **state)
{
	char *now = all_outcomes(), *want;
	const char *a, *b;
	size_t len;

	(void)state;
	if (getenv("DD_GOLDEN_WRITE")) {
		FILE *f = fopen(GOLDEN, "w");
		assert_non_null(f);
		fputs(now, f);
		fclose(f);
	}
	want = read_all(GOLDEN, &len);
	for (a = now, b = want; *a || *b;) { /* the first line that differs */
		const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
		size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
		if (la != lb || memcmp(a, b, la) != 0)
			fail_msg("evidence golden differs:\n  now:    %.*s\n  golden: %.*s", (int)la,
				 a, (int)lb, b);
		a += la + (ea != NULL);
		b += lb + (eb != NULL);
	}
	free(now);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
