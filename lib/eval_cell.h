/* The bottom of the evaluator: its state, the cells and their allocation, memory
 * accounting, the step budget, errors, the symbol table and list helpers. Every other
 * eval*.c builds on this file; it calls none of them. */
#ifndef SBP_LIB_EVAL_CELL_H
#define SBP_LIB_EVAL_CELL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "catalog.h"
#include "datum.h"
#include "error.h"
#include "node.h"
#include "sbprofile/read.h"

typedef enum {
  T_NIL, T_BOOL, T_INT, T_REAL, T_CHAR, T_STR, T_SYM, T_PAIR, T_CLOSURE, T_MACRO,
  T_PRIM, T_OP, T_FILTERFN, T_FILTER, T_MOD, T_CONST, T_PARAM, T_CONCAT
} cell_type;

typedef struct cell cell;
typedef struct env env;

/* Macro flavours. */
#define MACRO_WHOLE 0 /* TinyScheme (macro ...): the procedure gets the whole form */
#define MACRO_ARGS 1  /* define-macro: the procedure gets the unevaluated arguments */

struct cell {
  uint8_t type;
  uint8_t flag;      /* T_MACRO: MACRO_*; T_SYM: special form id; T_OP: 1 for 'no-op;
                      * T_NIL: 1 for the unspecified value (ev->unspec) */
  uint32_t line, col; /* T_PAIR: position (first pair of a list: the '('; others: the car) */
  const char *file;
  union {
    struct { cell *car, *cdr; } p;
    int64_t i;
    struct { const char *s; size_t len; } str; /* STR, REAL, CONST, PARAM, OP names */
    struct { const char *s; size_t len; cell *gval; cell *hnext; } sym;
    struct { cell *params, *body; env *env; cell *name; } clo; /* CLOSURE, MACRO */
    struct { const sbp__filter_info *fi; const char *name; size_t len; } ff; /* FILTERFN: the
                                        * filter, and its spelling as written */
    sbp_node *node;              /* FILTER (FILTER or REQUIRE_*), MOD */
    cell *parts;                 /* CONCAT: list of STR / PARAM cells */
    const struct sbp__prim *prim; /* PRIM: its entry in a table of primitives */
  } u;
};

struct env {
  env *parent;
  cell *vars;   /* alist of (sym . value) */
  size_t epoch; /* the top-level form that made it (sbp__eval.epoch) */
};

/* Context entries of with-filter / with-modifier / with-operations. */
typedef struct ctx_entry {
  uint8_t kind; /* 0 filter, 1 modifier, 2 operations */
  cell *val;
} ctx_entry;

typedef struct sbp__eval {
  const sbp_alloc *alloc;
  sbp__arena arena;   /* everything; rolled back after a top-level form when nothing it
                       * made can still be reached (see sbp__eval_text) */
  int escaped;        /* the running top-level form stored a value where it outlives it
                       * (or made a symbol) */
  size_t epoch;       /* number of the running top-level form */
  sbp_profile *prof;
  sbp_error *err; /* never NULL: sbp__eval_init takes the caller's or a local one */
  const sbp_read_options *opts;
  uint32_t flags;
  size_t max_steps, max_depth, max_memory, max_rules, max_string, max_import_depth,
      max_nesting;
  size_t steps;
  size_t unpaid_bytes; /* allocated since the last charge (sbp__eval_alloc) */
  size_t nimported, imported_bytes; /* imports read so far, and their text */
  /* symbol table */
  cell **syms;
  size_t nsyms, symcap;
  uint64_t hash_seed; /* chosen when the table is first made; changed on a long chain */
  unsigned reseeds;
  /* machine (eval.c): its stack of frames, counted here by its bytes */
  struct sbp__frame *stack;
  size_t sp, stackcap, stack_bytes;
  cell *value;
  /* current position for errors */
  const char *file;
  uint32_t line, col;
  /* contexts */
  ctx_entry *ctx;
  size_t nctx, ctxcap;
  /* imports */
  const char **imports;
  size_t nimports, importcap;
  int version;        /* 0 until (version 1) */
  int traced;
  const char *conv_file; /* file name for cells being converted */
  struct sbp__text_run *reading; /* the text sbp__eval_text is reading, or NULL */
  /* constants */
  cell *nil, *t, *f, *unspec, *noop_sym, *unix_sym;
  cell *s_quote, *s_quasi, *s_unquote, *s_splice, *s_else, *s_arrow, *s_define, *s_lambda;
} sbp__eval;

/* The pair fields of a cell: shared by every eval*.c. */
#define CAR(c) ((c)->u.p.car)
#define CDR(c) ((c)->u.p.cdr)

/* A primitive procedure: the Scheme procedures (eval_proc.c), the SBPL built-ins
 * (eval_sbpl.c) and the ones the machine runs itself (eval.c, fn NULL) each keep a table of
 * these; sbp__eval_init registers every entry under its name as a T_PRIM cell pointing at
 * it, and the machine calls through fn. The function leaves its result in ev->value. */
typedef int (*sbp__prim_fn)(sbp__eval *ev, cell *args, size_t argc);
typedef struct sbp__prim {
  const char *name;
  sbp__prim_fn fn;
  int16_t min, max; /* max -1: any */
} sbp__prim;

int sbp__eval_fail(sbp__eval *ev, int code, const char *fmt, ...) SBP__PRINTF(3, 4);
/* The status to return when a call that records its error in ev->err (or only ran out of
 * memory) gave NULL. */
int sbp__eval_fail_code(const sbp__eval *ev);
/* Charges the work of one operation to the step budget, in proportion to what it touches:
 * a step for every SBP__EVAL_CELLS_PER_STEP cells visited and every SBP__EVAL_BYTES_PER_STEP
 * bytes compared, scanned or copied. One machine step may then do unbounded work (compare
 * two long strings, walk a list that shares itself) without escaping the step limit.
 * SBP_E_LIMIT when the budget is spent. */
int sbp__eval_charge(sbp__eval *ev, size_t cells, size_t bytes);
#define SBP__EVAL_CELLS_PER_STEP ((size_t)2)
#define SBP__EVAL_BYTES_PER_STEP ((size_t)64)

/* Allocation in the evaluator's arena, charged to the step budget in batches of
 * SBP__EVAL_UNPAID_MAX bytes and checked against the memory limit when the arena grows.
 * NULL on a limit (ev->err set) or no memory. The slow path: a batch to charge, or growth. */
void *sbp__eval_alloc_slow(sbp__eval *ev, size_t n);
#define SBP__EVAL_UNPAID_MAX (64 * SBP__EVAL_BYTES_PER_STEP)
/* The common case inline: room in the current chunk and no batch complete (unpaid_bytes
 * stays below SBP__EVAL_UNPAID_MAX between calls). */
static inline void *sbp__eval_alloc(sbp__eval *ev, size_t n) {
  if (n < SBP__EVAL_UNPAID_MAX - ev->unpaid_bytes) {
    void *p = sbp__arena_alloc_in_place(&ev->arena, n);
    if (p != NULL) {
      ev->unpaid_bytes += n;
      return p;
    }
  }
  return sbp__eval_alloc_slow(ev, n);
}
/* What the evaluation holds against ev->max_memory: its cells, the profile's nodes, the
 * machine's stack and the symbol table. The one count every memory check uses. */
size_t sbp__eval_used_memory(const sbp__eval *ev);
/* SBP_OK when `more` bytes beyond what is used stay within ev->max_memory, else the
 * memory limit error. */
int sbp__eval_room(sbp__eval *ev, size_t more);
cell *sbp__eval_cons(sbp__eval *ev, cell *a, cell *d);
cell *sbp__eval_str(sbp__eval *ev, const char *s, size_t len);
cell *sbp__eval_int(sbp__eval *ev, int64_t i);
/* The symbol named s[0..len), or NULL when no text has named it yet (nothing is made). */
cell *sbp__eval_find_symbol(const sbp__eval *ev, const char *s, size_t len);
cell *sbp__eval_intern(sbp__eval *ev, const char *s, size_t len);
/* The symbol table's hash of s[0..len) under a seed. */
uint64_t sbp__eval_hash(uint64_t seed, const char *s, size_t len);
const char *sbp__eval_type_name(const cell *c);
/* The same with its article: "an integer", "a string". */
const char *sbp__eval_type_phrase(const cell *c);

/* Small helpers of every step, inline in each file that uses them. */

static inline int sbp__eval_truthy(const cell *c) { return !(c->type == T_BOOL && c->u.i == 0); }

/* *out gets the number of pairs; 0 if not a proper list. */
static inline int sbp__eval_list_length(const cell *c, size_t *out) {
  size_t n = 0;
  while (c->type == T_PAIR) {
    n++;
    c = c->u.p.cdr;
  }
  *out = n;
  return c->type == T_NIL;
}

/* A new cell of type t, zeroed (NULL on a limit or no memory, ev->err set). */
static inline cell *sbp__eval_cell(sbp__eval *ev, cell_type t) {
  cell *c = sbp__eval_alloc(ev, sizeof(cell));
  if (c == NULL) return NULL;
  memset(c, 0, sizeof(*c));
  c->type = (uint8_t)t;
  return c;
}

/* Reverses a freshly made list in place onto tail (rev's pairs are reused). */
static inline cell *sbp__eval_reverse_onto(cell *rev, cell *tail) {
  while (rev->type == T_PAIR) {
    cell *next = CDR(rev);
    CDR(rev) = tail;
    tail = rev;
    rev = next;
  }
  return tail;
}

/* The default memory limit: a base, plus this much for every byte of profile text read
 * (of imported text, only for the first SBP__EVAL_IMPORT_ALLOWANCE bytes). */
#define SBP__EVAL_MEMORY_BASE ((size_t)64 << 20)
#define SBP__EVAL_MEMORY_PER_BYTE ((size_t)64)
/* Imports, over the whole evaluation (read.h documents them). */
#define SBP__EVAL_MAX_IMPORTS ((size_t)1024)
#define SBP__EVAL_MAX_IMPORT_BYTES ((size_t)16 << 20)
#define SBP__EVAL_IMPORT_ALLOWANCE ((size_t)1 << 20)
/* The default step limit: a base (10,000,000), plus this many for every byte of text read.
 * Declarative text takes about 0.3 steps a byte (one rule of 40 bytes, 12 steps); the
 * margin covers denser forms. */
#define SBP__EVAL_STEPS_PER_BYTE ((size_t)4)
/* The default rule limit: a base (1,000,000), plus one rule for this many bytes of text read
 * (the shortest rule, "(allow a)", takes 9). */
#define SBP__EVAL_BYTES_PER_RULE ((size_t)8)

#endif
