/* Environments and the lookup of names (eval_env.c). */
#ifndef SBP_LIB_EVAL_ENV_H
#define SBP_LIB_EVAL_ENV_H

#include "eval_cell.h"

/* A new empty frame under parent (NULL: the global one), made by the running form. */
env *sbp__eval_new_env(sbp__eval *ev, env *parent);
/* Binds sym to val in e (NULL: globally), replacing a binding of e's own. */
int sbp__eval_define(sbp__eval *ev, env *e, cell *sym, cell *val);
/* The binding pair (sym . value) in e or a frame around it (not the globals), or NULL.
 * Inline: the machine asks it for the head of every call. */
static inline cell *sbp__eval_find_local(env *e, const cell *sym) {
  for (; e != NULL; e = e->parent)
    for (cell *v = e->vars; v->type == T_PAIR; v = CDR(v))
      if (CAR(CAR(v)) == sym) return CAR(v);
  return NULL;
}
/* The value of sym in e: a local binding, a global, a built-in name of SBPL or a procedure
 * of the Scheme library (cached in the symbol); else the unbound-variable error. */
int sbp__eval_lookup(sbp__eval *ev, env *e, cell *sym, cell **out);
/* Is sym bound (locally, globally, as a built-in name) or the keyword of a special form?
 * The answer goes to *defined; SBP_OK, or the error met making a built-in (out of memory). */
int sbp__eval_is_defined(sbp__eval *ev, env *e, cell *sym, int *defined);

#endif
