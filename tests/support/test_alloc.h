/* A counting allocator for tests: counts calls and live blocks, fails on demand, and routes
 * through cmocka's test_malloc/test_free so that cmocka reports leaks and overruns too. */
#ifndef SBP_TEST_ALLOC_H
#define SBP_TEST_ALLOC_H

#include <stddef.h>

#include "sbprofile.h"

typedef struct test_alloc {
  sbp_alloc alloc;   /* pass &ta.alloc to the library */
  size_t calls;      /* malloc and realloc calls so far */
  size_t live;       /* blocks not yet freed */
  size_t fail_at;    /* the call (0-based) that fails; SIZE_MAX for never */
  int persistent;    /* fail every call from fail_at on, not just that one */
} test_alloc;

/* Sets up ta: no failure, zero counts. */
void test_alloc_init(test_alloc *ta);
/* Fails call number k (0-based) from now on counting afresh; persistent as above. */
void test_alloc_fail_at(test_alloc *ta, size_t k, int persistent);

/*
 * Fault injection over one operation. `op` runs with the allocator made to fail at its k-th
 * call, for every k from 0 to the number of calls a clean run makes, in both transient and
 * persistent modes. A run must return SBP_OK or SBP_E_NOMEM; a run that succeeds with a
 * failure injected is fine only when the operation recovered (e.g. a retry elsewhere).
 * `op` must itself free everything it made (profiles included) before returning; the driver
 * checks that nothing is live afterwards. Returns the number of allocation calls of a clean run.
 */
typedef int (*test_alloc_op)(const sbp_alloc *alloc, void *ctx);
size_t test_alloc_exhaust(test_alloc_op op, void *ctx);

#endif
