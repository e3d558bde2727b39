/* The public reading API: options, parameters, the profile texts, and a ready-made import
 * resolver that searches directories (imports themselves: eval_import.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "sbprofile/catalog.h"
#include "eval.h"
#include "eval_sbpl.h"

/* An error raised while evaluating names a line and column: its byte offset is found in the
 * one source of that name. An imported text is gone by now, and two sources of the same name
 * cannot be told apart, so such errors keep offset 0. */
static void error_offset(sbp_error *err, const sbp_source *src, size_t n) {
  if (err->line == 0 || err->column == 0 || err->offset != 0) return;
  const sbp_source *named = NULL;
  for (size_t i = 0; i < n; i++) {
    const char *f = src[i].file ? src[i].file : "";
    if (strncmp(f, err->file, sizeof(err->file) - 1) != 0) continue;
    if (named != NULL) return;
    named = &src[i];
  }
  size_t off;
  if (named != NULL && named->text != NULL &&
      sbp__text_offset(named->text, named->len, err->line, err->column, &off))
    err->offset = off;
}

static int read_sources(sbp_profile **out, const sbp_source *src, size_t n,
                        const sbp_read_options *opts, const sbp_alloc *alloc, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out is NULL");
  *out = NULL;
  if (src == NULL || n == 0) return sbp__error(err, SBP_E_INVALID_ARG, "no text to read");
  sbp_read_options full = SBP_READ_OPTIONS_INIT;
  if (opts != NULL) {
    /* a version 1 struct ends before the entitlements: read only what it has */
    if (opts->version == 1)
      memcpy(&full, opts, offsetof(sbp_read_options, entitlements));
    else if (opts->version == SBP_READ_OPTIONS_VERSION)
      full = *opts;
    else
      return sbp__error(err, SBP_E_INVALID_ARG, "sbp_read_options: unknown version %u",
                        (unsigned)opts->version);
    full.version = SBP_READ_OPTIONS_VERSION;
  }
  opts = &full;
  if (full.macos != 0) {
    /* a version without a catalog of its own (14.0, 15) reads as the newest one before it,
     * as --macos does; older than every catalog is an error, not a profile with no names */
    uint32_t v = sbp_catalog_version_nearest(full.macos);
    if (v == 0)
      return sbp__error(err, SBP_E_INVALID_ARG,
                        "sbp_read_options: macOS %u.%u is older than every catalog version",
                        (unsigned)(full.macos >> 16), (unsigned)((full.macos >> 8) & 0xff));
    full.macos = v;
  }
  if (opts->nentitlements > 0 && opts->entitlements == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "sbp_read_options: entitlements is NULL");
  if (opts->nparams > 0 && opts->params == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "sbp_read_options: params is NULL");
  for (size_t i = 0; i < n; i++)
    if (src[i].text == NULL && src[i].len != 0)
      return sbp__error(err, SBP_E_INVALID_ARG, "text is NULL");
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc)) return sbp__error(err, SBP_E_INVALID_ARG, "invalid allocator");
  sbp_error local = SBP_ERROR_INIT;
  if (err == NULL) err = &local;
  sbp_error_clear(err);
  sbp_profile *p = NULL;
  int rc = sbp_profile_new(&p, alloc);
  if (rc) return sbp__error(err, rc, "%s", sbp_strerror(rc));
  sbp__eval *ev = sbp__malloc(alloc, sizeof(*ev));
  if (ev == NULL) {
    sbp_profile_free(p);
    return sbp__nomem(err);
  }
  rc = sbp__eval_init(ev, p, opts, &p->alloc, err);
  if (rc && err->code == 0) rc = sbp__nomem(err);
  if (rc == SBP_OK) rc = sbp__eval_entitlements(ev);
  for (size_t i = 0; rc == SBP_OK && i < n; i++)
    rc = sbp__eval_text(ev, src[i].text ? src[i].text : "", src[i].len, src[i].file);
  if (rc == SBP_OK) {
    /* (%finalize): "no version specified" unless the profile called version; it may have
     * been wrapped with set! to run deferred rules at the end (as WebKit's util.sb does) */
    ev->file = src[0].file;
    ev->line = 1;
    ev->col = 1;
    cell *sym = sbp__eval_intern(ev, "%finalize", 9);
    cell *form = sym ? sbp__eval_cons(ev, sym, ev->nil) : NULL;
    cell *forms = form ? sbp__eval_cons(ev, form, ev->nil) : NULL;
    rc = forms ? sbp__eval_run(ev, forms, NULL) : sbp__eval_fail_code(ev);
  }
  if (rc != SBP_OK && err->code == 0) sbp__error(err, rc, "%s", sbp_strerror(rc));
  sbp__eval_fini(ev);
  sbp__free(alloc, ev);
  if (rc) {
    error_offset(err, src, n);
    sbp_profile_free(p);
    return rc;
  }
  *out = p;
  return SBP_OK;
}

int sbp_profile_read(sbp_profile **out, const char *text, size_t len, const char *file,
                     const sbp_read_options *opts, const sbp_alloc *alloc, sbp_error *err) {
  sbp_source s = {text, len, file};
  if (text == NULL && len == 0) s.text = "";
  return read_sources(out, &s, 1, opts, alloc, err);
}

int sbp_profile_read_sources(sbp_profile **out, const sbp_source *sources, size_t nsources,
                             const sbp_read_options *opts, const sbp_alloc *alloc,
                             sbp_error *err) {
  return read_sources(out, sources, nsources, opts, alloc, err);
}

/* ---- a resolver that reads files ------------------------------------------------------- */

#define MAX_IMPORT_FILE ((size_t)64 << 20)

/* An error about a file: its path shortened (a long one would push the reason out of the
 * message), then why. */
static int file_error(sbp_error *err, int code, const char *path, const char *why) {
  char shown[160];
  shown[0] = '\0';
  sbp__error_quote(shown, sizeof shown, path, strlen(path), 120);
  return sbp__error(err, code, "%s: %s", shown, why);
}

static int try_file(const char *path, sbp_buf *text, sbp_buf *file, sbp_error *err) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) {
    if (errno == ENOENT || errno == ENOTDIR) return SBP_E_NOT_FOUND;
    return file_error(err, SBP_E_IO, path, strerror(errno));
  }
  const sbp_alloc *a = sbp_alloc_default();
  char chunk[8192];
  size_t got;
  int rc = SBP_OK;
  sbp__buf_truncate(text, 0);
  if (sbp__buf_grow(text, a, 0) != SBP_OK) rc = SBP_E_NOMEM;
  /* errno is cleared before each read so that a failing one says why (a directory opens
   * but does not read: "Is a directory" where the system sets EISDIR). */
  while (rc == SBP_OK && (errno = 0, got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
    if (text->len + got > MAX_IMPORT_FILE) {
      rc = file_error(err, SBP_E_LIMIT, path, "file too large");
      break;
    }
    if (sbp__buf_put(text, a, chunk, got) != SBP_OK) rc = sbp__nomem(err);
  }
  int read_errno = errno;
  if (rc == SBP_OK && ferror(fp))
    rc = file_error(err, SBP_E_IO, path, read_errno ? strerror(read_errno) : "read error");
  fclose(fp);
  if (rc == SBP_OK) {
    sbp__buf_truncate(file, 0);
    if (sbp__buf_puts(file, a, path) != SBP_OK) rc = sbp__nomem(err);
  }
  return rc;
}

static int join_try(const char *dir, size_t dl, const char *name, size_t len, sbp_buf *text,
                    sbp_buf *file, sbp_error *err) {
  sbp_buf path = SBP_BUF_INIT;
  const sbp_alloc *a = sbp_alloc_default();
  int rc = sbp__buf_put(&path, a, dir, dl);
  if (rc == SBP_OK && dl > 0 && dir[dl - 1] != '/') rc = sbp__buf_putc(&path, a, '/');
  if (rc == SBP_OK) rc = sbp__buf_put(&path, a, name, len);
  if (rc == SBP_OK) rc = try_file(path.ptr, text, file, err);
  else rc = sbp__nomem(err);
  sbp_buf_dispose(&path);
  return rc;
}

int sbp_import_search(const char *name, size_t len, const char *from, sbp_buf *text,
                      sbp_buf *file, sbp_error *err, void *payload) {
  if (name == NULL || text == NULL || file == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "NULL argument");
  if (memchr(name, '\0', len) != NULL) return SBP_E_NOT_FOUND;
  if (len > 0 && name[0] == '/') {
    sbp_buf path = SBP_BUF_INIT;
    int rc = sbp__buf_put(&path, sbp_alloc_default(), name, len);
    if (rc == SBP_OK) rc = try_file(path.ptr, text, file, err);
    sbp_buf_dispose(&path);
    return rc;
  }
  const sbp_import_dirs *dirs = payload;
  for (size_t i = 0; dirs != NULL && i < dirs->ndirs; i++) {
    if (dirs->dirs[i] == NULL) continue;
    int rc = join_try(dirs->dirs[i], strlen(dirs->dirs[i]), name, len, text, file, err);
    if (rc != SBP_E_NOT_FOUND) return rc;
  }
  if (from != NULL) {
    const char *slash = strrchr(from, '/');
    if (slash != NULL) return join_try(from, (size_t)(slash - from), name, len, text, file, err);
    return join_try(".", 1, name, len, text, file, err);
  }
  return SBP_E_NOT_FOUND;
}
