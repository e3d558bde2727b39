/* Fuzz target: sbp_profile_read_sources() with imports. The input is split at lines "%%"
 * into up to six parts: the first two are the sources (a.sb, b.sb), the others the files an
 * import may name (f0.sb ... f3.sb; "io.sb" fails with SBP_E_IO, any other name is not
 * found). Oracles: only the codes read.h lists come back; every error but SBP_E_LIMIT and
 * SBP_E_NOMEM has a position in a named file; a profile that reads serializes to text that
 * reads back (without the resolver) to a profile that serializes the same. Any violation
 * aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTS 6

typedef struct files {
  const char *text[MAX_PARTS];
  size_t len[MAX_PARTS];
  size_t n;
  size_t calls;
} files;

static void fail(const char *what, const char *detail, const uint8_t *data, size_t size) {
  fprintf(stderr, "import_fuzzer: %s: %s\n--- input (%zu bytes)\n%.*s\n---\n", what, detail, size,
          (int)size, (const char *)data);
  abort();
}

static int resolve(const char *name, size_t len, const char *from, sbp_buf *out_text,
                   sbp_buf *out_file, sbp_error *err, void *payload) {
  files *f = payload;
  (void)from;
  (void)out_file;
  f->calls++;
  if (len == 5 && memcmp(name, "io.sb", 5) == 0) {
    if (err) snprintf(err->message, sizeof err->message, "input/output error");
    return SBP_E_IO;
  }
  if (len == 5 && name[0] == 'f' && name[1] >= '0' && name[1] <= '3' &&
      memcmp(name + 2, ".sb", 3) == 0) {
    size_t k = 2 + (size_t)(name[1] - '0');
    if (k >= f->n) return SBP_E_NOT_FOUND;
    return sbp__buf_put(out_text, sbp_alloc_default(), f->len[k] ? f->text[k] : "", f->len[k]);
  }
  return SBP_E_NOT_FOUND;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *t = (const char *)data;
  files f;
  memset(&f, 0, sizeof f);
  size_t start = 0;
  for (size_t i = 0; i + 3 <= size && f.n + 1 < MAX_PARTS; i++) {
    if ((i == 0 || t[i - 1] == '\n') && memcmp(t + i, "%%\n", 3) == 0) {
      f.text[f.n] = t + start;
      f.len[f.n++] = i - start;
      start = i + 3;
    }
  }
  f.text[f.n] = t + start;
  f.len[f.n++] = size - start;

  sbp_source src[2] = {{f.text[0], f.len[0], "a.sb"}, {NULL, 0, "b.sb"}};
  size_t nsrc = 1;
  if (f.n > 1) {
    src[1].text = f.text[1];
    src[1].len = f.len[1];
    nsrc = 2;
  }
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = (size & 1) ? SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS : 0u;
  o.import = resolve;
  o.import_payload = &f;
  o.max_steps = 50000;
  o.max_depth = 200;
  o.max_memory = 8u << 20;
  o.max_rules = 1000;
  o.max_string = 4096;
  o.max_nesting = 100;
  o.max_import_depth = 8;
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read_sources(&p, src, nsrc, &o, NULL, &err);
  switch (rc) {
    case SBP_OK: break;
    case SBP_E_LIMIT:
    case SBP_E_NOMEM:
      if (p != NULL) fail("a profile left on failure", sbp_status_name(rc), data, size);
      return 0;
    case SBP_E_SYNTAX:
    case SBP_E_EVAL:
    case SBP_E_NOT_FOUND:
    case SBP_E_IO:
      if (p != NULL) fail("a profile left on failure", sbp_status_name(rc), data, size);
      if (err.line == 0) fail("an error without a position", err.message, data, size);
      if (err.file[0] == '\0') fail("an error without a file", err.message, data, size);
      return 0;
    default:
      fail("undocumented status", sbp_status_name(rc), data, size);
  }
  if (f.calls > 1024 + 1) fail("more imports than the limit", "", data, size);
  sbp_buf once = SBP_BUF_INIT, twice = SBP_BUF_INIT;
  rc = sbp_serialize(p, NULL, &once, &err);
  if (rc == SBP_OK) {
    sbp_profile *q = NULL;
    sbp_read_options o2 = o;
    o2.import = NULL;
    o2.flags |= SBP_READ_KEEP_UNRESOLVED_IMPORTS;
    o2.max_steps = 0;
    o2.max_memory = 0;
    o2.max_rules = 0;
    o2.max_nesting = 0;
    rc = sbp_profile_read(&q, once.ptr, once.len, "flat.sb", &o2, NULL, &err);
    if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("serialized text does not read", err.message, data, size);
    if (rc == SBP_OK && sbp_serialize(q, NULL, &twice, &err) == SBP_OK &&
        (once.len != twice.len || memcmp(once.ptr, twice.ptr, once.len) != 0))
      fail("serialized text reads back differently", twice.ptr, data, size);
    sbp_profile_free(q);
  } else if (rc != SBP_E_NOMEM) {
    fail("a read profile does not serialize", err.message, data, size);
  }
  sbp_buf_dispose(&once);
  sbp_buf_dispose(&twice);
  sbp_profile_free(p);
  return 0;
}
