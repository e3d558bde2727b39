/* sandbox-runtime settings into a policy (srt_settings.h). The mapping, key by key, and every
 * place where the result decides otherwise than srt 0.0.83's own profile are documented in
 * docs/srt-settings.md. */
#include "srt_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- paths -------------------------------------------------------------------------------- */

typedef struct srt_ctx {
  sbp_json_reader *r;
  sbp_policy *policy;
  int fs_enabled;
  sbp_policy_list list; /* the list path entries go to */
} srt_ctx;

/* A path list entry: a spelling (a pattern when it has glob characters; a trailing / ** is the
 * directory itself, as srt strips it), or {"path": P, "literal": true}, a name whatever it
 * holds. Sets the path (text, len) and its kind; 0 or SBP_E_INVALID_ARG. */
static int path_entry(srt_ctx *c, json_t *v, const char **text, size_t *len,
                      sbp_path_kind *kind) {
  if (json_is_string(v)) {
    *text = json_string_value(v);
    *len = json_string_length(v);
    if (*len == 0) return sbp_json_fail(c->r, "empty path");
    if (*len > 3 && memcmp(*text + *len - 3, "/**", 3) == 0) *len -= 3;
    else if (*len == 3 && memcmp(*text, "/**", 3) == 0) *len = 1;
    *kind = SBP_PATH_AUTO;
    return 0;
  }
  if (json_is_object(v)) {
    json_t *p = json_object_get(v, "path"), *lit = json_object_get(v, "literal");
    if (json_object_size(v) == 2 && json_is_string(p) && json_string_length(p) > 0 &&
        json_is_true(lit)) {
      *text = json_string_value(p);
      *len = json_string_length(p);
      *kind = SBP_PATH_SUBTREE;
      return 0;
    }
  }
  return sbp_json_fail(c->r, "expected a path, or {\"path\": \"<path>\", \"literal\": true}, "
                             "got %s", json_is_object(v) ? "another object" : sbp_json_kind(v));
}

/* Adds one entry of a path list to the policy list c->list. */
static int path_element(sbp_json_reader *r, void *ud, json_t *v) {
  srt_ctx *c = ud;
  const char *text = NULL; /* set by path_entry when it returns 0 */
  size_t len = 0;
  sbp_path_kind kind = SBP_PATH_AUTO;
  int rc = path_entry(c, v, &text, &len, &kind);
  if (rc == 0 && c->fs_enabled) {
    sbp_error err = SBP_ERROR_INIT;
    rc = sbp_json_status(r, sbp_policy_add_path(c->policy, c->list, kind, text, len, &err), &err);
  }
  return rc;
}

/* Adds every entry of the array obj.key to a policy list. */
static int path_list(srt_ctx *c, json_t *obj, const char *key, sbp_policy_list list) {
  c->list = list;
  return sbp_json_each(c->r, obj, key, path_element, c);
}

/* ---- sections ----------------------------------------------------------------------------- */

/* A value srt reads elsewhere (its proxy, the Linux or Windows backend): only its type is
 * checked. */
typedef struct other_key {
  const char *name;
  json_type type;
} other_key;

static int other_keys(srt_ctx *c, json_t *obj, const other_key *keys) {
  for (size_t i = 0; keys[i].name != NULL; i++) {
    json_t *v = json_object_get(obj, keys[i].name);
    if (v == NULL) continue;
    int ok = json_typeof(v) == keys[i].type ||
             (keys[i].type == JSON_TRUE && json_is_boolean(v)) ||
             (keys[i].type == JSON_REAL && json_is_number(v));
    if (!ok) {
      size_t saved = sbp_json_enter_key(c->r, keys[i].name);
      const char *want = keys[i].type == JSON_OBJECT  ? "an object"
                         : keys[i].type == JSON_ARRAY ? "an array"
                         : keys[i].type == JSON_STRING ? "a string"
                         : keys[i].type == JSON_INTEGER ? "an integer"
                         : keys[i].type == JSON_TRUE    ? "true or false"
                                                        : "a number";
      sbp_json_fail(c->r, "expected %s, got %s", want, sbp_json_kind(v));
      sbp_json_leave(c->r, saved);
      return SBP_E_INVALID_ARG;
    }
  }
  return 0;
}

static int policy_call(srt_ctx *c, int rc, const sbp_error *err) {
  return sbp_json_status(c->r, rc, err);
}

static int string_array(srt_ctx *c, json_t *obj, const char *key,
                        int (*each)(sbp_json_reader *, void *, const char *, size_t)) {
  return sbp_json_each_string(c->r, obj, key, each, c);
}

static int add_mach(sbp_json_reader *r, void *ud, const char *name, size_t len) {
  srt_ctx *c = ud;
  sbp_error err = SBP_ERROR_INIT;
  (void)r;
  return policy_call(c, sbp_policy_add_mach_service(c->policy, name, len, &err), &err);
}

static int add_socket(sbp_json_reader *r, void *ud, const char *path, size_t len) {
  srt_ctx *c = ud;
  sbp_error err = SBP_ERROR_INIT;
  (void)r;
  if (len == 0) return sbp_json_fail(c->r, "empty path");
  /* srt names a socket with (subpath P) whatever P holds: never a pattern. */
  return policy_call(c, sbp_policy_add_path(c->policy, SBP_POLICY_UNIX_SOCKET, SBP_PATH_SUBTREE,
                                            path, len, &err),
                     &err);
}

static int option(srt_ctx *c, json_t *obj, const char *key, sbp_policy_option opt) {
  int on = 0;
  if (sbp_json_get_bool(c->r, obj, key, &on) != 0) return SBP_E_INVALID_ARG;
  sbp_error err = SBP_ERROR_INIT;
  return on ? policy_call(c, sbp_policy_set_option(c->policy, opt, 1, &err), &err) : 0;
}

static int port(srt_ctx *c, json_t *net, const char *key) {
  long long n = 0;
  int present = 0;
  if (sbp_json_get_int(c->r, net, key, 1, 65535, &n, &present) != 0) return SBP_E_INVALID_ARG;
  if (!present) {
    size_t saved = sbp_json_enter_key(c->r, key);
    sbp_json_warn(c->r, "not set: srt would start a proxy of its own on a port chosen when it "
                        "runs, which this profile cannot allow; set the port of your proxy");
    sbp_json_leave(c->r, saved);
    return 0;
  }
  sbp_error err = SBP_ERROR_INIT;
  return policy_call(c, sbp_policy_add_localhost_port(c->policy, (int)n,
                                                     SBP_PORT_OUTBOUND | SBP_PORT_BIND |
                                                         SBP_PORT_INBOUND,
                                                     &err),
                     &err);
}

static int network(srt_ctx *c, json_t *net) {
  static const char *const known[] = {
      "allowedDomains", "deniedDomains", "deniedDomainReasons", "strictAllowlist",
      "deniedResolvedAddresses", "allowUnixSockets", "allowAllUnixSockets", "allowLocalBinding",
      "allowMachLookup", "httpProxyPort", "socksProxyPort", "mitmProxy", "filterRequest",
      "allowPlaintextHeaderSet", "stripResponseHeaders", "refuseOpaqueTunnels",
      "requireHostMatch", "ambiguousRequestTarget", "tlsTerminate", "parentProxy", NULL};
  static const other_key proxy_keys[] = {
      {"deniedDomainReasons", JSON_OBJECT}, {"strictAllowlist", JSON_TRUE},
      {"deniedResolvedAddresses", JSON_ARRAY}, {"mitmProxy", JSON_OBJECT},
      {"allowPlaintextHeaderSet", JSON_TRUE}, {"stripResponseHeaders", JSON_ARRAY},
      {"refuseOpaqueTunnels", JSON_TRUE}, {"requireHostMatch", JSON_TRUE},
      {"ambiguousRequestTarget", JSON_STRING}, {"tlsTerminate", JSON_OBJECT},
      {"parentProxy", JSON_OBJECT}, {NULL, JSON_NULL}};
  sbp_json_unknown_keys(c->r, net, known);
  /* The domain lists are the proxy's; that they are there is what restricts the network. */
  if (sbp_json_require(c->r, net, "allowedDomains") != 0 ||
      sbp_json_require(c->r, net, "deniedDomains") != 0 ||
      string_array(c, net, "allowedDomains", NULL) != 0 ||
      string_array(c, net, "deniedDomains", NULL) != 0 || other_keys(c, net, proxy_keys) != 0)
    return SBP_E_INVALID_ARG;
  sbp_error err = SBP_ERROR_INIT;
  int all_sockets = 0;
  /* Each step's own status: SBP_E_NOMEM must reach the caller as such. */
  int rc = policy_call(c, sbp_policy_set_network(c->policy, SBP_NETWORK_NONE, &err), &err);
  if (rc == 0) rc = port(c, net, "httpProxyPort");
  if (rc == 0) rc = port(c, net, "socksProxyPort");
  if (rc == 0) rc = option(c, net, "allowLocalBinding", SBP_POLICY_LOCAL_BINDING);
  if (rc == 0) rc = sbp_json_get_bool(c->r, net, "allowAllUnixSockets", &all_sockets);
  if (rc == 0) rc = string_array(c, net, "allowMachLookup", add_mach);
  if (rc != 0) return rc;
  if (all_sockets) {
    rc = option(c, net, "allowAllUnixSockets", SBP_POLICY_ALL_UNIX_SOCKETS);
    return rc != 0 ? rc : string_array(c, net, "allowUnixSockets", NULL);
  }
  return string_array(c, net, "allowUnixSockets", add_socket);
}

/* One entry of credentials.files: {"path": P, "mode": "deny" | "mask"}. */
static int credential_file(sbp_json_reader *r, void *ud, json_t *f) {
  srt_ctx *c = ud;
  const char *path = NULL, *mode = NULL;
  size_t plen = 0, mlen = 0;
  if (!json_is_object(f)) return sbp_json_fail(r, "expected an object, got %s", sbp_json_kind(f));
  if (sbp_json_require(r, f, "path") != 0 || sbp_json_require(r, f, "mode") != 0 ||
      sbp_json_get_string(r, f, "path", &path, &plen) != 0 ||
      sbp_json_get_string(r, f, "mode", &mode, &mlen) != 0)
    return SBP_E_INVALID_ARG;
  if (strcmp(mode, "deny") != 0 && strcmp(mode, "mask") != 0) {
    size_t m = sbp_json_enter_key(r, "mode");
    int rc = sbp_json_fail(r, "expected \"deny\" or \"mask\", got \"%s\"", mode);
    sbp_json_leave(r, m);
    return rc;
  }
  /* A masked file cannot be shown masked through SBPL: srt denies it on macOS. */
  json_t *entry = json_string(path);
  if (entry == NULL) return SBP_E_NOMEM;
  size_t m = sbp_json_enter_key(r, "path");
  c->list = SBP_POLICY_READ_DENY;
  int rc = path_element(r, c, entry);
  sbp_json_leave(r, m);
  json_decref(entry);
  return rc;
}

static int credential_files(srt_ctx *c, json_t *creds) {
  static const char *const known[] = {"files", "envVars", "allowPlaintextInject", "awsPairs",
                                      "sigv4", NULL};
  static const other_key env_keys[] = {{"envVars", JSON_ARRAY},
                                       {"allowPlaintextInject", JSON_TRUE},
                                       {"awsPairs", JSON_ARRAY},
                                       {"sigv4", JSON_OBJECT},
                                       {NULL, JSON_NULL}};
  sbp_json_unknown_keys(c->r, creds, known);
  if (other_keys(c, creds, env_keys) != 0) return SBP_E_INVALID_ARG;
  return sbp_json_each(c->r, creds, "files", credential_file, c);
}

static int filesystem(srt_ctx *c, json_t *fs) {
  static const char *const known[] = {"disabled",  "denyRead",  "allowRead", "allowWrite",
                                      "denyWrite", "allowGitConfig", NULL};
  sbp_json_unknown_keys(c->r, fs, known);
  int disabled = 0, git_config = 0;
  if (sbp_json_require(c->r, fs, "denyRead") != 0 ||
      sbp_json_require(c->r, fs, "allowWrite") != 0 ||
      sbp_json_require(c->r, fs, "denyWrite") != 0 ||
      sbp_json_get_bool(c->r, fs, "disabled", &disabled) != 0 ||
      sbp_json_get_bool(c->r, fs, "allowGitConfig", &git_config) != 0)
    return SBP_E_INVALID_ARG;
  sbp_error err = SBP_ERROR_INIT;
  int rc = 0;
  c->fs_enabled = !disabled;
  if (disabled) {
    /* No file rule at all: everything readable and writable, no protection. */
    rc = policy_call(c, sbp_policy_set_write_mode(c->policy, SBP_WRITE_ALLOW_ALL, &err), &err);
    for (size_t i = 0; rc == 0 && i < sbp_policy_protection_count(); i++) {
      const char *name = sbp_policy_protection_name(i);
      rc = policy_call(c, sbp_policy_set_protection(c->policy, name, strlen(name), 0, &err), &err);
    }
  } else if (git_config) {
    rc = policy_call(c, sbp_policy_set_protection(c->policy, "git-config", 10, 0, &err), &err);
  }
  if (rc == 0) rc = path_list(c, fs, "denyRead", SBP_POLICY_READ_DENY);
  if (rc == 0) rc = path_list(c, fs, "allowRead", SBP_POLICY_READ_ALLOW);
  if (rc == 0) rc = path_list(c, fs, "allowWrite", SBP_POLICY_WRITE_ALLOW);
  if (rc == 0) rc = path_list(c, fs, "denyWrite", SBP_POLICY_WRITE_DENY);
  return rc;
}

int sbp_srt_settings_apply(sbp_json_reader *r, json_t *root, sbp_policy *policy) {
  static const char *const known[] = {
      "network", "filesystem", "credentials", "ignoreViolations", "enableWeakerNestedSandbox",
      "allowNestedUserNamespaces", "enableWeakerNetworkIsolation", "allowAppleEvents", "ripgrep",
      "mandatoryDenySearchDepth", "allowPty", "seccomp", "bwrapPath", "socatPath",
      "javaAgentJarPath", "windows", "git", NULL};
  static const other_key elsewhere[] = {
      {"ignoreViolations", JSON_OBJECT}, {"enableWeakerNestedSandbox", JSON_TRUE},
      {"allowNestedUserNamespaces", JSON_TRUE}, {"enableWeakerNetworkIsolation", JSON_TRUE},
      {"ripgrep", JSON_OBJECT}, {"mandatoryDenySearchDepth", JSON_INTEGER},
      {"seccomp", JSON_OBJECT}, {"bwrapPath", JSON_STRING}, {"socatPath", JSON_STRING},
      {"javaAgentJarPath", JSON_STRING}, {"windows", JSON_OBJECT}, {"git", JSON_OBJECT},
      {NULL, JSON_NULL}};
  srt_ctx c = {r, policy, 1, SBP_POLICY_READ_DENY};
  json_t *net = NULL, *fs = NULL, *creds = NULL;
  int rc = 0;
  if (!json_is_object(root)) {
    rc = sbp_json_fail(r, "expected an object, got %s", sbp_json_kind(root));
  } else {
    sbp_json_unknown_keys(r, root, known);
    if (sbp_json_require(r, root, "network") != 0 || sbp_json_require(r, root, "filesystem") != 0 ||
        sbp_json_get_object(r, root, "network", &net) != 0 ||
        sbp_json_get_object(r, root, "filesystem", &fs) != 0 ||
        sbp_json_get_object(r, root, "credentials", &creds) != 0 ||
        other_keys(&c, root, elsewhere) != 0)
      rc = SBP_E_INVALID_ARG;
  }
  if (rc == 0) {
    size_t saved = sbp_json_enter_key(r, "filesystem");
    rc = filesystem(&c, fs);
    sbp_json_leave(r, saved);
  }
  if (rc == 0 && creds != NULL) {
    size_t saved = sbp_json_enter_key(r, "credentials");
    rc = credential_files(&c, creds);
    sbp_json_leave(r, saved);
  }
  if (rc == 0) {
    size_t saved = sbp_json_enter_key(r, "network");
    rc = network(&c, net);
    sbp_json_leave(r, saved);
  }
  if (rc == 0) rc = option(&c, root, "allowPty", SBP_POLICY_PTY);
  if (rc == 0) rc = option(&c, root, "allowAppleEvents", SBP_POLICY_APPLE_EVENTS);
  /* srt's default writes, configd and trustd.agent, and its fixed grants. */
  if (rc == 0) {
    sbp_error err = SBP_ERROR_INIT;
    rc = policy_call(&c, sbp_policy_add_srt_defaults(policy, &err), &err);
  }
  return rc;
}

int sbp_srt_settings_read(sbp_json_reader *r, const char *text, size_t len,
                          sbp_policy *policy) {
  json_t *root = sbp_json_parse(r, text, len);
  if (root == NULL) return r->nomem ? SBP_E_NOMEM : SBP_E_INVALID_ARG;
  int rc = sbp_srt_settings_apply(r, root, policy);
  json_decref(root);
  return rc;
}
