/* cv_distinct (see distinct.h): sort (key, place) pairs, keep the first
 * of each run of equal keys, and sort what is kept back into place order. */
#include "distinct.h"

#include <stdlib.h>

typedef struct keyed {
    uintptr_t key;
    size_t at;
} keyed;

static int by_key_then_place(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

static int by_place(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

size_t cv_distinct(uintptr_t *keys, size_t n)
{
    keyed *s = malloc((n ? n : 1) * sizeof *s);
    if (s == NULL)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        s[i] = (keyed){keys[i], i};
    qsort(s, n, sizeof *s, by_key_then_place);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || s[i].key != s[i - 1].key)
            s[k++] = s[i];
    qsort(s, k, sizeof *s, by_place);
    for (size_t i = 0; i < k; i++)
        keys[i] = s[i].key;
    free(s);
    return k;
}
