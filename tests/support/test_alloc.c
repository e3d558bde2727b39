#include "test_alloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

/* Every block carries its size in front so that realloc can keep the live count right. */
static int should_fail(test_alloc *ta) {
  size_t n = ta->calls++;
  if (ta->fail_at == SIZE_MAX) return 0;
  return ta->persistent ? n >= ta->fail_at : n == ta->fail_at;
}

static void *ta_malloc(void *ud, size_t n) {
  test_alloc *ta = ud;
  if (should_fail(ta)) return NULL;
  void *p = test_malloc(n);
  if (p != NULL) ta->live++;
  return p;
}

static void *ta_realloc(void *ud, void *p, size_t n) {
  test_alloc *ta = ud;
  if (should_fail(ta)) return NULL;
  void *q = test_realloc(p, n);
  if (q != NULL && p == NULL) ta->live++;
  return q;
}

static void ta_free(void *ud, void *p) {
  test_alloc *ta = ud;
  if (p == NULL) return;
  ta->live--;
  test_free(p);
}

void test_alloc_init(test_alloc *ta) {
  ta->alloc.malloc = ta_malloc;
  ta->alloc.realloc = ta_realloc;
  ta->alloc.free = ta_free;
  ta->alloc.ud = ta;
  ta->calls = 0;
  ta->live = 0;
  ta->fail_at = SIZE_MAX;
  ta->persistent = 0;
}

void test_alloc_fail_at(test_alloc *ta, size_t k, int persistent) {
  ta->calls = 0;
  ta->fail_at = k;
  ta->persistent = persistent;
}

size_t test_alloc_exhaust(test_alloc_op op, void *ctx) {
  test_alloc ta;
  test_alloc_init(&ta);
  int rc = op(&ta.alloc, ctx);
  assert_int_equal(rc, SBP_OK);
  assert_int_equal(ta.live, 0);
  size_t clean = ta.calls;
  for (int persistent = 0; persistent <= 1; persistent++) {
    for (size_t k = 0; k < clean; k++) {
      test_alloc_init(&ta);
      test_alloc_fail_at(&ta, k, persistent);
      rc = op(&ta.alloc, ctx);
      if (rc != SBP_OK && rc != SBP_E_NOMEM)
        fail_msg("allocation %zu of %zu failed (%s): got %s, expected SBP_E_NOMEM", k, clean,
                 persistent ? "persistent" : "transient", sbp_status_name(rc));
      if (persistent && rc == SBP_OK)
        fail_msg("allocation %zu of %zu failed persistently, yet the operation succeeded", k,
                 clean);
      if (ta.live != 0)
        fail_msg("allocation %zu of %zu failed (%s): %zu blocks leaked", k, clean,
                 persistent ? "persistent" : "transient", ta.live);
    }
  }
  /* With one more call allowed than a clean run needs, it succeeds. */
  test_alloc_init(&ta);
  test_alloc_fail_at(&ta, clean, 1);
  rc = op(&ta.alloc, ctx);
  assert_int_equal(rc, SBP_OK);
  assert_int_equal(ta.live, 0);
  return clean;
}
