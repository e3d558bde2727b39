/* The formatter: reads text with its comments and prints it with canonical indentation.
 * Tokens are copied from the text as written, so literals keep their spelling; only the
 * blanks between tokens change. Both passes (measuring, printing) use explicit stacks. */
#include <string.h>

#include "sbprofile/format.h"

#include "alloc.h"
#include "buf.h"
#include "datum.h"
#include "error.h"

#define WIDE ((size_t)1 << 40) /* "cannot stand on one line" */
#define INDENT_CAP 200u        /* children are never indented further than this column */

static size_t sat_add(size_t a, size_t b) { return a + b >= WIDE ? WIDE : a + b; }

static int is_quote_form(const sbp__datum *d) {
  return d->type == SBP__D_LIST &&
         (d->flags & (SBP__DF_QUOTE | SBP__DF_QUASI | SBP__DF_UNQUOTE | SBP__DF_SPLICE)) &&
         d->count == 2 && d->first != NULL && d->first->next != NULL;
}

static size_t quote_mark_len(const sbp__datum *d) { return (d->flags & SBP__DF_SPLICE) ? 2 : 1; }

static const char *quote_mark(const sbp__datum *d) {
  return (d->flags & SBP__DF_QUOTE)     ? "'"
         : (d->flags & SBP__DF_QUASI)   ? "`"
         : (d->flags & SBP__DF_UNQUOTE) ? ","
                                        : ",@";
}

static int is_container(const sbp__datum *d) {
  return d->type == SBP__D_LIST || d->type == SBP__D_VECTOR;
}

/* The symbol "." must not be followed by a blank, or it would read as a dot. */
static int is_dot_symbol(const sbp__datum *d) {
  return d->type == SBP__D_SYMBOL && d->len == 1 && d->text[0] == '.';
}

typedef struct fmt {
  const char *text;
  size_t len;
  const sbp_alloc *alloc;
  size_t indent, max_width;
  sbp_buf out;
  size_t col;        /* bytes since the last newline in out */
  int at_line_start; /* nothing but indentation on the current output line */
  int rc;
} fmt;

/* The width of an atom's token, WIDE when it spans lines. */
static size_t atom_width(const fmt *f, const sbp__datum *d) {
  size_t n = sbp__datum_span(f->text, f->len, d);
  if (memchr(f->text + d->offset, '\n', n) != NULL) return WIDE;
  return n + (is_dot_symbol(d) ? 1 : 0);
}

/* The last child that is not a comment: a dotted list's cdr. */
static const sbp__datum *cdr_of(const sbp__datum *l) {
  const sbp__datum *cdr = NULL;
  if (!(l->flags & SBP__DF_DOTTED)) return NULL;
  for (const sbp__datum *c = l->first; c; c = c->next)
    if (c->type != SBP__D_COMMENT) cdr = c;
  return cdr;
}

/* ---- measuring: the one-line width of every list, kept in its (unused) num field ---- */

typedef struct mframe {
  sbp__datum *l;
  sbp__datum *next;
  const sbp__datum *cdr;
  size_t w;
  uint32_t idx;
} mframe;

static int measure(fmt *f, sbp__datum *top) {
  size_t cap = 64, n = 0;
  mframe *st = sbp__malloc(f->alloc, cap * sizeof(*st));
  if (st == NULL) return SBP_E_NOMEM;
  for (sbp__datum *t = top; t; t = t->next) {
    if (!is_container(t)) continue;
    st[0].l = t;
    st[0].next = t->first;
    st[0].cdr = cdr_of(t);
    st[0].idx = 0;
    st[0].w = 0;
    n = 1;
    while (n > 0) {
      mframe *m = &st[n - 1];
      sbp__datum *c = m->next;
      int quote = is_quote_form(m->l);
      if (c == NULL) {
        size_t w;
        if (quote)
          w = sat_add(m->w, quote_mark_len(m->l));
        else
          w = sat_add(m->w, (m->l->type == SBP__D_VECTOR ? 3u : 2u) +
                                ((m->l->flags & SBP__DF_DOTTED) ? 2u : 0u));
        m->l->num = (int64_t)w;
        n--;
        if (n > 0) st[n - 1].w = sat_add(st[n - 1].w, w);
        continue;
      }
      m->next = c->next;
      uint32_t idx = m->idx++;
      if (quote && idx == 0) continue; /* the word `quote` is not printed */
      if (!quote && idx > 0) m->w = sat_add(m->w, 1);
      /* a blank line before a dotted list's cdr is not kept: it would stand before the dot */
      if (c->type == SBP__D_COMMENT ||
          (!quote && idx > 0 && c != m->cdr && (c->flags & SBP__DF_BLANK_BEFORE))) {
        m->w = WIDE;
        if (c->type == SBP__D_COMMENT) continue;
      }
      if (is_container(c)) {
        if (n == cap) {
          size_t ncap = cap * 2;
          mframe *ns = sbp__realloc(f->alloc, st, ncap * sizeof(*ns));
          if (ns == NULL) {
            sbp__free(f->alloc, st);
            return SBP_E_NOMEM;
          }
          st = ns;
          cap = ncap;
        }
        st[n].l = c;
        st[n].next = c->first;
        st[n].cdr = cdr_of(c);
        st[n].idx = 0;
        st[n].w = 0;
        n++;
      } else {
        m->w = sat_add(m->w, atom_width(f, c));
        if (quote && (m->l->flags & SBP__DF_UNQUOTE) && f->text[c->offset] == '@')
          m->w = sat_add(m->w, 1); /* printed `, @x` */
      }
    }
  }
  sbp__free(f->alloc, st);
  return SBP_OK;
}

static size_t width_of(const fmt *f, const sbp__datum *d) {
  return is_container(d) ? (size_t)d->num : atom_width(f, d);
}

/* ---- output ------------------------------------------------------------------------ */

static void put(fmt *f, const char *s, size_t n) {
  if (f->rc != SBP_OK || n == 0) return;
  if (sbp__buf_put(&f->out, f->alloc, s, n) != SBP_OK) {
    f->rc = SBP_E_NOMEM;
    return;
  }
  const char *nl = NULL;
  for (const char *p = s + n; p > s; p--)
    if (p[-1] == '\n') {
      nl = p - 1;
      break;
    }
  if (nl != NULL)
    f->col = (size_t)(s + n - nl - 1);
  else
    f->col += n;
  f->at_line_start = 0;
}

static void newline(fmt *f, int blank, size_t indent) {
  static const char spaces[] = "                                ";
  put(f, blank ? "\n\n" : "\n", blank ? 2u : 1u);
  if (indent > INDENT_CAP) indent = INDENT_CAP;
  while (indent > 0) {
    size_t k = indent < sizeof(spaces) - 1 ? indent : sizeof(spaces) - 1;
    put(f, spaces, k);
    indent -= k;
  }
  f->at_line_start = 1;
}

static void put_comment(fmt *f, const sbp__datum *c) {
  size_t n = c->len;
  while (n > 0 && (c->text[n - 1] == ' ' || c->text[n - 1] == '\t' || c->text[n - 1] == '\r' ||
                   c->text[n - 1] == '\v' || c->text[n - 1] == '\f'))
    n--;
  put(f, (c->flags & SBP__DF_SHEBANG) ? "#!" : ";", (c->flags & SBP__DF_SHEBANG) ? 2u : 1u);
  put(f, c->text, n);
}

static void put_atom(fmt *f, const sbp__datum *d) {
  put(f, f->text + d->offset, sbp__datum_span(f->text, f->len, d));
  if (is_dot_symbol(d)) put(f, "\r", 1); /* `.` then a blank would read as a dot */
}

/* ---- printing ---------------------------------------------------------------------- */

typedef struct pframe {
  const sbp__datum *l;    /* NULL: the top level */
  const sbp__datum *next; /* the next child to print */
  const sbp__datum *cdr;
  size_t col0; /* column of the opener */
  size_t ind;  /* column of children on their own lines */
  uint32_t idx;
  uint8_t broken, head, need_nl, special, real_seen;
} pframe;

typedef struct pstack {
  pframe *v;
  size_t n, cap;
} pstack;

static const char *const special_heads[] = {"define", "lambda", "let",    "let*",
                                            "letrec", "letrec*", "if",    "when",
                                            "unless", "case",   "set!"};

static int is_special_head(const sbp__datum *d) {
  if (d == NULL || d->type != SBP__D_SYMBOL) return 0;
  for (size_t i = 0; i < sizeof(special_heads) / sizeof(special_heads[0]); i++)
    if (strlen(special_heads[i]) == d->len && memcmp(special_heads[i], d->text, d->len) == 0)
      return 1;
  return 0;
}

static int push(fmt *f, pstack *s, const sbp__datum *l) {
  if (s->n == s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 64;
    pframe *nv = sbp__realloc(f->alloc, s->v, ncap * sizeof(*nv));
    if (nv == NULL) return f->rc = SBP_E_NOMEM;
    s->v = nv;
    s->cap = ncap;
  }
  pframe *p = &s->v[s->n++];
  memset(p, 0, sizeof(*p));
  p->l = l;
  p->next = l ? l->first : NULL;
  return SBP_OK;
}

/* Prints the start of d at the current column: an atom whole, a list's opener (pushing a
 * frame for its children). Quote forms print their marks first. */
static int begin(fmt *f, pstack *s, const sbp__datum *d) {
  int after_comma = 0;
  while (is_quote_form(d)) {
    put(f, quote_mark(d), quote_mark_len(d));
    after_comma = (d->flags & SBP__DF_UNQUOTE) != 0;
    d = d->first->next;
  }
  if (!is_container(d)) {
    /* `,@x` would read as unquote-splicing: keep `, @x` apart */
    if (after_comma && d->offset < f->len && f->text[d->offset] == '@') put(f, " ", 1);
    put_atom(f, d);
    return f->rc;
  }
  size_t col0 = f->col;
  int broken = width_of(f, d) > (f->max_width > col0 ? f->max_width - col0 : 0);
  put(f, d->type == SBP__D_VECTOR ? "#(" : "(", d->type == SBP__D_VECTOR ? 2u : 1u);
  if (push(f, s, d) != SBP_OK) return f->rc;
  pframe *p = &s->v[s->n - 1];
  p->cdr = cdr_of(d);
  p->col0 = col0;
  p->ind = col0 + f->indent;
  p->broken = (uint8_t)broken;
  p->head = 1;
  return f->rc;
}

static int print_all(fmt *f, const sbp__datum *top) {
  pstack s = {NULL, 0, 0};
  if (push(f, &s, NULL) != SBP_OK) return f->rc;
  s.v[0].next = top;
  s.v[0].broken = 1;
  f->at_line_start = 1;
  while (s.n > 0 && f->rc == SBP_OK) {
    pframe *p = &s.v[s.n - 1];
    const sbp__datum *c = p->next;
    if (c == NULL) {
      if (p->l != NULL) {
        if (p->need_nl) newline(f, 0, p->col0);
        put(f, ")", 1);
      } else if (f->out.len > 0) {
        put(f, "\n", 1);
      }
      s.n--;
      continue;
    }
    p->next = c->next;
    uint32_t idx = p->idx++;
    if (!p->broken) {
      if (idx > 0) put(f, " ", 1);
      if (c == p->cdr) put(f, ". ", 2);
      begin(f, &s, c);
      continue;
    }
    int top_level = p->l == NULL;
    int blank = idx > 0 && c != p->cdr && (c->flags & SBP__DF_BLANK_BEFORE);
    if (c->type == SBP__D_COMMENT) {
      /* A trailing comment stays on its line, unless a comment already ends that line (two
       * quote marks with a comment after each, for example): the two would merge. */
      if (!(c->flags & SBP__DF_OWN_LINE) && !f->at_line_start && !p->need_nl) {
        put(f, " ", 1);
      } else if (!(top_level && idx == 0)) {
        newline(f, blank, p->ind);
      }
      put_comment(f, c);
      p->need_nl = 1;
      if (p->real_seen) p->head = 0;
      continue;
    }
    int same_line = 0;
    if (top_level) {
      same_line = idx == 0;
    } else if (!p->need_nl && c != p->cdr) {
      if (!p->real_seen) {
        same_line = 1; /* the head, right after the opener */
      } else if (p->head && !blank) {
        if (p->special)
          same_line = 1;
        else if (!is_container(c) && f->col + 1 + width_of(f, c) <= f->max_width)
          same_line = 1;
      }
    }
    if (same_line) {
      if (p->real_seen) put(f, " ", 1);
    } else {
      newline(f, blank, p->ind);
      if (p->real_seen) p->head = 0; /* a head moved to its own line keeps its atoms */
    }
    p->need_nl = 0;
    if (!top_level) {
      if (!p->real_seen) {
        p->special = (uint8_t)is_special_head(c);
        if (is_container(c)) p->head = 0;
      } else if (p->special || is_container(c)) {
        p->head = 0;
      }
    }
    p->real_seen = 1;
    if (c == p->cdr) put(f, ". ", 2);
    begin(f, &s, c);
  }
  sbp__free(f->alloc, s.v);
  return f->rc;
}

int sbp_format(const char *text, size_t len, const char *file, const sbp_format_options *opts,
               const sbp_alloc *alloc, sbp_buf *out, sbp_error *err) {
  if (out == NULL || (text == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "format: out and text are required");
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc))
    return sbp__error(err, SBP_E_INVALID_ARG, "format: the allocator is incomplete");
  sbp_format_options def = SBP_FORMAT_OPTIONS_INIT;
  if (opts == NULL) opts = &def;
  if (opts->version != SBP_FORMAT_OPTIONS_VERSION)
    return sbp__error(err, SBP_E_INVALID_ARG, "format: unknown options version %u",
                      (unsigned)opts->version);
  if (opts->indent > 16)
    return sbp__error(err, SBP_E_INVALID_ARG, "format: indent %u is above 16",
                      (unsigned)opts->indent);
  if (opts->max_width < 20)
    return sbp__error(err, SBP_E_INVALID_ARG, "format: max_width %u is below 20",
                      (unsigned)opts->max_width);
  if (text == NULL) text = "";
  sbp__arena arena;
  sbp__arena_init(&arena, alloc);
  sbp__datum *top = NULL;
  int rc = sbp__read(&arena, text, len, file, SBP__READ_COMMENTS, NULL, &top, err);
  fmt f;
  memset(&f, 0, sizeof(f));
  f.text = text;
  f.len = len;
  f.alloc = alloc;
  f.indent = opts->indent;
  f.max_width = opts->max_width;
  if (rc == SBP_OK) rc = measure(&f, top);
  if (rc == SBP_OK) rc = print_all(&f, top);
  if (rc == SBP_OK && f.out.ptr == NULL) rc = sbp__buf_grow(&f.out, alloc, 0) == SBP_OK
                                                  ? SBP_OK
                                                  : SBP_E_NOMEM;
  sbp__arena_release(&arena);
  if (rc != SBP_OK) {
    sbp_buf_dispose(&f.out);
    if (rc == SBP_E_NOMEM) sbp__nomem(err);
    return rc;
  }
  sbp__buf_move(out, &f.out);
  return SBP_OK;
}
