/* Decisions per second of the decision engine on profiles of 1,000 to 100,000 rules, one
 * filter kind at a time (literal, subpath, prefix, name, regex), half of the requests matching
 * a rule and half falling through to (deny default).
 *
 *   bench_decide [seconds-per-measure [kind-index rule-count]]    (default 0.3, all)
 *
 * Prints one line per (kind, rule count): decisions per CPU second (a) deciding a pool of
 * 4,096 prepared requests (cold caches: each request is touched once per 4,096 decisions) and
 * (b) reusing one request, setting its target then deciding; and the decider's build time. */
/* clock_gettime is POSIX: bench/CMakeLists.txt defines _POSIX_C_SOURCE. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sbprofile.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check(int rc, const sbp_error *err, const char *what) {
  if (rc == SBP_OK) return;
  fprintf(stderr, "%s: %s (%s)\n", what, sbp_status_name(rc), err ? err->message : "");
  exit(1);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

typedef enum kind { K_LITERAL, K_SUBPATH, K_PREFIX, K_NAME, K_REGEX, K_MIXED, K_COUNT } kind;
static const char *const kind_names[] = {"literal", "subpath", "prefix", "name", "regex", "mixed"};

static void add_rule(sbp_profile *p, kind k, size_t i) {
  sbp_error err = SBP_ERROR_INIT;
  char v[128];
  sbp_node *rule, *op, *filter, *value;
  const char *fname = k == K_LITERAL   ? "literal"
                      : k == K_SUBPATH ? "subpath"
                      : k == K_PREFIX  ? "prefix"
                      : k == K_NAME    ? "global-name"
                                       : "regex";
  const char *opname = k == K_NAME ? "mach-lookup" : "file-read*";
  switch (k) {
    case K_LITERAL: snprintf(v, sizeof v, "/data/dir%zu/file%zu", i, i); break;
    case K_SUBPATH: snprintf(v, sizeof v, "/data/dir%zu", i); break;
    case K_PREFIX: snprintf(v, sizeof v, "/data/dir%zu/fi", i); break;
    case K_NAME: snprintf(v, sizeof v, "com.example.service%zu", i); break;
    default: snprintf(v, sizeof v, "^/data/dir%zu/file[0-9]+$", i); break;
  }
  check(sbp_node_new(p, SBP_NODE_RULE, &rule, &err), &err, "rule");
  check(sbp_rule_set_action(rule, (i % 7 == 3) ? SBP_DENY : SBP_ALLOW, &err), &err, "action");
  check(sbp_node_new_named(p, SBP_NODE_OPERATION, opname, strlen(opname), &op, &err), &err, "op");
  check(sbp_node_new_named(p, SBP_NODE_FILTER, fname, strlen(fname), &filter, &err), &err, "f");
  check(sbp_value_new(p, k == K_REGEX ? SBP_VALUE_REGEX : SBP_VALUE_STRING, v, strlen(v), &value,
                      &err),
        &err, "value");
  check(sbp_node_append_child(filter, value, &err), &err, "append");
  check(sbp_node_append_child(rule, op, &err), &err, "append");
  check(sbp_node_append_child(rule, filter, &err), &err, "append");
  check(sbp_node_append_child(sbp_profile_root(p), rule, &err), &err, "append");
}

#define NREQ 4096
#define CHECK_EVERY 1024

static void measure(kind k, size_t nrules, double seconds) {
  sbp_profile *p;
  sbp_error err = SBP_ERROR_INIT;
  check(sbp_profile_new(&p, NULL), NULL, "profile");
  sbp_profile_set_version(p, 1, NULL);
  check(sbp_add_default(p, SBP_DENY, NULL, &err), &err, "default");
  for (size_t i = 0; i < nrules; i++) add_rule(p, k == K_MIXED ? (kind)(i % 5) : k, i);
  double t0 = now();
  sbp_decider *d;
  check(sbp_decider_new(&d, p, NULL, &err), &err, "decider");
  double build = now() - t0;

  sbp_request **reqs = malloc(NREQ * sizeof *reqs);
  static char targets[NREQ][64];
  for (size_t i = 0; i < NREQ; i++) {
    size_t j = (size_t)(next_rand() % (2 * nrules)); /* half of them match no rule */
    char *t = targets[i];
    int name = k == K_NAME || (k == K_MIXED && i % 5 == 3);
    if (name) snprintf(t, 64, "com.example.service%zu", j);
    else snprintf(t, 64, "/data/dir%zu/file%zu", j, j);
    check(sbp_request_new(&reqs[i], NULL, &err), &err, "request");
    check(sbp_request_set_simple(reqs[i], name ? "mach-lookup" : "file-read-data",
                                 name ? 11 : 14, t, strlen(t), &err),
          &err, "simple");
  }
  sbp_decision *dec;
  check(sbp_decision_new(&dec, NULL, &err), &err, "decision");
  /* The clock is read once per CHECK_EVERY decisions: reading the process's CPU time is a
   * system call, which once per 64 decisions of ~100 ns each took a tenth of the time. */
  /* (a) decide only, over a pool of NREQ prepared requests */
  size_t n = 0, allowed = 0;
  double start = now(), elapsed;
  do {
    for (size_t i = 0; i < CHECK_EVERY; i++, n++) {
      check(sbp_decide_into(d, reqs[n % NREQ], NULL, dec, &err), &err, "decide");
      allowed += sbp_decision_result(dec) == SBP_DECISION_ALLOW;
    }
    elapsed = now() - start;
  } while (elapsed < seconds);
  double pool_rate = (double)n / elapsed;
  /* (b) one request reused: set the target, then decide (the test-fixture pattern) */
  sbp_request *one;
  check(sbp_request_new(&one, NULL, &err), &err, "request");
  check(sbp_request_set_simple(one, k == K_NAME ? "mach-lookup" : "file-read-data",
                               k == K_NAME ? 11 : 14, "/x", 2, &err),
        &err, "simple");
  sbp_attr attr = k == K_NAME ? SBP_ATTR_GLOBAL_NAME : SBP_ATTR_PATH;
  size_t m = 0;
  start = now();
  do {
    for (size_t i = 0; i < CHECK_EVERY; i++, m++) {
      const char *t = targets[m % NREQ];
      /* a mixed pool's names go in the attribute a name has (a path must be absolute) */
      sbp_attr a = t[0] == '/' ? attr : SBP_ATTR_GLOBAL_NAME;
      check(sbp_request_set_string_attr(one, a, t, strlen(t), &err), &err, "set");
      check(sbp_decide_into(d, one, NULL, dec, &err), &err, "decide");
      allowed += sbp_decision_result(dec) == SBP_DECISION_ALLOW;
    }
    elapsed = now() - start;
  } while (elapsed < seconds);
  double one_rate = (double)m / elapsed;
  sbp_request_free(one);
  printf("%-8s %7zu rules  %10.0f decisions/s (prepared pool, %6.0f ns)  %10.0f decisions/s "
         "(set+decide, %6.0f ns)  build %6.1f ms  (%.0f%% allowed)\n",
         kind_names[k], nrules, pool_rate, 1e9 / pool_rate, one_rate, 1e9 / one_rate,
         build * 1e3, 100.0 * (double)allowed / (double)(n + m));
  fflush(stdout);
  sbp_decision_free(dec);
  for (size_t i = 0; i < NREQ; i++) sbp_request_free(reqs[i]);
  free(reqs);
  sbp_decider_free(d);
  sbp_profile_free(p);
}

int main(int argc, char **argv) {
  if (argc > 3) {
    measure((kind)atoi(argv[2]), (size_t)atol(argv[3]), atof(argv[1]));
    return 0;
  }
  double seconds = argc > 1 ? atof(argv[1]) : 0.3;
  if (seconds <= 0) seconds = 0.3;
  static const size_t sizes[] = {1000, 10000, 100000};
  for (int k = 0; k < K_COUNT; k++)
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) measure((kind)k, sizes[s], seconds);
  return 0;
}
