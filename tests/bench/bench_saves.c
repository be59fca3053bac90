/*
 * Atomic saves from many threads into one directory, as the flags thread
 * pool does them: THREADS threads each save FILES files of SIZE bytes
 * through atomic_file.h, first under new names, then again over the files
 * just made (a second run into the same --dest).  Prints the wall time of
 * each round and the µs per save.  The directory is made under DIR
 * (default: the current directory) and removed afterwards.
 *
 * usage: bench_saves [DIR]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "clock.h"

#define THREADS 100
#define FILES 20
#define SIZE (40 * 1024)

static char dir[4096];
static unsigned char data[SIZE];
static pthread_barrier_t start;

static void *saver(void *arg)
{
    int me = (int)(long)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < FILES; i++) {
        char path[4200], err[256];
        snprintf(path, sizeof path, "%s/%03d-%02d.gif", dir, me, i);
        cv_atomic_file af;
        if (cv_atomic_file_open(&af, path, err, sizeof err) != 0 ||
            fwrite(data, 1, sizeof data, af.fp) != sizeof data ||
            cv_atomic_file_commit(&af, err, sizeof err) != 0) {
            fprintf(stderr, "bench_saves: %s\n", err);
            exit(1);
        }
    }
    return NULL;
}

static double round_s(void)
{
    pthread_t t[THREADS];
    pthread_barrier_init(&start, NULL, THREADS + 1);
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, saver, (void *)i);
    int64_t t0 = cv_clock_mono_ns();
    pthread_barrier_wait(&start);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    return (double)(cv_clock_mono_ns() - t0) / 1e9;
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "%s/bench_saves.XXXXXX", argc > 1 ? argv[1] : ".");
    if (mkdtemp(dir) == NULL) {
        perror("bench_saves: mkdtemp");
        return 1;
    }
    memset(data, 'G', sizeof data);
    double fresh = round_s();
    double over = round_s();
    int n = THREADS * FILES;
    printf("saves: %d threads x %d files of %d KB into one directory: new names %.3f s "
           "(%.0f us/save), over existing files %.3f s (%.0f us/save)\n",
           THREADS, FILES, SIZE / 1024, fresh, fresh * 1e6 / n, over, over * 1e6 / n);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
