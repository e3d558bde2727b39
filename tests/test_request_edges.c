/* Requests at their edges: which attribute sbp_request_set_simple() gives each family of
 * operations, network targets it takes and refuses (IPv6 in brackets, a missing or bad
 * port, no host), and the argument checks of the attribute setters, each failure with its
 * message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

typedef struct simple_case {
  const char *op;
  const char *target; /* NULL: no attribute */
  const char *described; /* sbp_request_describe(), or NULL when refused */
  const char *message;   /* the error's message when refused (a prefix) */
} simple_case;

#define BAD_NET(t) \
  {"network-outbound", t, NULL, "request: network target \"" t "\" is neither a path nor PROTO:HOST:PORT"}

static const simple_case simple[] = {
    {"mach-register", "com.a", "mach-register global-name=\"com.a\"", NULL},
    {"mach-cross-domain-lookup", "com.b", "mach-cross-domain-lookup global-name=\"com.b\"", NULL},
    {"mach-issue-extension", "com.c", "mach-issue-extension global-name=\"com.c\"", NULL},
    {"user-preference-read", "d", "user-preference-read preference-domain=\"d\"", NULL},
    {"managed-preference-read", "d", "managed-preference-read preference-domain=\"d\"", NULL},
    {"iokit-open", "C", "iokit-open iokit-registry-entry-class=\"C\"", NULL},
    {"darwin-notification-post", "n", "darwin-notification-post notification-name=\"n\"", NULL},
    {"distributed-notification-post", "n", "distributed-notification-post notification-name=\"n\"",
     NULL},
    {"signal", "self", "signal target=\"self\"", NULL},
    {"process-info-pidinfo", "others", "process-info-pidinfo target=\"others\"", NULL},
    {"mach-task-name", "self", "mach-task-name target=\"self\"", NULL},
    {"mach-priv-task-port", "self", "mach-priv-task-port target=\"self\"", NULL},
    {"authorization-right-obtain", "system.x", "authorization-right-obtain right-name=\"system.x\"",
     NULL},
    {"system-socket", "AF_INET", "system-socket socket-domain=\"AF_INET\"", NULL},
    {"ipc-posix-shm-read-data", "/x", "ipc-posix-shm-read-data ipc-posix-name=\"/x\"", NULL},
    {"process-exec", "/bin/sh", "process-exec path=\"/bin/sh\"", NULL},
    {"file-write-data", "/a//b/../c/", "file-write-data path=\"/a/c\"", NULL},
    {"default", NULL, "default", NULL},
    {"file-read-data", "relative", NULL,
     "request: path \"relative\" is not an absolute path (the kernel decides on absolute paths)"},
    /* network */
    {"network-outbound", "tcp:[::1]:80", "network-outbound remote=tcp6:[::1]:80", NULL},
    {"network-outbound", "tcp:*:*", "network-outbound remote=tcp:*:*", NULL},
    {"network-outbound", "udp6:fe80::1:53", "network-outbound remote=udp6:[fe80::1]:53", NULL},
    {"network-outbound", "ip:[2001:db8::2]:*", "network-outbound remote=ip6:[2001:db8::2]:*", NULL},
    {"network-outbound", "ip:10.0.0.1:5", "network-outbound remote=ip4:10.0.0.1:5", NULL},
    {"network-bind", "udp:*:53", "network-bind local=udp:*:53", NULL},
    {"network-inbound", "tcp:localhost:1", "network-inbound local=tcp:localhost:1", NULL},
    {"network-outbound", "/var/run/s", "network-outbound path=\"/var/run/s\"", NULL},
    BAD_NET("tcp:[::1]"),
    BAD_NET("tcp:[::1:80"),
    BAD_NET("tcp:[::1]x80"),
    BAD_NET("tcp:host"),
    BAD_NET("tcp:1.2.3.4:"),
    BAD_NET("tcp:h:99999999"),
    BAD_NET("tcp:h:8a"),
    BAD_NET("tcp"),
    BAD_NET("tcp:"),
    BAD_NET("tcp:h:-1"),
    BAD_NET(""),
    {"network-outbound", "tcp:host-with-a-long-name-" "0123456789012345678901234567890123456789"
                         "0123456789012345678901234567890123456789", NULL,
     "request: network target \"tcp:host-with-a-long-name-0123456789012345678901234567890123"
     "4567890123456789012345678901234567890123\" is neither a path nor PROTO:HOST:PORT"},
    {"file*", "/x", "file* path=\"/x\"", NULL},
    {"iokit-get-properties", "P", "iokit-get-properties iokit-property=\"P\"", NULL},
    {"network-outbound", "xyz:h:1", NULL, "request: unknown protocol \"xyz\""},
};

static void test_simple(void **state) {
  (void)state;
  sbp_request *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_request_new(&r, NULL, &err), SBP_OK);
  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
    const simple_case *c = &simple[i];
    int rc = sbp_request_set_simple(r, c->op, strlen(c->op), c->target,
                                    c->target ? strlen(c->target) : 0, &err);
    if (c->described == NULL) {
      if (rc != SBP_E_INVALID_ARG || strncmp(err.message, c->message, strlen(c->message)) != 0)
        fail_msg("%s %s: %s '%s', expected SBP_E_INVALID_ARG '%s'", c->op, c->target,
                 sbp_status_name(rc), err.message, c->message);
      continue;
    }
    if (rc != SBP_OK) fail_msg("%s %s: %s '%s'", c->op, c->target, sbp_status_name(rc), err.message);
    sbp_buf b = SBP_BUF_INIT;
    assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
    if (strcmp(b.ptr, c->described) != 0)
      fail_msg("%s %s: described as '%s', expected '%s'", c->op, c->target, b.ptr, c->described);
    /* a described network address reads back as the same request */
    const char *addr = strstr(b.ptr, "remote=");
    if (addr == NULL) addr = strstr(b.ptr, "local=");
    if (addr != NULL) {
      addr = strchr(addr, '=') + 1;
      sbp_request *again = NULL;
      assert_int_equal(sbp_request_new(&again, NULL, &err), SBP_OK);
      assert_int_equal(sbp_request_set_simple(again, c->op, strlen(c->op), addr, strlen(addr),
                                              &err), SBP_OK);
      sbp_buf b2 = SBP_BUF_INIT;
      assert_int_equal(sbp_request_describe(again, &b2, &err), SBP_OK);
      assert_string_equal(b2.ptr, b.ptr);
      sbp_buf_dispose(&b2);
      sbp_request_free(again);
    }
    sbp_buf_dispose(&b);
  }
  sbp_request_free(r);
}

static void expect_invalid(int rc, const sbp_error *err, const char *message) {
  if (rc != SBP_E_INVALID_ARG || strcmp(err->message, message) != 0)
    fail_msg("%s '%s', expected SBP_E_INVALID_ARG '%s'", sbp_status_name(rc), err->message,
             message);
}

static void test_setters(void **state) {
  (void)state;
  sbp_request *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_request_new(&r, NULL, &err), SBP_OK);
  assert_int_equal(sbp_request_set_operation(r, "file-read-data", 14, &err), SBP_OK);
  expect_invalid(sbp_request_set_operation(r, "a\0b", 3, &err), &err,
                 "request: the operation must be a non-empty name");
  expect_invalid(sbp_request_set_named_attr(r, "remote", 6, 0, "x", 1, 0, &err), &err,
                 "request: remote is a network address; use sbp_request_set_netaddr");
  expect_invalid(sbp_request_set_named_attr(r, "x\0y", 3, 0, "x", 1, 0, &err), &err,
                 "request: the attribute needs a name");
  expect_invalid(sbp_request_set_named_attr(r, "signing-identifier", 18, 0, NULL, 0, 0, &err),
                 &err, "request: NULL value for signing-identifier");
  expect_invalid(sbp_request_set_named_attr(r, "signing-identifier", 18, 0, "a\0b", 3, 0, &err),
                 &err, "request: NUL byte in the value of signing-identifier");
  expect_invalid(sbp_request_set_named_attr(r, "path", 4, 0, "", 0, 0, &err), &err,
                 "request: path \"\" is not an absolute path (the kernel decides on absolute "
                 "paths)");
  expect_invalid(sbp_request_set_netaddr(r, SBP_ATTR_PATH, "tcp", 3, NULL, 0, 1, &err), &err,
                 "request: a network address goes in local or remote");
  expect_invalid(sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, NULL, 0, NULL, 0, 1, &err), &err,
                 "request: unknown protocol \"\"");
  expect_invalid(sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, "tcp", 3, NULL, 0, 65536, &err),
                 &err, "request: port 65536 out of range");
  expect_invalid(sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, "tcp", 3, NULL, 0, -2, &err), &err,
                 "request: port -2 out of range");
  expect_invalid(sbp_request_set_netaddr(NULL, SBP_ATTR_REMOTE, "tcp", 3, NULL, 0, 1, &err),
                 &err, "request: NULL request");
  expect_invalid(sbp_request_set_simple(NULL, "x", 1, NULL, 0, &err), &err,
                 "request: NULL request");
  sbp_buf b = SBP_BUF_INIT;
  expect_invalid(sbp_request_describe(NULL, &b, &err), &err, "request: NULL argument");
  expect_invalid(sbp_request_describe(r, NULL, &err), &err, "request: NULL argument");

  /* a text attribute set again, shorter then longer, keeps the last value; an unknown name
   * is kept as written; an integer attribute; ip6 with an IPv4 literal keeps ip6 */
  assert_int_equal(sbp_request_set_named_attr(r, "signing-identifier", 18, 0, "com.long.id", 11,
                                              0, &err), SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, "signing-identifier", 18, 0, "s", 1, 0, &err),
                   SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, "signing-identifier", 18, 0, "a-longer-one-now",
                                              16, 0, &err), SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, "x-custom", 8, 1, NULL, 0, 42, &err), SBP_OK);
  assert_int_equal(sbp_request_set_netaddr(r, SBP_ATTR_LOCAL, "ip", 2, "::1", 3, SBP_PORT_ANY,
                                           &err), SBP_OK);
  assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "file-read-data signing-identifier=\"a-longer-one-now\" "
                             "x-custom=42 local=ip6:[::1]:*");
  sbp_buf_dispose(&b);
  sbp_request_free(r);
}

static void *never_malloc(void *ud, size_t n) {
  (void)ud;
  (void)n;
  return NULL;
}

/* Arguments the setters refuse, each with its message, and what they keep: an attribute
 * set on several slots, empty values, host names that are no address literal. */
static void test_setter_edges(void **state) {
  (void)state;
  sbp_request *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  sbp_alloc half = {never_malloc, NULL, NULL, NULL};
  expect_invalid(sbp_request_new(&r, &half, &err), &err, "request: allocator lacks a function");
  assert_null(r);
  expect_invalid(sbp_request_new(NULL, NULL, &err), &err, "request: NULL out");
  sbp_request_reset(NULL);
  assert_int_equal(sbp_request_new(&r, NULL, &err), SBP_OK);
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "(no operation)");
  sbp_buf_dispose(&b);
  expect_invalid(sbp_request_set_operation(r, NULL, 3, &err), &err,
                 "request: the operation must be a non-empty name");
  expect_invalid(sbp_request_set_operation(r, "x", 0, &err), &err,
                 "request: the operation must be a non-empty name");
  expect_invalid(sbp_request_set_operation(NULL, "x", 1, &err), &err, "request: NULL request");
  for (int i = 0; i < 2; i++) {
    sbp_attr net = i ? SBP_ATTR_REMOTE : SBP_ATTR_LOCAL;
    const char *want = i ? "request: remote is a network address; use sbp_request_set_netaddr"
                         : "request: local is a network address; use sbp_request_set_netaddr";
    expect_invalid(sbp_request_set_string_attr(r, net, "x", 1, &err), &err, want);
    expect_invalid(sbp_request_set_integer_attr(r, net, 1, &err), &err, want);
  }
  expect_invalid(sbp_request_set_named_attr(r, "local", 5, 0, "x", 1, 0, &err), &err,
                 "request: local is a network address; use sbp_request_set_netaddr");
  expect_invalid(sbp_request_set_named_attr(NULL, "x", 1, 0, "x", 1, 0, &err), &err,
                 "request: the attribute needs a name");
  expect_invalid(sbp_request_set_named_attr(r, NULL, 1, 0, "x", 1, 0, &err), &err,
                 "request: the attribute needs a name");
  expect_invalid(sbp_request_set_named_attr(r, "x", 0, 0, "x", 1, 0, &err), &err,
                 "request: the attribute needs a name");
  expect_invalid(sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, "tcp", 3, "a\0b", 3, 1, &err), &err,
                 "request: NUL byte in the value of remote");
  /* more attributes than the first allocation holds; two names of one length; a value
   * made empty in place; host names without a family */
  assert_int_equal(sbp_request_set_operation(r, "network-outbound", 16, &err), SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, "aaaa", 4, 0, "long value", 10, 0, &err), SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, "bbbb", 4, 0, "y", 1, 0, &err), SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, "aaaa", 4, 0, "", 0, 0, &err), SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, "cccc", 4, 1, NULL, 0, -3, &err), SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, "dddd", 4, 0, "q\"\\", 3, 0, &err), SBP_OK);
  assert_int_equal(sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, "ip", 2, "example.com", 11, 80,
                                           &err), SBP_OK);
  assert_int_equal(sbp_request_set_netaddr(r, SBP_ATTR_LOCAL, "ip", 2, "", 0, SBP_PORT_ANY,
                                           &err), SBP_OK);
  assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "network-outbound aaaa=\"\" bbbb=\"y\" cccc=-3 dddd=\"q\\\"\\\\\" "
                             "remote=ip:example.com:80 local=ip::*");
  sbp_buf_dispose(&b);
  /* the address set again replaces the first */
  assert_int_equal(sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, "udp4", 4, "10.1.2.3", 8, 53,
                                           &err), SBP_OK);
  assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "network-outbound aaaa=\"\" bbbb=\"y\" cccc=-3 dddd=\"q\\\"\\\\\" "
                             "remote=udp4:10.1.2.3:53 local=ip::*");
  sbp_buf_dispose(&b);
  sbp_request_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_simple),
      cmocka_unit_test(test_setters),
      cmocka_unit_test(test_setter_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
