/* The linter: the checks on the text (the reader's datum tree) and the entry points. The
 * table of checks and the result object are in lint_result.c, the checks on the evaluated
 * profile in lint_rules.c, finding a value's position in the text in lint_locate.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "datum.h"
#include "error.h"
#include "lint_locate.h"
#include "lint_result.h"
#include "lint_rules.h"
#include "node.h"
#include "sbprofile/catalog.h"
#include "sbprofile/lint.h"
#include "sbprofile/read.h"

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
  if (sbp__lint_result_new(&r, alloc, opts->flags) != SBP_OK) return sbp__nomem(err);

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
  sbp__lint_sort(r);
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
  if (sbp__lint_result_new(&r, &profile->alloc, opts->flags) != SBP_OK) return sbp__nomem(err);
  r->evaluated = 1;
  if (sbp_profile_version(profile) == 0)
    rc = sbp__lint_add(r, SBP__L_MISSING_VERSION, 0, NULL, 0, 0, "(version 1)", 11,
                       "the profile has no version: its text will lack (version 1)");
  if (rc == SBP_OK) rc = sbp__lint_profile_checks(r, profile, target, err);
  if (rc != SBP_OK) {
    sbp_lint_result_free(r);
    return rc == SBP_E_NOMEM ? sbp__nomem(err) : rc;
  }
  sbp__lint_sort(r);
  *out = r;
  return SBP_OK;
}
