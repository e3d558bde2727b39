/* Fuzz target: the reader and the formatter.
 * Reads arbitrary bytes with tight limits, with and without comments; both reads must agree
 * (same status; for errors the same message and position). Reading one top-level datum at a
 * time and checking the rest of the text from the k-th one (k from the input's length) must
 * find what the whole read finds after it: its error, or the first vector there. When the text reads, it is
 * formatted; the output must read to an equal datum tree, and formatting it again must give
 * the same bytes. Any disagreement aborts. Layout options come from the input's length. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "datum.h"
#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *text, size_t len) {
  fprintf(stderr, "read_fuzzer: %s\n--- input (%zu bytes)\n%.*s\n---\n", what, len, (int)len,
          text);
  abort();
}

/* Comments in a chain and below it, with a checksum of their texts without trailing
 * blanks (which the formatter drops). Depth is bounded by the read limit. */
static void comments(const sbp__datum *d, size_t *count, uint64_t *sum) {
  const sbp__datum *stack[256];
  size_t n = 0;
  for (;;) {
    if (d == NULL) {
      if (n == 0) return;
      d = stack[--n];
      continue;
    }
    if (d->type == SBP__D_COMMENT) {
      size_t len = d->len;
      while (len > 0 && (d->text[len - 1] == ' ' || d->text[len - 1] == '\t' ||
                         d->text[len - 1] == '\r' || d->text[len - 1] == '\v' ||
                         d->text[len - 1] == '\f'))
        len--;
      uint64_t h = 1469598103934665603u;
      for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)d->text[i]) * 1099511628211u;
      (*count)++;
      *sum += h;
    }
    if ((d->type == SBP__D_LIST || d->type == SBP__D_VECTOR) && d->first != NULL) {
      if (n == sizeof(stack) / sizeof(stack[0])) abort();
      stack[n++] = d->next;
      d = d->first;
    } else {
      d = d->next;
    }
  }
}

/* The first vector in the chain from d on and below it, in text order, or NULL. */
static const sbp__datum *first_vector(const sbp__datum *d) {
  const sbp__datum *stack[256];
  size_t n = 0;
  for (;;) {
    if (d == NULL) {
      if (n == 0) return NULL;
      d = stack[--n];
      continue;
    }
    if (d->type == SBP__D_VECTOR) return d;
    if (d->type == SBP__D_LIST && d->first != NULL) {
      if (n == sizeof(stack) / sizeof(stack[0])) abort();
      stack[n++] = d->next;
      d = d->first;
    } else {
      d = d->next;
    }
  }
}

/* At the top-level datum number `at`, checks the rest of the text and stops reading. */
typedef struct rest_probe {
  size_t at, calls;
  int called, rc;
  sbp__datum vector;
} rest_probe;

static int probe(void *payload, const sbp__datum *d, sbp__reader *reader) {
  (void)d;
  rest_probe *p = payload;
  if (p->calls++ != p->at) return SBP_OK;
  p->called = 1;
  p->rc = sbp__read_check_rest(reader, &p->vector);
  return 1; /* stop */
}

static void check_rest(const char *text, size_t size, const sbp__read_limits *lim, int whole,
                       const sbp_error *we, const sbp__datum *plain) {
  sbp__arena a;
  sbp__arena_init(&a, sbp_alloc_default());
  rest_probe p;
  memset(&p, 0, sizeof(p));
  p.at = size % 4;
  sbp_error e = SBP_ERROR_INIT;
  int rc = sbp__read_each(&a, text, size, "fuzz.sb", lim, probe, &p, &e);
  sbp__arena_release(&a);
  if (rc == SBP_E_NOMEM || p.rc == SBP_E_NOMEM) return;
  if (p.called) rc = p.rc;
  if (rc != whole) fail("checking the rest and reading whole disagree", text, size);
  if (rc != SBP_OK) {
    if (e.line != we->line || e.column != we->column || e.offset != we->offset ||
        strcmp(e.message, we->message) != 0)
      fail("checking the rest finds another error than reading whole", text, size);
    return;
  }
  if (!p.called) return;
  const sbp__datum *rest = plain;
  for (size_t i = 0; i <= p.at && rest != NULL; i++) rest = rest->next;
  const sbp__datum *v = first_vector(rest);
  if (v == NULL ? p.vector.line != 0
                : (p.vector.line != v->line || p.vector.column != v->column ||
                   p.vector.offset != v->offset))
    fail("checking the rest finds another first vector", text, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  const sbp_alloc *alloc = sbp_alloc_default();
  sbp__read_limits lim = {200, 4096, 100000};
  sbp__arena a, c, b;
  sbp__arena_init(&a, alloc);
  sbp__arena_init(&c, alloc);
  sbp__arena_init(&b, alloc);
  sbp__datum *plain = NULL, *commented = NULL, *again = NULL;
  sbp_error e1 = SBP_ERROR_INIT, e2 = SBP_ERROR_INIT, e3 = SBP_ERROR_INIT;
  int r1 = sbp__read(&a, text, size, "fuzz.sb", 0, &lim, &plain, &e1);
  int r2 = sbp__read(&c, text, size, "fuzz.sb", SBP__READ_COMMENTS, &lim, &commented, &e2);
  if (r1 == SBP_E_NOMEM || r2 == SBP_E_NOMEM) goto done;
  /* Comments only add datums, so the reads agree unless the datum limit stopped one. */
  int datum_limit = (r1 == SBP_E_LIMIT && strstr(e1.message, "datums") != NULL) ||
                    (r2 == SBP_E_LIMIT && strstr(e2.message, "datums") != NULL);
  if (!datum_limit) {
    if (r1 != r2) fail("reads with and without comments disagree", text, size);
    if (r1 != SBP_OK && (e1.line != e2.line || e1.column != e2.column ||
                         e1.offset != e2.offset || strcmp(e1.message, e2.message) != 0))
      fail("errors with and without comments disagree", text, size);
  }
  check_rest(text, size, &lim, r1, &e1, plain);
  if (r1 != SBP_OK) {
    if (e1.line == 0 || e1.column == 0 || strcmp(e1.file, "fuzz.sb") != 0)
      fail("an error without a position", text, size);
    if (e1.offset > size) fail("an error offset past the end", text, size);
    goto done;
  }
  int eq = 0;
  if (r2 == SBP_OK && (sbp__datum_equal(alloc, plain, commented, &eq) != SBP_OK || !eq))
    fail("comments changed the datums", text, size);

  sbp_format_options opts = SBP_FORMAT_OPTIONS_INIT;
  opts.indent = (uint32_t)(size % 5);
  opts.max_width = 20u + (uint32_t)(size % 7) * 13u;
  sbp_buf once = SBP_BUF_INIT, twice = SBP_BUF_INIT;
  int rf = sbp_format(text, size, "fuzz.sb", &opts, alloc, &once, &e3);
  if (rf == SBP_E_NOMEM) goto done_fmt;
  if (rf != SBP_OK) fail("reads but does not format", text, size);
  sbp__read_limits lim2 = {200, 0, 0}; /* the depth the input had; no datum limit */
  if (sbp__read(&b, once.ptr, once.len, "out.sb", SBP__READ_COMMENTS, &lim2, &again, &e3) !=
      SBP_OK)
    fail("the formatted text does not read", once.ptr, once.len);
  if (r2 == SBP_OK) {
    size_t n1 = 0, n2 = 0;
    uint64_t s1 = 0, s2 = 0;
    comments(commented, &n1, &s1);
    comments(again, &n2, &s2);
    if (n1 != n2 || s1 != s2) fail("formatting lost, merged or changed comments", once.ptr, once.len);
  }
  if (sbp__datum_equal(alloc, plain, again, &eq) != SBP_OK) goto done_fmt;
  if (!eq) fail("formatting changed the datums", once.ptr, once.len);
  rf = sbp_format(once.ptr, once.len, "out.sb", &opts, alloc, &twice, &e3);
  if (rf == SBP_E_NOMEM) goto done_fmt;
  if (rf != SBP_OK) fail("the formatted text does not format", once.ptr, once.len);
  if (twice.len != once.len || memcmp(twice.ptr, once.ptr, once.len) != 0)
    fail("formatting is not idempotent", once.ptr, once.len);
done_fmt:
  sbp_buf_dispose(&once);
  sbp_buf_dispose(&twice);
done:
  sbp__arena_release(&a);
  sbp__arena_release(&c);
  sbp__arena_release(&b);
  return 0;
}
