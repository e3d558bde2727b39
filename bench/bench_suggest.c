/* Benchmark of sbprofile suggest: parse a generated log of denial lines (kernel lines in the
 * default log style, with a share of duplicates, json and wrapper lines) and suggest rules
 * against a small profile. Reports MB/s for 10,000 and 100,000 lines and the ratio of the
 * times, which is about 10 when the work is linear in the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sbprofile.h"

static const char PROFILE[] = "(version 1)\n(deny default)\n"
                              "(allow file-read* (subpath \"/usr\"))\n"
                              "(deny file-read* (subpath \"/Users/u/.ssh\"))\n"
                              "(allow network-outbound (remote ip \"localhost:*\"))\n";

static char *make_log(size_t lines, size_t *len) {
  size_t cap = lines * 200 + 1;
  char *t = malloc(cap);
  if (t == NULL) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < lines; i++) {
    /* Distinct targets grow with the log: about one in four lines names a new one. */
    unsigned k = (unsigned)((i * 2654435761u) % (lines / 4 + 1));
    const char *pre = "2025-11-03 10:12:01.123456+0100 0x1a2b     Error       0x0                  "
                      "0      0    kernel: (Sandbox) ";
    switch (i % 8) {
      case 0:
        n += (size_t)snprintf(t + n, cap - n, "%sSandbox: uv(%u) deny(1) mach-lookup com.example.svc%u\n",
                              pre, 4000 + k % 7, k % 50);
        break;
      case 1:
        n += (size_t)snprintf(t + n, cap - n,
                              "%s1 duplicate report for Sandbox: uv(%u) deny(1) file-read-data /Users/u/proj/src/f%u.rs\n",
                              pre, 4000 + k % 7, k);
        break;
      case 2:
        n += (size_t)snprintf(t + n, cap - n,
                              "{\"eventMessage\":\"Sandbox: cargo(%u) deny(1) file-write-create \\/Users\\/u\\/proj\\/target\\/o%u.o\",\"processID\":0}\n",
                              5000 + k % 3, k);
        break;
      case 3:
        n += (size_t)snprintf(t + n, cap - n, "cc(%u) deny(1) network-outbound 10.0.%u.%u:443\n",
                              6000 + k % 5, k % 8, k % 200);
        break;
      case 4:
        n += (size_t)snprintf(t + n, cap - n, "%sSandbox: uv(%u) deny(1) sysctl-read kern.x%u\n",
                              pre, 4000 + k % 7, k % 30);
        break;
      default:
        n += (size_t)snprintf(t + n, cap - n,
                              "%sSandbox: uv(%u) deny(1) file-read-metadata /Users/u/proj/deps/d%u/lib%u.so\n",
                              pre, 4000 + k % 7, k % 40, k);
        break;
    }
  }
  *len = n;
  return t;
}

static double run(const char *text, size_t len, int reps, uint32_t flags) {
  double best = 1e30;
  sbp_source src = {PROFILE, sizeof PROFILE - 1, "p.sb"};
  for (int r = 0; r < reps; r++) {
    double t0 = bench_now();
    sbp_denial_log *log = NULL;
    sbp_suggestion *s = NULL;
    sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
    o.profile = &src;
    o.flags = flags;
    sbp_buf out = SBP_BUF_INIT;
    if (sbp_denial_parse(&log, text, len, NULL, NULL, NULL) != SBP_OK ||
        sbp_suggest(&s, log, &o, NULL, NULL) != SBP_OK ||
        sbp_suggestion_format(s, &out, NULL) != SBP_OK) {
      fprintf(stderr, "bench_suggest: failed\n");
      exit(1);
    }
    double dt = bench_now() - t0;
    if (r == 0)
      printf("  %zu reports, %zu rules, %zu bytes of output\n", sbp_denial_log_count(log),
             sbp_suggestion_rule_count(s), out.len);
    sbp_buf_dispose(&out);
    sbp_suggestion_free(s);
    sbp_denial_log_free(log);
    if (dt < best) best = dt;
  }
  return best;
}

int main(int argc, char **argv) {
  /* bench_suggest LINES MODE: one run of one size (MODE 0 collapse, 1 one rule per path),
   * for counting instructions with perf stat. */
  if (argc == 3) {
    size_t len = 0;
    char *text = make_log((size_t)strtoul(argv[1], NULL, 10), &len);
    if (text == NULL) return 1;
    run(text, len, 1, argv[2][0] == '0' ? SBP_SUGGEST_COLLAPSE | SBP_SUGGEST_ALLOW_RISKY
                                        : SBP_SUGGEST_ALLOW_RISKY);
    free(text);
    return 0;
  }
  /* With --collapse the file rules fold into a few directories; without it every distinct
   * path is a rule of its own, so placing and checking them is part of the work. */
  const uint32_t modes[2] = {SBP_SUGGEST_COLLAPSE | SBP_SUGGEST_ALLOW_RISKY,
                             SBP_SUGGEST_ALLOW_RISKY};
  for (int m = 0; m < 2; m++) {
    size_t sizes[] = {10000, 100000};
    double times[2];
    printf("%s:\n", m == 0 ? "--collapse" : "one rule per path");
    for (int i = 0; i < 2; i++) {
      size_t len = 0;
      char *text = make_log(sizes[i], &len);
      if (text == NULL) return 1;
      times[i] = run(text, len, 5, modes[m]);
      printf("suggest %6zu lines %9zu bytes: %.2f ms, %.1f MB/s\n", sizes[i], len,
             times[i] * 1e3, (double)len / times[i] / 1e6);
      free(text);
    }
    printf("time ratio 100,000 / 10,000 lines: %.2f (10 is linear)\n", times[1] / times[0]);
  }
  printf("peak RSS %ld KiB\n", bench_peak_rss_kib());
  return 0;
}
