/* Profiles and their nodes: making, reading and editing the tree. */
#include <string.h>

#include "error.h"
#include "node.h"

/* ---- profiles ------------------------------------------------------------------------ */

int sbp_profile_new(sbp_profile **out, const sbp_alloc *alloc) {
  if (out == NULL) return SBP_E_INVALID_ARG;
  *out = NULL;
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc)) return SBP_E_INVALID_ARG;
  sbp_profile *p = sbp__malloc(alloc, sizeof(*p));
  if (p == NULL) return SBP_E_NOMEM;
  memset(p, 0, sizeof(*p));
  p->alloc = *alloc;
  sbp__arena_init(&p->arena, &p->alloc);
  p->root.owner = p;
  p->root.type = SBP_NODE_PROFILE;
  *out = p;
  return SBP_OK;
}

void sbp_profile_free(sbp_profile *p) {
  if (p == NULL) return;
  sbp_alloc a = p->alloc;
  sbp__arena_release(&p->arena);
  sbp__free(&a, p);
}

sbp_node *sbp_profile_root(const sbp_profile *p) {
  return p ? SBP__UNCONST(sbp_node *, &p->root) : NULL;
}

int sbp_profile_version(const sbp_profile *p) { return p ? p->version : 0; }

int sbp_profile_set_version(sbp_profile *p, int version, sbp_error *err) {
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile is NULL");
  if (version != 0 && version != 1)
    return sbp__error(err, SBP_E_INVALID_ARG, "version: unsupported version %d (SBPL knows 1)",
                      version);
  p->version = version;
  return SBP_OK;
}

uint32_t sbp_profile_options(const sbp_profile *p) { return p ? p->options : 0; }

int sbp_profile_set_options(sbp_profile *p, uint32_t options, sbp_error *err) {
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile is NULL");
  const uint32_t all = SBP_OPTION_DISABLE_CALLOUTS | SBP_OPTION_DISABLE_FULL_SYMBOLICATION;
  if (options & ~all)
    return sbp__error(err, SBP_E_INVALID_ARG, "options: unknown option bits 0x%x",
                      (unsigned)(options & ~all));
  p->options = options;
  return SBP_OK;
}

size_t sbp_profile_rule_count(const sbp_profile *p) { return p ? p->rule_count : 0; }

int sbp__profile_file(sbp_profile *p, const char *file, size_t len, const char **out) {
  if (file == NULL) {
    *out = NULL;
    return SBP_OK;
  }
  if (p->last_file != NULL && p->last_file_len == len && memcmp(p->last_file, file, len) == 0) {
    *out = p->last_file;
    return SBP_OK;
  }
  char *copy = sbp__arena_strndup(&p->arena, file, len);
  if (copy == NULL) return SBP_E_NOMEM;
  p->last_file = copy;
  p->last_file_len = len;
  *out = copy;
  return SBP_OK;
}

/* ---- node basics --------------------------------------------------------------------- */

/* Most of a large profile's memory is its nodes: eleven words on 64-bit hosts. */
_Static_assert(sizeof(void *) != 8 || sizeof(sbp_node) <= 88, "sbp_node grew");

sbp_node *sbp__node_alloc(sbp_profile *p, sbp_node_type type, uint8_t kind) {
  sbp_node *n = sbp__arena_alloc_aligned(&p->arena, sizeof(*n), alignof(sbp_node));
  if (n == NULL) return NULL;
  memset(n, 0, sizeof(*n));
  n->owner = p;
  n->type = (uint8_t)type;
  n->kind = kind;
  return n;
}

int sbp__node_set_text(sbp_node *n, const char *s, size_t len) {
  char *copy = sbp__arena_strndup(&n->owner->arena, s, len);
  if (copy == NULL) return SBP_E_NOMEM;
  n->text = copy;
  n->text_len = len;
  return SBP_OK;
}

void sbp__node_set_static_text(sbp_node *n, const char *s, size_t len) {
  n->text = s;
  n->text_len = len;
}

int sbp__node_set_comment(sbp_node *rule, const char *s, size_t len) {
  char *copy = sbp__arena_strndup(&rule->owner->arena, s, len);
  if (copy == NULL) return SBP_E_NOMEM;
  rule->comment = copy;
  return SBP_OK;
}

const char *sbp__netaddr_host(const sbp_node *v, size_t *len) {
  const char *h = v->host == SBP__HOST_ANY ? "*" : v->host == SBP__HOST_LOCALHOST ? "localhost" : NULL;
  if (len) *len = h ? strlen(h) : 0;
  return h;
}

sbp_node *sbp__node_clone(sbp_profile *p, const sbp_node *src) {
  sbp_node *n = sbp__node_alloc(p, (sbp_node_type)src->type, src->kind);
  if (n == NULL) return NULL;
  n->line = src->line;
  n->column = src->column;
  n->host = src->host;
  if (src->text != NULL && sbp__node_set_text(n, src->text, src->text_len) != SBP_OK)
    return NULL;
  if (src->type == SBP_NODE_RULE) {
    if (src->comment != NULL &&
        sbp__node_set_comment(n, src->comment, strlen(src->comment)) != SBP_OK)
      return NULL;
  } else {
    n->num = src->num;
  }
  if (src->file != NULL) {
    if (src->owner == p) {
      n->file = src->file; /* same arena: share it */
    } else if (sbp__profile_file(p, src->file, strlen(src->file), &n->file) != SBP_OK) {
      return NULL;
    }
  }
  return n;
}

int sbp__is_filter(const sbp_node *n) {
  return n->type == SBP_NODE_FILTER || n->type == SBP_NODE_REQUIRE_ALL ||
         n->type == SBP_NODE_REQUIRE_ANY || n->type == SBP_NODE_REQUIRE_NOT;
}

int sbp__rule_group(const sbp_node *child) {
  if (child->type == SBP_NODE_OPERATION) return 0;
  if (child->type == SBP_NODE_MODIFIER) return 2;
  return 1;
}

/* Bytes that may appear in a bare symbol: printable ASCII except the delimiters and the
 * characters that start other syntax. Built once as a table: names are checked on every node
 * made and every node written. */
static const unsigned char symbol_byte[256] = {
#define SYM_ROW(c) [c] = 1
    SYM_ROW('!'), SYM_ROW('$'), SYM_ROW('%'), SYM_ROW('&'), SYM_ROW('*'), SYM_ROW('+'),
    SYM_ROW('-'), SYM_ROW('.'), SYM_ROW('/'), SYM_ROW(':'), SYM_ROW('<'), SYM_ROW('='),
    SYM_ROW('>'), SYM_ROW('?'), SYM_ROW('@'), SYM_ROW('^'), SYM_ROW('_'), SYM_ROW('~'),
    SYM_ROW('#'), /* allowed inside a symbol, never first (checked below) */
    SYM_ROW('0'), SYM_ROW('1'), SYM_ROW('2'), SYM_ROW('3'), SYM_ROW('4'), SYM_ROW('5'),
    SYM_ROW('6'), SYM_ROW('7'), SYM_ROW('8'), SYM_ROW('9'),
    SYM_ROW('A'), SYM_ROW('B'), SYM_ROW('C'), SYM_ROW('D'), SYM_ROW('E'), SYM_ROW('F'),
    SYM_ROW('G'), SYM_ROW('H'), SYM_ROW('I'), SYM_ROW('J'), SYM_ROW('K'), SYM_ROW('L'),
    SYM_ROW('M'), SYM_ROW('N'), SYM_ROW('O'), SYM_ROW('P'), SYM_ROW('Q'), SYM_ROW('R'),
    SYM_ROW('S'), SYM_ROW('T'), SYM_ROW('U'), SYM_ROW('V'), SYM_ROW('W'), SYM_ROW('X'),
    SYM_ROW('Y'), SYM_ROW('Z'),
    SYM_ROW('a'), SYM_ROW('b'), SYM_ROW('c'), SYM_ROW('d'), SYM_ROW('e'), SYM_ROW('f'),
    SYM_ROW('g'), SYM_ROW('h'), SYM_ROW('i'), SYM_ROW('j'), SYM_ROW('k'), SYM_ROW('l'),
    SYM_ROW('m'), SYM_ROW('n'), SYM_ROW('o'), SYM_ROW('p'), SYM_ROW('q'), SYM_ROW('r'),
    SYM_ROW('s'), SYM_ROW('t'), SYM_ROW('u'), SYM_ROW('v'), SYM_ROW('w'), SYM_ROW('x'),
    SYM_ROW('y'), SYM_ROW('z'),
#undef SYM_ROW
};

int sbp__is_symbol(const char *s, size_t len) {
  if (s == NULL || len == 0 || s[0] == '#') return 0;
  const unsigned char *u = (const unsigned char *)s;
  unsigned char ok = 1;
  for (size_t i = 0; i < len; i++) ok &= symbol_byte[u[i]];
  if (!ok) return 0;
  /* A symbol must not read back as a number: "12", "-5", "+3" are numbers; "." is syntax. */
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i < len && s[i] >= '0' && s[i] <= '9') return 0;
  if (len == 1 && s[0] == '.') return 0;
  return 1;
}

/* A local/remote filter (or from/to, their old names) whose first value is the unix-socket
 * constant (or its legacy spelling unix). */
static int is_unix_socket_filter(const sbp_node *f) {
  if (f == NULL || f->type != SBP_NODE_FILTER || f->text == NULL) return 0;
  if (strcmp(f->text, "local") != 0 && strcmp(f->text, "remote") != 0 &&
      strcmp(f->text, "from") != 0 && strcmp(f->text, "to") != 0)
    return 0;
  const sbp_node *v = f->first;
  return v != NULL && v->type == SBP_NODE_VALUE && v->kind == SBP_VALUE_CONSTANT &&
         v->text != NULL && (strcmp(v->text, "unix-socket") == 0 || strcmp(v->text, "unix") == 0);
}

const sbp_node *sbp__unix_socket_inner(const sbp_node *f) {
  if (!is_unix_socket_filter(f)) return NULL;
  const sbp_node *inner = f->first->next;
  return inner != NULL && inner->type == SBP_NODE_FILTER ? inner : NULL;
}

int sbp__can_contain(const sbp_node *parent, const sbp_node *child) {
  switch (parent->type) {
    case SBP_NODE_PROFILE:
      return child->type == SBP_NODE_RULE || child->type == SBP_NODE_IMPORT ||
             child->type == SBP_NODE_COMMENT;
    case SBP_NODE_RULE:
      return child->type == SBP_NODE_OPERATION || child->type == SBP_NODE_MODIFIER ||
             sbp__is_filter(child);
    case SBP_NODE_REQUIRE_ALL:
    case SBP_NODE_REQUIRE_ANY:
      return sbp__is_filter(child);
    case SBP_NODE_REQUIRE_NOT:
      return sbp__is_filter(child) && parent->nchildren == 0;
    case SBP_NODE_FILTER:
      /* (remote unix-socket (subpath P)): the constant, then one leaf path filter. */
      if (child->type == SBP_NODE_FILTER)
        return is_unix_socket_filter(parent) && parent->nchildren == 1;
      return child->type == SBP_NODE_VALUE &&
             (parent->first == NULL || sbp__node_last(parent)->type != SBP_NODE_FILTER);
    case SBP_NODE_MODIFIER:
      return child->type == SBP_NODE_VALUE;
    case SBP_NODE_VALUE:
      /* regex parts: a concatenation inside a regex filter (the evaluator makes those) */
      return parent->kind == SBP_VALUE_CONCAT && child->type == SBP_NODE_VALUE &&
             (child->kind == SBP_VALUE_STRING || child->kind == SBP_VALUE_PARAM ||
              child->kind == SBP_VALUE_REGEX || child->kind == SBP_VALUE_CONCAT);
    default:
      return 0;
  }
}

static void note_attached(sbp_node *parent, sbp_node *child) {
  parent->nchildren++;
  if (parent->type == SBP_NODE_PROFILE && child->type == SBP_NODE_RULE)
    parent->owner->rule_count++;
}

void sbp__node_link_last(sbp_node *parent, sbp_node *child) {
  child->parent = parent;
  child->next = NULL;
  if (parent->first != NULL) {
    sbp_node *last = parent->first->prev;
    child->prev = last;
    last->next = child;
    parent->first->prev = child;
  } else {
    child->prev = child; /* alone: its own last */
    parent->first = child;
  }
  note_attached(parent, child);
}

void sbp__node_link_before(sbp_node *sibling, sbp_node *node) {
  sbp_node *parent = sibling->parent;
  node->parent = parent;
  node->next = sibling;
  node->prev = sibling->prev; /* the previous sibling, or the last child before a first */
  if (parent->first == sibling) parent->first = node;
  else sibling->prev->next = node;
  sibling->prev = node;
  note_attached(parent, node);
}

/* ---- reading ------------------------------------------------------------------------- */

sbp_node_type sbp_node_type_of(const sbp_node *n) {
  return n ? (sbp_node_type)n->type : SBP_NODE_NONE;
}

const char *sbp_node_type_name(sbp_node_type type) {
  switch (type) {
    case SBP_NODE_PROFILE: return "profile";
    case SBP_NODE_RULE: return "rule";
    case SBP_NODE_IMPORT: return "import";
    case SBP_NODE_COMMENT: return "comment";
    case SBP_NODE_OPERATION: return "operation";
    case SBP_NODE_FILTER: return "filter";
    case SBP_NODE_REQUIRE_ALL: return "require-all";
    case SBP_NODE_REQUIRE_ANY: return "require-any";
    case SBP_NODE_REQUIRE_NOT: return "require-not";
    case SBP_NODE_MODIFIER: return "modifier";
    case SBP_NODE_VALUE: return "value";
    default: return "none";
  }
}

sbp_profile *sbp_node_profile(const sbp_node *n) { return n ? n->owner : NULL; }
sbp_node *sbp_node_parent(const sbp_node *n) { return n ? n->parent : NULL; }
sbp_node *sbp_node_first_child(const sbp_node *n) { return n ? n->first : NULL; }
sbp_node *sbp_node_last_child(const sbp_node *n) { return n ? sbp__node_last(n) : NULL; }
sbp_node *sbp_node_next(const sbp_node *n) { return n ? n->next : NULL; }
sbp_node *sbp_node_previous(const sbp_node *n) { return n ? sbp__node_prev(n) : NULL; }
size_t sbp_node_child_count(const sbp_node *n) { return n ? n->nchildren : 0; }

const char *sbp_node_text(const sbp_node *n, size_t *len) {
  if (len) *len = 0;
  if (n == NULL || n->text == NULL) return NULL;
  if (len) *len = n->text_len;
  return n->text;
}

void sbp_node_position(const sbp_node *n, const char **file, uint32_t *line,
                       uint32_t *column) {
  if (file) *file = n ? n->file : NULL;
  if (line) *line = n ? n->line : 0;
  if (column) *column = n ? n->column : 0;
}

int sbp_node_set_position(sbp_node *n, const char *file, size_t file_len, uint32_t line,
                          uint32_t column, sbp_error *err) {
  if (n == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "node is NULL");
  if (file != NULL && memchr(file, '\0', file_len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "file: contains a NUL byte");
  const char *f;
  if (sbp__profile_file(n->owner, file, file_len, &f) != SBP_OK) return sbp__nomem(err);
  n->file = f;
  n->line = line;
  n->column = column;
  return SBP_OK;
}

sbp_action sbp_rule_action(const sbp_node *rule) {
  return (rule && rule->type == SBP_NODE_RULE) ? (sbp_action)rule->kind : SBP_ACTION_NONE;
}

int sbp_rule_set_action(sbp_node *rule, sbp_action action, sbp_error *err) {
  if (rule == NULL || rule->type != SBP_NODE_RULE)
    return sbp__error(err, SBP_E_INVALID_ARG, "rule: not a rule node");
  if (action != SBP_ALLOW && action != SBP_DENY)
    return sbp__error(err, SBP_E_INVALID_ARG, "action: must be SBP_ALLOW or SBP_DENY");
  rule->kind = (uint8_t)action;
  return SBP_OK;
}

const char *sbp_rule_comment(const sbp_node *rule, size_t *len) {
  if (len) *len = 0;
  if (rule == NULL || rule->type != SBP_NODE_RULE || rule->comment == NULL) return NULL;
  if (len) *len = strlen(rule->comment);
  return rule->comment;
}

int sbp_rule_set_comment(sbp_node *rule, const char *text, size_t len, sbp_error *err) {
  if (rule == NULL || rule->type != SBP_NODE_RULE)
    return sbp__error(err, SBP_E_INVALID_ARG, "rule: not a rule node");
  if (text == NULL) {
    rule->comment = NULL;
    return SBP_OK;
  }
  if (memchr(text, '\0', len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "comment: contains a NUL byte");
  if (sbp__node_set_comment(rule, text, len) != SBP_OK) return sbp__nomem(err);
  return SBP_OK;
}

sbp_value_kind sbp_value_kind_of(const sbp_node *v) {
  return (v && v->type == SBP_NODE_VALUE) ? (sbp_value_kind)v->kind : SBP_VALUE_NONE;
}

int64_t sbp_value_integer(const sbp_node *v) {
  if (v == NULL || v->type != SBP_NODE_VALUE) return 0;
  return (v->kind == SBP_VALUE_INTEGER || v->kind == SBP_VALUE_BOOLEAN) ? v->num : 0;
}

int sbp_value_netaddr(const sbp_node *v, const char **host, size_t *host_len, int *port) {
  if (host) *host = NULL;
  if (host_len) *host_len = 0;
  if (port) *port = SBP_PORT_ANY;
  if (v == NULL || v->type != SBP_NODE_VALUE || v->kind != SBP_VALUE_NETADDR ||
      v->host == SBP__HOST_NONE)
    return 0;
  if (host) *host = sbp__netaddr_host(v, host_len);
  if (port) *port = (int)v->num;
  return 1;
}

/* ---- making nodes -------------------------------------------------------------------- */

static int check_profile_out(sbp_profile *p, sbp_node **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile is NULL");
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out is NULL");
  return SBP_OK;
}

int sbp_node_new(sbp_profile *p, sbp_node_type type, sbp_node **out, sbp_error *err) {
  int rc = check_profile_out(p, out, err);
  if (rc != SBP_OK) return rc;
  uint8_t kind = 0;
  switch (type) {
    case SBP_NODE_RULE: kind = SBP_ALLOW; break;
    case SBP_NODE_REQUIRE_ALL:
    case SBP_NODE_REQUIRE_ANY:
    case SBP_NODE_REQUIRE_NOT: break;
    default:
      return sbp__error(err, SBP_E_INVALID_ARG,
                        "type: %s nodes are made with sbp_node_new_named or sbp_value_new",
                        sbp_node_type_name(type));
  }
  sbp_node *n = sbp__node_alloc(p, type, kind);
  if (n == NULL) return sbp__nomem(err);
  *out = n;
  return SBP_OK;
}

static int check_text(const char *what, const char *s, size_t len, int symbol, sbp_error *err) {
  if (s == NULL && len != 0) return sbp__error(err, SBP_E_INVALID_ARG, "%s is NULL", what);
  if (memchr(s ? s : "", '\0', len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "%s: contains a NUL byte", what);
  if (symbol && !sbp__is_symbol(s, len)) {
    char q[96] = "";
    sbp__error_quote(q, sizeof(q), s ? s : "", len, 60);
    return sbp__error(err, SBP_E_INVALID_ARG, "%s: \"%s\" is not an SBPL symbol", what, q);
  }
  return SBP_OK;
}

int sbp_node_new_named(sbp_profile *p, sbp_node_type type, const char *text, size_t len,
                       sbp_node **out, sbp_error *err) {
  int rc = check_profile_out(p, out, err);
  if (rc != SBP_OK) return rc;
  const char *what;
  int symbol = 1;
  switch (type) {
    case SBP_NODE_OPERATION: what = "operation"; break;
    case SBP_NODE_FILTER: what = "filter"; break;
    case SBP_NODE_MODIFIER: what = "modifier"; break;
    case SBP_NODE_IMPORT: what = "import"; symbol = 0; break;
    case SBP_NODE_COMMENT: what = "comment"; symbol = 0; break;
    default:
      return sbp__error(err, SBP_E_INVALID_ARG, "type: %s nodes carry no name",
                        sbp_node_type_name(type));
  }
  if ((rc = check_text(what, text, len, symbol, err)) != SBP_OK) return rc;
  if (type == SBP_NODE_IMPORT && len == 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "import: empty path");
  sbp_node *n = sbp__node_alloc(p, type, 0);
  if (n == NULL || sbp__node_set_text(n, text ? text : "", len) != SBP_OK)
    return sbp__nomem(err);
  *out = n;
  return SBP_OK;
}

int sbp_value_new(sbp_profile *p, sbp_value_kind kind, const char *text, size_t len,
                  sbp_node **out, sbp_error *err) {
  int rc = check_profile_out(p, out, err);
  if (rc != SBP_OK) return rc;
  switch (kind) {
    case SBP_VALUE_STRING: rc = check_text("string", text, len, 0, err); break;
    case SBP_VALUE_REGEX: rc = check_text("regex", text, len, 0, err); break;
    case SBP_VALUE_CONSTANT: rc = check_text("constant", text, len, 1, err); break;
    case SBP_VALUE_PARAM:
      rc = check_text("parameter name", text, len, 0, err);
      if (rc == SBP_OK && len == 0)
        rc = sbp__error(err, SBP_E_INVALID_ARG, "parameter name: empty");
      break;
    case SBP_VALUE_CONCAT: break;
    default:
      return sbp__error(err, SBP_E_INVALID_ARG,
                        "kind: use sbp_value_new_integer, _boolean or _netaddr");
  }
  if (rc != SBP_OK) return rc;
  sbp_node *n = sbp__node_alloc(p, SBP_NODE_VALUE, (uint8_t)kind);
  if (n == NULL) return sbp__nomem(err);
  if (kind != SBP_VALUE_CONCAT && sbp__node_set_text(n, text ? text : "", len) != SBP_OK)
    return sbp__nomem(err);
  *out = n;
  return SBP_OK;
}

int sbp_value_new_integer(sbp_profile *p, int64_t number, sbp_node **out, sbp_error *err) {
  int rc = check_profile_out(p, out, err);
  if (rc != SBP_OK) return rc;
  sbp_node *n = sbp__node_alloc(p, SBP_NODE_VALUE, SBP_VALUE_INTEGER);
  if (n == NULL) return sbp__nomem(err);
  n->num = number;
  *out = n;
  return SBP_OK;
}

int sbp_value_new_boolean(sbp_profile *p, int truth, sbp_node **out, sbp_error *err) {
  int rc = check_profile_out(p, out, err);
  if (rc != SBP_OK) return rc;
  sbp_node *n = sbp__node_alloc(p, SBP_NODE_VALUE, SBP_VALUE_BOOLEAN);
  if (n == NULL) return sbp__nomem(err);
  n->num = truth != 0;
  *out = n;
  return SBP_OK;
}

static int is_protocol(const char *s, size_t len) {
  static const char *const protos[] = {"ip", "ip4", "ip6", "tcp", "tcp4",
                                       "tcp6", "udp", "udp4", "udp6"};
  for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
    if (strlen(protos[i]) == len && memcmp(protos[i], s, len) == 0) return 1;
  return 0;
}

int sbp_value_new_netaddr(sbp_profile *p, const char *proto, size_t proto_len,
                          const char *host, size_t host_len, int port, sbp_node **out,
                          sbp_error *err) {
  int rc = check_profile_out(p, out, err);
  if (rc != SBP_OK) return rc;
  if (proto == NULL || !is_protocol(proto, proto_len)) {
    char q[96] = "";
    sbp__error_quote(q, sizeof(q), proto ? proto : "", proto ? proto_len : 0, 40);
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "protocol: \"%s\" is not one of ip ip4 ip6 tcp tcp4 tcp6 udp udp4 udp6",
                      q);
  }
  if (host != NULL) {
    if (!((host_len == 1 && host[0] == '*') ||
          (host_len == 9 && memcmp(host, "localhost", 9) == 0))) {
      char q[96] = "";
      sbp__error_quote(q, sizeof(q), host, host_len, 60);
      return sbp__error(err, SBP_E_INVALID_ARG, "host: must be * or localhost, not \"%s\"", q);
    }
    if (port != SBP_PORT_ANY && (port < 1 || port > 65535))
      return sbp__error(err, SBP_E_INVALID_ARG, "port: %d is not * or 1-65535", port);
  }
  sbp_node *n = sbp__node_alloc(p, SBP_NODE_VALUE, SBP_VALUE_NETADDR);
  if (n == NULL || sbp__node_set_text(n, proto, proto_len) != SBP_OK) return sbp__nomem(err);
  if (host != NULL) {
    n->host = host_len == 1 ? SBP__HOST_ANY : SBP__HOST_LOCALHOST;
    n->num = port;
  } else {
    n->num = SBP_PORT_ANY;
  }
  *out = n;
  return SBP_OK;
}

/* ---- editing ------------------------------------------------------------------------- */

static int is_ancestor_or_self(const sbp_node *a, const sbp_node *n) {
  if (a->first == NULL) return a == n; /* a leaf is nobody's ancestor: skip the climb */
  for (; n != NULL; n = n->parent)
    if (n == a) return 1;
  return 0;
}

static int check_attach(const sbp_node *parent, const sbp_node *child, sbp_error *err) {
  if (parent == NULL || child == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "node is NULL");
  if (child->owner != parent->owner)
    return sbp__error(err, SBP_E_INVALID_TREE, "the node belongs to another profile");
  if (child->type == SBP_NODE_PROFILE)
    return sbp__error(err, SBP_E_INVALID_TREE, "the root cannot be attached");
  if (child->parent != NULL)
    return sbp__error(err, SBP_E_INVALID_TREE, "the node is attached; unlink it first");
  if (is_ancestor_or_self(child, parent))
    return sbp__error(err, SBP_E_INVALID_TREE, "a node cannot contain itself");
  if (!sbp__can_contain(parent, child))
    return sbp__error(err, SBP_E_INVALID_TREE, "a %s cannot hold a %s%s",
                      sbp_node_type_name((sbp_node_type)parent->type),
                      sbp_node_type_name((sbp_node_type)child->type),
                      parent->type == SBP_NODE_REQUIRE_NOT ? " (require-not holds one)" : "");
  return SBP_OK;
}

int sbp_node_append_child(sbp_node *parent, sbp_node *child, sbp_error *err) {
  int rc = check_attach(parent, child, err);
  if (rc != SBP_OK) return rc;
  if (parent->type == SBP_NODE_RULE) {
    /* Keep the rule's groups in order: insert before the first child of a later group.
     * Searched from the end, so that appending to a long rule stays O(1). */
    int g = sbp__rule_group(child);
    sbp_node *later = NULL;
    for (sbp_node *c = sbp__node_last(parent); c != NULL && sbp__rule_group(c) > g;
         c = sbp__node_prev(c))
      later = c;
    if (later != NULL) {
      sbp__node_link_before(later, child);
      return SBP_OK;
    }
  }
  sbp__node_link_last(parent, child);
  return SBP_OK;
}

int sbp_node_insert_before(sbp_node *sibling, sbp_node *node, sbp_error *err) {
  if (sibling == NULL || node == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "node is NULL");
  if (sibling->parent == NULL)
    return sbp__error(err, SBP_E_INVALID_TREE, "the sibling has no parent");
  int rc = check_attach(sibling->parent, node, err);
  if (rc != SBP_OK) return rc;
  if (sibling->parent->type == SBP_NODE_RULE) {
    int g = sbp__rule_group(node);
    const sbp_node *before = sbp__node_prev(sibling);
    if (g > sbp__rule_group(sibling) || (before && sbp__rule_group(before) > g))
      return sbp__error(err, SBP_E_INVALID_TREE,
                        "a rule holds operations, then filters, then modifiers");
  }
  sbp__node_link_before(sibling, node);
  return SBP_OK;
}

void sbp_node_unlink(sbp_node *n) {
  if (n == NULL || n->parent == NULL) return;
  sbp_node *parent = n->parent;
  if (parent->first == n) parent->first = n->next;
  else n->prev->next = n->next;
  if (n->next != NULL) n->next->prev = n->prev; /* a first child's prev: the last */
  else if (parent->first != NULL) parent->first->prev = n->prev; /* n was the last */
  parent->nchildren--;
  if (parent->type == SBP_NODE_PROFILE && n->type == SBP_NODE_RULE) parent->owner->rule_count--;
  n->parent = n->prev = n->next = NULL;
}
