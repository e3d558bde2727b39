/* The SBPL reader: text to a datum tree, following the lexical rules of libsandbox's
 * TinyScheme reader (docs/sbpl-reference.md section 1). One pass over the bytes with a
 * class table; nesting is kept on an explicit stack of open lists, never on the C stack. */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "datum.h"
#include "error.h"

/* ---- byte classes ------------------------------------------------------------------ */

#define C_SPACE 0x01u  /* skipped between tokens: isspace() in the C locale */
#define C_DELIM 0x02u  /* ends an atom: ( ) ; TAB LF CR SPACE */
#define C_STRSTOP 0x04u /* stops the fast scan of a string: " \ LF */
#define C_DIGIT 0x08u

static const unsigned char cls[256] = {
    ['\t'] = C_SPACE | C_DELIM, ['\n'] = C_SPACE | C_DELIM | C_STRSTOP,
    ['\v'] = C_SPACE,           ['\f'] = C_SPACE,
    ['\r'] = C_SPACE | C_DELIM, [' '] = C_SPACE | C_DELIM,
    ['('] = C_DELIM,            [')'] = C_DELIM,
    [';'] = C_DELIM,            ['"'] = C_STRSTOP,
    ['\\'] = C_STRSTOP,         ['0'] = C_DIGIT,
    ['1'] = C_DIGIT,            ['2'] = C_DIGIT,
    ['3'] = C_DIGIT,            ['4'] = C_DIGIT,
    ['5'] = C_DIGIT,            ['6'] = C_DIGIT,
    ['7'] = C_DIGIT,            ['8'] = C_DIGIT,
    ['9'] = C_DIGIT,
};

#define CLS(c) (cls[(unsigned char)(c)])

/* ---- reader state ------------------------------------------------------------------ */

enum { F_TOP, F_LIST, F_VECTOR, F_QUOTE };

typedef struct frame {
  sbp__datum *d;    /* the container (NULL for the top level) */
  sbp__datum *tail; /* its last child */
  uint8_t kind;     /* F_* */
  uint8_t dot;      /* 0: no dot; 1: dot read, cdr expected; 2: cdr read, ')' expected */
  uint32_t nreal;   /* children that are not comments */
} frame;

typedef struct sbp__reader reader;
struct sbp__reader {
  sbp__arena *arena;
  const sbp_alloc *alloc;
  const char *text, *p, *end;
  const char *file;
  const char *line_start;
  uint32_t line;
  uint32_t flags;
  unsigned nl; /* newlines since the last token */
  size_t max_depth, max_string, max_datums, ndatums;
  frame *stack;
  size_t depth, cap; /* stack[0] is the top level; depth = index of the innermost frame */
  sbp__datum *first; /* the top-level chain */
  const char *raw_end; /* just past the last raw string */
  int rc;              /* the error new_datum met */
  sbp_error *err;
  sbp__read_each_fn each; /* sbp__read_each: called with each top-level datum */
  void *payload;
  sbp__arena_mark top;    /* sbp__read_each: the arena before the current top-level datum */
  int check;              /* sbp__read_check_rest: atoms go to `scratch`, nothing is linked */
  sbp__datum scratch;
  sbp__datum vector;      /* the first vector's position; line 0 until one is read */
};

static uint32_t col_of(const reader *r, const char *at) {
  size_t c = (size_t)(at - r->line_start) + 1;
  return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

/* An error at `at`, which lies on the current line. */
static int fail_at(reader *r, int code, const char *at, const char *msg) {
  return sbp__error_at(r->err, code, r->file, r->line, col_of(r, at), (size_t)(at - r->text),
                       "%s", msg);
}

/* An error at a datum's recorded position. */
static int fail_datum(reader *r, int code, const sbp__datum *d, const char *msg) {
  return sbp__error_at(r->err, code, r->file, d->line, d->column, d->offset, "%s", msg);
}

/* An error at `at`, at or after the start of the current line (inside a token that may
 * span lines). */
static int fail_ahead(reader *r, int code, const char *at, const char *msg) {
  uint32_t line = r->line;
  const char *ls = r->line_start;
  for (const char *k = ls; k < at; k++)
    if (*k == '\n') {
      if (line != UINT32_MAX) line++;
      ls = k + 1;
    }
  size_t col = (size_t)(at - ls) + 1;
  return sbp__error_at(r->err, code, r->file, line, col > UINT32_MAX ? UINT32_MAX : (uint32_t)col,
                       (size_t)(at - r->text), "%s", msg);
}

/* Moves line bookkeeping over [from, to). */
static void count_lines(reader *r, const char *from, const char *to) {
  for (;;) {
    const char *nl = memchr(from, '\n', (size_t)(to - from));
    if (nl == NULL) return;
    if (r->line != UINT32_MAX) r->line++;
    r->line_start = nl + 1;
    from = nl + 1;
  }
}

/* A datum (with room for `extra` bytes of text after it) starting at `at`. When only checking,
 * an atom with no text of its own is made in the reader's scratch datum: nothing keeps it. */
static sbp__datum *new_datum(reader *r, int type, const char *at, size_t extra) {
  if (r->ndatums >= r->max_datums) {
    r->rc = sbp__error_at(r->err, SBP_E_LIMIT, r->file, r->line, col_of(r, at), (size_t)(at - r->text),
                  "more than %zu datums in one text", r->max_datums);
    return NULL;
  }
  sbp__datum *d;
  if (r->check && extra == 0 && type != SBP__D_LIST && type != SBP__D_VECTOR) {
    d = &r->scratch;
  } else {
    d = sbp__arena_alloc(r->arena, sizeof(*d) + extra);
    if (d == NULL) {
      r->rc = sbp__nomem(r->err);
      return NULL;
    }
  }
  r->ndatums++;
  d->first = NULL;
  d->next = NULL;
  d->text = NULL;
  d->len = 0;
  d->num = 0;
  d->file = r->file;
  d->line = r->line;
  d->column = col_of(r, at);
  d->offset = (size_t)(at - r->text);
  d->count = 0;
  d->type = (uint16_t)type;
  d->flags = r->nl >= 2 ? SBP__DF_BLANK_BEFORE : 0;
  return d;
}

/* As new_datum, with a copy of s[0..n) as its text (when only checking: no copy, no text). */
static sbp__datum *new_text_datum(reader *r, int type, const char *at, const char *s,
                                  size_t n) {
  sbp__datum *d = new_datum(r, type, at, r->check ? 0 : n + 1);
  if (d == NULL || r->check) return d;
  char *t = (char *)(d + 1);
  if (n) memcpy(t, s, n);
  t[n] = '\0';
  d->text = t;
  d->len = n;
  return d;
}

static void append(frame *f, sbp__datum *d) {
  if (f->tail != NULL)
    f->tail->next = d;
  else if (f->d != NULL)
    f->d->first = d;
  if (f->d != NULL) f->d->count++;
  f->tail = d;
}

/* Hands a finished datum to the innermost open frame, closing quote forms it completes. */
static int deliver(reader *r, sbp__datum *d) {
  for (;;) {
    frame *f = &r->stack[r->depth];
    if (f->dot == 2) return fail_datum(r, SBP_E_SYNTAX, d, "syntax error: illegal dot expression");
    if (f->dot == 1) f->dot = 2;
    if (f->kind == F_TOP && (r->each != NULL || r->check)) {
      /* hand it over, then forget it: the next top-level datum reuses its memory */
      int rc = r->each != NULL ? r->each(r->payload, d, r) : SBP_OK;
      sbp__arena_rollback(r->arena, &r->top);
      return rc;
    }
    if (!r->check) append(f, d);
    if (f->d == NULL && r->first == NULL) r->first = d;
    f->nreal++;
    if (f->kind != F_QUOTE) return SBP_OK;
    d = f->d;
    r->depth--;
  }
}

static int push(reader *r, sbp__datum *d, uint8_t kind, const char *at) {
  if (r->depth >= r->max_depth) {
    return sbp__error_at(r->err, SBP_E_LIMIT, r->file, r->line, col_of(r, at),
                         (size_t)(at - r->text), "nesting deeper than %zu levels",
                         r->max_depth);
  }
  if (r->depth + 1 >= r->cap) {
    size_t ncap = r->cap * 2;
    frame *ns = sbp__realloc(r->alloc, r->stack, ncap * sizeof(frame));
    if (ns == NULL) return sbp__nomem(r->err);
    r->stack = ns;
    r->cap = ncap;
  }
  frame *f = &r->stack[++r->depth];
  f->d = d;
  f->tail = NULL;
  f->kind = kind;
  f->dot = 0;
  f->nreal = 0;
  return SBP_OK;
}

/* ---- atoms ------------------------------------------------------------------------- */

/* Digits of s[0..n) in `base` into *v; 0 when a byte is not a digit, n is 0 or the value
 * does not fit an int64_t (negated when neg). */
static int parse_uint(const char *s, size_t n, unsigned base, int neg, int64_t *v) {
  if (n == 0) return 0;
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
  uint64_t x = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned c = (unsigned char)s[i], dv;
    if (c >= '0' && c <= '9')
      dv = c - '0';
    else if (c >= 'a' && c <= 'f')
      dv = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      dv = c - 'A' + 10;
    else
      return 0;
    if (dv >= base) return 0;
    if (x > (limit - dv) / base) return 0;
    x = x * base + dv;
  }
  if (neg)
    *v = x == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)x;
  else
    *v = (int64_t)x;
  return 1;
}

/* TinyScheme's mk_atom: 0 symbol, 1 integer, 2 real. */
static int atom_kind(const char *s, size_t n) {
  size_t i = 0;
  int dec = 0;
  unsigned char c = (unsigned char)s[i++];
  unsigned char nx = i < n ? (unsigned char)s[i] : 0;
  if (c == '+' || c == '-') {
    c = nx;
    i++;
    if (c == '.') {
      dec = 1;
      c = i < n ? (unsigned char)s[i] : 0;
      i++;
    }
    if (!(CLS(c) & C_DIGIT)) return 0;
  } else if (c == '.') {
    dec = 1;
    c = nx;
    i++;
    if (!(CLS(c) & C_DIGIT)) return 0;
  } else if (!(CLS(c) & C_DIGIT)) {
    return 0;
  }
  for (; i < n; i++) {
    c = (unsigned char)s[i];
    if (CLS(c) & C_DIGIT) continue;
    if (c == '.' && !dec) {
      dec = 1;
      continue;
    }
    if (c == 'e' || c == 'E') {
      dec = 1;
      if (i + 1 < n && (s[i + 1] == '-' || s[i + 1] == '+' || (CLS(s[i + 1]) & C_DIGIT))) {
        i++;
        continue;
      }
    }
    return 0;
  }
  return dec ? 2 : 1;
}

static int read_atom(reader *r) {
  const char *s = r->p;
  const char *q = s;
  while (q < r->end && !(CLS(*q) & C_DELIM)) q++;
  size_t n = (size_t)(q - s);
  if (n > r->max_string) {
    return sbp__error_at(r->err, SBP_E_LIMIT, r->file, r->line, col_of(r, s),
                         (size_t)(s - r->text), "symbol or number longer than %zu bytes",
                         r->max_string);
  }
  int kind = atom_kind(s, n);
  sbp__datum *d;
  if (kind == 1) {
    int neg = s[0] == '-';
    size_t skip = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    int64_t v = 0;
    if (!parse_uint(s + skip, n - skip, 10, neg, &v))
      return fail_at(r, SBP_E_SYNTAX, s, "integer out of range");
    d = new_datum(r, SBP__D_INTEGER, s, 0);
    if (d == NULL) return r->rc;
    d->num = v;
  } else {
    d = new_text_datum(r, kind == 2 ? SBP__D_REAL : SBP__D_SYMBOL, s, s, n);
    if (d == NULL) return r->rc;
  }
  r->p = q;
  return deliver(r, d);
}

static int ieq(const char *a, size_t n, const char *lit) {
  size_t m = strlen(lit);
  if (n != m) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)a[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if (c != (unsigned char)lit[i]) return 0;
  }
  return 1;
}

/* #t #f #x.. #o.. #b.. #d.. #\c; `s` points at the '#'. */
static int read_sharp_const(reader *r) {
  const char *s = r->p;
  const char *name = s + 1;
  const char *q = name;
  if (q < r->end && *q == '\\') {
    q++;
    if (q < r->end) q++; /* the first character is taken whatever it is */
  }
  while (q < r->end && !(CLS(*q) & C_DELIM)) q++;
  size_t n = (size_t)(q - name);
  sbp__datum *d = NULL;
  int64_t v = 0;
  if (n == 1 && (name[0] == 't' || name[0] == 'f')) {
    d = new_datum(r, SBP__D_BOOLEAN, s, 0);
    if (d) d->num = name[0] == 't';
  } else if (n >= 1 && name[0] == '\\') {
    const char *c = name + 1;
    size_t cn = n - 1;
    int ch = -1;
    if (cn == 1)
      ch = (unsigned char)c[0];
    else if (ieq(c, cn, "space"))
      ch = ' ';
    else if (ieq(c, cn, "newline"))
      ch = '\n';
    else if (ieq(c, cn, "return"))
      ch = '\r';
    else if (ieq(c, cn, "tab"))
      ch = '\t';
    else if (cn > 1 && c[0] == 'x' && cn <= 9 && parse_uint(c + 1, cn - 1, 16, 0, &v) &&
             v < 255)
      ch = (int)v;
    if (ch < 0) return fail_at(r, SBP_E_SYNTAX, s, "undefined sharp expression");
    d = new_datum(r, SBP__D_CHAR, s, 0);
    if (d) d->num = ch;
  } else if (n >= 1 && (name[0] == 'x' || name[0] == 'o' || name[0] == 'b' || name[0] == 'd')) {
    unsigned base = name[0] == 'x' ? 16u : name[0] == 'o' ? 8u : name[0] == 'b' ? 2u : 10u;
    const char *digits = name + 1;
    size_t dn = n - 1;
    int neg = 0;
    if (base == 10 && dn > 0 && (digits[0] == '-' || digits[0] == '+')) {
      neg = digits[0] == '-';
      digits++;
      dn--;
    }
    if (!parse_uint(digits, dn, base, neg, &v)) {
      /* Tell an overflow from a misspelling. */
      int digits_ok = dn > 0;
      for (size_t i = 0; i < dn && digits_ok; i++) {
        char ch = digits[i];
        unsigned dv = (ch >= '0' && ch <= '9')   ? (unsigned)(ch - '0')
                      : (ch >= 'a' && ch <= 'f') ? (unsigned)(ch - 'a' + 10)
                      : (ch >= 'A' && ch <= 'F') ? (unsigned)(ch - 'A' + 10)
                                                 : 99u;
        if (dv >= base) digits_ok = 0;
      }
      return fail_at(r, SBP_E_SYNTAX, s,
                     digits_ok ? "integer out of range" : "undefined sharp expression");
    }
    d = new_datum(r, SBP__D_INTEGER, s, 0);
    if (d) d->num = v;
  } else {
    return fail_at(r, SBP_E_SYNTAX, s, "undefined sharp expression");
  }
  if (d == NULL) return r->rc;
  r->p = q;
  return deliver(r, d);
}

/* ---- strings ----------------------------------------------------------------------- */

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int string_too_long(reader *r, const char *s) {
  return sbp__error_at(r->err, SBP_E_LIMIT, r->file, r->line, col_of(r, s),
                       (size_t)(s - r->text), "string longer than %zu bytes", r->max_string);
}

/* "..." with TinyScheme's escapes. */
static int read_string(reader *r) {
  const char *s = r->p; /* the opening quote */
  const char *q = s + 1;
  int escapes = 0;
  const char *last_nl = NULL;
  uint32_t nls = 0;
  /* Most strings hold neither a backslash nor a newline: find the closing quote with memchr
   * and make sure of that, instead of looking at every byte. */
  const char *close = memchr(q, '"', (size_t)(r->end - q));
  if (close != NULL && memchr(q, '\\', (size_t)(close - q)) == NULL &&
      memchr(q, '\n', (size_t)(close - q)) == NULL)
    q = close;
  for (;;) {
    while (q < r->end && !(CLS(*q) & C_STRSTOP)) q++;
    if (q >= r->end) return fail_at(r, SBP_E_SYNTAX, s, "Error reading string");
    if (*q == '"') break;
    if (*q == '\n') {
      nls++;
      last_nl = q;
      q++;
      continue;
    }
    /* backslash: the next byte never ends the string */
    escapes = 1;
    q++;
    if (q >= r->end) return fail_at(r, SBP_E_SYNTAX, s, "Error reading string");
    if (*q == '\n') {
      nls++;
      last_nl = q;
    }
    q++;
  }
  /* q is at the closing quote */
  const char *body = s + 1;
  size_t raw = (size_t)(q - body);
  sbp__datum *d;
  if (!escapes) {
    if (raw > r->max_string) return string_too_long(r, s);
    d = new_text_datum(r, SBP__D_STRING, s, body, raw);
    if (d == NULL) return r->rc;
  } else {
    d = new_datum(r, SBP__D_STRING, s, raw + 1);
    if (d == NULL) return r->rc;
    char *out = (char *)(d + 1);
    size_t o = 0;
    const char *i = body;
    while (i < q) {
      unsigned char c = (unsigned char)*i++;
      if (c != '\\') {
        out[o++] = (char)c;
        continue;
      }
      const char *esc = i - 1;
      c = (unsigned char)*i++;
      switch (c) {
        case 'n': out[o++] = '\n'; break;
        case 't': out[o++] = '\t'; break;
        case 'r': out[o++] = '\r'; break;
        case 'x':
        case 'X': {
          int h1 = i < q ? hexval((unsigned char)i[0]) : -1;
          int h2 = i + 1 < q ? hexval((unsigned char)i[1]) : -1;
          if (h1 < 0 || h2 < 0)
            return fail_ahead(r, SBP_E_SYNTAX, esc,
                              "Error reading string: \\x needs two hex digits");
          out[o++] = (char)(h1 * 16 + h2);
          i += 2;
          break;
        }
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
          unsigned v = c - '0';
          if (i < q && *i >= '0' && *i <= '7') {
            v = v * 8 + (unsigned)(*i++ - '0');
            if (i < q && *i >= '0' && *i <= '7') {
              if (v >= 32)
                return fail_ahead(r, SBP_E_SYNTAX, esc,
                                  "Error reading string: octal escape above \\377");
              v = v * 8 + (unsigned)(*i++ - '0');
            }
          }
          out[o++] = (char)v;
          break;
        }
        default: out[o++] = (char)c; break; /* \" \\ and any other \c give c */
      }
    }
    out[o] = '\0';
    if (o > r->max_string) return string_too_long(r, s);
    d->text = out;
    d->len = o;
  }
  if (nls) {
    r->line = r->line > UINT32_MAX - nls ? UINT32_MAX : r->line + nls;
    r->line_start = last_nl + 1;
  }
  r->p = q + 1;
  return deliver(r, d);
}

/* #"..." : verbatim up to the next quote. */
static int read_raw_string(reader *r) {
  const char *s = r->p;
  const char *body = s + 2;
  const char *q = memchr(body, '"', (size_t)(r->end - body));
  if (q == NULL) return fail_at(r, SBP_E_SYNTAX, s, "Error reading string");
  size_t n = (size_t)(q - body);
  if (n > r->max_string) return string_too_long(r, s);
  sbp__datum *d = new_text_datum(r, SBP__D_STRING, s, body, n);
  if (d == NULL) return r->rc;
  d->flags |= SBP__DF_RAW;
  count_lines(r, body, q);
  r->p = q + 1;
  r->raw_end = r->p;
  return deliver(r, d);
}

/* ---- comments ---------------------------------------------------------------------- */

/* `;` or `#!` to the end of the line (the newline stays for the blank skipper). */
static int read_comment(reader *r, size_t mark) {
  const char *s = r->p;
  const char *body = s + mark;
  const char *e = body < r->end ? memchr(body, '\n', (size_t)(r->end - body)) : NULL;
  if (e == NULL) e = r->end;
  r->p = e;
  if (!(r->flags & SBP__READ_COMMENTS)) return SBP_OK;
  const char *te = e;
  if (te > body && te[-1] == '\r') te--;
  sbp__datum *d = new_text_datum(r, SBP__D_COMMENT, s, body, (size_t)(te - body));
  if (d == NULL) return r->rc;
  if (mark == 2) d->flags |= SBP__DF_SHEBANG;
  const char *k = s;
  while (k > r->line_start && (k[-1] == ' ' || k[-1] == '\t' || k[-1] == '\v' ||
                               k[-1] == '\f' || k[-1] == '\r'))
    k--;
  if (k == r->line_start) d->flags |= SBP__DF_OWN_LINE;
  size_t i = r->depth;
  while (r->stack[i].kind == F_QUOTE) i--;
  append(&r->stack[i], d);
  if (i == 0 && r->first == NULL) r->first = d;
  return SBP_OK;
}

/* ---- the main loop ----------------------------------------------------------------- */

static int open_quote(reader *r, uint16_t flag, const char *sym, size_t marklen) {
  const char *s = r->p;
  sbp__datum *l = new_datum(r, SBP__D_LIST, s, 0);
  if (l == NULL) return r->rc;
  l->flags |= flag;
  r->nl = 0;
  sbp__datum *q = new_datum(r, SBP__D_SYMBOL, s, 0);
  if (q == NULL) return r->rc;
  q->text = sym;
  q->len = strlen(sym);
  l->first = q;
  l->count = 1;
  int rc = push(r, l, F_QUOTE, s);
  if (rc != SBP_OK) return rc;
  r->stack[r->depth].tail = q;
  r->p = s + marklen;
  return SBP_OK;
}

static int open_list(reader *r, int type, size_t marklen) {
  const char *s = r->p;
  sbp__datum *l = new_datum(r, type, s, 0);
  if (l == NULL) return r->rc;
  if (type == SBP__D_VECTOR && r->vector.line == 0) {
    r->vector.type = SBP__D_VECTOR;
    r->vector.file = l->file;
    r->vector.line = l->line;
    r->vector.column = l->column;
    r->vector.offset = l->offset;
  }
  int rc = push(r, l, type == SBP__D_LIST ? F_LIST : F_VECTOR, s);
  if (rc != SBP_OK) return rc;
  r->p = s + marklen;
  return SBP_OK;
}

static int close_list(reader *r) {
  const char *s = r->p;
  frame *f = &r->stack[r->depth];
  if (f->kind == F_TOP || f->kind == F_QUOTE)
    return fail_at(r, SBP_E_SYNTAX, s, "syntax error: unexpected ')'");
  if (f->dot == 1) return fail_at(r, SBP_E_SYNTAX, s, "syntax error: illegal dot expression");
  sbp__datum *d = f->d;
  if (f->dot == 2) d->flags |= SBP__DF_DOTTED;
  r->depth--;
  r->p = s + 1;
  return deliver(r, d);
}

static int read_all(reader *r) {
  const char *end = r->end;
  for (;;) {
    /* blanks */
    const char *p = r->p;
    while (p < end && (CLS(*p) & C_SPACE)) {
      if (*p == '\n') {
        r->nl++;
        if (r->line != UINT32_MAX) r->line++;
        r->line_start = p + 1;
      }
      p++;
    }
    r->p = p;
    if (p >= end) return SBP_OK;
    int rc;
    switch (*p) {
      case '(': rc = open_list(r, SBP__D_LIST, 1); break;
      case ')': rc = close_list(r); break;
      case ';': rc = read_comment(r, 1); break;
      case '"': rc = read_string(r); break;
      case '\'': rc = open_quote(r, SBP__DF_QUOTE, "quote", 1); break;
      case '`': rc = open_quote(r, SBP__DF_QUASI, "quasiquote", 1); break;
      case ',':
        if (p + 1 < end && p[1] == '@')
          rc = open_quote(r, SBP__DF_SPLICE, "unquote-splicing", 2);
        else
          rc = open_quote(r, SBP__DF_UNQUOTE, "unquote", 1);
        break;
      case '.':
        if (p + 1 >= end || p[1] == ' ' || p[1] == '\n' || p[1] == '\t') {
          frame *f = &r->stack[r->depth];
          if (f->kind != F_LIST || f->dot != 0 || f->nreal == 0)
            return fail_at(r, SBP_E_SYNTAX, p, "syntax error: illegal dot expression");
          f->dot = 1;
          r->p = p + 1;
          rc = SBP_OK;
        } else {
          rc = read_atom(r);
        }
        break;
      case '#': {
        char n = p + 1 < end ? p[1] : ' ';
        if (n == '(')
          rc = open_list(r, SBP__D_VECTOR, 2);
        else if (n == '!')
          rc = read_comment(r, 2);
        else if (n == '"')
          rc = read_raw_string(r);
        else if (n == '|')
          return fail_at(r, SBP_E_SYNTAX, p,
                         "undefined sharp expression (block comments #|...|# are not "
                         "supported)");
        else if (n == ';')
          return fail_at(r, SBP_E_SYNTAX, p,
                         "undefined sharp expression (datum comments #; are not supported)");
        else if (p + 1 < end &&
                 (n == 't' || n == 'f' || n == 'o' || n == 'd' || n == 'x' || n == 'b' ||
                  n == '\\'))
          rc = read_sharp_const(r);
        else if (p == r->raw_end)
          return fail_at(r, SBP_E_SYNTAX, p,
                         "undefined sharp expression (a raw string #\"...\" ends at its "
                         "first '\"'; #\"...\"# is not supported)");
        else
          return fail_at(r, SBP_E_SYNTAX, p, "undefined sharp expression");
        break;
      }
      default: rc = read_atom(r); break;
    }
    if (rc != SBP_OK) return rc;
    r->nl = 0;
  }
}

/* Reads from r->p to the end of the text, then reports a list or quote left open. */
static int read_to_end(reader *r) {
  r->cap = 32;
  r->stack = sbp__malloc(r->alloc, r->cap * sizeof(frame));
  if (r->stack == NULL) return sbp__nomem(r->err);
  memset(&r->stack[0], 0, sizeof(frame));
  r->stack[0].kind = F_TOP;
  r->depth = 0;
  int rc = read_all(r);
  if (rc == SBP_OK && r->depth > 0) {
    if (r->stack[r->depth].kind == F_QUOTE) {
      rc = fail_datum(r, SBP_E_SYNTAX, r->stack[r->depth].d,
                      "syntax error: expecting a datum after a quote mark");
    } else {
      /* Report the outermost list left open: the top-level form that is broken. */
      size_t i = 1;
      while (r->stack[i].kind == F_QUOTE) i++;
      rc = fail_datum(r, SBP_E_SYNTAX, r->stack[i].d, "syntax error: expecting ')'");
    }
  }
  sbp__free(r->alloc, r->stack);
  r->stack = NULL;
  return rc;
}

/* The one reader behind sbp__read and sbp__read_each. */
static int read_text(sbp__arena *arena, const char *text, size_t len, const char *file,
                     uint32_t flags, const sbp__read_limits *limits, sbp__read_each_fn each,
                     void *payload, sbp__datum **out, sbp_error *err) {
  if (text == NULL) text = "";
  reader r;
  memset(&r, 0, sizeof(r));
  r.each = each;
  r.payload = payload;
  r.arena = arena;
  r.alloc = arena->alloc;
  r.text = text;
  r.p = text;
  r.end = text + len;
  r.line_start = text;
  r.line = 1;
  r.flags = flags;
  r.err = err;
  r.max_depth = limits && limits->max_depth ? limits->max_depth : 10000;
  r.max_string = limits && limits->max_string ? limits->max_string : (size_t)1 << 20;
  r.max_datums = limits && limits->max_datums ? limits->max_datums : 10000000;
  if (file != NULL) {
    r.file = sbp__arena_strndup(arena, file, strlen(file));
    if (r.file == NULL) return sbp__nomem(err);
  }
  sbp__arena_mark_set(arena, &r.top);
  const char *nul = len ? memchr(text, '\0', len) : NULL;
  if (nul != NULL) {
    count_lines(&r, text, nul);
    return fail_at(&r, SBP_E_SYNTAX, nul, "NUL byte in the text");
  }
  int rc = read_to_end(&r);
  if (rc == SBP_OK && out != NULL) *out = r.first;
  return rc;
}

int sbp__read(sbp__arena *arena, const char *text, size_t len, const char *file,
              uint32_t flags, const sbp__read_limits *limits, sbp__datum **out,
              sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (arena == NULL || out == NULL || (text == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "read: arena, out and text are required");
  return read_text(arena, text, len, file, flags, limits, NULL, NULL, out, err);
}

int sbp__read_each(sbp__arena *arena, const char *text, size_t len, const char *file,
                   const sbp__read_limits *limits, sbp__read_each_fn each, void *payload,
                   sbp_error *err) {
  if (arena == NULL || each == NULL || (text == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "read: arena, each and text are required");
  return read_text(arena, text, len, file, 0, limits, each, payload, NULL, err);
}

int sbp__read_check_rest(sbp__reader *r, sbp__datum *first_vector) {
  memset(first_vector, 0, sizeof(*first_vector));
  /* A second reader from where the first stands, which keeps nothing; the first goes on
   * from the same place afterwards. */
  reader c = *r;
  c.check = 1;
  c.each = NULL;
  c.payload = NULL;
  memset(&c.vector, 0, sizeof(c.vector));
  sbp__arena_mark_set(c.arena, &c.top);
  int rc = read_to_end(&c);
  sbp__arena_rollback(c.arena, &c.top);
  if (rc == SBP_OK) *first_vector = c.vector;
  return rc;
}

/* ---- spans and equality ------------------------------------------------------------ */

size_t sbp__datum_span(const char *text, size_t len, const sbp__datum *d) {
  size_t o = d->offset;
  if (text == NULL || o >= len) return 0;
  const char *s = text + o, *end = text + len, *q;
  switch (d->type) {
    case SBP__D_LIST:
      return (d->flags & SBP__DF_SPLICE) ? 2 : 1;
    case SBP__D_VECTOR:
      return 2;
    case SBP__D_STRING:
      if (d->flags & SBP__DF_RAW) {
        q = s + 2 <= end ? memchr(s + 2, '"', (size_t)(end - s - 2)) : NULL;
        return q ? (size_t)(q - s) + 1 : (size_t)(end - s);
      }
      q = s + 1;
      while (q < end && *q != '"') q += (*q == '\\' && q + 1 < end) ? 2 : 1;
      return q < end ? (size_t)(q - s) + 1 : (size_t)(end - s);
    case SBP__D_COMMENT:
      q = memchr(s, '\n', (size_t)(end - s));
      return q ? (size_t)(q - s) : (size_t)(end - s);
    case SBP__D_CHAR:
      if (end - s < 2) return (size_t)(end - s);
      q = s + 2;
      if (q < end) q++;
      while (q < end && !(CLS(*q) & C_DELIM)) q++;
      return q <= end ? (size_t)(q - s) : (size_t)(end - s);
    default:
      q = s;
      while (q < end && !(CLS(*q) & C_DELIM)) q++;
      return (size_t)(q - s);
  }
}

typedef struct eq_pair {
  const sbp__datum *a, *b;
} eq_pair;

static const sbp__datum *skip_comments(const sbp__datum *d) {
  while (d != NULL && d->type == SBP__D_COMMENT) d = d->next;
  return d;
}

int sbp__datum_equal(const sbp_alloc *alloc, const sbp__datum *a, const sbp__datum *b,
                     int *equal) {
  size_t cap = 0, n = 0;
  eq_pair *stack = NULL;
  int result = 1;
  for (;;) {
    a = skip_comments(a);
    b = skip_comments(b);
    if (a == NULL || b == NULL) {
      if (a != b) {
        result = 0;
        break;
      }
      if (n == 0) break;
      n--;
      a = stack[n].a;
      b = stack[n].b;
      continue;
    }
    if (a->type != b->type || ((a->flags ^ b->flags) & SBP__DF_DOTTED)) {
      result = 0;
      break;
    }
    switch (a->type) {
      case SBP__D_LIST:
      case SBP__D_VECTOR:
        if (n == cap) {
          size_t ncap = cap ? cap * 2 : 16;
          eq_pair *ns = sbp__realloc(alloc, stack, ncap * sizeof(*ns));
          if (ns == NULL) {
            sbp__free(alloc, stack);
            return SBP_E_NOMEM;
          }
          stack = ns;
          cap = ncap;
        }
        stack[n].a = a->next;
        stack[n].b = b->next;
        n++;
        a = a->first;
        b = b->first;
        continue;
      case SBP__D_SYMBOL:
      case SBP__D_STRING:
      case SBP__D_REAL:
        if (a->len != b->len || (a->len && memcmp(a->text, b->text, a->len) != 0)) result = 0;
        break;
      default:
        if (a->num != b->num) result = 0;
        break;
    }
    if (!result) break;
    a = a->next;
    b = b->next;
  }
  sbp__free(alloc, stack);
  *equal = result;
  return SBP_OK;
}
