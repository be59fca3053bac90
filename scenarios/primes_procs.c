/* primes' process modes: not built yet (issue 13, the process pool). */
#include "primes_private.h"

int cv_primes__run_procs(cv_run *run, const uint64_t *numbers, size_t count, int workers,
                         unsigned rounds)
{
    (void)numbers, (void)count, (void)workers, (void)rounds;
    cv_run_log(run, "primes --mode procs is not built yet");
    return 1;
}

int cv_primes__run_pool(cv_run *run, const uint64_t *numbers, size_t count, int workers,
                        unsigned rounds)
{
    (void)numbers, (void)count, (void)workers, (void)rounds;
    cv_run_log(run, "primes --mode pool is not built yet");
    return 1;
}
