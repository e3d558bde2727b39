/* Fuzz target: the evaluator. Evaluates arbitrary bytes with every limit set low, in both
 * parameter modes, with an import resolver that serves a few names (one importing itself).
 * A failure must carry a status and, for profile errors, a position; it must be the error
 * of reading the whole text first when reading fails (the evaluator runs forms as it reads
 * them yet promises that), and a vector's when the text holds one; a success must
 * serialize, evaluate again to an equal profile and serialize to the same bytes. Any
 * disagreement aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "datum.h"
#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *text, size_t len) {
  fprintf(stderr, "eval_fuzzer: %s\n--- input (%zu bytes)\n%.*s\n---\n", what, len, (int)len,
          text);
  abort();
}

static int resolve(const char *name, size_t len, const char *from, sbp_buf *text,
                   sbp_buf *file, sbp_error *err, void *payload) {
  (void)from;
  (void)err;
  (void)payload;
  const char *body = NULL;
  if (len == 4 && memcmp(name, "a.sb", 4) == 0) body = "(define a \"/a\")(allow file-read* (subpath a))";
  else if (len == 4 && memcmp(name, "b.sb", 4) == 0) body = "(import \"b.sb\")";
  if (body == NULL) return SBP_E_NOT_FOUND;
  if (sbp__buf_puts(text, sbp_alloc_default(), body) != SBP_OK) return SBP_E_NOMEM;
  if (sbp__buf_put(file, sbp_alloc_default(), name, len) != SBP_OK) return SBP_E_NOMEM;
  return SBP_OK;
}

/* The first vector among the datums from d on, in text order, or NULL (an explicit stack:
 * nesting is at most max_nesting deep). */
static const sbp__datum *first_vector(const sbp__datum *d) {
  const sbp__datum *stack[128];
  size_t n = 0;
  while (d != NULL) {
    if (d->type == SBP__D_VECTOR) return d;
    if (d->type == SBP__D_LIST && d->first != NULL && n < sizeof(stack) / sizeof(stack[0])) {
      stack[n++] = d->next;
      d = d->first;
      continue;
    }
    d = d->next;
    while (d == NULL && n > 0) d = stack[--n];
  }
  return NULL;
}

/* What reading the text whole says about it: its error (code, position, message) in *want
 * and SBP_E_SYNTAX or SBP_E_LIMIT; SBP_E_SYNTAX with the first vector's position; or
 * SBP_OK when neither. */
static int whole_read(const char *text, size_t size, size_t nesting, size_t string,
                      sbp_error *want) {
  sbp__arena a;
  sbp__arena_init(&a, sbp_alloc_default());
  sbp__read_limits lim = {nesting, string, 0};
  sbp__datum *top = NULL;
  int rc = sbp__read(&a, text, size, "fuzz.sb", 0, &lim, &top, want);
  if (rc == SBP_OK) {
    const sbp__datum *v = first_vector(top);
    if (v != NULL) {
      rc = SBP_E_SYNTAX;
      want->line = v->line;
      want->column = v->column;
      snprintf(want->message, sizeof(want->message), "vectors are not supported");
    }
  }
  sbp__arena_release(&a);
  return rc;
}

static void check(const char *text, size_t size, uint32_t flags) {
  static const char *const params[] = {"A", "/x", "B", "TRUE", "IMPORT_DIR", ""};
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = flags;
  o.params = params;
  o.nparams = 2;
  o.import = resolve;
  o.max_steps = 20000;
  o.max_depth = 200;
  o.max_memory = 4u << 20;
  o.max_rules = 200;
  o.max_string = 4096;
  o.max_import_depth = 4;
  o.max_nesting = 100;
  sbp_profile *p = NULL, *q = NULL;
  sbp_error e = SBP_ERROR_INIT;
  int rc = sbp_profile_read(&p, text, size, "fuzz.sb", &o, NULL, &e);
  sbp_error want = SBP_ERROR_INIT;
  int wrc = whole_read(text, size, o.max_nesting, o.max_string, &want);
  if (wrc == SBP_E_NOMEM) return;
  if (wrc != SBP_OK && rc != SBP_E_NOMEM &&
      (rc != wrc || e.line != want.line || e.column != want.column ||
       strcmp(e.message, want.message) != 0)) {
    fprintf(stderr, "evaluating: %s %u:%u %s\nreading whole: %s %u:%u %s\n",
            sbp_status_name(rc), e.line, e.column, e.message, sbp_status_name(wrc), want.line,
            want.column, want.message);
    fail("the evaluator's error is not that of reading the whole text", text, size);
  }
  if (rc != SBP_OK) {
    if (p != NULL) fail("a failed read returned a profile", text, size);
    if (e.code != rc) fail("the error's code differs from the status", text, size);
    if ((rc == SBP_E_EVAL || rc == SBP_E_SYNTAX) && (e.line == 0 || e.column == 0))
      fail("a profile error without a position", text, size);
    return;
  }
  sbp_buf one = SBP_BUF_INIT, two = SBP_BUF_INIT;
  rc = sbp_serialize(p, NULL, &one, &e);
  if (rc == SBP_E_NOMEM) goto done;
  if (rc != SBP_OK) fail("an evaluated profile does not serialize", text, size);
  sbp_read_options again = SBP_READ_OPTIONS_INIT;
  again.flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  rc = sbp_profile_read(&q, one.ptr, one.len, "again.sb", &again, NULL, &e);
  if (rc == SBP_E_NOMEM || rc == SBP_E_LIMIT) goto done;
  if (rc != SBP_OK) fail("the serialized profile does not evaluate", one.ptr, one.len);
  if (!sbp_profile_equal(p, q, SBP_EQUAL_IMPORTS)) fail("round trip: profiles differ", text, size);
  rc = sbp_serialize(q, NULL, &two, &e);
  if (rc == SBP_OK && (two.len != one.len || memcmp(one.ptr, two.ptr, one.len) != 0))
    fail("round trip: serializations differ", text, size);
done:
  sbp_buf_dispose(&one);
  sbp_buf_dispose(&two);
  sbp_profile_free(p);
  sbp_profile_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  check(text, size, 0);
  check(text, size, SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS);
  return 0;
}
