/* Policies (lib/policy.c, lib/policy_path.c), the parts test_policy leaves out: each setter
 * refusing a NULL policy and values outside its enumeration with its message, and paths as
 * the compiled profile names them: '.', '..' and repeated slashes folded, '~' expanded,
 * escapes in globs, a glob without metacharacters read as a literal, both spellings of the
 * linked roots, and the errors for relative, empty and '..'-after-pattern paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

#define S(lit) lit, sizeof(lit) - 1

static void expect_refused(int rc, const sbp_error *err, const char *message) {
  assert_int_equal(rc, SBP_E_INVALID_ARG);
  assert_int_equal(err->code, SBP_E_INVALID_ARG);
  if (strcmp(err->message, message) != 0)
    fail_msg("got '%s', wanted '%s'", err->message, message);
}

static void test_null_policy(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  const char *m = "policy: NULL";
  expect_refused(sbp_policy_set_home(NULL, S("/Users/u"), &err), &err, m);
  expect_refused(sbp_policy_set_cwd(NULL, S("/w"), &err), &err, m);
  expect_refused(sbp_policy_add_path(NULL, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("/x"), &err),
                 &err, m);
  expect_refused(sbp_policy_set_settings_file(NULL, S("/s.json"), &err), &err, m);
  expect_refused(sbp_policy_set_read_mode(NULL, SBP_READ_ALLOW_ALL, &err), &err, m);
  expect_refused(sbp_policy_set_write_mode(NULL, SBP_WRITE_DENY_ALL, &err), &err, m);
  expect_refused(sbp_policy_set_network(NULL, SBP_NETWORK_ALL, &err), &err, m);
  expect_refused(sbp_policy_add_localhost_port(NULL, 80, SBP_PORT_OUTBOUND, &err), &err, m);
  expect_refused(sbp_policy_add_mach_service(NULL, S("com.x"), &err), &err, m);
  expect_refused(sbp_policy_set_option(NULL, SBP_POLICY_PTY, 1, &err), &err, m);
  expect_refused(sbp_policy_set_protection(NULL, S("git-hooks"), 0, &err), &err, m);
  expect_refused(sbp_policy_add_base_set(NULL, S("x"), &err), &err, m);
  expect_refused(sbp_policy_add_base_entry(NULL, S("x"), &err), &err, m);
  expect_refused(sbp_policy_remove_base_entry(NULL, S("x"), &err), &err, m);
  assert_int_equal(sbp_policy_option_get(NULL, SBP_POLICY_FORK), 0);
  assert_int_equal(sbp_policy_warning_count(NULL), 0);
  assert_null(sbp_policy_warning(NULL, 0));
  sbp_policy_free(NULL);
}

static void test_bad_values(void **state) {
  (void)state;
  sbp_policy *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_policy_new(&p, NULL, &err), SBP_OK);
  expect_refused(sbp_policy_add_path(p, (sbp_policy_list)0, SBP_PATH_AUTO, S("/x"), &err), &err,
                 "list: unknown list 0");
  expect_refused(sbp_policy_add_path(p, (sbp_policy_list)7, SBP_PATH_AUTO, S("/x"), &err), &err,
                 "list: unknown list 7");
  expect_refused(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, (sbp_path_kind)4, S("/x"), &err),
                 &err, "kind: unknown path kind 4");
  expect_refused(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, NULL, 3, &err),
                 &err, "path: NULL");
  expect_refused(sbp_policy_set_settings_file(p, NULL, 3, &err), &err, "path: NULL");
  expect_refused(sbp_policy_set_network(p, (sbp_network_mode)2, &err), &err,
                 "network mode: unknown mode 2");
  expect_refused(sbp_policy_set_option(p, (sbp_policy_option)0, 1, &err), &err,
                 "option: unknown option 0");
  assert_int_equal(sbp_policy_option_get(p, (sbp_policy_option)0), 0);
  expect_refused(sbp_policy_set_protection(p, S("no-such-protection"), 0, &err), &err,
                 "protection \"no-such-protection\": unknown name");
  expect_refused(sbp_policy_set_protection(p, NULL, 2, 0, &err), &err,
                 "protection \"\": unknown name");
  expect_refused(sbp_policy_add_mach_service(p, NULL, 0, &err), &err,
                 "mach service \"\": empty name");
  expect_refused(sbp_policy_add_mach_service(p, S("com.a\0b"), &err), &err,
                 "mach service \"com.a\\x00b\": NUL byte");
  expect_refused(sbp_policy_set_option(p, (sbp_policy_option)99, 1, &err), &err,
                 "option: unknown option 99");
  assert_int_equal(sbp_policy_option_get(p, (sbp_policy_option)99), 0);
  expect_refused(sbp_policy_set_settings_file(p, "", 0, &err), &err,
                 "settings file \"\": empty path");
  /* without an error to fill, the status alone */
  assert_int_equal(sbp_policy_add_base_set(p, S("no-such-set"), NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_policy_remove_base_entry(p, S("no-such-entry"), NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_policy_add_base_set(p, S("no-such-set"), &err), SBP_E_INVALID_ARG);
  assert_int_equal(err.code, SBP_E_INVALID_ARG);
  assert_int_equal(sbp_policy_add_base_entry(p, S("no-such-entry"), &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_policy_remove_base_entry(p, S("no-such-entry"), &err),
                   SBP_E_INVALID_ARG);
  /* nothing refused was kept: the policy still compiles to the same text as a fresh one */
  sbp_policy *fresh = NULL;
  assert_int_equal(sbp_policy_new(&fresh, NULL, &err), SBP_OK);
  sbp_buf a = SBP_BUF_INIT, b = SBP_BUF_INIT;
  assert_int_equal(sbp_policy_to_sbpl(p, &a, &err), SBP_OK);
  assert_int_equal(sbp_policy_to_sbpl(fresh, &b, &err), SBP_OK);
  assert_string_equal(a.ptr, b.ptr);
  sbp_buf_dispose(&a);
  sbp_buf_dispose(&b);
  sbp_policy_free(fresh);
  sbp_policy_free(p);
}

typedef struct path_case {
  sbp_policy_list list;
  sbp_path_kind kind;
  const char *path;
  const char *names[4]; /* filters the compiled profile must hold; or the error message */
  const char *absent;   /* a text the compiled profile must not hold, or NULL */
} path_case;

static const path_case paths[] = {
    {SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, "/x/a/../b", {"(literal \"/x/b\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, "/x/./a//b/", {"(literal \"/x/a/b\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, "/..", {"(literal \"/\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, "~/x", {"(literal \"/Users/u/x\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, "/x/a\\", {"(literal \"/x/a\\\\\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/x/a\\/b*", {"(regex #\"^/x/a/b[^/]*(/.*)?$\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/x/\\*", {"(literal \"/x/*\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/x/y/z", {"(literal \"/x/y/z\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/x/**/*.txt",
     {"(regex #\"^/x/(.*/)?[^/]*\\.txt(/.*)?$\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/tmp/x/*",
     {"(regex #\"^/private/tmp/x/[^/]*(/.*)?$\")", "(regex #\"^/tmp/x/[^/]*(/.*)?$\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, "/private/var/x",
     {"(subpath \"/private/var/x\")", "(subpath \"/var/x\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, "/var",
     {"(subpath \"/private/var\")", "(subpath \"/var\")"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, "/tmpx/a", {"(subpath \"/tmpx/a\")"}, "/private"},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/x/a\\*b/*", {"(regex #\"^/x/a\\*b/[^/]*(/.*)?$\")"},
     NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, "/etc/x",
     {"(subpath \"/private/etc/x\")", "(subpath \"/etc/x\")"}, NULL},
    {SBP_POLICY_WRITE_DENY, SBP_PATH_GLOB, "/x/sock*", {"(regex #\"^/x/sock[^/]*(/.*)?$\")"}, NULL},
    /* A first component that is a pattern: under /private once more for each of tmp, var
     * and etc it can match, since the kernel reports /tmp/x as /private/tmp/x. */
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/t*/x",
     {"(regex #\"^/t[^/]*/x(/.*)?$\")", "(regex #\"^/private/tmp/x(/.*)?$\")"},
     "/private/var"},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/?ar/log/*",
     {"(regex #\"^/[^/]ar/log/[^/]*(/.*)?$\")", "(regex #\"^/private/var/log/[^/]*(/.*)?$\")"},
     "/private/tmp"},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/[a-z]*/k",
     {"(regex #\"^/private/tmp/k(/.*)?$\")", "(regex #\"^/private/var/k(/.*)?$\")",
      "(regex #\"^/private/etc/k(/.*)?$\")", "(regex #\"^/[a-z][^/]*/k(/.*)?$\")"}, NULL},
    /* `*` alone matches every name: the three folders themselves, no subtree asked. */
    {SBP_POLICY_EXEC_ALLOW, SBP_PATH_GLOB, "/*",
     {"(regex #\"^/[^/]*$\")", "(regex #\"^/private/tmp$\")", "(regex #\"^/private/var$\")",
      "(regex #\"^/private/etc$\")"}, NULL},
    /* An escape after the pattern stays in the /private spelling. */
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/e?c/a\\[1]",
     {"(regex #\"^/private/etc/a\\[1\\](/.*)?$\")"}, NULL},
    /* `**` already spans /private/tmp; a pattern matching none of the three needs nothing. */
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/**/y", {"(regex #\"^/(.*/)?y(/.*)?$\")"}, "/private"},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/[!t]mp/y", {"(regex #\"^/[^/t]mp/y(/.*)?$\")"},
     "/private"},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/Users/*/tmp", {"(regex #\"^/Users/[^/]*/tmp(/.*)?$\")"},
     "/private"},
};

static const path_case bad_paths[] = {
    {SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, "rel/x",
     {"read-deny \"rel/x\": relative path without a cwd"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, "~user/x",
     {"read-deny \"~user/x\": relative path without a cwd"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, "", {"read-deny \"\": empty path"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "", {"read-deny \"\": empty path"}, NULL},
    {SBP_POLICY_READ_DENY, SBP_PATH_GLOB, "/x/*/../b",
     {"read-deny \"/x/*/../b\": '..' after a pattern component"}, NULL},
};

static sbp_policy *policy_with_home(void) {
  sbp_policy *p = NULL;
  assert_int_equal(sbp_policy_new(&p, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_policy_set_home(p, S("/Users/u"), NULL), SBP_OK);
  assert_int_equal(sbp_policy_set_option(p, SBP_POLICY_COMMENTS, 0, NULL), SBP_OK);
  return p;
}

static void test_paths(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    const path_case *c = &paths[i];
    sbp_policy *p = policy_with_home();
    sbp_error err = SBP_ERROR_INIT;
    if (sbp_policy_add_path(p, c->list, c->kind, c->path, strlen(c->path), &err) != SBP_OK)
      fail_msg("%s: %s", c->path, err.message);
    sbp_buf out = SBP_BUF_INIT;
    assert_int_equal(sbp_policy_to_sbpl(p, &out, &err), SBP_OK);
    for (int k = 0; k < 4 && c->names[k]; k++)
      if (strstr(out.ptr, c->names[k]) == NULL)
        fail_msg("%s: no %s in\n%s", c->path, c->names[k], out.ptr);
    if (c->absent != NULL && strstr(out.ptr, c->absent) != NULL)
      fail_msg("%s: %s in\n%s", c->path, c->absent, out.ptr);
    sbp_buf_dispose(&out);
    sbp_policy_free(p);
  }
  for (size_t i = 0; i < sizeof bad_paths / sizeof bad_paths[0]; i++) {
    const path_case *c = &bad_paths[i];
    sbp_policy *p = policy_with_home();
    sbp_error err = SBP_ERROR_INIT;
    expect_refused(sbp_policy_add_path(p, c->list, c->kind, c->path, strlen(c->path), &err),
                   &err, c->names[0]);
    sbp_policy_free(p);
  }
}

/* With a cwd, a relative path is resolved against it. */
static void test_relative_to_cwd(void **state) {
  (void)state;
  sbp_policy *p = policy_with_home();
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_policy_set_cwd(p, S("/w/proj"), &err), SBP_OK);
  assert_int_equal(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_LITERAL,
                                       S("../other/./f"), &err), SBP_OK);
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_policy_to_sbpl(p, &out, &err), SBP_OK);
  assert_non_null(strstr(out.ptr, "(literal \"/w/other/f\")"));
  sbp_buf_dispose(&out);
  sbp_policy_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_policy),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_paths),
      cmocka_unit_test(test_relative_to_cwd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
