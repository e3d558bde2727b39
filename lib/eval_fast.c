/* Declarative top-level forms without the machine (eval_fast.h). Most of a large profile is
 * rules of constant operations and filters; converting each into cells and stepping the
 * machine through it is most of the time spent reading one. The shape is checked first and
 * anything else is left to the machine, so that this path only ever does what the machine
 * would: the same calls (sbp__eval_filter_apply, sbp__eval_rule) at the same positions,
 * and the same steps charged. */
#include "eval_fast.h"

#include <string.h>

#include "eval_sbpl.h"

/* The machine's steps for (allow ARG...): starting and ending the form, and for each
 * argument, an operation's name 2, a filter's call 3 plus 2 for each string given to it. */
#define STEPS_FORM 5
#define STEPS_NAME 2
#define STEPS_CALL 3
#define STEPS_STRING 2

static int fast_path_off;
static size_t *fast_path_taken;

void sbp__eval_test_fast_path(int off, size_t *taken) {
  fast_path_off = off;
  fast_path_taken = taken;
}

/* The global value of a symbol datum, when the symbol exists and has one. */
static cell *global_value(const sbp__eval *ev, const sbp__datum *d) {
  if (d->type != SBP__D_SYMBOL) return NULL;
  cell *sym = sbp__eval_find_symbol(ev, d->text, d->len);
  return sym != NULL ? sym->u.sym.gval : NULL;
}

/* The action of the rule primitive fn is bound to, or -1. */
static int rule_action(const cell *fn) {
  if (fn == NULL || fn->type != T_PRIM || fn->u.prim->fn == NULL) return -1;
  const sbp__prim *p = fn->u.prim;
  if (p < sbp__eval_sbpl_prims || p >= sbp__eval_sbpl_prims + sbp__eval_sbpl_nprims) return -1;
  if (strcmp(p->name, "allow") == 0) return SBP_ALLOW;
  if (strcmp(p->name, "deny") == 0) return SBP_DENY;
  return -1;
}

static int proper_list(const sbp__datum *d) {
  return d->type == SBP__D_LIST && !(d->flags & SBP__DF_DOTTED) && d->first != NULL;
}

/* At most this many arguments (longer rules go through the machine). */
#define MAX_ARGS 16

/* The form's shape: for each argument, the operation or filter procedure its name is bound
 * to (in v), and the steps the machine would take; 0 when the form is not of the shape. */
static size_t shape_steps(const sbp__eval *ev, const sbp__datum *x, cell **v) {
  size_t steps = STEPS_FORM, i = 0;
  for (const sbp__datum *a = x->first->next; a != NULL; a = a->next, i++) {
    if (i == MAX_ARGS) return 0;
    if (a->type == SBP__D_SYMBOL) {
      v[i] = global_value(ev, a);
      if (v[i] == NULL || v[i]->type != T_OP) return 0;
      steps += STEPS_NAME;
      continue;
    }
    if (!proper_list(a)) return 0;
    v[i] = global_value(ev, a->first);
    if (v[i] == NULL || v[i]->type != T_FILTERFN) return 0;
    steps += STEPS_CALL;
    for (const sbp__datum *s = a->first->next; s != NULL; s = s->next) {
      if (s->type != SBP__D_STRING) return 0;
      steps += STEPS_STRING;
    }
  }
  return steps;
}

static void at(sbp__eval *ev, const char *file, const sbp__datum *d) {
  ev->file = file;
  ev->line = d->line;
  ev->col = d->column;
}

/* Appends v to the list whose last pair's cdr is *tail. */
static int append(sbp__eval *ev, cell ***tail, cell *v) {
  cell *pair = v != NULL ? sbp__eval_cons(ev, v, ev->nil) : NULL;
  if (pair == NULL) return sbp__eval_fail_code(ev);
  **tail = pair;
  *tail = &pair->u.p.cdr;
  return SBP_OK;
}

int sbp__eval_fast_form(sbp__eval *ev, const sbp__datum *x, const char *file, int *done) {
  *done = 0;
  if (fast_path_off || !proper_list(x)) return SBP_OK;
  int action = rule_action(global_value(ev, x->first));
  if (action < 0) return SBP_OK;
  cell *v[MAX_ARGS];
  size_t steps = shape_steps(ev, x, v);
  /* near the step limit the machine says where it stops */
  if (steps == 0 || ev->steps > ev->max_steps || steps > ev->max_steps - ev->steps)
    return SBP_OK;
  *done = 1;
  if (fast_path_taken != NULL) ++*fast_path_taken;
  ev->steps += steps;
  cell *args = ev->nil, **tail = &args;
  int rc = SBP_OK;
  size_t i = 0;
  for (const sbp__datum *a = x->first->next; a != NULL && rc == SBP_OK; a = a->next, i++) {
    if (a->type == SBP__D_SYMBOL) {
      rc = append(ev, &tail, v[i]);
      continue;
    }
    cell *strings = ev->nil, **stail = &strings;
    for (const sbp__datum *s = a->first->next; s != NULL && rc == SBP_OK; s = s->next)
      rc = append(ev, &stail, sbp__eval_str(ev, s->text, s->len));
    if (rc != SBP_OK) break;
    /* the machine applies a procedure at the position of its call */
    at(ev, file, a);
    rc = sbp__eval_filter_apply(ev, v[i], strings);
    if (rc == SBP_OK) rc = append(ev, &tail, ev->value);
  }
  if (rc != SBP_OK) return rc;
  at(ev, file, x);
  return sbp__eval_rule(ev, (sbp_action)action, args, ev->file, ev->line, ev->col);
}
