/* list.c: the intrusive doubly linked list of list.h. */
#include "core/list.h"

void dd_list_push_head(struct dd_list *l, struct dd_list_node *node, void *item)
{
	node->item = item;
	node->prev = NULL;
	node->next = l->head;
	if (l->head)
		l->head->prev = node;
	else
		l->tail = node;
	l->head = node;
	node->linked = 1;
	l->n++;
}

void dd_list_push_tail(struct dd_list *l, struct dd_list_node *node, void *item)
{
	node->item = item;
	node->next = NULL;
	node->prev = l->tail;
	if (l->tail)
		l->tail->next = node;
	else
		l->head = node;
	l->tail = node;
	node->linked = 1;
	l->n++;
}

void dd_list_unlink(struct dd_list *l, struct dd_list_node *node)
{
	if (!node->linked)
		return;
	if (node->prev)
		node->prev->next = node->next;
	else
		l->head = node->next;
	if (node->next)
		node->next->prev = node->prev;
	else
		l->tail = node->prev;
	node->prev = node->next = NULL;
	node->linked = 0;
	l->n--;
}

void dd_list_touch(struct dd_list *l, struct dd_list_node *node, void *item)
{
	dd_list_unlink(l, node);
	dd_list_push_head(l, node, item);
}

void *dd_list_head(const struct dd_list *l)
{
	return l->head ? l->head->item : NULL;
}

void *dd_list_tail(const struct dd_list *l)
{
	return l->tail ? l->tail->item : NULL;
}
