/* The builder: a generic form for any rule, and typed conveniences for everyday rules. Typed
 * calls validate everything, build their rule detached and link it last, so that a failure
 * (SBP_E_NOMEM included) leaves the profile as it was. */
#include <string.h>

#include "catalog.h"
#include "error.h"
#include "node.h"
#include "path.h"
#include "sbprofile/build.h"
#include "sbprofile/catalog.h"

/* ---- argument checks ----------------------------------------------------------------- */

static int set_out(sbp_node **out) {
  if (out != NULL) *out = NULL;
  return SBP_OK;
}

static int check_action(sbp_action action, sbp_error *err) {
  if (action != SBP_ALLOW && action != SBP_DENY)
    return sbp__error(err, SBP_E_INVALID_ARG, "action: must be SBP_ALLOW or SBP_DENY");
  return SBP_OK;
}

static int check_profile_action(sbp_profile *p, sbp_action action, sbp_node **out,
                                sbp_error *err) {
  set_out(out);
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile is NULL");
  return check_action(action, err);
}

/* Non-empty text without NUL bytes. */
static int check_name(const char *what, const char *s, size_t len, sbp_error *err) {
  if (s == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "%s is NULL", what);
  if (len == 0) return sbp__error(err, SBP_E_INVALID_ARG, "%s: empty", what);
  if (memchr(s, '\0', len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "%s: contains a NUL byte", what);
  return SBP_OK;
}

/* The argument of a filter chosen by match: a path (paths set) or a name. */
static int check_match_arg(const char *what, sbp_match match, int paths, const char *s,
                           size_t len, sbp_error *err) {
  switch (match) {
    case SBP_MATCH_ANY:
      if (s != NULL)
        return sbp__error(err, SBP_E_INVALID_ARG, "%s: must be NULL when match is SBP_MATCH_ANY",
                          what);
      return SBP_OK;
    case SBP_MATCH_LITERAL:
      return paths ? sbp__path_check(what, s, len, 0, err) : check_name(what, s, len, err);
    case SBP_MATCH_SUBPATH:
      if (!paths)
        return sbp__error(err, SBP_E_INVALID_ARG, "match: SBP_MATCH_SUBPATH applies to paths only");
      return sbp__path_check(what, s, len, 0, err);
    case SBP_MATCH_PREFIX:
      return paths ? sbp__path_check(what, s, len, 1, err) : check_name(what, s, len, err);
    case SBP_MATCH_REGEX:
      return check_name(what, s, len, err);
    default:
      return sbp__error(err, SBP_E_INVALID_ARG, "match: %d is not an sbp_match", (int)match);
  }
}

/* ---- detached construction ----------------------------------------------------------- */

/* Builds a detached subtree; after the first allocation failure every step does nothing. */
typedef struct bld {
  sbp_profile *p;
  int nomem;
} bld;

static sbp_node *b_node(bld *b, sbp_node *parent, sbp_node_type type, uint8_t kind,
                        const char *text, size_t len) {
  if (b->nomem) return NULL;
  sbp_node *n = sbp__node_alloc(b->p, type, kind);
  if (n == NULL || (text != NULL && sbp__node_set_text(n, text, len) != SBP_OK)) {
    b->nomem = 1;
    return NULL;
  }
  if (parent != NULL) sbp__node_link_last(parent, n);
  return n;
}

static sbp_node *b_rule(bld *b, sbp_action action) {
  return b_node(b, NULL, SBP_NODE_RULE, (uint8_t)action, NULL, 0);
}

/* A node named by one of the builder's own names (string literals and static tables): the
 * node points at the name rather than copying it into the profile, as the evaluator does
 * with the catalog's names. */
static sbp_node *b_named(bld *b, sbp_node *parent, sbp_node_type type, const char *name) {
  sbp_node *n = b_node(b, parent, type, 0, NULL, 0);
  if (n != NULL) sbp__node_set_static_text(n, name, strlen(name));
  return n;
}

static sbp_node *b_value(bld *b, sbp_node *parent, sbp_value_kind kind, const char *text,
                         size_t len) {
  return b_node(b, parent, SBP_NODE_VALUE, (uint8_t)kind, text, len);
}

static sbp_node *b_integer(bld *b, sbp_node *parent, int64_t number) {
  sbp_node *n = b_node(b, parent, SBP_NODE_VALUE, SBP_VALUE_INTEGER, NULL, 0);
  if (n != NULL) n->num = number;
  return n;
}

/* Links the finished rule as the profile's last item. */
static int b_commit(bld *b, sbp_node *rule, sbp_node **out, sbp_error *err) {
  if (b->nomem || rule == NULL) return sbp__nomem(err);
  sbp__node_link_last(&b->p->root, rule);
  if (out != NULL) *out = rule;
  return SBP_OK;
}

/* A filter named by match from its base (exact), -prefix and -regex spellings, with one
 * string or regex value. match must not be SBP_MATCH_ANY. */
static void b_match_filter(bld *b, sbp_node *parent, const char *const names[3], sbp_match match,
                           const char *s, size_t len) {
  const char *name = match == SBP_MATCH_PREFIX ? names[1]
                     : match == SBP_MATCH_REGEX ? names[2]
                                                : names[0];
  sbp_node *f = b_named(b, parent, SBP_NODE_FILTER, name);
  b_value(b, f, match == SBP_MATCH_REGEX ? SBP_VALUE_REGEX : SBP_VALUE_STRING, s, len);
}

static const char *path_filter_name(sbp_match match) {
  switch (match) {
    case SBP_MATCH_LITERAL: return "literal";
    case SBP_MATCH_SUBPATH: return "subpath";
    case SBP_MATCH_PREFIX: return "prefix";
    default: return "regex";
  }
}

/* ---- generic form -------------------------------------------------------------------- */

int sbp_profile_add_rule(sbp_profile *p, sbp_action action, const char *op, size_t op_len,
                         sbp_node **out_rule, sbp_error *err) {
  int rc = check_profile_action(p, action, out_rule, err);
  if (rc != SBP_OK) return rc;
  sbp_node *opn;
  if ((rc = sbp_node_new_named(p, SBP_NODE_OPERATION, op, op_len, &opn, err)) != SBP_OK)
    return rc;
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  if (rule != NULL) sbp__node_link_last(rule, opn);
  return b_commit(&b, rule, out_rule, err);
}

static int check_parent(const sbp_node *parent, const char *what, sbp_error *err) {
  if (parent == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "%s is NULL", what);
  return SBP_OK;
}

/* Makes the node with make's result and appends it to parent. */
static int attach(sbp_node *parent, int rc, sbp_node *n, sbp_node **out, sbp_error *err) {
  if (rc != SBP_OK) return rc;
  if ((rc = sbp_node_append_child(parent, n, err)) != SBP_OK) return rc;
  if (out != NULL) *out = n;
  return SBP_OK;
}

static int check_rule(const sbp_node *rule, sbp_error *err) {
  if (rule == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "rule is NULL");
  if (rule->type != SBP_NODE_RULE)
    return sbp__error(err, SBP_E_INVALID_ARG, "rule: not a rule node (a %s)",
                      sbp_node_type_name((sbp_node_type)rule->type));
  return SBP_OK;
}

int sbp_rule_add_operation(sbp_node *rule, const char *op, size_t op_len, sbp_node **out,
                           sbp_error *err) {
  set_out(out);
  int rc = check_rule(rule, err);
  if (rc != SBP_OK) return rc;
  sbp_node *n = NULL;
  rc = sbp_node_new_named(rule->owner, SBP_NODE_OPERATION, op, op_len, &n, err);
  return attach(rule, rc, n, out, err);
}

int sbp_node_add_filter(sbp_node *parent, const char *name, size_t len, sbp_node **out,
                        sbp_error *err) {
  set_out(out);
  int rc = check_parent(parent, "parent", err);
  if (rc != SBP_OK) return rc;
  sbp_node *n = NULL;
  rc = sbp_node_new_named(parent->owner, SBP_NODE_FILTER, name, len, &n, err);
  return attach(parent, rc, n, out, err);
}

int sbp_node_add_require(sbp_node *parent, sbp_node_type type, sbp_node **out, sbp_error *err) {
  set_out(out);
  int rc = check_parent(parent, "parent", err);
  if (rc != SBP_OK) return rc;
  if (type != SBP_NODE_REQUIRE_ALL && type != SBP_NODE_REQUIRE_ANY &&
      type != SBP_NODE_REQUIRE_NOT)
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "type: must be SBP_NODE_REQUIRE_ALL, _ANY or _NOT, not %s",
                      sbp_node_type_name(type));
  sbp_node *n = NULL;
  rc = sbp_node_new(parent->owner, type, &n, err);
  return attach(parent, rc, n, out, err);
}

int sbp_rule_add_modifier(sbp_node *rule, const char *name, size_t len, sbp_node **out,
                          sbp_error *err) {
  set_out(out);
  int rc = check_rule(rule, err);
  if (rc != SBP_OK) return rc;
  sbp_node *n = NULL;
  rc = sbp_node_new_named(rule->owner, SBP_NODE_MODIFIER, name, len, &n, err);
  return attach(rule, rc, n, out, err);
}

/* ---- values against the catalog's argument kinds -------------------------------------- */

/* The filter as some catalog version knows it (newest first), or NULL. */
static const sbp__filter_info *known_filter(const sbp_node *f) {
  for (size_t k = sbp_catalog_version_count(); k-- > 0;) {
    const sbp__filter_info *fi = sbp__catalog_filter(sbp_catalog_version_at(k), f->text, f->text_len);
    if (fi != NULL) return fi;
  }
  return NULL;
}

static int known_constant(const char *name, size_t len) {
  for (size_t k = sbp_catalog_version_count(); k-- > 0;)
    if (sbp_catalog_symbol_kinds(sbp_catalog_version_at(k), name, len) & SBP_CATALOG_SYMBOL_CONSTANT)
      return 1;
  return 0;
}

static const char *kind_word(sbp_value_kind kind) {
  switch (kind) {
    case SBP_VALUE_STRING: return "a string";
    case SBP_VALUE_REGEX: return "a regex";
    case SBP_VALUE_INTEGER: return "an integer";
    case SBP_VALUE_BOOLEAN: return "a boolean";
    case SBP_VALUE_CONSTANT: return "a constant";
    case SBP_VALUE_PARAM: return "a parameter";
    case SBP_VALUE_CONCAT: return "a concatenation";
    case SBP_VALUE_NETADDR: return "a network address";
    default: return "a value";
  }
}

/* The kind without its article ("integer"), for "takes no ...". */
static const char *kind_noun(sbp_value_kind kind) {
  const char *w = kind_word(kind);
  return strchr(w, ' ') + 1;
}

/* Would the evaluator accept a value of this kind here, so that the serialized profile
 * evaluates to the same tree? The same kinds its filters and `with` take (a regex filter's
 * strings are regexes, any other's are strings); constants must be named constants. Filters
 * and modifiers the catalog does not know are left alone (names are not checked). */
static int is_unix_word(sbp_value_kind kind, const char *text, size_t len) {
  return kind == SBP_VALUE_CONSTANT && text != NULL &&
         ((len == 4 && memcmp(text, "unix", 4) == 0) ||
          (len == 11 && memcmp(text, "unix-socket", 11) == 0));
}

/* (local|remote unix-socket [PATH-FILTER]): the evaluator takes unix-socket, or its legacy
 * spelling unix, in place of the protocol of a network filter, as its first value and with
 * nothing after it but one path filter. It binds no table constant, so it is accepted there
 * and nowhere else. */
static int check_unix_socket_value(const sbp_node *parent, sbp_value_kind kind,
                                   const char *text, size_t len, int *handled,
                                   sbp_error *err) {
  *handled = 0;
  if (parent->type != SBP_NODE_FILTER) return SBP_OK;
  const sbp__filter_info *fi = known_filter(parent);
  if (fi == NULL || fi->arg != SBP__ARG_NETWORK) return SBP_OK;
  const sbp_node *first = parent->first;
  if (first != NULL && first->type == SBP_NODE_VALUE &&
      is_unix_word(first->kind, first->text, first->text_len))
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "value: the filter %s with %.*s takes nothing after it but a path filter",
                      fi->spelling, (int)first->text_len, first->text);
  if (!is_unix_word(kind, text, len)) return SBP_OK;
  if (first != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "value: %.*s must be the first value of the filter %s", (int)len, text,
                      fi->spelling);
  *handled = 1;
  return SBP_OK;
}

static int check_value_fits(const sbp_node *parent, sbp_value_kind kind, const char *text,
                            size_t len, sbp_error *err) {
  int handled = 0;
  int rc = check_unix_socket_value(parent, kind, text, len, &handled, err);
  if (rc != SBP_OK || handled) return rc;
  if (kind == SBP_VALUE_CONSTANT && !known_constant(text, len))
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "value: \"%.*s\" is not a named constant SBPL binds",
                      (int)(len > 60 ? 60 : len), text ? text : "");
  int ok = 1;
  if (parent->type == SBP_NODE_FILTER) {
    const sbp__filter_info *fi = known_filter(parent);
    if (fi == NULL) return SBP_OK;
    int regex = fi->match == SBP__MATCH_REGEX;
    int text_kind = kind == (regex ? SBP_VALUE_REGEX : SBP_VALUE_STRING);
    int symbolic = kind == SBP_VALUE_PARAM || kind == SBP_VALUE_CONCAT;
    switch (fi->arg) {
      case SBP__ARG_PATH:
      case SBP__ARG_NAME: ok = text_kind || symbolic; break;
      case SBP__ARG_INTEGER:
      case SBP__ARG_BITFIELD:
        ok = kind == SBP_VALUE_INTEGER || kind == SBP_VALUE_CONSTANT || text_kind || symbolic;
        break;
      case SBP__ARG_BOOLEAN:
        ok = kind == SBP_VALUE_BOOLEAN || kind == SBP_VALUE_INTEGER || text_kind ||
             kind == SBP_VALUE_CONSTANT;
        break;
      case SBP__ARG_NETWORK: ok = kind == SBP_VALUE_NETADDR; break;
      default:
        ok = text_kind || symbolic || kind == SBP_VALUE_INTEGER || kind == SBP_VALUE_BOOLEAN ||
             kind == SBP_VALUE_CONSTANT;
        break;
    }
    if (!ok)
      return sbp__error(err, SBP_E_INVALID_ARG, "value: %s filter %s takes no %s",
                        regex ? "regex" : "the", fi->spelling, kind_noun(kind));
  } else if (parent->type == SBP_NODE_VALUE && parent->kind == SBP_VALUE_CONCAT) {
    /* The parts of a concatenation are what its filter's strings are: regexes in a regex
     * filter, strings elsewhere (and parameters). */
    const sbp_node *holder = parent->parent;
    if (holder == NULL) return SBP_OK; /* detached: not known yet */
    int regex = 0;
    if (holder->type == SBP_NODE_FILTER) {
      const sbp__filter_info *fi = known_filter(holder);
      if (fi == NULL) return SBP_OK;
      regex = fi->match == SBP__MATCH_REGEX;
    }
    /* (other kinds: the placement check refuses them) */
    if ((kind == SBP_VALUE_STRING && regex) || (kind == SBP_VALUE_REGEX && !regex))
      return sbp__error(err, SBP_E_INVALID_ARG, "value: a concatenation%s takes no %s",
                        regex ? " in a regex filter" : "", kind_noun(kind));
    /* string-append drops empty texts and joins adjacent ones: such parts would not read
     * back as written */
    if (kind == SBP_VALUE_STRING || kind == SBP_VALUE_REGEX) {
      if (len == 0)
        return sbp__error(err, SBP_E_INVALID_ARG, "value: an empty part of a concatenation");
      const sbp_node *last = sbp__node_last(parent);
      if (last != NULL && (last->kind == SBP_VALUE_STRING || last->kind == SBP_VALUE_REGEX))
        return sbp__error(err, SBP_E_INVALID_ARG,
                          "value: two texts in a row in a concatenation (join them)");
    }
  } else if (parent->type == SBP_NODE_MODIFIER) {
    if (parent->first != NULL)
      return sbp__error(err, SBP_E_INVALID_ARG, "value: modifier %.*s takes one argument",
                        (int)(parent->text_len > 60 ? 60 : parent->text_len), parent->text);
    ok = kind == SBP_VALUE_STRING || kind == SBP_VALUE_INTEGER || kind == SBP_VALUE_CONSTANT ||
         kind == SBP_VALUE_PARAM || kind == SBP_VALUE_CONCAT;
    if (!ok)
      return sbp__error(err, SBP_E_INVALID_ARG, "value: a modifier takes no %s",
                        kind_noun(kind));
  }
  return SBP_OK;
}

static int add_value(sbp_node *parent, sbp_value_kind kind, const char *text, size_t len,
                     sbp_node **out, sbp_error *err) {
  set_out(out);
  int rc = check_parent(parent, "parent", err);
  if (rc != SBP_OK) return rc;
  sbp_node *n = NULL;
  rc = sbp_value_new(parent->owner, kind, text, len, &n, err);
  if (rc == SBP_OK) rc = check_value_fits(parent, kind, text, len, err);
  return attach(parent, rc, n, out, err);
}

int sbp_node_add_string(sbp_node *parent, const char *text, size_t len, sbp_node **out,
                        sbp_error *err) {
  return add_value(parent, SBP_VALUE_STRING, text, len, out, err);
}

int sbp_node_add_regex(sbp_node *parent, const char *re, size_t len, sbp_node **out,
                       sbp_error *err) {
  return add_value(parent, SBP_VALUE_REGEX, re, len, out, err);
}

int sbp_node_add_constant(sbp_node *parent, const char *name, size_t len, sbp_node **out,
                          sbp_error *err) {
  return add_value(parent, SBP_VALUE_CONSTANT, name, len, out, err);
}

int sbp_node_add_param(sbp_node *parent, const char *name, size_t len, sbp_node **out,
                       sbp_error *err) {
  return add_value(parent, SBP_VALUE_PARAM, name, len, out, err);
}

int sbp_node_add_concat(sbp_node *parent, sbp_node **out, sbp_error *err) {
  return add_value(parent, SBP_VALUE_CONCAT, NULL, 0, out, err);
}

int sbp_node_add_integer(sbp_node *parent, int64_t number, sbp_node **out, sbp_error *err) {
  set_out(out);
  int rc = check_parent(parent, "parent", err);
  if (rc != SBP_OK) return rc;
  sbp_node *n = NULL;
  rc = sbp_value_new_integer(parent->owner, number, &n, err);
  if (rc == SBP_OK) rc = check_value_fits(parent, SBP_VALUE_INTEGER, NULL, 0, err);
  return attach(parent, rc, n, out, err);
}

int sbp_node_add_boolean(sbp_node *parent, int truth, sbp_node **out, sbp_error *err) {
  set_out(out);
  int rc = check_parent(parent, "parent", err);
  if (rc != SBP_OK) return rc;
  sbp_node *n = NULL;
  rc = sbp_value_new_boolean(parent->owner, truth, &n, err);
  if (rc == SBP_OK) rc = check_value_fits(parent, SBP_VALUE_BOOLEAN, NULL, 0, err);
  return attach(parent, rc, n, out, err);
}

/* Checks beyond sbp_value_new_netaddr's: NUL bytes, and a port without a host. */
static int check_netaddr(const char *proto, size_t proto_len, const char *host,
                         size_t host_len, int port, sbp_error *err) {
  if (proto == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "protocol is NULL");
  if (memchr(proto, '\0', proto_len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "protocol: contains a NUL byte");
  if (host == NULL) {
    if (port != SBP_PORT_ANY)
      return sbp__error(err, SBP_E_INVALID_ARG,
                        "port: %d given without a host (use \"*\" for any host)", port);
    return SBP_OK;
  }
  if (memchr(host, '\0', host_len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "host: contains a NUL byte");
  return SBP_OK;
}

/* (local udp "*:500" "*:4500"): a network filter may hold several addresses, the
 * alternatives of one protocol, as the evaluator reads them; a second protocol, or a
 * protocol alone beside addresses, does not read back. */
static int check_more_addresses(const sbp_node *filter, const sbp_node *v, sbp_error *err) {
  const sbp_node *first = filter->first;
  if (first == NULL || filter->type != SBP_NODE_FILTER) return SBP_OK;
  if (first->type != SBP_NODE_VALUE || first->kind != SBP_VALUE_NETADDR)
    return SBP_OK; /* check_value_fits has said what the filter takes */
  if (first->text_len != v->text_len || memcmp(first->text, v->text, v->text_len) != 0 ||
      first->host == SBP__HOST_NONE || v->host == SBP__HOST_NONE)
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "value: the filter %s takes several addresses only of one protocol, each "
                      "with its host and port", filter->text);
  return SBP_OK;
}

int sbp_node_add_netaddr(sbp_node *parent, const char *proto, size_t proto_len,
                         const char *host, size_t host_len, int port, sbp_node **out,
                         sbp_error *err) {
  set_out(out);
  int rc = check_parent(parent, "parent", err);
  if (rc != SBP_OK) return rc;
  if ((rc = check_netaddr(proto, proto_len, host, host_len, port, err)) != SBP_OK) return rc;
  sbp_node *n = NULL;
  rc = sbp_value_new_netaddr(parent->owner, proto, proto_len, host, host_len, port, &n, err);
  if (rc == SBP_OK) rc = check_value_fits(parent, SBP_VALUE_NETADDR, NULL, 0, err);
  if (rc == SBP_OK) rc = check_more_addresses(parent, n, err);
  return attach(parent, rc, n, out, err);
}

int sbp_profile_add_import(sbp_profile *p, const char *path, size_t len, sbp_node **out,
                           sbp_error *err) {
  set_out(out);
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile is NULL");
  sbp_node *n = NULL;
  int rc = sbp_node_new_named(p, SBP_NODE_IMPORT, path, len, &n, err);
  return attach(&p->root, rc, n, out, err);
}

int sbp_profile_add_comment(sbp_profile *p, const char *text, size_t len, sbp_node **out,
                            sbp_error *err) {
  set_out(out);
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile is NULL");
  sbp_node *n = NULL;
  int rc = sbp_node_new_named(p, SBP_NODE_COMMENT, text, len, &n, err);
  return attach(&p->root, rc, n, out, err);
}

/* ---- typed conveniences -------------------------------------------------------------- */

/* One operation, optionally one filter chosen by match from three spellings. */
static int add_simple(sbp_profile *p, sbp_action action, const char *op,
                      const char *const names[3], sbp_match match, const char *s, size_t len,
                      sbp_node **out, sbp_error *err) {
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  b_named(&b, rule, SBP_NODE_OPERATION, op);
  if (match != SBP_MATCH_ANY) b_match_filter(&b, rule, names, match, s, len);
  return b_commit(&b, rule, out, err);
}

int sbp_add_default(sbp_profile *p, sbp_action action, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  return add_simple(p, action, "default", NULL, SBP_MATCH_ANY, NULL, 0, out, err);
}

static const struct {
  uint32_t flag;
  const char *op;
} file_ops[] = {
    {SBP_FILE_READ, "file-read*"},
    {SBP_FILE_WRITE, "file-write*"},
    {SBP_FILE_READ_DATA, "file-read-data"},
    {SBP_FILE_READ_METADATA, "file-read-metadata"},
    {SBP_FILE_READ_XATTR, "file-read-xattr"},
    {SBP_FILE_WRITE_DATA, "file-write-data"},
    {SBP_FILE_WRITE_CREATE, "file-write-create"},
    {SBP_FILE_WRITE_UNLINK, "file-write-unlink"},
    {SBP_FILE_WRITE_XATTR, "file-write-xattr"},
    {SBP_FILE_IOCTL, "file-ioctl"},
    {SBP_FILE_MAP_EXECUTABLE, "file-map-executable"},
    {SBP_FILE_TEST_EXISTENCE, "file-test-existence"},
    {SBP_FILE_ALL, "file*"},
};
#define FILE_KNOWN ((uint32_t)SBP_FILE_ALL * 2u - 1u)

static int check_file_access(uint32_t access, sbp_error *err) {
  if (access == 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "access: no operation (the flag set is empty)");
  if ((access & ~FILE_KNOWN) != 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "access: unknown flags 0x%x",
                      (unsigned)(access & ~FILE_KNOWN));
  return SBP_OK;
}

static sbp_node *b_file_rule(bld *b, sbp_action action, uint32_t access) {
  sbp_node *rule = b_rule(b, action);
  for (size_t i = 0; i < sizeof(file_ops) / sizeof(file_ops[0]); i++)
    if (access & file_ops[i].flag) b_named(b, rule, SBP_NODE_OPERATION, file_ops[i].op);
  return rule;
}

int sbp_add_file(sbp_profile *p, sbp_action action, uint32_t access, sbp_match match,
                 const char *path, size_t len, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if ((rc = check_file_access(access, err)) != SBP_OK) return rc;
  if ((rc = check_match_arg("path", match, 1, path, len, err)) != SBP_OK) return rc;
  bld b = {p, 0};
  sbp_node *rule = b_file_rule(&b, action, access);
  if (match != SBP_MATCH_ANY) {
    sbp_node *f = b_named(&b, rule, SBP_NODE_FILTER, path_filter_name(match));
    b_value(&b, f, match == SBP_MATCH_REGEX ? SBP_VALUE_REGEX : SBP_VALUE_STRING, path, len);
  }
  return b_commit(&b, rule, out, err);
}

int sbp_add_file_value(sbp_profile *p, sbp_action action, uint32_t access, sbp_match match,
                       sbp_node *value, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if ((rc = check_file_access(access, err)) != SBP_OK) return rc;
  if (match < SBP_MATCH_LITERAL || match > SBP_MATCH_REGEX)
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "match: %d is not SBP_MATCH_LITERAL, _SUBPATH, _PREFIX or _REGEX",
                      (int)match);
  if (value == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "value is NULL");
  if (value->type != SBP_NODE_VALUE)
    return sbp__error(err, SBP_E_INVALID_ARG, "value: not a value node (a %s)",
                      sbp_node_type_name((sbp_node_type)value->type));
  if (value->owner != p)
    return sbp__error(err, SBP_E_INVALID_ARG, "value: belongs to another profile");
  if (value->parent != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "value: is attached; unlink it first");
  switch (value->kind) {
    case SBP_VALUE_STRING:
      if (match != SBP_MATCH_REGEX) {
        rc = sbp__path_check("path", value->text, value->text_len, match == SBP_MATCH_PREFIX,
                             err);
        if (rc != SBP_OK) return rc;
      }
      break;
    case SBP_VALUE_PARAM:
      break;
    case SBP_VALUE_CONCAT: {
      sbp_error why = SBP_ERROR_INIT;
      if (sbp_node_validate(value, &why) != SBP_OK)
        return sbp__error(err, SBP_E_INVALID_ARG, "value: %s", why.message);
      break;
    }
    case SBP_VALUE_REGEX:
      if (match == SBP_MATCH_REGEX) break;
      return sbp__error(err, SBP_E_INVALID_ARG, "value: a regex needs SBP_MATCH_REGEX");
    default:
      return sbp__error(err, SBP_E_INVALID_ARG,
                        "value: must be a string, regex, parameter or concatenation");
  }
  bld b = {p, 0};
  sbp_node *rule = b_file_rule(&b, action, access);
  sbp_node *f = b_named(&b, rule, SBP_NODE_FILTER, path_filter_name(match));
  if (f == NULL) return sbp__nomem(err);
  sbp__node_link_last(f, value);
  return b_commit(&b, rule, out, err);
}

static const char *net_op_name(sbp_net_op op) {
  switch (op) {
    case SBP_NET_OUTBOUND: return "network-outbound";
    case SBP_NET_INBOUND: return "network-inbound";
    case SBP_NET_BIND: return "network-bind";
    case SBP_NET_ALL: return "network*";
    default: return NULL;
  }
}

int sbp_add_network(sbp_profile *p, sbp_action action, sbp_net_op op, sbp_net_side side,
                    const char *proto, size_t proto_len, const char *host, size_t host_len,
                    int port, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  const char *opname = net_op_name(op);
  if (opname == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "op: %d is not an sbp_net_op", (int)op);
  if (side != SBP_NET_SIDE_ANY && side != SBP_NET_LOCAL && side != SBP_NET_REMOTE)
    return sbp__error(err, SBP_E_INVALID_ARG, "side: %d is not an sbp_net_side", (int)side);
  sbp_node *addr = NULL;
  if (side == SBP_NET_SIDE_ANY) {
    if (proto != NULL)
      return sbp__error(err, SBP_E_INVALID_ARG,
                        "protocol: must be NULL when side is SBP_NET_SIDE_ANY");
    if (host != NULL)
      return sbp__error(err, SBP_E_INVALID_ARG, "host: must be NULL when side is SBP_NET_SIDE_ANY");
  } else {
    if ((rc = check_netaddr(proto, proto_len, host, host_len, port, err)) != SBP_OK) return rc;
    rc = sbp_value_new_netaddr(p, proto, proto_len, host, host_len, port, &addr, err);
    if (rc != SBP_OK) return rc;
  }
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  b_named(&b, rule, SBP_NODE_OPERATION, opname);
  if (addr != NULL) {
    sbp_node *f =
        b_named(&b, rule, SBP_NODE_FILTER, side == SBP_NET_LOCAL ? "local" : "remote");
    if (f != NULL) sbp__node_link_last(f, addr);
  }
  return b_commit(&b, rule, out, err);
}

int sbp_add_unix_socket(sbp_profile *p, sbp_action action, sbp_net_op op, sbp_match match,
                        const char *path, size_t len, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  const char *opname = net_op_name(op);
  if (opname == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "op: %d is not an sbp_net_op", (int)op);
  if (match == SBP_MATCH_ANY)
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "match: a unix socket rule needs a path (SBP_MATCH_ANY would cover "
                      "every network access)");
  if ((rc = check_match_arg("path", match, 1, path, len, err)) != SBP_OK) return rc;
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  b_named(&b, rule, SBP_NODE_OPERATION, opname);
  sbp_node *f = b_named(&b, rule, SBP_NODE_FILTER, path_filter_name(match));
  b_value(&b, f, match == SBP_MATCH_REGEX ? SBP_VALUE_REGEX : SBP_VALUE_STRING, path, len);
  return b_commit(&b, rule, out, err);
}

static const char *const global_name[3] = {"global-name", "global-name-prefix",
                                           "global-name-regex"};
static const char *const sysctl_name[3] = {"sysctl-name", "sysctl-name-prefix",
                                           "sysctl-name-regex"};
static const char *const ipc_name[3] = {"ipc-posix-name", "ipc-posix-name-prefix",
                                        "ipc-posix-name-regex"};
static const char *const pref_domain[3] = {"preference-domain", "preference-domain-prefix",
                                           "preference-domain-regex"};

int sbp_add_mach_lookup(sbp_profile *p, sbp_action action, sbp_match match, const char *name,
                        size_t len, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if ((rc = check_match_arg("name", match, 0, name, len, err)) != SBP_OK) return rc;
  return add_simple(p, action, "mach-lookup", global_name, match, name, len, out, err);
}

int sbp_add_mach_lookup_list(sbp_profile *p, sbp_action action, const char *const *names,
                             const size_t *lens, size_t count, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if (count == 0) return sbp__error(err, SBP_E_INVALID_ARG, "names: empty list");
  if (names == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "names is NULL");
  for (size_t i = 0; i < count; i++) {
    const char *s = names[i];
    if (s == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "names[%zu] is NULL", i);
    size_t n = lens ? lens[i] : strlen(s);
    if (n == 0) return sbp__error(err, SBP_E_INVALID_ARG, "names[%zu]: empty", i);
    if (memchr(s, '\0', n) != NULL)
      return sbp__error(err, SBP_E_INVALID_ARG, "names[%zu]: contains a NUL byte", i);
  }
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  b_named(&b, rule, SBP_NODE_OPERATION, "mach-lookup");
  sbp_node *f = b_named(&b, rule, SBP_NODE_FILTER, "global-name");
  for (size_t i = 0; i < count; i++)
    b_value(&b, f, SBP_VALUE_STRING, names[i], lens ? lens[i] : strlen(names[i]));
  return b_commit(&b, rule, out, err);
}

int sbp_add_process_exec(sbp_profile *p, sbp_action action, sbp_match match, const char *path,
                         size_t len, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if ((rc = check_match_arg("path", match, 1, path, len, err)) != SBP_OK) return rc;
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  b_named(&b, rule, SBP_NODE_OPERATION, "process-exec*");
  if (match != SBP_MATCH_ANY) {
    sbp_node *f = b_named(&b, rule, SBP_NODE_FILTER, path_filter_name(match));
    b_value(&b, f, match == SBP_MATCH_REGEX ? SBP_VALUE_REGEX : SBP_VALUE_STRING, path, len);
  }
  return b_commit(&b, rule, out, err);
}

int sbp_add_process_fork(sbp_profile *p, sbp_action action, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  return add_simple(p, action, "process-fork", NULL, SBP_MATCH_ANY, NULL, 0, out, err);
}

static const char *const target_names[] = {NULL,       "self",         "pgrp",    "others",
                                           "children", "same-sandbox", "initproc"};

static int add_target(sbp_profile *p, sbp_action action, const char *op, sbp_target target,
                      sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if (target < SBP_TARGET_ANY || target > SBP_TARGET_INITPROC)
    return sbp__error(err, SBP_E_INVALID_ARG, "target: %d is not an sbp_target", (int)target);
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  b_named(&b, rule, SBP_NODE_OPERATION, op);
  if (target != SBP_TARGET_ANY) {
    sbp_node *f = b_named(&b, rule, SBP_NODE_FILTER, "target");
    const char *t = target_names[target];
    b_value(&b, f, SBP_VALUE_CONSTANT, t, strlen(t));
  }
  return b_commit(&b, rule, out, err);
}

int sbp_add_signal(sbp_profile *p, sbp_action action, sbp_target target, sbp_node **out,
                   sbp_error *err) {
  return add_target(p, action, "signal", target, out, err);
}

int sbp_add_process_info(sbp_profile *p, sbp_action action, sbp_target target, sbp_node **out,
                         sbp_error *err) {
  return add_target(p, action, "process-info*", target, out, err);
}

int sbp_add_sysctl_read(sbp_profile *p, sbp_action action, sbp_match match, const char *name,
                        size_t len, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if ((rc = check_match_arg("name", match, 0, name, len, err)) != SBP_OK) return rc;
  return add_simple(p, action, "sysctl-read", sysctl_name, match, name, len, out, err);
}

int sbp_add_iokit_open(sbp_profile *p, sbp_action action, const char *class_name, size_t len,
                       sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if (class_name != NULL && (rc = check_name("class", class_name, len, err)) != SBP_OK)
    return rc;
  static const char *const iokit_class[3] = {"iokit-registry-entry-class", NULL, NULL};
  return add_simple(p, action, "iokit-open", iokit_class,
                    class_name ? SBP_MATCH_EXACT : SBP_MATCH_ANY, class_name, len, out, err);
}

int sbp_add_ipc_posix(sbp_profile *p, sbp_action action, sbp_ipc_kind kind, sbp_match match,
                      const char *name, size_t len, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if (kind != SBP_IPC_SHM && kind != SBP_IPC_SEM)
    return sbp__error(err, SBP_E_INVALID_ARG, "kind: %d is not an sbp_ipc_kind", (int)kind);
  if ((rc = check_match_arg("name", match, 0, name, len, err)) != SBP_OK) return rc;
  return add_simple(p, action, kind == SBP_IPC_SHM ? "ipc-posix-shm*" : "ipc-posix-sem*",
                    ipc_name, match, name, len, out, err);
}

int sbp_add_preference(sbp_profile *p, sbp_action action, uint32_t access, sbp_match match,
                       const char *domain, size_t len, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  const uint32_t known = SBP_PREF_READ | SBP_PREF_WRITE;
  if (access == 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "access: no operation (the flag set is empty)");
  if ((access & ~known) != 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "access: unknown flags 0x%x",
                      (unsigned)(access & ~known));
  if ((rc = check_match_arg("domain", match, 0, domain, len, err)) != SBP_OK) return rc;
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  if (access & SBP_PREF_READ) b_named(&b, rule, SBP_NODE_OPERATION, "user-preference-read");
  if (access & SBP_PREF_WRITE) b_named(&b, rule, SBP_NODE_OPERATION, "user-preference-write");
  if (match != SBP_MATCH_ANY) b_match_filter(&b, rule, pref_domain, match, domain, len);
  return b_commit(&b, rule, out, err);
}

/* Names libsandbox knows for socket domains and types (macOS numbering). */
static const struct {
  int value;
  const char *name;
} socket_domains[] = {
    {1, "AF_UNIX"},   {2, "AF_INET"},     {16, "AF_APPLETALK"}, {17, "AF_ROUTE"},
    {18, "AF_LINK"},  {27, "AF_NDRV"},    {30, "AF_INET6"},     {32, "AF_SYSTEM"},
    {34, "AF_PPP"},   {37, "AF_IEEE80211"}, {38, "AF_UTUN"},
};
static const char *const socket_types[] = {NULL, "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
                                           "SOCK_RDM", "SOCK_SEQPACKET"};

static const char *socket_domain_name(int v) {
  for (size_t i = 0; i < sizeof(socket_domains) / sizeof(socket_domains[0]); i++)
    if (socket_domains[i].value == v) return socket_domains[i].name;
  return NULL;
}

static int check_socket_number(const char *what, int v, sbp_error *err) {
  if (v != SBP_SOCKET_ANY && (v < 0 || v > 255))
    return sbp__error(err, SBP_E_INVALID_ARG, "%s: %d is not 0-255 or SBP_SOCKET_ANY", what, v);
  return SBP_OK;
}

/* (NAME CONSTANT) when the value has a name, (NAME INTEGER) otherwise. */
static void b_socket_filter(bld *b, sbp_node *parent, const char *filter, const char *constant,
                            int v) {
  sbp_node *f = b_named(b, parent, SBP_NODE_FILTER, filter);
  if (constant != NULL) b_value(b, f, SBP_VALUE_CONSTANT, constant, strlen(constant));
  else b_integer(b, f, v);
}

int sbp_add_system_socket(sbp_profile *p, sbp_action action, int domain, int type,
                          int protocol, sbp_node **out, sbp_error *err) {
  int rc = check_profile_action(p, action, out, err);
  if (rc != SBP_OK) return rc;
  if ((rc = check_socket_number("domain", domain, err)) != SBP_OK ||
      (rc = check_socket_number("type", type, err)) != SBP_OK ||
      (rc = check_socket_number("protocol", protocol, err)) != SBP_OK)
    return rc;
  int nfilters = (domain != SBP_SOCKET_ANY) + (type != SBP_SOCKET_ANY) +
                 (protocol != SBP_SOCKET_ANY);
  bld b = {p, 0};
  sbp_node *rule = b_rule(&b, action);
  b_named(&b, rule, SBP_NODE_OPERATION, "system-socket");
  sbp_node *parent = rule;
  if (nfilters > 1) parent = b_node(&b, rule, SBP_NODE_REQUIRE_ALL, 0, NULL, 0);
  if (domain != SBP_SOCKET_ANY)
    b_socket_filter(&b, parent, "socket-domain", socket_domain_name(domain), domain);
  if (type != SBP_SOCKET_ANY)
    b_socket_filter(&b, parent, "socket-type",
                    type >= 1 && type <= 5 ? socket_types[type] : NULL, type);
  if (protocol != SBP_SOCKET_ANY) b_socket_filter(&b, parent, "socket-protocol", NULL, protocol);
  return b_commit(&b, rule, out, err);
}
