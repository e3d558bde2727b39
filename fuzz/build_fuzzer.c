/* Fuzz target: build, serialize, evaluate. The input drives the builder: generic calls
 * (rules, filters, requires, modifiers and values of every kind under known and unknown
 * names) and typed ones, with texts taken from the input (quotes, backslashes, control
 * bytes). Whatever the builder accepts must serialize, unless a filter or require was left
 * empty (SBP_E_INVALID_TREE); and when every name used is one the catalog knows, the text
 * must evaluate (parameters symbolic) to a profile equal to the one built. Any violation
 * aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct in {
  const uint8_t *d;
  size_t n, i;
} in;

static unsigned pick(in *x, unsigned k) { return x->i < x->n ? x->d[x->i++] % k : 0; }

/* A text of up to 15 bytes from the input. */
static size_t text(in *x, char *buf) {
  size_t len = pick(x, 16);
  size_t k = 0;
  for (; k < len && x->i < x->n; k++) buf[k] = (char)x->d[x->i++];
  return k;
}

/* No aliases (process-exec, iokit-open): the evaluator writes them as what they stand for,
 * so the profile read back would name another operation. */
static const char *const ops[] = {"file-read*", "file-write*", "mach-lookup", "network-outbound",
                                  "sysctl-read", "signal", "process-exec*", "nvram-get",
                                  "system-socket", "iokit-open*", "default"};
static const char *const filters[] = {"literal", "subpath", "prefix", "regex", "global-name",
                                      "global-name-regex", "remote", "local", "socket-domain",
                                      "target", "nvram-variable-prefix", "file-mode",
                                      "vnode-type", "future-filter"};
static const char *const modifiers[] = {"report", "no-log", "message", "send-signal",
                                        "future-modifier"};
static const char *const constants[] = {"AF_UNIX", "same-sandbox", "self", "REGULAR-FILE",
                                        "SIGKILL", "tcp", "not-a-constant"};
static const char *const protos[] = {"tcp", "udp", "ip", "tcp4", "udp6", "sctp"};
static const char *const hosts[] = {"*", "localhost", "127.0.0.1", "::1", "example.com"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void fail(const char *what, const char *detail, const sbp_buf *t) {
  fprintf(stderr, "build_fuzzer: %s: %s\n--- serialized\n%s\n---\n", what, detail,
          t && t->ptr ? t->ptr : "");
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  in x = {data, size, 0};
  sbp_profile *p = NULL;
  if (sbp_profile_new(&p, NULL) != SBP_OK) return 0;
  if (sbp_profile_set_version(p, 1, NULL) != SBP_OK) abort();
  int unknown = 0;
  sbp_node *rule = NULL, *holder = NULL, *value_parent = NULL;
  char buf[16];
  for (int steps = 0; x.i < x.n && steps < 64; steps++) {
    sbp_node *n = NULL;
    unsigned what = pick(&x, 16);
    size_t k;
    switch (what) {
      case 0:
        k = pick(&x, N(ops));
        if (sbp_profile_add_rule(p, pick(&x, 2) ? SBP_ALLOW : SBP_DENY, ops[k], strlen(ops[k]),
                                 &n, NULL) == SBP_OK)
          rule = holder = n;
        break;
      case 1:
        k = pick(&x, N(filters));
        if (holder && sbp_node_add_filter(holder, filters[k], strlen(filters[k]), &n, NULL) == SBP_OK) {
          value_parent = n;
          unknown |= k == N(filters) - 1;
        }
        break;
      case 2:
        if (rule && sbp_node_add_require(holder ? holder : rule,
                                         (sbp_node_type)(SBP_NODE_REQUIRE_ALL + pick(&x, 3)), &n,
                                         NULL) == SBP_OK)
          holder = n;
        break;
      case 3:
        k = pick(&x, N(modifiers));
        if (rule && sbp_rule_add_modifier(rule, modifiers[k], strlen(modifiers[k]), &n, NULL) == SBP_OK) {
          value_parent = n;
          unknown |= k == N(modifiers) - 1;
        }
        break;
      case 4: k = text(&x, buf); if (value_parent) sbp_node_add_string(value_parent, buf, k, NULL, NULL); break;
      case 5: k = text(&x, buf); if (value_parent) sbp_node_add_regex(value_parent, buf, k, NULL, NULL); break;
      case 6:
        k = pick(&x, N(constants));
        if (value_parent) sbp_node_add_constant(value_parent, constants[k], strlen(constants[k]), NULL, NULL);
        break;
      case 7: k = text(&x, buf); if (value_parent) sbp_node_add_param(value_parent, buf, k, NULL, NULL); break;
      case 8: if (value_parent) sbp_node_add_integer(value_parent, (int64_t)pick(&x, 256) - 8, NULL, NULL); break;
      case 9: if (value_parent) sbp_node_add_boolean(value_parent, (int)pick(&x, 2), NULL, NULL); break;
      case 10: {
        const char *pr = protos[pick(&x, N(protos))], *h = hosts[pick(&x, N(hosts))];
        if (value_parent)
          sbp_node_add_netaddr(value_parent, pr, strlen(pr), h, strlen(h), (int)pick(&x, 3) * 40 - 1,
                               NULL, NULL);
        break;
      }
      case 11:
        if (value_parent && sbp_node_add_concat(value_parent, &n, NULL) == SBP_OK) {
          k = text(&x, buf);
          sbp_node_add_param(n, "HOME", 4, NULL, NULL);
          sbp_node_add_string(n, buf, k, NULL, NULL);
        }
        break;
      case 12:
        k = text(&x, buf);
        sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ << pick(&x, 3), (sbp_match)(1 + pick(&x, 4)), buf, k,
                     NULL, NULL);
        break;
      case 13:
        k = text(&x, buf);
        sbp_add_mach_lookup(p, SBP_DENY, (sbp_match)(1 + pick(&x, 4)), buf, k, NULL, NULL);
        break;
      case 14: {
        const char *pr = protos[pick(&x, N(protos))], *h = hosts[pick(&x, N(hosts))];
        sbp_add_network(p, SBP_ALLOW, (sbp_net_op)(1 + pick(&x, 4)), (sbp_net_side)pick(&x, 3), pr,
                        strlen(pr), h, strlen(h), (int)pick(&x, 3) * 40 - 1, NULL, NULL);
        break;
      }
      default:
        sbp_add_signal(p, SBP_ALLOW, (sbp_target)pick(&x, 4), NULL, NULL);
        break;
    }
  }
  sbp_buf t = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_serialize(p, NULL, &t, &err);
  if (rc == SBP_E_INVALID_TREE || rc == SBP_E_NOMEM || unknown) {
    sbp_buf_dispose(&t);
    sbp_profile_free(p);
    return 0;
  }
  if (rc != SBP_OK) fail("serialize", err.message, NULL);
  sbp_profile *q = NULL;
  sbp_read_options ro = SBP_READ_OPTIONS_INIT;
  ro.flags = SBP_READ_SYMBOLIC_PARAMS;
  rc = sbp_profile_read(&q, t.ptr, t.len, "built.sb", &ro, NULL, &err);
  if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("the builder's profile does not evaluate", err.message, &t);
  if (rc == SBP_OK && !sbp_profile_equal(p, q, 0)) {
    sbp_buf t2 = SBP_BUF_INIT;
    sbp_serialize(q, NULL, &t2, NULL);
    fprintf(stderr, "--- evaluated back\n%s\n", t2.ptr ? t2.ptr : "");
    fail("evaluates to a different profile", "", &t);
  }
  sbp_profile_free(q);
  sbp_buf_dispose(&t);
  sbp_profile_free(p);
  return 0;
}
