/* The evaluator's Scheme procedures: lists, strings, symbols, predicates, integers
 * (eval_proc.c). */
#ifndef SBP_LIB_EVAL_PROC_H
#define SBP_LIB_EVAL_PROC_H

#include "eval_cell.h"

/* The Scheme primitives, registered by sbp__eval_init. */
extern const sbp__prim sbp__eval_scheme_prims[];
extern const size_t sbp__eval_scheme_nprims;
int sbp__eval_eqv(const cell *a, const cell *b);
int sbp__eval_equal(sbp__eval *ev, const cell *a, const cell *b, int *out);
/* string-append semantics, with symbolic parameters */
int sbp__eval_string_append(sbp__eval *ev, cell *args, cell **out);

#endif
