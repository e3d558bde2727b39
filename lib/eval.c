/* The evaluator's machine: the special forms and procedure calls on an explicit stack (no C
 * recursion grows with the input; every step, frame and byte is counted against the
 * limits), the registration of the primitives it dispatches through, and the running of a
 * text form by form (eval.h). */
#include "eval.h"

#include <stddef.h>
#include <string.h>

#include "eval_convert.h"
#include "eval_env.h"
#include "eval_fast.h"
#include "eval_import.h"
#include "eval_proc.h"
#include "eval_sbpl.h"

/* ---- special forms --------------------------------------------------------------------- */

/* The special forms' ids, kept in the flag of their keyword's symbol. A form's id is also
 * the kind of the frame it pushes; form_kinds (below the forms) maps it to both halves. */
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

/* The symbols the machine compares against, interned once into these fields. */
static const struct {
  size_t field; /* offset of a cell * in sbp__eval */
  const char *name;
} named_symbols[] = {
    {offsetof(sbp__eval, noop_sym), "no-op"},
    {offsetof(sbp__eval, unix_sym), "unix"},
    {offsetof(sbp__eval, s_quote), "quote"},
    {offsetof(sbp__eval, s_quasi), "quasiquote"},
    {offsetof(sbp__eval, s_unquote), "unquote"},
    {offsetof(sbp__eval, s_splice), "unquote-splicing"},
    {offsetof(sbp__eval, s_else), "else"},
    {offsetof(sbp__eval, s_arrow), "=>"},
    {offsetof(sbp__eval, s_define), "define"},
    {offsetof(sbp__eval, s_lambda), "lambda"},
};

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
   * limit: sbp__eval_fail_code gives the code of the error recorded. */
  if ((ev->nil = sbp__eval_cell(ev, T_NIL)) == NULL) return sbp__eval_fail_code(ev);
  if ((ev->t = sbp__eval_cell(ev, T_BOOL)) == NULL) return sbp__eval_fail_code(ev);
  ev->t->u.i = 1;
  if ((ev->f = sbp__eval_cell(ev, T_BOOL)) == NULL) return sbp__eval_fail_code(ev);
  /* TinyScheme's unspecified value (a one-armed if whose test fails, a cond or case with no
   * matching clause, a when that does not fire) is '(): a second empty list, equal to the
   * first in every way Scheme can see, kept apart only so that a rule given it is refused */
  if ((ev->unspec = sbp__eval_cell(ev, T_NIL)) == NULL) return sbp__eval_fail_code(ev);
  ev->unspec->flag = 1;
  for (size_t i = 0; i < sizeof(special_forms) / sizeof(special_forms[0]); i++) {
    cell *s = sbp__eval_intern(ev, special_forms[i].name, strlen(special_forms[i].name));
    if (s == NULL) return sbp__eval_fail_code(ev);
    s->flag = special_forms[i].id;
  }
  for (size_t i = 0; i < sizeof(named_symbols) / sizeof(named_symbols[0]); i++) {
    cell *s = sbp__eval_intern(ev, named_symbols[i].name, strlen(named_symbols[i].name));
    if (s == NULL) return sbp__eval_fail_code(ev);
    *(cell **)(void *)((char *)ev + named_symbols[i].field) = s;
  }
  for (size_t t = 0; t < sizeof(prim_tables) / sizeof(prim_tables[0]); t++)
    for (size_t i = 0; i < *prim_tables[t].n; i++) {
      const sbp__prim *pr = &prim_tables[t].v[i];
      cell *s = sbp__eval_intern(ev, pr->name, strlen(pr->name));
      cell *pc = s ? sbp__eval_cell(ev, T_PRIM) : NULL;
      if (pc == NULL) return sbp__eval_fail_code(ev);
      pc->u.prim = pr;
      s->u.sym.gval = pc;
    }
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

/* What a frame waits for. A special form that needs the value of a subexpression pushes a
 * frame whose kind is its own id (SF_*), so `form_kinds` below keeps its resume next to its
 * begin; the machine's own frames follow. */
enum {
  F_DONE = SF_NONE, /* the bottom of a run */
  F_ARGS = SF_DO + 1, /* a procedure call: evaluating the operator and the arguments */
  F_SEQ,            /* a body: the expressions after the one running */
  F_TOP,            /* top-level forms (a text's, an import's) */
  F_MAP,            /* map, for-each, filter: calling the procedure on each element */
  F_MACRO,          /* a macro's expander: its result is evaluated in place of the call */
  F_COND_ARROW,     /* (cond (test => proc)): evaluating proc, to call it on test's value */
  F_CTXPOP,         /* a with-filter / with-modifier / with-operations body: its context */
  F_IMPORTPOP,      /* an import's forms: its entry on the list of imports */
  F_COUNT
};

/* A frame of the machine's stack: where the form was, the environment it runs in, and
 * what its kind keeps while it waits (u, one member per kind; the comment names the kinds
 * that use it). */
typedef struct sbp__frame {
  uint8_t op; /* F_* or the SF_* of the form */
  uint32_t line, col;
  const char *file;
  env *e;
  union {
    struct {
      cell *rest; /* the expressions still to evaluate */
      cell *vals; /* the values so far, last first */
    } call;       /* F_ARGS */
    cell *rest;   /* F_SEQ, and, or: the expressions still to evaluate, the next first */
    cell *forms;  /* F_TOP: the forms still to run */
    cell *branches; /* if: (then else?) */
    cell *sym;    /* define, set!, macro, define-macro, with: the name being bound or given */
    struct {
      cell *left;     /* the bindings still to evaluate, the next first */
      cell *vals;     /* let: the values so far, last first */
      cell *body;
      cell *name;     /* named let: the loop's name, else NULL */
      cell *bindings; /* all the bindings */
    } let;            /* let, let*, letrec */
    struct {
      cell *clauses; /* the clause being tested, then the rest */
      uint8_t first; /* no clause tested yet */
    } cond;
    cell *test_value; /* F_COND_ARROW: what the clause's test gave */
    cell *clauses;    /* case: all the clauses */
    cell *body;       /* when, unless, with-filter, with-modifier, with-operations */
    struct {
      cell *lists;   /* what is left of each list */
      cell *results; /* map, filter: the results so far, last first */
      cell *proc;
      cell *item;    /* filter: the element the procedure was called on */
      uint8_t kind;  /* P_MAP, P_FOR_EACH or P_FILTER */
    } map;           /* F_MAP */
    struct {
      cell *left;    /* phase 0: the inits still to evaluate; phase 3: the steps */
      cell *form;    /* (specs (test expr...) body...) */
      cell *steps;   /* phase 3: the new values so far, last first */
      env *outer;    /* the environment around the loop */
      uint8_t phase; /* 0 inits, 1 test, 2 body done, 3 steps */
    } loop;          /* do */
  } u;
  /* The stack counts in the memory used by its bytes, so the frame keeps the size the
   * memory limits were set with (80 bytes on 64-bit), though its fields need 72. */
  void *reserved;
} frame;

_Static_assert(sizeof(void *) != 8 || sizeof(frame) == 80, "a frame is 80 bytes");

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

/* Evaluate x in e next (m->eval set). */
static int eval_next(mstate *m, cell *x, env *e) {
  m->expr = x;
  m->e = e;
  m->eval = 1;
  return SBP_OK;
}

/* Return v to the frame below (m->eval cleared). */
static int give(sbp__eval *ev, mstate *m, cell *v) {
  ev->value = v;
  m->eval = 0;
  return SBP_OK;
}

/* Pops the top frame, putting the position back to where its form was. */
static void pop_to_form(sbp__eval *ev, const frame *f) {
  ev->file = f->file;
  ev->line = f->line;
  ev->col = f->col;
  ev->sp--;
}

static int syntax(sbp__eval *ev, const char *what) {
  return sbp__eval_fail(ev, SBP_E_EVAL, "syntax error: malformed %s", what);
}

/* Starts evaluating a body (a list of expressions) in tail position. */
static int eval_body(sbp__eval *ev, mstate *m, cell *body, env *e) {
  if (body->type != T_PAIR) return give(ev, m, ev->unspec);
  if (CDR(body)->type == T_PAIR) {
    int rc = push(ev, F_SEQ, e);
    if (rc) return rc;
    TOP(ev)->u.rest = CDR(body);
  }
  set_pos(ev, body);
  return eval_next(m, CAR(body), e);
}

static int seq_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)v;
  cell *body = f->u.rest;
  env *e = f->e;
  if (CDR(body)->type == T_PAIR)
    f->u.rest = CDR(body);
  else
    ev->sp--;
  set_pos(ev, body);
  return eval_next(m, CAR(body), e);
}

static int top_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)v;
  cell *forms = f->u.forms;
  if (forms->type != T_PAIR) {
    ev->sp--;
    return SBP_OK;
  }
  f->u.forms = CDR(forms);
  set_pos(ev, forms);
  return eval_next(m, CAR(forms), NULL);
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

/* ---- procedure calls ------------------------------------------------------------------- */

static int apply_proc(sbp__eval *ev, mstate *m, cell *fn, cell *args);

static int args_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  cell *acc = sbp__eval_cons(ev, v, f->u.call.vals);
  if (acc == NULL) return sbp__eval_fail_code(ev);
  f->u.call.vals = acc;
  if (f->u.call.rest->type == T_PAIR) {
    cell *argp = f->u.call.rest;
    f->u.call.rest = CDR(argp);
    set_pos(ev, argp);
    return eval_next(m, CAR(argp), f->e);
  }
  if (f->u.call.rest->type != T_NIL) return syntax(ev, "procedure call");
  cell *all = sbp__eval_reverse_onto(acc, ev->nil);
  pop_to_form(ev, f);
  return apply_proc(ev, m, CAR(all), CDR(all));
}

/* Calls the procedure on the next elements of the lists, or returns what map, for-each or
 * filter gives when a list is used up. */
static int map_step(sbp__eval *ev, mstate *m) {
  frame *f = TOP(ev);
  cell *args = ev->nil, *rest = ev->nil;
  for (cell *l = f->u.map.lists; l->type == T_PAIR; l = CDR(l)) {
    if (CAR(l)->type != T_PAIR) {
      cell *res = f->u.map.kind == P_FOR_EACH
                      ? ev->unspec
                      : sbp__eval_reverse_onto(f->u.map.results, ev->nil);
      ev->sp--;
      return give(ev, m, res);
    }
    if ((args = sbp__eval_cons(ev, CAR(CAR(l)), args)) == NULL) return sbp__eval_fail_code(ev);
    if ((rest = sbp__eval_cons(ev, CDR(CAR(l)), rest)) == NULL) return sbp__eval_fail_code(ev);
  }
  f->u.map.lists = sbp__eval_reverse_onto(rest, ev->nil);
  args = sbp__eval_reverse_onto(args, ev->nil);
  f->u.map.item = CAR(args);
  return apply_proc(ev, m, f->u.map.proc, args);
}

static int map_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  if (f->u.map.kind == P_MAP || (f->u.map.kind == P_FILTER && sbp__eval_truthy(v))) {
    cell *b = sbp__eval_cons(ev, f->u.map.kind == P_MAP ? v : f->u.map.item, f->u.map.results);
    if (b == NULL) return sbp__eval_fail_code(ev);
    f->u.map.results = b;
  }
  return map_step(ev, m);
}

static int macro_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  env *e = f->e;
  pop_to_form(ev, f);
  return eval_next(m, v, e);
}

static int closure_arity(sbp__eval *ev, const cell *fn, size_t argc) {
  size_t want = 0;
  const cell *tail = fn->u.clo.params;
  for (; tail->type == T_PAIR; tail = CDR(tail)) want++;
  return sbp__eval_fail(ev, SBP_E_EVAL, "wrong number of arguments to %s (expected %s%zu, got %zu)",
                        fn->u.clo.name ? fn->u.clo.name->u.sym.s : "#<closure>",
                        tail->type == T_SYM ? "at least " : "", want, argc);
}

/* Binds the parameters in a new environment under the closure's, and runs the body. */
static int apply_closure(sbp__eval *ev, mstate *m, cell *fn, cell *args, size_t argc) {
  env *e = sbp__eval_new_env(ev, fn->u.clo.env);
  if (e == NULL) return sbp__eval_fail_code(ev);
  cell *p = fn->u.clo.params, *a = args;
  int rc;
  for (; p->type == T_PAIR; p = CDR(p), a = CDR(a)) {
    if (a->type != T_PAIR) return closure_arity(ev, fn, argc);
    if ((rc = sbp__eval_define(ev, e, CAR(p), CAR(a))) != 0) return rc;
  }
  if (p->type == T_SYM) {
    if ((rc = sbp__eval_define(ev, e, p, a)) != 0) return rc;
  } else if (a->type != T_NIL) {
    return closure_arity(ev, fn, argc);
  }
  return eval_body(ev, m, fn->u.clo.body, e);
}

static int prim_arity(sbp__eval *ev, const sbp__prim *pr, size_t argc) {
  if (pr->min == pr->max)
    return sbp__eval_fail(ev, SBP_E_EVAL, "wrong number of arguments to %s (expected %d, got %zu)",
                          pr->name, pr->min, argc);
  if (pr->max < 0)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "wrong number of arguments to %s (expected at least %d, got %zu)",
                          pr->name, pr->min, argc);
  return sbp__eval_fail(ev, SBP_E_EVAL,
                        "wrong number of arguments to %s (expected %d to %d, got %zu)", pr->name,
                        pr->min, pr->max, argc);
}

/* (apply f a ... list) */
static int prim_apply(sbp__eval *ev, mstate *m, cell *args) {
  cell *f2 = CAR(args);
  cell *rev = ev->nil;
  cell *a = CDR(args);
  while (CDR(a)->type == T_PAIR) {
    if ((rev = sbp__eval_cons(ev, CAR(a), rev)) == NULL) return sbp__eval_fail_code(ev);
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
    if ((all = sbp__eval_cons(ev, CAR(rev), all)) == NULL) return sbp__eval_fail_code(ev);
    rev = CDR(rev);
  }
  return apply_proc(ev, m, f2, all);
}

/* (map f list...), (for-each f list...), (filter f list) */
static int prim_map(sbp__eval *ev, mstate *m, int kind, const sbp__prim *pr, cell *args) {
  for (cell *l = CDR(args); l->type == T_PAIR; l = CDR(l)) {
    size_t n;
    if (!sbp__eval_list_length(CAR(l), &n))
      return sbp__eval_fail(ev, SBP_E_EVAL, "%s: argument is not a list", pr->name);
  }
  int rc = push(ev, F_MAP, NULL);
  if (rc) return rc;
  frame *f = TOP(ev);
  f->u.map.kind = (uint8_t)kind;
  f->u.map.lists = CDR(args);
  f->u.map.results = ev->nil;
  f->u.map.proc = CAR(args);
  return map_step(ev, m);
}

/* (import "x"): the forms of the text run as top-level forms under an F_IMPORTPOP. */
static int prim_import(sbp__eval *ev, mstate *m, cell *args) {
  cell *forms = NULL;
  const char *file = NULL;
  int rc = sbp__eval_import(ev, CAR(args), &forms, &file);
  if (rc) return rc;
  ev->escaped = 1; /* the list of imports holds the file name */
  if (forms == NULL) return give(ev, m, ev->unspec);
  if ((rc = push(ev, F_IMPORTPOP, NULL)) != 0) return rc;
  if ((rc = push(ev, F_TOP, NULL)) != 0) return rc;
  TOP(ev)->u.forms = forms;
  return give(ev, m, ev->unspec);
}

static int importpop_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)m, (void)f, (void)v;
  ev->nimports--;
  ev->sp--;
  ev->value = ev->unspec;
  return SBP_OK;
}

static int apply_proc(sbp__eval *ev, mstate *m, cell *fn, cell *args) {
  size_t argc;
  if (!sbp__eval_list_length(args, &argc)) return syntax(ev, "argument list");
  if (fn->type == T_CLOSURE) return apply_closure(ev, m, fn, args, argc);
  if (fn->type == T_PRIM) {
    const sbp__prim *pr = fn->u.prim;
    if ((long)argc < pr->min || (pr->max >= 0 && (long)argc > pr->max))
      return prim_arity(ev, pr, argc);
    if (pr->fn != NULL) {
      int rc = pr->fn(ev, args, argc);
      if (rc) return rc;
      m->eval = 0;
      return SBP_OK;
    }
    int id = (int)(pr - machine_prims);
    switch (id) {
      case P_APPLY: return prim_apply(ev, m, args);
      case P_MAP: case P_FOR_EACH: case P_FILTER: return prim_map(ev, m, id, pr, args);
      case P_IMPORT: return prim_import(ev, m, args);
      default: return eval_next(m, CAR(args), NULL); /* P_EVAL */
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
  return sbp__eval_fail(ev, SBP_E_EVAL, "illegal function: %s is not a procedure",
                        sbp__eval_type_phrase(fn));
}

/* ---- special forms --------------------------------------------------------------------- */

/* A special form being begun: its keyword's id and name, the list after the keyword (a
 * proper list of n elements) and the environment. */
typedef struct sform {
  int sf;
  const char *name;
  cell *rest;
  size_t n;
  env *e;
} sform;

/* Evaluates the expression at `at` (a pair of the form) once frame kind op is pushed. */
static int push_eval(sbp__eval *ev, mstate *m, uint8_t op, env *e, cell *at) {
  int rc = push(ev, op, e);
  if (rc) return rc;
  set_pos(ev, at);
  return eval_next(m, CAR(at), e);
}

static int quote_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n != 1) return syntax(ev, s->name);
  return give(ev, m, CAR(s->rest));
}

static int quasi_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n != 1) return syntax(ev, s->name);
  cell *code = qq(ev, CAR(s->rest), 1, 1000);
  if (code == NULL) return sbp__eval_fail_code(ev);
  return eval_next(m, code, s->e);
}

/* (if test then else?) */
static int if_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n != 2 && s->n != 3) return syntax(ev, s->name);
  int rc = push_eval(ev, m, SF_IF, s->e, s->rest);
  if (rc == SBP_OK) TOP(ev)->u.branches = CDR(s->rest);
  return rc;
}

static int if_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  cell *branches = f->u.branches;
  env *e = f->e;
  ev->sp--;
  if (sbp__eval_truthy(v)) {
    set_pos(ev, branches);
    return eval_next(m, CAR(branches), e);
  }
  if (CDR(branches)->type == T_PAIR) {
    set_pos(ev, CDR(branches));
    return eval_next(m, CAR(CDR(branches)), e);
  }
  ev->value = ev->unspec;
  return SBP_OK;
}

/* (define name expr...), (define (name . params) body...) */
static int define_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 1) return syntax(ev, s->name);
  cell *target = CAR(s->rest);
  int rc;
  if (target->type == T_PAIR) {
    /* (define (name . params) body...), also curried (define ((f a) b) ...) is refused */
    cell *fname = CAR(target);
    if (fname->type != T_SYM) return syntax(ev, s->name);
    if ((rc = check_params(ev, CDR(target))) != 0) return rc;
    cell *clo = make_closure(ev, CDR(target), CDR(s->rest), s->e, fname);
    if (clo == NULL) return sbp__eval_fail_code(ev);
    if ((rc = sbp__eval_define(ev, s->e, fname, clo)) != 0) return rc;
    return give(ev, m, fname);
  }
  /* TinyScheme binds the first expression's value and never evaluates the rest
   * ((define name "a" "b") binds "a"); the linter warns about the ignored ones. */
  if (target->type != T_SYM) return syntax(ev, s->name);
  if (s->n == 1) {
    if ((rc = sbp__eval_define(ev, s->e, target, ev->unspec)) != 0) return rc;
    return give(ev, m, target);
  }
  if ((rc = push_eval(ev, m, SF_DEFINE, s->e, CDR(s->rest))) == SBP_OK)
    TOP(ev)->u.sym = target;
  return rc;
}

static int define_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)m;
  cell *sym = f->u.sym;
  env *e = f->e;
  ev->sp--;
  if ((v->type == T_CLOSURE || v->type == T_MACRO) && v->u.clo.name == NULL)
    v->u.clo.name = sym;
  int rc = sbp__eval_define(ev, e, sym, v);
  if (rc) return rc;
  ev->value = sym;
  return SBP_OK;
}

/* (set! name expr) */
static int set_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n != 2 || CAR(s->rest)->type != T_SYM) return syntax(ev, s->name);
  int rc = push_eval(ev, m, SF_SET, s->e, CDR(s->rest));
  if (rc == SBP_OK) TOP(ev)->u.sym = CAR(s->rest);
  return rc;
}

static int set_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)m;
  cell *sym = f->u.sym;
  env *e = f->e;
  ev->sp--;
  cell *b = sbp__eval_find_local(e, sym);
  ev->escaped = 1;
  int defined = 1;
  if (b == NULL) {
    int rc = sbp__eval_is_defined(ev, NULL, sym, &defined);
    if (rc) return rc;
  }
  if (b != NULL) {
    CDR(b) = v;
  } else if (defined) {
    sym->u.sym.gval = v;
  } else {
    return sbp__eval_fail(ev, SBP_E_EVAL, "unbound variable: %s", sym->u.sym.s);
  }
  ev->value = v;
  return SBP_OK;
}

static int lambda_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 1) return syntax(ev, s->name);
  int rc = check_params(ev, CAR(s->rest));
  if (rc) return rc;
  cell *clo = make_closure(ev, CAR(s->rest), CDR(s->rest), s->e, NULL);
  if (clo == NULL) return sbp__eval_fail_code(ev);
  return give(ev, m, clo);
}

static int begin_begin(sbp__eval *ev, mstate *m, const sform *s) {
  return eval_body(ev, m, s->rest, s->e);
}

/* no promises: (delay x) evaluates x (profiles never force them lazily) */
static int delay_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n != 1) return syntax(ev, s->name);
  return eval_next(m, CAR(s->rest), s->e);
}

static int debug_begin(sbp__eval *ev, mstate *m, const sform *s) {
  (void)s;
  return give(ev, m, ev->unspec);
}

/* (let [name] ((var init)...) body...), (let* ...), (letrec ...), (letrec* ...): the frame
 * evaluates the inits one by one; let keeps the values, let* and letrec bind each in the
 * frame's environment as it comes. */
static int let_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 1) return syntax(ev, s->name);
  cell *lname = NULL;
  cell *bindings = CAR(s->rest);
  cell *body = CDR(s->rest);
  int rc;
  if (s->sf == SF_LET && bindings->type == T_SYM) {
    lname = bindings;
    if (body->type != T_PAIR) return syntax(ev, s->name);
    bindings = CAR(body);
    body = CDR(body);
  }
  size_t nb;
  if (!sbp__eval_list_length(bindings, &nb)) return syntax(ev, s->name);
  for (cell *b = bindings; b->type == T_PAIR; b = CDR(b)) {
    cell *bd = CAR(b);
    size_t bl;
    /* as TinyScheme: only a binding's first expression is evaluated (the linter warns) */
    if (bd->type != T_PAIR || CAR(bd)->type != T_SYM || !sbp__eval_list_length(bd, &bl))
      return syntax(ev, s->name);
  }
  env *ne = s->e;
  if (s->sf == SF_LETREC) {
    if ((ne = sbp__eval_new_env(ev, s->e)) == NULL) return sbp__eval_fail_code(ev);
    for (cell *b = bindings; b->type == T_PAIR; b = CDR(b))
      if ((rc = sbp__eval_define(ev, ne, CAR(CAR(b)), ev->unspec)) != 0) return rc;
  } else if (s->sf == SF_LETSTAR) {
    if ((ne = sbp__eval_new_env(ev, s->e)) == NULL) return sbp__eval_fail_code(ev);
  }
  if ((rc = push(ev, (uint8_t)s->sf, ne)) != 0) return rc;
  frame *f = TOP(ev);
  f->u.let.left = bindings;
  f->u.let.vals = ev->nil;
  f->u.let.body = body;
  f->u.let.name = lname;
  f->u.let.bindings = bindings;
  return give(ev, m, NULL); /* nothing evaluated yet */
}

/* Takes the value of one binding's init (v NULL: none yet) into a let frame. */
static int let_take(sbp__eval *ev, frame *f, cell *v) {
  if (f->op == SF_LET) {
    cell *b = sbp__eval_cons(ev, v, f->u.let.vals);
    if (b == NULL) return sbp__eval_fail_code(ev);
    f->u.let.vals = b;
  } else {
    int rc = sbp__eval_define(ev, f->e, CAR(CAR(f->u.let.left)), v);
    if (rc) return rc;
  }
  f->u.let.left = CDR(f->u.let.left);
  return SBP_OK;
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

/* A let whose inits are all evaluated: binds them and runs the body (a named let: calls
 * the loop's closure on them). */
static int let_finish(sbp__eval *ev, mstate *m, cell *bindings, cell *vals, cell *body,
                      env *e, cell *lname) {
  cell *syms = ev->nil;
  for (cell *b = bindings; b->type == T_PAIR; b = CDR(b))
    if ((syms = sbp__eval_cons(ev, CAR(CAR(b)), syms)) == NULL) return sbp__eval_fail_code(ev);
  syms = sbp__eval_reverse_onto(syms, ev->nil);
  if (lname != NULL) {
    env *le = sbp__eval_new_env(ev, e);
    if (le == NULL) return sbp__eval_fail_code(ev);
    cell *clo = make_closure(ev, syms, body, le, lname);
    if (clo == NULL) return sbp__eval_fail_code(ev);
    int rc = sbp__eval_define(ev, le, lname, clo);
    if (rc) return rc;
    return apply_proc(ev, m, clo, vals);
  }
  env *ne = sbp__eval_new_env(ev, e);
  if (ne == NULL) return sbp__eval_fail_code(ev);
  int rc = bind_values(ev, ne, syms, vals);
  if (rc) return rc;
  return eval_body(ev, m, body, ne);
}

static int let_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  int rc;
  if (v != NULL && (rc = let_take(ev, f, v)) != 0) return rc;
  /* skip bindings without an init */
  while (f->u.let.left->type == T_PAIR && CDR(CAR(f->u.let.left))->type == T_NIL)
    if ((rc = let_take(ev, f, ev->unspec)) != 0) return rc;
  if (f->u.let.left->type == T_PAIR) {
    cell *bd = CAR(f->u.let.left);
    set_pos(ev, CDR(bd));
    /* let* as TinyScheme scopes it: the first init is evaluated outside, every later one
     * in the one frame all the bindings share (so a lambda bound there sees itself) */
    int first = f->u.let.left == f->u.let.bindings;
    return eval_next(m, CAR(CDR(bd)), f->op == SF_LETSTAR && first ? f->e->parent : f->e);
  }
  cell *body = f->u.let.body;
  env *e = f->e;
  uint8_t op = f->op;
  cell *lname = f->u.let.name;
  cell *bindings = f->u.let.bindings;
  cell *vals = sbp__eval_reverse_onto(f->u.let.vals, ev->nil);
  ev->sp--;
  if (op != SF_LET) return eval_body(ev, m, body, e);
  return let_finish(ev, m, bindings, vals, body, e, lname);
}

/* (cond (test expr...)... (else expr...)): the frame tests the clauses in turn. */
static int cond_begin(sbp__eval *ev, mstate *m, const sform *s) {
  int rc = push(ev, SF_COND, s->e);
  if (rc) return rc;
  TOP(ev)->u.cond.clauses = s->rest;
  TOP(ev)->u.cond.first = 1;
  return give(ev, m, ev->f);
}

static int cond_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  int rc;
  if (!f->u.cond.first && sbp__eval_truthy(v)) {
    cell *body = CDR(CAR(f->u.cond.clauses));
    env *e = f->e;
    ev->sp--;
    if (body->type != T_PAIR) return SBP_OK; /* (cond (test)) gives the test's value */
    if (CAR(body) == ev->s_arrow) {
      if (CDR(body)->type != T_PAIR) return syntax(ev, "cond");
      if ((rc = push_eval(ev, m, F_COND_ARROW, e, CDR(body))) == SBP_OK)
        TOP(ev)->u.test_value = v;
      return rc;
    }
    return eval_body(ev, m, body, e);
  }
  if (!f->u.cond.first) f->u.cond.clauses = CDR(f->u.cond.clauses);
  f->u.cond.first = 0;
  if (f->u.cond.clauses->type != T_PAIR) {
    ev->sp--;
    ev->value = ev->unspec;
    return SBP_OK;
  }
  cell *clause = CAR(f->u.cond.clauses);
  size_t cl;
  if (clause->type != T_PAIR || !sbp__eval_list_length(clause, &cl))
    return syntax(ev, "cond clause");
  int else_defined = 1;
  if (CAR(clause) == ev->s_else) {
    int drc = sbp__eval_is_defined(ev, f->e, ev->s_else, &else_defined);
    if (drc) return drc;
  }
  if (CAR(clause) == ev->s_else && !else_defined) {
    env *e = f->e;
    ev->sp--;
    return eval_body(ev, m, CDR(clause), e);
  }
  set_pos(ev, clause);
  return eval_next(m, CAR(clause), f->e);
}

/* (test => proc): proc is evaluated, then called on the test's value. */
static int cond_arrow_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  cell *arg = f->u.test_value;
  ev->sp--;
  cell *args = sbp__eval_cons(ev, arg, ev->nil);
  if (args == NULL) return sbp__eval_fail_code(ev);
  return apply_proc(ev, m, v, args);
}

/* (case key ((datum...) expr...)... (else expr...)) */
static int case_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 1) return syntax(ev, s->name);
  int rc = push_eval(ev, m, SF_CASE, s->e, s->rest);
  if (rc == SBP_OK) TOP(ev)->u.clauses = CDR(s->rest);
  return rc;
}

static int case_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  cell *clauses = f->u.clauses;
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

/* (and expr...), (or expr...): the last expression is in tail position (no frame). */
static int and_or_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n == 0) return give(ev, m, s->sf == SF_AND ? ev->t : ev->f);
  if (s->n > 1) {
    int rc = push(ev, (uint8_t)s->sf, s->e);
    if (rc) return rc;
    TOP(ev)->u.rest = CDR(s->rest);
  }
  set_pos(ev, s->rest);
  return eval_next(m, CAR(s->rest), s->e);
}

static int and_or_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  int t = sbp__eval_truthy(v);
  if ((f->op == SF_AND && !t) || (f->op == SF_OR && t)) {
    ev->sp--;
    return SBP_OK;
  }
  return seq_resume(ev, m, f, v);
}

/* (when test body...), (unless test body...) */
static int when_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 1) return syntax(ev, s->name);
  int rc = push_eval(ev, m, (uint8_t)s->sf, s->e, s->rest);
  if (rc == SBP_OK) TOP(ev)->u.body = CDR(s->rest);
  return rc;
}

static int when_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  int t = sbp__eval_truthy(v);
  cell *body = f->u.body;
  env *e = f->e;
  int unless = f->op == SF_UNLESS;
  ev->sp--;
  if (t != unless) return eval_body(ev, m, body, e);
  ev->value = ev->unspec;
  return SBP_OK;
}

/* (macro (name form) body...) gets the whole form, (define-macro (name . args) body...)
 * the unevaluated arguments; (macro name proc) and (define-macro name proc) make a macro of
 * proc's value. */
static int macro_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 1) return syntax(ev, s->name);
  cell *target = CAR(s->rest);
  int rc;
  if (target->type == T_PAIR) {
    cell *mname = CAR(target);
    if (mname->type != T_SYM || s->n < 2) return syntax(ev, s->name);
    if ((rc = check_params(ev, CDR(target))) != 0) return rc;
    cell *mc = make_closure(ev, CDR(target), CDR(s->rest), s->e, mname);
    if (mc == NULL) return sbp__eval_fail_code(ev);
    mc->type = T_MACRO;
    mc->flag = s->sf == SF_MACRO ? MACRO_WHOLE : MACRO_ARGS;
    if ((rc = sbp__eval_define(ev, s->e, mname, mc)) != 0) return rc;
    return give(ev, m, mname);
  }
  if (target->type != T_SYM || s->n != 2) return syntax(ev, s->name);
  if ((rc = push_eval(ev, m, (uint8_t)s->sf, s->e, CDR(s->rest))) == SBP_OK)
    TOP(ev)->u.sym = target;
  return rc;
}

static int macro_def_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)m;
  cell *sym = f->u.sym;
  env *e = f->e;
  uint8_t flavour = f->op == SF_MACRO ? MACRO_WHOLE : MACRO_ARGS;
  ev->sp--;
  if (v->type != T_CLOSURE)
    return sbp__eval_fail(ev, SBP_E_EVAL, "macro: %s is not a procedure", sym->u.sym.s);
  cell *mc = sbp__eval_cell(ev, T_MACRO);
  if (mc == NULL) return sbp__eval_fail_code(ev);
  mc->u.clo = v->u.clo;
  mc->u.clo.name = sym;
  mc->flag = flavour;
  int rc = sbp__eval_define(ev, e, sym, mc);
  if (rc) return rc;
  ev->value = sym;
  return SBP_OK;
}

/* (with name [arg]) */
static int with_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 1 || s->n > 2 || CAR(s->rest)->type != T_SYM) return syntax(ev, s->name);
  int rc;
  if (s->n == 1) {
    if ((rc = sbp__eval_with(ev, CAR(s->rest), NULL, 0)) != 0) return rc;
    m->eval = 0;
    return SBP_OK;
  }
  if ((rc = push_eval(ev, m, SF_WITH, s->e, CDR(s->rest))) == SBP_OK)
    TOP(ev)->u.sym = CAR(s->rest);
  return rc;
}

static int with_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)m;
  cell *name = f->u.sym;
  pop_to_form(ev, f);
  return sbp__eval_with(ev, name, v, 1);
}

/* (with-filter filter body...), (with-modifier modifier body...), (with-operations ops
 * body...): the value opens a context that the body's rules take; F_CTXPOP closes it. */
static int ctx_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 1) return syntax(ev, s->name);
  int rc = push_eval(ev, m, (uint8_t)s->sf, s->e, s->rest);
  if (rc == SBP_OK) TOP(ev)->u.body = CDR(s->rest);
  return rc;
}

static int ctx_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  uint8_t kind = (uint8_t)(f->op - SF_WITH_FILTER); /* ctx_entry.kind */
  cell *body = f->u.body;
  env *e = f->e;
  int rc;
  static const char *const names[] = {"with-filter", "with-modifier", "with-operations"};
  if ((kind == 0 && v->type != T_FILTER) || (kind == 1 && v->type != T_MOD))
    return sbp__eval_fail(ev, SBP_E_EVAL, "%s: expected a %s, got %s", names[kind],
                          kind == 0 ? "filter" : "modifier", sbp__eval_type_phrase(v));
  if (kind == 2) {
    cell *l = v;
    if (l->type == T_OP || l->type == T_SYM) {
      if ((l = sbp__eval_cons(ev, v, ev->nil)) == NULL) return sbp__eval_fail_code(ev);
    }
    size_t k;
    if (!sbp__eval_list_length(l, &k))
      return sbp__eval_fail(ev, SBP_E_EVAL, "with-operations: expected a list of operations");
    if ((rc = sbp__eval_charge(ev, 2 * k, 0)) != 0) return rc;
    for (cell *o = l; o->type == T_PAIR; o = CDR(o))
      if (CAR(o)->type != T_OP && CAR(o) != ev->noop_sym)
        return sbp__eval_fail(ev, SBP_E_EVAL, "with-operations: expected an operation, got %s",
                              sbp__eval_type_phrase(CAR(o)));
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

static int ctxpop_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)m, (void)f, (void)v;
  ev->nctx--;
  ev->sp--;
  return SBP_OK;
}

/* (do ((var init step)...) (test expr...) body...): the inits are evaluated like a let's
 * (phase 0), then the frame loops: the test (1), the body (2), the steps (3), each round
 * binding the variables in a fresh environment under the one around the loop. */
static int do_begin(sbp__eval *ev, mstate *m, const sform *s) {
  if (s->n < 2) return syntax(ev, s->name);
  cell *specs = CAR(s->rest), *test = CAR(CDR(s->rest));
  size_t k;
  if (!sbp__eval_list_length(specs, &k) || test->type != T_PAIR) return syntax(ev, s->name);
  for (cell *sp = specs; sp->type == T_PAIR; sp = CDR(sp)) {
    size_t sl;
    if (CAR(sp)->type != T_PAIR || CAR(CAR(sp))->type != T_SYM ||
        !sbp__eval_list_length(CAR(sp), &sl) || sl < 1 || sl > 3)
      return syntax(ev, s->name);
  }
  env *ne = sbp__eval_new_env(ev, s->e);
  if (ne == NULL) return sbp__eval_fail_code(ev);
  int rc = push(ev, SF_DO, ne);
  if (rc) return rc;
  frame *f = TOP(ev);
  f->u.loop.left = specs;
  f->u.loop.form = s->rest;
  f->u.loop.phase = 0;
  f->u.loop.steps = NULL;
  f->u.loop.outer = s->e; /* inits and the loop's fresh environments hang off the outer one */
  return give(ev, m, NULL);
}

static int ret(sbp__eval *ev, mstate *m);

static int do_resume(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  env *outer = f->u.loop.outer;
  cell *test = CAR(CDR(f->u.loop.form));
  int rc;
  if (f->u.loop.phase == 0) {
    if (v != NULL) {
      if ((rc = sbp__eval_define(ev, f->e, CAR(CAR(f->u.loop.left)), v)) != 0) return rc;
      f->u.loop.left = CDR(f->u.loop.left);
    }
    if (f->u.loop.left->type == T_PAIR) {
      cell *spec = CAR(f->u.loop.left);
      if (CDR(spec)->type != T_PAIR) {
        ev->value = ev->unspec;
        return ret(ev, m);
      }
      return eval_next(m, CAR(CDR(spec)), outer);
    }
    f->u.loop.phase = 1;
    return eval_next(m, CAR(test), f->e);
  }
  if (f->u.loop.phase == 1) {
    if (sbp__eval_truthy(v)) {
      env *e = f->e;
      ev->sp--;
      return eval_body(ev, m, CDR(test), e);
    }
    f->u.loop.phase = 2;
    f->u.loop.steps = NULL;
    cell *body = CDR(CDR(f->u.loop.form));
    if (body->type == T_PAIR) {
      /* evaluate the body as a sequence, then come back in phase 2 */
      if ((rc = push(ev, F_SEQ, f->e)) != 0) return rc;
      TOP(ev)->u.rest = body;
    }
    ev->value = ev->unspec;
    return ret(ev, m);
  }
  /* phase 2 (and 3: collecting steps): compute all steps in the loop env, then rebind */
  if (f->u.loop.phase == 2) {
    f->u.loop.phase = 3;
    f->u.loop.left = CAR(f->u.loop.form); /* specs */
    f->u.loop.steps = ev->nil;
    v = NULL;
  }
  if (v != NULL) {
    cell *nv = sbp__eval_cons(ev, v, f->u.loop.steps);
    if (nv == NULL) return sbp__eval_fail_code(ev);
    f->u.loop.steps = nv;
    f->u.loop.left = CDR(f->u.loop.left);
  }
  while (f->u.loop.left->type == T_PAIR) {
    cell *spec = CAR(f->u.loop.left);
    if (CDR(spec)->type == T_PAIR && CDR(CDR(spec))->type == T_PAIR)
      return eval_next(m, CAR(CDR(CDR(spec))), f->e);
    cell *cur = NULL;
    if ((rc = sbp__eval_lookup(ev, f->e, CAR(spec), &cur)) != 0) return rc;
    cell *nv = sbp__eval_cons(ev, cur, f->u.loop.steps);
    if (nv == NULL) return sbp__eval_fail_code(ev);
    f->u.loop.steps = nv;
    f->u.loop.left = CDR(f->u.loop.left);
  }
  env *ne = sbp__eval_new_env(ev, outer);
  if (ne == NULL) return sbp__eval_fail_code(ev);
  cell *vals = sbp__eval_reverse_onto(f->u.loop.steps, ev->nil);
  for (cell *sp = CAR(f->u.loop.form); sp->type == T_PAIR; sp = CDR(sp), vals = CDR(vals))
    if ((rc = sbp__eval_define(ev, ne, CAR(CAR(sp)), CAR(vals))) != 0) return rc;
  f->e = ne;
  f->u.loop.phase = 1;
  return eval_next(m, CAR(test), ne);
}

static int bad_frame(sbp__eval *ev, mstate *m, frame *f, cell *v) {
  (void)m, (void)f, (void)v;
  return sbp__eval_fail(ev, SBP_E_ASSERT, "evaluator: bad frame");
}

/* ---- the table of forms ---------------------------------------------------------------- */

/* For each special form (by its id) and each frame kind: how the form begins, and how its
 * frame takes the value of what it asked to evaluate. begin NULL: not a special form;
 * resume NULL: the form pushes no frame. */
static const struct {
  int (*begin)(sbp__eval *ev, mstate *m, const sform *s);
  int (*resume)(sbp__eval *ev, mstate *m, frame *f, cell *v);
} form_kinds[F_COUNT] = {
    [F_DONE] = {NULL, bad_frame},
    [SF_QUOTE] = {quote_begin, NULL},
    [SF_QUASI] = {quasi_begin, NULL},
    [SF_IF] = {if_begin, if_resume},
    [SF_DEFINE] = {define_begin, define_resume},
    [SF_SET] = {set_begin, set_resume},
    [SF_LAMBDA] = {lambda_begin, NULL},
    [SF_BEGIN] = {begin_begin, NULL},
    [SF_LET] = {let_begin, let_resume},
    [SF_LETSTAR] = {let_begin, let_resume},
    [SF_LETREC] = {let_begin, let_resume},
    [SF_COND] = {cond_begin, cond_resume},
    [SF_CASE] = {case_begin, case_resume},
    [SF_AND] = {and_or_begin, and_or_resume},
    [SF_OR] = {and_or_begin, and_or_resume},
    [SF_WHEN] = {when_begin, when_resume},
    [SF_UNLESS] = {when_begin, when_resume},
    [SF_MACRO] = {macro_begin, macro_def_resume},
    [SF_DEFINE_MACRO] = {macro_begin, macro_def_resume},
    [SF_WITH] = {with_begin, with_resume},
    [SF_WITH_FILTER] = {ctx_begin, ctx_resume},
    [SF_WITH_MODIFIER] = {ctx_begin, ctx_resume},
    [SF_WITH_OPERATIONS] = {ctx_begin, ctx_resume},
    [SF_DEBUG] = {debug_begin, NULL},
    [SF_DELAY] = {delay_begin, NULL},
    [SF_DO] = {do_begin, do_resume},
    [F_ARGS] = {NULL, args_resume},
    [F_SEQ] = {NULL, seq_resume},
    [F_TOP] = {NULL, top_resume},
    [F_MAP] = {NULL, map_resume},
    [F_MACRO] = {NULL, macro_resume},
    [F_COND_ARROW] = {NULL, cond_arrow_resume},
    [F_CTXPOP] = {NULL, ctxpop_resume},
    [F_IMPORTPOP] = {NULL, importpop_resume},
};

/* Evaluates the special form `form` whose keyword has id `sf`. */
static int special(sbp__eval *ev, mstate *m, int sf, cell *form, env *e) {
  sform s = {sf, CAR(form)->u.sym.s, CDR(form), 0, e};
  if (!sbp__eval_list_length(s.rest, &s.n)) return syntax(ev, s.name);
  return form_kinds[sf].begin(ev, m, &s);
}

/* Handles the return of ev->value into the top frame. */
static int ret(sbp__eval *ev, mstate *m) {
  frame *f = TOP(ev);
  return form_kinds[f->op].resume(ev, m, f, ev->value);
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
        if ((args = sbp__eval_cons(ev, x, ev->nil)) == NULL) return sbp__eval_fail_code(ev);
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
  f->u.call.rest = CDR(x);
  f->u.call.vals = ev->nil;
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
  TOP(ev)->u.forms = forms;
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
  int done, vector = 0;
  int rc = sbp__eval_fast_form(ev, x, t->file, &done);
  if (!done) {
    const char *saved = ev->conv_file;
    ev->conv_file = t->file;
    cell *forms = NULL;
    rc = sbp__eval_convert_top(ev, x, t->file, &forms);
    ev->conv_file = saved;
    /* Converting fails only on a vector (or memory): the text's first, as the forms before
     * this one converted. */
    vector = rc == SBP_E_SYNTAX;
    if (rc == SBP_OK) rc = sbp__eval_run(ev, forms, NULL);
  }
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
