/* The evaluator over the real profiles of ../shared/corpus (or $SBPROFILE_CORPUS): complete
 * and generated-sample files evaluate alone, fragments composed as their projects compose
 * them, invalid fixtures fail with a position, preprocessor lines of WebKit sources are
 * reported at their position, and every profile that evaluates survives the round trip
 * (serialize, evaluate again: equal profile, same bytes). Parameters get test values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "sbprofile.h"
#include "test_files.h"

#define MAX_PARTS 64
#define MAX_PARAMS 4096

typedef struct corpus_file {
  char path[512];
  char kind[32];
} corpus_file;

/* Test values for parameters: every all-capitals string literal and every (param "X") of
 * the texts gets one; versions and counts get numbers, the rest a path. */
typedef struct params {
  char *names[MAX_PARAMS];
  char *values[MAX_PARAMS];
  const char *flat[2 * MAX_PARAMS];
  size_t n;
} params;

static void add_param(params *p, const char *name, size_t len, const char *corpus) {
  if (len == 0 || p->n >= MAX_PARAMS) return;
  for (size_t i = 0; i < p->n; i++)
    if (strlen(p->names[i]) == len && memcmp(p->names[i], name, len) == 0) return;
  char *nm = malloc(len + 1);
  memcpy(nm, name, len);
  nm[len] = '\0';
  char *val = malloc(len + 600);
  if (strstr(nm, "VERSION") != NULL)
    strcpy(val, "1500");
  else if (strstr(nm, "COUNT") != NULL)
    strcpy(val, "0");
  else if (strcmp(nm, "COMMON_SB") == 0)
    snprintf(val, len + 600, "%s/sandboxed-ai/common.sb", corpus);
  else if (strcmp(nm, "IMPORT_DIR") == 0)
    snprintf(val, len + 600, "%s", corpus);
  else
    snprintf(val, len + 600, "/private/tmp/sbp-test/%s", nm);
  p->names[p->n] = nm;
  p->values[p->n] = val;
  p->flat[2 * p->n] = nm;
  p->flat[2 * p->n + 1] = val;
  p->n++;
}

static void scan_params(params *p, const char *text, size_t len, const char *corpus) {
  for (size_t i = 0; i < len; i++) {
    if (text[i] != '"') continue;
    size_t j = i + 1;
    while (j < len && ((text[j] >= 'A' && text[j] <= 'Z') || (text[j] >= '0' && text[j] <= '9') ||
                       text[j] == '_'))
      j++;
    if (j < len && text[j] == '"' && j > i + 1 && text[i + 1] >= 'A' && text[i + 1] <= 'Z')
      add_param(p, text + i + 1, j - i - 1, corpus);
  }
  const char *s = text;
  while ((s = strstr(s, "(param \"")) != NULL) {
    s += 8;
    const char *e = strchr(s, '"');
    if (e == NULL) break;
    add_param(p, s, (size_t)(e - s), corpus);
    s = e;
  }
}

static void free_params(params *p) {
  for (size_t i = 0; i < p->n; i++) {
    free(p->names[i]);
    free(p->values[i]);
  }
  p->n = 0;
}

static params g_params; /* values for every parameter the corpus names */

/* Agent-safehouse replaces a marker line with a definition before use; so does the test. */
static char *substitute(char *text, size_t *len) {
  static const char marker[] = "__SAFEHOUSE_REPLACE_ME_WITH_WORK_DIR_DEFINE__";
  static const char repl[] = "(define WORK_DIR \"/private/tmp/sbp-test/work\")";
  char *at = strstr(text, marker);
  if (at == NULL) return text;
  size_t off = (size_t)(at - text), ml = sizeof(marker) - 1, rl = sizeof(repl) - 1;
  char *out = malloc(*len - ml + rl + 1);
  memcpy(out, text, off);
  memcpy(out + off, repl, rl);
  memcpy(out + off + rl, at + ml, *len - off - ml + 1);
  *len = *len - ml + rl;
  free(text);
  return out;
}

/* Imports: files of the corpus; Apple's system.sb, which the corpus does not hold, is
 * replaced by a stand-in that defines the helper the generated samples call. */
static int test_import(const char *name, size_t len, const char *from, sbp_buf *text,
                       sbp_buf *file, sbp_error *err, void *payload) {
  int rc = sbp_import_search(name, len, from, text, file, err, payload);
  if (rc == SBP_E_NOT_FOUND && len == 9 && memcmp(name, "system.sb", 9) == 0) {
    static const char stub[] =
        "(version 1)\n(define (system-network)\n"
        "  (allow network-outbound (literal \"/private/var/run/mDNSResponder\")))\n";
    sbp_buf_dispose(text);
    sbp_buf_dispose(file);
    return sbp__buf_put(text, sbp_alloc_default(), stub, sizeof(stub) - 1);
  }
  return rc;
}

typedef struct counts {
  size_t evaluated, failed, expected, invalid_ok, invalid_bad, preproc_ok, preproc_bad, skipped,
      roundtrip_ok, roundtrip_bad, symbolic_ok;
} counts;

/* Serializes p, evaluates the text again and compares. */
static int round_trip(const sbp_profile *p, const char *what) {
  sbp_buf one = SBP_BUF_INIT, two = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int ok = 0;
  sbp_profile *q = NULL;
  if (sbp_serialize(p, NULL, &one, &err) != SBP_OK) {
    print_message("round trip %s: serialize: %s\n", what, err.message);
    goto out;
  }
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = SBP_READ_KEEP_UNRESOLVED_IMPORTS | SBP_READ_SYMBOLIC_PARAMS;
  if (sbp_profile_read(&q, one.ptr, one.len, "serialized.sb", &o, NULL, &err) != SBP_OK) {
    print_message("round trip %s: re-read: %u:%u: %s\n", what, err.line, err.column, err.message);
    goto out;
  }
  if (!sbp_profile_equal(p, q, SBP_EQUAL_IMPORTS)) {
    print_message("round trip %s: profiles differ\n", what);
    goto out;
  }
  if (sbp_serialize(q, NULL, &two, &err) != SBP_OK || two.len != one.len ||
      memcmp(one.ptr, two.ptr, one.len) != 0) {
    print_message("round trip %s: second serialization differs\n", what);
    goto out;
  }
  ok = 1;
out:
  sbp_profile_free(q);
  sbp_buf_dispose(&one);
  sbp_buf_dispose(&two);
  return ok;
}

/* Evaluates parts (corpus-relative paths, or literal text when starting with '(') as one
 * profile. Returns the status; *out receives the profile on success. */
static int eval_parts(const char *corpus, const char *const *parts, size_t nparts,
                      uint32_t flags, int with_params, sbp_profile **out, sbp_error *err) {
  (void)scan_params;
  sbp_source src[MAX_PARTS] = {{NULL, 0, NULL}};
  char *texts[MAX_PARTS];
  char *names[MAX_PARTS];
  size_t n = 0;
  int rc = SBP_OK;
  for (size_t i = 0; i < nparts && i < MAX_PARTS; i++) {
    texts[i] = NULL;
    names[i] = NULL;
    if (parts[i][0] == '(') {
      src[n].text = parts[i];
      src[n].len = strlen(parts[i]);
      src[n].file = "<prelude>";
    } else {
      size_t len = 0;
      names[i] = malloc(strlen(corpus) + strlen(parts[i]) + 2);
      sprintf(names[i], "%s/%s", corpus, parts[i]);
      texts[i] = test_read_file(names[i], &len);
      if (texts[i] == NULL) {
        rc = SBP_E_IO;
        n = i + 1;
        goto out;
      }
      texts[i] = substitute(texts[i], &len);
      src[n].text = texts[i];
      src[n].len = len;
      src[n].file = names[i];
    }
    n++;
  }
  const char *dir_list[1] = {corpus};
  sbp_import_dirs dirs = {dir_list, 1};
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = flags | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  o.params = with_params ? g_params.flat : NULL;
  o.nparams = with_params ? g_params.n : 0;
  o.import = test_import;
  o.import_payload = &dirs;
  rc = sbp_profile_read_sources(out, src, n, &o, NULL, err);
out:
  for (size_t i = 0; i < n; i++) {
    free(texts[i]);
    free(names[i]);
  }
  return rc;
}

/* The first line that starts with '#' (a preprocessor directive), or 0. */
static uint32_t first_directive(const char *text) {
  uint32_t line = 1;
  const char *s = text;
  while (*s) {
    const char *t = s;
    while (*t == ' ' || *t == '\t') t++;
    if (*t == '#' && t[1] != '!' && t[1] != '"') return line;
    const char *nl = strchr(s, '\n');
    if (nl == NULL) break;
    s = nl + 1;
    line++;
  }
  return 0;
}

/* Files that fail as libsandbox would fail them, with the expected message. */
static const struct {
  const char *path, *message;
} expected_failures[] = {
    /* uses a helper its own project's common.sb (the version in the corpus) lacks */
    {"chromium/webnn_model_compilation.sb", "unbound variable: sandbox-child-user-temp-dir"},
    /* a toolchain's "valid" fixture with #| |# comments, which TinyScheme does not read */
    {"sbpl-toolchain/Fixtures_valid_complex.sb",
     "undefined sharp expression (block comments #|...|# are not supported)"},
};

static const char *expected_failure(const char *path) {
  for (size_t i = 0; i < sizeof(expected_failures) / sizeof(expected_failures[0]); i++)
    if (strcmp(expected_failures[i].path, path) == 0) return expected_failures[i].message;
  return NULL;
}

static void composition(const char *path, const char **parts, size_t *n) {
  *n = 0;
  if (strncmp(path, "chromium/", 9) == 0) {
    parts[(*n)++] = "chromium/common.sb";
  } else if (strncmp(path, "agent-safehouse/", 16) == 0) {
    parts[(*n)++] = "agent-safehouse/00-base.sb";
  } else if (strncmp(path, "firefox/", 8) == 0) {
    parts[(*n)++] = "firefox/SandboxPolicyContent.sb";
  } else if (strcmp(path, "codex/older-core/seatbelt_network_policy.sbpl") == 0) {
    parts[(*n)++] = "codex/older-core/seatbelt_base_policy.sbpl";
  } else if (strncmp(path, "codex/", 6) == 0) {
    parts[(*n)++] = "codex/seatbelt_base_policy.sbpl";
  } else {
    parts[(*n)++] = "(version 1)";
  }
  parts[(*n)++] = path;
}

static void test_corpus(void **state) {
  (void)state;
  const char *corpus = getenv("SBPROFILE_CORPUS");
  char manifest[600];
  size_t mlen = 0;
  char *mtext = NULL;
  if (corpus != NULL) {
    snprintf(manifest, sizeof(manifest), "%s/MANIFEST.tsv", corpus);
    mtext = test_read_file(manifest, &mlen);
  }
  if (mtext == NULL) {
    print_message("corpus not found (SBPROFILE_CORPUS=%s): skipping\n",
                  corpus ? corpus : "(unset)");
    skip();
    return;
  }
  counts c;
  memset(&c, 0, sizeof(c));
  /* parameter values for every name the corpus uses */
  for (char *l = mtext; l && *l;) {
    char *e = strchr(l, '\n');
    char *t = strchr(l, '\t');
    if (t != NULL && (e == NULL || t < e)) {
      char full[1200];
      snprintf(full, sizeof(full), "%s/%.*s", corpus, (int)(t - l), l);
      size_t len = 0;
      char *text = test_read_file(full, &len);
      if (text != NULL) scan_params(&g_params, text, len, corpus);
      free(text);
    }
    l = e ? e + 1 : NULL;
  }
  char *line = mtext;
  while (line && *line) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    corpus_file f;
    memset(&f, 0, sizeof(f));
    char *tab = strchr(line, '\t');
    if (tab != NULL && strncmp(line, "file\t", 5) != 0 && line[0] != '#') {
      size_t pl = (size_t)(tab - line);
      if (pl >= sizeof(f.path)) pl = sizeof(f.path) - 1;
      memcpy(f.path, line, pl);
      /* kind is the last column */
      char *last = strrchr(line, '\t');
      snprintf(f.kind, sizeof(f.kind), "%s", last + 1);
      char full[1200];
      snprintf(full, sizeof(full), "%s/%s", corpus, f.path);
      size_t len = 0;
      char *text = test_read_file(full, &len);
      if (text == NULL) {
        c.skipped++;
        goto next;
      }
      uint32_t directive = first_directive(text);
      free(text);
      const char *parts[8];
      size_t np = 0;
      sbp_profile *p = NULL;
      sbp_error err = SBP_ERROR_INIT;
      int rc;
      if (strcmp(f.kind, "template") == 0) {
        c.skipped++;
        goto next;
      }
      if (directive != 0 && strncmp(f.path, "webkit/", 7) == 0) {
        parts[0] = "(version 1)";
        parts[1] = f.path;
        rc = eval_parts(corpus, parts, 2, 0, 1, &p, &err);
        if (rc == SBP_E_SYNTAX && err.line == directive && err.column > 0) {
          c.preproc_ok++;
        } else {
          c.preproc_bad++;
          print_message("%s: expected an error at line %u, got %s %u:%u %s\n", f.path,
                        directive, sbp_status_name(rc), err.line, err.column, err.message);
        }
        sbp_profile_free(p);
        goto next;
      }
      if (strcmp(f.kind, "fixture-invalid") == 0) {
        parts[0] = f.path;
        rc = eval_parts(corpus, parts, 1, 0, 1, &p, &err);
        if (rc != SBP_OK && err.line > 0 && err.column > 0) {
          c.invalid_ok++;
        } else {
          c.invalid_bad++;
          print_message("%s: invalid fixture: %s %u:%u %s\n", f.path, sbp_status_name(rc),
                        err.line, err.column, err.message);
        }
        sbp_profile_free(p);
        goto next;
      }
      if (strcmp(f.kind, "fragment") == 0)
        composition(f.path, parts, &np);
      else
        parts[np++] = f.path;
      if (np == 2 && strcmp(parts[0], parts[1]) == 0) np = 1;
      rc = eval_parts(corpus, parts, np, 0, 1, &p, &err);
      const char *expect = expected_failure(f.path);
      if (expect != NULL && rc != SBP_OK && strcmp(err.message, expect) == 0 && err.line > 0) {
        c.expected++;
        goto next;
      }
      if (rc != SBP_OK) {
        c.failed++;
        print_message("%s (%s): %s %s:%u:%u: %s\n", f.path, f.kind, sbp_status_name(rc),
                      err.file, err.line, err.column, err.message);
        goto next;
      }
      c.evaluated++;
      if (round_trip(p, f.path))
        c.roundtrip_ok++;
      else
        c.roundtrip_bad++;
      sbp_profile_free(p);
      p = NULL;
      /* without values, parameters kept symbolic */
      if (eval_parts(corpus, parts, np, SBP_READ_SYMBOLIC_PARAMS, 0, &p, &err) == SBP_OK) {
        c.symbolic_ok++;
        if (round_trip(p, f.path))
          c.roundtrip_ok++;
        else
          c.roundtrip_bad++;
      }
      sbp_profile_free(p);
    }
  next:
    line = nl ? nl + 1 : NULL;
  }
  free(mtext);
  free_params(&g_params);
  print_message("corpus: %zu evaluated, %zu failed (%zu more failed as expected); invalid fixtures rejected with a position: "
                "%zu (%zu not); preprocessor lines reported at their position: %zu (%zu not); "
                "%zu templates skipped; also %zu evaluated with symbolic parameters; "
                "round trips: %zu held, %zu broke\n",
                c.evaluated, c.failed, c.expected, c.invalid_ok, c.invalid_bad, c.preproc_ok, c.preproc_bad,
                c.skipped, c.symbolic_ok, c.roundtrip_ok, c.roundtrip_bad);
  assert_int_equal(c.failed, 0);
  assert_int_equal(c.invalid_bad, 0);
  assert_int_equal(c.preproc_bad, 0);
  assert_int_equal(c.roundtrip_bad, 0);
  assert_true(c.evaluated > 0);
  assert_int_equal(c.expected, sizeof(expected_failures) / sizeof(expected_failures[0]));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
