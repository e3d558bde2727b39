/* The linter: the table of checks, the result object, the checks on the text (the reader's
 * datum tree) and the entry points. The checks on the evaluated profile are in lint_rules.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "datum.h"
#include "error.h"
#include "lint_impl.h"
#include "node.h"
#include "sbprofile/catalog.h"
#include "sbprofile/lint.h"
#include "sbprofile/read.h"

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

static int result_new(sbp_lint_result **out, const sbp_alloc *alloc, uint32_t flags) {
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

static const char *intern_file(sbp_lint_result *r, const char *file) {
  if (file == NULL || file[0] == '\0') return NULL;
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
  char *msg = sbp__arena_alloc(&r->arena, (size_t)need + 1);
  if (msg == NULL) return SBP_E_NOMEM;
  if ((size_t)need < sizeof small) {
    memcpy(msg, small, (size_t)need + 1);
  } else {
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)need + 1, fmt, ap);
    va_end(ap);
  }
  const char *fixc = NULL;
  if (fix != NULL) {
    fixc = sbp__arena_strndup(&r->arena, fix, fix_len);
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
static void sort_diags(sbp_lint_result *r) {
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

/* ---- checks on the text ---------------------------------------------------------------- */

typedef struct text_state {
  sbp_lint_result *r;
  int saw_version;             /* a (version ...) anywhere */
  int saw_toplevel_version;
  /* Where the first top-level (import ...) before any version is. Copied, not pointed to:
   * each source's datums are freed before the next source is read. */
  int saw_import;
  const char *import_file; /* the caller's sources[i].file, which outlives the call */
  uint32_t import_line, import_column;
  const char *file; /* the caller's name of the source being checked */
  uint32_t macos;
} text_state;

static int is_symbol(const sbp__datum *d, const char *name) {
  return d && d->type == SBP__D_SYMBOL && strcmp(d->text, name) == 0;
}

static int is_protocol(const sbp__datum *d) {
  static const char *const protos[] = {"ip", "ip4", "ip6", "tcp", "tcp4", "tcp6",
                                       "udp", "udp4", "udp6"};
  if (d == NULL || d->type != SBP__D_SYMBOL) return 0;
  for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
    if (strcmp(d->text, protos[i]) == 0) return 1;
  return 0;
}

/* A raw string whose bytes end in a backslash was meant to hold \" : report it, with the
 * ordinary string the author probably meant as the fix. */
static int check_raw_quote(text_state *st, const sbp__datum *d, const char *text, size_t len) {
  int rc;
  sbp_buf fix = SBP_BUF_INIT;
  const sbp_alloc *a = &st->r->alloc;
  /* The intended text runs on to the next quote that no backslash precedes. */
  size_t start = d->offset + 2, end = start;
  if (text != NULL && start <= len) {
    end = start;
    while (end < len && !(text[end] == '"' && (end == start || text[end - 1] != '\\'))) end++;
    if (end >= len) end = start + d->len;
    rc = sbp__buf_putc(&fix, a, '"');
    for (size_t i = start; rc == SBP_OK && i < end; i++) {
      char c = text[i];
      if (c == '\\' && i + 1 < end && text[i + 1] == '"') {
        rc = sbp__buf_put(&fix, a, "\\\"", 2);
        i++;
      } else if (c == '\\') {
        rc = sbp__buf_put(&fix, a, "\\\\", 2);
      } else if (c == '"') {
        rc = sbp__buf_put(&fix, a, "\\\"", 2);
      } else {
        rc = sbp__buf_putc(&fix, a, c);
      }
    }
    if (rc == SBP_OK) rc = sbp__buf_putc(&fix, a, '"');
    if (rc != SBP_OK) {
      sbp_buf_dispose(&fix);
      return rc;
    }
  }
  rc = sbp__lint_add(st->r, SBP__L_RAW_STRING_QUOTE, 0, d->file, d->line, d->column,
                     fix.ptr, fix.len,
                     "raw string #\"...\" ends at the first '\"': the backslash before it "
                     "does not escape it (no raw string can hold a quote); use an ordinary "
                     "string with \\\"");
  sbp_buf_dispose(&fix);
  return rc;
}

/* (remote|local|from|to PROTO "HOST:PORT"): the host must be * or localhost. */
static int check_netaddr(text_state *st, const sbp__datum *list) {
  const sbp__datum *head = list->first;
  while (head && head->type == SBP__D_COMMENT) head = head->next;
  if (!(is_symbol(head, "remote") || is_symbol(head, "local") || is_symbol(head, "from") ||
        is_symbol(head, "to")))
    return SBP_OK;
  const sbp__datum *proto = head->next;
  while (proto && proto->type == SBP__D_COMMENT) proto = proto->next;
  if (!is_protocol(proto)) return SBP_OK;
  const sbp__datum *addr = proto->next;
  while (addr && addr->type == SBP__D_COMMENT) addr = addr->next;
  if (addr == NULL || addr->type != SBP__D_STRING) return SBP_OK;
  const char *s = addr->text;
  const char *colon = strrchr(s, ':');
  if (colon == NULL) {
    return sbp__lint_add(st->r, SBP__L_NETWORK_HOST, 0, addr->file, addr->line, addr->column,
                         "\"*:*\"", 5,
                         "network address \"%s\" is not HOST:PORT (HOST * or localhost, PORT * "
                         "or a number)",
                         s);
  }
  size_t hlen = (size_t)(colon - s);
  if ((hlen == 1 && s[0] == '*') || (hlen == 9 && memcmp(s, "localhost", 9) == 0))
    return SBP_OK;
  int loopback = (hlen >= 4 && memcmp(s, "127.", 4) == 0) ||
                 (hlen == 3 && memcmp(s, "::1", 3) == 0) ||
                 (hlen == 5 && memcmp(s, "[::1]", 5) == 0);
  char fix[128];
  int n = snprintf(fix, sizeof fix, "\"%s:%.*s\"", loopback ? "localhost" : "*",
                   (int)(strlen(colon + 1) > 64 ? 64 : strlen(colon + 1)), colon + 1);
  if (n < 0) n = 0;
  return sbp__lint_add(st->r, SBP__L_NETWORK_HOST, 0, addr->file, addr->line, addr->column, fix,
                       (size_t)n < sizeof fix ? (size_t)n : sizeof fix - 1,
                       "network host '%.*s' is not * or localhost: libsandbox rejects it "
                       "(\"host must be * or localhost in network address\")%s",
                       (int)(hlen > 100 ? 100 : hlen), s,
                       loopback ? "" : "; SBPL cannot name other hosts");
}

/* The n-th datum of a list that is not a comment (0: the head), or NULL. */
static const sbp__datum *nth_datum(const sbp__datum *list, size_t n) {
  const sbp__datum *d = list->first;
  for (;; d = d->next) {
    while (d && d->type == SBP__D_COMMENT) d = d->next;
    if (d == NULL || n == 0) return d;
    n--;
  }
}

static int report_ignored(text_state *st, const sbp__datum *extra, const char *what,
                          const char *name) {
  return sbp__lint_add(st->r, SBP__L_IGNORED_EXPRESSION, 0, extra->file, extra->line,
                       extra->column, NULL, 0,
                       "%s %s has more than one expression: libsandbox (TinyScheme) binds the "
                       "first and never evaluates this one or any after it",
                       what, name);
}

/* (define NAME E1 E2 ...) and let bindings (NAME E1 E2 ...): only E1 counts. */
static int check_ignored(text_state *st, const sbp__datum *list) {
  const sbp__datum *head = nth_datum(list, 0);
  if (head == NULL || head->type != SBP__D_SYMBOL) return SBP_OK;
  if (strcmp(head->text, "define") == 0) {
    const sbp__datum *target = nth_datum(list, 1), *extra = nth_datum(list, 3);
    if (target && target->type == SBP__D_SYMBOL && extra)
      return report_ignored(st, extra, "define of", target->text);
    return SBP_OK;
  }
  if (strcmp(head->text, "let") != 0 && strcmp(head->text, "let*") != 0 &&
      strcmp(head->text, "letrec") != 0)
    return SBP_OK;
  const sbp__datum *bindings = nth_datum(list, 1);
  if (bindings && bindings->type == SBP__D_SYMBOL) bindings = nth_datum(list, 2); /* named */
  if (bindings == NULL || bindings->type != SBP__D_LIST) return SBP_OK;
  for (const sbp__datum *b = bindings->first; b; b = b->next) {
    if (b->type != SBP__D_LIST) continue;
    const sbp__datum *name = nth_datum(b, 0), *extra = nth_datum(b, 2);
    if (name && name->type == SBP__D_SYMBOL && extra) {
      int rc = report_ignored(st, extra, "the binding of", name->text);
      if (rc != SBP_OK) return rc;
    }
  }
  return SBP_OK;
}

/* Walks one text's datums (iteratively) for the text-level checks. */
static int check_datums(text_state *st, const sbp__datum *top, const char *text, size_t len) {
  int rc = SBP_OK;
  /* Top-level order of version and import. */
  for (const sbp__datum *d = top; d; d = d->next) {
    if (d->type != SBP__D_LIST) continue;
    const sbp__datum *h = d->first;
    if (is_symbol(h, "version")) {
      if (!st->saw_toplevel_version && st->saw_import) {
        rc = sbp__lint_add(st->r, SBP__L_VERSION_AFTER_IMPORT, 0, d->file, d->line, d->column,
                           NULL, 0,
                           "(version 1) comes after the (import ...) at %s%s%u:%u: import is "
                           "defined by version 1, so it must come first",
                           st->import_file ? st->import_file : "", st->import_file ? ":" : "",
                           st->import_line, st->import_column);
        if (rc != SBP_OK) return rc;
      }
      st->saw_toplevel_version = 1;
    } else if (is_symbol(h, "import") && !st->saw_toplevel_version && !st->saw_import) {
      st->saw_import = 1;
      st->import_file = st->file;
      st->import_line = d->line;
      st->import_column = d->column;
    }
  }
  /* Every datum. */
  size_t cap = 64, n = 0;
  const sbp__datum **stack = sbp__malloc(&st->r->alloc, cap * sizeof *stack);
  if (stack == NULL) return SBP_E_NOMEM;
  for (const sbp__datum *d = top; d; d = d->next) {
    n = 0;
    stack[n++] = d;
    while (n > 0 && rc == SBP_OK) {
      const sbp__datum *x = stack[--n];
      if (x->type == SBP__D_STRING) {
        if ((x->flags & SBP__DF_RAW) && x->len > 0 && x->text[x->len - 1] == '\\')
          rc = check_raw_quote(st, x, text, len);
        if (rc == SBP_OK && x->len >= 256)
          rc = sbp__lint_add(st->r, SBP__L_LONG_STRING, 0, x->file, x->line, x->column, NULL, 0,
                             "string literal of %zu bytes: Apple's reader may reject literals "
                             "of 256 bytes or more; pass it as a parameter with (param ...)",
                             x->len);
      } else if (x->type == SBP__D_LIST || x->type == SBP__D_VECTOR) {
        if (x->type == SBP__D_LIST) {
          if (is_symbol(x->first, "version")) st->saw_version = 1;
          rc = check_netaddr(st, x);
          if (rc == SBP_OK) rc = check_ignored(st, x);
        }
        for (const sbp__datum *c = x->first; c && rc == SBP_OK; c = c->next) {
          if (n == cap) {
            const sbp__datum **ns = sbp__realloc(&st->r->alloc, stack, cap * 2 * sizeof *ns);
            if (ns == NULL) {
              rc = SBP_E_NOMEM;
              break;
            }
            stack = ns;
            cap *= 2;
          }
          stack[n++] = c;
        }
      }
    }
    if (rc != SBP_OK) break;
  }
  sbp__free(&st->r->alloc, stack);
  return rc;
}

/* ---- entry points ---------------------------------------------------------------------- */

static int resolve_target(uint32_t macos, uint32_t *out, sbp_error *err) {
  uint32_t v = macos ? sbp_catalog_version_nearest(macos) : sbp_catalog_newest();
  if (v == 0 || !(sbp_catalog_version_flags(v) & SBP_CATALOG_TARGET))
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "macOS %u.%u.%u is older than every version the catalog knows",
                      (unsigned)(macos >> 16), (unsigned)((macos >> 8) & 0xffu),
                      (unsigned)(macos & 0xffu));
  *out = v;
  return SBP_OK;
}

static int add_error_diag(sbp_lint_result *r, int check, const sbp_error *e,
                          const char *fallback_file) {
  const char *file = e->file[0] ? e->file : fallback_file;
  return sbp__lint_add(r, check, 0, file, e->line, e->column, NULL, 0, "%s",
                       e->message[0] ? e->message : sbp_strerror(e->code));
}

int sbp_lint_sources(const sbp_source *sources, size_t nsources, const sbp_lint_options *opts,
                     const sbp_alloc *alloc, sbp_lint_result **out, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out is NULL");
  *out = NULL;
  if (sources == NULL || nsources == 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "no sources");
  for (size_t i = 0; i < nsources; i++)
    if (sources[i].text == NULL && sources[i].len > 0)
      return sbp__error(err, SBP_E_INVALID_ARG, "source %zu has no text", i);
  sbp_lint_options defaults = SBP_LINT_OPTIONS_INIT;
  if (opts == NULL) opts = &defaults;
  if (opts->version != SBP_LINT_OPTIONS_VERSION)
    return sbp__error(err, SBP_E_INVALID_ARG, "unknown sbp_lint_options version %u",
                      (unsigned)opts->version);
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc)) return sbp__error(err, SBP_E_INVALID_ARG, "incomplete allocator");
  uint32_t target = 0;
  int rc = resolve_target(opts->macos, &target, err);
  if (rc != SBP_OK) return rc;

  sbp_lint_result *r;
  if (result_new(&r, alloc, opts->flags) != SBP_OK) return sbp__nomem(err);

  text_state st;
  memset(&st, 0, sizeof st);
  st.r = r;
  st.macos = target;
  int readable = 1;
  for (size_t i = 0; i < nsources && rc == SBP_OK; i++) {
    sbp__arena arena;
    sbp__arena_init(&arena, alloc);
    sbp__datum *top = NULL;
    sbp_error rerr = SBP_ERROR_INIT;
    int rrc = sbp__read(&arena, sources[i].text, sources[i].len, sources[i].file, 0, NULL, &top,
                        &rerr);
    if (rrc == SBP_E_NOMEM) {
      rc = SBP_E_NOMEM;
    } else if (rrc != SBP_OK) {
      readable = 0;
      rc = add_error_diag(r, SBP__L_SYNTAX_ERROR, &rerr, sources[i].file);
    } else {
      st.file = sources[i].file;
      rc = check_datums(&st, top, sources[i].text, sources[i].len);
    }
    sbp__arena_release(&arena);
  }
  if (rc == SBP_OK && readable && !st.saw_version) {
    const char *file = sources[0].file;
    rc = sbp__lint_add(r, SBP__L_MISSING_VERSION, 0, file, 1, 1, "(version 1)", 11,
                       "no (version 1): libsandbox fails with \"no version specified\"");
  }

  if (rc == SBP_OK && readable) {
    sbp_read_options ropts = SBP_READ_OPTIONS_INIT;
    if (opts->read != NULL) {
      /* a version 1 struct ends before the entitlements */
      if (opts->read->version == 1)
        memcpy(&ropts, opts->read, offsetof(sbp_read_options, entitlements));
      else
        ropts = *opts->read;
    } else {
      ropts.flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
    }
    ropts.flags |= SBP_READ_UNKNOWN_OPERATIONS; /* reported as unknown-operation */
    /* A named target reads the profile as that version does (its aliases: iokit-open stays
     * iokit-open on 10.15), names of other versions kept for the checks to report. */
    if (opts->macos != 0 && ropts.macos == 0) {
      ropts.macos = target;
      ropts.flags |= SBP_READ_OTHER_VERSION_NAMES;
    }
    /* Without (version 1) libsandbox stops at once; the profile checks still run, with the
     * version assumed, so that a fragment is checked too (the result says it did not
     * evaluate). */
    const sbp_source *srcs = sources;
    size_t nsrcs = nsources;
    sbp_source *with_version = NULL;
    if (!st.saw_version) {
      with_version = sbp__calloc(alloc, nsources + 1, sizeof *with_version);
      if (with_version == NULL) rc = SBP_E_NOMEM;
      else {
        with_version[0].text = "(version 1)\n";
        with_version[0].len = 12;
        with_version[0].file = "<assumed>";
        memcpy(with_version + 1, sources, nsources * sizeof *sources);
        srcs = with_version;
        nsrcs = nsources + 1;
      }
    }
    sbp_profile *p = NULL;
    sbp_error eerr = SBP_ERROR_INIT;
    int erc = rc == SBP_OK ? sbp_profile_read_sources(&p, srcs, nsrcs, &ropts, alloc, &eerr)
                           : SBP_E_NOMEM;
    if (erc == SBP_E_NOMEM) {
      rc = SBP_E_NOMEM;
    } else if (erc == SBP_E_INVALID_ARG) {
      /* The caller's read options are wrong, not the profile. */
      if (err != NULL) *err = eerr;
      rc = SBP_E_INVALID_ARG;
    } else if (erc != SBP_OK) {
      rc = add_error_diag(r, SBP__L_EVAL_ERROR, &eerr, sources[0].file);
    } else {
      r->evaluated = st.saw_version;
      r->sources = srcs;
      r->nsources = nsrcs;
      rc = sbp__lint_profile_checks(r, p, target, err);
      sbp__lint_release_lines(r);
      r->sources = NULL;
      r->nsources = 0;
    }
    sbp__free(alloc, with_version);
    sbp_profile_free(p);
  }
  if (rc != SBP_OK) {
    sbp_lint_result_free(r);
    if (rc == SBP_E_NOMEM) return sbp__nomem(err);
    return rc;
  }
  sort_diags(r);
  *out = r;
  return SBP_OK;
}

int sbp_lint_text(const char *text, size_t len, const char *file, const sbp_lint_options *opts,
                  const sbp_alloc *alloc, sbp_lint_result **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (text == NULL && len > 0) return sbp__error(err, SBP_E_INVALID_ARG, "text is NULL");
  sbp_source src;
  src.text = text ? text : "";
  src.len = len;
  src.file = file;
  return sbp_lint_sources(&src, 1, opts, alloc, out, err);
}

int sbp_lint_profile(const sbp_profile *profile, const sbp_lint_options *opts,
                     sbp_lint_result **out, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out is NULL");
  *out = NULL;
  if (profile == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile is NULL");
  sbp_lint_options defaults = SBP_LINT_OPTIONS_INIT;
  if (opts == NULL) opts = &defaults;
  if (opts->version != SBP_LINT_OPTIONS_VERSION)
    return sbp__error(err, SBP_E_INVALID_ARG, "unknown sbp_lint_options version %u",
                      (unsigned)opts->version);
  uint32_t target = 0;
  int rc = resolve_target(opts->macos, &target, err);
  if (rc != SBP_OK) return rc;
  rc = sbp_node_validate(sbp_profile_root(profile), err);
  if (rc != SBP_OK) return rc;
  /* The result uses the profile's allocator. */
  sbp_lint_result *r;
  if (result_new(&r, &profile->alloc, opts->flags) != SBP_OK) return sbp__nomem(err);
  r->evaluated = 1;
  if (sbp_profile_version(profile) == 0)
    rc = sbp__lint_add(r, SBP__L_MISSING_VERSION, 0, NULL, 0, 0, "(version 1)", 11,
                       "the profile has no version: its text will lack (version 1)");
  if (rc == SBP_OK) rc = sbp__lint_profile_checks(r, profile, target, err);
  if (rc != SBP_OK) {
    sbp_lint_result_free(r);
    return rc == SBP_E_NOMEM ? sbp__nomem(err) : rc;
  }
  sort_diags(r);
  *out = r;
  return SBP_OK;
}

/* ---- finding a literal inside a form ----------------------------------------------------- */

/* Offset of line:column (1-based, bytes) in text, or len when past the end. */
static size_t offset_of(const char *text, size_t len, uint32_t line, uint32_t column) {
  size_t off = 0;
  for (uint32_t l = 1; l < line && off < len; l++) {
    const char *nl = memchr(text + off, '\n', len - off);
    if (nl == NULL) return len;
    off = (size_t)(nl - text) + 1;
  }
  if (column == 0) return off;
  return off + (column - 1) <= len ? off + (column - 1) : len;
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
    if (t == NULL || line == 0 || line > n || column == 0) return SBP_E_NOT_FOUND;
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
