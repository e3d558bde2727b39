/*
 * bench_policy: policies of N read-deny plus N write-allow entries (a third each literal
 * paths, subtrees and globs) compiled to SBPL text.
 *
 * For N = 1,000, 10,000 and 100,000 it reports the time to add the entries, to compile the
 * policy and to serialize the profile (best of several repetitions), the profile's size
 * against sandbox-exec's 1 MiB argument limit, its largest rule against the 65,535-byte
 * limit, and how the time grows against the previous size (10x the entries should take at
 * most 12x the time). The goal at N = 10,000 is 20 ms or less, entries to text.
 *
 * With SBP_SRT set to an unpacked @anthropic-ai/sandbox-runtime package (0.0.83, its
 * dependencies installed), the same run times that runtime's macOS generator on the same
 * entries through node (bench/srt_time.mjs) for N up to 10,000 and prints the ratio of CPU
 * times.
 *
 *   bench_policy [max_entries]      (default 100000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

/* CPU seconds of this process: on a shared machine, wall time includes waiting for a core. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
#include "sbprofile.h"

#define CHECK(call)                                                                   \
  do {                                                                                \
    int rc_ = (call);                                                                 \
    if (rc_ != SBP_OK) {                                                              \
      fprintf(stderr, "%s: %s (%s)\n", #call, sbp_status_name(rc_), err.message);    \
      exit(1);                                                                        \
    }                                                                                 \
  } while (0)

/* The i-th entry of a list: literal, subtree or glob, in folders of 100. */
static size_t entry(char *buf, size_t cap, int deny, long i) {
  long dir = i / 100, k = i % 100;
  int n;
  switch (i % 3) {
    case 0:
      n = deny ? snprintf(buf, cap, "/Users/me/data/d%ld/file-%ld.db", dir, k)
               : snprintf(buf, cap, "/Users/me/work/p%ld/out-%ld.o", dir, k);
      break;
    case 1:
      n = deny ? snprintf(buf, cap, "/Users/me/cache/d%ld/s%ld", dir, k)
               : snprintf(buf, cap, "/Users/me/work/p%ld/build-%ld", dir, k);
      break;
    default:
      n = deny ? snprintf(buf, cap, "/Users/me/logs/d%ld/**/*.log%ld", dir, k)
               : snprintf(buf, cap, "/Users/me/work/p%ld/tmp-%ld/*.tmp", dir, k);
      break;
  }
  return (size_t)n;
}

/* Runs bench/srt_time.mjs for n entries when SBP_SRT is set; prints its times and the
 * ratio to ours. */
static void compare_srt(long n, double our_cpu) {
  if (getenv("SBP_SRT") == NULL || n > 10000) return;
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "node '%s/srt_time.mjs' %ld", SBP_BENCH_DIR, n);
  FILE *f = popen(cmd, "r");
  if (f == NULL) return;
  char line[512] = "";
  double wall = 0, cpu = 0;
  long bytes = 0;
  if (fgets(line, sizeof line, f) != NULL) {
    const char *w = strstr(line, "\"wall_ms\":"), *c = strstr(line, "\"cpu_ms\":");
    const char *b = strstr(line, "\"bytes\":");
    if (w) wall = atof(w + 10);
    if (c) cpu = atof(c + 9);
    if (b) bytes = atol(b + 8);
  }
  pclose(f);
  if (cpu > 0)
    printf("  sandbox-runtime: %.0f ms wall, %.0f ms CPU, %ld bytes; sbprofile is %.0fx faster "
           "(CPU)\n", wall, cpu, bytes, cpu / (our_cpu * 1e3));
  else
    printf("  sandbox-runtime: no answer from node (%s)\n", cmd);
}

static sbp_path_kind kind_of(long i) {
  return i % 3 == 0 ? SBP_PATH_LITERAL : i % 3 == 1 ? SBP_PATH_SUBTREE : SBP_PATH_GLOB;
}

static sbp_policy *make_policy(long n) {
  sbp_error err = SBP_ERROR_INIT;
  sbp_policy *p = NULL;
  char buf[256];
  CHECK(sbp_policy_new(&p, NULL, &err));
  CHECK(sbp_policy_set_home(p, "/Users/me", 9, &err));
  CHECK(sbp_policy_add_base_set(p, "toolchain", 9, &err));
  CHECK(sbp_policy_add_localhost_port(p, 3128, SBP_PORT_OUTBOUND, &err));
  for (long i = 0; i < n; i++) {
    size_t l = entry(buf, sizeof buf, 1, i);
    CHECK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, kind_of(i), buf, l, &err));
    l = entry(buf, sizeof buf, 0, i);
    CHECK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, kind_of(i), buf, l, &err));
  }
  return p;
}

int main(int argc, char **argv) {
  long max = argc > 1 ? atol(argv[1]) : 100000;
  double prev = 0, prev_cpu = 0;
  printf("%-8s %8s %10s %8s %9s %9s %10s %6s %12s %7s %7s\n", "entries", "add ms",
         "compile ms", "text ms", "total ms", "cpu ms", "bytes", "rules", "largest rule",
         "ratio", "cpu x");
  for (long n = 1000; n <= max; n *= 10) {
    int reps = n >= 100000 ? 3 : 7;
    double best_add = 1e30, best_compile = 1e30, best_text = 1e30, best_total = 1e30;
    double best_cpu = 1e30;
    size_t bytes = 0, rules = 0, largest = 0;
    for (int r = 0; r < reps; r++) {
      sbp_error err = SBP_ERROR_INIT;
      double c0 = cpu_now();
      double t0 = bench_now();
      sbp_policy *p = make_policy(n);
      double t1 = bench_now();
      sbp_profile *prof = NULL;
      CHECK(sbp_policy_compile(p, &prof, &err));
      double t2 = bench_now();
      sbp_buf out = SBP_BUF_INIT;
      CHECK(sbp_serialize(prof, NULL, &out, &err));
      double t3 = bench_now();
      double c3 = cpu_now();
      if (c3 - c0 < best_cpu) best_cpu = c3 - c0;
      if (t1 - t0 < best_add) best_add = t1 - t0;
      if (t2 - t1 < best_compile) best_compile = t2 - t1;
      if (t3 - t2 < best_text) best_text = t3 - t2;
      if (t3 - t0 < best_total) best_total = t3 - t0;
      bytes = out.len;
      rules = sbp_profile_rule_count(prof);
      largest = 0;
      for (sbp_node *nd = sbp_node_first_child(sbp_profile_root(prof)); nd; nd = sbp_node_next(nd)) {
        if (sbp_node_type_of(nd) != SBP_NODE_RULE) continue;
        sbp_buf rt = SBP_BUF_INIT;
        CHECK(sbp_rule_text(nd, &rt, &err));
        if (rt.len > largest) largest = rt.len;
        sbp_buf_dispose(&rt);
      }
      sbp_buf_dispose(&out);
      sbp_profile_free(prof);
      sbp_policy_free(p);
    }
    char ratio[32] = "-", cratio[32] = "-";
    if (prev > 0) snprintf(ratio, sizeof ratio, "%.2fx", best_total / prev);
    if (prev_cpu > 0) snprintf(cratio, sizeof cratio, "%.2fx", best_cpu / prev_cpu);
    printf("%-8ld %8.2f %10.2f %8.2f %9.2f %9.2f %10zu %6zu %12zu %7s %7s%s%s\n", n,
           best_add * 1e3, best_compile * 1e3, best_text * 1e3, best_total * 1e3,
           best_cpu * 1e3, bytes, rules, largest, ratio, cratio,
           bytes > SBP_SANDBOX_EXEC_ARG_MAX ? "  (over 1 MiB: use sandbox-exec -f)" : "",
           largest > SBP_RULE_TEXT_MAX ? "  (rule over 65,535 bytes!)" : "");
    prev = best_total;
    prev_cpu = best_cpu;
    compare_srt(n, best_cpu);
  }
  printf("peak RSS %ld KiB\n", bench_peak_rss_kib());
  return 0;
}
