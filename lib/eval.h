/* The evaluator's machine (eval.c): setting up an evaluation, running forms and texts.
 * Below it, each in its own file: eval_cell (state, cells, allocation, errors), eval_convert
 * (datums to cells), eval_library, eval_sbpl, eval_env, eval_proc and eval_import;
 * eval_read.c, the public API, sits above it. */
#ifndef SBP_LIB_EVAL_H
#define SBP_LIB_EVAL_H

#include "eval_cell.h"

/* err must not be NULL: every error of the evaluation is recorded there. */
int sbp__eval_init(sbp__eval *ev, sbp_profile *p, const sbp_read_options *opts,
                   const sbp_alloc *alloc, sbp_error *err);
void sbp__eval_fini(sbp__eval *ev);
/* Reads and runs one text at top level. */
int sbp__eval_text(sbp__eval *ev, const char *text, size_t len, const char *file);
/* Runs a list of converted top-level forms. */
int sbp__eval_run(sbp__eval *ev, cell *forms, env *e);

#endif
