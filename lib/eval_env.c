/* Environments: local frames, global values kept in their symbols, and the lookup of a
 * name that falls back to SBPL's built-in names and the Scheme library (eval_env.h). */
#include "eval_env.h"

#include <string.h>

#include "eval_library.h"
#include "eval_sbpl.h"
#include "sbprofile/catalog.h"

env *sbp__eval_new_env(sbp__eval *ev, env *parent) {
  env *e = sbp__eval_alloc(ev, sizeof(env));
  if (e == NULL) return NULL;
  e->parent = parent;
  e->vars = ev->nil;
  e->epoch = ev->epoch;
  return e;
}

int sbp__eval_define(sbp__eval *ev, env *e, cell *sym, cell *val) {
  if (e == NULL || e->epoch != ev->epoch) ev->escaped = 1;
  if (e == NULL) {
    sym->u.sym.gval = val;
    return SBP_OK;
  }
  for (cell *v = e->vars; v->type == T_PAIR; v = CDR(v))
    if (CAR(CAR(v)) == sym) {
      CDR(CAR(v)) = val;
      return SBP_OK;
    }
  cell *b = sbp__eval_cons(ev, sym, val);
  cell *l = b ? sbp__eval_cons(ev, b, e->vars) : NULL;
  if (l == NULL) return sbp__eval_fail_code(ev);
  e->vars = l;
  return SBP_OK;
}

/* The value of an unbound global that SBPL or the Scheme library defines, cached in the
 * symbol; NULL when neither does (or on an error, ev->err set). */
static cell *builtin_value(sbp__eval *ev, cell *sym) {
  cell *v = sbp__eval_builtin_name(ev, sym);
  if (v == NULL && ev->err->code == 0)
    v = sbp__eval_library_name(ev, sym);
  if (v != NULL) {
    ev->escaped = 1; /* cached in the symbol */
    sym->u.sym.gval = v;
  }
  return v;
}

int sbp__eval_lookup(sbp__eval *ev, env *e, cell *sym, cell **out) {
  cell *b = sbp__eval_find_local(e, sym);
  if (b != NULL) {
    *out = CDR(b);
    return SBP_OK;
  }
  if (sym->u.sym.gval != NULL) {
    *out = sym->u.sym.gval;
    return SBP_OK;
  }
  cell *v = builtin_value(ev, sym);
  if (v != NULL) {
    *out = v;
    return SBP_OK;
  }
  if (ev->err->code != 0) return ev->err->code;
  if (sym->u.sym.len == 22 && memcmp(sym->u.sym.s, "allow-create-directory", 22) == 0)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "unbound variable: allow-create-directory (libsandbox does not define "
                          "it either: a profile that uses it must define it, as 10.15's "
                          "colorsyncd.sb does; fact allow-create-directory-undefined)");
  int rc = sbp__eval_unbound_in_version(ev, sym);
  if (rc != SBP_OK) return rc;
  if (sbp__eval_library_unmodelled(sym->u.sym.s, sym->u.sym.len))
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "unbound variable: %s (TinyScheme's init.scm defines it, with "
                          "continuations, ports, vectors or inexact numbers, which sbprofile "
                          "does not model)",
                          sym->u.sym.s);
  if ((ev->flags & SBP_READ_UNKNOWN_OPERATIONS) &&
      sbp_catalog_suggest(ev->opts->macos, SBP_CATALOG_NAME_OPERATION, sym->u.sym.s,
                          sym->u.sym.len) != NULL) {
    /* a misspelt operation: kept as written (flag 2: the text is copied into the profile) */
    cell *op = sbp__eval_cell(ev, T_OP);
    if (op == NULL) return sbp__eval_fail_code(ev);
    op->flag = 2;
    op->u.str.s = sym->u.sym.s;
    op->u.str.len = sym->u.sym.len;
    *out = op;
    return SBP_OK;
  }
  return sbp__eval_fail(ev, SBP_E_EVAL, "unbound variable: %s", sym->u.sym.s);
}

int sbp__eval_is_defined(sbp__eval *ev, env *e, cell *sym, int *defined) {
  *defined = 1;
  if (sbp__eval_find_local(e, sym) != NULL || sym->u.sym.gval != NULL) return SBP_OK;
  if (sym->flag != 0 /* a special form */) return SBP_OK;
  *defined = builtin_value(ev, sym) != NULL;
  /* Memory running out while a built-in is made is no answer: "not defined" would be wrong. */
  if (!*defined && ev->err->code != 0) return ev->err->code;
  return SBP_OK;
}
