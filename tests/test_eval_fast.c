/* The evaluator's fast path for declarative rules (lib/eval_fast.c) against the machine:
 * every text is read both ways (sbp__eval_test_fast_path) and must give the same status,
 * the same error (message, line, column, offset), the same profile with the same positions,
 * and the same steps (the fewest max_steps that let it read). The texts: the corpus of real
 * profiles, tests/data/valid and invalid, and cases written for the path's edges (names
 * rebound, contexts open, errors inside filters, the step limit reached inside a rule). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus.h"
#include "eval_fast.h"
#include "sbprofile.h"
#include "test_files.h"

typedef struct outcome {
  int rc;
  sbp_error err;
  sbp_profile *p;
} outcome;

static outcome read_with(const sbp_source *src, size_t n, const sbp_read_options *o, int off,
                         size_t *taken) {
  outcome r;
  memset(&r, 0, sizeof(r));
  r.err = (sbp_error)SBP_ERROR_INIT;
  sbp__eval_test_fast_path(off, taken);
  r.rc = sbp_profile_read_sources(&r.p, src, n, o, NULL, &r.err);
  sbp__eval_test_fast_path(0, NULL);
  return r;
}

/* Same tree, node for node, with the same positions. */
static void same_positions(const sbp_node *a, const sbp_node *b, const char *what) {
  const char *fa, *fb;
  uint32_t la, ca, lb, cb;
  sbp_node_position(a, &fa, &la, &ca);
  sbp_node_position(b, &fb, &lb, &cb);
  if (la != lb || ca != cb || (fa == NULL) != (fb == NULL) || (fa && strcmp(fa, fb) != 0)) {
    print_error("%s: position %s:%u:%u against %s:%u:%u\n", what, fa ? fa : "-", la, ca,
                fb ? fb : "-", lb, cb);
    fail();
  }
  const sbp_node *x = sbp_node_first_child(a), *y = sbp_node_first_child(b);
  for (; x != NULL && y != NULL; x = sbp_node_next(x), y = sbp_node_next(y))
    same_positions(x, y, what);
  assert_true(x == NULL && y == NULL);
}

/* Reads the sources both ways and compares; returns how many forms took the fast path. */
static size_t compare(const sbp_source *src, size_t n, const sbp_read_options *o,
                      const char *what) {
  size_t taken = 0;
  outcome slow = read_with(src, n, o, 1, NULL);
  outcome fast = read_with(src, n, o, 0, &taken);
  if (slow.rc != fast.rc || strcmp(slow.err.message, fast.err.message) != 0 ||
      slow.err.line != fast.err.line || slow.err.column != fast.err.column ||
      slow.err.offset != fast.err.offset) {
    print_error("%s: machine %d %u:%u \"%s\", fast path %d %u:%u \"%s\"\n", what, slow.rc,
                slow.err.line, slow.err.column, slow.err.message, fast.rc, fast.err.line,
                fast.err.column, fast.err.message);
    fail();
  }
  if (slow.rc == SBP_OK) {
    if (!sbp_profile_equal(slow.p, fast.p, 0)) {
      print_error("%s: the profiles differ\n", what);
      fail();
    }
    same_positions(sbp_profile_root(slow.p), sbp_profile_root(fast.p), what);
  }
  sbp_profile_free(slow.p);
  sbp_profile_free(fast.p);
  return taken;
}

/* The fewest steps that let the text read (it must read with max_steps 1,000,000). */
static size_t fewest_steps(const char *text, int off) {
  sbp_source src = {text, strlen(text), "t.sb"};
  size_t lo = 1, hi = 1000000;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    sbp_read_options o = SBP_READ_OPTIONS_INIT;
    o.max_steps = mid;
    outcome r = read_with(&src, 1, &o, off, NULL);
    sbp_profile_free(r.p);
    if (r.rc == SBP_OK) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

#define HEAD "(version 1)\n(deny default)\n"

/* Texts that read: the path's shapes, and shapes it must leave to the machine. */
static const char *const reading[] = {
    HEAD "(allow file-read* (literal \"/a\"))",
    HEAD "(allow file-read* file-write* (subpath \"/a\") (literal \"/b\" \"/c\"))",
    HEAD "(deny network-outbound (remote ip \"localhost:80\"))",
    HEAD "(allow mach-lookup (global-name \"com.apple.SystemConfiguration.configd\"))",
    HEAD "(allow file-read*)\n(allow file-read* (literal \"/a\"))\n(allow file-read*)",
    /* a boolean filter without its argument */
    HEAD "(allow file-read* (extension-path-ancestor))",
    /* names rebound: the machine's lookup is what counts */
    HEAD "(define allow deny)\n(allow file-read* (literal \"/a\"))",
    HEAD "(define (literal x) (subpath x))\n(allow file-read* (literal \"/a\"))",
    HEAD "(define op file-write*)\n(allow op (literal \"/a\"))",
    HEAD "(define literal subpath)\n(allow file-read* (literal \"/a\"))",
    /* contexts open around the rule */
    HEAD "(with-filter (subpath \"/u\") (allow file-read* (literal \"/a\")))",
    HEAD "(with-filter (subpath \"/u\")\n (allow file-read* (literal \"/a\")))\n"
         "(allow file-read* (literal \"/b\"))",
    /* shapes left to the machine */
    HEAD "(allow file-read* (literal (string-append \"/a\" \"/b\")))",
    HEAD "(allow file-read* (require-any (literal \"/a\") (subpath \"/b\")))",
    HEAD "(allow file-read* (with no-log) (literal \"/a\"))",
    HEAD "(allow (literal \"/a\") file-read*)",
    HEAD "(allow file-read* (vnode-type DIRECTORY))",
    HEAD "(allow 'no-op (literal \"/a\"))",
    HEAD "(allow file-read* (regex #\"^/a\"))",
};

/* Texts that fail: errors inside the filters and rules the path evaluates (a first rule
 * binds the names, so that the second takes the path). */
#define BIND "(allow file-read* network-outbound (literal \"/a\") (remote ip \"*:1\"))\n"
static const char *const failing[] = {
    HEAD BIND "(allow file-read* (literal))",
    HEAD BIND "(allow (literal \"/a\"))",
    HEAD BIND "(allow network-outbound (remote ip \"host:80\"))",
    HEAD BIND "(allow network-outbound (remote ip \"*:99999\"))",
    HEAD BIND "(allow unknown-op (literal \"/b\"))",
    HEAD BIND "(allow file-read* (literal \"/a\" 5))",
    HEAD BIND "(allow file-read* (literal \"/b\"))\n(oops",
    HEAD BIND "(allow file-read* (literal \"/b\"))\n#(1 2)",
    HEAD BIND "(allow 'file-read* (literal \"/a\"))",
};

static void compare_texts(const char *const *texts, size_t n, int want_ok) {
  for (size_t i = 0; i < n; i++) {
    sbp_source src = {texts[i], strlen(texts[i]), "t.sb"};
    sbp_read_options o = SBP_READ_OPTIONS_INIT;
    compare(&src, 1, &o, texts[i]);
    outcome r = read_with(&src, 1, &o, 0, NULL);
    if ((r.rc == SBP_OK) != want_ok) {
      print_error("%s: status %d (%s)\n", texts[i], r.rc, r.err.message);
      fail();
    }
    sbp_profile_free(r.p);
  }
}

static void test_written_cases(void **state) {
  (void)state;
  compare_texts(reading, sizeof(reading) / sizeof(reading[0]), 1);
  compare_texts(failing, sizeof(failing) / sizeof(failing[0]), 0);
}

#define OPS4 "file-read* file-read* file-read* file-read* "
#define OPS16 OPS4 OPS4 OPS4 OPS4

/* The path is taken where it should be: each plain rule, and nothing else. */
static void test_taken(void **state) {
  (void)state;
  static const struct {
    const char *text;
    size_t taken;
  } cases[] = {
      /* the first use of a name binds its built-in through the machine */
      {HEAD "(allow file-read* (literal \"/a\"))\n(allow file-read* (literal \"/b\"))\n"
            "(allow file-read* (literal \"/c\"))",
       2},
      {HEAD "(allow file-read*)\n(allow file-read*)\n(deny file-read*)", 2},
      /* up to 16 arguments; longer rules go through the machine */
      {HEAD "(allow file-read*)\n(allow " OPS16 ")", 1},
      {HEAD "(allow file-read*)\n(allow " OPS16 " file-read*)", 0},
      {HEAD "(define allow list)\n(allow file-read*)\n(allow file-read*)", 0},
      {HEAD "(allow file-read* (literal \"/a\"))\n(allow file-read* (literal (param \"X\")))",
       0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    sbp_source src = {cases[i].text, strlen(cases[i].text), "t.sb"};
    sbp_read_options o = SBP_READ_OPTIONS_INIT;
    o.flags = SBP_READ_SYMBOLIC_PARAMS;
    size_t taken = compare(&src, 1, &o, cases[i].text);
    if (taken != cases[i].taken) {
      print_error("%s: %zu forms took the fast path, expected %zu\n", cases[i].text, taken,
                  cases[i].taken);
      fail();
    }
  }
}

/* The same steps both ways: the fewest max_steps that read, and the limit's error when the
 * budget runs out inside a rule the path would take. */
static void test_steps(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(reading) / sizeof(reading[0]); i++) {
    size_t slow = fewest_steps(reading[i], 1), fast = fewest_steps(reading[i], 0);
    if (slow != fast) {
      print_error("%s: %zu steps by the machine, %zu with the fast path\n", reading[i], slow,
                  fast);
      fail();
    }
  }
  const char *text = reading[4];
  size_t need = fewest_steps(text, 1);
  for (size_t steps = need - 12; steps < need; steps++) {
    sbp_source src = {text, strlen(text), "t.sb"};
    sbp_read_options o = SBP_READ_OPTIONS_INIT;
    o.max_steps = steps;
    compare(&src, 1, &o, "step limit inside a rule");
  }
}

/* A generated declarative profile: every rule after the first of its shape takes the path. */
static void test_generated(void **state) {
  (void)state;
  enum { RULES = 2000 };
  size_t cap = RULES * 96 + 64, len = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  len += (size_t)snprintf(text + len, cap - len, HEAD);
  for (int i = 0; i < RULES; i++)
    len += (size_t)snprintf(text + len, cap - len, "(%s file-read%s (%s \"/usr/lib/p%d/l%d\"))\n",
                            i % 7 == 0 ? "deny" : "allow", i % 2 ? "*" : "-data",
                            i % 3 == 0 ? "subpath" : "literal", i / 10, i);
  sbp_source src = {text, len, "gen.sb"};
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  size_t taken = compare(&src, 1, &o, "generated");
  assert_true(taken >= RULES - 8);
  free(text);
}

typedef struct walk {
  size_t files, taken;
} walk;

static void compare_file(const char *path, void *payload) {
  size_t n = strlen(path);
  if (n < 9 || strcmp(path + n - 9, "/input.sb") != 0) return;
  size_t len = 0;
  char *text = test_read_file(path, &len);
  assert_non_null(text);
  sbp_source src = {text, len, "input.sb"};
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  walk *w = payload;
  w->taken += compare(&src, 1, &o, path);
  w->files++;
  free(text);
}

static void test_data_cases(void **state) {
  (void)state;
  const char *dir = getenv("SBPROFILE_TEST_DATA");
  if (dir == NULL) skip(); /* ctest sets it; run by hand, give it */
  char path[4096];
  walk w = {0, 0};
  snprintf(path, sizeof(path), "%s/valid", dir);
  test_walk_files(path, compare_file, &w);
  snprintf(path, sizeof(path), "%s/invalid", dir);
  test_walk_files(path, compare_file, &w);
  assert_true(w.files >= 100);
  assert_true(w.taken > 0);
}

static void test_corpus(void **state) {
  (void)state;
  corpus *c = corpus_open(getenv("SBPROFILE_CORPUS"));
  if (c == NULL) skip(); /* no corpus beside the source tree: test_corpus says so too */
  size_t compared = 0, taken = 0;
  for (size_t i = 0; i < corpus_size(c); i++) {
    const corpus_entry *e = corpus_entry_at(c, i);
    if (e->use == CORPUS_SKIP) continue;
    for (int params = 0; params < 2; params++) {
      corpus_eval *ce = NULL;
      if (corpus_eval_new(&ce, c, e, 0, params) != SBP_OK) continue;
      taken += compare(ce->sources, ce->nsources, &ce->options, e->path);
      corpus_eval_free(ce);
      compared++;
    }
  }
  corpus_close(c);
  assert_true(compared > 50);
  assert_true(taken > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_written_cases), cmocka_unit_test(test_taken),
      cmocka_unit_test(test_steps),         cmocka_unit_test(test_generated),
      cmocka_unit_test(test_data_cases),    cmocka_unit_test(test_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
