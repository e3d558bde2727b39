/* Decisions as text (explain.c), for the assertion helpers above it (assert.c). */
#ifndef SBP_LIB_EXPLAIN_H
#define SBP_LIB_EXPLAIN_H

#include "sbprofile/decide.h"

/* Appends the brief account of a decision that assertion messages (255 bytes) hold: rule
 * texts cut at 90 bytes, no flags. SBP_OK or SBP_E_NOMEM. */
int sbp__decision_describe(const sbp_decision *d, sbp_buf *out, const sbp_alloc *a);

#endif
