/* primes.py for every mode of the primes scenario: the numbers, is_prime
 * and the result line. */
#include <inttypes.h>
#include <stdio.h>

#include "clock.h"

#include "primes_private.h"

const uint64_t cv_primes__book_numbers[CV_PRIMES_BOOK_COUNT] = {
    2ULL,
    142702110479723ULL,
    299593572317531ULL,
    3333333333333301ULL,
    3333333333333333ULL,
    3333335652092209ULL,
    4444444444444423ULL,
    4444444444444444ULL,
    4444444488888889ULL,
    5555553133149889ULL,
    5555555555555503ULL,
    5555555555555555ULL,
    6666666666666666ULL,
    6666666666666719ULL,
    6666667141414921ULL,
    7777777536340681ULL,
    7777777777777753ULL,
    7777777777777777ULL,
    9999999999999917ULL,
    9999999999999999ULL,
};

/* math.isqrt: the largest r with r * r <= n, digit by digit in base 4, so
 * no floating point rounds it wrong near 2**64. */
uint64_t cv_primes__isqrt(uint64_t n)
{
    uint64_t r = 0;
    for (uint64_t bit = (uint64_t)1 << 62; bit != 0; bit >>= 2) {
        if (n >= r + bit) {
            n -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return r;
}

/* n % i, `rounds` times over: the extra rounds make C's division as slow
 * to watch as CPython's.  The volatile keeps the compiler from folding the
 * repeats into one. */
static bool divides(uint64_t n, uint64_t i, unsigned rounds)
{
    volatile uint64_t divisor = i;
    uint64_t rest = n % divisor;
    for (unsigned k = 1; k < rounds; k++)
        rest |= n % divisor;
    return rest == 0;
}

bool cv_primes__is_prime(uint64_t n, unsigned rounds, cv_primes_poll poll, void *ctx,
                         bool *stopped)
{
    if (stopped != NULL)
        *stopped = false;
    if (rounds == 0)
        rounds = 1;
    if (n < 2)                        /* if n < 2: return False */
        return false;
    if (n == 2)                       /* if n == 2: return True */
        return true;
    if (n % 2 == 0)                   /* if n % 2 == 0: return False */
        return false;
    uint64_t root = cv_primes__isqrt(n);     /* root = math.isqrt(n) */
    unsigned until_poll = CV_PRIMES_POLL_EVERY;
    /* for i in range(3, root + 1, 2): if n % i == 0: return False */
    for (uint64_t i = 3; i <= root; i += 2) {
        if (divides(n, i, rounds))
            return false;
        if (poll != NULL && --until_poll == 0) {
            until_poll = CV_PRIMES_POLL_EVERY;
            if (!poll(ctx)) {
                if (stopped != NULL)
                    *stopped = true;
                return false;
            }
        }
    }
    return true;                      /* return True */
}

int64_t cv_primes__check(uint64_t n, unsigned rounds, cv_primes_poll poll, void *ctx, bool *prime,
                         bool *stopped)
{
    int64_t t0 = cv_clock_mono_ns();
    *prime = cv_primes__is_prime(n, rounds, poll, ctx, stopped);
    return cv_clock_mono_ns() - t0;
}

void cv_primes__format(char *buf, size_t len, uint64_t n, bool prime, double elapsed_s)
{
    snprintf(buf, len, "%16" PRIu64 "  %c %9.6fs", n, prime ? 'P' : ' ', elapsed_s);
}

typedef struct probe {
    unsigned polls_left;
} probe;

static bool probe_poll(void *ctx)
{
    probe *p = ctx;
    return --p->polls_left > 0;
}

double cv_primes__seconds_per_division(void)
{
    double best = 0;
    const unsigned polls = 128;
    for (int k = 0; k < 5; k++) {
        probe p = {polls};
        int64_t t0 = cv_clock_mono_ns();
        cv_primes__is_prime(cv_primes__book_numbers[CV_PRIMES_BOOK_COUNT - 2], 1, probe_poll, &p,
                            NULL);
        double each = (double)(cv_clock_mono_ns() - t0) / 1e9 / (polls * CV_PRIMES_POLL_EVERY);
        if (each > 0 && (best == 0 || each < best))
            best = each;
    }
    return best;
}
