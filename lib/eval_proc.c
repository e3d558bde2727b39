/* The evaluator's Scheme procedures: lists, strings, symbols, predicates, integers, and
 * their table (eval_proc.h). */
#include <stdio.h>
#include <string.h>

#include "eval_env.h"
#include "eval_proc.h"

#define ARG1(a) CAR(a)
#define ARG2(a) CAR(CDR(a))
#define ARG3(a) CAR(CDR(CDR(a)))
#define BOOL(ev, x) ((x) ? (ev)->t : (ev)->f)

/* Leaves a procedure's result in ev->value; v NULL: the call that made it failed. */
static int ret(sbp__eval *ev, cell *v) {
  if (v == NULL) return sbp__eval_fail_code(ev);
  ev->value = v;
  return SBP_OK;
}

static int type_error(sbp__eval *ev, const char *proc, const char *want, const cell *got) {
  return sbp__eval_fail(ev, SBP_E_EVAL, "%s: expected %s, got %s", proc, want,
                        sbp__eval_type_name(got));
}

static int symbolic_error(sbp__eval *ev, const char *proc, const cell *got) {
  if (got->type == T_PARAM)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "%s: the value of parameter \"%s\" is needed but none was given",
                          proc, got->u.str.s);
  return sbp__eval_fail(ev, SBP_E_EVAL,
                        "%s: the value of a parameter is needed but none was given", proc);
}

static int want_str(sbp__eval *ev, const char *proc, const cell *c) {
  if (c->type == T_STR) return SBP_OK;
  if (c->type == T_PARAM || c->type == T_CONCAT) return symbolic_error(ev, proc, c);
  return type_error(ev, proc, "a string", c);
}

static int want_int(sbp__eval *ev, const char *proc, const cell *c) {
  return c->type == T_INT ? SBP_OK : type_error(ev, proc, "an integer", c);
}

/* A list was wanted: an improper one (a pair that does not end in '()) is named as such. */
static int list_error(sbp__eval *ev, const char *proc, const cell *got) {
  if (got->type == T_PAIR)
    return sbp__eval_fail(ev, SBP_E_EVAL, "%s: expected a list, got an improper list", proc);
  return type_error(ev, proc, "a list", got);
}

static cell *mklist(sbp__eval *ev, cell *rev) { return sbp__eval_reverse_onto(rev, ev->nil); }

/* The length of a list, the walk charged to the step budget (sbp__eval_charge); *proper
 * tells whether it ends in the empty list. */
static int charged_length(sbp__eval *ev, const cell *c, size_t *len, int *proper) {
  *proper = sbp__eval_list_length(c, len);
  return sbp__eval_charge(ev, *len, 0);
}

/* ---- equality -------------------------------------------------------------------------- */

int sbp__eval_eqv(const cell *a, const cell *b) {
  if (a == b) return 1;
  if (a->type != b->type) return 0;
  switch ((cell_type)a->type) {
    case T_INT: case T_CHAR: case T_BOOL: return a->u.i == b->u.i;
    case T_NIL: return 1;
    case T_OP: case T_CONST:
      return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    default: return 0;
  }
}

int sbp__eval_equal(sbp__eval *ev, const cell *a, const cell *b, int *out) {
  /* explicit stack of pairs still to compare */
  size_t cap = 32, n = 0;
  const cell **st = sbp__malloc(ev->alloc, cap * 2 * sizeof(*st));
  if (st == NULL) return sbp__nomem(ev->err);
  st[n * 2] = a;
  st[n * 2 + 1] = b;
  n++;
  int eq = 1, rc = SBP_OK;
  /* Work is charged per pair of cells and per byte compared, in batches: shared structure
   * makes the walk exponential in the size of the text. */
  size_t cells = 0, bytes = 0;
  while (n > 0 && eq) {
    n--;
    const cell *x = st[n * 2], *y = st[n * 2 + 1];
    for (;;) {
      if (++cells >= 4096 || bytes >= 4096 * SBP__EVAL_BYTES_PER_STEP) {
        if ((rc = sbp__eval_charge(ev, cells, bytes)) != SBP_OK) break;
        cells = bytes = 0;
      }
      if (x->type == T_PAIR && y->type == T_PAIR) {
        if (n == cap) {
          const cell **ns = sbp__realloc(ev->alloc, st, cap * 4 * sizeof(*st));
          if (ns == NULL) {
            sbp__free(ev->alloc, st);
            return sbp__nomem(ev->err);
          }
          st = ns;
          cap *= 2;
        }
        st[n * 2] = CDR(x);
        st[n * 2 + 1] = CDR(y);
        n++;
        x = CAR(x);
        y = CAR(y);
        continue;
      }
      if (x->type == T_STR && y->type == T_STR) {
        eq = x->u.str.len == y->u.str.len && memcmp(x->u.str.s, y->u.str.s, x->u.str.len) == 0;
        if (x->u.str.len == y->u.str.len) bytes += x->u.str.len;
      }
      else if ((x->type == T_FILTER || x->type == T_MOD) && x->type == y->type)
        eq = sbp_node_equal(x->u.node, y->u.node, 0);
      else
        eq = sbp__eval_eqv(x, y);
      break;
    }
    if (rc != SBP_OK) break;
  }
  sbp__free(ev->alloc, st);
  if (rc == SBP_OK) rc = sbp__eval_charge(ev, cells, bytes);
  if (rc != SBP_OK) return rc;
  *out = eq;
  return SBP_OK;
}

/* ---- lists ----------------------------------------------------------------------------- */

static int p_car(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  if (ARG1(a)->type != T_PAIR) return type_error(ev, "car", "a pair", ARG1(a));
  return ret(ev, CAR(ARG1(a)));
}
static int p_cdr(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  if (ARG1(a)->type != T_PAIR) return type_error(ev, "cdr", "a pair", ARG1(a));
  return ret(ev, CDR(ARG1(a)));
}

/* cadr, cddr, caddr, ...: the letters between c and r, applied right to left */
static int cxr(sbp__eval *ev, cell *a, const char *name) {
  cell *x = ARG1(a);
  size_t len = strlen(name);
  for (size_t i = len - 2; i >= 1; i--) {
    if (x->type != T_PAIR) return type_error(ev, name, "a pair", x);
    x = name[i] == 'a' ? CAR(x) : CDR(x);
  }
  return ret(ev, x);
}
#define CXR(fn, name) \
  static int fn(sbp__eval *ev, cell *a, size_t n) { (void)n; return cxr(ev, a, name); }
CXR(p_caar, "caar")
CXR(p_cadr, "cadr")
CXR(p_cdar, "cdar")
CXR(p_cddr, "cddr")
CXR(p_caddr, "caddr")
CXR(p_cdddr, "cdddr")
CXR(p_caadr, "caadr")
CXR(p_cddddr, "cddddr")
CXR(p_cadddr, "cadddr")

static int p_cons(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  return ret(ev, sbp__eval_cons(ev, ARG1(a), ARG2(a)));
}
static int p_list(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  ev->value = a; /* the argument list is fresh */
  return SBP_OK;
}
static int p_list_star(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  /* copies: the argument list may share its tail with a list of the profile (apply) */
  cell *rev = ev->nil, *p = a;
  for (; CDR(p)->type == T_PAIR; p = CDR(p))
    if ((rev = sbp__eval_cons(ev, CAR(p), rev)) == NULL) return sbp__eval_fail_code(ev);
  return ret(ev, sbp__eval_reverse_onto(rev, CAR(p)));
}
static int p_length(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  size_t k;
  int proper, rc = charged_length(ev, ARG1(a), &k, &proper);
  if (rc) return rc;
  if (!proper) return list_error(ev, "length", ARG1(a));
  return ret(ev, sbp__eval_int(ev, (int64_t)k));
}
static int p_append(sbp__eval *ev, cell *a, size_t n) {
  if (n == 0) return ret(ev, ev->nil);
  cell *rev = ev->nil;
  cell *p = a;
  for (; CDR(p)->type == T_PAIR; p = CDR(p)) {
    size_t k;
    int proper, rc = charged_length(ev, CAR(p), &k, &proper);
    if (rc) return rc;
    if (!proper) return list_error(ev, "append", CAR(p));
    for (cell *x = CAR(p); x->type == T_PAIR; x = CDR(x))
      if ((rev = sbp__eval_cons(ev, CAR(x), rev)) == NULL) return sbp__eval_fail_code(ev);
  }
  return ret(ev, sbp__eval_reverse_onto(rev, CAR(p)));
}
static int p_reverse(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  size_t k;
  int proper, rc = charged_length(ev, ARG1(a), &k, &proper);
  if (rc) return rc;
  if (!proper) return list_error(ev, "reverse", ARG1(a));
  cell *r = ev->nil;
  for (cell *x = ARG1(a); x->type == T_PAIR; x = CDR(x))
    if ((r = sbp__eval_cons(ev, CAR(x), r)) == NULL) return sbp__eval_fail_code(ev);
  return ret(ev, r);
}
/* The tail of a list after k pairs, for list-tail and list-ref (named in the errors). */
static int list_tail(sbp__eval *ev, cell *a, const char *name, cell **out) {
  int rc = want_int(ev, name, ARG2(a));
  if (rc) return rc;
  int64_t k = ARG2(a)->u.i;
  if (k < 0) return sbp__eval_fail(ev, SBP_E_EVAL, "%s: negative index", name);
  cell *x = ARG1(a);
  for (int64_t i = 0; i < k; i++) {
    if (x->type != T_PAIR) return sbp__eval_fail(ev, SBP_E_EVAL, "%s: index too large", name);
    x = CDR(x);
  }
  if ((rc = sbp__eval_charge(ev, (size_t)k, 0)) != 0) return rc;
  *out = x;
  return SBP_OK;
}
static int p_list_tail(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  cell *x = NULL;
  int rc = list_tail(ev, a, "list-tail", &x);
  if (rc) return rc;
  return ret(ev, x);
}
static int p_list_ref(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  cell *x = NULL;
  int rc = list_tail(ev, a, "list-ref", &x);
  if (rc) return rc;
  if (x->type != T_PAIR) return sbp__eval_fail(ev, SBP_E_EVAL, "list-ref: index too large");
  return ret(ev, CAR(x));
}
static int p_take(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_int(ev, "take", ARG2(a));
  if (rc) return rc;
  cell *rev = ev->nil, *x = ARG1(a);
  for (int64_t i = 0; i < ARG2(a)->u.i && x->type == T_PAIR; i++, x = CDR(x))
    if ((rev = sbp__eval_cons(ev, CAR(x), rev)) == NULL) return sbp__eval_fail_code(ev);
  return ret(ev, mklist(ev, rev));
}
static int p_drop(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_int(ev, "drop", ARG2(a));
  if (rc) return rc;
  cell *x = ARG1(a);
  size_t walked = 0;
  for (int64_t i = 0; i < ARG2(a)->u.i && x->type == T_PAIR; i++, walked++) x = CDR(x);
  if ((rc = sbp__eval_charge(ev, walked, 0)) != 0) return rc;
  return ret(ev, x);
}
static int p_flatten(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  /* explicit stack: a list of the rests still to walk */
  cell *rev = ev->nil, *todo = ev->nil, *x = ARG1(a);
  for (;;) {
    if (x->type == T_PAIR) {
      if (CAR(x)->type == T_PAIR || CAR(x)->type == T_NIL) {
        if ((todo = sbp__eval_cons(ev, CDR(x), todo)) == NULL) return sbp__eval_fail_code(ev);
        x = CAR(x);
        continue;
      }
      if ((rev = sbp__eval_cons(ev, CAR(x), rev)) == NULL) return sbp__eval_fail_code(ev);
      x = CDR(x);
      continue;
    }
    if (x->type != T_NIL && (rev = sbp__eval_cons(ev, x, rev)) == NULL) return sbp__eval_fail_code(ev);
    if (todo->type != T_PAIR) break;
    x = CAR(todo);
    todo = CDR(todo);
  }
  return ret(ev, mklist(ev, rev));
}

/* member, memq, memv (mode 0 equal, 1 eq, 2 eqv); assoc, assq, assv */
static int mem(sbp__eval *ev, cell *a, int mode, int assoc) {
  cell *key = ARG1(a);
  size_t walked = 0;
  for (cell *x = ARG2(a); x->type == T_PAIR; x = CDR(x)) {
    if (++walked == 4096) {
      int rc = sbp__eval_charge(ev, walked, 0);
      if (rc) return rc;
      walked = 0;
    }
    cell *item = CAR(x);
    if (assoc) {
      if (item->type != T_PAIR) continue;
      item = CAR(item);
    }
    int eq;
    if (mode == 0) {
      int rc = sbp__eval_equal(ev, key, item, &eq);
      if (rc) return rc;
    } else if (mode == 1) {
      eq = key == item || (key->type == item->type &&
                           (key->type == T_INT || key->type == T_CHAR || key->type == T_BOOL ||
                            key->type == T_NIL) && sbp__eval_eqv(key, item));
    } else {
      eq = sbp__eval_eqv(key, item);
    }
    if (eq) {
      int rc = sbp__eval_charge(ev, walked, 0);
      if (rc) return rc;
      return ret(ev, assoc ? CAR(x) : x);
    }
  }
  int rc = sbp__eval_charge(ev, walked, 0);
  if (rc) return rc;
  return ret(ev, ev->f);
}
#define MEM(fn, mode, assoc) \
  static int fn(sbp__eval *ev, cell *a, size_t n) { (void)n; return mem(ev, a, mode, assoc); }
MEM(p_member, 0, 0)
MEM(p_memq, 1, 0)
MEM(p_memv, 2, 0)
MEM(p_assoc, 0, 1)
MEM(p_assq, 1, 1)
MEM(p_assv, 2, 1)

/* ---- predicates ------------------------------------------------------------------------ */

#define PRED(fn, expr)                               \
  static int fn(sbp__eval *ev, cell *a, size_t n) { \
    (void)n;                                         \
    const cell *x = ARG1(a);                         \
    return ret(ev, BOOL(ev, (expr)));                       \
  }
PRED(p_null, x->type == T_NIL)
PRED(p_pair, x->type == T_PAIR)
PRED(p_string_p, x->type == T_STR || x->type == T_PARAM || x->type == T_CONCAT)
PRED(p_symbol_p, x->type == T_SYM)
PRED(p_number_p, x->type == T_INT || x->type == T_REAL)
PRED(p_integer_p, x->type == T_INT)
PRED(p_boolean_p, x->type == T_BOOL)
PRED(p_char_p, x->type == T_CHAR)
PRED(p_procedure_p, x->type == T_CLOSURE || x->type == T_PRIM || x->type == T_FILTERFN)
PRED(p_not, x->type == T_BOOL && x->u.i == 0)
PRED(p_zero, x->type == T_INT && x->u.i == 0)
PRED(p_positive, x->type == T_INT && x->u.i > 0)
PRED(p_negative, x->type == T_INT && x->u.i < 0)
PRED(p_even, x->type == T_INT && x->u.i % 2 == 0)
PRED(p_odd, x->type == T_INT && x->u.i % 2 != 0)

static int p_list_p(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  size_t k;
  int proper, rc = charged_length(ev, ARG1(a), &k, &proper);
  if (rc) return rc;
  return ret(ev, BOOL(ev, proper));
}
static int p_eq(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  const cell *x = ARG1(a), *y = ARG2(a);
  int eq = x == y || (x->type == y->type && (x->type == T_INT || x->type == T_CHAR ||
                                             x->type == T_BOOL || x->type == T_NIL ||
                                             x->type == T_OP || x->type == T_CONST) &&
                      sbp__eval_eqv(x, y));
  return ret(ev, BOOL(ev, eq));
}
static int p_eqv(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  return ret(ev, BOOL(ev, sbp__eval_eqv(ARG1(a), ARG2(a))));
}
static int p_equal(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int eq;
  int rc = sbp__eval_equal(ev, ARG1(a), ARG2(a), &eq);
  if (rc) return rc;
  return ret(ev, BOOL(ev, eq));
}
static int p_defined(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  if (ARG1(a)->type != T_SYM) return type_error(ev, "defined?", "a symbol", ARG1(a));
  int defined;
  int rc = sbp__eval_is_defined(ev, NULL, ARG1(a), &defined);
  if (rc) return rc;
  return ret(ev, BOOL(ev, defined));
}

/* ---- integers -------------------------------------------------------------------------- */

static int arith(sbp__eval *ev, cell *a, size_t n, char op) {
  static const char *const names[] = {"+", "-", "*"};
  const char *name = names[op == '+' ? 0 : op == '-' ? 1 : 2];
  int64_t acc = op == '*' ? 1 : 0;
  size_t i = 0;
  for (cell *x = a; x->type == T_PAIR; x = CDR(x), i++) {
    int rc = want_int(ev, name, CAR(x));
    if (rc) return rc;
    int64_t v = CAR(x)->u.i;
    int ovf;
    if (op == '+') {
      ovf = __builtin_add_overflow(acc, v, &acc);
    } else if (op == '-') {
      if (i == 0 && n > 1) {
        acc = v;
        ovf = 0;
      } else {
        ovf = __builtin_sub_overflow(acc, v, &acc);
      }
    } else {
      ovf = __builtin_mul_overflow(acc, v, &acc);
    }
    if (ovf) return sbp__eval_fail(ev, SBP_E_EVAL, "%s: integer overflow", name);
  }
  return ret(ev, sbp__eval_int(ev, acc));
}
static int p_add(sbp__eval *ev, cell *a, size_t n) { return arith(ev, a, n, '+'); }
static int p_sub(sbp__eval *ev, cell *a, size_t n) { return arith(ev, a, n, '-'); }
static int p_mul(sbp__eval *ev, cell *a, size_t n) { return arith(ev, a, n, '*'); }

static int divide(sbp__eval *ev, cell *a, int kind, const char *name) {
  int rc = want_int(ev, name, ARG1(a));
  if (rc == SBP_OK) rc = want_int(ev, name, ARG2(a));
  if (rc) return rc;
  int64_t x = ARG1(a)->u.i, y = ARG2(a)->u.i;
  if (y == 0) return sbp__eval_fail(ev, SBP_E_EVAL, "%s: division by zero", name);
  if (x == INT64_MIN && y == -1) return sbp__eval_fail(ev, SBP_E_EVAL, "%s: integer overflow", name);
  int64_t r;
  if (kind == 0) {
    r = x / y;
  } else if (kind == 1) {
    r = x % y;
  } else {
    r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) r += y;
  }
  return ret(ev, sbp__eval_int(ev, r));
}
static int p_quotient(sbp__eval *ev, cell *a, size_t n) { (void)n; return divide(ev, a, 0, "quotient"); }
static int p_remainder(sbp__eval *ev, cell *a, size_t n) { (void)n; return divide(ev, a, 1, "remainder"); }
static int p_modulo(sbp__eval *ev, cell *a, size_t n) { (void)n; return divide(ev, a, 2, "modulo"); }
static int p_div(sbp__eval *ev, cell *a, size_t n) {
  if (n == 1) return sbp__eval_fail(ev, SBP_E_EVAL, "/: no rational numbers in SBPL");
  int rc = divide(ev, a, 1, "/");
  if (rc) return rc;
  if (ev->value->u.i != 0) return sbp__eval_fail(ev, SBP_E_EVAL, "/: inexact result (no math library)");
  return divide(ev, a, 0, "/");
}

static int compare(sbp__eval *ev, cell *a, const char *name) {
  int ok = 1;
  for (cell *x = a; x->type == T_PAIR; x = CDR(x)) {
    int rc = want_int(ev, name, CAR(x));
    if (rc) return rc;
    if (CDR(x)->type != T_PAIR) break;
    cell *y = CAR(CDR(x));
    if (y->type != T_INT) return type_error(ev, name, "an integer", y);
    int64_t p = CAR(x)->u.i, q = y->u.i;
    int r = name[0] == '=' ? p == q
            : name[0] == '<' ? (name[1] == '=' ? p <= q : p < q)
                             : (name[1] == '=' ? p >= q : p > q);
    if (!r) ok = 0;
  }
  return ret(ev, BOOL(ev, ok));
}
static int p_num_eq(sbp__eval *ev, cell *a, size_t n) { (void)n; return compare(ev, a, "="); }
static int p_lt(sbp__eval *ev, cell *a, size_t n) { (void)n; return compare(ev, a, "<"); }
static int p_gt(sbp__eval *ev, cell *a, size_t n) { (void)n; return compare(ev, a, ">"); }
static int p_le(sbp__eval *ev, cell *a, size_t n) { (void)n; return compare(ev, a, "<="); }
static int p_ge(sbp__eval *ev, cell *a, size_t n) { (void)n; return compare(ev, a, ">="); }

static int minmax(sbp__eval *ev, cell *a, int max, const char *name) {
  cell *best = NULL;
  for (cell *x = a; x->type == T_PAIR; x = CDR(x)) {
    int rc = want_int(ev, name, CAR(x));
    if (rc) return rc;
    if (best == NULL || (max ? CAR(x)->u.i > best->u.i : CAR(x)->u.i < best->u.i)) best = CAR(x);
  }
  return ret(ev, best);
}
static int p_max(sbp__eval *ev, cell *a, size_t n) { (void)n; return minmax(ev, a, 1, "max"); }
static int p_min(sbp__eval *ev, cell *a, size_t n) { (void)n; return minmax(ev, a, 0, "min"); }
static int p_abs(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_int(ev, "abs", ARG1(a));
  if (rc) return rc;
  int64_t v = ARG1(a)->u.i;
  if (v == INT64_MIN) return sbp__eval_fail(ev, SBP_E_EVAL, "abs: integer overflow");
  return ret(ev, sbp__eval_int(ev, v < 0 ? -v : v));
}

/* ---- strings --------------------------------------------------------------------------- */

static int p_string_append(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  cell *out = NULL;
  int rc = sbp__eval_string_append(ev, a, &out);
  if (rc) return rc;
  return ret(ev, out);
}

int sbp__eval_string_append(sbp__eval *ev, cell *args, cell **out) {
  size_t total = 0;
  int symbolic = 0;
  for (cell *x = args; x->type == T_PAIR; x = CDR(x)) {
    cell *s = CAR(x);
    if (s->type == T_PARAM || s->type == T_CONCAT) {
      symbolic = 1;
      continue;
    }
    if (s->type != T_STR) return type_error(ev, "string-append", "a string", s);
    if (s->u.str.len > ev->max_string - total)
      return sbp__eval_fail(ev, SBP_E_LIMIT, "string too long (limit %zu bytes)", ev->max_string);
    total += s->u.str.len;
  }
  if (!symbolic) {
    char *buf = sbp__eval_alloc(ev, total + 1);
    if (buf == NULL) return sbp__eval_fail_code(ev);
    size_t off = 0;
    for (cell *x = args; x->type == T_PAIR; x = CDR(x)) {
      memcpy(buf + off, CAR(x)->u.str.s, CAR(x)->u.str.len);
      off += CAR(x)->u.str.len;
    }
    buf[total] = '\0';
    cell *c = sbp__eval_cell(ev, T_STR);
    if (c == NULL) return sbp__eval_fail_code(ev);
    c->u.str.s = buf;
    c->u.str.len = total;
    *out = c;
    return SBP_OK;
  }
  /* a concatenation: flatten nested ones, merge adjacent strings, drop empty ones */
  cell *rev = ev->nil;
  size_t parts = 0;
  for (cell *x = args; x->type == T_PAIR; x = CDR(x)) {
    cell *s = CAR(x);
    cell *list = s->type == T_CONCAT ? s->u.parts : NULL;
    cell one = {0};
    if (list == NULL) {
      one.type = T_PAIR;
      one.u.p.car = s;
      one.u.p.cdr = ev->nil;
      list = &one;
    }
    for (cell *y = list; y->type == T_PAIR; y = CDR(y)) {
      cell *part = CAR(y);
      if (part->type == T_STR && part->u.str.len == 0) continue;
      if (part->type == T_STR && rev->type == T_PAIR && CAR(rev)->type == T_STR) {
        cell *prev = CAR(rev);
        if (part->u.str.len > ev->max_string - prev->u.str.len)
          return sbp__eval_fail(ev, SBP_E_LIMIT, "string too long (limit %zu bytes)",
                                ev->max_string);
        char *buf = sbp__eval_alloc(ev, prev->u.str.len + part->u.str.len + 1);
        if (buf == NULL) return sbp__eval_fail_code(ev);
        memcpy(buf, prev->u.str.s, prev->u.str.len);
        memcpy(buf + prev->u.str.len, part->u.str.s, part->u.str.len + 1);
        cell *m = sbp__eval_cell(ev, T_STR);
        if (m == NULL) return sbp__eval_fail_code(ev);
        m->u.str.s = buf;
        m->u.str.len = prev->u.str.len + part->u.str.len;
        CAR(rev) = m;
        continue;
      }
      if (++parts > 4096)
        return sbp__eval_fail(ev, SBP_E_LIMIT, "string-append: too many parts");
      if ((rev = sbp__eval_cons(ev, part, rev)) == NULL) return sbp__eval_fail_code(ev);
    }
  }
  cell *c = sbp__eval_cell(ev, T_CONCAT);
  if (c == NULL) return sbp__eval_fail_code(ev);
  c->u.parts = mklist(ev, rev);
  *out = c;
  return SBP_OK;
}

static int p_string_length(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_str(ev, "string-length", ARG1(a));
  if (rc) return rc;
  return ret(ev, sbp__eval_int(ev, (int64_t)ARG1(a)->u.str.len));
}
static int p_substring(sbp__eval *ev, cell *a, size_t n) {
  int rc = want_str(ev, "substring", ARG1(a));
  if (rc == SBP_OK) rc = want_int(ev, "substring", ARG2(a));
  if (rc == SBP_OK && n > 2) rc = want_int(ev, "substring", ARG3(a));
  if (rc) return rc;
  int64_t len = (int64_t)ARG1(a)->u.str.len;
  int64_t s = ARG2(a)->u.i, e = n > 2 ? ARG3(a)->u.i : len;
  if (s < 0 || e < s || e > len)
    return sbp__eval_fail(ev, SBP_E_EVAL, "substring: index out of range");
  return ret(ev, sbp__eval_str(ev, ARG1(a)->u.str.s + s, (size_t)(e - s)));
}
static int p_string_ref(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_str(ev, "string-ref", ARG1(a));
  if (rc == SBP_OK) rc = want_int(ev, "string-ref", ARG2(a));
  if (rc) return rc;
  int64_t k = ARG2(a)->u.i;
  if (k < 0 || (uint64_t)k >= ARG1(a)->u.str.len)
    return sbp__eval_fail(ev, SBP_E_EVAL, "string-ref: index out of range");
  cell *c = sbp__eval_cell(ev, T_CHAR);
  if (c) c->u.i = (unsigned char)ARG1(a)->u.str.s[k];
  return ret(ev, c);
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int strcmp_cells(const cell *x, const cell *y, int ci) {
  size_t n = x->u.str.len < y->u.str.len ? x->u.str.len : y->u.str.len;
  for (size_t i = 0; i < n; i++) {
    int p = (unsigned char)x->u.str.s[i], q = (unsigned char)y->u.str.s[i];
    if (ci) {
      p = lower(p);
      q = lower(q);
    }
    if (p != q) return p < q ? -1 : 1;
  }
  return x->u.str.len < y->u.str.len ? -1 : x->u.str.len > y->u.str.len ? 1 : 0;
}

static int strcmp_prim(sbp__eval *ev, cell *a, const char *name, int ci, int want) {
  /* want: 0 '=', 1 '<', 2 '>', 3 '<=', 4 '>=' */
  int ok = 1;
  for (cell *x = a; x->type == T_PAIR; x = CDR(x)) {
    int rc = want_str(ev, name, CAR(x));
    if (rc) return rc;
    if (CDR(x)->type != T_PAIR) break;
    if ((rc = want_str(ev, name, CAR(CDR(x)))) != 0) return rc;
    const cell *p = CAR(x), *q = CAR(CDR(x));
    if ((rc = sbp__eval_charge(ev, 0, p->u.str.len < q->u.str.len ? p->u.str.len
                                                                   : q->u.str.len)) != 0)
      return rc;
    int c = strcmp_cells(p, q, ci);
    int r = want == 0 ? c == 0 : want == 1 ? c < 0 : want == 2 ? c > 0 : want == 3 ? c <= 0 : c >= 0;
    if (!r) ok = 0;
  }
  return ret(ev, BOOL(ev, ok));
}
#define STRCMP(fn, name, ci, want) \
  static int fn(sbp__eval *ev, cell *a, size_t n) { (void)n; return strcmp_prim(ev, a, name, ci, want); }
STRCMP(p_string_eq, "string=?", 0, 0)
STRCMP(p_string_lt, "string<?", 0, 1)
STRCMP(p_string_gt, "string>?", 0, 2)
STRCMP(p_string_le, "string<=?", 0, 3)
STRCMP(p_string_ge, "string>=?", 0, 4)
STRCMP(p_string_ci_eq, "string-ci=?", 1, 0)

static int p_string_prefix(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_str(ev, "string-prefix?", ARG1(a));
  if (rc == SBP_OK) rc = want_str(ev, "string-prefix?", ARG2(a));
  if (rc) return rc;
  const cell *p = ARG1(a), *s = ARG2(a);
  if ((rc = sbp__eval_charge(ev, 0, p->u.str.len)) != 0) return rc;
  return ret(ev, BOOL(ev, p->u.str.len <= s->u.str.len && memcmp(p->u.str.s, s->u.str.s, p->u.str.len) == 0));
}
static int p_string_suffix(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_str(ev, "string-suffix?", ARG1(a));
  if (rc == SBP_OK) rc = want_str(ev, "string-suffix?", ARG2(a));
  if (rc) return rc;
  const cell *p = ARG1(a), *s = ARG2(a);
  if ((rc = sbp__eval_charge(ev, 0, p->u.str.len)) != 0) return rc;
  return ret(ev, BOOL(ev, p->u.str.len <= s->u.str.len &&
                       memcmp(p->u.str.s, s->u.str.s + s->u.str.len - p->u.str.len, p->u.str.len) == 0));
}

static int p_string_to_number(sbp__eval *ev, cell *a, size_t n) {
  int rc = want_str(ev, "string->number", ARG1(a));
  if (rc) return rc;
  int64_t radix = 10;
  if (n > 1) {
    if ((rc = want_int(ev, "string->number", ARG2(a))) != 0) return rc;
    radix = ARG2(a)->u.i;
    if (radix != 2 && radix != 8 && radix != 10 && radix != 16)
      return sbp__eval_fail(ev, SBP_E_EVAL, "string->number: bad radix");
  }
  const char *s = ARG1(a)->u.str.s;
  size_t len = ARG1(a)->u.str.len, i = 0;
  if ((rc = sbp__eval_charge(ev, 0, len)) != 0) return rc;
  int neg = 0;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == len) return ret(ev, ev->f);
  uint64_t v = 0;
  for (; i < len; i++) {
    int c = (unsigned char)s[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return ret(ev, ev->f);
    if (d >= radix) return ret(ev, ev->f);
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)radix) return ret(ev, ev->f);
    v = v * (uint64_t)radix + (uint64_t)d;
  }
  if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) return ret(ev, ev->f);
  int64_t r = neg ? (int64_t)(0 - v) : (int64_t)v;
  return ret(ev, sbp__eval_int(ev, r));
}
static int p_number_to_string(sbp__eval *ev, cell *a, size_t n) {
  int rc = want_int(ev, "number->string", ARG1(a));
  if (rc) return rc;
  int64_t radix = 10;
  if (n > 1) {
    if ((rc = want_int(ev, "number->string", ARG2(a))) != 0) return rc;
    radix = ARG2(a)->u.i;
    if (radix != 2 && radix != 8 && radix != 10 && radix != 16)
      return sbp__eval_fail(ev, SBP_E_EVAL, "number->string: bad radix");
  }
  char buf[72];
  size_t i = sizeof(buf);
  int64_t v = ARG1(a)->u.i;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    buf[--i] = "0123456789abcdef"[u % (uint64_t)radix];
    u /= (uint64_t)radix;
  } while (u);
  if (v < 0) buf[--i] = '-';
  return ret(ev, sbp__eval_str(ev, buf + i, sizeof(buf) - i));
}
static int p_string_to_symbol(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_str(ev, "string->symbol", ARG1(a));
  if (rc == SBP_OK) rc = sbp__eval_charge(ev, 0, ARG1(a)->u.str.len); /* hashed */
  if (rc) return rc;
  return ret(ev, sbp__eval_intern(ev, ARG1(a)->u.str.s, ARG1(a)->u.str.len));
}
static int p_symbol_to_string(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  if (ARG1(a)->type != T_SYM) return type_error(ev, "symbol->string", "a symbol", ARG1(a));
  return ret(ev, sbp__eval_str(ev, ARG1(a)->u.sym.s, ARG1(a)->u.sym.len));
}
static int p_string_to_list(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_str(ev, "string->list", ARG1(a));
  if (rc) return rc;
  cell *r = ev->nil;
  for (size_t i = ARG1(a)->u.str.len; i > 0; i--) {
    cell *c = sbp__eval_cell(ev, T_CHAR);
    if (c == NULL) return sbp__eval_fail_code(ev);
    c->u.i = (unsigned char)ARG1(a)->u.str.s[i - 1];
    if ((r = sbp__eval_cons(ev, c, r)) == NULL) return sbp__eval_fail_code(ev);
  }
  return ret(ev, r);
}
static int p_list_to_string(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  size_t k;
  int proper, rc = charged_length(ev, ARG1(a), &k, &proper);
  if (rc) return rc;
  if (!proper) return list_error(ev, "list->string", ARG1(a));
  if (k > ev->max_string)
    return sbp__eval_fail(ev, SBP_E_LIMIT, "string too long (limit %zu bytes)", ev->max_string);
  char *buf = sbp__eval_alloc(ev, k + 1);
  if (buf == NULL) return sbp__eval_fail_code(ev);
  size_t i = 0;
  for (cell *x = ARG1(a); x->type == T_PAIR; x = CDR(x)) {
    if (CAR(x)->type != T_CHAR) return type_error(ev, "list->string", "a character", CAR(x));
    buf[i++] = (char)CAR(x)->u.i;
  }
  return ret(ev, sbp__eval_str(ev, buf, k));
}
static int p_string_copy(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_str(ev, "string-copy", ARG1(a));
  if (rc) return rc;
  return ret(ev, sbp__eval_str(ev, ARG1(a)->u.str.s, ARG1(a)->u.str.len));
}
static int p_char_to_integer(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  if (ARG1(a)->type != T_CHAR) return type_error(ev, "char->integer", "a character", ARG1(a));
  return ret(ev, sbp__eval_int(ev, ARG1(a)->u.i));
}
static int p_integer_to_char(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  int rc = want_int(ev, "integer->char", ARG1(a));
  if (rc) return rc;
  if (ARG1(a)->u.i < 1 || ARG1(a)->u.i > 255)
    return sbp__eval_fail(ev, SBP_E_EVAL, "integer->char: out of range");
  cell *c = sbp__eval_cell(ev, T_CHAR);
  if (c) c->u.i = ARG1(a)->u.i;
  return ret(ev, c);
}
static int p_char_eq(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  if (ARG1(a)->type != T_CHAR) return type_error(ev, "char=?", "a character", ARG1(a));
  if (ARG2(a)->type != T_CHAR) return type_error(ev, "char=?", "a character", ARG2(a));
  return ret(ev, BOOL(ev, ARG1(a)->u.i == ARG2(a)->u.i));
}

static int p_error(sbp__eval *ev, cell *a, size_t n) {
  char msg[200];
  size_t off = 0;
  msg[0] = '\0';
  for (cell *x = a; x->type == T_PAIR && off < sizeof(msg) - 1; x = CDR(x)) {
    const cell *c = CAR(x);
    const char *s = NULL;
    size_t len = 0;
    char num[32];
    if (c->type == T_STR || c->type == T_SYM) {
      s = c->type == T_STR ? c->u.str.s : c->u.sym.s;
      len = c->type == T_STR ? c->u.str.len : c->u.sym.len;
    } else if (c->type == T_INT) {
      len = (size_t)snprintf(num, sizeof(num), "%lld", (long long)c->u.i);
      s = num;
    } else {
      s = sbp__eval_type_name(c);
      len = strlen(s);
    }
    if (x != a) msg[off++] = ' '; /* the loop runs only while there is room */
    if (len > sizeof(msg) - 1 - off) len = sizeof(msg) - 1 - off;
    memcpy(msg + off, s, len);
    off += len;
    msg[off] = '\0';
  }
  (void)n;
  char quoted[240];
  quoted[0] = '\0';
  sbp__error_quote(quoted, sizeof(quoted), msg, off, 200);
  return sbp__eval_fail(ev, SBP_E_EVAL, "error: %s", quoted);
}

static int p_display(sbp__eval *ev, cell *a, size_t n) {
  (void)a;
  (void)n;
  ev->value = ev->unspec; /* output is not part of a profile's meaning */
  return SBP_OK;
}

/* ---- the table ------------------------------------------------------------------------- */

const sbp__prim sbp__eval_scheme_prims[] = {
    /* lists */
    {"car", p_car, 1, 1}, {"cdr", p_cdr, 1, 1}, {"caar", p_caar, 1, 1}, {"cadr", p_cadr, 1, 1},
    {"cdar", p_cdar, 1, 1}, {"cddr", p_cddr, 1, 1}, {"caddr", p_caddr, 1, 1},
    {"cdddr", p_cdddr, 1, 1}, {"caadr", p_caadr, 1, 1}, {"cddddr", p_cddddr, 1, 1},
    {"cadddr", p_cadddr, 1, 1},
    {"cons", p_cons, 2, 2}, {"list", p_list, 0, -1}, {"list*", p_list_star, 1, -1},
    {"cons*", p_list_star, 1, -1},
    {"length", p_length, 1, 1}, {"append", p_append, 0, -1}, {"reverse", p_reverse, 1, 1},
    {"list-tail", p_list_tail, 2, 2}, {"list-ref", p_list_ref, 2, 2}, {"take", p_take, 2, 2},
    {"drop", p_drop, 2, 2}, {"flatten", p_flatten, 1, 1},
    {"member", p_member, 2, 2}, {"memq", p_memq, 2, 2}, {"memv", p_memv, 2, 2},
    {"assoc", p_assoc, 2, 2}, {"assq", p_assq, 2, 2}, {"assv", p_assv, 2, 2},
    /* predicates */
    {"null?", p_null, 1, 1}, {"pair?", p_pair, 1, 1}, {"list?", p_list_p, 1, 1},
    {"string?", p_string_p, 1, 1}, {"symbol?", p_symbol_p, 1, 1},
    {"number?", p_number_p, 1, 1}, {"integer?", p_integer_p, 1, 1},
    {"boolean?", p_boolean_p, 1, 1}, {"char?", p_char_p, 1, 1},
    {"procedure?", p_procedure_p, 1, 1}, {"not", p_not, 1, 1}, {"eq?", p_eq, 2, 2},
    {"eqv?", p_eqv, 2, 2}, {"equal?", p_equal, 2, 2}, {"defined?", p_defined, 1, 1},
    /* integers */
    {"+", p_add, 0, -1}, {"-", p_sub, 1, -1}, {"*", p_mul, 0, -1}, {"/", p_div, 1, 2},
    {"quotient", p_quotient, 2, 2}, {"remainder", p_remainder, 2, 2},
    {"modulo", p_modulo, 2, 2}, {"=", p_num_eq, 1, -1}, {"<", p_lt, 1, -1},
    {">", p_gt, 1, -1}, {"<=", p_le, 1, -1}, {">=", p_ge, 1, -1}, {"max", p_max, 1, -1},
    {"min", p_min, 1, -1}, {"abs", p_abs, 1, 1}, {"zero?", p_zero, 1, 1},
    {"positive?", p_positive, 1, 1}, {"negative?", p_negative, 1, 1},
    {"even?", p_even, 1, 1}, {"odd?", p_odd, 1, 1},
    /* strings, symbols, characters */
    {"string-append", p_string_append, 0, -1}, {"string-length", p_string_length, 1, 1},
    {"substring", p_substring, 2, 3}, {"string-ref", p_string_ref, 2, 2},
    {"string=?", p_string_eq, 1, -1}, {"string<?", p_string_lt, 1, -1},
    {"string>?", p_string_gt, 1, -1}, {"string<=?", p_string_le, 1, -1},
    {"string>=?", p_string_ge, 1, -1}, {"string-ci=?", p_string_ci_eq, 1, -1},
    {"string-prefix?", p_string_prefix, 2, 2}, {"string-suffix?", p_string_suffix, 2, 2},
    {"string->number", p_string_to_number, 1, 2},
    {"number->string", p_number_to_string, 1, 2},
    {"string->symbol", p_string_to_symbol, 1, 1},
    {"symbol->string", p_symbol_to_string, 1, 1}, {"string->list", p_string_to_list, 1, 1},
    {"list->string", p_list_to_string, 1, 1}, {"string-copy", p_string_copy, 1, 1},
    {"char->integer", p_char_to_integer, 1, 1}, {"integer->char", p_integer_to_char, 1, 1},
    {"char=?", p_char_eq, 2, 2},
    {"error", p_error, 0, -1}, {"display", p_display, 1, 2}, {"newline", p_display, 0, 1},
    {"write", p_display, 1, 2},
};
const size_t sbp__eval_scheme_nprims =
    sizeof(sbp__eval_scheme_prims) / sizeof(sbp__eval_scheme_prims[0]);
