#include "mini_sbpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sexpr.h"

static void position(const char *text, size_t off, uint32_t *line, uint32_t *col) {
  uint32_t l = 1, c = 1;
  for (size_t i = 0; i < off; i++) {
    if (text[i] == '\n') {
      l++;
      c = 1;
    } else {
      c++;
    }
  }
  *line = l;
  *col = c;
}

typedef struct ctx {
  sbp_profile *p;
  const char *text;
  const char *file;
  sbp_error *err;
} ctx;

static int fail(ctx *c, const sx_node *n, const char *what) {
  uint32_t l, col;
  position(c->text, n->offset, &l, &col);
  if (c->err) {
    c->err->code = SBP_E_SYNTAX;
    c->err->line = l;
    c->err->column = col;
    snprintf(c->err->message, sizeof c->err->message, "%s", what);
  }
  return SBP_E_SYNTAX;
}

static int at(ctx *c, sbp_node *n, const sx_node *x) {
  uint32_t l, col;
  position(c->text, x->offset, &l, &col);
  return sbp_node_set_position(n, c->file, c->file ? strlen(c->file) : 0, l, col, c->err);
}

static int value(ctx *c, const sx_node *x, int network, sbp_node **out) {
  int rc;
  switch (x->type) {
    case SX_STRING:
      rc = sbp_value_new(c->p, x->raw ? SBP_VALUE_REGEX : SBP_VALUE_STRING, x->text, x->len, out,
                         c->err);
      break;
    case SX_INTEGER: rc = sbp_value_new_integer(c->p, x->num, out, c->err); break;
    case SX_BOOLEAN: rc = sbp_value_new_boolean(c->p, (int)x->num, out, c->err); break;
    case SX_SYMBOL:
      if (network) rc = sbp_value_new_netaddr(c->p, x->text, x->len, NULL, 0, 0, out, c->err);
      else rc = sbp_value_new(c->p, SBP_VALUE_CONSTANT, x->text, x->len, out, c->err);
      break;
    case SX_LIST:
      if (x->nkids == 2 && x->kids[0]->type == SX_SYMBOL && strcmp(x->kids[0]->text, "param") == 0)
        rc = sbp_value_new(c->p, SBP_VALUE_PARAM, x->kids[1]->text, x->kids[1]->len, out, c->err);
      else return fail(c, x, "unsupported value");
      break;
    default: return fail(c, x, "unsupported value");
  }
  if (rc == SBP_OK) rc = at(c, *out, x);
  return rc;
}

/* A filter form; nesting depth is small in tests, so recursion is acceptable here. */
static int filter(ctx *c, const sx_node *x, sbp_node **out) {
  if (x->type != SX_LIST || x->nkids < 1 || x->kids[0]->type != SX_SYMBOL)
    return fail(c, x, "a filter must be a list");
  const char *name = x->kids[0]->text;
  sbp_node_type t = strcmp(name, "require-all") == 0   ? SBP_NODE_REQUIRE_ALL
                    : strcmp(name, "require-any") == 0 ? SBP_NODE_REQUIRE_ANY
                    : strcmp(name, "require-not") == 0 ? SBP_NODE_REQUIRE_NOT
                                                       : SBP_NODE_FILTER;
  int rc;
  if (t == SBP_NODE_FILTER) {
    rc = sbp_node_new_named(c->p, SBP_NODE_FILTER, name, strlen(name), out, c->err);
    if (rc) return rc;
    int net = strcmp(name, "local") == 0 || strcmp(name, "remote") == 0;
    if (net && x->nkids == 3 && x->kids[1]->type == SX_SYMBOL && x->kids[2]->type == SX_STRING) {
      const char *hp = x->kids[2]->text;
      const char *colon = strrchr(hp, ':');
      if (colon == NULL) return fail(c, x, "address must be HOST:PORT");
      int port = strcmp(colon + 1, "*") == 0 ? SBP_PORT_ANY : atoi(colon + 1);
      sbp_node *v;
      rc = sbp_value_new_netaddr(c->p, x->kids[1]->text, x->kids[1]->len, hp, (size_t)(colon - hp),
                                 port, &v, c->err);
      if (!rc) rc = at(c, v, x->kids[1]);
      if (!rc) rc = sbp_node_append_child(*out, v, c->err);
      if (!rc) rc = at(c, *out, x);
      return rc;
    }
    for (size_t i = 1; i < x->nkids; i++) {
      sbp_node *v;
      rc = value(c, x->kids[i], net, &v);
      if (!rc) rc = sbp_node_append_child(*out, v, c->err);
      if (rc) return rc;
    }
  } else {
    rc = sbp_node_new(c->p, t, out, c->err);
    if (rc) return rc;
    for (size_t i = 1; i < x->nkids; i++) {
      sbp_node *f;
      rc = filter(c, x->kids[i], &f);
      if (!rc) rc = sbp_node_append_child(*out, f, c->err);
      if (rc) return rc;
    }
  }
  return at(c, *out, x);
}

static int rule(ctx *c, const sx_node *x) {
  sbp_node *r;
  int rc = sbp_node_new(c->p, SBP_NODE_RULE, &r, c->err);
  if (!rc) rc = sbp_rule_set_action(r, strcmp(x->kids[0]->text, "deny") == 0 ? SBP_DENY : SBP_ALLOW,
                                     c->err);
  for (size_t i = 1; !rc && i < x->nkids; i++) {
    const sx_node *k = x->kids[i];
    sbp_node *n;
    if (k->type == SX_SYMBOL) {
      rc = sbp_node_new_named(c->p, SBP_NODE_OPERATION, k->text, k->len, &n, c->err);
      if (!rc) rc = at(c, n, k);
    } else if (k->type == SX_LIST && k->nkids >= 2 && k->kids[0]->type == SX_SYMBOL &&
               strcmp(k->kids[0]->text, "with") == 0) {
      rc = sbp_node_new_named(c->p, SBP_NODE_MODIFIER, k->kids[1]->text, k->kids[1]->len, &n,
                              c->err);
      if (!rc && k->nkids == 3) {
        sbp_node *v;
        rc = value(c, k->kids[2], 0, &v);
        if (!rc) rc = sbp_node_append_child(n, v, c->err);
      }
      if (!rc) rc = at(c, n, k);
    } else {
      rc = filter(c, k, &n);
    }
    if (!rc) rc = sbp_node_append_child(r, n, c->err);
  }
  if (!rc) rc = at(c, r, x);
  if (!rc) rc = sbp_node_append_child(sbp_profile_root(c->p), r, c->err);
  return rc;
}

int mini_sbpl_read(const char *text, size_t len, const char *file, const sbp_alloc *alloc,
                   sbp_profile **out, sbp_error *err) {
  sx_node *root;
  char eb[200];
  *out = NULL;
  if (sx_read(text, len, 0, &root, eb, sizeof eb) != 0) {
    if (err) snprintf(err->message, sizeof err->message, "%s", eb);
    return SBP_E_SYNTAX;
  }
  ctx c = {NULL, text, file, err};
  int rc = sbp_profile_new(&c.p, alloc);
  for (size_t i = 0; !rc && i < root->nkids; i++) {
    const sx_node *x = root->kids[i];
    if (x->type != SX_LIST || x->nkids < 1 || x->kids[0]->type != SX_SYMBOL) {
      rc = fail(&c, x, "a form must be a list");
      break;
    }
    const char *head = x->kids[0]->text;
    if (strcmp(head, "version") == 0) rc = sbp_profile_set_version(c.p, 1, err);
    else if (strcmp(head, "allow") == 0 || strcmp(head, "deny") == 0) rc = rule(&c, x);
    else rc = fail(&c, x, "unsupported form");
  }
  sx_free(root);
  if (rc) {
    sbp_profile_free(c.p);
    return rc;
  }
  *out = c.p;
  return SBP_OK;
}
