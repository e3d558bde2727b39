/* Imports read from files (lib/eval_read.c) through sbp_import_search: the name the resolver
 * is given (joined to IMPORT_DIR with or without its slash; an absolute name as written),
 * positions inside an imported file, the nesting limit, a cycle, a directory where a file is
 * expected, an import before the version and one whose name is a parameter without a value.
 * The files are written to a fresh directory under /tmp and removed afterwards. */
/* mkdtemp */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sbprofile.h"

/* The files the tests import, written to a fresh directory. */
static const struct {
  const char *name, *text;
} files[] = {
    {"base.sb", "(allow mach-lookup (global-name \"base\"))\n"},
    {"bad.sb", "(allow mach-lookup\n  (global-name 5))\n"},
    {"self.sb", "(import \"self.sb\")\n"},
    {"a.sb", "(import \"b.sb\")\n"},
    {"b.sb", "(import \"c.sb\")\n"},
    {"c.sb", "(allow mach-lookup (global-name \"c\"))\n"},
};

static char dir[32];

static int make_files(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/sbp-import-XXXXXX");
  if (mkdtemp(dir) == NULL) return -1;
  char path[128];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
    FILE *f = fopen(path, "w");
    if (f == NULL) return -1;
    fputs(files[i].text, f);
    fclose(f);
  }
  snprintf(path, sizeof path, "%s/dir.sb", dir); /* a directory where a file is expected */
  return mkdir(path, 0700);
}

static int remove_files(void **state) {
  (void)state;
  char path[128];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/dir.sb", dir);
  rmdir(path);
  return rmdir(dir);
}

typedef struct resolver_log {
  char last[256]; /* the last name asked for */
  int calls;
} resolver_log;

/* sbp_import_search, noting the name it is given */
static int resolve(const char *name, size_t len, const char *from, sbp_buf *text, sbp_buf *file,
                   sbp_error *err, void *payload) {
  resolver_log *log = payload;
  log->calls++;
  snprintf(log->last, sizeof log->last, "%.*s", (int)len, name);
  return sbp_import_search(name, len, from, text, file, err, NULL);
}

/* Reads text with IMPORT_DIR set to dir_param (NULL: not set). */
static int read_with(const char *text, const char *dir_param, size_t max_depth, uint32_t flags,
                     resolver_log *log, sbp_profile **p, sbp_error *err) {
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  const char *params[] = {"IMPORT_DIR", dir_param};
  if (dir_param != NULL) {
    o.params = params;
    o.nparams = 1;
  }
  o.flags = flags;
  o.import = resolve;
  o.import_payload = log;
  o.max_import_depth = max_depth;
  return sbp_profile_read(p, text, strlen(text), "main.sb", &o, NULL, err);
}

/* The name the resolver is given: joined to IMPORT_DIR with or without its slash, an
 * absolute one as written. */
static void test_names_given(void **state) {
  (void)state;
  char slashed[80], absolute[96], want[96], text[256];
  snprintf(slashed, sizeof slashed, "%s/", dir);
  snprintf(absolute, sizeof absolute, "%s/base.sb", dir);
  snprintf(want, sizeof want, "%s/base.sb", dir);
  const struct {
    const char *import, *dir_param;
  } cases[] = {{"base.sb", dir}, {"base.sb", slashed}, {absolute, "/elsewhere"}, {absolute, NULL}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(text, sizeof text, "(version 1)\n(import \"%s\")\n", cases[i].import);
    resolver_log log = {"", 0};
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    if (read_with(text, cases[i].dir_param, 0, 0, &log, &p, &err) != SBP_OK)
      fail_msg("%s: %s", cases[i].import, err.message);
    assert_int_equal(log.calls, 1);
    assert_string_equal(log.last, want);
    sbp_buf out = SBP_BUF_INIT;
    assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_OK);
    assert_non_null(strstr(out.ptr, "(global-name \"base\")"));
    sbp_buf_dispose(&out);
    sbp_profile_free(p);
  }
}

static void test_positions_and_nesting(void **state) {
  (void)state;
  resolver_log log = {"", 0};
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  char want[96];
  /* an error inside an imported text is placed there */
  assert_int_equal(read_with("(version 1)\n(import \"bad.sb\")\n", dir, 0, 0, &log, &p, &err),
                   SBP_E_EVAL);
  assert_null(p);
  snprintf(want, sizeof want, "%s/bad.sb", dir);
  assert_string_equal(err.file, want);
  assert_int_equal(err.line, 2);
  /* three deep is fine with the default limit; with a limit of two, the third is refused
   * where the second imports it */
  assert_int_equal(read_with("(version 1)\n(import \"a.sb\")\n", dir, 0, 0, &log, &p, &err),
                   SBP_OK);
  sbp_profile_free(p);
  assert_int_equal(read_with("(version 1)\n(import \"a.sb\")\n", dir, 2, 0, &log, &p, &err),
                   SBP_E_LIMIT);
  assert_null(p);
  assert_string_equal(err.message, "imports nested too deeply (limit 2)");
  snprintf(want, sizeof want, "%s/b.sb", dir);
  assert_string_equal(err.file, want);
  assert_int_equal(err.line, 1);
}

static void test_refusals(void **state) {
  (void)state;
  char self[160], isdir[224], none[160];
  snprintf(self, sizeof self, "import cycle: %s/self.sb imports itself", dir);
  snprintf(isdir, sizeof isdir, "unable to open %s/dir.sb: %s/dir.sb: Is a directory", dir, dir);
  snprintf(none, sizeof none, "unable to open %s/none.sb", dir);
  const struct {
    const char *text;
    uint32_t flags;
    int code;
    const char *message;
  } cases[] = {
      {"(version 1)\n(import \"self.sb\")\n", 0, SBP_E_EVAL, self},
      {"(version 1)\n(import \"dir.sb\")\n", 0, SBP_E_IO, isdir},
      {"(version 1)\n(import \"none.sb\")\n", 0, SBP_E_NOT_FOUND, none},
      {"(import \"base.sb\")\n", 0, SBP_E_EVAL,
       "unbound variable: import (version must come before import)"},
      {"(version 1)\n(import (param \"P\"))\n", SBP_READ_SYMBOLIC_PARAMS, SBP_E_EVAL,
       "import: the value of a parameter is needed but none was given"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    resolver_log log = {"", 0};
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    int rc = read_with(cases[i].text, dir, 0, cases[i].flags, &log, &p, &err);
    if (rc != cases[i].code || strcmp(err.message, cases[i].message) != 0)
      fail_msg("%s: %d '%s', expected %d '%s'", cases[i].text, rc, err.message, cases[i].code,
               cases[i].message);
    assert_null(p);
  }
}

/* sbp_import_search on its own: the directories of its payload in order (a NULL entry
 * skipped, an empty one adding no slash, one with or without its trailing slash), a name
 * with a NUL byte found nowhere, and a name the system refuses to open. */
static void test_search_directories(void **state) {
  (void)state;
  sbp_buf text = SBP_BUF_INIT, file = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  char slashed[40], want[64];
  snprintf(slashed, sizeof slashed, "%s/", dir);
  const char *dirs[] = {NULL, "/no-such-dir-for-sbp", slashed};
  sbp_import_dirs d = {dirs, 3};
  assert_int_equal(sbp_import_search("c.sb", 4, NULL, &text, &file, &err, &d), SBP_OK);
  snprintf(want, sizeof want, "%s/c.sb", dir);
  assert_string_equal(file.ptr, want);
  assert_string_equal(text.ptr, files[5].text);
  /* an empty directory name adds no slash: the name is looked up as it is */
  const char *none[] = {""};
  sbp_import_dirs r = {none, 1};
  assert_int_equal(sbp_import_search("no-such-file.sb", 15, NULL, &text, &file, &err, &r),
                   SBP_E_NOT_FOUND);
  assert_int_equal(sbp_import_search("a\0b", 3, NULL, &text, &file, &err, &d), SBP_E_NOT_FOUND);
  /* relative to an importing file without a directory: the current one */
  assert_int_equal(sbp_import_search("no-such-file.sb", 15, "t.sb", &text, &file, &err, NULL),
                   SBP_E_NOT_FOUND);
  /* a name longer than the system takes is an I/O error, with its reason */
  char long_name[5000];
  memset(long_name, 'x', sizeof long_name);
  long_name[0] = '/';
  sbp_error_clear(&err);
  assert_int_equal(sbp_import_search(long_name, sizeof long_name, NULL, &text, &file, &err, NULL),
                   SBP_E_IO);
  if (strstr(err.message, ": File name too long") == NULL) fail_msg("message: %s", err.message);
  sbp_buf_dispose(&text);
  sbp_buf_dispose(&file);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_given),
      cmocka_unit_test(test_positions_and_nesting),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_search_directories),
  };
  return cmocka_run_group_tests(tests, make_files, remove_files);
}
