/* The procedures of TinyScheme's init.scm, written in Scheme (eval_library.c). */
#ifndef SBP_LIB_EVAL_LIBRARY_H
#define SBP_LIB_EVAL_LIBRARY_H

#include "eval_cell.h"

typedef struct sbp__library_def {
  const char *name;
  const char *src; /* (lambda ...) */
} sbp__library_def;
size_t sbp__eval_library_count(void);
const sbp__library_def *sbp__eval_library_at(size_t i);
/* The closure of an init.scm procedure of that name (made now), or NULL: not one, or an
 * error (ev->err set). */
cell *sbp__eval_library_name(sbp__eval *ev, cell *sym);
/* 1 when init.scm defines the name with what the evaluator does not model. */
int sbp__eval_library_unmodelled(const char *name, size_t len);

#endif
