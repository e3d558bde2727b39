/* The bottom of the evaluator: errors and the step budget, cells and their allocation with
 * the memory accounting, the symbol table, and list helpers (eval_cell.h). */
#include "eval_cell.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- errors ---------------------------------------------------------------------------- */

int sbp__eval_fail(sbp__eval *ev, int code, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0) msg[0] = '\0';
  va_end(ap);
  return sbp__error_at(ev->err, code, ev->file, ev->line, ev->col, 0, "%s", msg);
}

int sbp__eval_fail_code(const sbp__eval *ev) {
  return ev->err->code ? ev->err->code : SBP_E_NOMEM;
}

int sbp__eval_charge(sbp__eval *ev, size_t cells, size_t bytes) {
  size_t units = cells / SBP__EVAL_CELLS_PER_STEP + bytes / SBP__EVAL_BYTES_PER_STEP;
  if (units == 0) return SBP_OK;
  if (ev->steps > ev->max_steps || units > ev->max_steps - ev->steps) {
    ev->steps = ev->max_steps;
    return sbp__eval_fail(ev, SBP_E_LIMIT, "evaluation step limit exceeded (%zu steps)",
                          ev->max_steps);
  }
  ev->steps += units;
  return SBP_OK;
}

const char *sbp__eval_type_name(const cell *c) {
  switch ((cell_type)c->type) {
    case T_NIL: return c->flag ? "unspecified value ('())" : "empty list";
    case T_BOOL: return "boolean";
    case T_INT: return "integer";
    case T_REAL: return "real";
    case T_CHAR: return "character";
    case T_STR: return "string";
    case T_SYM: return "symbol";
    case T_PAIR: return "list";
    case T_CLOSURE: case T_PRIM: return "procedure";
    case T_MACRO: return "macro";
    case T_OP: return "operation";
    case T_FILTERFN: return "filter procedure";
    case T_FILTER: return "filter";
    case T_MOD: return "modifier";
    case T_CONST: return "named constant";
    case T_PARAM: return "parameter";
    case T_CONCAT: return "string";
  }
  return "value";
}

const char *sbp__eval_type_phrase(const cell *c) {
  switch ((cell_type)c->type) {
    case T_NIL: return c->flag ? "the unspecified value ('())" : "an empty list";
    case T_BOOL: return "a boolean";
    case T_INT: return "an integer";
    case T_REAL: return "a real";
    case T_CHAR: return "a character";
    case T_STR: case T_CONCAT: return "a string";
    case T_SYM: return "a symbol";
    case T_PAIR: return "a list";
    case T_CLOSURE: case T_PRIM: return "a procedure";
    case T_MACRO: return "a macro";
    case T_OP: return "an operation";
    case T_FILTERFN: return "a filter procedure";
    case T_FILTER: return "a filter";
    case T_MOD: return "a modifier";
    case T_CONST: return "a named constant";
    case T_PARAM: return "a parameter";
  }
  return "a value";
}

/* ---- memory ---------------------------------------------------------------------------- */

static size_t used_memory(const sbp__eval *ev) {
  return ev->arena.bytes + (ev->prof ? ev->prof->arena.bytes : 0) + ev->stack_bytes +
         ev->symcap * sizeof(cell *);
}

size_t sbp__eval_used_memory(const sbp__eval *ev) { return used_memory(ev); }

int sbp__eval_room(sbp__eval *ev, size_t more) {
  if (used_memory(ev) + more > ev->max_memory)
    return sbp__eval_fail(ev, SBP_E_LIMIT, "memory limit exceeded (%zu bytes)", ev->max_memory);
  return SBP_OK;
}

void *sbp__eval_alloc_slow(sbp__eval *ev, size_t n) {
  /* What is made costs steps too (paid in batches): memory is reclaimed form by form, so
   * without this many forms could each make up to the memory limit at the price of one. */
  ev->unpaid_bytes = n > SIZE_MAX - ev->unpaid_bytes ? SIZE_MAX : ev->unpaid_bytes + n;
  if (ev->unpaid_bytes >= SBP__EVAL_UNPAID_MAX) {
    size_t b = ev->unpaid_bytes;
    ev->unpaid_bytes = 0;
    if (sbp__eval_charge(ev, 0, b) != SBP_OK) return NULL;
  }
  /* Room in the current chunk takes nothing from the allocator: only growth is checked. */
  void *in_place = sbp__arena_alloc_in_place(&ev->arena, n);
  if (in_place != NULL) return in_place;
  if (used_memory(ev) + n > ev->max_memory) {
    sbp__eval_fail(ev, SBP_E_LIMIT, "memory limit exceeded (%zu bytes)", ev->max_memory);
    return NULL;
  }
  void *p = sbp__arena_alloc(&ev->arena, n);
  if (p == NULL) sbp__nomem(ev->err);
  return p;
}

cell *sbp__eval_cons(sbp__eval *ev, cell *a, cell *d) {
  cell *c = sbp__eval_cell(ev, T_PAIR);
  if (c == NULL) return NULL;
  c->u.p.car = a;
  c->u.p.cdr = d;
  c->line = ev->line;
  c->col = ev->col;
  c->file = ev->file;
  return c;
}

cell *sbp__eval_str(sbp__eval *ev, const char *s, size_t len) {
  if (len > ev->max_string) {
    sbp__eval_fail(ev, SBP_E_LIMIT, "string too long (%zu bytes; limit %zu)", len,
                   ev->max_string);
    return NULL;
  }
  cell *c = sbp__eval_cell(ev, T_STR);
  if (c == NULL) return NULL;
  char *copy = sbp__eval_alloc(ev, len + 1);
  if (copy == NULL) return NULL;
  if (len) memcpy(copy, s, len);
  copy[len] = '\0';
  c->u.str.s = copy;
  c->u.str.len = len;
  return c;
}

cell *sbp__eval_int(sbp__eval *ev, int64_t i) {
  cell *c = sbp__eval_cell(ev, T_INT);
  if (c != NULL) c->u.i = i;
  return c;
}

/* ---- symbols --------------------------------------------------------------------------- */

/* splitmix64's finalizer: every bit of x moves every bit of the result. */
static uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* Whole words at a time, the last one overlapping the one before (as wyhash reads): interning
 * every symbol of a large profile shows in its time. The seed makes which names share a
 * bucket unknown to whoever writes the text. */
uint64_t sbp__eval_hash(uint64_t seed, const char *s, size_t len) {
  uint64_t h = seed ^ len, w;
  if (len >= 8) {
    for (size_t i = 0; i + 8 < len; i += 8) {
      memcpy(&w, s + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdull;
      h ^= h >> 32;
    }
    memcpy(&w, s + len - 8, 8);
  } else if (len >= 4) {
    uint32_t a, b;
    memcpy(&a, s, 4);
    memcpy(&b, s + len - 4, 4);
    w = (uint64_t)a << 32 | b;
  } else {
    w = len ? (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[len / 2] << 8 |
                  (unsigned char)s[len - 1]
            : 0;
  }
  /* the bucket is taken from the low bits: they must depend on every bit of seed and name */
  return mix64(h ^ w);
}

/* A chain this long means the names were chosen to collide (with a seed the text cannot
 * know, chance alone makes it vanishingly rare): the table is rebuilt with a new seed. */
#define SYM_CHAIN_MAX 32
#define SYM_RESEEDS_MAX 16

/* Rebuilds the symbol table with ncap buckets under ev->hash_seed. */
static int rehash(sbp__eval *ev, size_t ncap) {
  int rc = sbp__eval_room(ev, ncap * sizeof(cell *)); /* both tables, for a moment */
  if (rc != SBP_OK) return rc;
  cell **nt = sbp__calloc(ev->alloc, ncap, sizeof(cell *));
  if (nt == NULL) return sbp__nomem(ev->err);
  if (ev->syms == NULL) /* the first table: the addresses of this run pick the seed */
    ev->hash_seed = mix64((uint64_t)(uintptr_t)nt ^ mix64((uint64_t)(uintptr_t)ev));
  for (size_t i = 0; i < ev->symcap; i++) {
    cell *c = ev->syms[i];
    while (c != NULL) {
      cell *next = c->u.sym.hnext;
      size_t b = (size_t)(sbp__eval_hash(ev->hash_seed, c->u.sym.s, c->u.sym.len) & (ncap - 1));
      c->u.sym.hnext = nt[b];
      nt[b] = c;
      c = next;
    }
  }
  sbp__free(ev->alloc, ev->syms);
  ev->syms = nt;
  ev->symcap = ncap;
  return SBP_OK;
}

/* The symbol named s[0..len) in the (made) table, or NULL; *bucket gets its bucket and
 * *chain the length of the chain searched. */
static cell *lookup(const sbp__eval *ev, const char *s, size_t len, size_t *bucket,
                    size_t *chain) {
  size_t b = (size_t)(sbp__eval_hash(ev->hash_seed, s, len) & (ev->symcap - 1));
  size_t n = 0;
  cell *c = ev->syms[b];
  for (; c != NULL; c = c->u.sym.hnext, n++)
    if (c->u.sym.len == len && memcmp(c->u.sym.s, s, len) == 0) break;
  *bucket = b;
  *chain = n;
  return c;
}

cell *sbp__eval_find_symbol(const sbp__eval *ev, const char *s, size_t len) {
  size_t b, chain;
  return ev->syms != NULL ? lookup(ev, s, len, &b, &chain) : NULL;
}

cell *sbp__eval_intern(sbp__eval *ev, const char *s, size_t len) {
  if (ev->syms == NULL || ev->nsyms * 2 >= ev->symcap) {
    if (rehash(ev, ev->symcap ? ev->symcap * 2 : 1024) != SBP_OK) return NULL;
  }
  size_t b, chain;
  cell *found = lookup(ev, s, len, &b, &chain);
  if (found != NULL) return found;
  if (chain >= SYM_CHAIN_MAX && ev->reseeds < SYM_RESEEDS_MAX) {
    ev->reseeds++;
    ev->hash_seed = mix64(ev->hash_seed ^ mix64((uint64_t)(uintptr_t)s ^ ev->nsyms));
    if (rehash(ev, ev->symcap) != SBP_OK) return NULL;
    b = (size_t)(sbp__eval_hash(ev->hash_seed, s, len) & (ev->symcap - 1));
  }
  ev->escaped = 1; /* the table keeps it */
  cell *c = sbp__eval_cell(ev, T_SYM);
  char *copy = c ? sbp__eval_alloc(ev, len + 1) : NULL;
  if (copy == NULL) return NULL;
  memcpy(copy, s, len);
  copy[len] = '\0';
  c->u.sym.s = copy;
  c->u.sym.len = len;
  c->u.sym.hnext = ev->syms[b];
  ev->syms[b] = c;
  ev->nsyms++;
  return c;
}
