/* list.h: an intrusive doubly linked list, for the caches that keep their
 * entries in the order of use (least recently used last) and the pools
 * that keep idle things oldest first. An entry embeds a struct
 * dd_list_node; the node points back at its entry, so no cast or offset
 * arithmetic is needed to get from one to the other. */
#ifndef DD_CORE_LIST_H
#define DD_CORE_LIST_H

#include <stddef.h>

struct dd_list_node {
	struct dd_list_node *prev, *next;
	void *item;  /* the entry this node is embedded in */
	int linked;  /* in a list now */
};

struct dd_list {
	struct dd_list_node *head, *tail;
	size_t n;
};

/* Put item (whose node is node) first, or last. The node must not be in a list. */
void dd_list_push_head(struct dd_list *l, struct dd_list_node *node, void *item);
void dd_list_push_tail(struct dd_list *l, struct dd_list_node *node, void *item);
/* Take node out of l; nothing when it is not linked. */
void dd_list_unlink(struct dd_list *l, struct dd_list_node *node);
/* Move node (linked in l or not) to the head: "just used". */
void dd_list_touch(struct dd_list *l, struct dd_list_node *node, void *item);
/* The first and last entries, NULL when the list is empty. */
void *dd_list_head(const struct dd_list *l);
void *dd_list_tail(const struct dd_list *l);

#endif
