/* Fuzz target: every lint entry point. The input is split at lines "%%" into up to four
 * texts (s0.sb, s1.sb, ...), linted together with sbp_lint_sources() and the first alone with
 * sbp_lint_text(); the first is also evaluated and linted as a profile (sbp_lint_profile()),
 * and sbp_lint_locate_string() looks for each of its rules' string values. Oracles: only the
 * documented codes come back; every diagnostic names one of the texts (or none, or the
 * assumed version line) at a line inside it, with a code, a message and a known severity;
 * sbp_lint_text() of one text is sbp_lint_sources() of that text; a located literal starts
 * with '"' or '#' at or after its form; a rule said never to decide (shadowed-rule) decides
 * no request the decision engine is asked about. Any violation aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_limits.h"
#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SOURCES 4

static void fail(const char *what, const uint8_t *data, size_t size) {
  fprintf(stderr, "lint_fuzzer: %s\n--- input (%zu bytes)\n%.*s\n---\n", what, size, (int)size,
          (const char *)data);
  abort();
}

static size_t count_lines(const char *t, size_t len) {
  size_t n = 1;
  for (size_t i = 0; i < len; i++) n += t[i] == '\n';
  return n;
}

static void check_result(const sbp_lint_result *r, const sbp_source *src, size_t n,
                         const uint8_t *data, size_t size) {
  size_t errors = 0;
  for (size_t i = 0; i < sbp_lint_count(r); i++) {
    const char *file = NULL;
    uint32_t line = 0, col = 0;
    sbp_lint_position(r, i, &file, &line, &col);
    int sev = sbp_lint_severity(r, i);
    if (sev < SBP_LINT_NOTE || sev > SBP_LINT_ERROR) fail("severity out of range", data, size);
    if (sev == SBP_LINT_ERROR) errors++;
    const char *code = sbp_lint_code(r, i), *msg = sbp_lint_message(r, i);
    if (code == NULL || *code == '\0' || msg == NULL || *msg == '\0')
      fail("diagnostic without code or message", data, size);
    if (file == NULL) continue;
    size_t k = 0;
    while (k < n && strcmp(file, src[k].file) != 0) k++;
    if (k == n) {
      if (strcmp(file, "<assumed>") != 0) fail("diagnostic names an unknown file", data, size);
      continue;
    }
    if (line > count_lines(src[k].text, src[k].len)) fail("line past the text", data, size);
  }
  if (sbp_lint_count_at_least(r, SBP_LINT_ERROR) != errors)
    fail("sbp_lint_count_at_least disagrees", data, size);
  if (sbp_lint_count(r) > 0 && sbp_lint_code(r, sbp_lint_count(r)) != NULL)
    fail("an accessor past the end", data, size);
}

static int same_results(const sbp_lint_result *a, const sbp_lint_result *b) {
  if (sbp_lint_count(a) != sbp_lint_count(b)) return 0;
  for (size_t i = 0; i < sbp_lint_count(a); i++) {
    uint32_t la, ca, lb, cb;
    sbp_lint_position(a, i, NULL, &la, &ca);
    sbp_lint_position(b, i, NULL, &lb, &cb);
    if (la != lb || ca != cb || strcmp(sbp_lint_code(a, i), sbp_lint_code(b, i)) != 0 ||
        strcmp(sbp_lint_message(a, i), sbp_lint_message(b, i)) != 0)
      return 0;
  }
  return 1;
}

/* A rule lint says never decides (shadowed-rule, without the contested reading across
 * operations) decides no request: each string value of the profile is asked for under a few
 * operations, and no answer may come from such a rule. Rules are told apart by position, so
 * only positions that one rule alone holds are judged. */
static void check_shadowed(const sbp_profile *p, const sbp_lint_result *r, const uint8_t *data,
                           size_t size) {
  enum { MAX_JUDGED = 16, MAX_ASKED = 24 };
  uint32_t at[MAX_JUDGED][2];
  size_t nat = 0;
  for (size_t i = 0; i < sbp_lint_count(r) && nat < MAX_JUDGED; i++) {
    if (strcmp(sbp_lint_code(r, i), "shadowed-rule") != 0 ||
        strstr(sbp_lint_message(r, i), "under plain last-wins") != NULL)
      continue;
    uint32_t line = 0, col = 0;
    sbp_lint_position(r, i, NULL, &line, &col);
    size_t holders = 0;
    for (const sbp_node *rule = sbp_node_first_child(sbp_profile_root(p)); rule;
         rule = sbp_node_next(rule)) {
      uint32_t l = 0, c = 0;
      sbp_node_position(rule, NULL, &l, &c);
      holders += l == line && c == col;
    }
    if (line != 0 && holders == 1) {
      at[nat][0] = line;
      at[nat][1] = col;
      nat++;
    }
  }
  if (nat == 0) return;
  sbp_decider *d = NULL;
  sbp_request *q = NULL;
  sbp_decision *dec = NULL;
  if (sbp_decider_new(&d, p, NULL, NULL) != SBP_OK || sbp_request_new(&q, NULL, NULL) != SBP_OK ||
      sbp_decision_new(&dec, NULL, NULL) != SBP_OK)
    goto done;
  static const char *const ops[] = {"file-read-data", "file-write-data", "file-read-metadata",
                                    "mach-lookup"};
  size_t asked = 0;
  for (const sbp_node *rule = sbp_node_first_child(sbp_profile_root(p)); rule && asked < MAX_ASKED;
       rule = sbp_node_next(rule))
    for (const sbp_node *f = sbp_node_first_child(rule); f && asked < MAX_ASKED;
         f = sbp_node_next(f))
      for (const sbp_node *v = sbp_node_first_child(f); v && asked < MAX_ASKED;
           v = sbp_node_next(v)) {
        if (sbp_value_kind_of(v) != SBP_VALUE_STRING) continue;
        size_t vl = 0;
        const char *vt = sbp_node_text(v, &vl);
        if (vt == NULL || vl == 0) continue;
        asked++;
        for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
          if (sbp_request_set_simple(q, ops[o], strlen(ops[o]), vt, vl, NULL) != SBP_OK ||
              sbp_decide_into(d, q, NULL, dec, NULL) != SBP_OK ||
              sbp_decision_result(dec) == SBP_DECISION_UNKNOWN || sbp_decision_rule(dec) == NULL)
            continue;
          uint32_t l = 0, c = 0;
          sbp_node_position(sbp_decision_rule(dec), NULL, &l, &c);
          for (size_t k = 0; k < nat; k++)
            if (at[k][0] == l && at[k][1] == c)
              fail("a rule lint says never decides decides a request", data, size);
        }
      }
done:
  sbp_decision_free(dec);
  sbp_request_free(q);
  sbp_decider_free(d);
}

static void check_locate(const sbp_source *s, const sbp_read_options *ro, const uint8_t *data,
                         size_t size) {
  sbp_profile *p = NULL;
  if (sbp_profile_read(&p, s->text, s->len, s->file, ro, NULL, NULL) != SBP_OK) return;
  sbp_lint_options lo = SBP_LINT_OPTIONS_INIT;
  sbp_lint_result *r = NULL;
  int rc = sbp_lint_profile(p, &lo, &r, NULL);
  if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("sbp_lint_profile failed", data, size);
  if (rc == SBP_OK) check_shadowed(p, r, data, size);
  sbp_lint_result_free(r);
  size_t looked = 0;
  for (const sbp_node *rule = sbp_node_first_child(sbp_profile_root(p)); rule && looked < 64;
       rule = sbp_node_next(rule)) {
    uint32_t line = 0, col = 0;
    sbp_node_position(rule, NULL, &line, &col);
    if (line == 0) continue;
    for (const sbp_node *f = sbp_node_first_child(rule); f; f = sbp_node_next(f)) {
      for (const sbp_node *v = sbp_node_first_child(f); v && looked < 64; v = sbp_node_next(v)) {
        if (sbp_node_type_of(v) != SBP_NODE_VALUE) continue;
        size_t vl = 0;
        const char *vt = sbp_node_text(v, &vl);
        if (vt == NULL) continue;
        looked++;
        uint32_t ol = 0, oc = 0;
        rc = sbp_lint_locate_string(s->text, s->len, line, col, vt, vl, &ol, &oc);
        if (rc == SBP_E_NOT_FOUND) continue;
        if (rc != SBP_OK) fail("sbp_lint_locate_string: undocumented status", data, size);
        if (ol < line || (ol == line && oc < col)) fail("literal before its form", data, size);
        /* the byte at ol:oc */
        size_t off = 0;
        for (uint32_t l = 1; l < ol && off < s->len; off++)
          if (s->text[off] == '\n') l++;
        off += oc - 1;
        if (oc == 0 || off >= s->len || (s->text[off] != '"' && s->text[off] != '#'))
          fail("located literal does not start with a quote", data, size);
      }
    }
  }
  /* arbitrary positions and values from the input */
  if (size >= 6) {
    uint32_t line = 1u + data[0] % 8u, col = 1u + data[1] % 40u;
    size_t vl = data[2] % 8u;
    if (vl > size - 3) vl = size - 3;
    rc = sbp_lint_locate_string(s->text, s->len, line, col, (const char *)data + 3, vl, NULL,
                                NULL);
    if (rc != SBP_OK && rc != SBP_E_NOT_FOUND) fail("locate on input: bad status", data, size);
  }
  sbp_profile_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const names[MAX_SOURCES] = {"s0.sb", "s1.sb", "s2.sb", "s3.sb"};
  sbp_source src[MAX_SOURCES];
  size_t n = 0, start = 0;
  const char *text = (const char *)data;
  for (size_t i = 0; i + 3 <= size && n + 1 < MAX_SOURCES; i++) {
    if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, "%%\n", 3) == 0) {
      src[n].text = text + start;
      src[n].len = i - start;
      src[n].file = names[n];
      n++;
      start = i + 3;
    }
  }
  src[n].text = text + start;
  src[n].len = size - start;
  src[n].file = names[n];
  n++;

  sbp_read_options ro = sbp_fuzz_read_options();
  sbp_lint_options lo = SBP_LINT_OPTIONS_INIT;
  lo.read = &ro;

  sbp_lint_result *all = NULL, *one = NULL, *first = NULL;
  int rc = sbp_lint_sources(src, n, &lo, NULL, &all, NULL);
  if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("sbp_lint_sources: undocumented status", data, size);
  if (rc == SBP_OK) check_result(all, src, n, data, size);
  rc = sbp_lint_text(src[0].text, src[0].len, src[0].file, &lo, NULL, &one, NULL);
  if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("sbp_lint_text: undocumented status", data, size);
  int rc2 = sbp_lint_sources(src, 1, &lo, NULL, &first, NULL);
  if (rc == SBP_OK && rc2 == SBP_OK) {
    check_result(one, src, 1, data, size);
    if (!same_results(one, first)) fail("sbp_lint_text and sbp_lint_sources differ", data, size);
  }
  sbp_lint_result_free(all);
  sbp_lint_result_free(one);
  sbp_lint_result_free(first);
  check_locate(&src[0], &ro, data, size);
  return 0;
}
