/* fixture.c: reading the unit tests' data files (fixture.h). Used from
 * within cmocka tests: a file that cannot be read or loaded fails the test
 * with its path and the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define MAX_STRINGS 128

struct dd_evidence *fx_evidence(const char *dir, const char *name)
{
	char path[1024], err[256];
	struct dd_evidence *ev = NULL;

	snprintf(path, sizeof(path), "%s/%s/%s", DD_TEST_DATA, dir, name);
	if (dd_ev_load_file(path, &ev, err, sizeof(err)) != 0)
		fail_msg("%s: %s", path, err);
	return ev;
}

char *fx_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *text;

	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

json_t *fx_next_doc(DIR *d, const char *dir, const char **name)
{
	struct dirent *e;

	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char path[1024];
		json_error_t je;
		json_t *doc;

		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		doc = json_load_file(path, 0, &je);
		if (!doc)
			fail_msg("%s: line %d: %s", path, je.line, je.text);
		*name = e->d_name;
		return doc;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void fx_join_sorted(const char **v, size_t n, const char *sep, char *out, size_t outlen)
{
	size_t o = 0;

	qsort(v, n, sizeof(v[0]), cmp_str);
	out[0] = '\0';
	for (size_t i = 0; i < n && o < outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s", i ? sep : "", v[i]);
}

void fx_sorted(const json_t *arr, const char *sep, char *out, size_t outlen)
{
	const char *v[MAX_STRINGS];
	size_t n = 0, i;
	json_t *x;

	json_array_foreach(arr, i, x)
		if (n < MAX_STRINGS)
			v[n++] = json_string_value(x);
	fx_join_sorted(v, n, sep, out, outlen);
}

void fx_codes(const struct dd_chk_findings *f, const char *prefix, char *out, size_t outlen)
{
	const char *v[MAX_STRINGS];
	size_t n = 0;

	for (size_t i = 0; i < f->n && n < MAX_STRINGS; i++)
		if (strncmp(f->v[i].def->code, prefix, strlen(prefix)) == 0)
			v[n++] = f->v[i].def->code;
	fx_join_sorted(v, n, " ", out, outlen);
}
