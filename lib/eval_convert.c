/* From the reader's datums to cells: converting a datum, reading a whole text into a list
 * of forms (sbp__eval_parse), the allowances of memory, steps and rules a text earns, and
 * the text being read form by form (eval_convert.h). */
#include "eval_convert.h"

#include <string.h>

/* ---- datums to cells ------------------------------------------------------------------- */

static cell *convert_atom(sbp__eval *ev, const sbp__datum *d) {
  cell *c = NULL;
  switch ((sbp__datum_type)d->type) {
    case SBP__D_SYMBOL:
      return sbp__eval_intern(ev, d->text, d->len);
    case SBP__D_STRING:
      return sbp__eval_str(ev, d->text, d->len);
    case SBP__D_INTEGER:
      return sbp__eval_int(ev, d->num);
    case SBP__D_BOOLEAN:
      return d->num ? ev->t : ev->f;
    case SBP__D_CHAR:
      c = sbp__eval_cell(ev, T_CHAR);
      if (c) c->u.i = d->num;
      return c;
    case SBP__D_REAL:
      c = sbp__eval_str(ev, d->text, d->len);
      if (c) c->type = T_REAL;
      return c;
    default:
      ev->file = d->file;
      ev->line = d->line;
      ev->col = d->column;
      sbp__eval_fail(ev, SBP_E_SYNTAX, "vectors are not supported");
      return NULL;
  }
}

typedef struct conv_entry {
  const sbp__datum *next; /* the next child to convert */
  cell **slot;            /* where the next pair (or the tail) goes */
  int dotted;
} conv_entry;

int sbp__eval_convert(sbp__eval *ev, const sbp__datum *d, cell **out) {
  if (d->type != SBP__D_LIST) {
    *out = convert_atom(ev, d);
    return *out ? SBP_OK : sbp__eval_fail_code(ev);
  }
  /* the stack starts on the C stack; deeper lists move it to the heap */
  conv_entry local[32];
  size_t cap = sizeof(local) / sizeof(local[0]), n = 0;
  conv_entry *st = local;
  int rc = SBP_OK;
  *out = ev->nil;
  if (d->first != NULL) {
    st[n].next = d->first;
    st[n].slot = out;
    st[n].dotted = (d->flags & SBP__DF_DOTTED) != 0;
    n++;
  }
  const sbp__datum *parent_for_first = d;
  int first_of_list = 1;
  while (n > 0) {
    conv_entry *top = &st[n - 1];
    const sbp__datum *child = top->next;
    if (child == NULL) {
      *top->slot = ev->nil;
      n--;
      first_of_list = 0;
      continue;
    }
    top->next = child->next;
    cell **target;
    if (top->dotted && child->next == NULL && !first_of_list) {
      target = top->slot; /* the cdr of the last pair */
      n--;                /* this list ends here */
    } else {
      cell *pair = sbp__eval_cell(ev, T_PAIR);
      if (pair == NULL) {
        rc = sbp__eval_fail_code(ev);
        break;
      }
      const sbp__datum *posd = first_of_list ? parent_for_first : child;
      pair->file = ev->conv_file;
      pair->line = posd->line;
      pair->col = posd->column;
      pair->u.p.cdr = ev->nil;
      *top->slot = pair;
      top->slot = &pair->u.p.cdr;
      target = &pair->u.p.car;
    }
    first_of_list = 0;
    if (child->type == SBP__D_LIST) {
      if (child->first == NULL) {
        *target = ev->nil;
        continue;
      }
      if (n == cap) {
        conv_entry *ns = st == local ? sbp__malloc(ev->alloc, cap * 2 * sizeof(*st))
                                     : sbp__realloc(ev->alloc, st, cap * 2 * sizeof(*st));
        if (ns == NULL) {
          rc = sbp__nomem(ev->err);
          break;
        }
        if (st == local) memcpy(ns, local, sizeof(local));
        st = ns;
        cap *= 2;
      }
      st[n].next = child->first;
      st[n].slot = target;
      st[n].dotted = (child->flags & SBP__DF_DOTTED) != 0;
      n++;
      parent_for_first = child;
      first_of_list = 1;
    } else if (child->type == SBP__D_COMMENT) {
      /* not produced without SBP__READ_COMMENTS */
      *target = ev->unspec;
    } else {
      cell *a = convert_atom(ev, child);
      if (a == NULL) {
        rc = sbp__eval_fail_code(ev);
        break;
      }
      *target = a;
    }
  }
  if (st != local) sbp__free(ev->alloc, st);
  return rc;
}

/* Adds `n` to a limit without overflow. */
static void raise_limit(size_t *limit, size_t n) {
  *limit = n > SIZE_MAX - *limit ? SIZE_MAX : *limit + n;
}

/* Adds the text's allowances of memory, steps and rules (for each limit the caller left to
 * its default): a declarative profile needs all three in proportion to its length, while a
 * small text that loops still stops at the fixed base. *file_out gets a copy of the file name
 * in the evaluator's arena (or NULL). */
int sbp__eval_allowance_and_file(sbp__eval *ev, size_t len, const char *file,
                                 const char **file_out) {
  *file_out = NULL;
  if (ev->opts->max_memory == 0)
    raise_limit(&ev->max_memory, len > SIZE_MAX / SBP__EVAL_MEMORY_PER_BYTE
                                     ? SIZE_MAX
                                     : len * SBP__EVAL_MEMORY_PER_BYTE);
  if (ev->opts->max_steps == 0)
    raise_limit(&ev->max_steps, len > SIZE_MAX / SBP__EVAL_STEPS_PER_BYTE
                                    ? SIZE_MAX
                                    : len * SBP__EVAL_STEPS_PER_BYTE);
  if (ev->opts->max_rules == 0) raise_limit(&ev->max_rules, len / SBP__EVAL_BYTES_PER_RULE);
  /* the file name must outlive the reader's arena: keep a copy in ours */
  if (file != NULL) {
    size_t fl = strlen(file);
    char *copy = sbp__eval_alloc(ev, fl + 1);
    if (copy == NULL) return sbp__eval_fail_code(ev);
    memcpy(copy, file, fl + 1);
    *file_out = copy;
  }
  return SBP_OK;
}

/* Reads text into datums in `ra` (initialised here; the caller releases it), after adding the
 * text's memory allowance; *file_out gets the copy of the file name. */
static int read_datums(sbp__eval *ev, sbp__arena *ra, const char *text, size_t len,
                       const char *file, size_t allowance, sbp__datum **out,
                       const char **file_out) {
  sbp__read_limits lim = {ev->max_nesting, ev->max_string, 0};
  sbp__arena_init(ra, ev->alloc);
  *out = NULL;
  int rc = sbp__eval_allowance_and_file(ev, allowance, file, file_out);
  if (rc) return rc;
  return sbp__read(ra, text, len, *file_out, 0, &lim, out, ev->err);
}

/* Converts one top-level datum into the one-element list of forms that sbp__eval_run takes. */
int sbp__eval_convert_top(sbp__eval *ev, const sbp__datum *x, const char *f, cell **out) {
  cell *c = NULL;
  int rc = sbp__eval_convert(ev, x, &c);
  if (rc) return rc;
  cell *pair = sbp__eval_cell(ev, T_PAIR);
  if (pair == NULL) return sbp__eval_fail_code(ev);
  pair->u.p.car = c;
  pair->u.p.cdr = ev->nil;
  pair->file = f;
  pair->line = x->line;
  pair->col = x->column;
  *out = pair;
  return SBP_OK;
}

int sbp__eval_parse(sbp__eval *ev, const char *text, size_t len, const char *file,
                    size_t allowance, cell **out) {
  sbp__datum *d = NULL;
  sbp__arena ra;
  const char *f = NULL;
  *out = NULL;
  int rc = read_datums(ev, &ra, text, len, file, allowance, &d, &f);
  if (rc) {
    sbp__arena_release(&ra);
    return rc;
  }
  const char *saved = ev->conv_file;
  ev->conv_file = f;
  cell *forms = ev->nil, **tail = &forms;
  for (sbp__datum *x = d; x != NULL; x = x->next) {
    cell *pair = NULL;
    if ((rc = sbp__eval_convert_top(ev, x, f, &pair)) != 0) break;
    *tail = pair;
    tail = &pair->u.p.cdr;
  }
  ev->conv_file = saved;
  sbp__arena_release(&ra);
  if (rc == SBP_OK) *out = forms;
  return rc;
}

/* Reads the rest of the text once, for a syntax error, a limit or a vector there (not
 * reported when have_vector: the running form holds the text's first). */
int sbp__eval_check_rest(sbp__text_run *t, int have_vector) {
  if (t->checked || t->reader == NULL) return SBP_OK;
  t->checked = 1;
  sbp__datum vector;
  int rc = sbp__read_check_rest(t->reader, &vector);
  if (rc == SBP_OK && vector.line != 0 && !have_vector) {
    t->ev->file = t->file;
    t->ev->line = vector.line;
    t->ev->col = vector.column;
    rc = sbp__eval_fail(t->ev, SBP_E_SYNTAX, "vectors are not supported");
  }
  return rc;
}

int sbp__eval_check_text(sbp__eval *ev) {
  return ev->reading != NULL ? sbp__eval_check_rest(ev->reading, 0) : SBP_OK;
}
