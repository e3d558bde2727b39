/* The linter's table of checks and its result object. */
#include "lint_result.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table of checks ------------------------------------------------------------- */

typedef struct lint_check_row {
  const char *code;
  int severity;
  const char *summary;
} lint_check_row;

static const lint_check_row lint_checks[SBP__L_NCHECKS] = {
    {"syntax-error", SBP_LINT_ERROR, "the text does not read as SBPL"},
    {"eval-error", SBP_LINT_ERROR, "the profile does not evaluate (as sandbox-exec would fail)"},
    {"unknown-operation", SBP_LINT_ERROR,
     "an operation the target macOS version does not know (the versions that do are named)"},
    {"unknown-filter", SBP_LINT_ERROR, "a filter the target macOS version does not know"},
    {"unknown-modifier", SBP_LINT_ERROR, "a modifier the target macOS version does not know"},
    {"unknown-constant", SBP_LINT_ERROR,
     "a named constant the filter does not know on the target macOS version"},
    {"filter-not-accepted", SBP_LINT_WARNING,
     "a filter whose category the operation does not accept: it never matches there"},
    {"modifier-not-accepted", SBP_LINT_WARNING,
     "a modifier that does not apply to the rule's action (report on deny, ...)"},
    {"relative-path", SBP_LINT_WARNING, "a relative path in a path filter: it never matches"},
    {"unnormalized-path", SBP_LINT_WARNING,
     "a path with //, /./, /../ or a trailing /: the kernel compares normalized paths"},
    {"symlinked-path", SBP_LINT_WARNING,
     "a path under /tmp, /var or /etc: the kernel sees /private/..., so it never matches"},
    {"network-host", SBP_LINT_ERROR, "a network address whose host is not * or localhost"},
    {"raw-string-quote", SBP_LINT_ERROR,
     "a raw string #\"...\" written with \\\": it ends at that quote"},
    {"long-string", SBP_LINT_WARNING,
     "a string literal of 256 bytes or more (Apple's reader may reject it)"},
    {"regex-unsupported", SBP_LINT_ERROR, "a regex using what the SBPL dialect lacks"},
    {"regex-doubtful", SBP_LINT_WARNING, "a regex using what the dialect may not support ({m,n})"},
    {"shadowed-rule", SBP_LINT_WARNING,
     "a rule that never decides: later rules decide first for everything it matches"},
    {"duplicate-rule", SBP_LINT_WARNING, "a rule that repeats an earlier one"},
    {"unfiltered-after-filtered", SBP_LINT_WARNING,
     "an unfiltered rule after filtered rules of the other action on the same operation: it "
     "does not override them (semantics.md 3.2)"},
    {"missing-version", SBP_LINT_ERROR, "no (version 1)"},
    {"version-after-import", SBP_LINT_ERROR, "(version 1) after an (import ...)"},
    {"no-default", SBP_LINT_WARNING,
     "no default rule: what no rule decides is left unknown"},
    {"allow-default", SBP_LINT_WARNING,
     "(allow default): everything not denied is allowed"},
    {"broad-grant", SBP_LINT_NOTE,
     "a broad grant: file-write* on /, unfiltered mach-lookup, network*"},
    {"rule-size", SBP_LINT_WARNING,
     "a rule whose filters come near (or pass) the 65,535-byte limit"},
    {"rename-bypass", SBP_LINT_NOTE,
     "a read deny that renaming an ancestor can bypass (file-write-unlink is allowed there)"},
    {"missing-import", SBP_LINT_ERROR,
     "an import that cannot be found: sandbox-exec fails, and its rules are unknown"},
    {"ignored-expression", SBP_LINT_WARNING,
     "a define or let binding with more than one expression: TinyScheme keeps the first and "
     "never evaluates the rest"},
};

size_t sbp_lint_check_count(void) { return SBP__L_NCHECKS; }

const char *sbp_lint_check_code(size_t i) {
  return i < SBP__L_NCHECKS ? lint_checks[i].code : NULL;
}

int sbp_lint_check_severity(size_t i) {
  return i < SBP__L_NCHECKS ? lint_checks[i].severity : 0;
}

const char *sbp_lint_check_summary(size_t i) {
  return i < SBP__L_NCHECKS ? lint_checks[i].summary : NULL;
}

const char *sbp_lint_severity_name(int severity) {
  switch (severity) {
    case SBP_LINT_NOTE: return "note";
    case SBP_LINT_WARNING: return "warning";
    case SBP_LINT_ERROR: return "error";
    default: return "unknown";
  }
}

/* ---- results ------------------------------------------------------------------------- */

int sbp__lint_result_new(sbp_lint_result **out, const sbp_alloc *alloc, uint32_t flags) {
  sbp_lint_result *r = sbp__calloc(alloc, 1, sizeof *r);
  if (r == NULL) return SBP_E_NOMEM;
  r->alloc = *alloc;
  sbp__arena_init(&r->arena, &r->alloc);
  r->flags = flags;
  *out = r;
  return SBP_OK;
}

void sbp_lint_result_free(sbp_lint_result *r) {
  if (r == NULL) return;
  sbp_alloc a = r->alloc;
  sbp__arena_release(&r->arena);
  sbp__free(&a, r->diags);
  sbp__free(&a, r);
}

size_t sbp_lint_count(const sbp_lint_result *r) { return r ? r->n : 0; }

int sbp_lint_evaluated(const sbp_lint_result *r) { return r ? r->evaluated : 0; }

size_t sbp_lint_count_at_least(const sbp_lint_result *r, int severity) {
  size_t n = 0;
  for (size_t i = 0; r && i < r->n; i++)
    if (r->diags[i].severity >= severity) n++;
  return n;
}

const char *sbp_lint_code(const sbp_lint_result *r, size_t i) {
  return r && i < r->n ? lint_checks[r->diags[i].check].code : NULL;
}

int sbp_lint_severity(const sbp_lint_result *r, size_t i) {
  return r && i < r->n ? r->diags[i].severity : 0;
}

const char *sbp_lint_message(const sbp_lint_result *r, size_t i) {
  return r && i < r->n ? r->diags[i].message : NULL;
}

const char *sbp_lint_fix(const sbp_lint_result *r, size_t i) {
  return r && i < r->n ? r->diags[i].fix : NULL;
}

void sbp_lint_position(const sbp_lint_result *r, size_t i, const char **file, uint32_t *line,
                       uint32_t *column) {
  if (r == NULL || i >= r->n) return;
  if (file) *file = r->diags[i].file;
  if (line) *line = r->diags[i].line;
  if (column) *column = r->diags[i].column;
}

/* file is not NULL nor empty (sbp__lint_add keeps those as NULL). */
static const char *intern_file(sbp_lint_result *r, const char *file) {
  if (r->last_file && strcmp(r->last_file, file) == 0) return r->last_file;
  /* Look through what is there already (few distinct files per run). */
  for (size_t i = r->n; i-- > 0;)
    if (r->diags[i].file && strcmp(r->diags[i].file, file) == 0) {
      r->last_file = r->diags[i].file;
      return r->last_file;
    }
  char *copy = sbp__arena_strndup(&r->arena, file, strlen(file));
  if (copy) r->last_file = copy;
  return copy;
}

/* A copy of s[0..len) in the result's arena with the control bytes written as SBPL writes
 * them in a string (\n, \t, \r, \xHH): messages and fixes quote the profile's strings, and
 * are printed to terminals, where such bytes would move the cursor or worse. */
static char *copy_escaped(sbp_lint_result *r, const char *s, size_t len) {
  size_t extra = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f) extra += 3;
  }
  if (extra == 0) return sbp__arena_strndup(&r->arena, s, len);
  char *out = sbp__arena_alloc(&r->arena, len + extra + 1), *d = out;
  if (out == NULL) return NULL;
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != 0x7f) {
      *d++ = (char)c;
    } else if (c == '\n' || c == '\t' || c == '\r') {
      *d++ = '\\';
      *d++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
    } else {
      *d++ = '\\';
      *d++ = 'x';
      *d++ = hex[c >> 4];
      *d++ = hex[c & 15];
    }
  }
  *d = '\0';
  return out;
}

int sbp__lint_add(sbp_lint_result *r, int check, int severity, const char *file, uint32_t line,
                  uint32_t column, const char *fix, size_t fix_len, const char *fmt, ...) {
  if (severity == 0) severity = lint_checks[check].severity;
  if (severity == SBP_LINT_NOTE && (r->flags & SBP_LINT_NO_NOTES)) return SBP_OK;
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    sbp__lint_diag *nd = sbp__realloc(&r->alloc, r->diags, cap * sizeof *nd);
    if (nd == NULL) return SBP_E_NOMEM;
    r->diags = nd;
    r->cap = cap;
  }
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (need < 0) need = 0;
  char *msg;
  if ((size_t)need < sizeof small) {
    msg = copy_escaped(r, small, (size_t)need);
  } else {
    char *whole = sbp__malloc(&r->alloc, (size_t)need + 1);
    if (whole == NULL) return SBP_E_NOMEM;
    va_start(ap, fmt);
    vsnprintf(whole, (size_t)need + 1, fmt, ap);
    va_end(ap);
    msg = copy_escaped(r, whole, (size_t)need);
    sbp__free(&r->alloc, whole);
  }
  if (msg == NULL) return SBP_E_NOMEM;
  const char *fixc = NULL;
  if (fix != NULL) {
    fixc = copy_escaped(r, fix, fix_len);
    if (fixc == NULL) return SBP_E_NOMEM;
  }
  const char *f = NULL;
  if (file != NULL && file[0] != '\0') {
    f = intern_file(r, file);
    if (f == NULL) return SBP_E_NOMEM;
  }
  sbp__lint_diag *d = &r->diags[r->n];
  d->check = check;
  d->severity = severity;
  d->file = f;
  d->line = line;
  d->column = column;
  d->message = msg;
  d->fix = fixc;
  d->seq = r->n;
  r->n++;
  return SBP_OK;
}

static int diag_cmp(const void *pa, const void *pb) {
  const sbp__lint_diag *a = pa, *b = pb;
  if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  if (a->column != b->column) return a->column < b->column ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

/* Sorts by file (in order of first appearance: file names are interned, so pointers
 * compare), then line, column and order of addition. */
void sbp__lint_sort(sbp_lint_result *r) {
  for (size_t i = 0; i < r->n; i++) {
    r->diags[i].rank = i;
    for (size_t k = 0; k < i; k++)
      if (r->diags[k].file == r->diags[i].file) {
        r->diags[i].rank = r->diags[k].rank;
        break;
      }
  }
  if (r->n > 1) qsort(r->diags, r->n, sizeof *r->diags, diag_cmp);
}
