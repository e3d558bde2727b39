/* Declarative top-level forms evaluated straight from the reader's datums (eval_fast.c). */
#ifndef SBP_LIB_EVAL_FAST_H
#define SBP_LIB_EVAL_FAST_H

#include "datum.h"
#include "eval_cell.h"

/* Evaluates x, a top-level form of the text `file`, when it is a rule whose arguments are
 * operations and filters on string literals: (allow file-read* (literal "/a") ...). *done
 * tells whether it did; when not (any other form, or a name not yet bound to its built-in),
 * the caller runs x through the machine. The result, the profile's nodes and their
 * positions, the errors and the steps charged are the machine's, form for form. */
int sbp__eval_fast_form(sbp__eval *ev, const sbp__datum *x, const char *file, int *done);

/* Tests only, single-threaded: off 1 turns the fast path off, so that both ways can be
 * compared; a non-NULL taken counts the forms it evaluates from now on (NULL: stop). */
void sbp__eval_test_fast_path(int off, size_t *taken);

#endif
