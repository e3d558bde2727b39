/* The builder: the trees typed and generic calls make, argument validation with exact
 * messages, and atomicity under allocation failure at every point of every call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

#define S(lit) lit, sizeof(lit) - 1

/* ---- a tree dump that shows every node's type, name and value ------------------------ */

/* Operations print bare, filters as (name ...), require-* as (require-all ...), modifiers as
 * (with name ...), strings "x", regexes #"x", constants <x>, parameters (param "x"),
 * concatenations (string-append ...), integers and booleans as numbers and #t/#f, network
 * addresses as proto or proto "host:port", imports [import "x"], comments [; x]. */
typedef struct dump {
  char buf[4096];
  size_t len;
  const sbp_node *root; /* no separator before it */
} dump;

static void put(dump *d, const char *s) {
  size_t n = strlen(s);
  assert_true(d->len + n < sizeof(d->buf));
  memcpy(d->buf + d->len, s, n + 1);
  d->len += n;
}

static int dump_cb(sbp_node *n, sbp_event ev, void *payload) {
  dump *d = payload;
  const char *text = sbp_node_text(n, NULL);
  char tmp[600];
  sbp_node_type t = sbp_node_type_of(n);
  if (ev == SBP_EVENT_EXIT) {
    if (t == SBP_NODE_RULE || t == SBP_NODE_FILTER || t == SBP_NODE_REQUIRE_ALL ||
        t == SBP_NODE_REQUIRE_ANY || t == SBP_NODE_REQUIRE_NOT || t == SBP_NODE_MODIFIER ||
        sbp_value_kind_of(n) == SBP_VALUE_CONCAT)
      put(d, ")");
    return 0;
  }
  if (n == d->root) {
    /* the walk's root: no separator */
  } else if (t != SBP_NODE_PROFILE && t != SBP_NODE_RULE && sbp_node_previous(n) == NULL &&
      sbp_node_type_of(sbp_node_parent(n)) != SBP_NODE_PROFILE)
    put(d, " ");
  else if (sbp_node_previous(n) != NULL)
    put(d, sbp_node_type_of(sbp_node_parent(n)) == SBP_NODE_PROFILE ? "\n" : " ");
  switch (t) {
    case SBP_NODE_PROFILE: return 0;
    case SBP_NODE_RULE:
      put(d, sbp_rule_action(n) == SBP_ALLOW ? "(allow" : "(deny");
      return 0;
    case SBP_NODE_IMPORT: snprintf(tmp, sizeof tmp, "[import \"%s\"]", text); break;
    case SBP_NODE_COMMENT: snprintf(tmp, sizeof tmp, "[;%s]", text); break;
    case SBP_NODE_OPERATION: snprintf(tmp, sizeof tmp, "%s", text); break;
    case SBP_NODE_FILTER: snprintf(tmp, sizeof tmp, "(%s", text); break;
    case SBP_NODE_REQUIRE_ALL: snprintf(tmp, sizeof tmp, "(require-all"); break;
    case SBP_NODE_REQUIRE_ANY: snprintf(tmp, sizeof tmp, "(require-any"); break;
    case SBP_NODE_REQUIRE_NOT: snprintf(tmp, sizeof tmp, "(require-not"); break;
    case SBP_NODE_MODIFIER: snprintf(tmp, sizeof tmp, "(with %s", text); break;
    case SBP_NODE_VALUE:
      switch (sbp_value_kind_of(n)) {
        case SBP_VALUE_STRING: snprintf(tmp, sizeof tmp, "\"%s\"", text); break;
        case SBP_VALUE_REGEX: snprintf(tmp, sizeof tmp, "#\"%s\"", text); break;
        case SBP_VALUE_CONSTANT: snprintf(tmp, sizeof tmp, "<%s>", text); break;
        case SBP_VALUE_PARAM: snprintf(tmp, sizeof tmp, "(param \"%s\")", text); break;
        case SBP_VALUE_CONCAT: snprintf(tmp, sizeof tmp, "(string-append"); break;
        case SBP_VALUE_INTEGER:
          snprintf(tmp, sizeof tmp, "%lld", (long long)sbp_value_integer(n));
          break;
        case SBP_VALUE_BOOLEAN:
          snprintf(tmp, sizeof tmp, "%s", sbp_value_integer(n) ? "#t" : "#f");
          break;
        case SBP_VALUE_NETADDR: {
          const char *host;
          int port;
          if (sbp_value_netaddr(n, &host, NULL, &port)) {
            char ps[16];
            if (port == SBP_PORT_ANY) snprintf(ps, sizeof ps, "*");
            else snprintf(ps, sizeof ps, "%d", port);
            snprintf(tmp, sizeof tmp, "%s \"%s:%s\"", text, host, ps);
          } else {
            snprintf(tmp, sizeof tmp, "%s", text);
          }
          break;
        }
        default: fail_msg("unexpected value kind");
      }
      break;
    default: fail_msg("unexpected node type");
  }
  put(d, tmp);
  return 0;
}

/* The dump of a subtree (a rule, or the whole profile from its root). */
static const char *dump_node(dump *d, const sbp_node *n) {
  d->len = 0;
  d->buf[0] = '\0';
  d->root = n;
  assert_int_equal(sbp_walk(n, dump_cb, d), 0);
  return d->buf;
}

/* Checks that rule is p's last item, is valid, and dumps as expected. */
static void check_last_rule(sbp_profile *p, const sbp_node *rule, const char *expected) {
  dump d;
  assert_non_null(rule);
  assert_ptr_equal(sbp_node_last_child(sbp_profile_root(p)), rule);
  assert_ptr_equal(sbp_node_parent(rule), sbp_profile_root(p));
  assert_int_equal(sbp_node_validate(rule, NULL), SBP_OK);
  assert_string_equal(dump_node(&d, rule), expected);
}

static sbp_profile *new_profile(void) {
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  return p;
}

/* ---- typed calls: the trees they make ------------------------------------------------ */

static void test_default(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = NULL;
  assert_int_equal(sbp_add_default(p, SBP_DENY, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(deny default)");
  assert_int_equal(sbp_add_default(p, SBP_ALLOW, NULL, NULL), SBP_OK);
  r = sbp_node_last_child(sbp_profile_root(p));
  check_last_rule(p, r, "(allow default)");
  assert_int_equal(sbp_profile_rule_count(p), 2);
  sbp_profile_free(p);
}

static void test_file(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = NULL;
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, S("/etc/hosts"),
                                &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow file-read* (literal \"/etc/hosts\"))");
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ | SBP_FILE_WRITE, SBP_MATCH_SUBPATH,
                                S("/Users/me/proj"), &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow file-read* file-write* (subpath \"/Users/me/proj\"))");
  assert_int_equal(sbp_add_file(p, SBP_DENY, SBP_FILE_WRITE, SBP_MATCH_PREFIX, S("/cores/"), &r,
                                NULL), SBP_OK);
  check_last_rule(p, r, "(deny file-write* (prefix \"/cores/\"))");
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ_METADATA, SBP_MATCH_REGEX,
                                S("^/private/var/folders/[^/]+$"), &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow file-read-metadata (regex #\"^/private/var/folders/[^/]+$\"))");
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_ANY, NULL, 0, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow file-read*)");
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, S("/"), &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow file-read* (subpath \"/\"))");
  /* Every flag, in the documented order. */
  assert_int_equal(sbp_add_file(p, SBP_DENY, 0x1fffu, SBP_MATCH_LITERAL, S("/x"), &r, NULL),
                   SBP_OK);
  check_last_rule(p, r,
                  "(deny file-read* file-write* file-read-data file-read-metadata "
                  "file-read-xattr file-write-data file-write-create file-write-unlink "
                  "file-write-xattr file-ioctl file-map-executable file-test-existence file* "
                  "(literal \"/x\"))");
  /* Prefixes may end in a partial component, "." and ".." included. */
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_PREFIX, S("/Users/me/."),
                                &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow file-read* (prefix \"/Users/me/.\"))");
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_PREFIX,
                                S("/private/tmp/cvmsCodeSignObj"), &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow file-read* (prefix \"/private/tmp/cvmsCodeSignObj\"))");
  /* Text needs no NUL terminator. */
  const char buf[] = {'/', 'a', 'X'};
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, buf, 2, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow file-read* (literal \"/a\"))");
  assert_int_equal(sbp_profile_rule_count(p), 10);
  sbp_profile_free(p);
}

static void test_file_value(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = NULL, *v = NULL, *part = NULL;
  assert_int_equal(sbp_value_new(p, SBP_VALUE_PARAM, S("HOME"), &v, NULL), SBP_OK);
  assert_int_equal(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, v, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow file-read* (subpath (param \"HOME\")))");
  assert_ptr_equal(sbp_node_first_child(sbp_node_last_child(r)), v);

  assert_int_equal(sbp_value_new(p, SBP_VALUE_CONCAT, NULL, 0, &v, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_param(v, S("HOME"), &part, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_string(v, S("/.config"), &part, NULL), SBP_OK);
  assert_int_equal(sbp_add_file_value(p, SBP_DENY, SBP_FILE_WRITE, SBP_MATCH_LITERAL, v, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r,
                  "(deny file-write* (literal (string-append (param \"HOME\") \"/.config\")))");

  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, S("/tmp/x/"), &v, NULL), SBP_OK);
  assert_int_equal(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_PREFIX, v, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow file-read* (prefix \"/tmp/x/\"))");

  assert_int_equal(sbp_value_new(p, SBP_VALUE_REGEX, S("^/a$"), &v, NULL), SBP_OK);
  assert_int_equal(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_REGEX, v, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow file-read* (regex #\"^/a$\"))");

  /* A string under SBP_MATCH_REGEX is a pattern, not a path. */
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, S("^/a"), &v, NULL), SBP_OK);
  assert_int_equal(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_REGEX, v, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow file-read* (regex \"^/a\"))");
  sbp_profile_free(p);
}

static void test_network(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = NULL;
  assert_int_equal(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"),
                                   S("localhost"), 8080, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow network-outbound (remote tcp \"localhost:8080\"))");
  assert_int_equal(sbp_add_network(p, SBP_ALLOW, SBP_NET_INBOUND, SBP_NET_LOCAL, S("ip"), S("*"),
                                   SBP_PORT_ANY, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow network-inbound (local ip \"*:*\"))");
  assert_int_equal(sbp_add_network(p, SBP_ALLOW, SBP_NET_BIND, SBP_NET_LOCAL, S("udp6"),
                                   S("localhost"), 1, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow network-bind (local udp6 \"localhost:1\"))");
  assert_int_equal(sbp_add_network(p, SBP_DENY, SBP_NET_ALL, SBP_NET_REMOTE, S("ip"), S("*"),
                                   65535, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(deny network* (remote ip \"*:65535\"))");
  assert_int_equal(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"), NULL,
                                   0, SBP_PORT_ANY, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow network-outbound (remote tcp))");
  assert_int_equal(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_SIDE_ANY, NULL, 0, NULL,
                                   0, SBP_PORT_ANY, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow network-outbound)");
  /* The host and port are on the node. */
  const sbp_node *addr = sbp_node_first_child(sbp_node_last_child(
      sbp_node_previous(sbp_node_previous(sbp_node_last_child(sbp_profile_root(p))))));
  const char *host;
  size_t host_len;
  int port;
  assert_int_equal(sbp_value_netaddr(addr, &host, &host_len, &port), 1);
  assert_string_equal(host, "*");
  assert_int_equal(port, 65535);

  assert_int_equal(sbp_add_unix_socket(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_MATCH_LITERAL,
                                       S("/private/var/run/syslog"), &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow network-outbound (literal \"/private/var/run/syslog\"))");
  assert_int_equal(sbp_add_unix_socket(p, SBP_ALLOW, SBP_NET_BIND, SBP_MATCH_SUBPATH,
                                       S("/private/tmp/sock"), &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow network-bind (subpath \"/private/tmp/sock\"))");
  assert_int_equal(sbp_add_unix_socket(p, SBP_DENY, SBP_NET_ALL, SBP_MATCH_REGEX, S("\\.sock$"),
                                       &r, NULL), SBP_OK);
  check_last_rule(p, r, "(deny network* (regex #\"\\.sock$\"))");
  assert_int_equal(sbp_add_unix_socket(p, SBP_ALLOW, SBP_NET_INBOUND, SBP_MATCH_PREFIX,
                                       S("/tmp/s"), &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow network-inbound (prefix \"/tmp/s\"))");
  sbp_profile_free(p);
}

static void test_mach(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = NULL;
  assert_int_equal(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_EXACT,
                                       S("com.apple.system.logger"), &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow mach-lookup (global-name \"com.apple.system.logger\"))");
  assert_int_equal(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_PREFIX, S("com.apple.cfprefsd."),
                                       &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow mach-lookup (global-name-prefix \"com.apple.cfprefsd.\"))");
  assert_int_equal(sbp_add_mach_lookup(p, SBP_DENY, SBP_MATCH_REGEX, S("^com\\.evil\\."), &r,
                                       NULL), SBP_OK);
  check_last_rule(p, r, "(deny mach-lookup (global-name-regex #\"^com\\.evil\\.\"))");
  assert_int_equal(sbp_add_mach_lookup(p, SBP_DENY, SBP_MATCH_ANY, NULL, 0, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(deny mach-lookup)");
  const char *names[] = {"com.apple.a", "com.apple.bXX", "com.apple.c"};
  const size_t lens[] = {11, 11, 11};
  assert_int_equal(sbp_add_mach_lookup_list(p, SBP_ALLOW, names, lens, 3, &r, NULL), SBP_OK);
  check_last_rule(p, r,
                  "(allow mach-lookup (global-name \"com.apple.a\" \"com.apple.b\" "
                  "\"com.apple.c\"))");
  assert_int_equal(sbp_add_mach_lookup_list(p, SBP_ALLOW, names, NULL, 1, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow mach-lookup (global-name \"com.apple.a\"))");
  sbp_profile_free(p);
}

/* The case that motivates the allowlist: deny everything, then let the process reach the
 * configuration daemon (DNS and proxy settings) and the logger. */
static void test_configd_allowlist(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_set_version(p, 1, &err), SBP_OK);
  assert_int_equal(sbp_add_default(p, SBP_DENY, NULL, &err), SBP_OK);
  const char *names[] = {"com.apple.SystemConfiguration.configd", "com.apple.system.logger"};
  sbp_node *r = NULL;
  assert_int_equal(sbp_add_mach_lookup_list(p, SBP_ALLOW, names, NULL, 2, &r, &err), SBP_OK);
  dump d;
  assert_string_equal(dump_node(&d, sbp_profile_root(p)),
                      "(deny default)\n"
                      "(allow mach-lookup (global-name \"com.apple.SystemConfiguration.configd\" "
                      "\"com.apple.system.logger\"))");
  assert_int_equal(sbp_profile_rule_count(p), 2);
  assert_int_equal(sbp_node_validate(sbp_profile_root(p), &err), SBP_OK);
  /* Walk it by hand, too. */
  const sbp_node *op = sbp_node_first_child(r);
  assert_int_equal(sbp_node_type_of(op), SBP_NODE_OPERATION);
  assert_string_equal(sbp_node_text(op, NULL), "mach-lookup");
  const sbp_node *f = sbp_node_next(op);
  assert_int_equal(sbp_node_type_of(f), SBP_NODE_FILTER);
  assert_string_equal(sbp_node_text(f, NULL), "global-name");
  assert_null(sbp_node_next(f));
  assert_int_equal(sbp_node_child_count(f), 2);
  const sbp_node *v = sbp_node_first_child(f);
  size_t len = 0;
  assert_int_equal(sbp_value_kind_of(v), SBP_VALUE_STRING);
  assert_string_equal(sbp_node_text(v, &len), "com.apple.SystemConfiguration.configd");
  assert_int_equal(len, 37);
  sbp_profile_free(p);
}

static void test_process_and_targets(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = NULL;
  assert_int_equal(sbp_add_process_exec(p, SBP_ALLOW, SBP_MATCH_ANY, NULL, 0, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow process-exec*)");
  assert_int_equal(sbp_add_process_exec(p, SBP_ALLOW, SBP_MATCH_LITERAL, S("/bin/sh"), &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow process-exec* (literal \"/bin/sh\"))");
  assert_int_equal(sbp_add_process_exec(p, SBP_ALLOW, SBP_MATCH_SUBPATH, S("/usr/bin"), &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow process-exec* (subpath \"/usr/bin\"))");
  assert_int_equal(sbp_add_process_fork(p, SBP_ALLOW, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow process-fork)");

  static const struct {
    sbp_target t;
    const char *name;
  } targets[] = {{SBP_TARGET_SELF, "self"},         {SBP_TARGET_PGRP, "pgrp"},
                 {SBP_TARGET_OTHERS, "others"},     {SBP_TARGET_CHILDREN, "children"},
                 {SBP_TARGET_SAME_SANDBOX, "same-sandbox"}, {SBP_TARGET_INITPROC, "initproc"}};
  char want[128];
  for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
    assert_int_equal(sbp_add_signal(p, SBP_ALLOW, targets[i].t, &r, NULL), SBP_OK);
    snprintf(want, sizeof want, "(allow signal (target <%s>))", targets[i].name);
    check_last_rule(p, r, want);
    assert_int_equal(sbp_add_process_info(p, SBP_DENY, targets[i].t, &r, NULL), SBP_OK);
    snprintf(want, sizeof want, "(deny process-info* (target <%s>))", targets[i].name);
    check_last_rule(p, r, want);
  }
  assert_int_equal(sbp_add_signal(p, SBP_DENY, SBP_TARGET_ANY, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(deny signal)");
  assert_int_equal(sbp_add_process_info(p, SBP_ALLOW, SBP_TARGET_ANY, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow process-info*)");
  sbp_profile_free(p);
}

static void test_sysctl_iokit_ipc_prefs(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = NULL;
  assert_int_equal(sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_EXACT, S("kern.hostname"), &r,
                                       NULL), SBP_OK);
  check_last_rule(p, r, "(allow sysctl-read (sysctl-name \"kern.hostname\"))");
  assert_int_equal(sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_PREFIX, S("hw."), &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow sysctl-read (sysctl-name-prefix \"hw.\"))");
  assert_int_equal(sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_REGEX, S("^kern\\.os"), &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(allow sysctl-read (sysctl-name-regex #\"^kern\\.os\"))");
  assert_int_equal(sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_ANY, NULL, 0, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow sysctl-read)");

  assert_int_equal(sbp_add_iokit_open(p, SBP_ALLOW, S("IOSurfaceRootUserClient"), &r, NULL),
                   SBP_OK);
  check_last_rule(p, r,
                  "(allow iokit-open (iokit-registry-entry-class \"IOSurfaceRootUserClient\"))");
  assert_int_equal(sbp_add_iokit_open(p, SBP_DENY, NULL, 0, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(deny iokit-open)");

  assert_int_equal(sbp_add_ipc_posix(p, SBP_ALLOW, SBP_IPC_SHM, SBP_MATCH_EXACT,
                                     S("apple.shm.notification_center"), &r, NULL), SBP_OK);
  check_last_rule(p, r,
                  "(allow ipc-posix-shm* (ipc-posix-name \"apple.shm.notification_center\"))");
  assert_int_equal(sbp_add_ipc_posix(p, SBP_ALLOW, SBP_IPC_SEM, SBP_MATCH_PREFIX, S("/my."), &r,
                                     NULL), SBP_OK);
  check_last_rule(p, r, "(allow ipc-posix-sem* (ipc-posix-name-prefix \"/my.\"))");
  assert_int_equal(sbp_add_ipc_posix(p, SBP_DENY, SBP_IPC_SHM, SBP_MATCH_REGEX, S("^x"), &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(deny ipc-posix-shm* (ipc-posix-name-regex #\"^x\"))");
  assert_int_equal(sbp_add_ipc_posix(p, SBP_DENY, SBP_IPC_SEM, SBP_MATCH_ANY, NULL, 0, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(deny ipc-posix-sem*)");

  assert_int_equal(sbp_add_preference(p, SBP_ALLOW, SBP_PREF_READ, SBP_MATCH_EXACT,
                                      S("com.apple.Terminal"), &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow user-preference-read (preference-domain \"com.apple.Terminal\"))");
  assert_int_equal(sbp_add_preference(p, SBP_ALLOW, SBP_PREF_READ | SBP_PREF_WRITE,
                                      SBP_MATCH_PREFIX, S("com.me."), &r, NULL), SBP_OK);
  check_last_rule(p, r,
                  "(allow user-preference-read user-preference-write "
                  "(preference-domain-prefix \"com.me.\"))");
  assert_int_equal(sbp_add_preference(p, SBP_DENY, SBP_PREF_WRITE, SBP_MATCH_REGEX, S("^com\\."),
                                      &r, NULL), SBP_OK);
  check_last_rule(p, r, "(deny user-preference-write (preference-domain-regex #\"^com\\.\"))");
  assert_int_equal(sbp_add_preference(p, SBP_DENY, SBP_PREF_WRITE, SBP_MATCH_ANY, NULL, 0, &r,
                                      NULL), SBP_OK);
  check_last_rule(p, r, "(deny user-preference-write)");
  sbp_profile_free(p);
}

static void test_system_socket(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = NULL;
  assert_int_equal(sbp_add_system_socket(p, SBP_ALLOW, SBP_AF_UNIX, SBP_SOCKET_ANY, SBP_SOCKET_ANY,
                                         &r, NULL), SBP_OK);
  check_last_rule(p, r, "(allow system-socket (socket-domain <AF_UNIX>))");
  assert_int_equal(sbp_add_system_socket(p, SBP_ALLOW, SBP_AF_INET6, SBP_SOCK_DGRAM, 17, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r,
                  "(allow system-socket (require-all (socket-domain <AF_INET6>) "
                  "(socket-type <SOCK_DGRAM>) (socket-protocol 17)))");
  assert_int_equal(sbp_add_system_socket(p, SBP_ALLOW, SBP_AF_SYSTEM, 2, SBP_SOCKET_ANY, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r,
                  "(allow system-socket (require-all (socket-domain <AF_SYSTEM>) "
                  "(socket-type <SOCK_DGRAM>)))");
  /* Numbers without a well-known name stay integers. */
  assert_int_equal(sbp_add_system_socket(p, SBP_DENY, 99, 0, SBP_SOCKET_ANY, &r, NULL), SBP_OK);
  check_last_rule(p, r,
                  "(deny system-socket (require-all (socket-domain 99) (socket-type 0)))");
  assert_int_equal(sbp_add_system_socket(p, SBP_DENY, SBP_SOCKET_ANY, SBP_SOCKET_ANY, 6, &r, NULL),
                   SBP_OK);
  check_last_rule(p, r, "(deny system-socket (socket-protocol 6))");
  assert_int_equal(sbp_add_system_socket(p, SBP_DENY, SBP_SOCKET_ANY, SBP_SOCKET_ANY,
                                         SBP_SOCKET_ANY, &r, NULL), SBP_OK);
  check_last_rule(p, r, "(deny system-socket)");
  static const struct {
    int v;
    const char *name;
  } domains[] = {{1, "AF_UNIX"},   {2, "AF_INET"},   {16, "AF_APPLETALK"}, {17, "AF_ROUTE"},
                 {18, "AF_LINK"},  {27, "AF_NDRV"},  {30, "AF_INET6"},     {32, "AF_SYSTEM"},
                 {34, "AF_PPP"},   {37, "AF_IEEE80211"}, {38, "AF_UTUN"}};
  char want[128];
  for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
    assert_int_equal(sbp_add_system_socket(p, SBP_ALLOW, domains[i].v, SBP_SOCKET_ANY,
                                           SBP_SOCKET_ANY, &r, NULL), SBP_OK);
    snprintf(want, sizeof want, "(allow system-socket (socket-domain <%s>))", domains[i].name);
    check_last_rule(p, r, want);
  }
  const char *types[] = {"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET"};
  for (int t = 1; t <= 5; t++) {
    assert_int_equal(sbp_add_system_socket(p, SBP_ALLOW, SBP_SOCKET_ANY, t, SBP_SOCKET_ANY, &r,
                                           NULL), SBP_OK);
    snprintf(want, sizeof want, "(allow system-socket (socket-type <%s>))", types[t - 1]);
    check_last_rule(p, r, want);
  }
  sbp_profile_free(p);
}

/* ---- generic form -------------------------------------------------------------------- */

static void test_generic(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_error err = SBP_ERROR_INIT;
  sbp_node *rule = NULL, *n = NULL, *f = NULL, *req = NULL, *not = NULL, *cat = NULL, *mod = NULL;
  assert_int_equal(sbp_profile_add_comment(p, S(" generated"), &n, &err), SBP_OK);
  assert_int_equal(sbp_profile_add_import(p, S("bsd.sb"), &n, &err), SBP_OK);
  assert_int_equal(sbp_profile_add_rule(p, SBP_ALLOW, S("file-read*"), &rule, &err), SBP_OK);
  /* Modifier first: the rule keeps operations, then filters, then modifiers. */
  assert_int_equal(sbp_rule_add_modifier(rule, S("report"), &mod, &err), SBP_OK);
  assert_int_equal(sbp_rule_add_operation(rule, S("file-write-data"), &n, &err), SBP_OK);
  assert_int_equal(sbp_node_type_of(n), SBP_NODE_OPERATION);
  assert_int_equal(sbp_node_add_require(rule, SBP_NODE_REQUIRE_ALL, &req, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(req, S("subpath"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_concat(f, &cat, &err), SBP_OK);
  assert_int_equal(sbp_node_add_param(cat, S("HOME"), &n, &err), SBP_OK);
  assert_int_equal(sbp_node_add_string(cat, S("/src"), &n, &err), SBP_OK);
  assert_int_equal(sbp_node_add_require(req, SBP_NODE_REQUIRE_NOT, &not, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(not, S("regex"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_regex(f, S("/\\.git/"), &n, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, S("vnode-type"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_constant(f, S("REGULAR-FILE"), &n, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, S("file-mode"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_integer(f, 4, &n, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, S("entitlement-value"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_boolean(f, 7, &n, &err), SBP_OK);
  assert_int_equal(sbp_value_integer(n), 1);
  assert_int_equal(sbp_node_add_boolean(f, 0, &n, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, S("local"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_netaddr(f, S("tcp"), S("*"), 443, &n, &err), SBP_OK);
  assert_int_equal(sbp_node_add_netaddr(f, S("udp"), NULL, 0, SBP_PORT_ANY, &n, &err), SBP_OK);
  assert_int_equal(sbp_rule_add_modifier(rule, S("message"), &mod, &err), SBP_OK);
  assert_int_equal(sbp_node_add_string(mod, S("tag"), NULL, &err), SBP_OK);
  assert_int_equal(sbp_rule_add_modifier(rule, S("send-signal"), &mod, &err), SBP_OK);
  assert_int_equal(sbp_node_add_constant(mod, S("SIGKILL"), NULL, &err), SBP_OK);
  dump d;
  assert_string_equal(
      dump_node(&d, sbp_profile_root(p)),
      "[; generated]\n[import \"bsd.sb\"]\n"
      "(allow file-read* file-write-data (require-all (subpath (string-append (param \"HOME\") "
      "\"/src\")) (require-not (regex #\"/\\.git/\"))) (vnode-type <REGULAR-FILE>) "
      "(file-mode 4) (entitlement-value #t #f) (local tcp \"*:443\" udp) (with report) "
      "(with message \"tag\") (with send-signal <SIGKILL>))");
  assert_int_equal(sbp_node_validate(sbp_profile_root(p), &err), SBP_OK);
  assert_int_equal(sbp_profile_rule_count(p), 1);
  assert_int_equal(sbp_node_child_count(sbp_profile_root(p)), 3);

  /* Rules built detached and attached later. */
  sbp_node *detached = NULL;
  assert_int_equal(sbp_node_new(p, SBP_NODE_RULE, &detached, &err), SBP_OK);
  assert_int_equal(sbp_rule_add_operation(detached, S("signal"), NULL, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(detached, S("target"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_constant(f, S("self"), NULL, &err), SBP_OK);
  assert_int_equal(sbp_profile_rule_count(p), 1);
  assert_int_equal(sbp_node_append_child(sbp_profile_root(p), detached, &err), SBP_OK);
  check_last_rule(p, detached, "(allow signal (target <self>))");
  sbp_profile_free(p);
}

/* ---- validation ---------------------------------------------------------------------- */

#define EXPECT_ERR(call, code_, msg)                          \
  do {                                                        \
    sbp_error e_ = SBP_ERROR_INIT;                            \
    out = (sbp_node *)&out;                                   \
    assert_int_equal((call), (code_));                        \
    assert_int_equal(e_.code, (code_));                       \
    assert_string_equal(e_.message, (msg));                   \
    assert_null(out);                                         \
    assert_int_equal(sbp_profile_rule_count(p), rules);       \
  } while (0)
#define E (&e_)

static void test_validation_paths(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *out;
  size_t rules = 0;
  static const struct {
    const char *path;
    size_t len;
    sbp_match match;
    const char *msg;
  } bad[] = {
      {"", 0, SBP_MATCH_LITERAL, "path: empty"},
      {"usr/bin", 7, SBP_MATCH_SUBPATH, "path: \"usr/bin\" is not absolute"},
      {"./x", 3, SBP_MATCH_LITERAL, "path: \"./x\" is not absolute"},
      {"~/x", 3, SBP_MATCH_PREFIX, "path: \"~/x\" is not absolute"},
      {"/a/../b", 7, SBP_MATCH_LITERAL, "path: \"/a/../b\" contains a .. component"},
      {"/a/..", 5, SBP_MATCH_SUBPATH, "path: \"/a/..\" contains a .. component"},
      {"/..", 3, SBP_MATCH_SUBPATH, "path: \"/..\" contains a .. component"},
      {"/a/./b", 6, SBP_MATCH_LITERAL, "path: \"/a/./b\" contains a . component"},
      {"/a/.", 4, SBP_MATCH_LITERAL, "path: \"/a/.\" contains a . component"},
      {"/a//b", 5, SBP_MATCH_SUBPATH, "path: \"/a//b\" contains //"},
      {"//", 2, SBP_MATCH_LITERAL, "path: \"//\" ends with /"},
      {"/a/", 3, SBP_MATCH_LITERAL, "path: \"/a/\" ends with /"},
      {"/a/b/", 5, SBP_MATCH_SUBPATH, "path: \"/a/b/\" ends with /"},
      {"/a\0b", 4, SBP_MATCH_LITERAL, "path: contains a NUL byte"},
      {"/a\0b", 4, SBP_MATCH_REGEX, "path: contains a NUL byte"},
      {"", 0, SBP_MATCH_REGEX, "path: empty"},
      /* Prefixes: complete components are checked, the last may be partial. */
      {"/a//", 4, SBP_MATCH_PREFIX, "path: \"/a//\" contains //"},
      {"/a/../b", 7, SBP_MATCH_PREFIX, "path: \"/a/../b\" contains a .. component"},
      {"/./b", 4, SBP_MATCH_PREFIX, "path: \"/./b\" contains a . component"},
      {"/a\0", 3, SBP_MATCH_PREFIX, "path: contains a NUL byte"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    EXPECT_ERR(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, bad[i].match, bad[i].path, bad[i].len,
                            &out, E),
               SBP_E_INVALID_ARG, bad[i].msg);
    if (bad[i].match != SBP_MATCH_REGEX || bad[i].len != 0) {
      EXPECT_ERR(sbp_add_unix_socket(p, SBP_ALLOW, SBP_NET_OUTBOUND, bad[i].match, bad[i].path,
                                     bad[i].len, &out, E),
                 SBP_E_INVALID_ARG, bad[i].msg);
      EXPECT_ERR(sbp_add_process_exec(p, SBP_ALLOW, bad[i].match, bad[i].path, bad[i].len, &out,
                                      E),
                 SBP_E_INVALID_ARG, bad[i].msg);
    }
  }
  /* Long paths are quoted shortened. */
  char longp[200];
  memset(longp, 'x', sizeof longp);
  EXPECT_ERR(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, longp, sizeof longp,
                          &out, E),
             SBP_E_INVALID_ARG,
             "path: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" is not "
             "absolute");
  EXPECT_ERR(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, "\n/x", 3, &out, E),
             SBP_E_INVALID_ARG, "path: \"\\x0a/x\" is not absolute");
  EXPECT_ERR(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, NULL, 0, &out, E),
             SBP_E_INVALID_ARG, "path is NULL");
  EXPECT_ERR(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_ANY, S("/x"), &out, E),
             SBP_E_INVALID_ARG, "path: must be NULL when match is SBP_MATCH_ANY");
  EXPECT_ERR(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, (sbp_match)9, S("/x"), &out, E),
             SBP_E_INVALID_ARG, "match: 9 is not an sbp_match");
  EXPECT_ERR(sbp_add_file(p, SBP_ALLOW, 0, SBP_MATCH_LITERAL, S("/x"), &out, E),
             SBP_E_INVALID_ARG, "access: no operation (the flag set is empty)");
  EXPECT_ERR(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ | 0x10000u, SBP_MATCH_LITERAL, S("/x"),
                          &out, E),
             SBP_E_INVALID_ARG, "access: unknown flags 0x10000");
  EXPECT_ERR(sbp_add_file(p, (sbp_action)0, SBP_FILE_READ, SBP_MATCH_LITERAL, S("/x"), &out, E),
             SBP_E_INVALID_ARG, "action: must be SBP_ALLOW or SBP_DENY");
  EXPECT_ERR(sbp_add_file(NULL, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, S("/x"), &out, E),
             SBP_E_INVALID_ARG, "profile is NULL");
  EXPECT_ERR(sbp_add_unix_socket(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_MATCH_ANY, NULL, 0, &out, E),
             SBP_E_INVALID_ARG,
             "match: a unix socket rule needs a path (SBP_MATCH_ANY would cover every network "
             "access)");
  EXPECT_ERR(sbp_add_unix_socket(p, SBP_ALLOW, (sbp_net_op)0, SBP_MATCH_LITERAL, S("/x"), &out,
                                 E),
             SBP_E_INVALID_ARG, "op: 0 is not an sbp_net_op");
  EXPECT_ERR(sbp_add_process_exec(p, SBP_ALLOW, SBP_MATCH_ANY, S("/bin/sh"), &out, E),
             SBP_E_INVALID_ARG, "path: must be NULL when match is SBP_MATCH_ANY");
  /* Errors without an error struct still return the code. */
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, S("x"), NULL,
                                NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_profile_rule_count(p), 0);
  sbp_profile_free(p);
}

static void test_validation_file_value(void **state) {
  (void)state;
  sbp_profile *p = new_profile(), *other = new_profile();
  sbp_node *out, *v, *attached, *foreign, *integer, *rule;
  size_t rules = 0;
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, S("/a/../b"), &v, NULL), SBP_OK);
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, v, &out, E),
             SBP_E_INVALID_ARG, "path: \"/a/../b\" contains a .. component");
  assert_null(sbp_node_parent(v));
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, S("/a/"), &v, NULL), SBP_OK);
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, v, &out, E),
             SBP_E_INVALID_ARG, "path: \"/a/\" ends with /");
  assert_int_equal(sbp_value_new(p, SBP_VALUE_REGEX, S("^/a"), &v, NULL), SBP_OK);
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, v, &out, E),
             SBP_E_INVALID_ARG, "value: a regex needs SBP_MATCH_REGEX");
  assert_int_equal(sbp_value_new_integer(p, 3, &integer, NULL), SBP_OK);
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, integer, &out, E),
             SBP_E_INVALID_ARG, "value: must be a string, regex, parameter or concatenation");
  assert_int_equal(sbp_value_new(other, SBP_VALUE_PARAM, S("X"), &foreign, NULL), SBP_OK);
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, foreign, &out, E),
             SBP_E_INVALID_ARG, "value: belongs to another profile");
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, S("/a"), &rule,
                                NULL), SBP_OK);
  rules = 1;
  attached = sbp_node_first_child(sbp_node_last_child(rule));
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, attached, &out,
                                E),
             SBP_E_INVALID_ARG, "value: is attached; unlink it first");
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, rule, &out, E),
             SBP_E_INVALID_ARG, "value: not a value node (a rule)");
  assert_int_equal(sbp_value_new(p, SBP_VALUE_CONCAT, NULL, 0, &v, NULL), SBP_OK);
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, v, &out, E),
             SBP_E_INVALID_ARG, "value: value (concatenation) has no part");
  sbp_node *inner = NULL;
  assert_int_equal(sbp_node_add_concat(v, &inner, NULL), SBP_OK);
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, v, &out, E),
             SBP_E_INVALID_ARG, "value: value (concatenation) has no part");
  assert_null(sbp_node_parent(v));
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, NULL, &out, E),
             SBP_E_INVALID_ARG, "value is NULL");
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_ANY, v, &out, E),
             SBP_E_INVALID_ARG,
             "match: 0 is not SBP_MATCH_LITERAL, _SUBPATH, _PREFIX or _REGEX");
  EXPECT_ERR(sbp_add_file_value(p, SBP_ALLOW, 0, SBP_MATCH_SUBPATH, v, &out, E),
             SBP_E_INVALID_ARG, "access: no operation (the flag set is empty)");
  sbp_profile_free(p);
  sbp_profile_free(other);
}

static void test_validation_network(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *out;
  size_t rules = 0;
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"),
                             S("example.com"), 443, &out, E),
             SBP_E_INVALID_ARG, "host: must be * or localhost, not \"example.com\"");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"),
                             S("127.0.0.1"), 443, &out, E),
             SBP_E_INVALID_ARG, "host: must be * or localhost, not \"127.0.0.1\"");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"), S(""), 443,
                             &out, E),
             SBP_E_INVALID_ARG, "host: must be * or localhost, not \"\"");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"),
                             "localhost\0", 10, 443, &out, E),
             SBP_E_INVALID_ARG, "host: contains a NUL byte");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"),
                             S("localhost"), 0, &out, E),
             SBP_E_INVALID_ARG, "port: 0 is not * or 1-65535");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"),
                             S("localhost"), 65536, &out, E),
             SBP_E_INVALID_ARG, "port: 65536 is not * or 1-65535");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"), S("*"), -2,
                             &out, E),
             SBP_E_INVALID_ARG, "port: -2 is not * or 1-65535");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"), NULL, 0, 80,
                             &out, E),
             SBP_E_INVALID_ARG, "port: 80 given without a host (use \"*\" for any host)");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("sctp"), S("*"),
                             80, &out, E),
             SBP_E_INVALID_ARG,
             "protocol: \"sctp\" is not one of ip ip4 ip6 tcp tcp4 tcp6 udp udp4 udp6");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, "tcp\0", 4, S("*"),
                             80, &out, E),
             SBP_E_INVALID_ARG, "protocol: contains a NUL byte");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, NULL, 0, S("*"), 80,
                             &out, E),
             SBP_E_INVALID_ARG, "protocol is NULL");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_SIDE_ANY, S("tcp"), NULL, 0,
                             SBP_PORT_ANY, &out, E),
             SBP_E_INVALID_ARG, "protocol: must be NULL when side is SBP_NET_SIDE_ANY");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_SIDE_ANY, NULL, 0, S("*"),
                             SBP_PORT_ANY, &out, E),
             SBP_E_INVALID_ARG, "host: must be NULL when side is SBP_NET_SIDE_ANY");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, (sbp_net_side)5, S("tcp"), NULL, 0,
                             SBP_PORT_ANY, &out, E),
             SBP_E_INVALID_ARG, "side: 5 is not an sbp_net_side");
  EXPECT_ERR(sbp_add_network(p, SBP_ALLOW, (sbp_net_op)7, SBP_NET_REMOTE, S("tcp"), NULL, 0,
                             SBP_PORT_ANY, &out, E),
             SBP_E_INVALID_ARG, "op: 7 is not an sbp_net_op");
  EXPECT_ERR(sbp_add_network(p, SBP_DENY + 1, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"), NULL, 0,
                             SBP_PORT_ANY, &out, E),
             SBP_E_INVALID_ARG, "action: must be SBP_ALLOW or SBP_DENY");
  sbp_profile_free(p);
}

static void test_validation_names(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *out;
  size_t rules = 0;
  EXPECT_ERR(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_EXACT, S(""), &out, E),
             SBP_E_INVALID_ARG, "name: empty");
  EXPECT_ERR(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_EXACT, "a\0b", 3, &out, E),
             SBP_E_INVALID_ARG, "name: contains a NUL byte");
  EXPECT_ERR(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_EXACT, NULL, 0, &out, E),
             SBP_E_INVALID_ARG, "name is NULL");
  EXPECT_ERR(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_SUBPATH, S("com.x"), &out, E),
             SBP_E_INVALID_ARG, "match: SBP_MATCH_SUBPATH applies to paths only");
  EXPECT_ERR(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_ANY, S("com.x"), &out, E),
             SBP_E_INVALID_ARG, "name: must be NULL when match is SBP_MATCH_ANY");
  EXPECT_ERR(sbp_add_mach_lookup(p, SBP_ALLOW, (sbp_match)-1, S("com.x"), &out, E),
             SBP_E_INVALID_ARG, "match: -1 is not an sbp_match");
  const char *names[] = {"com.a", "", NULL};
  const size_t lens[] = {5, 3, 1};
  EXPECT_ERR(sbp_add_mach_lookup_list(p, SBP_ALLOW, names, NULL, 0, &out, E), SBP_E_INVALID_ARG,
             "names: empty list");
  EXPECT_ERR(sbp_add_mach_lookup_list(p, SBP_ALLOW, NULL, NULL, 1, &out, E), SBP_E_INVALID_ARG,
             "names is NULL");
  EXPECT_ERR(sbp_add_mach_lookup_list(p, SBP_ALLOW, names, NULL, 2, &out, E), SBP_E_INVALID_ARG,
             "names[1]: empty");
  EXPECT_ERR(sbp_add_mach_lookup_list(p, SBP_ALLOW, names, lens, 2, &out, E), SBP_E_INVALID_ARG,
             "names[1]: contains a NUL byte");
  EXPECT_ERR(sbp_add_mach_lookup_list(p, SBP_ALLOW, names + 2, NULL, 1, &out, E),
             SBP_E_INVALID_ARG, "names[0] is NULL");
  EXPECT_ERR(sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_PREFIX, S(""), &out, E),
             SBP_E_INVALID_ARG, "name: empty");
  EXPECT_ERR(sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_REGEX, "k\0", 2, &out, E),
             SBP_E_INVALID_ARG, "name: contains a NUL byte");
  EXPECT_ERR(sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_SUBPATH, S("kern"), &out, E),
             SBP_E_INVALID_ARG, "match: SBP_MATCH_SUBPATH applies to paths only");
  EXPECT_ERR(sbp_add_iokit_open(p, SBP_ALLOW, S(""), &out, E), SBP_E_INVALID_ARG,
             "class: empty");
  EXPECT_ERR(sbp_add_iokit_open(p, SBP_ALLOW, "IO\0", 3, &out, E), SBP_E_INVALID_ARG,
             "class: contains a NUL byte");
  EXPECT_ERR(sbp_add_ipc_posix(p, SBP_ALLOW, (sbp_ipc_kind)3, SBP_MATCH_EXACT, S("x"), &out, E),
             SBP_E_INVALID_ARG, "kind: 3 is not an sbp_ipc_kind");
  EXPECT_ERR(sbp_add_ipc_posix(p, SBP_ALLOW, SBP_IPC_SHM, SBP_MATCH_EXACT, "x\0", 2, &out, E),
             SBP_E_INVALID_ARG, "name: contains a NUL byte");
  EXPECT_ERR(sbp_add_preference(p, SBP_ALLOW, 0, SBP_MATCH_EXACT, S("com.x"), &out, E),
             SBP_E_INVALID_ARG, "access: no operation (the flag set is empty)");
  EXPECT_ERR(sbp_add_preference(p, SBP_ALLOW, 4, SBP_MATCH_EXACT, S("com.x"), &out, E),
             SBP_E_INVALID_ARG, "access: unknown flags 0x4");
  EXPECT_ERR(sbp_add_preference(p, SBP_ALLOW, SBP_PREF_READ, SBP_MATCH_EXACT, "c\0", 2, &out, E),
             SBP_E_INVALID_ARG, "domain: contains a NUL byte");
  EXPECT_ERR(sbp_add_preference(p, SBP_ALLOW, SBP_PREF_READ, SBP_MATCH_EXACT, NULL, 0, &out, E),
             SBP_E_INVALID_ARG, "domain is NULL");
  EXPECT_ERR(sbp_add_signal(p, SBP_ALLOW, (sbp_target)7, &out, E), SBP_E_INVALID_ARG,
             "target: 7 is not an sbp_target");
  EXPECT_ERR(sbp_add_process_info(p, SBP_ALLOW, (sbp_target)-1, &out, E), SBP_E_INVALID_ARG,
             "target: -1 is not an sbp_target");
  EXPECT_ERR(sbp_add_system_socket(p, SBP_ALLOW, -2, SBP_SOCKET_ANY, SBP_SOCKET_ANY, &out, E),
             SBP_E_INVALID_ARG, "domain: -2 is not 0-255 or SBP_SOCKET_ANY");
  EXPECT_ERR(sbp_add_system_socket(p, SBP_ALLOW, 1, 256, SBP_SOCKET_ANY, &out, E),
             SBP_E_INVALID_ARG, "type: 256 is not 0-255 or SBP_SOCKET_ANY");
  EXPECT_ERR(sbp_add_system_socket(p, SBP_ALLOW, 1, 1, 1000, &out, E), SBP_E_INVALID_ARG,
             "protocol: 1000 is not 0-255 or SBP_SOCKET_ANY");
  EXPECT_ERR(sbp_add_default(p, SBP_ACTION_NONE, &out, E), SBP_E_INVALID_ARG,
             "action: must be SBP_ALLOW or SBP_DENY");
  EXPECT_ERR(sbp_add_default(NULL, SBP_ALLOW, &out, E), SBP_E_INVALID_ARG, "profile is NULL");
  EXPECT_ERR(sbp_add_process_fork(p, (sbp_action)3, &out, E), SBP_E_INVALID_ARG,
             "action: must be SBP_ALLOW or SBP_DENY");
  sbp_profile_free(p);
}

/* Values are checked against the catalog's argument kinds, so that what the builder makes
 * serializes to text that evaluates to the same tree; the tree API stays structural. */
static void test_validation_value_kinds(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *out, *rule, *f;
  size_t rules = 0;
  assert_int_equal(sbp_profile_add_rule(p, SBP_ALLOW, S("nvram-get"), &rule, NULL), SBP_OK);
  rules = 1;
  assert_int_equal(sbp_node_add_filter(rule, S("nvram-variable-prefix"), &f, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_boolean(f, 0, &out, E), SBP_E_INVALID_ARG,
             "value: the filter nvram-variable-prefix takes no boolean");
  EXPECT_ERR(sbp_node_add_regex(f, S("x"), &out, E), SBP_E_INVALID_ARG,
             "value: the filter nvram-variable-prefix takes no regex");
  EXPECT_ERR(sbp_node_add_constant(f, S("AF_UNIX"), &out, E), SBP_E_INVALID_ARG,
             "value: the filter nvram-variable-prefix takes no constant");
  assert_int_equal(sbp_node_add_string(f, S("boot-"), NULL, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_param(f, S("P"), NULL, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, S("regex"), &f, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_string(f, S("^/a"), &out, E), SBP_E_INVALID_ARG,
             "value: regex filter regex takes no string");
  assert_int_equal(sbp_node_add_regex(f, S("^/a"), NULL, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, S("local"), &f, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_string(f, S(""), &out, E), SBP_E_INVALID_ARG,
             "value: the filter local takes no string");
  assert_int_equal(sbp_node_add_netaddr(f, S("tcp"), S("*"), 80, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, S("socket-domain"), &f, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_constant(f, S("NO_SUCH_CONSTANT"), &out, E), SBP_E_INVALID_ARG,
             "value: \"NO_SUCH_CONSTANT\" is not a named constant SBPL binds");
  assert_int_equal(sbp_node_add_constant(f, S("AF_UNIX"), NULL, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_integer(f, 2, NULL, NULL), SBP_OK);
  sbp_node *mod = NULL;
  assert_int_equal(sbp_rule_add_modifier(rule, S("message"), &mod, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_string(mod, S("m"), NULL, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_string(mod, S("n"), &out, E), SBP_E_INVALID_ARG,
             "value: modifier message takes one argument");
  assert_int_equal(sbp_rule_add_modifier(rule, S("report"), &mod, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_boolean(mod, 1, &out, E), SBP_E_INVALID_ARG,
             "value: a modifier takes no boolean");
  /* a filter the catalog does not know is not checked */
  assert_int_equal(sbp_node_add_filter(rule, S("future-filter"), &f, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_boolean(f, 0, NULL, NULL), SBP_OK);
  /* what the builder made evaluates back to the same profile */
  assert_int_equal(sbp_profile_set_version(p, 1, NULL), SBP_OK);
  sbp_node_unlink(f);
  sbp_buf text = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &text, NULL), SBP_OK);
  sbp_profile *q = NULL;
  sbp_read_options ro = SBP_READ_OPTIONS_INIT;
  ro.flags = SBP_READ_SYMBOLIC_PARAMS;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_profile_read(&q, text.ptr, text.len, "b.sb", &ro, NULL, &err) != SBP_OK)
    fail_msg("%s\n%s", err.message, text.ptr);
  assert_true(sbp_profile_equal(p, q, 0));
  sbp_profile_free(q);
  sbp_buf_dispose(&text);
  /* the structural tree API takes any kind anywhere */
  sbp_node *lit = NULL, *b = NULL;
  assert_int_equal(sbp_node_add_filter(rule, S("literal"), &lit, NULL), SBP_OK);
  assert_int_equal(sbp_value_new_boolean(p, 1, &b, NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(lit, b, NULL), SBP_OK);
  sbp_profile_free(p);
}

/* unix-socket (or unix) binds no table constant, but the evaluator takes it in place of the
 * protocol of a network filter, first and followed by at most one path filter: the form
 * (remote unix-socket (subpath P)) that sandbox-runtime writes. Anywhere else it is refused. */
static void test_validation_unix_socket(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *out, *rule, *f, *tcp;
  size_t rules = 0;
  assert_int_equal(sbp_profile_set_version(p, 1, NULL), SBP_OK);
  assert_int_equal(sbp_profile_add_rule(p, SBP_ALLOW, S("network-outbound"), &rule, NULL),
                   SBP_OK);
  rules = 1;
  assert_int_equal(sbp_node_add_filter(rule, S("remote"), &f, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_constant(f, S("unix-socket"), NULL, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_netaddr(f, S("tcp"), S("*"), 80, &out, E), SBP_E_INVALID_ARG,
             "value: the filter remote with unix-socket takes nothing after it but a path "
             "filter");
  EXPECT_ERR(sbp_node_add_constant(f, S("unix"), &out, E), SBP_E_INVALID_ARG,
             "value: the filter remote with unix-socket takes nothing after it but a path "
             "filter");
  sbp_node *sub = NULL;
  assert_int_equal(sbp_node_add_filter(f, S("subpath"), &sub, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_string(sub, S("/tmp/s"), NULL, NULL), SBP_OK);
  /* the legacy spelling, alone: any unix-domain socket */
  assert_int_equal(sbp_node_add_filter(rule, S("local"), &f, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_constant(f, S("unix"), NULL, NULL), SBP_OK);
  /* not after a protocol, not in any other filter, not in a modifier */
  assert_int_equal(sbp_node_add_filter(rule, S("remote"), &tcp, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_netaddr(tcp, S("tcp"), S("*"), 80, NULL, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_constant(tcp, S("unix-socket"), &out, E), SBP_E_INVALID_ARG,
             "value: unix-socket must be the first value of the filter remote");
  assert_int_equal(sbp_node_add_filter(rule, S("socket-domain"), &f, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_constant(f, S("unix-socket"), &out, E), SBP_E_INVALID_ARG,
             "value: \"unix-socket\" is not a named constant SBPL binds");
  EXPECT_ERR(sbp_node_add_constant(f, S("unix"), &out, E), SBP_E_INVALID_ARG,
             "value: \"unix\" is not a named constant SBPL binds");
  sbp_node_unlink(f);
  sbp_node *mod = NULL;
  assert_int_equal(sbp_rule_add_modifier(rule, S("report"), &mod, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_constant(mod, S("unix-socket"), &out, E), SBP_E_INVALID_ARG,
             "value: \"unix-socket\" is not a named constant SBPL binds");
  sbp_node_unlink(mod);
  sbp_node_unlink(tcp);
  /* what the builder accepted, the evaluator reads back */
  sbp_buf text = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &text, NULL), SBP_OK);
  assert_non_null(strstr(text.ptr, "(remote unix-socket (subpath \"/tmp/s\"))"));
  assert_non_null(strstr(text.ptr, "(local unix)"));
  sbp_profile *q = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_profile_read(&q, text.ptr, text.len, "u.sb", NULL, NULL, &err) != SBP_OK)
    fail_msg("%s\n%s", err.message, text.ptr);
  assert_int_equal(sbp_profile_rule_count(q), 1);
  sbp_profile_free(q);
  sbp_buf_dispose(&text);
  sbp_profile_free(p);
}

static void test_validation_generic(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *out, *rule, *f, *not, *cat, *mod;
  size_t rules = 0;
  EXPECT_ERR(sbp_profile_add_rule(p, SBP_ALLOW, S(""), &out, E), SBP_E_INVALID_ARG,
             "operation: \"\" is not an SBPL symbol");
  EXPECT_ERR(sbp_profile_add_rule(p, SBP_ALLOW, S("file read"), &out, E), SBP_E_INVALID_ARG,
             "operation: \"file read\" is not an SBPL symbol");
  EXPECT_ERR(sbp_profile_add_rule(p, SBP_ALLOW, "a\0", 2, &out, E), SBP_E_INVALID_ARG,
             "operation: contains a NUL byte");
  EXPECT_ERR(sbp_profile_add_rule(p, SBP_ALLOW, NULL, 3, &out, E), SBP_E_INVALID_ARG,
             "operation is NULL");
  EXPECT_ERR(sbp_profile_add_rule(p, (sbp_action)0, S("default"), &out, E), SBP_E_INVALID_ARG,
             "action: must be SBP_ALLOW or SBP_DENY");
  EXPECT_ERR(sbp_profile_add_rule(NULL, SBP_ALLOW, S("default"), &out, E), SBP_E_INVALID_ARG,
             "profile is NULL");
  assert_int_equal(sbp_profile_add_rule(p, SBP_ALLOW, S("file-read*"), &rule, NULL), SBP_OK);
  rules = 1;
  assert_int_equal(sbp_node_add_filter(rule, S("literal"), &f, NULL), SBP_OK);
  EXPECT_ERR(sbp_rule_add_operation(f, S("x"), &out, E), SBP_E_INVALID_ARG,
             "rule: not a rule node (a filter)");
  EXPECT_ERR(sbp_rule_add_operation(NULL, S("x"), &out, E), SBP_E_INVALID_ARG, "rule is NULL");
  EXPECT_ERR(sbp_rule_add_operation(rule, S("(x)"), &out, E), SBP_E_INVALID_ARG,
             "operation: \"(x)\" is not an SBPL symbol");
  EXPECT_ERR(sbp_rule_add_modifier(f, S("report"), &out, E), SBP_E_INVALID_ARG,
             "rule: not a rule node (a filter)");
  EXPECT_ERR(sbp_rule_add_modifier(rule, S("12"), &out, E), SBP_E_INVALID_ARG,
             "modifier: \"12\" is not an SBPL symbol");
  EXPECT_ERR(sbp_node_add_filter(NULL, S("literal"), &out, E), SBP_E_INVALID_ARG,
             "parent is NULL");
  EXPECT_ERR(sbp_node_add_filter(f, S("literal"), &out, E), SBP_E_INVALID_TREE,
             "a filter cannot hold a filter");
  EXPECT_ERR(sbp_node_add_filter(rule, S("a\"b"), &out, E), SBP_E_INVALID_ARG,
             "filter: \"a\"b\" is not an SBPL symbol");
  EXPECT_ERR(sbp_node_add_require(rule, SBP_NODE_FILTER, &out, E), SBP_E_INVALID_ARG,
             "type: must be SBP_NODE_REQUIRE_ALL, _ANY or _NOT, not filter");
  EXPECT_ERR(sbp_node_add_require(f, SBP_NODE_REQUIRE_ANY, &out, E), SBP_E_INVALID_TREE,
             "a filter cannot hold a require-any");
  assert_int_equal(sbp_node_add_require(rule, SBP_NODE_REQUIRE_NOT, &not, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_filter(not, S("literal"), NULL, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_filter(not, S("subpath"), &out, E), SBP_E_INVALID_TREE,
             "a require-not cannot hold a filter (require-not holds one)");
  EXPECT_ERR(sbp_node_add_string(rule, S("x"), &out, E), SBP_E_INVALID_TREE,
             "a rule cannot hold a value");
  EXPECT_ERR(sbp_node_add_string(f, "x\0", 2, &out, E), SBP_E_INVALID_ARG,
             "string: contains a NUL byte");
  EXPECT_ERR(sbp_node_add_string(NULL, S("x"), &out, E), SBP_E_INVALID_ARG, "parent is NULL");
  EXPECT_ERR(sbp_node_add_regex(f, "x\0", 2, &out, E), SBP_E_INVALID_ARG,
             "regex: contains a NUL byte");
  EXPECT_ERR(sbp_node_add_constant(f, S("two words"), &out, E), SBP_E_INVALID_ARG,
             "constant: \"two words\" is not an SBPL symbol");
  EXPECT_ERR(sbp_node_add_param(f, S(""), &out, E), SBP_E_INVALID_ARG, "parameter name: empty");
  EXPECT_ERR(sbp_node_add_integer(NULL, 1, &out, E), SBP_E_INVALID_ARG, "parent is NULL");
  EXPECT_ERR(sbp_node_add_integer(rule, 1, &out, E), SBP_E_INVALID_TREE,
             "a rule cannot hold a value");
  EXPECT_ERR(sbp_node_add_boolean(rule, 1, &out, E), SBP_E_INVALID_TREE,
             "a rule cannot hold a value");
  EXPECT_ERR(sbp_node_add_boolean(NULL, 1, &out, E), SBP_E_INVALID_ARG, "parent is NULL");
  EXPECT_ERR(sbp_node_add_netaddr(f, S("tcp"), S("host"), 1, &out, E), SBP_E_INVALID_ARG,
             "host: must be * or localhost, not \"host\"");
  EXPECT_ERR(sbp_node_add_netaddr(f, S("tcp"), NULL, 0, 1, &out, E), SBP_E_INVALID_ARG,
             "port: 1 given without a host (use \"*\" for any host)");
  EXPECT_ERR(sbp_node_add_netaddr(NULL, S("tcp"), NULL, 0, 1, &out, E), SBP_E_INVALID_ARG,
             "parent is NULL");
  EXPECT_ERR(sbp_node_add_concat(NULL, &out, E), SBP_E_INVALID_ARG, "parent is NULL");
  assert_int_equal(sbp_node_add_concat(f, &cat, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_integer(cat, 1, &out, E), SBP_E_INVALID_TREE,
             "a value cannot hold a value");
  EXPECT_ERR(sbp_node_add_regex(cat, S("x"), &out, E), SBP_E_INVALID_TREE,
             "a value cannot hold a value");
  assert_int_equal(sbp_rule_add_modifier(rule, S("message"), &mod, NULL), SBP_OK);
  EXPECT_ERR(sbp_node_add_filter(mod, S("literal"), &out, E), SBP_E_INVALID_TREE,
             "a modifier cannot hold a filter");
  EXPECT_ERR(sbp_profile_add_import(p, S(""), &out, E), SBP_E_INVALID_ARG, "import: empty path");
  EXPECT_ERR(sbp_profile_add_import(p, "a\0", 2, &out, E), SBP_E_INVALID_ARG,
             "import: contains a NUL byte");
  EXPECT_ERR(sbp_profile_add_import(NULL, S("a"), &out, E), SBP_E_INVALID_ARG,
             "profile is NULL");
  EXPECT_ERR(sbp_profile_add_comment(p, "a\0", 2, &out, E), SBP_E_INVALID_ARG,
             "comment: contains a NUL byte");
  EXPECT_ERR(sbp_profile_add_comment(NULL, S("a"), &out, E), SBP_E_INVALID_ARG,
             "profile is NULL");
  assert_int_equal(sbp_node_child_count(sbp_profile_root(p)), 1);
  sbp_profile_free(p);
}

/* ---- allocation failure -------------------------------------------------------------- */

/* The profile every fault-injection run starts from:
 *   (version 1)
 *   (deny default)
 *   (allow file-read* (require-any (subpath "/usr")) (literal (string-append (param "HOME")
 *     "/x")) (with message "m"))
 * plus a detached (string-append (param "HOME") "/y") for sbp_add_file_value, and where the
 * generic calls attach: the rule, the literal filter, the require-any, the concatenation and
 * the modifier. */
typedef struct base {
  sbp_node *rule, *filter, *require, *concat, *modifier, *detached;
} base;

#define TRY(call)                      \
  do {                                 \
    int rc_ = (call);                  \
    if (rc_ != SBP_OK) return rc_;     \
  } while (0)

static int make_base(sbp_profile *p, base *b) {
  sbp_node *n;
  TRY(sbp_profile_set_version(p, 1, NULL));
  TRY(sbp_add_default(p, SBP_DENY, NULL, NULL));
  TRY(sbp_profile_add_rule(p, SBP_ALLOW, S("file-read*"), &b->rule, NULL));
  TRY(sbp_node_add_require(b->rule, SBP_NODE_REQUIRE_ANY, &b->require, NULL));
  TRY(sbp_node_add_filter(b->require, S("subpath"), &n, NULL));
  TRY(sbp_node_add_string(n, S("/usr"), NULL, NULL));
  /* a filter the catalog does not know takes values of every kind (no value check) */
  TRY(sbp_node_add_filter(b->rule, S("future-filter"), &b->filter, NULL));
  TRY(sbp_node_add_concat(b->filter, &b->concat, NULL));
  TRY(sbp_node_add_param(b->concat, S("HOME"), NULL, NULL));
  TRY(sbp_node_add_string(b->concat, S("/x"), NULL, NULL));
  TRY(sbp_rule_add_modifier(b->rule, S("message"), &b->modifier, NULL));
  TRY(sbp_value_new(p, SBP_VALUE_CONCAT, NULL, 0, &b->detached, NULL));
  TRY(sbp_node_add_param(b->detached, S("HOME"), NULL, NULL));
  TRY(sbp_node_add_string(b->detached, S("/y"), NULL, NULL));
  return SBP_OK;
}

typedef int (*build_call)(sbp_profile *p, const base *b, sbp_node **out, sbp_error *err);

static char big_path[20001]; /* "/xxxx...": bigger than a quarter chunk, so its own block */

#define CALL(name, expr)                                                            \
  static int name(sbp_profile *p, const base *b, sbp_node **out, sbp_error *err) { \
    (void)p;                                                                        \
    (void)b;                                                                        \
    return (expr);                                                                  \
  }

static const char *const list_names[] = {"com.apple.SystemConfiguration.configd",
                                         "com.apple.system.logger", "com.apple.cfprefsd.daemon",
                                         "com.apple.trustd", "com.apple.securityd"};

CALL(c_add_rule, sbp_profile_add_rule(p, SBP_ALLOW, S("file-write*"), out, err))
CALL(c_add_operation, sbp_rule_add_operation(b->rule, S("file-write*"), out, err))
CALL(c_add_filter, sbp_node_add_filter(b->require, S("literal"), out, err))
CALL(c_add_require, sbp_node_add_require(b->rule, SBP_NODE_REQUIRE_NOT, out, err))
CALL(c_add_modifier, sbp_rule_add_modifier(b->rule, S("report"), out, err))
CALL(c_add_string,
     sbp_node_add_string(b->concat, S("/a-rather-long-suffix-for-the-path"), out, err))
CALL(c_add_regex, sbp_node_add_regex(b->filter, S("^/private/var/folders/.+$"), out, err))
CALL(c_add_constant, sbp_node_add_constant(b->modifier, S("SIGKILL"), out, err))
CALL(c_add_param, sbp_node_add_param(b->concat, S("TMPDIR"), out, err))
CALL(c_add_integer, sbp_node_add_integer(b->filter, 42, out, err))
CALL(c_add_boolean, sbp_node_add_boolean(b->filter, 1, out, err))
CALL(c_add_netaddr, sbp_node_add_netaddr(b->filter, S("tcp"), S("localhost"), 80, out, err))
CALL(c_add_concat, sbp_node_add_concat(b->concat, out, err))
CALL(c_add_import,
     sbp_profile_add_import(p, S("/System/Library/Sandbox/Profiles/bsd.sb"), out, err))
CALL(c_add_comment, sbp_profile_add_comment(p, S(" a comment of some length"), out, err))
CALL(c_default, sbp_add_default(p, SBP_ALLOW, out, err))
CALL(c_file, sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ | SBP_FILE_WRITE | SBP_FILE_IOCTL,
                          SBP_MATCH_SUBPATH, S("/Users/someone/Projects/sbprofile"), out, err))
CALL(c_file_big, sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_LITERAL, big_path,
                              sizeof(big_path) - 1, out, err))
CALL(c_file_value, sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ | SBP_FILE_WRITE,
                                      SBP_MATCH_SUBPATH, b->detached, out, err))
CALL(c_network, sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"),
                                S("localhost"), 8080, out, err))
CALL(c_network_any, sbp_add_network(p, SBP_ALLOW, SBP_NET_ALL, SBP_NET_SIDE_ANY, NULL, 0, NULL,
                                    0, SBP_PORT_ANY, out, err))
CALL(c_unix_socket, sbp_add_unix_socket(p, SBP_ALLOW, SBP_NET_BIND, SBP_MATCH_LITERAL,
                                        S("/private/var/run/syslog"), out, err))
CALL(c_mach,
     sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_PREFIX, S("com.apple.cfprefsd."), out, err))
CALL(c_mach_list, sbp_add_mach_lookup_list(p, SBP_ALLOW, list_names, NULL, 5, out, err))
CALL(c_exec, sbp_add_process_exec(p, SBP_ALLOW, SBP_MATCH_LITERAL, S("/bin/sh"), out, err))
CALL(c_fork, sbp_add_process_fork(p, SBP_ALLOW, out, err))
CALL(c_signal, sbp_add_signal(p, SBP_ALLOW, SBP_TARGET_SAME_SANDBOX, out, err))
CALL(c_process_info, sbp_add_process_info(p, SBP_ALLOW, SBP_TARGET_SELF, out, err))
CALL(c_sysctl,
     sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_EXACT, S("kern.osversion"), out, err))
CALL(c_iokit, sbp_add_iokit_open(p, SBP_ALLOW, S("IOSurfaceRootUserClient"), out, err))
CALL(c_ipc, sbp_add_ipc_posix(p, SBP_ALLOW, SBP_IPC_SHM, SBP_MATCH_REGEX, S("^apple\\.shm\\."),
                              out, err))
CALL(c_pref, sbp_add_preference(p, SBP_ALLOW, SBP_PREF_READ | SBP_PREF_WRITE, SBP_MATCH_EXACT,
                                S("com.apple.Terminal"), out, err))
CALL(c_socket, sbp_add_system_socket(p, SBP_ALLOW, SBP_AF_INET6, SBP_SOCK_STREAM, 6, out, err))

static const struct {
  const char *name;
  build_call call;
  int fits; /* needs no block of its own: with enough room left, it makes no allocation */
} calls[] = {
    {"sbp_profile_add_rule", c_add_rule, 1},
    {"sbp_rule_add_operation", c_add_operation, 1},
    {"sbp_node_add_filter", c_add_filter, 1},
    {"sbp_node_add_require", c_add_require, 1},
    {"sbp_rule_add_modifier", c_add_modifier, 1},
    {"sbp_node_add_string", c_add_string, 1},
    {"sbp_node_add_regex", c_add_regex, 1},
    {"sbp_node_add_constant", c_add_constant, 1},
    {"sbp_node_add_param", c_add_param, 1},
    {"sbp_node_add_integer", c_add_integer, 1},
    {"sbp_node_add_boolean", c_add_boolean, 1},
    {"sbp_node_add_netaddr", c_add_netaddr, 1},
    {"sbp_node_add_concat", c_add_concat, 1},
    {"sbp_profile_add_import", c_add_import, 1},
    {"sbp_profile_add_comment", c_add_comment, 1},
    {"sbp_add_default", c_default, 1},
    {"sbp_add_file", c_file, 1},
    {"sbp_add_file (20000-byte path)", c_file_big, 0},
    {"sbp_add_file_value", c_file_value, 1},
    {"sbp_add_network", c_network, 1},
    {"sbp_add_network (no filter)", c_network_any, 1},
    {"sbp_add_unix_socket", c_unix_socket, 1},
    {"sbp_add_mach_lookup", c_mach, 1},
    {"sbp_add_mach_lookup_list", c_mach_list, 1},
    {"sbp_add_process_exec", c_exec, 1},
    {"sbp_add_process_fork", c_fork, 1},
    {"sbp_add_signal", c_signal, 1},
    {"sbp_add_process_info", c_process_info, 1},
    {"sbp_add_sysctl_read", c_sysctl, 1},
    {"sbp_add_iokit_open", c_iokit, 1},
    {"sbp_add_ipc_posix", c_ipc, 1},
    {"sbp_add_preference", c_pref, 1},
    {"sbp_add_system_socket", c_socket, 1},
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

/*
 * A profile's nodes live in an arena of large blocks, so one builder call asks the allocator
 * for a block only when the current block runs out, wherever in the call that happens. To
 * fail every allocation a call can make, each run first fills the profile's current block
 * so that exactly `slack` units of 16 bytes are left, then fails the k-th allocator call
 * (persistently) and runs the builder call. Sweeping slack from 0 until the call fits moves
 * the failure across every node and string the call makes.
 *
 * Filling uses position file names on a detached scratch node: each distinct name of
 * 16u-1 bytes takes exactly u units of the block (the arena rounds to its alignment, at most
 * 16 here) and changes nothing sbp_profile_equal() compares.
 */
#define UNIT 16u
#define PIECE 1000u /* units per filling step: below a quarter block, so it stays in-block */

static char fill_name[PIECE * UNIT];

static void consume(sbp_node *scratch, size_t units, int *flip) {
  while (units > 0) {
    size_t u = units > PIECE ? PIECE : units;
    *flip = !*flip;
    memset(fill_name, *flip ? 'a' : 'b', u * UNIT - 1);
    assert_int_equal(sbp_node_set_position(scratch, fill_name, u * UNIT - 1, 1, 1, NULL), SBP_OK);
    units -= u;
  }
}

/* Consumes pieces until one opens a new block: that block then has exactly PIECE units used. */
static void to_fresh_block(test_alloc *ta, sbp_node *scratch, int *flip) {
  size_t before = ta->calls;
  while (ta->calls == before) consume(scratch, PIECE, flip);
}

/* Units left in a block after to_fresh_block(); measured once. */
static size_t free_units;

static size_t measure_free_units(void) {
  test_alloc ta;
  test_alloc_init(&ta);
  sbp_profile *p = NULL;
  sbp_node *scratch = NULL;
  int flip = 0;
  assert_int_equal(sbp_profile_new(&p, &ta.alloc), SBP_OK);
  assert_int_equal(sbp_value_new_integer(p, 0, &scratch, NULL), SBP_OK);
  to_fresh_block(&ta, scratch, &flip);
  size_t before = ta.calls, n = 0;
  while (ta.calls == before) {
    consume(scratch, 1, &flip);
    n++;
  }
  sbp_profile_free(p);
  assert_int_equal(ta.live, 0);
  assert_true(n > 256);
  return n - 1;
}

#define ALL_PARTS (SBP_EQUAL_COMMENTS | SBP_EQUAL_IMPORTS | SBP_EQUAL_POSITIONS)

/* One run: base profile, block filled to `slack` units, allocator call k and later failing. */
static int run_with_slack(size_t i, size_t slack, size_t k) {
  test_alloc ta, tc;
  test_alloc_init(&ta);
  test_alloc_init(&tc);
  sbp_profile *p = NULL, *copy = NULL;
  sbp_node *scratch = NULL;
  base b;
  int flip = 0;
  assert_int_equal(sbp_profile_new(&p, &ta.alloc), SBP_OK);
  assert_int_equal(make_base(p, &b), SBP_OK);
  assert_int_equal(sbp_value_new_integer(p, 0, &scratch, NULL), SBP_OK);
  to_fresh_block(&ta, scratch, &flip);
  assert_true(slack <= free_units);
  consume(scratch, free_units - slack, &flip);
  assert_int_equal(sbp_profile_copy(p, &copy, &tc.alloc, NULL), SBP_OK);
  size_t rules = sbp_profile_rule_count(p), items = sbp_node_child_count(sbp_profile_root(p));

  test_alloc_fail_at(&ta, k, 1);
  sbp_error err = SBP_ERROR_INIT;
  sbp_node *out = (sbp_node *)&out;
  int rc = calls[i].call(p, &b, &out, &err);
  test_alloc_fail_at(&ta, SIZE_MAX, 0);
  if (rc == SBP_OK) {
    assert_non_null(out);
    assert_false(sbp_profile_equal(p, copy, ALL_PARTS));
  } else {
    if (rc != SBP_E_NOMEM)
      fail_msg("%s, slack %zu, allocation %zu failing: got %s, expected SBP_E_NOMEM",
               calls[i].name, slack, k, sbp_status_name(rc));
    assert_int_equal(err.code, SBP_E_NOMEM);
    assert_null(out);
    if (!sbp_profile_equal(p, copy, ALL_PARTS))
      fail_msg("%s, slack %zu, allocation %zu failing: the profile changed", calls[i].name,
               slack, k);
    assert_int_equal(sbp_profile_rule_count(p), rules);
    assert_int_equal(sbp_node_child_count(sbp_profile_root(p)), items);
    /* The profile is still sound: the same call now succeeds. */
    assert_int_equal(calls[i].call(p, &b, NULL, NULL), SBP_OK);
    assert_false(sbp_profile_equal(p, copy, ALL_PARTS));
  }
  sbp_profile_free(p);
  sbp_profile_free(copy);
  assert_int_equal(ta.live, 0);
  assert_int_equal(tc.live, 0);
  return rc;
}

static void test_allocation_failure_every_point(void **state) {
  (void)state;
  memset(big_path, 'x', sizeof(big_path) - 1);
  big_path[0] = '/';
  if (free_units == 0) free_units = measure_free_units();
  size_t runs = 0, total_failures = 0;
  for (size_t i = 0; i < NCALLS; i++) {
    size_t failures = 0, slack;
    int fitted = 0;
    size_t max_slack = calls[i].fits ? 256 : 32;
    for (slack = 0; slack <= max_slack && !fitted; slack++) {
      for (size_t k = 0;; k++) {
        if (k > 4) fail_msg("%s, slack %zu: more than 4 allocations", calls[i].name, slack);
        runs++;
        if (run_with_slack(i, slack, k) == SBP_OK) {
          fitted = k == 0;
          break;
        }
        failures++;
      }
    }
    if (calls[i].fits && !fitted) fail_msg("%s: never fitted in 256 units", calls[i].name);
    if (failures == 0) fail_msg("%s: no allocation failed", calls[i].name);
    total_failures += failures;
  }
  print_message("%zu entry points, %zu runs, %zu injected failures (block: %zu free units)\n",
                NCALLS, runs, total_failures, free_units);
}

/* The classic exhaustion over a whole operation (new profile, base, the call, free), in both
 * transient and persistent modes. */
static size_t exhaust_index;

static int exhaust_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_profile *p = NULL;
  base b;
  int rc = sbp_profile_new(&p, alloc);
  if (rc != SBP_OK) return rc;
  rc = make_base(p, &b);
  if (rc == SBP_OK) rc = calls[exhaust_index].call(p, &b, NULL, NULL);
  sbp_profile_free(p);
  return rc;
}

static void test_allocation_exhaust(void **state) {
  (void)state;
  memset(big_path, 'x', sizeof(big_path) - 1);
  big_path[0] = '/';
  for (exhaust_index = 0; exhaust_index < NCALLS; exhaust_index++)
    assert_true(test_alloc_exhaust(exhaust_op, NULL) >= 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default),
      cmocka_unit_test(test_file),
      cmocka_unit_test(test_file_value),
      cmocka_unit_test(test_network),
      cmocka_unit_test(test_mach),
      cmocka_unit_test(test_configd_allowlist),
      cmocka_unit_test(test_process_and_targets),
      cmocka_unit_test(test_sysctl_iokit_ipc_prefs),
      cmocka_unit_test(test_system_socket),
      cmocka_unit_test(test_generic),
      cmocka_unit_test(test_validation_paths),
      cmocka_unit_test(test_validation_file_value),
      cmocka_unit_test(test_validation_network),
      cmocka_unit_test(test_validation_names),
      cmocka_unit_test(test_validation_generic),
      cmocka_unit_test(test_validation_value_kinds),
      cmocka_unit_test(test_validation_unix_socket),
      cmocka_unit_test(test_allocation_failure_every_point),
      cmocka_unit_test(test_allocation_exhaust),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
