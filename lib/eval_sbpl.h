/* SBPL's own built-ins: names of operations, filters and constants, filters and modifiers,
 * rules and the with-* contexts, and the SBPL primitives (eval_sbpl.c). */
#ifndef SBP_LIB_EVAL_SBPL_H
#define SBP_LIB_EVAL_SBPL_H

#include "eval_cell.h"

/* Resolves an unbound global: operations, filters, constants, aliases. NULL when unknown. */
cell *sbp__eval_builtin_name(sbp__eval *ev, cell *sym);
int sbp__eval_filter_apply(sbp__eval *ev, cell *fn, cell *args);
/* Read for a named version, an unbound name that is an operation of other versions: fails
 * with an error naming them. SBP_OK otherwise (the caller reports it unbound). */
int sbp__eval_unbound_in_version(sbp__eval *ev, const cell *sym);
int sbp__eval_rule(sbp__eval *ev, sbp_action action, cell *args, const char *file,
                   uint32_t line, uint32_t col);
int sbp__eval_with(sbp__eval *ev, cell *name, cell *arg, int has_arg);
/* Binds *entitlements* to the caller's entitlements (when given). SBP_OK, SBP_E_NOMEM,
 * SBP_E_INVALID_ARG (an entitlement without key, string or kind). */
int sbp__eval_entitlements(sbp__eval *ev);

/* The SBPL primitives (allow, deny, version, param, ...), registered by sbp__eval_init. */
extern const sbp__prim sbp__eval_sbpl_prims[];
extern const size_t sbp__eval_sbpl_nprims;

#endif
