/*
 * What the primes scenario's modes share (Fluent Python's primes.py and the
 * four programs built on it: sequential.py, threads.py, procs.py and
 * proc_pool.py).  primes.c holds the scenario and its sequential and
 * threads modes; primes_procs.c the two modes that use processes.
 */
#ifndef CV_PRIMES_PRIVATE_H
#define CV_PRIMES_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"

/* NUMBERS of primes.py: twenty numbers up to 10**16, half of them prime. */
#define CV_PRIMES_BOOK_COUNT 20
extern const uint64_t cv_primes__book_numbers[CV_PRIMES_BOOK_COUNT];

/* Called by cv_primes__is_prime every CV_PRIMES_POLL_EVERY divisions with
 * `ctx`: a thread under the GIL offers it there (CPython's eval breaker),
 * and a run asked to stop says so.  Returns false to stop the check. */
typedef bool (*cv_primes_poll)(void *ctx);
#define CV_PRIMES_POLL_EVERY 1024u

/* is_prime(n) of primes.py, by trial division over the odd numbers up to
 * isqrt(n), each division done `rounds` times over (rounds >= 1: C divides
 * far faster than CPython, and a check should take long enough to watch).
 * poll may be NULL.  *stopped (may be NULL) says whether poll cut it short;
 * the answer is then false and means nothing. */
bool cv_primes__is_prime(uint64_t n, unsigned rounds, cv_primes_poll poll, void *ctx,
                         bool *stopped);

/* def check(n): t0 = perf_counter(); res = is_prime(n); ...  The book's
 * check, shared by every mode: *prime gets is_prime's answer (arguments as
 * for cv_primes__is_prime) and the return value is how long it took, in
 * ns. */
int64_t cv_primes__check(uint64_t n, unsigned rounds, cv_primes_poll poll, void *ctx, bool *prime,
                         bool *stopped);

/* math.isqrt: the largest r with r * r <= n. */
uint64_t cv_primes__isqrt(uint64_t n);

/* How long one trial division takes here: the best of a few short timings
 * (some milliseconds in all) of is_prime on a large prime, cut short by
 * its poll, since a single one is easily stretched by another thread
 * taking the core.  0 if the clock saw no time pass. */
double cv_primes__seconds_per_division(void);

/* One result line, as every primes program prints it:
 *     f'{n:16}  {label} {elapsed:9.6f}s'   with label 'P' or ' '. */
void cv_primes__format(char *buf, size_t len, uint64_t n, bool prime, double elapsed_s);

/* The process modes (primes_procs.c), called by primes.c's run with the
 * numbers to check, the worker count and the rounds per division.  They
 * print the book's lines and return the scenario's status (0, or 1 after
 * logging what went wrong). */
int cv_primes__run_procs(cv_run *run, const uint64_t *numbers, size_t count, int workers,
                         unsigned rounds);
int cv_primes__run_pool(cv_run *run, const uint64_t *numbers, size_t count, int workers,
                        unsigned rounds);

#endif
