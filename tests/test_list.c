/* The base layer: the intrusive list, the notice and the return codes. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "list.h"
#include "notice.h"

typedef struct item {
    int value;
    cv_list node;
} item;

/* The values on `head`, in list order, into out; returns how many. */
static size_t values(const cv_list *head, int *out, size_t cap)
{
    size_t n = 0;
    cv_list *node, *tmp;
    cv_list_foreach(node, tmp, head) {
        if (n < cap)
            out[n] = cv_list_entry(node, item, node)->value;
        n++;
    }
    return n;
}

static void assert_values(const cv_list *head, const int *want, size_t n)
{
    int got[16];
    assert_int_equal(values(head, got, 16), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
    /* Backwards too, so that the prev links agree with the next links. */
    size_t i = n;
    for (const cv_list *node = head->prev; node != head; node = node->prev)
        assert_int_equal(cv_list_entry(node, item, node)->value, want[--i]);
    assert_int_equal(i, 0);
}

static void test_empty_list(void **state)
{
    (void)state;
    cv_list head;
    cv_list_init(&head);
    assert_true(cv_list_empty(&head));
    assert_values(&head, NULL, 0);
    item a = {.value = 1};
    assert_false(cv_list_linked(&a.node)); /* a zeroed node is on no list */
}

static void test_insert_tail_is_fifo_and_head_is_lifo(void **state)
{
    (void)state;
    item it[4] = {{.value = 0}, {.value = 1}, {.value = 2}, {.value = 3}};
    cv_list fifo, lifo;
    cv_list_init(&fifo);
    cv_list_init(&lifo);
    for (int i = 0; i < 3; i++)
        cv_list_insert_tail(&fifo, &it[i].node);
    assert_false(cv_list_empty(&fifo));
    assert_values(&fifo, (int[]){0, 1, 2}, 3);
    assert_ptr_equal(cv_list_entry(cv_list_first(&fifo), item, node), &it[0]);
    assert_ptr_equal(cv_list_entry(cv_list_last(&fifo), item, node), &it[2]);

    cv_list_insert_head(&lifo, &it[3].node);
    assert_values(&lifo, (int[]){3}, 1);
    cv_list_remove(&it[3].node);
    for (int i = 0; i < 3; i++) {
        cv_list_remove(&it[i].node);
        cv_list_insert_head(&lifo, &it[i].node);
    }
    assert_true(cv_list_empty(&fifo));
    assert_values(&lifo, (int[]){2, 1, 0}, 3);
}

static void test_remove_from_anywhere(void **state)
{
    (void)state;
    item it[5];
    cv_list head;
    cv_list_init(&head);
    for (int i = 0; i < 5; i++) {
        it[i] = (item){.value = i};
        cv_list_insert_tail(&head, &it[i].node);
        assert_true(cv_list_linked(&it[i].node));
    }
    cv_list_remove(&it[2].node); /* middle */
    assert_false(cv_list_linked(&it[2].node));
    assert_values(&head, (int[]){0, 1, 3, 4}, 4);
    cv_list_remove(&it[0].node); /* first */
    assert_values(&head, (int[]){1, 3, 4}, 3);
    cv_list_remove(&it[4].node); /* last */
    assert_values(&head, (int[]){1, 3}, 2);
    cv_list_insert_tail(&head, &it[2].node); /* a removed node can come back */
    assert_values(&head, (int[]){1, 3, 2}, 3);
}

static void test_foreach_may_remove_the_current_node(void **state)
{
    (void)state;
    item it[6];
    cv_list head, odd;
    cv_list_init(&head);
    cv_list_init(&odd);
    for (int i = 0; i < 6; i++) {
        it[i] = (item){.value = i};
        cv_list_insert_tail(&head, &it[i].node);
    }
    cv_list *node, *tmp;
    int seen = 0;
    cv_list_foreach(node, tmp, &head) {
        item *x = cv_list_entry(node, item, node);
        seen++;
        if (x->value % 2 != 0) {
            cv_list_remove(node);
            cv_list_insert_tail(&odd, node);
        }
    }
    assert_int_equal(seen, 6);
    assert_values(&head, (int[]){0, 2, 4}, 3);
    assert_values(&odd, (int[]){1, 3, 5}, 3);
}

static void test_move_keeps_order(void **state)
{
    (void)state;
    item it[3];
    cv_list from, to;
    cv_list_init(&from);
    for (int i = 0; i < 3; i++) {
        it[i] = (item){.value = i};
        cv_list_insert_tail(&from, &it[i].node);
    }
    cv_list_move(&from, &to);
    assert_true(cv_list_empty(&from));
    assert_values(&to, (int[]){0, 1, 2}, 3);
    cv_list_move(&from, &to); /* moving an empty list empties the target */
    assert_true(cv_list_empty(&to));
}

/* ---- the notice ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_notice_set_before_wait(void **state)
{
    (void)state;
    cv_notice n;
    cv_notice_init(&n);
    assert_false(cv_notice_is_set(&n));
    assert_false(cv_notice_wait_for(&n, 0));
    cv_notice_set(&n);
    assert_true(cv_notice_is_set(&n));
    double t0 = now();
    assert_true(cv_notice_wait_for(&n, 10));
    assert_true(now() - t0 < 1); /* at once, not after the timeout */
    cv_notice_set(&n);           /* again: harmless */
    assert_true(cv_notice_is_set(&n));
    cv_notice_destroy(&n);
}

static void test_notice_timed_wait_times_out(void **state)
{
    (void)state;
    cv_notice n;
    cv_notice_init(&n);
    double t0 = now();
    assert_false(cv_notice_wait_for(&n, 0.05));
    double took = now() - t0;
    assert_true(took >= 0.05);
    assert_true(took < 2); /* generous: the machine may be loaded */
    cv_notice_destroy(&n);
}

static void *set_later(void *arg)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    cv_notice_set(arg);
    return NULL;
}

static void test_notice_set_wakes_a_waiter(void **state)
{
    (void)state;
    cv_notice n;
    cv_notice_init(&n);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, set_later, &n), 0);
    double t0 = now();
    assert_true(cv_notice_wait_for(&n, 30));
    double took = now() - t0;
    pthread_join(th, NULL);
    assert_true(took < 10); /* woken by the set, long before the timeout */
    cv_notice_destroy(&n);
}

/* ---- return codes ---- */

static void test_every_code_has_its_own_words(void **state)
{
    (void)state;
    const char *unknown = cv_strerror(CV_ELAST - 1);
    assert_non_null(unknown);
    for (int a = CV_ELAST; a <= 0; a++) {
        const char *wa = cv_strerror(a);
        assert_non_null(wa);
        assert_true(wa[0] != '\0');
        assert_string_not_equal(wa, unknown);
        for (int b = a + 1; b <= 0; b++)
            assert_string_not_equal(wa, cv_strerror(b));
    }
    assert_string_equal(cv_strerror(1), unknown);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_list),
        cmocka_unit_test(test_insert_tail_is_fifo_and_head_is_lifo),
        cmocka_unit_test(test_remove_from_anywhere),
        cmocka_unit_test(test_foreach_may_remove_the_current_node),
        cmocka_unit_test(test_move_keeps_order),
        cmocka_unit_test(test_notice_set_before_wait),
        cmocka_unit_test(test_notice_timed_wait_times_out),
        cmocka_unit_test(test_notice_set_wakes_a_waiter),
        cmocka_unit_test(test_every_code_has_its_own_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
