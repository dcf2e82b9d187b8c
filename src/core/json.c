/* json.c: writing JSON documents with jansson (json.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/esc.h"
#include "core/json.h"

json_t *dd_json_str(struct dd_json *j, const char *s)
{
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	if (!v) {
		/* Not valid UTF-8: keep a visible, escaped form. */
		char *e = dd_esc_dup(s, strlen(s));
		v = e ? json_string(e) : NULL;
		free(e);
	}
	if (!v)
		j->failed = 1;
	return v;
}

void dd_json_put(struct dd_json *j, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		j->failed = 1;
}

void dd_json_append(struct dd_json *j, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) != 0)
		j->failed = 1;
}

json_t *dd_json_uint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

json_t *dd_json_int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

json_t *dd_json_ms(double v)
{
	/* Three decimals are plenty; keeps documents short and stable. */
	return v < 0 ? json_null() : json_real((double)(long long)(v * 1000.0 + 0.5) / 1000.0);
}

json_t *dd_json_tri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

int dd_json_print(const struct dd_json *j, json_t *doc, size_t flags, struct dd_buf *out)
{
	char *text = j->failed ? NULL : json_dumps(doc, flags);

	json_decref(doc);
	if (!text)
		return DD_ENOMEM;
	dd_buf_puts(out, text);
	dd_buf_puts(out, "\n");
	free(text);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
