/* sbprofile's policy file read into a policy (policy_file.h). Every key is documented in
 * docs/policy-file.md and described by docs/policy.schema.json; the tests check that the two
 * and this reader know the same keys. */
#include "policy_file.h"

#include <string.h>

typedef struct pf_ctx {
  sbp_json_reader *r;
  sbp_policy *policy;
  sbp_policy_list list; /* the list path entries go to */
} pf_ctx;

/* A string among names (NULL-ended): its index, or an error naming them. */
static int one_of(sbp_json_reader *r, json_t *v, const char *const *names, int *out) {
  if (json_is_string(v))
    for (int i = 0; names[i] != NULL; i++)
      if (strcmp(json_string_value(v), names[i]) == 0) {
        *out = i;
        return 0;
      }
  char list[256] = "";
  for (int i = 0; names[i] != NULL; i++) {
    strncat(list, i == 0 ? "\"" : ", \"", sizeof(list) - strlen(list) - 1);
    strncat(list, names[i], sizeof(list) - strlen(list) - 1);
    strncat(list, "\"", sizeof(list) - strlen(list) - 1);
  }
  if (json_is_string(v))
    return sbp_json_fail(r, "expected one of %s, got \"%s\"", list, json_string_value(v));
  return sbp_json_fail(r, "expected one of %s, got %s", list, sbp_json_kind(v));
}

/* obj.key, if present, as one of names. */
static int enum_member(sbp_json_reader *r, json_t *obj, const char *key,
                       const char *const *names, int *out, int *present) {
  json_t *v = json_object_get(obj, key);
  *present = v != NULL;
  if (v == NULL) return 0;
  size_t saved = sbp_json_enter_key(r, key);
  int rc = one_of(r, v, names, out);
  sbp_json_leave(r, saved);
  return rc;
}

/* A path entry: "PATH" (a glob when it uses glob syntax, else the subtree), or
 * {"path": "PATH", "match": "auto" | "literal" | "subtree" | "glob"}. */
static int path_entry(pf_ctx *c, json_t *v) {
  static const char *const matches[] = {"auto", "literal", "subtree", "glob", NULL};
  static const char *const keys[] = {"path", "match", NULL};
  const char *text = NULL;
  size_t len = 0;
  int kind = SBP_PATH_AUTO, present = 0;
  if (json_is_string(v)) {
    text = json_string_value(v);
    len = json_string_length(v);
  } else if (json_is_object(v)) {
    sbp_json_unknown_keys(c->r, v, keys);
    if (sbp_json_require(c->r, v, "path") != 0 ||
        sbp_json_get_string(c->r, v, "path", &text, &len) != 0 ||
        enum_member(c->r, v, "match", matches, &kind, &present) != 0)
      return SBP_E_INVALID_ARG;
  } else {
    return sbp_json_fail(c->r, "expected a path or {\"path\": ..., \"match\": ...}, got %s",
                         sbp_json_kind(v));
  }
  sbp_error err = SBP_ERROR_INIT;
  return sbp_json_status(c->r,
                         sbp_policy_add_path(c->policy, c->list, (sbp_path_kind)kind, text, len,
                                             &err),
                         &err);
}

static int path_element(sbp_json_reader *r, void *ud, json_t *v) {
  (void)r;
  return path_entry(ud, v);
}

static int path_list(pf_ctx *c, json_t *obj, const char *key, sbp_policy_list list) {
  c->list = list;
  return sbp_json_each(c->r, obj, key, path_element, c);
}

/* obj.key, if present, as an on/off option. */
static int option(pf_ctx *c, json_t *obj, const char *key, sbp_policy_option opt) {
  json_t *v = json_object_get(obj, key);
  int on = 0;
  if (v == NULL) return 0;
  if (sbp_json_get_bool(c->r, obj, key, &on) != 0) return SBP_E_INVALID_ARG;
  sbp_error err = SBP_ERROR_INIT;
  size_t saved = sbp_json_enter_key(c->r, key);
  int rc = sbp_json_status(c->r, sbp_policy_set_option(c->policy, opt, on, &err), &err);
  sbp_json_leave(c->r, saved);
  return rc;
}

/* Runs section(c, obj.key) with the path at obj.key when obj.key is an object. */
static int section(pf_ctx *c, json_t *obj, const char *key,
                   int (*read)(pf_ctx *, json_t *)) {
  json_t *v;
  if (sbp_json_get_object(c->r, obj, key, &v) != 0) return SBP_E_INVALID_ARG;
  if (v == NULL) return 0;
  size_t saved = sbp_json_enter_key(c->r, key);
  int rc = read(c, v);
  sbp_json_leave(c->r, saved);
  return rc;
}

/* "read" or "write": a mode among modes (set with set_mode) and two path lists. */
static int mode_and_lists(pf_ctx *c, json_t *o, const char *const *keys,
                          const char *const *modes,
                          int (*set_mode)(sbp_policy *, int, sbp_error *),
                          sbp_policy_list first, sbp_policy_list second) {
  int mode = 0, present = 0;
  sbp_json_unknown_keys(c->r, o, keys);
  if (enum_member(c->r, o, "mode", modes, &mode, &present) != 0) return SBP_E_INVALID_ARG;
  sbp_error err = SBP_ERROR_INIT;
  int rc = present ? sbp_json_status(c->r, set_mode(c->policy, mode, &err), &err) : 0;
  if (rc == 0) rc = path_list(c, o, keys[1], first);
  if (rc == 0) rc = path_list(c, o, keys[2], second);
  return rc;
}

/* The enum arguments of the mode setters, taken as the index of the mode's name. */
static int set_read_mode(sbp_policy *p, int mode, sbp_error *err) {
  return sbp_policy_set_read_mode(p, mode ? SBP_READ_DENY_ALL : SBP_READ_ALLOW_ALL, err);
}

static int set_write_mode(sbp_policy *p, int mode, sbp_error *err) {
  return sbp_policy_set_write_mode(p, mode ? SBP_WRITE_ALLOW_ALL : SBP_WRITE_DENY_ALL, err);
}

static int read_section(pf_ctx *c, json_t *o) {
  static const char *const keys[] = {"mode", "deny", "allow", NULL};
  static const char *const modes[] = {"allow-all", "deny-all", NULL};
  return mode_and_lists(c, o, keys, modes, set_read_mode, SBP_POLICY_READ_DENY,
                        SBP_POLICY_READ_ALLOW);
}

static int write_section(pf_ctx *c, json_t *o) {
  static const char *const keys[] = {"mode", "allow", "deny", NULL};
  static const char *const modes[] = {"deny-all", "allow-all", NULL};
  return mode_and_lists(c, o, keys, modes, set_write_mode, SBP_POLICY_WRITE_ALLOW,
                        SBP_POLICY_WRITE_DENY);
}

static int port_entry(sbp_json_reader *r, void *ud, json_t *v) {
  pf_ctx *c = ud;
  (void)r;
  static const char *const keys[] = {"port", "access", NULL};
  static const char *const accesses[] = {"outbound", "bind", "inbound", NULL};
  long long port = 0;
  int present = 0;
  if (!json_is_object(v))
    return sbp_json_fail(c->r, "expected {\"port\": N, \"access\": [...]}, got %s",
                         sbp_json_kind(v));
  sbp_json_unknown_keys(c->r, v, keys);
  json_t *list, *a;
  if (sbp_json_require(c->r, v, "port") != 0 ||
      sbp_json_get_int(c->r, v, "port", 1, 65535, &port, &present) != 0 ||
      sbp_json_get_array(c->r, v, "access", &list) != 0)
    return SBP_E_INVALID_ARG;
  uint32_t access = SBP_PORT_OUTBOUND;
  if (list != NULL) {
    size_t saved = sbp_json_enter_key(c->r, "access"), i;
    access = 0;
    json_array_foreach(list, i, a) {
      size_t at = sbp_json_enter_index(c->r, i);
      int which = 0, rc = one_of(c->r, a, accesses, &which);
      sbp_json_leave(c->r, at);
      if (rc != 0) return rc;
      access |= 1u << which;
    }
    if (access == 0) {
      int rc = sbp_json_fail(c->r, "empty: name at least one of outbound, bind, inbound");
      sbp_json_leave(c->r, saved);
      return rc;
    }
    sbp_json_leave(c->r, saved);
  }
  sbp_error err = SBP_ERROR_INIT;
  return sbp_json_status(c->r, sbp_policy_add_localhost_port(c->policy, (int)port, access, &err),
                         &err);
}

static int network_section(pf_ctx *c, json_t *o) {
  static const char *const keys[] = {"mode", "ports", "localBinding", "unixSockets",
                                     "allUnixSockets", NULL};
  static const char *const modes[] = {"none", "all", NULL};
  int mode = 0, present = 0;
  sbp_json_unknown_keys(c->r, o, keys);
  if (enum_member(c->r, o, "mode", modes, &mode, &present) != 0) return SBP_E_INVALID_ARG;
  sbp_error err = SBP_ERROR_INIT;
  int rc = present ? sbp_json_status(c->r,
                                     sbp_policy_set_network(
                                         c->policy, mode ? SBP_NETWORK_ALL : SBP_NETWORK_NONE,
                                         &err),
                                     &err)
                   : 0;
  if (rc == 0) rc = sbp_json_each(c->r, o, "ports", port_entry, c);
  if (rc == 0) rc = option(c, o, "localBinding", SBP_POLICY_LOCAL_BINDING);
  if (rc == 0) rc = option(c, o, "allUnixSockets", SBP_POLICY_ALL_UNIX_SOCKETS);
  if (rc == 0) rc = path_list(c, o, "unixSockets", SBP_POLICY_UNIX_SOCKET);
  return rc;
}

static int process_section(pf_ctx *c, json_t *o) {
  static const char *const keys[] = {"fork", "signal", "info", NULL};
  sbp_json_unknown_keys(c->r, o, keys);
  int rc = option(c, o, "fork", SBP_POLICY_FORK);
  if (rc == 0) rc = option(c, o, "signal", SBP_POLICY_SIGNAL);
  if (rc == 0) rc = option(c, o, "info", SBP_POLICY_PROCESS_INFO);
  return rc;
}

static int options_section(pf_ctx *c, json_t *o) {
  static const char *const keys[] = {"comments", "moveProtection", "bothSpellings",
                                     "foldLiterals", "directoryMetadata", NULL};
  sbp_json_unknown_keys(c->r, o, keys);
  int rc = option(c, o, "comments", SBP_POLICY_COMMENTS);
  if (rc == 0) rc = option(c, o, "moveProtection", SBP_POLICY_MOVE_PROTECTION);
  if (rc == 0) rc = option(c, o, "bothSpellings", SBP_POLICY_BOTH_SPELLINGS);
  if (rc == 0) rc = option(c, o, "foldLiterals", SBP_POLICY_FOLD_LITERALS);
  if (rc == 0) rc = option(c, o, "directoryMetadata", SBP_POLICY_DIRECTORY_METADATA);
  return rc;
}

static int protections_section(pf_ctx *c, json_t *o) {
  const char *name;
  json_t *v;
  json_object_foreach(o, name, v) {
    size_t saved = sbp_json_enter_key(c->r, name);
    int rc;
    if (!json_is_boolean(v)) {
      rc = sbp_json_fail(c->r, "expected true or false, got %s", sbp_json_kind(v));
    } else {
      sbp_error err = SBP_ERROR_INIT;
      rc = sbp_json_status(c->r,
                           sbp_policy_set_protection(c->policy, name, strlen(name),
                                                     json_is_true(v), &err),
                           &err);
    }
    sbp_json_leave(c->r, saved);
    if (rc != 0) return rc;
  }
  return 0;
}

/* A policy call that takes one name; the target of sbp_json_each_string() below. */
typedef struct name_call {
  sbp_policy *policy;
  int (*fn)(sbp_policy *, const char *, size_t, sbp_error *);
} name_call;

static int call_with_name(sbp_json_reader *r, void *ud, const char *text, size_t len) {
  const name_call *call = ud;
  sbp_error err = SBP_ERROR_INIT;
  return sbp_json_status(r, call->fn(call->policy, text, len, &err), &err);
}

/* Calls fn with every string of the array obj.key. */
static int each_name(pf_ctx *c, json_t *obj, const char *key,
                     int (*fn)(sbp_policy *, const char *, size_t, sbp_error *)) {
  name_call call = {c->policy, fn};
  return sbp_json_each_string(c->r, obj, key, call_with_name, &call);
}

static int base_entries_section(pf_ctx *c, json_t *o) {
  static const char *const keys[] = {"add", "remove", NULL};
  sbp_json_unknown_keys(c->r, o, keys);
  int rc = each_name(c, o, "add", sbp_policy_add_base_entry);
  if (rc == 0) rc = each_name(c, o, "remove", sbp_policy_remove_base_entry);
  return rc;
}

/* "home" or "cwd", unless the command line gave it. */
static int place(pf_ctx *c, json_t *root, const char *key, int keep,
                 int (*set)(sbp_policy *, const char *, size_t, sbp_error *)) {
  const char *text = NULL;
  size_t len = 0;
  if (sbp_json_get_string(c->r, root, key, &text, &len) != 0) return SBP_E_INVALID_ARG;
  if (text == NULL || keep) return 0;
  sbp_error err = SBP_ERROR_INIT;
  size_t saved = sbp_json_enter_key(c->r, key);
  int rc = sbp_json_status(c->r, set(c->policy, text, len, &err), &err);
  sbp_json_leave(c->r, saved);
  return rc;
}

int sbp_policy_file_apply(sbp_json_reader *r, json_t *root, sbp_policy *policy, int keep_home,
                          int keep_cwd) {
  static const char *const keys[] = {
      "$schema", "version", "home", "cwd", "read", "write", "exec", "network", "mach", "pty",
      "appleEvents", "process", "protections", "base", "baseEntries", "options", NULL};
  pf_ctx c = {r, policy, SBP_POLICY_READ_DENY};
  long long version = 0;
  int present = 0, rc = 0;
  const char *schema;
  size_t schema_len;
  if (!json_is_object(root)) {
    rc = sbp_json_fail(r, "expected an object, got %s", sbp_json_kind(root));
  } else {
    sbp_json_unknown_keys(r, root, keys);
    if (sbp_json_require(r, root, "version") != 0 ||
        sbp_json_get_int(r, root, "version", 1, 1, &version, &present) != 0 ||
        sbp_json_get_string(r, root, "$schema", &schema, &schema_len) != 0)
      rc = SBP_E_INVALID_ARG;
  }
  if (rc == 0) rc = place(&c, root, "home", keep_home, sbp_policy_set_home);
  if (rc == 0) rc = place(&c, root, "cwd", keep_cwd, sbp_policy_set_cwd);
  if (rc == 0) rc = section(&c, root, "read", read_section);
  if (rc == 0) rc = section(&c, root, "write", write_section);
  if (rc == 0) rc = path_list(&c, root, "exec", SBP_POLICY_EXEC_ALLOW);
  if (rc == 0) rc = section(&c, root, "network", network_section);
  if (rc == 0) rc = each_name(&c, root, "mach", sbp_policy_add_mach_service);
  if (rc == 0) rc = option(&c, root, "pty", SBP_POLICY_PTY);
  if (rc == 0) rc = option(&c, root, "appleEvents", SBP_POLICY_APPLE_EVENTS);
  if (rc == 0) rc = section(&c, root, "process", process_section);
  if (rc == 0) rc = section(&c, root, "protections", protections_section);
  if (rc == 0) rc = each_name(&c, root, "base", sbp_policy_add_base_set);
  if (rc == 0) rc = section(&c, root, "baseEntries", base_entries_section);
  if (rc == 0) rc = section(&c, root, "options", options_section);
  return rc;
}

int sbp_policy_file_read(sbp_json_reader *r, const char *text, size_t len, sbp_policy *policy,
                         int keep_home, int keep_cwd) {
  json_t *root = sbp_json_parse(r, text, len);
  if (root == NULL) return r->nomem ? SBP_E_NOMEM : SBP_E_INVALID_ARG;
  int rc = sbp_policy_file_apply(r, root, policy, keep_home, keep_cwd);
  json_decref(root);
  return rc;
}
