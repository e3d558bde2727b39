/* The evaluator over the real profiles of ../shared/corpus (or $SBPROFILE_CORPUS): complete
 * and generated-sample files evaluate alone, fragments composed as their projects compose
 * them, invalid fixtures fail with a position, preprocessor lines of WebKit sources are
 * reported at their position, and every profile that evaluates survives the round trip
 * (serialize, evaluate again: equal profile, same bytes). Parameters get test values. How
 * each file is evaluated (manifest, parameters, composition, imports) is in
 * support/corpus.c, which bench/bench_read.c shares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus.h"
#include "sbprofile.h"

typedef struct counts {
  size_t evaluated, failed, expected, invalid_ok, invalid_bad, preproc_ok, preproc_bad, skipped,
      roundtrip_ok, roundtrip_bad, symbolic_ok;
} counts;

/* Serializes p, evaluates the text again and compares. */
static int round_trip(const sbp_profile *p, const char *what) {
  sbp_buf one = SBP_BUF_INIT, two = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int ok = 0;
  sbp_profile *q = NULL;
  if (sbp_serialize(p, NULL, &one, &err) != SBP_OK) {
    print_message("round trip %s: serialize: %s\n", what, err.message);
    goto out;
  }
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = SBP_READ_KEEP_UNRESOLVED_IMPORTS | SBP_READ_SYMBOLIC_PARAMS;
  if (sbp_profile_read(&q, one.ptr, one.len, "serialized.sb", &o, NULL, &err) != SBP_OK) {
    print_message("round trip %s: re-read: %u:%u: %s\n", what, err.line, err.column, err.message);
    goto out;
  }
  if (!sbp_profile_equal(p, q, SBP_EQUAL_IMPORTS)) {
    print_message("round trip %s: profiles differ\n", what);
    goto out;
  }
  if (sbp_serialize(q, NULL, &two, &err) != SBP_OK || two.len != one.len ||
      memcmp(one.ptr, two.ptr, one.len) != 0) {
    print_message("round trip %s: second serialization differs\n", what);
    goto out;
  }
  ok = 1;
out:
  sbp_profile_free(q);
  sbp_buf_dispose(&one);
  sbp_buf_dispose(&two);
  return ok;
}

static void test_corpus(void **state) {
  (void)state;
  const char *dir = getenv("SBPROFILE_CORPUS");
  corpus *cp = corpus_open(dir);
  if (cp == NULL) {
    print_message("corpus not found (SBPROFILE_CORPUS=%s): skipping\n", dir ? dir : "(unset)");
    skip();
    return;
  }
  counts c;
  memset(&c, 0, sizeof(c));
  for (size_t i = 0; i < corpus_size(cp); i++) {
    const corpus_entry *f = corpus_entry_at(cp, i);
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    int rc;
    switch (f->use) {
    case CORPUS_SKIP:
      c.skipped++;
      break;
    case CORPUS_PREPROCESSOR:
      rc = corpus_evaluate(cp, f, 0, 1, &p, &err);
      if (rc == SBP_E_SYNTAX && err.line == f->directive && err.column > 0) {
        c.preproc_ok++;
      } else {
        c.preproc_bad++;
        print_message("%s: expected an error at line %u, got %s %u:%u %s\n", f->path,
                      f->directive, sbp_status_name(rc), err.line, err.column, err.message);
      }
      sbp_profile_free(p);
      break;
    case CORPUS_INVALID:
      rc = corpus_evaluate(cp, f, 0, 1, &p, &err);
      if (rc != SBP_OK && err.line > 0 && err.column > 0) {
        c.invalid_ok++;
      } else {
        c.invalid_bad++;
        print_message("%s: invalid fixture: %s %u:%u %s\n", f->path, sbp_status_name(rc),
                      err.line, err.column, err.message);
      }
      sbp_profile_free(p);
      break;
    case CORPUS_EVALUATE:
      rc = corpus_evaluate(cp, f, 0, 1, &p, &err);
      if (f->expected_failure != NULL && rc != SBP_OK &&
          strcmp(err.message, f->expected_failure) == 0 && err.line > 0) {
        c.expected++;
        break;
      }
      if (rc != SBP_OK) {
        c.failed++;
        print_message("%s (%s): %s %s:%u:%u: %s\n", f->path, f->kind, sbp_status_name(rc),
                      err.file, err.line, err.column, err.message);
        break;
      }
      c.evaluated++;
      if (round_trip(p, f->path))
        c.roundtrip_ok++;
      else
        c.roundtrip_bad++;
      sbp_profile_free(p);
      p = NULL;
      /* without values, parameters kept symbolic */
      if (corpus_evaluate(cp, f, SBP_READ_SYMBOLIC_PARAMS, 0, &p, &err) == SBP_OK) {
        c.symbolic_ok++;
        if (round_trip(p, f->path))
          c.roundtrip_ok++;
        else
          c.roundtrip_bad++;
      }
      sbp_profile_free(p);
      break;
    }
  }
  corpus_close(cp);
  print_message("corpus: %zu evaluated, %zu failed (%zu more failed as expected); invalid fixtures rejected with a position: "
                "%zu (%zu not); preprocessor lines reported at their position: %zu (%zu not); "
                "%zu templates skipped; also %zu evaluated with symbolic parameters; "
                "round trips: %zu held, %zu broke\n",
                c.evaluated, c.failed, c.expected, c.invalid_ok, c.invalid_bad, c.preproc_ok, c.preproc_bad,
                c.skipped, c.symbolic_ok, c.roundtrip_ok, c.roundtrip_bad);
  assert_int_equal(c.failed, 0);
  assert_int_equal(c.invalid_bad, 0);
  assert_int_equal(c.preproc_bad, 0);
  assert_int_equal(c.roundtrip_bad, 0);
  assert_true(c.evaluated > 0);
  assert_int_equal(c.expected, corpus_expected_failure_count());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
