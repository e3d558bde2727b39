/* CPU time of sbp_lint_text() on generated profiles that once took lint quadratic time:
 *   deny-allow  one deny rule and one allow rule of N path filters each (half subpath, half
 *               literal), the shape of a sandbox wrapper's generated profile; each filter
 *               of the allow rule is reported, at its own position;
 *   identical   N copies of one filtered rule (each a duplicate of the first);
 *   overlapping N rules on the subpaths /a, /a/s, /a/s/s in turn (each shadowed by a later).
 *
 *   bench_lint [case N]      (default: every case at N and 2N for N = 10,000 and 20,000)
 *
 * Prints one line per run: case, N, bytes of text, diagnostics, CPU seconds, and CPU
 * microseconds per rule or filter; the ratio between N and 2N shows how the work grows. */
/* clock_gettime is POSIX: bench/CMakeLists.txt defines _POSIX_C_SOURCE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sbprofile.h"

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct text {
  char *p;
  size_t n, cap;
} text;

static void put(text *t, const char *s) {
  size_t k = strlen(s);
  if (t->n + k + 1 > t->cap) {
    t->cap = (t->cap + k + 1) * 2;
    if ((t->p = realloc(t->p, t->cap)) == NULL) {
      perror("bench_lint");
      exit(1);
    }
  }
  memcpy(t->p + t->n, s, k + 1);
  t->n += k;
}

static const char *const cases[] = {"deny-allow", "identical", "overlapping"};

static text generate(int which, size_t n) {
  text t = {NULL, 0, 0};
  if (which == 0) {
    char line[96];
    put(&t, "(version 1)\n(allow default)\n(deny file-write*\n");
    for (size_t i = 0; i < n; i++) {
      if (i % 2) snprintf(line, sizeof line, "  (subpath \"/Users/me/project/dir%06zu\")\n", i);
      else snprintf(line, sizeof line, "  (literal \"/Users/me/project/file%06zu.txt\")\n", i);
      put(&t, line);
    }
    /* /tmp rather than /private/tmp: each filter is reported (symlinked-path), at its own
     * position inside the rule */
    put(&t, ")\n(allow file-write*\n");
    for (size_t i = 0; i < n; i++) {
      if (i % 2) snprintf(line, sizeof line, "  (subpath \"/tmp/work/dir%06zu\")\n", i);
      else snprintf(line, sizeof line, "  (literal \"/tmp/work/file%06zu\")\n", i);
      put(&t, line);
    }
    put(&t, ")\n");
  } else {
    static const char *const sub[] = {"(allow file-read* (subpath \"/a\"))\n",
                                      "(allow file-read* (subpath \"/a/s\"))\n",
                                      "(allow file-read* (subpath \"/a/s/s\"))\n"};
    put(&t, "(version 1)\n(deny default)\n");
    for (size_t i = 0; i < n; i++)
      put(&t, which == 1 ? "(allow file-read* (literal \"/a/b/c\"))\n" : sub[i % 3]);
  }
  return t;
}

static void run(int which, size_t n) {
  text t = generate(which, n);
  sbp_lint_result *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  double t0 = cpu_now();
  int rc = sbp_lint_text(t.p, t.n, "bench.sb", NULL, NULL, &r, &err);
  double dt = cpu_now() - t0;
  if (rc != SBP_OK) {
    fprintf(stderr, "%s %zu: %s (%s)\n", cases[which], n, sbp_status_name(rc), err.message);
    exit(1);
  }
  printf("lint %-12s N=%-7zu %9zu bytes %7zu diagnostics %9.3f s CPU %8.2f us/item\n",
         cases[which], n, t.n, sbp_lint_count(r), dt, dt * 1e6 / (double)n);
  fflush(stdout);
  sbp_lint_result_free(r);
  free(t.p);
}

int main(int argc, char **argv) {
  if (argc == 3) {
    for (int c = 0; c < 3; c++)
      if (strcmp(argv[1], cases[c]) == 0) {
        run(c, (size_t)strtoul(argv[2], NULL, 10));
        return 0;
      }
    fprintf(stderr, "usage: bench_lint [deny-allow|identical|overlapping N]\n");
    return 2;
  }
  for (int c = 0; c < 3; c++)
    for (size_t n = 10000; n <= 40000; n *= 2) run(c, n);
  return 0;
}
