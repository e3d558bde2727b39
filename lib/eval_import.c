/* Imports: (import "x") resolved through the caller's resolver, relative to
 * (param "IMPORT_DIR"), bounded in depth, count and bytes, with cycles refused; or kept as
 * an import node when unresolved imports are kept (eval_import.h). */
#include "eval_import.h"

#include <string.h>

#include "buf.h"
#include "eval_convert.h"

static const char *param_value(const sbp__eval *ev, const char *key) {
  const sbp_read_options *o = ev->opts;
  for (size_t i = 0; o->params != NULL && i < o->nparams; i++)
    if (o->params[2 * i] != NULL && strcmp(o->params[2 * i], key) == 0)
      return o->params[2 * i + 1];
  return NULL;
}

static int keep_import(sbp__eval *ev, const char *name, size_t len) {
  if (memchr(name, '\0', len) != NULL)
    return sbp__eval_fail(ev, SBP_E_EVAL, "import: the name contains a NUL byte");
  sbp_node *n = sbp__node_alloc(ev->prof, SBP_NODE_IMPORT, 0);
  if (n == NULL || sbp__node_set_text(n, name, len) != SBP_OK) return sbp__nomem(ev->err);
  const char *pf = NULL;
  if (ev->file != NULL && sbp__profile_file(ev->prof, ev->file, strlen(ev->file), &pf) != SBP_OK)
    return sbp__nomem(ev->err);
  n->file = pf;
  n->line = ev->line;
  n->column = ev->col;
  sbp__node_link_last(&ev->prof->root, n);
  return SBP_OK;
}

int sbp__eval_import(sbp__eval *ev, cell *arg, cell **forms, const char **file_out) {
  *forms = NULL;
  *file_out = NULL;
  if (arg->type == T_PARAM || arg->type == T_CONCAT)
    return sbp__eval_fail(ev, SBP_E_EVAL, "import: the value of a parameter is needed but none was given");
  if (arg->type != T_STR)
    return sbp__eval_fail(ev, SBP_E_EVAL, "import: expected a string, got %s",
                          sbp__eval_type_name(arg));
  if (ev->version == 0)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "unbound variable: import (version must come before import)");
  if (ev->nimports >= ev->max_import_depth)
    return sbp__eval_fail(ev, SBP_E_LIMIT, "imports nested too deeply (limit %zu)",
                          ev->max_import_depth);
  if (ev->nimported >= SBP__EVAL_MAX_IMPORTS)
    return sbp__eval_fail(ev, SBP_E_LIMIT, "too many imports (limit %zu)",
                          SBP__EVAL_MAX_IMPORTS);
  /* a relative name is looked up in (param "IMPORT_DIR") when that is set */
  const char *name = arg->u.str.s;
  size_t len = arg->u.str.len;
  const char *dir = param_value(ev, "IMPORT_DIR");
  if (dir != NULL && len > 0 && name[0] != '/') {
    size_t dl = strlen(dir);
    int slash = dl > 0 && dir[dl - 1] != '/';
    char *joined = sbp__eval_alloc(ev, dl + (size_t)slash + len + 1);
    if (joined == NULL) return sbp__eval_fail_code(ev);
    memcpy(joined, dir, dl);
    if (slash) joined[dl] = '/';
    memcpy(joined + dl + (size_t)slash, name, len);
    len += dl + (size_t)slash;
    joined[len] = '\0';
    name = joined;
  }
  char shown[200];
  shown[0] = '\0';
  sbp__error_quote(shown, sizeof(shown), name, len, 160);
  if (ev->opts->import == NULL) {
    if (ev->flags & SBP_READ_KEEP_UNRESOLVED_IMPORTS) return keep_import(ev, arg->u.str.s, arg->u.str.len);
    return sbp__eval_fail(ev, SBP_E_NOT_FOUND, "unable to open %s", shown);
  }
  /* the whole text must be known to read before the caller sees its resolver called */
  int rc = sbp__eval_check_text(ev);
  if (rc != SBP_OK) return rc;
  sbp_buf text = SBP_BUF_INIT, fname = SBP_BUF_INIT;
  sbp_error ierr = SBP_ERROR_INIT;
  rc = ev->opts->import(name, len, ev->file, &text, &fname, &ierr, ev->opts->import_payload);
  if (rc == SBP_E_NOT_FOUND) {
    sbp_buf_dispose(&text);
    sbp_buf_dispose(&fname);
    if (ev->flags & SBP_READ_KEEP_UNRESOLVED_IMPORTS)
      return keep_import(ev, arg->u.str.s, arg->u.str.len);
    return sbp__eval_fail(ev, SBP_E_NOT_FOUND, "unable to open %s", shown);
  }
  if (rc != SBP_OK) {
    sbp_buf_dispose(&text);
    sbp_buf_dispose(&fname);
    if (rc == SBP_E_NOMEM) return sbp__nomem(ev->err);
    return sbp__eval_fail(ev, rc, "unable to open %s: %s", shown,
                          ierr.message[0] ? ierr.message : sbp_strerror(rc));
  }
  /* the name positions will use */
  const char *fn = fname.len ? fname.ptr : name;
  size_t fl = fname.len ? fname.len : len;
  char *fcopy = sbp__eval_alloc(ev, fl + 1);
  if (fcopy == NULL) {
    sbp_buf_dispose(&text);
    sbp_buf_dispose(&fname);
    return sbp__eval_fail_code(ev);
  }
  memcpy(fcopy, fn, fl);
  fcopy[fl] = '\0';
  sbp_buf_dispose(&fname);
  /* cycles: the same file already being imported (or the file being evaluated) */
  for (size_t i = 0; i < ev->nimports; i++)
    if (strcmp(ev->imports[i], fcopy) == 0) {
      sbp_buf_dispose(&text);
      return sbp__eval_fail(ev, SBP_E_EVAL, "import cycle: %s imports itself", shown);
    }
  if (ev->nimports == ev->importcap) {
    size_t ncap = ev->importcap ? ev->importcap * 2 : 8;
    const char **ni = sbp__realloc(ev->alloc, (void *)ev->imports, ncap * sizeof(*ni));
    if (ni == NULL) {
      sbp_buf_dispose(&text);
      return sbp__nomem(ev->err);
    }
    ev->imports = ni;
    ev->importcap = ncap;
  }
  /* Imported text is bounded in total, and earns a memory allowance only up to
   * SBP__EVAL_IMPORT_ALLOWANCE: a fan-out of imports must not buy memory without end. */
  if (text.len > SBP__EVAL_MAX_IMPORT_BYTES - ev->imported_bytes) {
    sbp_buf_dispose(&text);
    return sbp__eval_fail(ev, SBP_E_LIMIT, "imported text exceeds %zu bytes in total",
                          SBP__EVAL_MAX_IMPORT_BYTES);
  }
  size_t allowance = ev->imported_bytes >= SBP__EVAL_IMPORT_ALLOWANCE
                         ? 0
                         : SBP__EVAL_IMPORT_ALLOWANCE - ev->imported_bytes;
  if (allowance > text.len) allowance = text.len;
  ev->imported_bytes += text.len;
  ev->nimported++;
  cell *f = NULL;
  const char *saved_file = ev->file;
  uint32_t sl = ev->line, sc = ev->col;
  rc = sbp__eval_parse(ev, text.ptr ? text.ptr : "", text.len, fcopy, allowance, &f);
  sbp_buf_dispose(&text);
  if (rc) return rc;
  ev->file = saved_file;
  ev->line = sl;
  ev->col = sc;
  ev->imports[ev->nimports++] = fcopy;
  *forms = f;
  *file_out = fcopy;
  return SBP_OK;
}
