/*
 * bench_build: builds and serializes profiles of 1,000 to 1,000,000 path rules.
 *
 * For each size it reports the build rate (rules/s), the serialization rate (rules/s and MB/s
 * of SBPL), the library's peak heap (counted by a wrapping allocator, so it is the profile's
 * own memory, not the process's), the serialization rate again by CPU time (steadier on a
 * shared machine), and how the time grows against the previous size (10x the
 * rules should take at most 12x the time). Best of several repetitions; run from a Release
 * build on a quiet machine and compare ratios within one run.
 *
 *   bench_build [max_rules]      (default 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sbprofile.h"

/* Rule i: a mix of subpath, literal and prefix rules on realistic paths, allow and deny. */
static int add_rule(sbp_profile *p, size_t i) {
  char path[160];
  int n = snprintf(path, sizeof(path), "/Users/dev/src/project-%zu/module_%zu/file_%zu.c",
                   i % 97, i % 1009, i);
  sbp_match match = (i % 3 == 0) ? SBP_MATCH_SUBPATH
                    : (i % 3 == 1) ? SBP_MATCH_LITERAL
                                   : SBP_MATCH_PREFIX;
  sbp_action action = (i % 10 == 9) ? SBP_DENY : SBP_ALLOW;
  uint32_t access = (i % 2) ? SBP_FILE_READ : (SBP_FILE_READ | SBP_FILE_WRITE);
  return sbp_add_file(p, action, access, match, path, (size_t)n, NULL, NULL);
}

typedef struct result {
  double build_s, serialize_s, serialize_cpu_s;
  size_t bytes, peak;
} result;

static int run(size_t rules, int reps, result *best) {
  best->build_s = best->serialize_s = best->serialize_cpu_s = 1e30;
  for (int r = 0; r < reps; r++) {
    bench_counter c = {0, 0};
    sbp_alloc alloc = {bench_count_malloc, bench_count_realloc, bench_count_free, &c};
    sbp_profile *p;
    double t0 = bench_now();
    if (sbp_profile_new(&p, &alloc) != SBP_OK) return -1;
    sbp_profile_set_version(p, 1, NULL);
    sbp_add_default(p, SBP_DENY, NULL, NULL);
    for (size_t i = 0; i < rules; i++)
      if (add_rule(p, i) != SBP_OK) return -1;
    double t1 = bench_now(), c1 = bench_cpu_now();
    sbp_buf out = SBP_BUF_INIT;
    sbp_error err = SBP_ERROR_INIT;
    if (sbp_serialize(p, NULL, &out, &err) != SBP_OK) {
      fprintf(stderr, "serialize: %s\n", err.message);
      return -1;
    }
    double t2 = bench_now(), c2 = bench_cpu_now();
    if (t1 - t0 < best->build_s) best->build_s = t1 - t0;
    if (t2 - t1 < best->serialize_s) best->serialize_s = t2 - t1;
    if (c2 - c1 < best->serialize_cpu_s) best->serialize_cpu_s = c2 - c1;
    best->bytes = out.len;
    best->peak = c.peak;
    sbp_buf_dispose(&out);
    sbp_profile_free(p);
    if (c.live != 0) {
      fprintf(stderr, "leak: %zu bytes\n", c.live);
      return -1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  size_t max = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
  printf("%10s %14s %14s %10s %10s %12s %8s %8s %10s\n", "rules", "build rules/s",
         "ser. rules/s", "ser. MB/s", "SBPL MB", "peak heap MB", "build x", "ser. x",
         "CPU MB/s");
  result prev = {0, 0, 0, 0, 0};
  for (size_t rules = 1000; rules <= max; rules *= 10) {
    result r;
    int reps = rules >= 1000000 ? 3 : rules >= 100000 ? 5 : 20;
    if (run(rules, reps, &r) != 0) return 1;
    char bx[16] = "-", sx[16] = "-";
    if (prev.build_s > 0) {
      snprintf(bx, sizeof(bx), "%.2f", r.build_s / prev.build_s);
      snprintf(sx, sizeof(sx), "%.2f", r.serialize_s / prev.serialize_s);
    }
    printf("%10zu %14.0f %14.0f %10.1f %10.2f %12.1f %8s %8s %10.1f\n", rules,
           (double)rules / r.build_s, (double)rules / r.serialize_s,
           (double)r.bytes / r.serialize_s / 1e6, (double)r.bytes / 1e6,
           (double)r.peak / 1e6, bx, sx, (double)r.bytes / r.serialize_cpu_s / 1e6);
    fflush(stdout);
    prev = r;
  }
  printf("peak RSS of the process: %ld KiB\n", bench_peak_rss_kib());
  return 0;
}
