/*
 * One intrusive doubly linked list for the whole project, after libuv's
 * queue.h.  A list is a circular chain through a head node, so insertion
 * and removal never test for an end and an element leaves the list from
 * anywhere in constant time, without knowing which list holds it.  The
 * node lives inside the element; cv_list_entry() gets the element back.
 *
 * An element's node that is on no list has both links NULL (a zeroed
 * struct is such a node), so cv_list_linked() tells whether it is on one.
 * A head must be cv_list_init()ed, and must not move while it is in use:
 * the chain points at it.
 */
#ifndef CV_LIST_H
#define CV_LIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cv_list {
    struct cv_list *prev, *next;
} cv_list;

/* The element of type `type` whose member `field` is the node `ptr`. */
#define cv_list_entry(ptr, type, field) ((type *)(void *)((char *)(ptr) - offsetof(type, field)))

/* Visits every node of `head` in order.  The loop body may remove `node`
 * (and only it): `tmp` already holds the next one. */
#define cv_list_foreach(node, tmp, head)                                       \
    for ((node) = (head)->next, (tmp) = (node)->next; (node) != (head);        \
         (node) = (tmp), (tmp) = (node)->next)

static inline void cv_list_init(cv_list *head)
{
    head->prev = head->next = head;
}

static inline bool cv_list_empty(const cv_list *head)
{
    return head->next == head;
}

/* The first and last nodes of a non-empty list. */
static inline cv_list *cv_list_first(const cv_list *head)
{
    return head->next;
}

static inline cv_list *cv_list_last(const cv_list *head)
{
    return head->prev;
}

/* True if the node is on a list (a head is always "on" its own). */
static inline bool cv_list_linked(const cv_list *node)
{
    return node->next != NULL;
}

static inline void cv_list_insert_head(cv_list *head, cv_list *node)
{
    node->next = head->next;
    node->prev = head;
    head->next->prev = node;
    head->next = node;
}

static inline void cv_list_insert_tail(cv_list *head, cv_list *node)
{
    node->next = head;
    node->prev = head->prev;
    head->prev->next = node;
    head->prev = node;
}

/* Takes a linked node off its list and leaves it unlinked. */
static inline void cv_list_remove(cv_list *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->prev = node->next = NULL;
}

/* Moves every node of `from`, in order, to the empty head `to`; `from` is
 * left empty. */
static inline void cv_list_move(cv_list *from, cv_list *to)
{
    if (cv_list_empty(from)) {
        cv_list_init(to);
        return;
    }
    to->next = from->next;
    to->prev = from->prev;
    to->next->prev = to;
    to->prev->next = to;
    cv_list_init(from);
}

#endif
