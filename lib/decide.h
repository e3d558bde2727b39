/* Deciding (decide.c): the decision object and the core procedure that sbp_decide_into,
 * explain.c and assert.c share. */
#ifndef SBP_LIB_DECIDE_H
#define SBP_LIB_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/decide.h"
#include "alloc.h"

struct sbp_decision {
  sbp_alloc alloc;
  int result;
  int step;
  uint32_t flags;
  int64_t rule_index;
  const sbp_node *rule;
  const char *op;
  const sbp_node *skipped;
  const char *missing;
  const sbp_node *missing_import; /* an import not found that could change the answer */
  const char *missing_param;      /* the parameter without a value the skipped rule needs */
};

/* Core decision shared by sbp_decide_into and explain. trace, when not NULL, receives a
 * readable account of every speaking rule (slow path). */
int sbp__decide(const sbp_decider *d, const sbp_request *req, const sbp_decide_options *opt,
                sbp_decision *out, sbp_buf *trace, sbp_error *err);

#endif
