/* The evaluator's machine: the special forms and procedure calls on an explicit stack (no C
 * recursion grows with the input; every step, frame and byte is counted against the
 * limits), the registration of the primitives it dispatches through, and the running of a
 * text form by form (eval.h). */
#include "eval.h"

#include <string.h>

#include "eval_convert.h"
#include "eval_env.h"
#include "eval_import.h"
#include "eval_proc.h"
#include "eval_sbpl.h"

/* ---- special forms --------------------------------------------------------------------- */

enum {
  SF_NONE, SF_QUOTE, SF_QUASI, SF_IF, SF_DEFINE, SF_SET, SF_LAMBDA, SF_BEGIN, SF_LET,
  SF_LETSTAR, SF_LETREC, SF_COND, SF_CASE, SF_AND, SF_OR, SF_WHEN, SF_UNLESS, SF_MACRO,
  SF_DEFINE_MACRO, SF_WITH, SF_WITH_FILTER, SF_WITH_MODIFIER, SF_WITH_OPERATIONS, SF_DEBUG,
  SF_DELAY, SF_DO
};

static const struct { const char *name; uint8_t id; } special_forms[] = {
    {"quote", SF_QUOTE}, {"quasiquote", SF_QUASI}, {"if", SF_IF}, {"define", SF_DEFINE},
    {"set!", SF_SET}, {"lambda", SF_LAMBDA}, {"begin", SF_BEGIN}, {"let", SF_LET},
    {"let*", SF_LETSTAR}, {"letrec", SF_LETREC}, {"letrec*", SF_LETREC}, {"cond", SF_COND},
    {"case", SF_CASE}, {"and", SF_AND}, {"or", SF_OR}, {"when", SF_WHEN},
    {"unless", SF_UNLESS}, {"macro", SF_MACRO}, {"define-macro", SF_DEFINE_MACRO},
    {"with", SF_WITH}, {"with-filter", SF_WITH_FILTER}, {"with-modifier", SF_WITH_MODIFIER},
    {"with-operations", SF_WITH_OPERATIONS}, {"debug", SF_DEBUG}, {"delay", SF_DELAY},
    {"do", SF_DO},
};

/* ---- primitives ------------------------------------------------------------------------ */

/* The primitives the machine runs itself (they call procedures or run forms), in the order
 * of machine_prims. */
enum { P_APPLY, P_MAP, P_FOR_EACH, P_FILTER, P_IMPORT, P_EVAL };
static const sbp__prim machine_prims[] = {
    {"apply", NULL, 2, -1}, {"map", NULL, 2, -1},   {"for-each", NULL, 2, -1},
    {"filter", NULL, 2, 2}, {"import", NULL, 1, 1}, {"eval", NULL, 1, 2},
};
static const size_t machine_nprims = sizeof(machine_prims) / sizeof(machine_prims[0]);

/* Every table of primitives, registered in this order by sbp__eval_init. */
static const struct {
  const sbp__prim *v;
  const size_t *n;
} prim_tables[] = {
    {machine_prims, &machine_nprims},
    {sbp__eval_scheme_prims, &sbp__eval_scheme_nprims},
    {sbp__eval_sbpl_prims, &sbp__eval_sbpl_nprims},
};

/* The primitive of that name (one the machine knows is there). */
static const sbp__prim *find_prim(const char *name) {
  for (size_t t = 0; t < sizeof(prim_tables) / sizeof(prim_tables[0]); t++)
    for (size_t i = 0; i < *prim_tables[t].n; i++)
      if (strcmp(prim_tables[t].v[i].name, name) == 0) return &prim_tables[t].v[i];
  return NULL;
}

int sbp__eval_init(sbp__eval *ev, sbp_profile *p, const sbp_read_options *o,
                   const sbp_alloc *alloc, sbp_error *err) {
  memset(ev, 0, sizeof(*ev));
  ev->alloc = alloc;
  sbp__arena_init(&ev->arena, alloc);
  ev->prof = p;
  ev->err = err;
  ev->opts = o;
  ev->flags = o->flags;
  ev->max_steps = o->max_steps ? o->max_steps : 10000000u;
  ev->max_depth = o->max_depth ? o->max_depth : 100000u;
  /* Without a caller's limit, memory is allowed a fixed base plus an allowance per byte of
   * text read (sbp__eval_text and sbp__eval_parse add it): a large declarative profile
   * needs memory in proportion to its size (its profile nodes, about 5.7 bytes per byte of
   * text; cells are reclaimed form by form where nothing keeps them), while a small hostile
   * text still stops at the base. */
  ev->max_memory = o->max_memory ? o->max_memory : SBP__EVAL_MEMORY_BASE;
  ev->max_rules = o->max_rules ? o->max_rules : 1000000u;
  ev->max_string = o->max_string ? o->max_string : ((size_t)1 << 20);
  ev->max_import_depth = o->max_import_depth ? o->max_import_depth : 16u;
  ev->max_nesting = o->max_nesting ? o->max_nesting : 10000u;
  /* What fails here is the allocator or, as everything made is charged, a step or memory
   * limit: return the code of the error recorded. */
#define INIT_FAIL (err && err->code ? err->code : SBP_E_NOMEM)
  if ((ev->nil = sbp__eval_cell(ev, T_NIL)) == NULL) return INIT_FAIL;
  if ((ev->t = sbp__eval_cell(ev, T_BOOL)) == NULL) return INIT_FAIL;
  ev->t->u.i = 1;
  if ((ev->f = sbp__eval_cell(ev, T_BOOL)) == NULL) return INIT_FAIL;
  /* TinyScheme's unspecified value (a one-armed if whose test fails, a cond or case with no
   * matching clause, a when that does not fire) is '(): a second empty list, equal to the
   * first in every way Scheme can see, kept apart only so that a rule given it is refused */
  if ((ev->unspec = sbp__eval_cell(ev, T_NIL)) == NULL) return INIT_FAIL;
  ev->unspec->flag = 1;
  for (size_t i = 0; i < sizeof(special_forms) / sizeof(special_forms[0]); i++) {
    cell *s = sbp__eval_intern(ev, special_forms[i].name, strlen(special_forms[i].name));
    if (s == NULL) return INIT_FAIL;
    s->flag = special_forms[i].id;
  }
#define INTERN(field, text)                                              \
  if ((ev->field = sbp__eval_intern(ev, text, sizeof(text) - 1)) == NULL) \
    return INIT_FAIL;
  INTERN(noop_sym, "no-op")
  INTERN(unix_sym, "unix")
  INTERN(s_quote, "quote")
  INTERN(s_quasi, "quasiquote")
  INTERN(s_unquote, "unquote")
  INTERN(s_splice, "unquote-splicing")
  INTERN(s_else, "else")
  INTERN(s_arrow, "=>")
  INTERN(s_define, "define")
  INTERN(s_lambda, "lambda")
#undef INTERN
  for (size_t t = 0; t < sizeof(prim_tables) / sizeof(prim_tables[0]); t++)
    for (size_t i = 0; i < *prim_tables[t].n; i++) {
      const sbp__prim *pr = &prim_tables[t].v[i];
      cell *s = sbp__eval_intern(ev, pr->name, strlen(pr->name));
      cell *pc = sbp__eval_cell(ev, T_PRIM);
      if (s == NULL || pc == NULL) return INIT_FAIL;
      pc->u.prim = pr;
      s->u.sym.gval = pc;
    }
#undef INIT_FAIL
  return SBP_OK;
}

void sbp__eval_fini(sbp__eval *ev) {
  sbp__free(ev->alloc, ev->syms);
  sbp__free(ev->alloc, ev->stack);
  sbp__free(ev->alloc, ev->ctx);
  sbp__free(ev->alloc, ev->imports);
  sbp__arena_release(&ev->arena);
  ev->syms = NULL;
  ev->stack = NULL;
  ev->ctx = NULL;
  ev->imports = NULL;
}

#define IS_PAIR(c) ((c)->type == T_PAIR)

static void set_pos(sbp__eval *ev, const cell *pair) {
  if (pair->line != 0) {
    ev->file = pair->file;
    ev->line = pair->line;
    ev->col = pair->col;
  }
}

/* ---- quasiquote ------------------------------------------------------------------------ */

static cell *list2(sbp__eval *ev, cell *a, cell *b) {
  cell *t = sbp__eval_cons(ev, b, ev->nil);
  return t ? sbp__eval_cons(ev, a, t) : NULL;
}

static cell *prim_cell(sbp__eval *ev, const char *name) {
  cell *s = sbp__eval_intern(ev, name, strlen(name));
  if (s == NULL) return NULL;
  /* the primitive itself, whatever the profile rebinds the name to */
  cell *pc = sbp__eval_cell(ev, T_PRIM);
  if (pc) pc->u.prim = find_prim(name);
  return pc;
}

static int is_form(const cell *c, const cell *sym) {
  return c->type == T_PAIR && CAR(c) == sym && IS_PAIR(CDR(c)) &&
         CDR(CDR(c))->type == T_NIL;
}

/* Turns a quasiquote template into code. Recursion is bounded by `budget`. */
static cell *qq(sbp__eval *ev, cell *tpl, int depth, int budget) {
  if (budget <= 0) {
    sbp__eval_fail(ev, SBP_E_LIMIT, "quasiquote template nested too deeply");
    return NULL;
  }
  if (tpl->type != T_PAIR) {
    if (tpl->type == T_SYM || tpl->type == T_NIL) return list2(ev, ev->s_quote, tpl);
    return tpl;
  }
  if (is_form(tpl, ev->s_unquote)) {
    if (depth == 1) return CAR(CDR(tpl));
    cell *inner = qq(ev, CAR(CDR(tpl)), depth - 1, budget - 1);
    cell *q = inner ? list2(ev, ev->s_quote, ev->s_unquote) : NULL;
    cell *lp = q ? prim_cell(ev, "list") : NULL;
    cell *r = lp ? list2(ev, q, inner) : NULL;
    return r ? sbp__eval_cons(ev, lp, r) : NULL;
  }
  if (is_form(tpl, ev->s_quasi)) {
    cell *inner = qq(ev, CAR(CDR(tpl)), depth + 1, budget - 1);
    cell *q = inner ? list2(ev, ev->s_quote, ev->s_quasi) : NULL;
    cell *lp = q ? prim_cell(ev, "list") : NULL;
    cell *r = lp ? list2(ev, q, inner) : NULL;
    return r ? sbp__eval_cons(ev, lp, r) : NULL;
  }
  /* (append seg ...) */
  cell *segs = ev->nil;
  cell *p = tpl;
  cell *listp = prim_cell(ev, "list");
  cell *appendp = prim_cell(ev, "append");
  if (listp == NULL || appendp == NULL) return NULL;
  while (p->type == T_PAIR) {
    if (is_form(p, ev->s_unquote) || is_form(p, ev->s_quasi)) break; /* dotted unquote */
    cell *e = CAR(p);
    cell *seg;
    if (depth == 1 && is_form(e, ev->s_splice)) {
      seg = CAR(CDR(e));
    } else {
      cell *x = qq(ev, e, depth, budget - 1);
      seg = x ? list2(ev, listp, x) : NULL;
    }
    if (seg == NULL || (segs = sbp__eval_cons(ev, seg, segs)) == NULL) return NULL;
    p = CDR(p);
  }
  if (p->type != T_NIL) {
    cell *x = qq(ev, p, depth, budget - 1);
    if (x == NULL || (segs = sbp__eval_cons(ev, x, segs)) == NULL) return NULL;
  }
  segs = sbp__eval_reverse_onto(segs, ev->nil);
  return sbp__eval_cons(ev, appendp, segs);
}

/* ---- the machine ----------------------------------------------------------------------- */

typedef struct sbp__frame {
  uint8_t op;
  uint8_t x;
  uint32_t line, col;
  const char *file;
  cell *a, *b, *c, *d, *g;
  env *e;
  env *outer; /* F_DO: the environment around the loop */
} frame;

enum {
  F_DONE, F_ARGS, F_IF, F_DEFINE, F_SET, F_SEQ, F_LET, F_LETSTAR, F_LETREC, F_COND, F_CASE,
  F_AND, F_OR, F_WHEN, F_MACRO, F_MAP, F_CTXPOP, F_IMPORTPOP, F_WITHARG, F_CTXEVAL, F_TOP,
  F_DEFMACRO, F_ARROW, F_DO
};

static int push(sbp__eval *ev, uint8_t op, env *e) {
  if (ev->sp >= ev->max_depth)
    return sbp__eval_fail(ev, SBP_E_LIMIT, "recursion too deep (limit %zu)", ev->max_depth);
  if (ev->sp == ev->stackcap) {
    size_t ncap = ev->stackcap ? ev->stackcap * 2 : 256;
    int rc = sbp__eval_room(ev, (ncap - ev->stackcap) * sizeof(frame));
    if (rc != SBP_OK) return rc;
    frame *ns = sbp__realloc(ev->alloc, ev->stack, ncap * sizeof(frame));
    if (ns == NULL) return sbp__nomem(ev->err);
    ev->stack = ns;
    ev->stackcap = ncap;
    ev->stack_bytes = ncap * sizeof(frame);
  }
  frame *f = &ev->stack[ev->sp++];
  memset(f, 0, sizeof(*f));
  f->op = op;
  f->e = e;
  f->file = ev->file;
  f->line = ev->line;
  f->col = ev->col;
  return SBP_OK;
}

#define TOP(ev) (&(ev)->stack[(ev)->sp - 1])

/* Machine state: either evaluate `expr` in `env`, or return ev->value to the top frame. */
typedef struct mstate {
  int eval; /* 1: evaluate expr; 0: return value */
  cell *expr;
  env *e;
} mstate;

static int syntax(sbp__eval *ev, const char *what) {
  return sbp__eval_fail(ev, SBP_E_EVAL, "syntax error: malformed %s", what);
}

/* Starts evaluating a body (a list of expressions) in tail position. */
static int eval_body(sbp__eval *ev, mstate *m, cell *body, env *e) {
  if (body->type != T_PAIR) {
    ev->value = ev->unspec;
    m->eval = 0;
    return SBP_OK;
  }
  if (CDR(body)->type == T_PAIR) {
    int rc = push(ev, F_SEQ, e);
    if (rc) return rc;
    TOP(ev)->a = CDR(body);
  }
  set_pos(ev, body);
  m->expr = CAR(body);
  m->e = e;
  m->eval = 1;
  return SBP_OK;
}

static cell *make_closure(sbp__eval *ev, cell *params, cell *body, env *e, cell *name) {
  cell *c = sbp__eval_cell(ev, T_CLOSURE);
  if (c == NULL) return NULL;
  c->u.clo.params = params;
  c->u.clo.body = body;
  c->u.clo.env = e;
  c->u.clo.name = name;
  return c;
}

static int check_params(sbp__eval *ev, cell *params) {
  cell *p = params;
  while (p->type == T_PAIR) {
    if (CAR(p)->type != T_SYM) return syntax(ev, "lambda parameter list");
    p = CDR(p);
  }
  if (p->type != T_NIL && p->type != T_SYM) return syntax(ev, "lambda parameter list");
  return SBP_OK;
}

static int apply_proc(sbp__eval *ev, mstate *m, cell *fn, cell *args);

static int map_step(sbp__eval *ev, mstate *m) {
  frame *f = TOP(ev);
  /* f->a: list of the remaining lists; f->b: results (reversed); f->c: the procedure */
  cell *args = ev->nil, *rest = ev->nil;
  for (cell *l = f->a; l->type == T_PAIR; l = CDR(l)) {
    if (CAR(l)->type != T_PAIR) {
      cell *res = f->x == P_FOR_EACH ? ev->unspec : sbp__eval_reverse_onto(f->b, ev->nil);
      ev->sp--;
      ev->value = res;
      m->eval = 0;
      return SBP_OK;
    }
    if ((args = sbp__eval_cons(ev, CAR(CAR(l)), args)) == NULL) return FAIL_CODE(ev);
    if ((rest = sbp__eval_cons(ev, CDR(CAR(l)), rest)) == NULL) return FAIL_CODE(ev);
  }
  f->a = sbp__eval_reverse_onto(rest, ev->nil);
  args = sbp__eval_reverse_onto(args, ev->nil);
  f->d = CAR(args);
  return apply_proc(ev, m, f->c, args);
}

static int apply_proc(sbp__eval *ev, mstate *m, cell *fn, cell *args) {
  size_t argc;
  if (!sbp__eval_list_length(args, &argc)) return syntax(ev, "argument list");
  if (fn->type == T_CLOSURE) {
    env *e = sbp__eval_new_env(ev, fn->u.clo.env);
    if (e == NULL) return FAIL_CODE(ev);
    cell *p = fn->u.clo.params, *a = args;
    size_t want = 0;
    for (cell *q = p; q->type == T_PAIR; q = CDR(q)) want++;
    while (p->type == T_PAIR) {
      if (a->type != T_PAIR) goto arity;
      int rc = sbp__eval_define(ev, e, CAR(p), CAR(a));
      if (rc) return rc;
      p = CDR(p);
      a = CDR(a);
    }
    if (p->type == T_SYM) {
      int rc = sbp__eval_define(ev, e, p, a);
      if (rc) return rc;
    } else if (a->type != T_NIL) {
      goto arity;
    }
    return eval_body(ev, m, fn->u.clo.body, e);
  arity:
    {
      cell *tail = fn->u.clo.params;
      while (tail->type == T_PAIR) tail = CDR(tail);
      return sbp__eval_fail(ev, SBP_E_EVAL,
                            "wrong number of arguments to %s (expected %s%zu, got %zu)",
                            fn->u.clo.name ? fn->u.clo.name->u.sym.s : "#<closure>",
                            tail->type == T_SYM ? "at least " : "", want, argc);
    }
  }
  if (fn->type == T_PRIM) {
    const sbp__prim *pr = fn->u.prim;
    if ((long)argc < pr->min || (pr->max >= 0 && (long)argc > pr->max)) {
      if (pr->min == pr->max)
        return sbp__eval_fail(ev, SBP_E_EVAL,
                              "wrong number of arguments to %s (expected %d, got %zu)",
                              pr->name, pr->min, argc);
      if (pr->max < 0)
        return sbp__eval_fail(ev, SBP_E_EVAL,
                              "wrong number of arguments to %s (expected at least %d, got %zu)",
                              pr->name, pr->min, argc);
      return sbp__eval_fail(ev, SBP_E_EVAL,
                            "wrong number of arguments to %s (expected %d to %d, got %zu)",
                            pr->name, pr->min, pr->max, argc);
    }
    if (pr->fn != NULL) {
      int rc = pr->fn(ev, args, argc);
      if (rc) return rc;
      m->eval = 0;
      return SBP_OK;
    }
    int id = (int)(pr - machine_prims);
    switch (id) {
      case P_APPLY: {
        /* (apply f a ... list) */
        cell *f2 = CAR(args);
        cell *rev = ev->nil;
        cell *a = CDR(args);
        while (CDR(a)->type == T_PAIR) {
          if ((rev = sbp__eval_cons(ev, CAR(a), rev)) == NULL) return FAIL_CODE(ev);
          a = CDR(a);
        }
        cell *last = CAR(a);
        size_t n;
        if (!sbp__eval_list_length(last, &n))
          return sbp__eval_fail(ev, SBP_E_EVAL, "apply: last argument is not a list");
        /* the list is walked again for every call: charge it (sbp__eval_charge) */
        int crc = sbp__eval_charge(ev, 2 * n, 0);
        if (crc) return crc;
        cell *all = last;
        while (rev->type == T_PAIR) {
          if ((all = sbp__eval_cons(ev, CAR(rev), all)) == NULL) return FAIL_CODE(ev);
          rev = CDR(rev);
        }
        return apply_proc(ev, m, f2, all);
      }
      case P_MAP:
      case P_FOR_EACH:
      case P_FILTER: {
        for (cell *l = CDR(args); l->type == T_PAIR; l = CDR(l)) {
          size_t n;
          if (!sbp__eval_list_length(CAR(l), &n))
            return sbp__eval_fail(ev, SBP_E_EVAL, "%s: argument is not a list", pr->name);
        }
        if (id == P_FILTER && argc != 2)
          return sbp__eval_fail(ev, SBP_E_EVAL,
                                "wrong number of arguments to filter (expected 2, got %zu)",
                                argc);
        int rc = push(ev, F_MAP, NULL);
        if (rc) return rc;
        frame *f = TOP(ev);
        f->x = (uint8_t)id;
        f->a = CDR(args);
        f->b = ev->nil;
        f->c = CAR(args);
        return map_step(ev, m);
      }
      case P_IMPORT: {
        cell *forms = NULL;
        const char *file = NULL;
        int rc = sbp__eval_import(ev, CAR(args), &forms, &file);
        if (rc) return rc;
        ev->escaped = 1; /* the list of imports holds the file name */
        if (forms == NULL) {
          ev->value = ev->unspec;
          m->eval = 0;
          return SBP_OK;
        }
        if ((rc = push(ev, F_IMPORTPOP, NULL)) != 0) return rc;
        if ((rc = push(ev, F_TOP, NULL)) != 0) return rc;
        TOP(ev)->a = forms;
        ev->value = ev->unspec;
        m->eval = 0;
        return SBP_OK;
      }
      default: /* P_EVAL */
        m->expr = CAR(args);
        m->e = NULL;
        m->eval = 1;
        return SBP_OK;
    }
  }
  if (fn->type == T_FILTERFN) {
    int rc = sbp__eval_filter_apply(ev, fn, args);
    if (rc) return rc;
    m->eval = 0;
    return SBP_OK;
  }
  if (fn->type == T_MACRO)
    return sbp__eval_fail(ev, SBP_E_EVAL, "a macro cannot be applied as a procedure");
  return sbp__eval_fail(ev, SBP_E_EVAL, "illegal function: a %s is not a procedure",
                        sbp__eval_type_name(fn));
}

/* Evaluates the special form `form` whose keyword has id `sf`. */
static int special(sbp__eval *ev, mstate *m, int sf, cell *form, env *e) {
  cell *rest = CDR(form);
  size_t n;
  int proper = sbp__eval_list_length(rest, &n);
  int rc;
  const char *name = CAR(form)->u.sym.s;
  if (!proper) return syntax(ev, name);
  switch (sf) {
    case SF_QUOTE:
      if (n != 1) return syntax(ev, name);
      ev->value = CAR(rest);
      m->eval = 0;
      return SBP_OK;
    case SF_QUASI: {
      if (n != 1) return syntax(ev, name);
      cell *code = qq(ev, CAR(rest), 1, 1000);
      if (code == NULL) return FAIL_CODE(ev);
      m->expr = code;
      m->e = e;
      m->eval = 1;
      return SBP_OK;
    }
    case SF_IF:
      if (n != 2 && n != 3) return syntax(ev, name);
      if ((rc = push(ev, F_IF, e)) != 0) return rc;
      TOP(ev)->a = CDR(rest);
      set_pos(ev, rest);
      m->expr = CAR(rest);
      m->e = e;
      return SBP_OK;
    case SF_DEFINE: {
      if (n < 1) return syntax(ev, name);
      cell *target = CAR(rest);
      if (target->type == T_PAIR) {
        /* (define (name . params) body...), also curried (define ((f a) b) ...) is refused */
        cell *fname = CAR(target);
        if (fname->type != T_SYM) return syntax(ev, name);
        if ((rc = check_params(ev, CDR(target))) != 0) return rc;
        cell *clo = make_closure(ev, CDR(target), CDR(rest), e, fname);
        if (clo == NULL) return FAIL_CODE(ev);
        if ((rc = sbp__eval_define(ev, e, fname, clo)) != 0) return rc;
        ev->value = fname;
        m->eval = 0;
        return SBP_OK;
      }
      /* TinyScheme binds the first expression's value and never evaluates the rest
       * ((define name "a" "b") binds "a"); the linter warns about the ignored ones. */
      if (target->type != T_SYM) return syntax(ev, name);
      if (n == 1) {
        if ((rc = sbp__eval_define(ev, e, target, ev->unspec)) != 0) return rc;
        ev->value = target;
        m->eval = 0;
        return SBP_OK;
      }
      if ((rc = push(ev, F_DEFINE, e)) != 0) return rc;
      TOP(ev)->a = target;
      set_pos(ev, CDR(rest));
      m->expr = CAR(CDR(rest));
      m->e = e;
      return SBP_OK;
    }
    case SF_SET:
      if (n != 2 || CAR(rest)->type != T_SYM) return syntax(ev, name);
      if ((rc = push(ev, F_SET, e)) != 0) return rc;
      TOP(ev)->a = CAR(rest);
      set_pos(ev, CDR(rest));
      m->expr = CAR(CDR(rest));
      m->e = e;
      return SBP_OK;
    case SF_LAMBDA: {
      if (n < 1) return syntax(ev, name);
      if ((rc = check_params(ev, CAR(rest))) != 0) return rc;
      cell *clo = make_closure(ev, CAR(rest), CDR(rest), e, NULL);
      if (clo == NULL) return FAIL_CODE(ev);
      ev->value = clo;
      m->eval = 0;
      return SBP_OK;
    }
    case SF_BEGIN:
      return eval_body(ev, m, rest, e);
    case SF_DELAY:
      /* no promises: (delay x) evaluates x (profiles never force them lazily) */
      if (n != 1) return syntax(ev, name);
      m->expr = CAR(rest);
      m->e = e;
      return SBP_OK;
    case SF_LET:
    case SF_LETSTAR:
    case SF_LETREC: {
      if (n < 1) return syntax(ev, name);
      cell *lname = NULL;
      cell *bindings = CAR(rest);
      cell *body = CDR(rest);
      if (sf == SF_LET && bindings->type == T_SYM) {
        lname = bindings;
        if (body->type != T_PAIR) return syntax(ev, name);
        bindings = CAR(body);
        body = CDR(body);
      }
      size_t nb;
      if (!sbp__eval_list_length(bindings, &nb)) return syntax(ev, name);
      for (cell *b = bindings; b->type == T_PAIR; b = CDR(b)) {
        cell *bd = CAR(b);
        size_t bl;
        /* as TinyScheme: only a binding's first expression is evaluated (the linter warns) */
        if (bd->type != T_PAIR || CAR(bd)->type != T_SYM || !sbp__eval_list_length(bd, &bl))
          return syntax(ev, name);
      }
      env *ne = e;
      if (sf == SF_LETREC) {
        if ((ne = sbp__eval_new_env(ev, e)) == NULL) return FAIL_CODE(ev);
        for (cell *b = bindings; b->type == T_PAIR; b = CDR(b))
          if ((rc = sbp__eval_define(ev, ne, CAR(CAR(b)), ev->unspec)) != 0) return rc;
      } else if (sf == SF_LETSTAR) {
        if ((ne = sbp__eval_new_env(ev, e)) == NULL) return FAIL_CODE(ev);
      }
      if ((rc = push(ev, sf == SF_LET ? F_LET : sf == SF_LETSTAR ? F_LETSTAR : F_LETREC,
                     sf == SF_LET ? e : ne)) != 0)
        return rc;
      frame *f = TOP(ev);
      f->a = bindings;
      f->b = ev->nil;
      f->c = body;
      f->d = lname;
      f->g = bindings;
      ev->value = NULL; /* nothing evaluated yet */
      m->eval = 0;
      return SBP_OK;
    }
    case SF_COND:
      if ((rc = push(ev, F_COND, e)) != 0) return rc;
      TOP(ev)->a = rest;
      TOP(ev)->x = 1; /* first */
      m->eval = 0;
      ev->value = ev->f;
      return SBP_OK;
    case SF_CASE:
      if (n < 1) return syntax(ev, name);
      if ((rc = push(ev, F_CASE, e)) != 0) return rc;
      TOP(ev)->a = CDR(rest);
      set_pos(ev, rest);
      m->expr = CAR(rest);
      m->e = e;
      return SBP_OK;
    case SF_AND:
    case SF_OR:
      if (n == 0) {
        ev->value = sf == SF_AND ? ev->t : ev->f;
        m->eval = 0;
        return SBP_OK;
      }
      if (n > 1) {
        if ((rc = push(ev, sf == SF_AND ? F_AND : F_OR, e)) != 0) return rc;
        TOP(ev)->a = CDR(rest);
      }
      set_pos(ev, rest);
      m->expr = CAR(rest);
      m->e = e;
      return SBP_OK;
    case SF_WHEN:
    case SF_UNLESS:
      if (n < 1) return syntax(ev, name);
      if ((rc = push(ev, F_WHEN, e)) != 0) return rc;
      TOP(ev)->a = CDR(rest);
      TOP(ev)->x = sf == SF_UNLESS;
      set_pos(ev, rest);
      m->expr = CAR(rest);
      m->e = e;
      return SBP_OK;
    case SF_MACRO:
    case SF_DEFINE_MACRO: {
      if (n < 1) return syntax(ev, name);
      cell *target = CAR(rest);
      uint8_t flavour = sf == SF_MACRO ? MACRO_WHOLE : MACRO_ARGS;
      if (target->type == T_PAIR) {
        cell *mname = CAR(target);
        if (mname->type != T_SYM || n < 2) return syntax(ev, name);
        if ((rc = check_params(ev, CDR(target))) != 0) return rc;
        cell *mc = make_closure(ev, CDR(target), CDR(rest), e, mname);
        if (mc == NULL) return FAIL_CODE(ev);
        mc->type = T_MACRO;
        mc->flag = flavour;
        if ((rc = sbp__eval_define(ev, e, mname, mc)) != 0) return rc;
        ev->value = mname;
        m->eval = 0;
        return SBP_OK;
      }
      if (target->type != T_SYM || n != 2) return syntax(ev, name);
      if ((rc = push(ev, F_DEFMACRO, e)) != 0) return rc;
      TOP(ev)->a = target;
      TOP(ev)->x = flavour;
      set_pos(ev, CDR(rest));
      m->expr = CAR(CDR(rest));
      m->e = e;
      return SBP_OK;
    }
    case SF_WITH:
      if (n < 1 || n > 2 || CAR(rest)->type != T_SYM) return syntax(ev, name);
      if (n == 1) {
        if ((rc = sbp__eval_with(ev, CAR(rest), NULL, 0)) != 0) return rc;
        m->eval = 0;
        return SBP_OK;
      }
      if ((rc = push(ev, F_WITHARG, e)) != 0) return rc;
      TOP(ev)->a = CAR(rest);
      set_pos(ev, CDR(rest));
      m->expr = CAR(CDR(rest));
      m->e = e;
      return SBP_OK;
    case SF_WITH_FILTER:
    case SF_WITH_MODIFIER:
    case SF_WITH_OPERATIONS:
      if (n < 1) return syntax(ev, name);
      if ((rc = push(ev, F_CTXEVAL, e)) != 0) return rc;
      TOP(ev)->a = CDR(rest);
      TOP(ev)->x = (uint8_t)(sf - SF_WITH_FILTER);
      set_pos(ev, rest);
      m->expr = CAR(rest);
      m->e = e;
      return SBP_OK;
    case SF_DEBUG:
      ev->value = ev->unspec;
      m->eval = 0;
      return SBP_OK;
    case SF_DO: {
      /* (do ((var init step)...) (test expr...) body...) */
      if (n < 2) return syntax(ev, name);
      cell *specs = CAR(rest), *test = CAR(CDR(rest));
      size_t k;
      if (!sbp__eval_list_length(specs, &k) || test->type != T_PAIR) return syntax(ev, name);
      for (cell *s = specs; s->type == T_PAIR; s = CDR(s)) {
        size_t sl;
        if (CAR(s)->type != T_PAIR || CAR(CAR(s))->type != T_SYM ||
            !sbp__eval_list_length(CAR(s), &sl) || sl < 1 || sl > 3)
          return syntax(ev, name);
      }
      /* evaluate the inits like a let, then loop in F_DO */
      env *ne = sbp__eval_new_env(ev, e);
      if (ne == NULL) return FAIL_CODE(ev);
      if ((rc = push(ev, F_DO, ne)) != 0) return rc;
      frame *f = TOP(ev);
      f->a = specs;   /* remaining inits */
      f->b = rest;    /* (specs test . body) */
      f->x = 0;       /* phase 0: inits */
      f->c = NULL;
      f->outer = e; /* inits and the loop's fresh environments hang off the outer one */
      ev->value = NULL;
      m->eval = 0;
      return SBP_OK;
    }
    default:
      return syntax(ev, name);
  }
}

static int bind_values(sbp__eval *ev, env *ne, cell *syms, cell *vals) {
  while (syms->type == T_PAIR) {
    int rc = sbp__eval_define(ev, ne, CAR(syms), CAR(vals));
    if (rc) return rc;
    syms = CDR(syms);
    vals = CDR(vals);
  }
  return SBP_OK;
}

static int let_finish(sbp__eval *ev, mstate *m, cell *bindings, cell *vals, cell *body,
                      env *e, cell *lname) {
  cell *syms = ev->nil;
  for (cell *b = bindings; b->type == T_PAIR; b = CDR(b))
    if ((syms = sbp__eval_cons(ev, CAR(CAR(b)), syms)) == NULL) return FAIL_CODE(ev);
  syms = sbp__eval_reverse_onto(syms, ev->nil);
  if (lname != NULL) {
    env *le = sbp__eval_new_env(ev, e);
    if (le == NULL) return FAIL_CODE(ev);
    cell *clo = make_closure(ev, syms, body, le, lname);
    if (clo == NULL) return FAIL_CODE(ev);
    int rc = sbp__eval_define(ev, le, lname, clo);
    if (rc) return rc;
    return apply_proc(ev, m, clo, vals);
  }
  env *ne = sbp__eval_new_env(ev, e);
  if (ne == NULL) return FAIL_CODE(ev);
  int rc = bind_values(ev, ne, syms, vals);
  if (rc) return rc;
  return eval_body(ev, m, body, ne);
}

/* Handles the return of ev->value into the top frame. */
static int ret(sbp__eval *ev, mstate *m) {
  frame *f = TOP(ev);
  int rc;
  cell *v = ev->value;
  switch (f->op) {
    case F_ARGS: {
      cell *acc = sbp__eval_cons(ev, v, f->b);
      if (acc == NULL) return FAIL_CODE(ev);
      f->b = acc;
      if (f->a->type == T_PAIR) {
        cell *argp = f->a;
        f->a = CDR(argp);
        set_pos(ev, argp);
        m->expr = CAR(argp);
        m->e = f->e;
        m->eval = 1;
        return SBP_OK;
      }
      if (f->a->type != T_NIL) return syntax(ev, "procedure call");
      cell *all = sbp__eval_reverse_onto(acc, ev->nil);
      ev->file = f->file;
      ev->line = f->line;
      ev->col = f->col;
      ev->sp--;
      return apply_proc(ev, m, CAR(all), CDR(all));
    }
    case F_IF: {
      cell *branches = f->a;
      env *e = f->e;
      ev->sp--;
      if (sbp__eval_truthy(v)) {
        set_pos(ev, branches);
        m->expr = CAR(branches);
      } else if (CDR(branches)->type == T_PAIR) {
        set_pos(ev, CDR(branches));
        m->expr = CAR(CDR(branches));
      } else {
        ev->value = ev->unspec;
        return SBP_OK;
      }
      m->e = e;
      m->eval = 1;
      return SBP_OK;
    }
    case F_DEFINE: {
      cell *sym = f->a;
      env *e = f->e;
      ev->sp--;
      if ((v->type == T_CLOSURE || v->type == T_MACRO) && v->u.clo.name == NULL)
        v->u.clo.name = sym;
      if ((rc = sbp__eval_define(ev, e, sym, v)) != 0) return rc;
      ev->value = sym;
      return SBP_OK;
    }
    case F_SET: {
      cell *sym = f->a;
      env *e = f->e;
      ev->sp--;
      cell *b = sbp__eval_find_local(e, sym);
      ev->escaped = 1;
      if (b != NULL) {
        CDR(b) = v;
      } else if (sbp__eval_is_defined(ev, NULL, sym)) {
        sym->u.sym.gval = v;
      } else {
        return sbp__eval_fail(ev, SBP_E_EVAL, "unbound variable: %s", sym->u.sym.s);
      }
      ev->value = v;
      return SBP_OK;
    }
    case F_SEQ: {
      cell *body = f->a;
      env *e = f->e;
      if (CDR(body)->type == T_PAIR)
        f->a = CDR(body);
      else
        ev->sp--;
      set_pos(ev, body);
      m->expr = CAR(body);
      m->e = e;
      m->eval = 1;
      return SBP_OK;
    }
    case F_TOP: {
      cell *forms = f->a;
      if (forms->type != T_PAIR) {
        ev->sp--;
        return SBP_OK;
      }
      f->a = CDR(forms);
      set_pos(ev, forms);
      m->expr = CAR(forms);
      m->e = NULL;
      m->eval = 1;
      return SBP_OK;
    }
    case F_LET:
    case F_LETSTAR:
    case F_LETREC: {
      if (v != NULL) {
        cell *sym = CAR(CAR(f->a));
        if (f->op == F_LET) {
          cell *b = sbp__eval_cons(ev, v, f->b);
          if (b == NULL) return FAIL_CODE(ev);
          f->b = b;
        } else {
          if ((rc = sbp__eval_define(ev, f->e, sym, v)) != 0) return rc;
        }
        f->a = CDR(f->a);
      }
      /* skip bindings without an init */
      while (f->a->type == T_PAIR && CDR(CAR(f->a))->type == T_NIL) {
        cell *sym = CAR(CAR(f->a));
        if (f->op == F_LET) {
          cell *b = sbp__eval_cons(ev, ev->unspec, f->b);
          if (b == NULL) return FAIL_CODE(ev);
          f->b = b;
        } else if ((rc = sbp__eval_define(ev, f->e, sym, ev->unspec)) != 0) {
          return rc;
        }
        f->a = CDR(f->a);
      }
      if (f->a->type == T_PAIR) {
        cell *bd = CAR(f->a);
        set_pos(ev, CDR(bd));
        m->expr = CAR(CDR(bd));
        /* let* as TinyScheme scopes it: the first init is evaluated outside, every later one
         * in the one frame all the bindings share (so a lambda bound there sees itself) */
        m->e = f->op == F_LETSTAR && f->a == f->g ? f->e->parent : f->e;
        m->eval = 1;
        return SBP_OK;
      }
      cell *body = f->c;
      env *e = f->e;
      uint8_t op = f->op;
      cell *lname = f->d;
      cell *bindings = f->g;
      cell *vals = sbp__eval_reverse_onto(f->b, ev->nil);
      ev->sp--;
      if (op != F_LET) return eval_body(ev, m, body, e);
      return let_finish(ev, m, bindings, vals, body, e, lname);
    }
    case F_COND: {
      if (!f->x && sbp__eval_truthy(v)) {
        cell *clause = CAR(f->a);
        cell *body = CDR(clause);
        env *e = f->e;
        ev->sp--;
        if (body->type != T_PAIR) return SBP_OK; /* (cond (test)) gives the test's value */
        if (CAR(body) == ev->s_arrow) {
          if (CDR(body)->type != T_PAIR) return syntax(ev, "cond");
          if ((rc = push(ev, F_ARROW, e)) != 0) return rc;
          TOP(ev)->b = v;
          set_pos(ev, CDR(body));
          m->expr = CAR(CDR(body));
          m->e = e;
          m->eval = 1;
          return SBP_OK;
        }
        return eval_body(ev, m, body, e);
      }
      if (!f->x) f->a = CDR(f->a);
      f->x = 0;
      if (f->a->type != T_PAIR) {
        ev->sp--;
        ev->value = ev->unspec;
        return SBP_OK;
      }
      cell *clause = CAR(f->a);
      size_t cl;
      if (clause->type != T_PAIR || !sbp__eval_list_length(clause, &cl))
        return syntax(ev, "cond clause");
      if (CAR(clause) == ev->s_else && !sbp__eval_is_defined(ev, f->e, ev->s_else)) {
        env *e = f->e;
        ev->sp--;
        return eval_body(ev, m, CDR(clause), e);
      }
      set_pos(ev, clause);
      m->expr = CAR(clause);
      m->e = f->e;
      m->eval = 1;
      return SBP_OK;
    }
    case F_ARROW: {
      cell *arg = f->b;
      ev->sp--;
      cell *args = sbp__eval_cons(ev, arg, ev->nil);
      if (args == NULL) return FAIL_CODE(ev);
      return apply_proc(ev, m, v, args);
    }
    case F_CASE: {
      cell *clauses = f->a;
      env *e = f->e;
      ev->sp--;
      for (; clauses->type == T_PAIR; clauses = CDR(clauses)) {
        cell *clause = CAR(clauses);
        if (clause->type != T_PAIR) return syntax(ev, "case clause");
        if (CAR(clause) == ev->s_else) return eval_body(ev, m, CDR(clause), e);
        for (cell *d = CAR(clause); d->type == T_PAIR; d = CDR(d))
          if (sbp__eval_eqv(CAR(d), v)) return eval_body(ev, m, CDR(clause), e);
      }
      ev->value = ev->unspec;
      return SBP_OK;
    }
    case F_AND:
    case F_OR: {
      int t = sbp__eval_truthy(v);
      if ((f->op == F_AND && !t) || (f->op == F_OR && t)) {
        ev->sp--;
        return SBP_OK;
      }
      cell *next = f->a;
      env *e = f->e;
      if (CDR(next)->type == T_PAIR)
        f->a = CDR(next);
      else
        ev->sp--;
      set_pos(ev, next);
      m->expr = CAR(next);
      m->e = e;
      m->eval = 1;
      return SBP_OK;
    }
    case F_WHEN: {
      int t = sbp__eval_truthy(v);
      cell *body = f->a;
      env *e = f->e;
      int unless = f->x;
      ev->sp--;
      if (t != unless) return eval_body(ev, m, body, e);
      ev->value = ev->unspec;
      return SBP_OK;
    }
    case F_MACRO: {
      env *e = f->e;
      ev->file = f->file;
      ev->line = f->line;
      ev->col = f->col;
      ev->sp--;
      m->expr = v;
      m->e = e;
      m->eval = 1;
      return SBP_OK;
    }
    case F_DEFMACRO: {
      cell *sym = f->a;
      env *e = f->e;
      uint8_t flavour = f->x;
      ev->sp--;
      if (v->type != T_CLOSURE)
        return sbp__eval_fail(ev, SBP_E_EVAL, "macro: %s is not a procedure", sym->u.sym.s);
      cell *mc = sbp__eval_cell(ev, T_MACRO);
      if (mc == NULL) return FAIL_CODE(ev);
      mc->u.clo = v->u.clo;
      mc->u.clo.name = sym;
      mc->flag = flavour;
      if ((rc = sbp__eval_define(ev, e, sym, mc)) != 0) return rc;
      ev->value = sym;
      return SBP_OK;
    }
    case F_MAP: {
      if (f->x == P_MAP) {
        cell *b = sbp__eval_cons(ev, v, f->b);
        if (b == NULL) return FAIL_CODE(ev);
        f->b = b;
      } else if (f->x == P_FILTER && sbp__eval_truthy(v)) {
        cell *b = sbp__eval_cons(ev, f->d, f->b);
        if (b == NULL) return FAIL_CODE(ev);
        f->b = b;
      }
      return map_step(ev, m);
    }
    case F_CTXPOP:
      ev->nctx--;
      ev->sp--;
      return SBP_OK;
    case F_IMPORTPOP:
      ev->nimports--;
      ev->sp--;
      ev->value = ev->unspec;
      return SBP_OK;
    case F_WITHARG: {
      cell *name = f->a;
      ev->file = f->file;
      ev->line = f->line;
      ev->col = f->col;
      ev->sp--;
      return sbp__eval_with(ev, name, v, 1);
    }
    case F_CTXEVAL: {
      uint8_t kind = f->x;
      cell *body = f->a;
      env *e = f->e;
      static const char *const names[] = {"with-filter", "with-modifier", "with-operations"};
      if ((kind == 0 && v->type != T_FILTER) || (kind == 1 && v->type != T_MOD))
        return sbp__eval_fail(ev, SBP_E_EVAL, "%s: expected a %s, got a %s", names[kind],
                              kind == 0 ? "filter" : "modifier", sbp__eval_type_name(v));
      if (kind == 2) {
        cell *l = v;
        if (l->type == T_OP || l->type == T_SYM) {
          if ((l = sbp__eval_cons(ev, v, ev->nil)) == NULL) return FAIL_CODE(ev);
        }
        size_t k;
        if (!sbp__eval_list_length(l, &k))
          return sbp__eval_fail(ev, SBP_E_EVAL, "with-operations: expected a list of operations");
        if ((rc = sbp__eval_charge(ev, 2 * k, 0)) != 0) return rc;
        for (cell *o = l; o->type == T_PAIR; o = CDR(o))
          if (CAR(o)->type != T_OP && CAR(o) != ev->noop_sym)
            return sbp__eval_fail(ev, SBP_E_EVAL,
                                  "with-operations: expected an operation, got a %s",
                                  sbp__eval_type_name(CAR(o)));
        v = l;
      }
      if (ev->nctx == ev->ctxcap) {
        size_t ncap = ev->ctxcap ? ev->ctxcap * 2 : 16;
        ctx_entry *nc = sbp__realloc(ev->alloc, ev->ctx, ncap * sizeof(*nc));
        if (nc == NULL) return sbp__nomem(ev->err);
        ev->ctx = nc;
        ev->ctxcap = ncap;
      }
      ev->ctx[ev->nctx].kind = kind;
      ev->ctx[ev->nctx].val = v;
      ev->nctx++;
      f->op = F_CTXPOP; /* reuse the frame: pop the context when the body returns */
      return eval_body(ev, m, body, e);
    }
    case F_DO: {
      /* phase 0: evaluating inits (f->a remaining specs, values into env f->e);
       * phase 1: evaluating the test; phase 2: body done, evaluating steps. */
      env *outer = f->outer;
      if (f->x == 0) {
        if (v != NULL) {
          if ((rc = sbp__eval_define(ev, f->e, CAR(CAR(f->a)), v)) != 0) return rc;
          f->a = CDR(f->a);
        }
        if (f->a->type == T_PAIR) {
          cell *spec = CAR(f->a);
          if (CDR(spec)->type != T_PAIR) {
            v = ev->unspec;
            ev->value = v;
            return ret(ev, m);
          }
          m->expr = CAR(CDR(spec));
          m->e = outer;
          m->eval = 1;
          return SBP_OK;
        }
        f->x = 1;
        m->expr = CAR(CAR(CDR(f->b)));
        m->e = f->e;
        m->eval = 1;
        return SBP_OK;
      }
      if (f->x == 1) {
        cell *test = CAR(CDR(f->b));
        if (sbp__eval_truthy(v)) {
          env *e = f->e;
          ev->sp--;
          return eval_body(ev, m, CDR(test), e);
        }
        f->x = 2;
        f->c = NULL;
        cell *body = CDR(CDR(f->b));
        if (body->type == T_PAIR) {
          /* evaluate the body as a sequence, then come back in phase 2 */
          if ((rc = push(ev, F_SEQ, TOP(ev)->e)) != 0) return rc;
          TOP(ev)->a = body;
          ev->value = ev->unspec;
          return ret(ev, m);
        }
        ev->value = ev->unspec;
        return ret(ev, m);
      }
      /* phase 2 (and 3: collecting steps): compute all steps in the loop env, then rebind */
      if (f->x == 2) {
        f->x = 3;
        f->a = f->b->u.p.car; /* specs */
        f->c = ev->nil;       /* new values, reversed */
        v = NULL;
      }
      if (v != NULL) {
        cell *nv = sbp__eval_cons(ev, v, f->c);
        if (nv == NULL) return FAIL_CODE(ev);
        f->c = nv;
        f->a = CDR(f->a);
      }
      while (f->a->type == T_PAIR) {
        cell *spec = CAR(f->a);
        if (CDR(spec)->type == T_PAIR && CDR(CDR(spec))->type == T_PAIR) {
          m->expr = CAR(CDR(CDR(spec)));
          m->e = f->e;
          m->eval = 1;
          return SBP_OK;
        }
        cell *cur = NULL;
        if ((rc = sbp__eval_lookup(ev, f->e, CAR(spec), &cur)) != 0) return rc;
        cell *nv = sbp__eval_cons(ev, cur, f->c);
        if (nv == NULL) return FAIL_CODE(ev);
        f->c = nv;
        f->a = CDR(f->a);
      }
      env *ne = sbp__eval_new_env(ev, outer);
      if (ne == NULL) return FAIL_CODE(ev);
      cell *vals = sbp__eval_reverse_onto(f->c, ev->nil);
      for (cell *s = CAR(f->b); s->type == T_PAIR; s = CDR(s), vals = CDR(vals))
        if ((rc = sbp__eval_define(ev, ne, CAR(CAR(s)), CAR(vals))) != 0) return rc;
      f->e = ne;
      f->x = 1;
      m->expr = CAR(CAR(CDR(f->b)));
      m->e = ne;
      m->eval = 1;
      return SBP_OK;
    }
    case F_DONE:
    default:
      return sbp__eval_fail(ev, SBP_E_ASSERT, "evaluator: bad frame");
  }
}

static int eval_step(sbp__eval *ev, mstate *m) {
  cell *x = m->expr;
  m->eval = 0;
  switch ((cell_type)x->type) {
    case T_SYM:
      return sbp__eval_lookup(ev, m->e, x, &ev->value);
    case T_PAIR:
      break;
    case T_NIL:
      return sbp__eval_fail(ev, SBP_E_EVAL, "illegal function: () cannot be called");
    default:
      ev->value = x;
      return SBP_OK;
  }
  set_pos(ev, x);
  cell *head = CAR(x);
  cell *fn = NULL;
  int rc;
  if (head->type == T_SYM) {
    if (head->flag != SF_NONE && head->u.sym.gval == NULL &&
        sbp__eval_find_local(m->e, head) == NULL) {
      m->eval = 1;
      rc = special(ev, m, head->flag, x, m->e);
      return rc;
    }
    if ((rc = sbp__eval_lookup(ev, m->e, head, &fn)) != 0) return rc;
    if (fn->type == T_MACRO) {
      if ((rc = push(ev, F_MACRO, m->e)) != 0) return rc;
      cell *args;
      if (fn->flag == MACRO_WHOLE) {
        if ((args = sbp__eval_cons(ev, x, ev->nil)) == NULL) return FAIL_CODE(ev);
      } else {
        args = CDR(x);
      }
      cell expander = *fn; /* applied as the procedure it wraps */
      expander.type = T_CLOSURE;
      return apply_proc(ev, m, &expander, args);
    }
  }
  if ((rc = push(ev, F_ARGS, m->e)) != 0) return rc;
  frame *f = TOP(ev);
  f->a = CDR(x);
  f->b = ev->nil;
  if (fn != NULL) {
    ev->value = fn;
    return SBP_OK; /* return the function value into F_ARGS */
  }
  m->expr = head;
  m->eval = 1;
  return SBP_OK;
}

int sbp__eval_run(sbp__eval *ev, cell *forms, env *e) {
  (void)e;
  size_t base = ev->sp;
  int rc = push(ev, F_DONE, NULL);
  if (rc) return rc;
  if ((rc = push(ev, F_TOP, NULL)) != 0) return rc;
  TOP(ev)->a = forms;
  mstate m = {0, NULL, NULL};
  ev->value = ev->unspec;
  for (;;) {
    if (++ev->steps > ev->max_steps)
      return sbp__eval_fail(ev, SBP_E_LIMIT, "evaluation step limit exceeded (%zu steps)",
                            ev->max_steps);
    if (m.eval) {
      rc = eval_step(ev, &m);
    } else {
      if (TOP(ev)->op == F_DONE) {
        ev->sp = base;
        return SBP_OK;
      }
      rc = ret(ev, &m);
    }
    if (rc) {
      ev->sp = base;
      return rc;
    }
  }
}

/* Converts and runs one top-level form, as soon as it is read. When the form leaves nothing
 * it made reachable from outside (it defined or set no variable, made no new symbol, cached
 * no built-in value in a symbol, imported nothing, left no context open: ev->escaped stays
 * 0), everything it allocated in the evaluator's arena is given back. */
static int run_form(void *payload, const sbp__datum *x, sbp__reader *reader) {
  sbp__text_run *t = payload;
  sbp__eval *ev = t->ev;
  sbp__arena_mark mark;
  sbp__arena_mark_set(&ev->arena, &mark);
  size_t nctx = ev->nctx;
  ev->escaped = 0;
  ev->epoch++;
  t->reader = reader;
  const char *saved = ev->conv_file;
  ev->conv_file = t->file;
  cell *forms = NULL;
  int rc = sbp__eval_convert_top(ev, x, t->file, &forms);
  ev->conv_file = saved;
  /* Converting fails only on a vector (or memory): the text's first, as the forms before
   * this one converted. */
  int vector = rc == SBP_E_SYNTAX;
  if (rc == SBP_OK) rc = sbp__eval_run(ev, forms, NULL);
  if (rc == SBP_OK && !ev->escaped && ev->nctx == nctx) {
    sbp__arena_rollback(&ev->arena, &mark);
    ev->value = ev->unspec;
  }
  /* An error of evaluation gives way to a syntax error, a limit or a vector further on; a
   * vector to a syntax error or a limit. */
  if (rc != SBP_OK && rc != SBP_E_NOMEM) {
    int crc = sbp__eval_check_rest(t, vector);
    if (crc != SBP_OK) rc = crc;
  }
  t->reader = NULL;
  return rc;
}

/* Reads a text and runs each top-level form as soon as it is read and converted, so that a
 * declarative profile is read once and needs memory for its profile and one form at a time.
 * The result is that of reading the whole text before running any of it: a syntax error, a
 * limit or a vector anywhere in the text is what is reported, in preference to an error of
 * evaluation (on such an error the rest of the text is read to look for one), and the
 * caller's import resolver is called only once the rest has been read (sbp__eval_import asks
 * sbp__eval_check_text). */
int sbp__eval_text(sbp__eval *ev, const char *text, size_t len, const char *file) {
  sbp__read_limits lim = {ev->max_nesting, ev->max_string, 0};
  sbp__text_run t = {ev, NULL, NULL, 0};
  sbp__arena ra;
  sbp__arena_init(&ra, ev->alloc);
  int rc = sbp__eval_allowance_and_file(ev, len, file, &t.file);
  if (rc == SBP_OK) {
    sbp__text_run *outer = ev->reading;
    ev->reading = &t;
    rc = sbp__read_each(&ra, text, len, t.file, &lim, run_form, &t, ev->err);
    ev->reading = outer;
  }
  sbp__arena_release(&ra);
  return rc;
}
