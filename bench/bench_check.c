/* What `sbprofile check -f` does to a large declarative profile, stage by stage: read and
 * evaluate the text into a profile, build the decider, decide. The profile is generated: one
 * (allow file-read* (literal "/usr/lib/pkg<i>/lib<i>.dylib")) a line after (deny default),
 * the shape of a package manager's closure.
 *
 * For each stage it prints the CPU seconds (best of the repetitions: the machine is shared)
 * and, at the end, the library's peak heap through a counting allocator and the process's
 * peak resident memory, each per byte of text.
 *
 *   bench_check [rules [repetitions]]      (default 1000000 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sbprofile.h"

static char *generate(size_t rules, size_t *len) {
  size_t cap = 64 + rules * 72, n;
  char *t = malloc(cap);
  if (t == NULL) return NULL;
  n = (size_t)snprintf(t, cap, "(version 1)\n(deny default)\n");
  for (size_t i = 0; i < rules; i++)
    n += (size_t)snprintf(t + n, cap - n,
                          "(allow file-read* (literal \"/usr/lib/pkg%zu/lib%zu.dylib\"))\n",
                          i % 1000, i);
  *len = n;
  return t;
}

static int decide(const sbp_decider *d, const char *target, int *allowed) {
  sbp_request *q;
  sbp_decision *dec;
  int rc = sbp_request_new(&q, NULL, NULL);
  if (rc != SBP_OK) return rc;
  rc = sbp_decision_new(&dec, NULL, NULL);
  if (rc == SBP_OK)
    rc = sbp_request_set_simple(q, "file-read-data", 14, target, strlen(target), NULL);
  if (rc == SBP_OK) rc = sbp_decide_into(d, q, NULL, dec, NULL);
  if (rc == SBP_OK) *allowed = sbp_decision_result(dec) == SBP_DECISION_ALLOW;
  sbp_decision_free(dec);
  sbp_request_free(q);
  return rc;
}

int main(int argc, char **argv) {
  size_t rules = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 2;
  if (rules == 0 || reps <= 0) {
    fprintf(stderr, "usage: bench_check [rules [repetitions]]\n");
    return 2;
  }
  size_t len;
  char *text = generate(rules, &len);
  if (text == NULL) return 1;
  double best_read = 1e30, best_build = 1e30, best_decide = 1e30;
  bench_counter c = {0, 0};
  for (int r = 0; r < reps; r++) {
    c.live = c.peak = 0;
    sbp_alloc alloc = {bench_count_malloc, bench_count_realloc, bench_count_free, &c};
    sbp_profile *p = NULL;
    sbp_decider *d = NULL;
    sbp_error err = SBP_ERROR_INIT;
    double t0 = bench_cpu_now();
    if (sbp_profile_read(&p, text, len, "gen.sb", NULL, &alloc, &err) != SBP_OK) {
      fprintf(stderr, "read: %s\n", err.message);
      return 1;
    }
    double t1 = bench_cpu_now();
    if (sbp_decider_new(&d, p, NULL, &err) != SBP_OK) {
      fprintf(stderr, "decider: %s\n", err.message);
      return 1;
    }
    double t2 = bench_cpu_now();
    char hit[64];
    snprintf(hit, sizeof hit, "/usr/lib/pkg%zu/lib%zu.dylib", (rules - 1) % 1000, rules - 1);
    int in = 0, out = 1;
    if (decide(d, hit, &in) != SBP_OK || decide(d, "/usr/lib/none", &out) != SBP_OK || !in ||
        out) {
      fprintf(stderr, "decide: wrong answers\n");
      return 1;
    }
    double t3 = bench_cpu_now();
    if (t1 - t0 < best_read) best_read = t1 - t0;
    if (t2 - t1 < best_build) best_build = t2 - t1;
    if (t3 - t2 < best_decide) best_decide = t3 - t2;
    sbp_decider_free(d);
    sbp_profile_free(p);
    if (c.live != 0) {
      fprintf(stderr, "leak: %zu bytes\n", c.live);
      return 1;
    }
  }
  double mb = (double)len / 1e6;
  printf("check: %zu rules, %.1f MB of text, best of %d (CPU seconds)\n", rules, mb, reps);
  printf("  read + evaluate   %8.3f s  %8.1f MB/s\n", best_read, mb / best_read);
  printf("  decider           %8.3f s\n", best_build);
  printf("  two decisions     %8.6f s\n", best_decide);
  printf("  total             %8.3f s\n", best_read + best_build + best_decide);
  printf("  library peak heap %8.1f MB  %5.2f bytes per byte of text\n", (double)c.peak / 1e6,
         (double)c.peak / (double)len);
  printf("  process peak RSS  %8.1f MB  %5.2f bytes per byte of text (the text included)\n",
         (double)bench_peak_rss_kib() * 1024 / 1e6,
         (double)bench_peak_rss_kib() * 1024 / (double)len);
  free(text);
  return 0;
}
