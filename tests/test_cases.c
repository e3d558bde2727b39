/* The data-driven cases of tests/data/valid/ and tests/data/invalid/ (format: tests/data/README.md),
 * each run as one cmocka test named after its directory, through the public API only:
 *
 *  - valid/<case>/: input.sb reads without error, its compact serialization is expected.sb
 *    byte for byte, and expected.sb is a fixed point: it reads back to an equal profile that
 *    serializes to the same bytes (the round trip of conventions R10.3);
 *  - invalid/<case>/: input.sb fails with the status, line, column (and offset, when the file
 *    gives one), file name and message of `error`, and no profile is left.
 *
 * Both may carry `options` (read options, one a line) and `note` (why the case exists; not
 * read). The data directory comes from $SBPROFILE_TEST_DATA, which CMake sets. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_files.h"

/* The name positions carry: the input file's own. */
#define INPUT_NAME "input.sb"

typedef struct data_case {
  char dir[1024];
  char name[256]; /* "valid/<case>" or "invalid/<case>" */
} data_case;

/* ---- files ----------------------------------------------------------------------------- */

static char *case_file(const data_case *c, const char *file, size_t *len, int required) {
  char path[1400];
  snprintf(path, sizeof(path), "%s/%s", c->dir, file);
  size_t n = 0;
  char *text = test_read_file(path, &n);
  if (text == NULL && required) fail_msg("%s: cannot read %s", c->name, file);
  if (len != NULL) *len = n;
  return text;
}

/* Every file of a case must be one the runner knows: a misspelt expectation would otherwise
 * go unchecked. */
static void check_file_names(const data_case *c, const char *expectation) {
  const char *const known[] = {"input.sb", expectation, "options", "note"};
  DIR *d = opendir(c->dir);
  if (d == NULL) fail_msg("%s: cannot open the directory", c->name);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    size_t i = 0, n = sizeof(known) / sizeof(known[0]);
    while (i < n && strcmp(e->d_name, known[i]) != 0) i++;
    if (i == n) {
      closedir(d);
      fail_msg("%s: unknown file %s", c->name, e->d_name);
    }
  }
  closedir(d);
}

/* ---- options ----------------------------------------------------------------------------- */

static const struct {
  const char *name;
  uint32_t flag;
} READ_FLAGS[] = {
    {"symbolic-params", SBP_READ_SYMBOLIC_PARAMS},
    {"keep-unresolved-imports", SBP_READ_KEEP_UNRESOLVED_IMPORTS},
    {"unknown-operations", SBP_READ_UNKNOWN_OPERATIONS},
    {"other-version-names", SBP_READ_OTHER_VERSION_NAMES},
};

/* Reads `options`: "macos VERSION" and "flag NAME" lines; none means the defaults. */
static void read_options(const data_case *c, sbp_read_options *o) {
  *o = (sbp_read_options)SBP_READ_OPTIONS_INIT;
  char *text = case_file(c, "options", NULL, 0);
  if (text == NULL) return;
  for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    char *value = strchr(line, ' ');
    if (value == NULL) fail_msg("%s: options: \"%s\" has no value", c->name, line);
    *value++ = '\0';
    if (strcmp(line, "macos") == 0) {
      sbp_error err = SBP_ERROR_INIT;
      if (sbp_macos_version_parse(value, strlen(value), &o->macos, &err) != SBP_OK)
        fail_msg("%s: options: macos %s: %s", c->name, value, err.message);
    } else if (strcmp(line, "flag") == 0) {
      size_t i = 0, n = sizeof(READ_FLAGS) / sizeof(READ_FLAGS[0]);
      while (i < n && strcmp(READ_FLAGS[i].name, value) != 0) i++;
      if (i == n) fail_msg("%s: options: unknown flag %s", c->name, value);
      o->flags |= READ_FLAGS[i].flag;
    } else {
      fail_msg("%s: options: unknown option %s", c->name, line);
    }
  }
  free(text);
}

/* Checks the case's file names, reads its options into o, and returns its input (malloc'd). */
static char *open_case(const data_case *c, const char *expectation, sbp_read_options *o,
                       size_t *in_len) {
  check_file_names(c, expectation);
  read_options(c, o);
  return case_file(c, "input.sb", in_len, 1);
}

/* ---- valid cases --------------------------------------------------------------------------- */

/* Reads text, failing the test with the error; returns the profile. */
static sbp_profile *read_ok(const data_case *c, const char *what, const char *text, size_t len,
                            const sbp_read_options *o) {
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read(&p, text, len, what, o, NULL, &err);
  if (rc != SBP_OK)
    fail_msg("%s: %s: %s at %u:%u: %s", c->name, what, sbp_status_name(rc), err.line,
             err.column, err.message);
  return p;
}

/* The compact serialization, the form expected.sb holds; malloc'd. */
static char *compact(const data_case *c, const sbp_profile *p) {
  sbp_serialize_options so = SBP_SERIALIZE_OPTIONS_INIT;
  so.flags = SBP_SERIALIZE_COMPACT;
  sbp_buf b = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_serialize(p, &so, &b, &err);
  if (rc != SBP_OK) fail_msg("%s: serialize: %s: %s", c->name, sbp_status_name(rc), err.message);
  char *copy = malloc(b.len + 1);
  assert_non_null(copy);
  memcpy(copy, b.ptr, b.len + 1);
  sbp_buf_dispose(&b);
  return copy;
}

static void run_valid(void **state) {
  const data_case *c = *state;
  sbp_read_options o;
  size_t in_len, want_len;
  char *input = open_case(c, "expected.sb", &o, &in_len);
  char *want = case_file(c, "expected.sb", &want_len, 1);

  sbp_profile *p = read_ok(c, INPUT_NAME, input, in_len, &o);
  char *got = compact(c, p);
  if (strcmp(got, want) != 0) fail_msg("%s:\n got:\n%s\nwanted:\n%s", c->name, got, want);

  /* The expected text reads back to the same profile, which serializes to the same bytes. */
  sbp_profile *q = read_ok(c, "expected.sb", want, want_len, &o);
  if (!sbp_profile_equal(p, q, SBP_EQUAL_IMPORTS))
    fail_msg("%s: expected.sb reads back to another profile", c->name);
  char *again = compact(c, q);
  if (strcmp(again, want) != 0)
    fail_msg("%s: expected.sb is not a fixed point:\n%s", c->name, again);

  free(again);
  free(got);
  sbp_profile_free(q);
  sbp_profile_free(p);
  free(want);
  free(input);
}

/* ---- invalid cases ------------------------------------------------------------------------- */

/* The status whose name is `name` (SBP_E_SYNTAX, ...); fails the test when there is none. */
static int status_named(const data_case *c, const char *name) {
  for (int code = 0; code > -100; code--)
    if (strcmp(sbp_status_name(code), name) == 0) return code;
  fail_msg("%s: error: unknown status %s", c->name, name);
  return 1;
}

/* The byte offset of line:column (both 1-based, the column in bytes) in text. */
static size_t offset_of(const char *text, size_t len, uint32_t line, uint32_t column) {
  size_t off = 0;
  for (uint32_t l = 1; l < line && off < len; off++)
    if (text[off] == '\n') l++;
  return off + column - 1;
}

static void run_invalid(void **state) {
  const data_case *c = *state;
  sbp_read_options o;
  size_t in_len;
  char *input = open_case(c, "error", &o, &in_len);
  char *spec = case_file(c, "error", NULL, 1);

  /* error: "LINE COLUMN [OFFSET]", the message, the status name. */
  char *position = strtok(spec, "\n"), *message = strtok(NULL, "\n"),
       *status = strtok(NULL, "\n");
  if (position == NULL || message == NULL || status == NULL || strtok(NULL, "\n") != NULL)
    fail_msg("%s: error: want three lines (position, message, status)", c->name);
  unsigned line = 0, column = 0;
  size_t offset = 0;
  int fields = sscanf(position, "%u %u %zu", &line, &column, &offset);
  if (fields < 2 || line == 0 || column == 0)
    fail_msg("%s: error: bad position \"%s\"", c->name, position);
  /* The position is the data's own claim: it must fall inside the input. */
  if (offset_of(input, in_len, line, column) > in_len)
    fail_msg("%s: error: %u:%u is past the end of input.sb", c->name, line, column);
  int code = status_named(c, status);

  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read(&p, input, in_len, INPUT_NAME, &o, NULL, &err);
  if (rc != code || err.code != code || err.line != line || err.column != column ||
      strcmp(err.message, message) != 0 || strcmp(err.file, INPUT_NAME) != 0)
    fail_msg("%s:\n got: %s %u:%u %s (file %s)\nwant: %s %u:%u %s", c->name,
             sbp_status_name(rc), err.line, err.column, err.message, err.file, status, line,
             column, message);
  /* The offset is the position's own: given or not, the library must report it. */
  if (fields == 3) assert_int_equal(offset, offset_of(input, in_len, line, column));
  assert_int_equal(err.offset, offset_of(input, in_len, line, column));
  assert_null(p);
  free(spec);
  free(input);
}

/* ---- the runner ------------------------------------------------------------------------------ */

static int by_name(const void *a, const void *b) {
  return strcmp(((const data_case *)a)->name, ((const data_case *)b)->name);
}

/* Appends a case for every directory under root/kind; returns the new count. */
static size_t list_cases(const char *root, const char *kind, data_case **cases, size_t n) {
  char dir[1024];
  snprintf(dir, sizeof(dir), "%s/%s", root, kind);
  DIR *d = opendir(dir);
  if (d == NULL) return n;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    data_case *grown = realloc(*cases, (n + 1) * sizeof(**cases));
    if (grown == NULL) break;
    *cases = grown;
    int a = snprintf(grown[n].dir, sizeof(grown[n].dir), "%s/%s", dir, e->d_name);
    int b = snprintf(grown[n].name, sizeof(grown[n].name), "%s/%s", kind, e->d_name);
    if (a < 0 || (size_t)a >= sizeof(grown[n].dir) || b < 0 ||
        (size_t)b >= sizeof(grown[n].name)) {
      fprintf(stderr, "test_cases: path too long: %s/%s\n", dir, e->d_name);
      continue;
    }
    n++;
  }
  closedir(d);
  return n;
}

int main(void) {
  const char *root = getenv("SBPROFILE_TEST_DATA");
  if (root == NULL) {
    fprintf(stderr, "test_cases: SBPROFILE_TEST_DATA is not set (ctest sets it)\n");
    return 1;
  }
  data_case *cases = NULL;
  size_t nvalid = list_cases(root, "valid", &cases, 0);
  size_t n = list_cases(root, "invalid", &cases, nvalid);
  /* No cases means a wrong directory, not a pass. */
  if (nvalid == 0 || n == nvalid) {
    fprintf(stderr, "test_cases: no valid or no invalid cases under %s\n", root);
    free(cases);
    return 1;
  }
  qsort(cases, nvalid, sizeof(*cases), by_name);
  qsort(cases + nvalid, n - nvalid, sizeof(*cases), by_name);
  struct CMUnitTest *tests = calloc(n, sizeof(*tests));
  if (tests == NULL) {
    free(cases);
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    tests[i].name = cases[i].name;
    tests[i].test_func = i < nvalid ? run_valid : run_invalid;
    tests[i].initial_state = &cases[i];
  }
  printf("test_cases: %zu valid and %zu invalid cases under %s\n", nvalid, n - nvalid, root);
  int failed = _cmocka_run_group_tests("cases", tests, n, NULL, NULL);
  free(tests);
  free(cases);
  return failed;
}
