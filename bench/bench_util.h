/* Small helpers for the benchmarks in bench/: a monotonic clock, peak resident memory and a
 * uniform result line. Header-only so that each bench/bench_<name>.c stands alone. */
#ifndef SBP_BENCH_UTIL_H
#define SBP_BENCH_UTIL_H

/* clock_gettime and getrusage are POSIX, not C11: bench/CMakeLists.txt defines
 * _POSIX_C_SOURCE=200809L for every benchmark, before any system header is read. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* Seconds on a monotonic clock; only differences mean anything. */
static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds of CPU time used by this process: steadier than the clock on a shared machine. */
static inline double bench_cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident set size of this process so far, in KiB (0 when unknown). Linux reports
 * ru_maxrss in KiB, macOS in bytes. */
static inline long bench_peak_rss_kib(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
#if defined(__APPLE__)
  return (long)(ru.ru_maxrss / 1024);
#else
  return (long)ru.ru_maxrss;
#endif
}

/* Runs `body` (a statement) `iters` times and reports the best of `reps` repetitions. */
#define BENCH_RUN(name, reps, iters, bytes, body)                                        \
  do {                                                                                   \
    double best_ = 1e30;                                                                 \
    for (int rep_ = 0; rep_ < (reps); rep_++) {                                          \
      double t0_ = bench_now();                                                          \
      for (long it_ = 0; it_ < (long)(iters); it_++) {                                   \
        body;                                                                            \
      }                                                                                  \
      double dt_ = bench_now() - t0_;                                                    \
      if (dt_ < best_) best_ = dt_;                                                      \
    }                                                                                    \
    bench_report((name), (long)(iters), best_, (size_t)(bytes));                         \
  } while (0)

/* One line per measurement: name, iterations, time per iteration, throughput, peak RSS. */
static inline void bench_report(const char *name, long iters, double seconds, size_t bytes) {
  double per = iters > 0 ? seconds / (double)iters : 0.0;
  if (bytes > 0 && seconds > 0)
    printf("%-32s %10ld iters %12.3f us/iter %10.1f MB/s  peak %ld KiB\n", name, iters,
           per * 1e6, (double)bytes * (double)iters / seconds / 1e6, bench_peak_rss_kib());
  else
    printf("%-32s %10ld iters %12.3f us/iter %10s       peak %ld KiB\n", name, iters, per * 1e6,
           "-", bench_peak_rss_kib());
  fflush(stdout);
}

/* An allocator (sbp_alloc's three functions, ud a bench_counter) that counts live bytes and
 * their peak: the library's own memory, apart from the process's. Each block keeps its size
 * in a header that keeps it aligned for any object. */
typedef struct bench_counter {
  size_t live, peak;
} bench_counter;

typedef union bench_block {
  size_t size;
  max_align_t align;
} bench_block;

static inline void *bench_count_malloc(void *ud, size_t n) {
  bench_counter *c = ud;
  bench_block *h = malloc(sizeof(*h) + n);
  if (h == NULL) return NULL;
  h->size = n;
  c->live += n;
  if (c->live > c->peak) c->peak = c->live;
  return h + 1;
}

static inline void bench_count_free(void *ud, void *p) {
  bench_counter *c = ud;
  if (p == NULL) return;
  bench_block *h = (bench_block *)p - 1;
  c->live -= h->size;
  free(h);
}

static inline void *bench_count_realloc(void *ud, void *p, size_t n) {
  bench_counter *c = ud;
  if (p == NULL) return bench_count_malloc(ud, n);
  bench_block *h = (bench_block *)p - 1;
  size_t old = h->size;
  bench_block *nh = realloc(h, sizeof(*nh) + n);
  if (nh == NULL) return NULL;
  nh->size = n;
  c->live = c->live - old + n;
  if (c->live > c->peak) c->peak = c->live;
  return nh + 1;
}

#endif
