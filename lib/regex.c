/* Apple's SBPL regex dialect: a parser that compiles straight to an NFA program, a lazy DFA
 * built from it on demand, and a Pike-VM style simulation over sparse state sets (used for
 * empty subjects and as the reference in tests).
 *
 * Semantics chosen (see include/sbprofile/regex.h for the public statement):
 *  - bytes, not characters: every byte 0x00-0xff is a literal of itself; no locale, no case
 *    folding, no multibyte decoding;
 *  - '.' matches any byte, newline and NUL included (paths do not carry line structure and
 *    the compiled form has a plain "any" instruction);
 *  - '^' holds only at offset 0 and '$' only at the end of the subject (no newline special
 *    case); both are assertions and may appear anywhere (inside groups and alternatives);
 *  - the search is unanchored: the pattern may match anywhere unless it anchors itself.
 *
 * Program: instructions with relative jump offsets. Relative offsets keep a block of code
 * valid wherever it sits, so applying a quantifier can insert an instruction in front of the
 * last atom (shifting it) and {m,n} can copy it verbatim. Forward jumps of unfinished
 * alternations are chained through their own operand and patched when the group closes; they
 * always lie before any later insertion point, so their absolute indexes stay valid.
 *
 * Neither the parser nor the matcher recurses: groups use a fixed stack capped at
 * RE_MAX_DEPTH, epsilon closures use an explicit stack in the scratch space. The NFA
 * simulation visits each (instruction, position) pair at most once, and the DFA spends at
 * most one NFA step per byte: O(program size x subject length) either way.
 *
 * Memory: the compiled regex is one allocation holding the program, the classes and the
 * search scratch (NFA sets and the DFA cache), so a search never allocates. The price is that
 * a compiled regex serves one thread at a time (sbp__regex_search_scratch lifts that). A lean
 * regex (sbp__regex_compile_lean, for the decision engine's many patterns) holds only the
 * program and the NFA's sets; its caller keeps its DFA cache, sized by the program.
 *
 * An anchored literal prefix ("^/usr/lib/..." when no jump leads back into it) is compared
 * with memcmp, and the DFA starts after it.
 */
#include "regex.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "sbprofile/regex.h"

#define RE_MAX_DEPTH 256   /* nested groups */
#define RE_MAX_INST 16384u /* instructions in a program */
#define RE_MAX_REPEAT 255  /* largest count in {m,n} (POSIX RE_DUP_MAX) */
#define RE_DFA_STATES 64u  /* states in the lazy DFA's cache */

enum { OP_CHAR, OP_ANY, OP_CLASS, OP_BOL, OP_EOL, OP_SPLIT, OP_JMP, OP_MATCH };

typedef struct re_inst {
  uint8_t op;
  uint8_t c;   /* OP_CHAR: the byte */
  int32_t x;   /* OP_JMP, OP_SPLIT: relative target; OP_CLASS: class index */
  int32_t y;   /* OP_SPLIT: second relative target */
} re_inst;

typedef struct re_class {
  uint8_t bits[32];
} re_class;

struct sbp__regex {
  /* what a warm DFA search reads, on the first cache line */
  const unsigned char *lit; /* lit_len bytes every match starts with, at offset 0 */
  size_t scratch_words;  /* words of scratch: the DFA cache, then the NFA's sets */
  uint32_t lit_len;
  uint32_t n;            /* instructions */
  uint32_t dfa_states;   /* capacity of the DFA cache, in states */
  uint32_t nbytecls;     /* byte classes */
  int anchored;          /* no match can start after offset 0 */
  int use_first;         /* a match must start with a byte in first */
  int first_byte;        /* the only such byte, or -1 */
  int lean;              /* no DFA cache inside: scratch holds the NFA's 5n words only */
  uint8_t bytecls[256];  /* byte -> class: bytes no instruction tells apart share one */
  const re_inst *prog;
  const re_class *classes;
  uint32_t *scratch;     /* the search scratch inside the block */
  uint32_t *nfa;         /* the NFA's 5n words in scratch */
  uint32_t flags;
  uint32_t dfa_pool;     /* capacity of its kernel pool, in pcs */
  uint8_t first[32];
  sbp_alloc alloc;
};

#define BIT_HAS(bits, b) (((bits)[(b) >> 3] >> ((b) & 7)) & 1u)
#define BIT_SET(bits, b) ((bits)[(b) >> 3] = (uint8_t)((bits)[(b) >> 3] | (1u << ((b) & 7))))

/* ---- compiler -------------------------------------------------------------------------- */

typedef struct re_frame {
  uint32_t group_start; /* pc at the '(' */
  uint32_t alt_start;   /* pc where the current alternative began */
  uint32_t pending;     /* chain of forward JMPs to patch at close: index + 1, 0 = none */
  size_t offset;        /* byte offset of the '(' */
} re_frame;

typedef struct re_compiler {
  const sbp_alloc *alloc;
  const unsigned char *p;
  size_t len;
  sbp_error *err;
  re_inst *prog;
  uint32_t n, cap;
  re_class *classes;
  uint32_t nclasses, class_cap;
  uint32_t flags;
} re_compiler;

static int syntax(re_compiler *c, size_t off, const char *msg) {
  return sbp__error_at(c->err, SBP_E_SYNTAX, NULL, 1, (uint32_t)(off + 1), off, "%s", msg);
}

static int too_large(re_compiler *c, size_t off) {
  return sbp__error_at(c->err, SBP_E_LIMIT, NULL, 1, (uint32_t)(off + 1), off,
                       "regex too large (more than %u instructions)", RE_MAX_INST);
}

/* Makes room for `extra` more instructions. */
static int reserve(re_compiler *c, uint32_t extra, size_t off) {
  if (extra > RE_MAX_INST - c->n) return too_large(c, off);
  uint32_t need = c->n + extra;
  if (need <= c->cap) return SBP_OK;
  uint32_t cap = c->cap ? c->cap : 16;
  while (cap < need) cap *= 2;
  if (cap > RE_MAX_INST) cap = RE_MAX_INST;
  re_inst *np = sbp__realloc(c->alloc, c->prog, (size_t)cap * sizeof(*np));
  if (np == NULL) return sbp__nomem(c->err);
  c->prog = np;
  c->cap = cap;
  return SBP_OK;
}

static int emit(re_compiler *c, uint8_t op, uint8_t ch, int32_t x, int32_t y, size_t off) {
  int rc = reserve(c, 1, off);
  if (rc != SBP_OK) return rc;
  re_inst *in = &c->prog[c->n++];
  in->op = op;
  in->c = ch;
  in->x = x;
  in->y = y;
  return SBP_OK;
}

/* Inserts one instruction at pc `at`, shifting [at, n) up by one. */
static int insert(re_compiler *c, uint32_t at, uint8_t op, int32_t x, int32_t y, size_t off) {
  int rc = reserve(c, 1, off);
  if (rc != SBP_OK) return rc;
  memmove(&c->prog[at + 1], &c->prog[at], (size_t)(c->n - at) * sizeof(re_inst));
  c->n++;
  c->prog[at].op = op;
  c->prog[at].c = 0;
  c->prog[at].x = x;
  c->prog[at].y = y;
  return SBP_OK;
}

/* Appends a copy of [s, s + l). */
static int copy_block(re_compiler *c, uint32_t s, uint32_t l, size_t off) {
  int rc = reserve(c, l, off);
  if (rc != SBP_OK) return rc;
  memcpy(&c->prog[c->n], &c->prog[s], (size_t)l * sizeof(re_inst));
  c->n += l;
  return SBP_OK;
}

/* e* on the block [s, n): SPLIT(+1, after) e JMP(s). */
static int apply_star(re_compiler *c, uint32_t s, size_t off) {
  int rc = reserve(c, 2, off);
  if (rc != SBP_OK) return rc;
  int32_t l = (int32_t)(c->n - s);
  rc = insert(c, s, OP_SPLIT, 1, l + 2, off);
  if (rc == SBP_OK) rc = emit(c, OP_JMP, 0, -(l + 1), 0, off);
  return rc;
}

/* e+ on [s, n): e SPLIT(s, +1). */
static int apply_plus(re_compiler *c, uint32_t s, size_t off) {
  return emit(c, OP_SPLIT, 0, -(int32_t)(c->n - s), 1, off);
}

/* e? on [s, n): SPLIT(+1, after) e. */
static int apply_quest(re_compiler *c, uint32_t s, size_t off) {
  return insert(c, s, OP_SPLIT, 1, (int32_t)(c->n - s) + 1, off);
}

/* e{m,n} on [s, n); max < 0 means unbounded. */
static int apply_count(re_compiler *c, uint32_t s, int min, int max, size_t off) {
  uint32_t l = c->n - s;
  if (max == 0) {
    c->n = s; /* e{0} and e{0,0} match the empty string */
    return SBP_OK;
  }
  /* Size of the result, checked before building anything. */
  uint64_t total;
  if (max < 0)
    total = (uint64_t)(min > 0 ? min : 1) * l + 2;
  else
    total = (uint64_t)max * l + (uint64_t)(max - min);
  if (total > RE_MAX_INST - s) return too_large(c, off);
  int rc = SBP_OK;
  if (max < 0) {
    if (min == 0) return apply_star(c, s, off);
    for (int i = 1; i < min && rc == SBP_OK; i++) rc = copy_block(c, s, l, off);
    if (rc == SBP_OK) rc = apply_plus(c, c->n - l, off);
    return rc;
  }
  /* min mandatory copies (the first is the atom itself), then max - min optional ones. */
  if (min == 0) {
    rc = apply_quest(c, s, off);
    if (rc != SBP_OK) return rc;
    l++;
    for (int i = 1; i < max && rc == SBP_OK; i++) rc = copy_block(c, s, l, off);
    return rc;
  }
  for (int i = 1; i < min && rc == SBP_OK; i++) rc = copy_block(c, s, l, off);
  for (int i = min; i < max && rc == SBP_OK; i++) {
    rc = copy_block(c, s, l, off);
    if (rc == SBP_OK) rc = apply_quest(c, c->n - l, off);
  }
  return rc;
}

/* Message for an escape that the dialect does not have, or NULL when `ch` escapes itself. */
static const char *bad_escape(unsigned char ch, char *buf, size_t size) {
  if (ch >= '1' && ch <= '9') return "back-references are not supported";
  if (strchr("dDwWsS", ch) != NULL && ch != '\0') {
    snprintf(buf, size, "class escapes like '\\%c' are not supported", ch);
    return buf;
  }
  if (ch == 'b' || ch == 'B') {
    snprintf(buf, size, "word-boundary escapes ('\\%c') are not supported", ch);
    return buf;
  }
  if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
    snprintf(buf, size, "escape '\\%c' is not supported (only punctuation can be escaped)", ch);
    return buf;
  }
  return NULL;
}

/* Reads the escape at p[i] == '\\'; the escaped byte goes to *out. */
static int read_escape(re_compiler *c, size_t i, unsigned char *out) {
  if (i + 1 >= c->len) return syntax(c, i, "trailing backslash");
  char buf[96];
  const char *msg = bad_escape(c->p[i + 1], buf, sizeof(buf));
  if (msg != NULL) return syntax(c, i, msg);
  *out = c->p[i + 1];
  return SBP_OK;
}

/* Parses the class starting at p[*pi] == '[' and emits OP_CLASS; *pi ends after ']'. */
static int parse_class(re_compiler *c, size_t *pi) {
  size_t start = *pi, i = start + 1;
  re_class cls;
  memset(&cls, 0, sizeof(cls));
  int negate = 0, rc;
  if (i < c->len && c->p[i] == '^') {
    negate = 1;
    i++;
  }
  int first = 1;
  for (;;) {
    if (i >= c->len) return syntax(c, start, "unterminated '['");
    unsigned char lo = c->p[i];
    size_t item = i;
    if (lo == ']' && !first) {
      i++;
      break;
    }
    first = 0;
    if (lo == '\\') {
      if ((rc = read_escape(c, i, &lo)) != SBP_OK) return rc;
      i += 2;
    } else if (lo == '[' && i + 1 < c->len &&
               (c->p[i + 1] == ':' || c->p[i + 1] == '=' || c->p[i + 1] == '.')) {
      return syntax(c, i, "POSIX bracket expressions like '[:alpha:]' are not supported");
    } else {
      i++;
    }
    unsigned char hi = lo;
    if (i + 1 < c->len && c->p[i] == '-' && c->p[i + 1] != ']') {
      i++;
      hi = c->p[i];
      if (hi == '\\') {
        if ((rc = read_escape(c, i, &hi)) != SBP_OK) return rc;
        i += 2;
      } else if (hi == '[' && i + 1 < c->len &&
                 (c->p[i + 1] == ':' || c->p[i + 1] == '=' || c->p[i + 1] == '.')) {
        return syntax(c, i, "POSIX bracket expressions like '[:alpha:]' are not supported");
      } else {
        i++;
      }
      if (hi < lo) return syntax(c, item, "range out of order in '[...]'");
    }
    for (unsigned b = lo; b <= hi; b++) BIT_SET(cls.bits, b);
  }
  if (negate)
    for (size_t k = 0; k < sizeof(cls.bits); k++) cls.bits[k] = (uint8_t)~cls.bits[k];
  if (c->nclasses == c->class_cap) {
    if (c->nclasses >= RE_MAX_INST) return too_large(c, start);
    uint32_t cap = c->class_cap ? c->class_cap * 2 : 4;
    re_class *nc = sbp__realloc(c->alloc, c->classes, (size_t)cap * sizeof(*nc));
    if (nc == NULL) return sbp__nomem(c->err);
    c->classes = nc;
    c->class_cap = cap;
  }
  c->classes[c->nclasses] = cls;
  rc = emit(c, OP_CLASS, 0, (int32_t)c->nclasses, 0, start);
  if (rc == SBP_OK) c->nclasses++;
  *pi = i;
  return rc;
}

/* Reads a decimal count at p[*pi]; -1 when there is no digit, RE_MAX_REPEAT + 1 when too large. */
static int read_count(re_compiler *c, size_t *pi) {
  size_t i = *pi;
  int v = -1;
  while (i < c->len && c->p[i] >= '0' && c->p[i] <= '9') {
    int d = c->p[i] - '0';
    v = v < 0 ? d : (v > RE_MAX_REPEAT ? v : v * 10 + d);
    i++;
  }
  *pi = i;
  return v;
}

/* Parses "{m}", "{m,}" or "{m,n}" at p[*pi] == '{'. */
static int parse_braces(re_compiler *c, size_t *pi, int *min, int *max) {
  size_t start = *pi, i = start + 1;
  int lo = read_count(c, &i), hi;
  if (lo < 0) return syntax(c, start, "invalid repetition: expected '{m}', '{m,}' or '{m,n}'");
  if (i < c->len && c->p[i] == ',') {
    i++;
    hi = read_count(c, &i);
  } else {
    hi = lo;
  }
  if (i >= c->len || c->p[i] != '}')
    return syntax(c, start, "invalid repetition: expected '{m}', '{m,}' or '{m,n}'");
  if (lo > RE_MAX_REPEAT || hi > RE_MAX_REPEAT)
    return sbp__error_at(c->err, SBP_E_LIMIT, NULL, 1, (uint32_t)(start + 1), start,
                         "repetition count larger than %d", RE_MAX_REPEAT);
  if (hi >= 0 && hi < lo) return syntax(c, start, "invalid repetition: minimum above maximum");
  *min = lo;
  *max = hi;
  *pi = i + 1;
  return SBP_OK;
}

/* Closes the current alternative of frame f: patches its chain of pending JMPs to c->n. */
static void patch_pending(re_compiler *c, re_frame *f) {
  uint32_t link = f->pending;
  while (link != 0) {
    re_inst *j = &c->prog[link - 1];
    uint32_t next = (uint32_t)j->x;
    j->x = (int32_t)c->n - (int32_t)(link - 1);
    link = next;
  }
  f->pending = 0;
}

static int compile(re_compiler *c) {
  re_frame stack[RE_MAX_DEPTH + 1];
  int depth = 0;
  stack[0].group_start = stack[0].alt_start = 0;
  stack[0].pending = 0;
  stack[0].offset = 0;
  int64_t atom = -1; /* start pc of the last atom, -1 when nothing can be repeated */
  int after_quant = 0;
  size_t i = 0;
  int rc;
  while (i < c->len) {
    unsigned char ch = c->p[i];
    size_t off = i;
    int quant = 0;
    switch (ch) {
      case '(':
        if (i + 1 < c->len && c->p[i + 1] == '?') {
          unsigned char k = i + 2 < c->len ? c->p[i + 2] : 0;
          if (k == '=' || k == '!' ||
              (k == '<' && i + 3 < c->len && (c->p[i + 3] == '=' || c->p[i + 3] == '!')))
            return syntax(c, i, "lookaround is not supported");
          if (k == ':') return syntax(c, i, "non-capturing groups '(?:' are not supported");
          return syntax(c, i, "'(?' extensions are not supported");
        }
        if (depth == RE_MAX_DEPTH)
          return sbp__error_at(c->err, SBP_E_LIMIT, NULL, 1, (uint32_t)(i + 1), i,
                               "groups nested deeper than %d", RE_MAX_DEPTH);
        depth++;
        stack[depth].group_start = stack[depth].alt_start = c->n;
        stack[depth].pending = 0;
        stack[depth].offset = i;
        atom = -1;
        i++;
        break;
      case ')':
        if (depth == 0) return syntax(c, i, "unbalanced ')'");
        patch_pending(c, &stack[depth]);
        atom = stack[depth].group_start;
        depth--;
        i++;
        break;
      case '|': {
        re_frame *f = &stack[depth];
        /* SPLIT(+1, next alternative) in front of this one, then a JMP to the group's end. */
        uint32_t l = c->n - f->alt_start;
        if ((rc = reserve(c, 2, off)) != SBP_OK) return rc;
        if ((rc = insert(c, f->alt_start, OP_SPLIT, 1, (int32_t)l + 2, off)) != SBP_OK) return rc;
        if ((rc = emit(c, OP_JMP, 0, (int32_t)f->pending, 0, off)) != SBP_OK) return rc;
        f->pending = c->n; /* index of the JMP + 1 */
        f->alt_start = c->n;
        atom = -1;
        i++;
        break;
      }
      case '*':
      case '+':
      case '?':
      case '{': {
        if (after_quant) {
          if (ch == '?') return syntax(c, i, "lazy quantifiers are not supported");
          if (ch == '+') return syntax(c, i, "possessive quantifiers are not supported");
          return syntax(c, i, "a quantifier cannot follow another quantifier");
        }
        if (atom < 0) return syntax(c, i, "nothing to repeat");
        uint32_t s = (uint32_t)atom;
        if (ch == '*') {
          rc = apply_star(c, s, off);
          i++;
        } else if (ch == '+') {
          rc = apply_plus(c, s, off);
          i++;
        } else if (ch == '?') {
          rc = apply_quest(c, s, off);
          i++;
        } else {
          int min = 0, max = 0;
          if ((rc = parse_braces(c, &i, &min, &max)) != SBP_OK) return rc;
          c->flags |= SBP__RE_USES_BRACES;
          rc = apply_count(c, s, min, max, off);
        }
        if (rc != SBP_OK) return rc;
        quant = 1;
        break;
      }
      case '^':
      case '$':
        if ((rc = emit(c, ch == '^' ? OP_BOL : OP_EOL, 0, 0, 0, off)) != SBP_OK) return rc;
        atom = -1;
        i++;
        break;
      case '.':
        atom = c->n;
        if ((rc = emit(c, OP_ANY, 0, 0, 0, off)) != SBP_OK) return rc;
        i++;
        break;
      case '[':
        atom = c->n;
        if ((rc = parse_class(c, &i)) != SBP_OK) return rc;
        break;
      case '\\': {
        unsigned char lit;
        if ((rc = read_escape(c, i, &lit)) != SBP_OK) return rc;
        atom = c->n;
        if ((rc = emit(c, OP_CHAR, lit, 0, 0, off)) != SBP_OK) return rc;
        i += 2;
        break;
      }
      default:
        atom = c->n;
        if ((rc = emit(c, OP_CHAR, ch, 0, 0, off)) != SBP_OK) return rc;
        i++;
        break;
    }
    after_quant = quant;
  }
  if (depth > 0) return syntax(c, stack[depth].offset, "unbalanced '('");
  patch_pending(c, &stack[0]);
  return emit(c, OP_MATCH, 0, 0, 0, c->len);
}

/* ---- matcher --------------------------------------------------------------------------- */

/* A sparse set of pcs (Briggs and Torczon): membership and insertion in O(1), clearing by
 * resetting the count. Stale contents of the arrays never matter, only their values. */
typedef struct re_set {
  uint32_t *dense, *sparse, count;
} re_set;

static int set_has(const re_set *s, uint32_t pc) {
  uint32_t k = s->sparse[pc];
  return k < s->count && s->dense[k] == pc;
}

static void set_add(re_set *s, uint32_t pc) {
  s->sparse[pc] = s->count;
  s->dense[s->count++] = pc;
}

/* Adds pc and everything reachable from it without consuming a byte; bol and eol say whether
 * '^' and '$' hold at the offset. Each pc enters the set (and the stack) at most once, so the
 * stack needs n slots. Returns 1 when MATCH is reached. */
static int add_closure(const sbp__regex *re, re_set *set, uint32_t *stack, uint32_t pc,
                       int bol, int eol) {
  const re_inst *prog = re->prog;
  uint32_t top = 0;
  if (set_has(set, pc)) return 0;
  set_add(set, pc);
  stack[top++] = pc;
  while (top > 0) {
    const re_inst *in = &prog[stack[--top]];
    uint32_t here = (uint32_t)(in - prog);
    uint32_t t1, t2;
    switch (in->op) {
      case OP_MATCH:
        return 1;
      case OP_JMP:
        t1 = (uint32_t)((int32_t)here + in->x);
        if (!set_has(set, t1)) {
          set_add(set, t1);
          stack[top++] = t1;
        }
        break;
      case OP_SPLIT:
        t1 = (uint32_t)((int32_t)here + in->x);
        t2 = (uint32_t)((int32_t)here + in->y);
        if (!set_has(set, t2)) {
          set_add(set, t2);
          stack[top++] = t2;
        }
        if (!set_has(set, t1)) {
          set_add(set, t1);
          stack[top++] = t1;
        }
        break;
      case OP_BOL:
      case OP_EOL:
        if (in->op == OP_BOL ? bol : eol) {
          t1 = here + 1;
          if (!set_has(set, t1)) {
            set_add(set, t1);
            stack[top++] = t1;
          }
        }
        break;
      default:
        break; /* consuming instructions wait for the next byte */
    }
  }
  return 0;
}

static int search_with(const sbp__regex *re, uint32_t *scratch, const unsigned char *s,
                       size_t len) {
  uint32_t n = re->n;
  re_set a = {scratch, scratch + n, 0};
  re_set b = {scratch + 2 * (size_t)n, scratch + 3 * (size_t)n, 0};
  uint32_t *stack = scratch + 4 * (size_t)n;
  re_set *cur = &a, *next = &b;
  const re_inst *prog = re->prog;
  size_t i = 0;
  for (;;) {
    /* A new thread starting at offset i. */
    if (i == 0 || !re->anchored) {
      if (cur->count == 0 && i > 0 && re->use_first) {
        /* No thread alive: skip to the next byte that can begin a match. */
        if (re->first_byte >= 0) {
          const unsigned char *q = memchr(s + i, re->first_byte, len - i);
          if (q == NULL) return 0;
          i = (size_t)(q - s);
        } else {
          while (i < len && !BIT_HAS(re->first, s[i])) i++;
          if (i == len) return 0;
        }
      }
      if (add_closure(re, cur, stack, 0, i == 0, i == len)) return 1;
    } else if (cur->count == 0) {
      return 0;
    }
    if (i == len) return 0;
    unsigned char byte = s[i];
    next->count = 0;
    for (uint32_t k = 0; k < cur->count; k++) {
      uint32_t pc = cur->dense[k];
      const re_inst *in = &prog[pc];
      int ok;
      switch (in->op) {
        case OP_CHAR:
          ok = in->c == byte;
          break;
        case OP_ANY:
          ok = 1;
          break;
        case OP_CLASS:
          ok = (int)BIT_HAS(re->classes[in->x].bits, byte);
          break;
        default:
          ok = 0;
          break;
      }
      if (ok && add_closure(re, next, stack, pc + 1, 0, i + 1 == len)) return 1;
    }
    re_set *t = cur;
    cur = next;
    next = t;
    i++;
  }
}

/* Facts for the search loop: can a match start after offset 0, and with which bytes. */
static void analyse(sbp__regex *re) {
  uint32_t n = re->n;
  re_set set = {re->nfa, re->nfa + n, 0};
  /* Offset > 0: '^' fails; '$' may hold (at the end), so let it pass. */
  int empty = add_closure(re, &set, re->nfa + 4 * (size_t)n, 0, 0, 1);
  int consuming = 0, count = 0, only = -1;
  memset(re->first, 0, sizeof(re->first));
  for (uint32_t k = 0; k < set.count; k++) {
    const re_inst *in = &re->prog[set.dense[k]];
    if (in->op == OP_CHAR) {
      BIT_SET(re->first, in->c);
      consuming = 1;
    } else if (in->op == OP_ANY) {
      memset(re->first, 0xff, sizeof(re->first));
      consuming = 1;
    } else if (in->op == OP_CLASS) {
      for (size_t j = 0; j < sizeof(re->first); j++) re->first[j] |= re->classes[in->x].bits[j];
      consuming = 1;
    }
  }
  re->anchored = !empty && !consuming;
  for (unsigned j = 0; j < sizeof(re->first); j++) {
    if (re->first[j] == 0) continue;
    for (unsigned b = j * 8; b < j * 8 + 8; b++)
      if (BIT_HAS(re->first, b)) {
        count++;
        only = (int)b;
      }
  }
  re->use_first = !empty && consuming && count < 256;
  re->first_byte = count == 1 ? only : -1;
}

/* The anchored literal prefix: a program that starts with '^' and then L bytes, none of which
 * a jump leads back into, matches only subjects that start with those L bytes, after which
 * its threads are the closure of pc L + 1 ('^' no longer holds). Returns L. */
static uint32_t literal_prefix(const re_inst *prog, uint32_t n) {
  if (n < 2 || prog[0].op != OP_BOL) return 0;
  uint32_t l = 0;
  while (1 + l < n && prog[1 + l].op == OP_CHAR) l++;
  for (uint32_t pc = 0; pc < n && l > 0; pc++) {
    if (prog[pc].op != OP_JMP && prog[pc].op != OP_SPLIT) continue;
    int64_t t1 = (int64_t)pc + prog[pc].x;
    int64_t t2 = prog[pc].op == OP_SPLIT ? (int64_t)pc + prog[pc].y : t1;
    int64_t t = t1 < t2 ? t1 : t2;
    if (t <= (int64_t)l) l = t <= 0 ? 0 : (uint32_t)(t - 1);
  }
  return l;
}

/* Bytes that no instruction tells apart get one class, so that a DFA state's transition row
 * has one entry per class instead of 256. Refined instruction by instruction. */
static void byte_classes(sbp__regex *re) {
  uint8_t id[256];
  uint16_t count[256]; /* bytes per class */
  uint16_t remap[512];
  uint32_t ncls = 1;
  memset(id, 0, sizeof(id));
  memset(count, 0, sizeof(count));
  count[0] = 256;
  for (uint32_t pc = 0; pc < re->n; pc++) {
    const re_inst *in = &re->prog[pc];
    if (in->op == OP_CHAR) {
      /* One byte: it leaves its class unless it is alone there already. */
      unsigned k = id[in->c];
      if (count[k] > 1) {
        count[k]--;
        id[in->c] = (uint8_t)ncls;
        count[ncls++] = 1;
      }
      continue;
    }
    if (in->op != OP_CLASS) continue;
    memset(remap, 0xff, (size_t)ncls * 2u * sizeof(remap[0])); /* keys below 2 * ncls */
    uint32_t k = 0;
    const uint8_t *bits = re->classes[in->x].bits;
    for (unsigned b = 0; b < 256; b++) {
      unsigned key = (unsigned)id[b] * 2u + BIT_HAS(bits, b);
      if (remap[key] == 0xffff) {
        remap[key] = (uint16_t)k;
        count[k++] = 0;
      }
      id[b] = (uint8_t)remap[key];
      count[id[b]]++;
    }
    ncls = k;
  }
  memcpy(re->bytecls, id, sizeof(id));
  re->nbytecls = ncls;
}

/* ---- lazy DFA ---------------------------------------------------------------------------
 *
 * A DFA state is the "kernel" of an NFA state set: its consuming instructions (CHAR, ANY,
 * CLASS) and its '$' instructions, which wait for the end of the subject. Everything else in
 * a set is reachable from those without consuming a byte, and '^' instructions are dead after
 * offset 0. States and their transitions are built on demand with the NFA closure and kept
 * in a fixed cache inside the scratch space; when the cache is full it is emptied and
 * refilled. Each byte costs a table look-up, or at worst one NFA step (O(program size)) to
 * build a new state, so the search stays linear in the subject. The unanchored search is
 * folded into the states: every state after offset 0 includes the start closure.
 *
 * Scratch layout, in 32-bit words (zeroed memory is an empty cache), what a warm search reads
 * first so that it touches few cache lines:
 *   header    nstates, pool_used, entry state + 1, idle state + 1
 *   trans[C * classes], koff[C], klen[C], buckets[2C] (state + 1, 0 = empty), pool[P]
 *   then 5n words for the NFA: two sparse sets (dense, sparse) and the closure stack
 */

#define DFA_HDR 4u
/* Transition entries: the target state's row offset (state * classes), or one of these. */
#define T_UNKNOWN UINT32_MAX       /* not built yet */
#define T_MATCH (UINT32_MAX - 1u)  /* a match ends on this byte */
#define T_DEAD (UINT32_MAX - 2u)   /* anchored pattern, no thread left: no match possible */

typedef struct re_dfa {
  uint32_t *hdr, *koff, *klen, *buckets, *trans, *pool;
  uint32_t cap, nbuckets, ncls;
} re_dfa;

static void dfa_view(const sbp__regex *re, uint32_t *scratch, re_dfa *d) {
  uint32_t c = re->dfa_states;
  d->hdr = scratch;
  d->trans = d->hdr + DFA_HDR;
  d->koff = d->trans + (size_t)c * (re->nbytecls + 1u);
  d->klen = d->koff + c;
  d->buckets = d->klen + c;
  d->pool = d->buckets + 2 * (size_t)c;
  d->cap = c;
  d->nbuckets = 2 * c;
  d->ncls = re->nbytecls + 1u; /* a row: one entry per class, then the end-of-subject one */
}

static size_t scratch_words(uint32_t n, uint32_t states, uint32_t ncls, uint32_t pool) {
  return 5 * (size_t)n + DFA_HDR + 4 * (size_t)states + (size_t)states * ncls + pool;
}

static void dfa_flush(re_dfa *d) {
  d->hdr[0] = d->hdr[1] = d->hdr[2] = d->hdr[3] = 0;
  memset(d->buckets, 0, (size_t)d->nbuckets * sizeof(uint32_t));
}

static int is_kernel_op(uint8_t op) {
  return op == OP_CHAR || op == OP_ANY || op == OP_CLASS || op == OP_EOL;
}

/* The kernel of the set, in pc order, into out; returns its length. */
static uint32_t set_kernel(const sbp__regex *re, const re_set *set, uint32_t *out) {
  uint32_t k = 0;
  /* Sorting by a scan costs O(n); building the state costs as much already. */
  for (uint32_t pc = 0; pc < re->n; pc++)
    if (set_has(set, pc) && is_kernel_op(re->prog[pc].op)) out[k++] = pc;
  return k;
}

/* The state with this kernel, made if needed (emptying the cache first when it is full, in
 * which case *flushed is set and every earlier state index is void). */
static uint32_t dfa_add(const sbp__regex *re, re_dfa *d, const uint32_t *kernel, uint32_t k,
                        int *flushed) {
  uint32_t h = 2166136261u;
  for (uint32_t j = 0; j < k; j++) h = (h ^ kernel[j]) * 16777619u;
  h = (h ^ k) * 16777619u;
  uint32_t bk = h % d->nbuckets;
  while (d->buckets[bk] != 0) {
    uint32_t st = d->buckets[bk] - 1;
    if (d->klen[st] == k && memcmp(d->pool + d->koff[st], kernel, (size_t)k * 4) == 0)
      return st;
    bk = (bk + 1) % d->nbuckets;
  }
  if (d->hdr[0] == d->cap || k > re->dfa_pool - d->hdr[1]) {
    dfa_flush(d);
    *flushed = 1;
    bk = h % d->nbuckets;
  }
  uint32_t st = d->hdr[0]++;
  d->koff[st] = d->hdr[1];
  d->klen[st] = k;
  if (k > 0) memcpy(d->pool + d->hdr[1], kernel, (size_t)k * 4);
  d->hdr[1] += k;
  uint32_t *row = d->trans + (size_t)st * d->ncls;
  for (uint32_t j = 0; j < d->ncls; j++) row[j] = T_UNKNOWN;
  d->buckets[bk] = st + 1;
  return st;
}

/* Builds the transition of state st on byte b (one NFA step): the next state's index, or
 * T_MATCH or T_DEAD. Records it unless the cache was emptied meanwhile. */
static uint32_t dfa_step(const sbp__regex *re, re_dfa *d, uint32_t *scratch, uint32_t st,
                         unsigned char b) {
  uint32_t n = re->n;
  re_set set = {scratch, scratch + n, 0};
  uint32_t *tmp = scratch + 2 * (size_t)n; /* the other set's dense array, free here */
  uint32_t *stack = scratch + 4 * (size_t)n;
  uint32_t *slot = &d->trans[(size_t)st * d->ncls + re->bytecls[b]];
  const uint32_t *kernel = d->pool + d->koff[st];
  uint32_t k = d->klen[st];
  for (uint32_t j = 0; j < k; j++) {
    const re_inst *in = &re->prog[kernel[j]];
    int ok;
    switch (in->op) {
      case OP_CHAR:
        ok = in->c == b;
        break;
      case OP_ANY:
        ok = 1;
        break;
      case OP_CLASS:
        ok = (int)BIT_HAS(re->classes[in->x].bits, b);
        break;
      default:
        ok = 0;
        break;
    }
    if (ok && add_closure(re, &set, stack, kernel[j] + 1, 0, 0)) return *slot = T_MATCH;
  }
  if (!re->anchored && add_closure(re, &set, stack, 0, 0, 0)) return *slot = T_MATCH;
  k = set_kernel(re, &set, tmp);
  if (k == 0 && re->anchored) return *slot = T_DEAD;
  int flushed = 0;
  uint32_t next = dfa_add(re, d, tmp, k, &flushed);
  if (!flushed) *slot = next * d->ncls;
  return next;
}

/* At the end of the subject: does a '$' of state st lead to a match? */
static int dfa_final(const sbp__regex *re, re_dfa *d, uint32_t *scratch, uint32_t st) {
  /* The answer is kept in the row's last entry: T_MATCH, T_DEAD, or T_UNKNOWN until asked. */
  uint32_t *slot = &d->trans[(size_t)st * d->ncls + (d->ncls - 1u)];
  if (*slot != T_UNKNOWN) return *slot == T_MATCH;
  re_set set = {scratch, scratch + re->n, 0};
  uint32_t *stack = scratch + 4 * (size_t)re->n;
  const uint32_t *kernel = d->pool + d->koff[st];
  int m = 0;
  for (uint32_t j = 0; j < d->klen[st] && !m; j++)
    if (re->prog[kernel[j]].op == OP_EOL && add_closure(re, &set, stack, kernel[j], 0, 1)) m = 1;
  *slot = m ? T_MATCH : T_DEAD;
  return m;
}

static int search_with(const sbp__regex *re, uint32_t *scratch, const unsigned char *s,
                       size_t len);

static int dfa_search(const sbp__regex *re, uint32_t *cache, const unsigned char *s,
                      size_t len) {
  uint32_t *scratch = cache + (re->scratch_words - 5 * (size_t)re->n); /* the NFA's part */
  if (len == 0) return search_with(re, scratch, s, len);
  re_dfa d;
  dfa_view(re, cache, &d);
  uint32_t n = re->n;
  uint32_t *tmp = scratch + 2 * (size_t)n;
  uint32_t *stack = scratch + 4 * (size_t)n;
  int flushed = 0;
  /* A literal prefix is compared as bytes; the DFA starts after it. */
  size_t i0 = re->lit_len;
  if (i0 > 0 && (len < i0 || memcmp(s, re->lit, i0) != 0)) return 0;
  if (d.hdr[2] == 0) {
    /* The entry state: offset 0, where '^' holds, or the end of the literal prefix. */
    re_set set = {scratch, scratch + n, 0};
    if (i0 > 0 ? add_closure(re, &set, stack, (uint32_t)i0 + 1, 0, 0)
               : add_closure(re, &set, stack, 0, 1, 0))
      return 1;
    uint32_t k = set_kernel(re, &set, tmp);
    uint32_t st = dfa_add(re, &d, tmp, k, &flushed);
    d.hdr[2] = st + 1;
  }
  uint32_t st = d.hdr[2] - 1;
  uint32_t idle = UINT32_MAX;
  if (re->use_first && re->first_byte >= 0) {
    /* The state with no thread alive but the start one: bytes that cannot begin a match
     * keep it where it is, so memchr can skip them. */
    if (d.hdr[3] == 0) {
      re_set set = {scratch, scratch + n, 0};
      (void)add_closure(re, &set, stack, 0, 0, 0); /* use_first: it cannot reach MATCH */
      uint32_t k = set_kernel(re, &set, tmp);
      flushed = 0;
      uint32_t id = dfa_add(re, &d, tmp, k, &flushed);
      if (flushed) { /* the start state went with the flush; it is rebuilt next time */
        d.hdr[2] = 0;
        return search_with(re, scratch, s, len);
      }
      d.hdr[3] = id + 1;
    }
    idle = d.hdr[3] - 1;
  }
  /* The hot loop works on row offsets, so a byte costs two dependent loads. */
  const uint8_t *bytecls = re->bytecls;
  const uint32_t *trans = d.trans;
  const uint32_t ncls = d.ncls;
  uint32_t row = st * ncls;
  uint32_t idle_row = idle == UINT32_MAX ? UINT32_MAX : idle * ncls;
  for (size_t i = i0; i < len; i++) {
    if (row == idle_row) {
      const unsigned char *q = memchr(s + i, re->first_byte, len - i);
      if (q == NULL) break;
      i = (size_t)(q - s);
    }
    uint32_t t = trans[row + bytecls[s[i]]];
    if (t >= T_DEAD) {
      if (t == T_UNKNOWN) {
        t = dfa_step(re, &d, scratch, row / ncls, s[i]);
        if (d.hdr[3] == 0) idle_row = UINT32_MAX; /* the cache was emptied: idle is gone */
        if (t < T_DEAD) t *= ncls;
      }
      if (t == T_MATCH) return 1;
      if (t == T_DEAD) return 0;
    }
    row = t;
  }
  return dfa_final(re, &d, scratch, row / ncls);
}

/* ---- interface ------------------------------------------------------------------------- */

static int compile_regex(const sbp_alloc *alloc, const char *pattern, size_t len, int lean,
                         sbp__regex **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (out == NULL || (pattern == NULL && len > 0) || !sbp__alloc_valid(alloc))
    return sbp__error(err, SBP_E_INVALID_ARG, "regex: invalid argument");
  re_compiler c;
  memset(&c, 0, sizeof(c));
  c.alloc = alloc;
  c.p = (const unsigned char *)pattern;
  c.len = len;
  c.err = err;
  int rc = compile(&c);
  if (rc == SBP_OK) {
    sbp__regex shape; /* the program's byte classes decide the size of the DFA cache */
    memset(&shape, 0, sizeof(shape));
    shape.prog = c.prog;
    shape.n = c.n;
    shape.classes = c.classes;
    byte_classes(&shape);
    /* A lean regex's cache (kept by the caller) has room for about as many states as the
     * program has instructions after its literal prefix (which the DFA skips), between 8 and
     * RE_DFA_STATES: short patterns need few. */
    uint32_t states = RE_DFA_STATES;
    uint32_t lit_len = literal_prefix(c.prog, c.n);
    if (lean) {
      uint32_t rest = c.n - lit_len + 2;
      states = rest < 8 ? 8 : rest > RE_DFA_STATES ? RE_DFA_STATES : rest;
    }
    shape.dfa_states = states;
    /* Room for every state's kernel up to 16384 pcs (64 KiB), and at least 8 programs' worth
     * (4 for a lean regex), so that a kernel always fits in an emptied cache. */
    uint32_t pool = states * c.n, floor = (lean ? 4 : 8) * c.n + 64;
    if (pool > 16384) pool = 16384;
    shape.dfa_pool = pool > floor ? pool : floor;
    shape.scratch_words =
        scratch_words(c.n, shape.dfa_states, shape.nbytecls + 1u, shape.dfa_pool);
    /* One block: the struct, the program, the classes and the search scratch. */
    size_t sz_prog = (size_t)c.n * sizeof(re_inst);
    size_t sz_cls = (size_t)c.nclasses * sizeof(re_class);
    /* A lean regex keeps only the NFA's sets and stack (5n words). */
    size_t sz_scr = (lean ? 5 * (size_t)c.n : shape.scratch_words) * sizeof(uint32_t);
    size_t head = (sizeof(sbp__regex) + 7u) & ~(size_t)7u;
    size_t sz_lit = ((size_t)lit_len + 7u) & ~(size_t)7u; /* next to the header */
    size_t total = head + sz_lit + sz_prog + sz_cls + sz_scr;
    unsigned char *mem = sbp__malloc(alloc, total);
    if (mem == NULL) {
      rc = sbp__nomem(err);
    } else {
      memset(mem, 0, total);
      sbp__regex *re = (sbp__regex *)(void *)mem;
      unsigned char *lit = mem + head;
      re_inst *prog = (re_inst *)(void *)(mem + head + sz_lit);
      re_class *cls = (re_class *)(void *)(mem + head + sz_lit + sz_prog);
      memcpy(prog, c.prog, sz_prog);
      if (sz_cls > 0) memcpy(cls, c.classes, sz_cls);
      *re = shape;
      re->alloc = *alloc;
      re->prog = prog;
      re->n = c.n;
      re->classes = cls;
      re->scratch = (uint32_t *)(void *)(mem + head + sz_lit + sz_prog + sz_cls);
      re->nfa = lean ? re->scratch : re->scratch + (shape.scratch_words - 5 * (size_t)c.n);
      re->flags = c.flags;
      re->lean = lean;
      for (uint32_t j = 0; j < lit_len; j++) lit[j] = c.prog[1 + j].c;
      re->lit = lit;
      re->lit_len = lit_len;
      analyse(re);
      *out = re;
    }
  }
  sbp__free(alloc, c.prog);
  sbp__free(alloc, c.classes);
  return rc;
}

int sbp__regex_compile(const sbp_alloc *alloc, const char *pattern, size_t len,
                       sbp__regex **out, sbp_error *err) {
  return compile_regex(alloc, pattern, len, 0, out, err);
}

int sbp__regex_compile_lean(const sbp_alloc *alloc, const char *pattern, size_t len,
                            sbp__regex **out, sbp_error *err) {
  return compile_regex(alloc, pattern, len, 1, out, err);
}

int sbp__regex_search(const sbp__regex *re, const char *s, size_t len) {
  if (re == NULL || (s == NULL && len > 0)) return 0;
  if (re->lean) return search_with(re, re->nfa, (const unsigned char *)s, len);
  return dfa_search(re, re->scratch, (const unsigned char *)s, len);
}

int sbp__regex_search_cache(const sbp__regex *re, void *cache, const char *s, size_t len) {
  if (re == NULL || (s == NULL && len > 0)) return 0;
  if (cache == NULL) return sbp__regex_search(re, s, len);
  return dfa_search(re, cache, (const unsigned char *)s, len);
}

int sbp__regex_search_nfa(const sbp__regex *re, const char *s, size_t len) {
  if (re == NULL || (s == NULL && len > 0)) return 0;
  return search_with(re, re->nfa, (const unsigned char *)s, len);
}

size_t sbp__regex_scratch_size(const sbp__regex *re) {
  return re == NULL ? 0 : re->scratch_words * sizeof(uint32_t);
}

int sbp__regex_search_scratch(const sbp__regex *re, void *scratch, const char *s, size_t len) {
  if (re == NULL || scratch == NULL || (s == NULL && len > 0)) return 0;
  memset(scratch, 0, sbp__regex_scratch_size(re)); /* an empty DFA cache */
  return dfa_search(re, scratch, (const unsigned char *)s, len);
}

uint32_t sbp__regex_flags(const sbp__regex *re) { return re == NULL ? 0 : re->flags; }

void sbp__regex_free(sbp__regex *re) {
  if (re == NULL) return;
  sbp_alloc a = re->alloc;
  sbp__free(&a, re);
}

/* ---- public API ------------------------------------------------------------------------ */

/* The public handle is the internal object under another name. */
static const sbp__regex *from_public(const sbp_regex *re) {
  return (const sbp__regex *)(const void *)re;
}

static uint32_t public_flags(uint32_t internal) {
  return (internal & SBP__RE_USES_BRACES) ? SBP_REGEX_USES_BRACES : 0;
}

int sbp_regex_compile(const char *pattern, size_t len, const sbp_alloc *alloc, sbp_regex **out,
                      sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "regex: invalid argument");
  sbp__regex *re = NULL;
  int rc = sbp__regex_compile(alloc, pattern, len, &re, err);
  *out = (sbp_regex *)(void *)re;
  return rc;
}

int sbp_regex_search(const sbp_regex *re, const char *subject, size_t len) {
  return sbp__regex_search(from_public(re), subject, len);
}

uint32_t sbp_regex_flags(const sbp_regex *re) {
  return public_flags(sbp__regex_flags(from_public(re)));
}

void sbp_regex_free(sbp_regex *re) { sbp__regex_free((sbp__regex *)(void *)re); }

int sbp_regex_check(const char *pattern, size_t len, const sbp_alloc *alloc, uint32_t *flags,
                    sbp_error *err) {
  if (flags != NULL) *flags = 0;
  sbp__regex *re = NULL;
  int rc = sbp__regex_compile(alloc, pattern, len, &re, err);
  if (rc != SBP_OK) return rc;
  if (flags != NULL) *flags = public_flags(sbp__regex_flags(re));
  sbp__regex_free(re);
  return SBP_OK;
}

int sbp_regex_match(const char *pattern, size_t pattern_len, const char *subject,
                    size_t subject_len, const sbp_alloc *alloc, int *matched, sbp_error *err) {
  if (matched != NULL) *matched = 0;
  if (matched == NULL || (subject == NULL && subject_len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "regex: invalid argument");
  sbp__regex *re = NULL;
  int rc = sbp__regex_compile(alloc, pattern, pattern_len, &re, err);
  if (rc != SBP_OK) return rc;
  *matched = sbp__regex_search(re, subject, subject_len);
  sbp__regex_free(re);
  return SBP_OK;
}
