/* map.h: a string-keyed hash map (case-insensitive keys, as domain names
 * are). The map owns copies of the keys, not the values. */
#ifndef DD_CORE_MAP_H
#define DD_CORE_MAP_H

#include <stddef.h>

struct dd_map_item {
	struct dd_map_item *next;
	void *value;
	char key[]; /* NUL-terminated copy */
};

struct dd_map {
	struct dd_map_item **buckets;
	size_t nbuckets;
	size_t count;
};

void dd_map_init(struct dd_map *m);
/* Frees the map's own memory; values are the caller's (see dd_map_each). */
void dd_map_free(struct dd_map *m);
void *dd_map_get(const struct dd_map *m, const char *key);
/* Insert or replace. Returns 0 or DD_ENOMEM. */
int dd_map_set(struct dd_map *m, const char *key, void *value);
/* Remove key; returns its value (the caller's to free) or NULL when absent. */
void *dd_map_del(struct dd_map *m, const char *key);
/* Call fn for every item, in no particular order. */
void dd_map_each(const struct dd_map *m, void (*fn)(void *arg, const char *key, void *value),
		 void *arg);

#endif
