/* map.c: chained hash map with case-insensitive string keys (FNV-1a on
 * lower-cased bytes), doubling when the load passes one. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/map.h"

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (uint64_t)tolower((unsigned char)*s);
		h *= 1099511628211ULL;
	}
	return h;
}

void dd_map_init(struct dd_map *m)
{
	memset(m, 0, sizeof(*m));
}

void dd_map_free(struct dd_map *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct dd_map_item *it = m->buckets[i];
		while (it) {
			struct dd_map_item *next = it->next;
			free(it);
			it = next;
		}
	}
	free(m->buckets);
	memset(m, 0, sizeof(*m));
}

void *dd_map_get(const struct dd_map *m, const char *key)
{
	if (m->nbuckets == 0)
		return NULL;
	for (struct dd_map_item *it = m->buckets[hash_key(key) % m->nbuckets]; it; it = it->next)
		if (strcasecmp(it->key, key) == 0)
			return it->value;
	return NULL;
}

static int grow(struct dd_map *m)
{
	size_t n = m->nbuckets ? m->nbuckets * 2 : 64;
	struct dd_map_item **b = calloc(n, sizeof(*b));

	if (!b)
		return DD_ENOMEM;
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct dd_map_item *it = m->buckets[i];
		while (it) {
			struct dd_map_item *next = it->next;
			size_t h = hash_key(it->key) % n;
			it->next = b[h];
			b[h] = it;
			it = next;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
	return 0;
}

int dd_map_set(struct dd_map *m, const char *key, void *value)
{
	struct dd_map_item *it;
	size_t h, klen = strlen(key);

	if (m->nbuckets) {
		for (it = m->buckets[hash_key(key) % m->nbuckets]; it; it = it->next)
			if (strcasecmp(it->key, key) == 0) {
				it->value = value;
				return 0;
			}
	}
	if (m->count >= m->nbuckets && grow(m) != 0)
		return DD_ENOMEM;
	it = malloc(sizeof(*it) + klen + 1);
	if (!it)
		return DD_ENOMEM;
	memcpy(it->key, key, klen + 1);
	it->value = value;
	h = hash_key(key) % m->nbuckets;
	it->next = m->buckets[h];
	m->buckets[h] = it;
	m->count++;
	return 0;
}

void *dd_map_del(struct dd_map *m, const char *key)
{
	struct dd_map_item **pp;

	if (m->nbuckets == 0)
		return NULL;
	for (pp = &m->buckets[hash_key(key) % m->nbuckets]; *pp; pp = &(*pp)->next)
		if (strcasecmp((*pp)->key, key) == 0) {
			struct dd_map_item *it = *pp;
			void *value = it->value;
			*pp = it->next;
			free(it);
			m->count--;
			return value;
		}
	return NULL;
}

void dd_map_each(const struct dd_map *m, void (*fn)(void *arg, const char *key, void *value),
		 void *arg)
{
	for (size_t i = 0; i < m->nbuckets; i++)
		for (struct dd_map_item *it = m->buckets[i]; it; it = it->next)
			fn(arg, it->key, it->value);
}
