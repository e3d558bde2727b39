/* Compiling policies with every allocation failing in turn (lib/policy_compile.c,
 * lib/policy_path.c, lib/policy_emit.c): two policies that between them use every list, both
 * read and write modes, localhost ports of each access, mach services, base sets and entries,
 * protections and each option, with no unix-domain socket (the third policy has them). Each
 * run must fail with SBP_E_NOMEM or succeed, leak nothing, and the run without failures must
 * give the text it gives with the default allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "sbprofile.h"
#include "test_alloc.h"

#define S(lit) lit, sizeof(lit) - 1
#define STEP(call) \
  if (rc == SBP_OK) rc = (call)

static int build_first(sbp_policy *p) {
  int rc = SBP_OK;
  STEP(sbp_policy_set_home(p, S("/Users/u"), NULL));
  STEP(sbp_policy_set_cwd(p, S("/Users/u/proj"), NULL));
  STEP(sbp_policy_set_read_mode(p, SBP_READ_DENY_ALL, NULL));
  STEP(sbp_policy_set_write_mode(p, SBP_WRITE_DENY_ALL, NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_SUBTREE, S("/usr"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_AUTO, S("."), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_GLOB, S("/etc/*.conf"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("./.env"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("**/id_*"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("."), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_LITERAL, S("/dev/null"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_GLOB, S("./build/**/*.o"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_EXEC_ALLOW, SBP_PATH_LITERAL, S("/bin/sh"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_EXEC_ALLOW, SBP_PATH_GLOB, S("/usr/bin/*"), NULL));
  STEP(sbp_policy_set_network(p, SBP_NETWORK_NONE, NULL));
  STEP(sbp_policy_add_localhost_port(p, 8080, SBP_PORT_OUTBOUND | SBP_PORT_BIND | SBP_PORT_INBOUND,
                                     NULL));
  STEP(sbp_policy_add_localhost_port(p, 53, SBP_PORT_INBOUND, NULL));
  STEP(sbp_policy_add_mach_service(p, S("com.example.a"), NULL));
  STEP(sbp_policy_add_mach_service(p, S("com.example.*"), NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_FORK, 0, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_SIGNAL, 0, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_PROCESS_INFO, 0, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_DIRECTORY_METADATA, 1, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_FOLD_LITERALS, 1, NULL));
  STEP(sbp_policy_set_protection(p, S("git-hooks"), 0, NULL));
  return rc;
}

static int build_second(sbp_policy *p) {
  int rc = SBP_OK;
  STEP(sbp_policy_set_home(p, S("/Users/u"), NULL));
  STEP(sbp_policy_set_read_mode(p, SBP_READ_ALLOW_ALL, NULL));
  STEP(sbp_policy_set_write_mode(p, SBP_WRITE_ALLOW_ALL, NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, S("~/.ssh"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("/tmp/*/secret"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_LITERAL, S("~/.ssh/known_hosts"),
                           NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_LITERAL, S("/nowhere/x"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_SUBTREE, S("/etc"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_GLOB, S("~/.*rc"), NULL));
  STEP(sbp_policy_set_network(p, SBP_NETWORK_ALL, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_LOCAL_BINDING, 1, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_PTY, 1, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_APPLE_EVENTS, 1, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_BOTH_SPELLINGS, 0, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_MOVE_PROTECTION, 0, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_COMMENTS, 0, NULL));
  if (rc == SBP_OK && sbp_base_set_count() > 0) {
    const sbp_base_set *set = sbp_base_set_at(0);
    const char *name = sbp_base_set_name(set);
    STEP(sbp_policy_add_base_set(p, name, strlen(name), NULL));
    const sbp_base_entry *e = sbp_base_set_entry_at(set, 0);
    if (e != NULL) {
      const char *en = sbp_base_entry_name(e);
      STEP(sbp_policy_remove_base_entry(p, en, strlen(en), NULL));
      STEP(sbp_policy_add_base_entry(p, en, strlen(en), NULL));
    }
  }
  STEP(sbp_policy_set_settings_file(p, S("~/.settings.json"), NULL));
  return rc;
}

typedef int (*build_fn)(sbp_policy *p);

typedef struct oom_ctx {
  build_fn build;
  char *expected; /* the text with the default allocator; NULL while it is made */
} oom_ctx;

static int compile_op(const sbp_alloc *alloc, void *vctx) {
  oom_ctx *c = vctx;
  sbp_policy *p = NULL;
  int rc = sbp_policy_new(&p, alloc, NULL);
  if (rc != SBP_OK) return rc;
  rc = c->build(p);
  sbp_buf out = SBP_BUF_INIT;
  STEP(sbp_policy_to_sbpl(p, &out, NULL));
  sbp_profile *prof = NULL;
  STEP(sbp_policy_compile(p, &prof, NULL));
  if (rc == SBP_OK && c->expected != NULL && strcmp(out.ptr, c->expected) != 0)
    rc = SBP_E_INVALID_TREE;
  if (rc == SBP_OK && sbp_profile_rule_count(prof) == 0) rc = SBP_E_INVALID_TREE;
  sbp_profile_free(prof);
  sbp_buf_dispose(&out);
  sbp_policy_free(p);
  return rc;
}

static void exhaust_policy(build_fn build) {
  sbp_policy *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_policy_new(&p, NULL, &err), SBP_OK);
  assert_int_equal(build(p), SBP_OK);
  sbp_buf out = SBP_BUF_INIT;
  if (sbp_policy_to_sbpl(p, &out, &err) != SBP_OK) fail_msg("%s", err.message);
  sbp_policy_free(p);
  oom_ctx c = {build, out.ptr};
  size_t n = test_alloc_exhaust(compile_op, &c);
  assert_true(n > 50);
  sbp_buf_dispose(&out);
}

static void test_first_policy(void **state) {
  (void)state;
  exhaust_policy(build_first);
}

static void test_second_policy(void **state) {
  (void)state;
  exhaust_policy(build_second);
}

/* Unix-domain sockets of each kind, carve-outs of a subtree, a port, a base entry's rules and
 * a path with a quote, compiled with the arena's chunks made minimal (lib/alloc.h): every
 * node of the profile is then an allocator call, so each filter, value and comment the
 * compiler emits meets a failure. */
static int build_third(sbp_policy *p) {
  int rc = SBP_OK;
  STEP(sbp_policy_set_home(p, S("/Users/u"), NULL));
  STEP(sbp_policy_set_read_mode(p, SBP_READ_DENY_ALL, NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_SUBTREE, S("/a"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, S("/a/\"q\""), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("/a/*.key"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_UNIX_SOCKET, SBP_PATH_LITERAL, S("/var/run/s"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_UNIX_SOCKET, SBP_PATH_SUBTREE, S("/tmp/socks"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_UNIX_SOCKET, SBP_PATH_GLOB, S("/run/*.sock"), NULL));
  STEP(sbp_policy_add_localhost_port(p, 3000, SBP_PORT_OUTBOUND, NULL));
  if (rc == SBP_OK && sbp_base_set_count() > 0) {
    const sbp_base_entry *e = sbp_base_set_entry_at(sbp_base_set_at(0), 0);
    const char *en = e ? sbp_base_entry_name(e) : NULL;
    if (en != NULL) STEP(sbp_policy_add_base_entry(p, en, strlen(en), NULL));
  }
  return rc;
}

static void test_third_policy_minimal_chunks(void **state) {
  (void)state;
  sbp__arena_test_chunk_size(1);
  exhaust_policy(build_third);
  sbp__arena_test_chunk_size(0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_first_policy),
      cmocka_unit_test(test_second_policy),
      cmocka_unit_test(test_third_policy_minimal_chunks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
