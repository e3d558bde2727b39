/* SBPL's own built-ins: the names of operations, filters and constants, the alias table,
 * filters and metafilters, modifiers, allow/deny with the with-* contexts, version, param,
 * trace, regex-quote, path-ancestors and the small prelude helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_sbpl.h"
#include "sbprofile/catalog.h"

/* ---- names ----------------------------------------------------------------------------- */

/* Named arguments of the errno modifier that the catalog does not list: the spec's modifier
 * table names only these few. */
static const char *const errno_names[] = {"EINTR", "EIO", "ENOENT", "ENXIO", "EPERM", "ESRCH"};

/* Prelude helpers that are filters without a catalog row. */
static const sbp__filter_info extra_filters[] = {
    {"entitlement-value", "%entitlement-string", SBP__MATCH_EXACT, SBP__ARG_OTHER, NULL, 0, 0,
     NULL},
    {"entitlement-value-regex", "%entitlement-string", SBP__MATCH_REGEX, SBP__ARG_OTHER, NULL,
     0, 0, NULL},
};

static int cmp_str(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  size_t n = alen < blen ? alen : blen;
  int c = memcmp(a, b, n);
  if (c) return c;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* The one place that knows the names, through the catalog. macos 0 accepts a name any
 * known version has. Returns 1 for an operation (*op: the canonical name, "no-op" for names
 * the prelude drops), 2 for a filter (*fi), 3 for a named constant, 0 when unknown. */
static int known_name(uint32_t macos, const char *s, size_t len, const char **op,
                      const sbp__filter_info **fi) {
  size_t nv = macos ? 1 : sbp_catalog_version_count();
  for (size_t k = 0; k < nv; k++) {
    uint32_t v = macos ? macos : sbp_catalog_version_at(nv - 1 - k); /* newest first */
    if (sbp__catalog_op_noop(v, s, len)) {
      *op = "no-op";
      return 1;
    }
    const sbp__op_info *oi = sbp__catalog_op(v, s, len);
    if (oi != NULL) {
      *op = oi->name;
      return 1;
    }
    const sbp__filter_info *f = sbp__catalog_filter(v, s, len);
    if (f != NULL) {
      *fi = f;
      return 2;
    }
  }
  for (size_t k = 0; k < sizeof(extra_filters) / sizeof(extra_filters[0]); k++)
    if (cmp_str(s, len, extra_filters[k].spelling) == 0) {
      *fi = &extra_filters[k];
      return 2;
    }
  for (size_t k = 0; k < nv; k++) {
    uint32_t v = macos ? macos : sbp_catalog_version_at(nv - 1 - k);
    if (sbp_catalog_symbol_kinds(v, s, len) & SBP_CATALOG_SYMBOL_CONSTANT) return 3;
  }
  for (size_t k = 0; k < sizeof(errno_names) / sizeof(errno_names[0]); k++)
    if (cmp_str(s, len, errno_names[k]) == 0) return 3;
  return 0;
}

cell *sbp__eval_builtin_name(sbp__eval *ev, cell *sym) {
  const char *s = sym->u.sym.s;
  size_t len = sym->u.sym.len;
  if (cmp_str(s, len, "unix") == 0 || cmp_str(s, len, "unix-socket") == 0) return ev->unix_sym;
  const char *op = NULL;
  const sbp__filter_info *fi = NULL;
  cell *c;
  int kind = known_name(ev->opts->macos, s, len, &op, &fi);
  if (kind == 0 && ev->opts->macos != 0 && (ev->flags & SBP_READ_OTHER_VERSION_NAMES))
    kind = known_name(0, s, len, &op, &fi);
  switch (kind) {
    case 1:
      if (strcmp(op, "no-op") == 0) return ev->noop_sym;
      if ((c = sbp__eval_cell(ev, T_OP)) == NULL) return NULL;
      c->u.str.s = op;
      c->u.str.len = strlen(op);
      return c;
    case 2:
      if ((c = sbp__eval_cell(ev, T_FILTERFN)) == NULL) return NULL;
      c->u.ff.fi = fi;
      /* the catalog's copy of the spelling, when it is the one written */
      c->u.ff.name = strlen(fi->spelling) == len && memcmp(fi->spelling, sym->u.sym.s, len) == 0
                         ? fi->spelling
                         : sym->u.sym.s;
      c->u.ff.len = len;
      return c;
    case 3:
      if ((c = sbp__eval_cell(ev, T_CONST)) == NULL) return NULL;
      c->u.str.s = sym->u.sym.s;
      c->u.str.len = len;
      return c;
    default:
      return NULL;
  }
}

/* ---- entitlements ---------------------------------------------------------------------- */

static cell *entitlement_value(sbp__eval *ev, const sbp_entitlement *e) {
  switch (e->kind) {
    case SBP_ENTITLEMENT_BOOLEAN: return e->boolean ? ev->t : ev->f;
    case SBP_ENTITLEMENT_STRING:
      return e->string ? sbp__eval_str(ev, e->string, strlen(e->string)) : NULL;
    case SBP_ENTITLEMENT_STRINGS: {
      if (e->nstrings > 0 && e->strings == NULL) return NULL;
      cell *l = ev->nil;
      for (size_t i = e->nstrings; i > 0; i--) {
        if (e->strings[i - 1] == NULL) return NULL;
        cell *s = sbp__eval_str(ev, e->strings[i - 1], strlen(e->strings[i - 1]));
        if (s == NULL || (l = sbp__eval_cons(ev, s, l)) == NULL) return NULL;
      }
      return l;
    }
  }
  return NULL;
}

int sbp__eval_entitlements(sbp__eval *ev) {
  const sbp_read_options *o = ev->opts;
  if (o->entitlements == NULL) return SBP_OK;
  cell *alist = ev->nil;
  for (size_t i = o->nentitlements; i > 0; i--) {
    const sbp_entitlement *e = &o->entitlements[i - 1];
    if (e->key == NULL)
      return sbp__error(ev->err, SBP_E_INVALID_ARG, "entitlement %zu has no key", i - 1);
    cell *v = entitlement_value(ev, e);
    if (v == NULL) {
      if (ev->err->code != 0) return ev->err->code;
      static const char *const field[] = {NULL, NULL, "string is NULL",
                                          "strings is NULL or holds a NULL"};
      if (e->kind != SBP_ENTITLEMENT_STRING && e->kind != SBP_ENTITLEMENT_STRINGS)
        return sbp__error(ev->err, SBP_E_INVALID_ARG, "entitlement %s: unknown kind %d", e->key,
                          (int)e->kind);
      return sbp__error(ev->err, SBP_E_INVALID_ARG, "entitlement %s: %s", e->key,
                        field[e->kind]);
    }
    cell *k = sbp__eval_str(ev, e->key, strlen(e->key));
    cell *pair = k ? sbp__eval_cons(ev, k, v) : NULL;
    if (pair == NULL || (alist = sbp__eval_cons(ev, pair, alist)) == NULL) return sbp__eval_fail_code(ev);
  }
  cell *sym = sbp__eval_intern(ev, "*entitlements*", 14);
  if (sym == NULL) return sbp__eval_fail_code(ev);
  sym->u.sym.gval = alist;
  return SBP_OK;
}

int sbp__eval_unbound_in_version(sbp__eval *ev, const cell *sym) {
  uint32_t mask = 0;
  if (ev->opts->macos == 0 ||
      sbp_catalog_op_versions(sym->u.sym.s, sym->u.sym.len, SBP_CATALOG_WITH_ALIASES, &mask,
                              NULL) != SBP_OK ||
      mask == 0)
    return SBP_OK;
  sbp_buf known = SBP_BUF_INIT;
  if (sbp_catalog_versions_format(mask, ev->alloc, &known, NULL) != SBP_OK)
    return sbp__nomem(ev->err);
  uint32_t v = sbp_catalog_version_nearest(ev->opts->macos);
  int rc = sbp__eval_fail(ev, SBP_E_EVAL,
                          "unbound variable: %s (an operation of macOS %.200s, not of %u.%u)",
                          sym->u.sym.s, known.ptr ? known.ptr : "", (unsigned)(v >> 16),
                          (unsigned)((v >> 8) & 0xffu));
  sbp_buf_dispose(&known);
  return rc;
}

/* ---- nodes ----------------------------------------------------------------------------- */

static int room(sbp__eval *ev) {
  if (sbp__eval_used_memory(ev) > ev->max_memory)
    return sbp__eval_fail(ev, SBP_E_LIMIT, "memory limit exceeded (%zu bytes)", ev->max_memory);
  return SBP_OK;
}

static sbp_node *mk(sbp__eval *ev, sbp_node_type type, uint8_t kind, const char *text,
                    size_t len) {
  if (room(ev)) return NULL;
  sbp_node *n = sbp__node_alloc(ev->prof, type, kind);
  if (n == NULL) {
    sbp__nomem(ev->err);
    return NULL;
  }
  if (text != NULL && sbp__node_set_text(n, text, len) != SBP_OK) {
    sbp__nomem(ev->err);
    return NULL;
  }
  return n;
}

/* As mk, for text that outlives the profile (catalog names, literals): shared, not copied. */
static sbp_node *mk_static(sbp__eval *ev, sbp_node_type type, const char *text, size_t len) {
  sbp_node *n = mk(ev, type, 0, NULL, 0);
  if (n != NULL) sbp__node_set_static_text(n, text, len);
  return n;
}

/* The FILTER node of a filter function: its name shared with the catalog when it is
 * spelled as the catalog spells it. */
/* Read for a named version, a prelude alias is written as the filter it stands for in that
 * version's library (literal -> path, prefix -> path-prefix, iokit-user-client-class ->
 * iokit-registry-entry-class), so that output compares rule for rule with that version's. */
static const sbp__filter_info *canonical_filter(const sbp__eval *ev,
                                                const sbp__filter_info *fi) {
  if (ev->opts->macos == 0 || fi == NULL || !(fi->flags & SBP__FILTER_ALIAS)) return NULL;
  static const char *const suffix[] = {"", "", "-prefix", NULL, "-regex"};
  if (fi->match >= sizeof suffix / sizeof suffix[0] || suffix[fi->match] == NULL) return NULL;
  char name[96];
  int n = snprintf(name, sizeof name, "%s%s", fi->base, suffix[fi->match]);
  if (n <= 0 || (size_t)n >= sizeof name) return NULL;
  const sbp__filter_info *c = sbp__catalog_filter(ev->opts->macos, name, (size_t)n);
  return c != NULL && !(c->flags & SBP__FILTER_ALIAS) && c->match == fi->match ? c : NULL;
}

static sbp_node *mk_filter(sbp__eval *ev, const cell *fn) {
  const sbp__filter_info *canon = canonical_filter(ev, fn->u.ff.fi);
  if (canon != NULL)
    return mk_static(ev, SBP_NODE_FILTER, canon->spelling, strlen(canon->spelling));
  if (fn->u.ff.fi != NULL && fn->u.ff.name == fn->u.ff.fi->spelling)
    return mk_static(ev, SBP_NODE_FILTER, fn->u.ff.name, fn->u.ff.len);
  return mk(ev, SBP_NODE_FILTER, 0, fn->u.ff.name, fn->u.ff.len);
}

static sbp_node *copy(sbp__eval *ev, const sbp_node *n) {
  if (room(ev)) return NULL;
  sbp_node *out = NULL;
  if (sbp_node_copy(ev->prof, n, &out, NULL) != SBP_OK) {
    sbp__nomem(ev->err);
    return NULL;
  }
  return out;
}

/* The node of a FILTER or MOD cell, to be linked into a parent: the node itself while it is
 * detached (its first use: most filters are used once, right after they are made), a copy
 * once it has been linked somewhere. */
static sbp_node *take(sbp__eval *ev, const cell *c) {
  sbp_node *n = c->u.node;
  if (n->parent == NULL && n->prev == NULL && n->next == NULL) return n;
  return copy(ev, n);
}

static cell *wrap(sbp__eval *ev, cell_type t, sbp_node *n) {
  if (n == NULL) return NULL;
  cell *c = sbp__eval_cell(ev, t);
  if (c) c->u.node = n;
  return c;
}

/* A VALUE node for a filter or modifier argument. regex: strings are regular expressions. */
static int value_node(sbp__eval *ev, const cell *c, int regex, sbp_node **out) {
  sbp_node *n = NULL;
  switch ((cell_type)c->type) {
    case T_STR:
      if (memchr(c->u.str.s, '\0', c->u.str.len) != NULL)
        return sbp__eval_fail(ev, SBP_E_EVAL, "a string argument contains a NUL byte");
      n = mk(ev, SBP_NODE_VALUE, regex ? SBP_VALUE_REGEX : SBP_VALUE_STRING, c->u.str.s,
             c->u.str.len);
      break;
    case T_INT:
      if ((n = mk(ev, SBP_NODE_VALUE, SBP_VALUE_INTEGER, NULL, 0)) != NULL) n->num = c->u.i;
      break;
    case T_BOOL:
      if ((n = mk(ev, SBP_NODE_VALUE, SBP_VALUE_BOOLEAN, NULL, 0)) != NULL) n->num = c->u.i;
      break;
    case T_CONST:
      n = mk(ev, SBP_NODE_VALUE, SBP_VALUE_CONSTANT, c->u.str.s, c->u.str.len);
      break;
    case T_SYM: {
      /* A symbol is written bare and must read back as itself: only the named constants
       * (and unix, which evaluates to its own symbol) do; any other quoted symbol would come
       * back as an unbound variable, or as something else. */
      const char *op = NULL;
      const sbp__filter_info *fi = NULL;
      if (!sbp__is_symbol(c->u.sym.s, c->u.sym.len))
        return sbp__eval_fail(ev, SBP_E_EVAL, "invalid symbol argument");
      if (c != ev->unix_sym &&
          known_name(ev->opts->macos, c->u.sym.s, c->u.sym.len, &op, &fi) != 3)
        return sbp__eval_fail(ev, SBP_E_EVAL, "'%.*s' is not a named constant",
                              (int)(c->u.sym.len > 64 ? 64 : c->u.sym.len), c->u.sym.s);
      n = mk(ev, SBP_NODE_VALUE, SBP_VALUE_CONSTANT, c->u.sym.s, c->u.sym.len);
      break;
    }
    case T_PARAM:
      n = mk(ev, SBP_NODE_VALUE, SBP_VALUE_PARAM, c->u.str.s, c->u.str.len);
      break;
    case T_CONCAT: {
      n = mk(ev, SBP_NODE_VALUE, SBP_VALUE_CONCAT, NULL, 0);
      if (n == NULL) break;
      for (const cell *p = c->u.parts; p->type == T_PAIR; p = CDR(p)) {
        sbp_node *part = NULL;
        int rc = value_node(ev, CAR(p), regex, &part);
        if (rc) return rc;
        sbp__node_link_last(n, part);
      }
      break;
    }
    default:
      return sbp__eval_fail(ev, SBP_E_EVAL, "invalid argument: a %s", sbp__eval_type_name(c));
  }
  if (n == NULL) return sbp__eval_fail_code(ev);
  *out = n;
  return SBP_OK;
}

/* ---- filters --------------------------------------------------------------------------- */

static int parse_port(const char *s, size_t len, int *port) {
  if (len == 1 && s[0] == '*') {
    *port = SBP_PORT_ANY;
    return 1;
  }
  if (len == 0 || len > 5) return 0;
  int v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  if (v < 1 || v > 65535) return 0;
  *port = v;
  return 1;
}

/* One "HOST:PORT" address of a network filter: host and port checked as libsandbox does. */
static int network_address(sbp__eval *ev, const char *name, cell *addr, const char **host,
                           size_t *hlen, int *port) {
  if (addr->type == T_PARAM || addr->type == T_CONCAT)
    return sbp__eval_fail(ev, SBP_E_EVAL, "%s: a network address needs the parameter's value",
                          name);
  if (addr->type != T_STR)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "invalid data type of %s filter; expected network address, got %s",
                          name, sbp__eval_type_name(addr));
  const char *s = addr->u.str.s;
  const char *colon = NULL;
  for (size_t i = addr->u.str.len; i > 0; i--)
    if (s[i - 1] == ':') {
      colon = s + i - 1;
      break;
    }
  if (colon == NULL)
    return sbp__eval_fail(ev, SBP_E_EVAL, "invalid network address (expected HOST:PORT)");
  *host = s;
  *hlen = (size_t)(colon - s);
  if (!((*hlen == 1 && s[0] == '*') || (*hlen == 9 && memcmp(s, "localhost", 9) == 0)))
    return sbp__eval_fail(ev, SBP_E_EVAL, "host must be * or localhost in network address");
  if (!parse_port(colon + 1, addr->u.str.len - *hlen - 1, port))
    return sbp__eval_fail(ev, SBP_E_EVAL, "port must be * or 1-65535 in network address");
  return SBP_OK;
}

/* (local|remote PROTO [ADDRESS...]): several addresses are alternatives, as in 10.15's
 * (local udp "*:500" "*:4500"); the filter holds one value for each. */
static int network_filter(sbp__eval *ev, cell *fn, cell *args, size_t argc) {
  const char *name = fn->u.ff.name;
  cell *proto = CAR(args);
  if (proto == ev->unix_sym) {
    if (argc > 2)
      return sbp__eval_fail(ev, SBP_E_EVAL,
                            "wrong number of arguments to %s unix-socket (expected 1 to 2, got "
                            "%zu)",
                            name, argc);
    if (argc == 2) {
      cell *f = CAR(CDR(args));
      if (f->type != T_FILTER)
        return sbp__eval_fail(ev, SBP_E_EVAL, "%s unix-socket: expected a path filter, got %s",
                              name, sbp__eval_type_phrase(f));
      ev->value = f; /* the legacy form means the plain path filter */
      return SBP_OK;
    }
    sbp_node *fl = mk_filter(ev, fn);
    sbp_node *v = fl ? mk(ev, SBP_NODE_VALUE, SBP_VALUE_CONSTANT, "unix", 4) : NULL;
    if (v == NULL) return sbp__eval_fail_code(ev);
    sbp__node_link_last(fl, v);
    ev->value = wrap(ev, T_FILTER, fl);
    return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
  }
  static const char *const protos[] = {"ip", "ip4", "ip6", "tcp", "tcp4",
                                        "tcp6", "udp", "udp4", "udp6"};
  const char *pname = NULL;
  if (proto->type == T_CONST || proto->type == T_SYM) {
    const char *s = proto->type == T_CONST ? proto->u.str.s : proto->u.sym.s;
    for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
      if (strcmp(s, protos[i]) == 0) pname = protos[i];
  }
  if (pname == NULL)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "invalid data type of %s filter; expected a protocol, got %s", name,
                          sbp__eval_type_name(proto));
  if (room(ev)) return sbp__eval_fail_code(ev);
  sbp_node *fl = mk_filter(ev, fn);
  if (fl == NULL) return sbp__eval_fail_code(ev);
  cell *addrs = CDR(args);
  do {
    const char *host = NULL;
    size_t hlen = 0;
    int port = SBP_PORT_ANY;
    if (addrs->type == T_PAIR) {
      int rc = network_address(ev, name, CAR(addrs), &host, &hlen, &port);
      if (rc) return rc;
      addrs = CDR(addrs);
    }
    sbp_node *v = NULL;
    int rc = sbp_value_new_netaddr(ev->prof, pname, strlen(pname), host, hlen, port, &v, NULL);
    if (rc == SBP_E_NOMEM) return sbp__nomem(ev->err);
    if (rc) return sbp__eval_fail(ev, SBP_E_EVAL, "invalid network address");
    sbp__node_link_last(fl, v);
  } while (addrs->type == T_PAIR);
  ev->value = wrap(ev, T_FILTER, fl);
  return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
}

static const char *arg_word(uint8_t arg) {
  switch (arg) {
    case SBP__ARG_PATH: case SBP__ARG_NAME: return "pattern";
    case SBP__ARG_INTEGER: case SBP__ARG_BITFIELD: return "integer";
    case SBP__ARG_BOOLEAN: return "boolean";
    default: return "value";
  }
}

int sbp__eval_filter_apply(sbp__eval *ev, cell *fn, cell *args) {
  const sbp__filter_info *fi = fn->u.ff.fi;
  size_t argc;
  sbp__eval_list_length(args, &argc);
  /* A boolean filter may be written without its argument, as 10.15's application.sb writes
   * (extension-path-ancestor): it stands for the argument #t (the filter holds). */
  if (argc == 0 && fi->arg != SBP__ARG_BOOLEAN)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "wrong number of arguments to %s (expected at least 1, got 0)",
                          fn->u.ff.name);
  if (argc == 0 && (args = sbp__eval_cons(ev, ev->t, ev->nil)) == NULL) return sbp__eval_fail_code(ev);
  if (fi->arg == SBP__ARG_NETWORK) return network_filter(ev, fn, args, argc);
  int regex = fi->match == SBP__MATCH_REGEX;
  sbp_node *fl = mk_filter(ev, fn);
  if (fl == NULL) return sbp__eval_fail_code(ev);
  for (cell *a = args; a->type == T_PAIR; a = CDR(a)) {
    cell *v = CAR(a);
    int ok;
    switch (fi->arg) {
      case SBP__ARG_PATH:
      case SBP__ARG_NAME:
        ok = v->type == T_STR || v->type == T_PARAM || v->type == T_CONCAT;
        break;
      case SBP__ARG_INTEGER:
      case SBP__ARG_BITFIELD:
        ok = v->type == T_INT || v->type == T_CONST || v->type == T_STR ||
             v->type == T_PARAM || v->type == T_CONCAT || v->type == T_SYM;
        break;
      case SBP__ARG_BOOLEAN:
        ok = v->type == T_BOOL || v->type == T_INT || v->type == T_STR || v->type == T_CONST;
        break;
      default:
        ok = v->type == T_STR || v->type == T_INT || v->type == T_BOOL || v->type == T_CONST ||
             v->type == T_PARAM || v->type == T_CONCAT || v->type == T_SYM;
        break;
    }
    /* libsandbox names the base filter; a base of its own ("%entitlement-string") is
     * named as the profile wrote it */
    if (!ok)
      return sbp__eval_fail(ev, SBP_E_EVAL, "invalid data type of %s filter; expected %s, got %s",
                            fi->base[0] == '%' ? fn->u.ff.name : fi->base, arg_word(fi->arg),
                            sbp__eval_type_name(v));
    sbp_node *vn = NULL;
    int rc = value_node(ev, v, regex, &vn);
    if (rc) return rc;
    sbp__node_link_last(fl, vn);
  }
  ev->value = wrap(ev, T_FILTER, fl);
  return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
}

static int require(sbp__eval *ev, cell *args, size_t argc, sbp_node_type type,
                   const char *name) {
  if (argc == 0)
    return sbp__eval_fail(ev, SBP_E_EVAL, "%s requires at least one filter", name);
  sbp_node *r = mk(ev, type, 0, NULL, 0);
  if (r == NULL) return sbp__eval_fail_code(ev);
  for (cell *a = args; a->type == T_PAIR; a = CDR(a)) {
    if (CAR(a)->type != T_FILTER)
      return sbp__eval_fail(ev, SBP_E_EVAL, "%s: expected a filter, got %s", name,
                            sbp__eval_type_name(CAR(a)));
    sbp_node *c = take(ev, CAR(a));
    if (c == NULL) return sbp__eval_fail_code(ev);
    sbp__node_link_last(r, c);
  }
  ev->value = wrap(ev, T_FILTER, r);
  return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
}

static int prim_require_all(sbp__eval *ev, cell *a, size_t n) {
  return require(ev, a, n, SBP_NODE_REQUIRE_ALL, "require-all");
}
static int prim_require_any(sbp__eval *ev, cell *a, size_t n) {
  return require(ev, a, n, SBP_NODE_REQUIRE_ANY, "require-any");
}
static int prim_require_not(sbp__eval *ev, cell *a, size_t n) {
  return require(ev, a, n, SBP_NODE_REQUIRE_NOT, "require-not");
}

static int prim_sbpl_filter_p(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  ev->value = CAR(a)->type == T_FILTER ? ev->t : ev->f;
  return SBP_OK;
}

/* ---- modifiers ------------------------------------------------------------------------- */

/* ---- profile-wide options (SBP_FACT_SANDBOX_OPTIONS) --------------------------------- */

static int set_option(sbp__eval *ev, uint32_t option) {
  ev->prof->options |= option;
  ev->value = ev->nil; /* nothing a rule keeps */
  return SBP_OK;
}

static int prim_disable_callouts(sbp__eval *ev, cell *a, size_t n) {
  (void)a, (void)n;
  return set_option(ev, SBP_OPTION_DISABLE_CALLOUTS);
}

static int prim_disable_full_symbolication(sbp__eval *ev, cell *a, size_t n) {
  (void)a, (void)n;
  return set_option(ev, SBP_OPTION_DISABLE_FULL_SYMBOLICATION);
}

/* The deprecated modifiers the 10.15 library turns into the options that superseded them. */
static int deprecated_option_modifier(sbp__eval *ev, cell *name, int has_arg, int *done) {
  uint32_t option = 0;
  if (name->u.sym.len == 10 && memcmp(name->u.sym.s, "no-callout", 10) == 0)
    option = SBP_OPTION_DISABLE_CALLOUTS;
  else if (name->u.sym.len == 21 && memcmp(name->u.sym.s, "partial-symbolication", 21) == 0)
    option = SBP_OPTION_DISABLE_FULL_SYMBOLICATION;
  *done = option != 0;
  if (option == 0) return SBP_OK;
  if (has_arg)
    return sbp__eval_fail(ev, SBP_E_EVAL, "with %s: unexpected argument", name->u.sym.s);
  return set_option(ev, option);
}

int sbp__eval_with(sbp__eval *ev, cell *name, cell *arg, int has_arg) {
  if (!sbp__is_symbol(name->u.sym.s, name->u.sym.len))
    return sbp__eval_fail(ev, SBP_E_EVAL, "with: invalid modifier name");
  int done = 0, rc = deprecated_option_modifier(ev, name, has_arg, &done);
  if (rc || done) return rc;
  const char *canon = NULL, *implied = NULL;
  if (ev->opts->macos != 0) {
    /* read for a named version: only its modifiers, each under its canonical name
     * (no-log -> no-report; termination -> send-signal SIGKILL) */
    uint32_t v = sbp_catalog_version_nearest(ev->opts->macos);
    const sbp_catalog_modifier *cm = NULL;
    if (sbp_catalog_modifier_lookup(v, name->u.sym.s, name->u.sym.len, &cm, NULL) != SBP_OK) {
      if (!(ev->flags & SBP_READ_OTHER_VERSION_NAMES))
        return sbp__eval_fail(ev, SBP_E_EVAL, "with: unknown modifier %s on macOS %u.%u",
                              name->u.sym.s, (unsigned)(v >> 16), (unsigned)((v >> 8) & 0xffu));
      cm = NULL; /* kept as written, for the linter to report */
    }
    canon = cm ? sbp_catalog_modifier_canonical(cm) : NULL;
    if (canon != NULL && strcmp(canon, name->u.sym.s) == 0) canon = NULL;
    if (canon != NULL && !has_arg) implied = sbp_catalog_modifier_implied_arg(cm);
  }
  sbp_node *m = canon != NULL ? mk_static(ev, SBP_NODE_MODIFIER, canon, strlen(canon))
                              : mk(ev, SBP_NODE_MODIFIER, 0, name->u.sym.s, name->u.sym.len);
  if (m == NULL) return sbp__eval_fail_code(ev);
  if (implied != NULL) {
    sbp_node *iv = mk_static(ev, SBP_NODE_VALUE, implied, strlen(implied));
    if (iv == NULL) return sbp__eval_fail_code(ev);
    iv->kind = SBP_VALUE_CONSTANT;
    sbp__node_link_last(m, iv);
  }
  if (has_arg) {
    if (arg->type != T_STR && arg->type != T_INT && arg->type != T_CONST &&
        arg->type != T_PARAM && arg->type != T_CONCAT && arg->type != T_SYM)
      return sbp__eval_fail(ev, SBP_E_EVAL, "with %s: invalid argument (%s)", name->u.sym.s,
                            sbp__eval_type_phrase(arg));
    sbp_node *v = NULL;
    if ((rc = value_node(ev, arg, 0, &v)) != 0) return rc;
    sbp__node_link_last(m, v);
  }
  ev->value = wrap(ev, T_MOD, m);
  return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
}

/* ---- rules ----------------------------------------------------------------------------- */

int sbp__eval_rule(sbp__eval *ev, sbp_action action, cell *args, const char *file,
                   uint32_t line, uint32_t col) {
  const char *who = action == SBP_ALLOW ? "allow" : "deny";
  cell *ops = ev->nil, *filters = ev->nil, *mods = ev->nil;
  size_t nops = 0, nnoop = 0, nfilters = 0;
  /* flatten nested lists with an explicit stack (a list of the rests to resume) */
  cell *todo = ev->nil, *x = args;
  for (;;) {
    if (x->type != T_PAIR) {
      if (todo->type != T_PAIR) break;
      x = CAR(todo);
      todo = CDR(todo);
      continue;
    }
    cell *item = CAR(x);
    x = CDR(x);
    switch ((cell_type)item->type) {
      case T_OP:
        if ((ops = sbp__eval_cons(ev, item, ops)) == NULL) return sbp__eval_fail_code(ev);
        nops++;
        break;
      case T_FILTER:
        if ((filters = sbp__eval_cons(ev, item, filters)) == NULL) return sbp__eval_fail_code(ev);
        nfilters++;
        break;
      case T_MOD:
        if ((mods = sbp__eval_cons(ev, item, mods)) == NULL) return sbp__eval_fail_code(ev);
        break;
      case T_PAIR:
        if ((todo = sbp__eval_cons(ev, x, todo)) == NULL) return sbp__eval_fail_code(ev);
        x = item;
        break;
      case T_NIL:
        /* '() as TinyScheme's unspecified value (a one-armed if whose test failed, ...):
         * refused, as simbple's model of the rule builder refuses '() (a written '() or an
         * empty list made by the profile still adds nothing) */
        if (item->flag)
          return sbp__eval_fail(ev, SBP_E_EVAL,
                                "%s: expected an operation, filter or modifier, got the "
                                "unspecified value '() (of an if, cond, case or when that "
                                "chose nothing)",
                                who);
        break;
      case T_SYM:
        if (item == ev->noop_sym) {
          nnoop++;
          break;
        }
        return sbp__eval_fail(ev, SBP_E_EVAL, "%s: unknown operation %s", who, item->u.sym.s);
      default:
        return sbp__eval_fail(ev, SBP_E_EVAL,
                              "%s: expected an operation, filter or modifier, got %s", who,
                              sbp__eval_type_name(item));
    }
  }
  /* with-operations / with-filter / with-modifier, innermost first */
  sbp_node *ctx_filter = NULL;
  for (size_t i = ev->nctx; i > 0; i--) {
    ctx_entry *c = &ev->ctx[i - 1];
    if (c->kind == 2) {
      for (cell *o = c->val; o->type == T_PAIR; o = CDR(o)) {
        if (CAR(o) == ev->noop_sym) {
          nnoop++;
          continue;
        }
        if ((ops = sbp__eval_cons(ev, CAR(o), ops)) == NULL) return sbp__eval_fail_code(ev);
        nops++;
      }
    } else if (c->kind == 1) {
      if ((mods = sbp__eval_cons(ev, c->val, mods)) == NULL) return sbp__eval_fail_code(ev);
    }
  }
  if (nops == 0) {
    if (nnoop > 0) {
      ev->value = ev->unspec; /* a rule on 'no-op is dropped */
      return SBP_OK;
    }
    return sbp__eval_fail(ev, SBP_E_EVAL, "%s: no operation specified", who);
  }
  if (ev->prof->rule_count >= ev->max_rules)
    return sbp__eval_fail(ev, SBP_E_LIMIT, "too many rules (limit %zu)", ev->max_rules);
  sbp_node *rule = mk(ev, SBP_NODE_RULE, (uint8_t)action, NULL, 0);
  if (rule == NULL) return sbp__eval_fail_code(ev);
  const char *pf = NULL;
  if (file != NULL && sbp__profile_file(ev->prof, file, strlen(file), &pf) != SBP_OK)
    return sbp__nomem(ev->err);
  rule->file = pf;
  rule->line = line;
  rule->column = col;
  /* the lists were built reversed, here: turn them around in place */
  cell *r;
  cell *rops = sbp__eval_reverse_onto(ops, ev->nil);
  cell *rfilters = sbp__eval_reverse_onto(filters, ev->nil);
  cell *rmods = sbp__eval_reverse_onto(mods, ev->nil);
  for (r = rops; r->type == T_PAIR; r = CDR(r)) {
    /* operation names come from the catalog, but for misspelt ones kept as written */
    sbp_node *o = CAR(r)->flag == 2
                      ? mk(ev, SBP_NODE_OPERATION, 0, CAR(r)->u.str.s, CAR(r)->u.str.len)
                      : mk_static(ev, SBP_NODE_OPERATION, CAR(r)->u.str.s, CAR(r)->u.str.len);
    if (o == NULL) return sbp__eval_fail_code(ev);
    o->file = pf;
    o->line = line;
    o->column = col;
    sbp__node_link_last(rule, o);
  }
  /* the rule's own filters (OR), then each with-filter context ANDed, innermost first */
  sbp_node *combined = NULL; /* NULL: the filters stay separate children */
  for (size_t i = ev->nctx; i > 0; i--) {
    ctx_entry *c = &ev->ctx[i - 1];
    if (c->kind != 0) continue;
    sbp_node *w = copy(ev, c->val->u.node);
    if (w == NULL) return sbp__eval_fail_code(ev);
    sbp_node *base = combined;
    if (base == NULL && nfilters == 1) {
      base = take(ev, CAR(rfilters));
      if (base == NULL) return sbp__eval_fail_code(ev);
    } else if (base == NULL && nfilters > 1) {
      base = mk(ev, SBP_NODE_REQUIRE_ANY, 0, NULL, 0);
      if (base == NULL) return sbp__eval_fail_code(ev);
      for (r = rfilters; r->type == T_PAIR; r = CDR(r)) {
        sbp_node *fc = take(ev, CAR(r));
        if (fc == NULL) return sbp__eval_fail_code(ev);
        sbp__node_link_last(base, fc);
      }
    }
    if (base == NULL) {
      combined = w;
    } else {
      sbp_node *all = mk(ev, SBP_NODE_REQUIRE_ALL, 0, NULL, 0);
      if (all == NULL) return sbp__eval_fail_code(ev);
      sbp__node_link_last(all, base);
      sbp__node_link_last(all, w);
      combined = all;
    }
    ctx_filter = combined;
  }
  if (ctx_filter != NULL) {
    sbp__node_link_last(rule, ctx_filter);
  } else {
    for (r = rfilters; r->type == T_PAIR; r = CDR(r)) {
      sbp_node *fc = take(ev, CAR(r));
      if (fc == NULL) return sbp__eval_fail_code(ev);
      sbp__node_link_last(rule, fc);
    }
  }
  for (r = rmods; r->type == T_PAIR; r = CDR(r)) {
    sbp_node *mc = take(ev, CAR(r));
    if (mc == NULL) return sbp__eval_fail_code(ev);
    sbp__node_link_last(rule, mc);
  }
  sbp__node_link_last(&ev->prof->root, rule);
  ev->value = ev->unspec;
  return SBP_OK;
}

static int prim_allow(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  return sbp__eval_rule(ev, SBP_ALLOW, a, ev->file, ev->line, ev->col);
}
static int prim_deny(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  return sbp__eval_rule(ev, SBP_DENY, a, ev->file, ev->line, ev->col);
}

/* ---- directives ------------------------------------------------------------------------ */

static int prim_version(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  cell *v = CAR(a);
  if (v->type != T_INT || v->u.i != 1)
    return sbp__eval_fail(ev, SBP_E_EVAL, "unsupported version");
  /* 1 is the only version, so a second (version 1) changes nothing */
  ev->version = 1;
  ev->prof->version = 1;
  ev->value = ev->unspec;
  return SBP_OK;
}

/* The stub's finalizer, run after the profile (profiles may wrap it with set!). */
static int prim_finalize(sbp__eval *ev, cell *a, size_t n) {
  (void)a;
  (void)n;
  if (ev->version == 0) return sbp__eval_fail(ev, SBP_E_EVAL, "no version specified");
  ev->value = ev->unspec;
  return SBP_OK;
}

static int prim_param(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  cell *k = CAR(a);
  if (k->type != T_STR)
    return sbp__eval_fail(ev, SBP_E_EVAL, "param: expected a string, got %s",
                          sbp__eval_type_name(k));
  const sbp_read_options *o = ev->opts;
  for (size_t i = 0; o->params != NULL && i < o->nparams; i++) {
    const char *key = o->params[2 * i], *val = o->params[2 * i + 1];
    if (key == NULL) continue;
    if (strlen(key) == k->u.str.len && memcmp(key, k->u.str.s, k->u.str.len) == 0) {
      if (val == NULL) break;
      ev->value = sbp__eval_str(ev, val, strlen(val));
      return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
    }
  }
  if (ev->flags & SBP_READ_SYMBOLIC_PARAMS) {
    cell *p = sbp__eval_cell(ev, T_PARAM);
    if (p == NULL) return sbp__eval_fail_code(ev);
    p->u.str = k->u.str;
    ev->value = p;
    return SBP_OK;
  }
  ev->value = ev->f;
  return SBP_OK;
}

static int prim_trace(sbp__eval *ev, cell *a, size_t n) {
  if (n != 1 || CAR(a)->type != T_STR)
    return sbp__eval_fail(ev, SBP_E_EVAL, "argument to trace must be a string");
  if (ev->traced) return sbp__eval_fail(ev, SBP_E_EVAL, "only one trace path may be specified");
  ev->traced = 1;
  ev->value = ev->unspec;
  return SBP_OK;
}

static int want_value(sbp__eval *ev, const char *proc, const cell *c) {
  if (c->type == T_STR) return SBP_OK;
  if (c->type == T_PARAM)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "%s: the value of parameter \"%s\" is needed but none was given",
                          proc, c->u.str.s);
  if (c->type == T_CONCAT)
    return sbp__eval_fail(ev, SBP_E_EVAL,
                          "%s: the value of a parameter is needed but none was given", proc);
  return sbp__eval_fail(ev, SBP_E_EVAL, "%s: expected a string, got %s", proc,
                        sbp__eval_type_name(c));
}

static int prim_regex_quote(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  cell *s = CAR(a);
  int rc = want_value(ev, "regex-quote", s);
  if (rc) return rc;
  size_t extra = 0;
  for (size_t i = 0; i < s->u.str.len; i++)
    if (strchr("^.[$()|*+?{\\", s->u.str.s[i]) != NULL && s->u.str.s[i] != '\0') extra++;
  if (s->u.str.len + extra > ev->max_string)
    return sbp__eval_fail(ev, SBP_E_LIMIT, "string too long (limit %zu bytes)", ev->max_string);
  char *buf = sbp__eval_alloc(ev, s->u.str.len + extra + 1);
  if (buf == NULL) return sbp__eval_fail_code(ev);
  size_t o = 0;
  for (size_t i = 0; i < s->u.str.len; i++) {
    char ch = s->u.str.s[i];
    if (ch != '\0' && strchr("^.[$()|*+?{\\", ch) != NULL) buf[o++] = '\\';
    buf[o++] = ch;
  }
  ev->value = sbp__eval_str(ev, buf, o);
  return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
}

static int prim_path_ancestors(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  sbp_node *any = mk(ev, SBP_NODE_REQUIRE_ANY, 0, NULL, 0);
  if (any == NULL) return sbp__eval_fail_code(ev);
  size_t count = 0;
  for (cell *x = a; x->type == T_PAIR; x = CDR(x)) {
    cell *s = CAR(x);
    int rc = want_value(ev, "path-ancestors", s);
    if (rc) return rc;
    const char *p = s->u.str.s;
    size_t len = s->u.str.len;
    if (len == 0 || (p[0] != '/' && !(len >= 2 && p[0] == '$' && p[1] == '{')))
      return sbp__eval_fail(ev, SBP_E_EVAL, "path-ancestors: path must start with /");
    for (size_t i = 0; i < len; i++) {
      if (p[i] != '/' || i + 1 >= len) continue;
      size_t alen = i == 0 ? 1 : i;
      /* read for a named version, literal is written as what it stands for there */
      sbp_node *f = ev->opts->macos != 0 ? mk_static(ev, SBP_NODE_FILTER, "path", 4)
                                         : mk_static(ev, SBP_NODE_FILTER, "literal", 7);
      sbp_node *v = f ? mk(ev, SBP_NODE_VALUE, SBP_VALUE_STRING, p, alen) : NULL;
      if (v == NULL) return sbp__eval_fail_code(ev);
      sbp__node_link_last(f, v);
      sbp__node_link_last(any, f);
      count++;
    }
  }
  if (count == 0) return sbp__eval_fail(ev, SBP_E_EVAL, "path-ancestors: no ancestors");
  ev->value = wrap(ev, T_FILTER, any);
  return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
}

static int prim_split_string(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  cell *s = CAR(a), *sep = CAR(CDR(a));
  int rc = want_value(ev, "split-string", s);
  if (rc == SBP_OK) rc = want_value(ev, "split-string", sep);
  if (rc) return rc;
  if (sep->u.str.len == 0) return sbp__eval_fail(ev, SBP_E_EVAL, "split-string: empty separator");
  cell *rev = ev->nil;
  size_t start = 0, i = 0;
  while (i + sep->u.str.len <= s->u.str.len) {
    if (memcmp(s->u.str.s + i, sep->u.str.s, sep->u.str.len) == 0) {
      cell *part = sbp__eval_str(ev, s->u.str.s + start, i - start);
      if (part == NULL || (rev = sbp__eval_cons(ev, part, rev)) == NULL) return sbp__eval_fail_code(ev);
      i += sep->u.str.len;
      start = i;
    } else {
      i++;
    }
  }
  cell *part = sbp__eval_str(ev, s->u.str.s + start, s->u.str.len - start);
  if (part == NULL || (rev = sbp__eval_cons(ev, part, rev)) == NULL) return sbp__eval_fail_code(ev);
  ev->value = sbp__eval_reverse_onto(rev, ev->nil);
  return SBP_OK;
}

static int prim_io(sbp__eval *ev, cell *a, size_t n) {
  (void)n;
  cell *g = CAR(a), *num = CAR(CDR(a));
  int rc = want_value(ev, "_IO", g);
  if (rc) return rc;
  if (g->u.str.len == 0 || num->type != T_INT)
    return sbp__eval_fail(ev, SBP_E_EVAL, "_IO: expected a group character and an integer");
  /* as Apple's 10.15 SBPL library defines it (SBP_FACT_FSCTL_IO_ENCODING): the group's
   * first character times 256 plus n, without the IOC_VOID bit of the C macro */
  int64_t n8 = num->u.i;
  if (n8 > INT64_MAX / 2 || n8 < INT64_MIN / 2)
    return sbp__eval_fail(ev, SBP_E_EVAL, "_IO: %lld is out of range", (long long)n8);
  int64_t v = n8 + 256 * (int64_t)(unsigned char)g->u.str.s[0];
  ev->value = sbp__eval_int(ev, v);
  return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
}

static int prim_require_entitlement(sbp__eval *ev, cell *a, size_t n) {
  cell *name = CAR(a);
  int rc = want_value(ev, "require-entitlement", name);
  if (rc) return rc;
  sbp_node *f = mk_static(ev, SBP_NODE_FILTER, "require-entitlement", 19);
  sbp_node *v = f ? mk(ev, SBP_NODE_VALUE, SBP_VALUE_STRING, name->u.str.s, name->u.str.len)
                  : NULL;
  if (v == NULL) return sbp__eval_fail_code(ev);
  sbp__node_link_last(f, v);
  if (n == 2) {
    cell *vf = CAR(CDR(a));
    if (vf->type != T_FILTER)
      return sbp__eval_fail(ev, SBP_E_EVAL, "require-entitlement: expected a filter, got %s",
                            sbp__eval_type_name(vf));
    sbp_node *all = mk(ev, SBP_NODE_REQUIRE_ALL, 0, NULL, 0);
    sbp_node *c = all ? take(ev, vf) : NULL;
    if (c == NULL) return sbp__eval_fail_code(ev);
    sbp__node_link_last(all, f);
    sbp__node_link_last(all, c);
    f = all;
  }
  ev->value = wrap(ev, T_FILTER, f);
  return ev->value ? SBP_OK : sbp__eval_fail_code(ev);
}

/* ---- the table ------------------------------------------------------------------------- */

const sbp__prim sbp__eval_sbpl_prims[] = {
    {"version", prim_version, 1, 1},
    {"%finalize", prim_finalize, 0, 0},
    {"allow", prim_allow, 0, -1},
    {"deny", prim_deny, 0, -1},
    {"require-all", prim_require_all, 0, -1},
    {"require-any", prim_require_any, 0, -1},
    {"require-not", prim_require_not, 1, 1},
    {"param", prim_param, 1, 1},
    {"getenv", prim_param, 1, 1},
    {"trace", prim_trace, 0, -1},
    {"regex-quote", prim_regex_quote, 1, 1},
    {"path-ancestors", prim_path_ancestors, 1, -1},
    {"sbpl-filter?", prim_sbpl_filter_p, 1, 1},
    {"split-string", prim_split_string, 2, 2},
    {"_IO", prim_io, 2, 2},
    {"disable-callouts", prim_disable_callouts, 0, 0},
    {"disable-full-symbolication", prim_disable_full_symbolication, 0, 0},
    {"require-entitlement", prim_require_entitlement, 1, 2},
};
const size_t sbp__eval_sbpl_nprims =
    sizeof(sbp__eval_sbpl_prims) / sizeof(sbp__eval_sbpl_prims[0]);
