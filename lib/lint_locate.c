/* Finding where a string value is written inside a form of the text being linted. */
#include "lint_locate.h"

#include <stdint.h>
#include <string.h>

#include "error.h"
#include "sbprofile/lint.h"

/* ---- finding a literal inside a form ----------------------------------------------------- */

/* Offset of line:column (1-based, bytes) in text, or len when past the end. */
static size_t offset_of(const char *text, size_t len, uint32_t line, uint32_t column) {
  size_t off;
  sbp__text_offset(text, len, line, column, &off);
  return off;
}

/* The character the ordinary string body t[*i..e) starts with, under the reader's escapes
 * (\" \\ \n \t \r, \xHH, octal \ooo, and any other \c as c); *i moves past it. */
static unsigned char body_char(const char *t, size_t *i, size_t e) {
  size_t j = *i;
  unsigned char c = (unsigned char)t[j];
  if (c == '\\' && j + 1 < e) {
    char n = t[++j];
    if (n == 'n') c = '\n';
    else if (n == 't') c = '\t';
    else if (n == 'r') c = '\r';
    else if (n == 'x' && j + 2 < e) {
      unsigned val = 0;
      for (int d = 0; d < 2; d++) {
        char h = t[++j];
        val = val * 16u + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
      }
      c = (unsigned char)val;
    } else if (n >= '0' && n <= '7') {
      unsigned val = (unsigned)(n - '0');
      for (int d = 0; d < 2 && j + 1 < e && t[j + 1] >= '0' && t[j + 1] <= '7'; d++)
        val = val * 8u + (unsigned)(t[++j] - '0');
      c = (unsigned char)val;
    } else {
      c = (unsigned char)n;
    }
  }
  *i = j + 1;
  return c;
}

/* Does the string body text[s..e) (raw: taken as written) read as value? */
static int body_equals(const char *t, size_t s, size_t e, int raw, const char *v, size_t vl) {
  if (raw) return e - s == vl && memcmp(t + s, v, vl) == 0;
  size_t k = 0;
  for (size_t i = s; i < e;) {
    unsigned char c = body_char(t, &i, e);
    if (k >= vl || (unsigned char)v[k] != c) return 0;
    k++;
  }
  return k == vl;
}

/* A string of a form: its body text[s..e), raw or not, and where it starts. */
typedef struct form_string {
  size_t s, e;
  int raw;
  uint32_t line, column;
} form_string;

/* Called for each string of a form in order; nonzero stops the walk. */
typedef int (*string_fn)(void *payload, const char *text, const form_string *fs);

/* Walks the strings of the form at text[start] (which begins at line:column), tracking
 * positions as the reader does. SBP_OK when fn stopped the walk, else SBP_E_NOT_FOUND. */
static int walk_form_strings(const char *text, size_t len, size_t start, uint32_t line,
                             uint32_t column, string_fn fn, void *payload) {
  if (start >= len || text[start] != '(') return SBP_E_NOT_FOUND;
  /* Line and column are tracked as we go. */
  uint32_t l = line, c = column;
  size_t depth = 0;
  for (size_t i = start; i < len; i++) {
    char ch = text[i];
    if (ch == '\n') {
      l++;
      c = 1;
      continue;
    }
    if (ch == ';') {
      while (i + 1 < len && text[i + 1] != '\n') i++;
      c = 1; /* reset at the newline */
      continue;
    }
    if (ch == '(') depth++;
    else if (ch == ')') {
      if (depth <= 1) return SBP_E_NOT_FOUND;
      depth--;
    } else if (ch == '"' || (ch == '#' && i + 1 < len && text[i + 1] == '"')) {
      int raw = ch == '#';
      size_t s = i + (raw ? 2 : 1), e = s;
      if (raw) {
        while (e < len && text[e] != '"') e++;
      } else {
        while (e < len && text[e] != '"') e += text[e] == '\\' ? 2 : 1;
      }
      if (e > len) e = len;
      form_string fs = {s, e, raw, l, c};
      if (fn(payload, text, &fs)) return SBP_OK;
      /* Skip the string, counting its newlines. */
      for (size_t k = i; k <= e && k < len; k++) {
        if (text[k] == '\n') {
          l++;
          c = 1;
        } else {
          c++;
        }
      }
      i = e;
      continue;
    } else if (ch == '#' && i + 1 < len && text[i + 1] == '\\') {
      i += 2; /* a character: #\( is no parenthesis */
      c += 2;
    }
    c++;
  }
  return SBP_E_NOT_FOUND;
}

typedef struct string_match {
  const char *value;
  size_t value_len;
  uint32_t line, column;
} string_match;

static int match_string(void *payload, const char *text, const form_string *fs) {
  string_match *m = payload;
  if (!body_equals(text, fs->s, fs->e, fs->raw, m->value, m->value_len)) return 0;
  m->line = fs->line;
  m->column = fs->column;
  return 1;
}

static int locate_from(const char *text, size_t len, size_t start, uint32_t line,
                       uint32_t column, const char *value, size_t value_len, uint32_t *out_line,
                       uint32_t *out_column) {
  string_match m = {value, value_len, 0, 0};
  int rc = walk_form_strings(text, len, start, line, column, match_string, &m);
  if (rc == SBP_OK) {
    if (out_line) *out_line = m.line;
    if (out_column) *out_column = m.column;
  }
  return rc;
}

/* ---- the strings of one form, indexed ---------------------------------------------------- *
 *
 * Lint locates every value of a rule it reports on; a rule with thousands of filters would
 * be walked from its start for each. The second search in the same form indexes all its
 * strings by their value's hash instead, so each further search is a lookup. */

struct sbp__lint_form_index {
  size_t source, start;  /* the form indexed (or being searched for the first time) */
  int built;
  form_string *slots;    /* open addressing; a slot is taken when its gen is current */
  uint32_t *gen;
  uint32_t cur;
  size_t cap, n;
  const char *text;
  int failed; /* a growth failed while indexing */
};

#define FORM_FNV_OFFSET 1469598103934665603ull
#define FORM_FNV_PRIME 1099511628211ull

static uint64_t body_hash(const char *t, size_t s, size_t e, int raw) {
  uint64_t h = FORM_FNV_OFFSET;
  for (size_t i = s; i < e;) {
    unsigned char c = raw ? (unsigned char)t[i++] : body_char(t, &i, e);
    h = (h ^ c) * FORM_FNV_PRIME;
  }
  return h;
}

static uint64_t value_hash(const char *v, size_t vl) { return body_hash(v, 0, vl, 1); }

static int grow_form_index(sbp_lint_result *r, struct sbp__lint_form_index *x);

static int add_form_string(void *payload, const char *text, const form_string *fs) {
  sbp_lint_result *r = payload;
  struct sbp__lint_form_index *x = r->form;
  if ((x->n + 1) * 2 > x->cap && grow_form_index(r, x) != SBP_OK) {
    x->failed = 1;
    return 1;
  }
  size_t mask = x->cap - 1, k = (size_t)body_hash(text, fs->s, fs->e, fs->raw) & mask;
  while (x->gen[k] == x->cur) k = (k + 1) & mask;
  x->slots[k] = *fs;
  x->gen[k] = x->cur;
  x->n++;
  return 0;
}

/* Doubles the table (or makes the first), placing again the strings it holds. */
static int grow_form_index(sbp_lint_result *r, struct sbp__lint_form_index *x) {
  size_t cap = x->cap ? x->cap * 2 : 64;
  form_string *slots = sbp__calloc(&r->alloc, cap, sizeof *slots);
  uint32_t *gen = sbp__calloc(&r->alloc, cap, sizeof *gen);
  if (slots == NULL || gen == NULL) {
    sbp__free(&r->alloc, slots);
    sbp__free(&r->alloc, gen);
    return SBP_E_NOMEM;
  }
  form_string *old = x->slots;
  uint32_t *oldgen = x->gen;
  size_t oldcap = x->cap, cur = x->cur;
  x->slots = slots;
  x->gen = gen;
  x->cap = cap;
  x->cur = 1;
  x->n = 0;
  for (size_t i = 0; i < oldcap; i++)
    if (oldgen[i] == cur) add_form_string(r, x->text, &old[i]);
  sbp__free(&r->alloc, old);
  sbp__free(&r->alloc, oldgen);
  return SBP_OK;
}

/* Indexes the strings of the form at s->text[start]; SBP_OK, or SBP_E_NOMEM (then the
 * form is searched by walking it). */
static int build_form_index(sbp_lint_result *r, const sbp_source *s, size_t start, uint32_t line,
                            uint32_t column) {
  struct sbp__lint_form_index *x = r->form;
  if (x->cap == 0 && grow_form_index(r, x) != SBP_OK) return SBP_E_NOMEM;
  if (++x->cur == 0) { /* generations wrapped: clear the table once */
    memset(x->gen, 0, x->cap * sizeof *x->gen);
    x->cur = 1;
  }
  x->n = 0;
  x->text = s->text;
  x->failed = 0;
  walk_form_strings(s->text, s->len, start, line, column, add_form_string, r);
  if (x->failed) return SBP_E_NOMEM; /* the walk stopped short: strings would be missing */
  x->built = 1;
  return SBP_OK;
}

/* The first string of the indexed form that reads as value. */
static int find_in_form_index(const struct sbp__lint_form_index *x, const char *value,
                              size_t value_len, uint32_t *out_line, uint32_t *out_column) {
  size_t mask = x->cap - 1, k = (size_t)value_hash(value, value_len) & mask;
  const form_string *best = NULL;
  for (; x->gen[k] == x->cur; k = (k + 1) & mask) {
    const form_string *fs = &x->slots[k];
    if ((best == NULL || fs->s < best->s) &&
        body_equals(x->text, fs->s, fs->e, fs->raw, value, value_len))
      best = fs;
  }
  if (best == NULL) return SBP_E_NOT_FOUND;
  if (out_line) *out_line = best->line;
  if (out_column) *out_column = best->column;
  return SBP_OK;
}

int sbp_lint_locate_string(const char *text, size_t len, uint32_t line, uint32_t column,
                           const char *value, size_t value_len, uint32_t *out_line,
                           uint32_t *out_column) {
  if (text == NULL || value == NULL || line == 0) return SBP_E_INVALID_ARG;
  return locate_from(text, len, offset_of(text, len, line, column), line, column, value,
                     value_len, out_line, out_column);
}

/* The offsets where each line of source i starts (made once, on first use). */
static const size_t *line_table(sbp_lint_result *r, size_t i, size_t *nlines) {
  if (r->lines == NULL) r->lines = sbp__calloc(&r->alloc, r->nsources, sizeof *r->lines);
  if (r->nlines == NULL) r->nlines = sbp__calloc(&r->alloc, r->nsources, sizeof *r->nlines);
  if (r->lines == NULL || r->nlines == NULL) return NULL;
  if (r->lines[i] == NULL) {
    const sbp_source *s = &r->sources[i];
    size_t n = 1;
    for (const char *p = s->text; p && (p = memchr(p, '\n', (size_t)(s->text + s->len - p))); p++)
      n++;
    size_t *t = sbp__calloc(&r->alloc, n, sizeof *t);
    if (t == NULL) return NULL;
    size_t k = 1;
    for (size_t off = 0; off < s->len; off++)
      if (s->text[off] == '\n') t[k++] = off + 1;
    r->lines[i] = t;
    r->nlines[i] = n;
  }
  *nlines = r->nlines[i];
  return r->lines[i];
}

void sbp__lint_release_lines(sbp_lint_result *r) {
  for (size_t i = 0; r->lines && i < r->nsources; i++) sbp__free(&r->alloc, r->lines[i]);
  sbp__free(&r->alloc, r->lines);
  sbp__free(&r->alloc, r->nlines);
  r->lines = NULL;
  r->nlines = NULL;
  if (r->form != NULL) {
    sbp__free(&r->alloc, r->form->slots);
    sbp__free(&r->alloc, r->form->gen);
    sbp__free(&r->alloc, r->form);
    r->form = NULL;
  }
}

int sbp__lint_locate(sbp_lint_result *r, const char *file, uint32_t line, uint32_t column,
                     const char *value, size_t value_len, uint32_t *out_line,
                     uint32_t *out_column) {
  for (size_t i = 0; r && i < r->nsources; i++) {
    const sbp_source *s = &r->sources[i];
    int same = (s->file == NULL && file == NULL) ||
               (s->file != NULL && file != NULL && strcmp(s->file, file) == 0);
    if (!same) continue;
    size_t n;
    const size_t *t = line_table(r, i, &n);
    if (t == NULL) return SBP_E_NOMEM; /* a guess would be a wrong position */
    if (line == 0 || line > n || column == 0) return SBP_E_NOT_FOUND;
    size_t start = t[line - 1] + (column - 1);
    /* A second search in the same form indexes it (see above); the first walks it. */
    struct sbp__lint_form_index *x = r->form;
    if (x == NULL && (x = r->form = sbp__calloc(&r->alloc, 1, sizeof *x)) == NULL)
      return locate_from(s->text, s->len, start, line, column, value, value_len, out_line,
                         out_column);
    if (x->source == i && x->start == start && x->text == s->text) {
      if (x->built || build_form_index(r, s, start, line, column) == SBP_OK)
        return find_in_form_index(x, value, value_len, out_line, out_column);
    } else {
      x->source = i;
      x->start = start;
      x->text = s->text;
      x->built = 0;
    }
    return locate_from(s->text, s->len, start, line, column, value, value_len, out_line,
                       out_column);
  }
  return SBP_E_NOT_FOUND;
}
