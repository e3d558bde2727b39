/* Whole-tree operations: copy, equality and structural validation. All walks are iterative
 * (parent links), so no tree depth can exhaust the stack. */
#include <string.h>

#include "error.h"
#include "node.h"
#include "treeops.h"

/* ---- copy ---------------------------------------------------------------------------- */

/* Copies src's subtree into p, detached. Returns NULL when memory runs out. */
static sbp_node *copy_subtree(sbp_profile *p, const sbp_node *src) {
  sbp_node *top = sbp__node_clone(p, src);
  if (top == NULL) return NULL;
  const sbp_node *s = src;
  sbp_node *d = top;
  for (;;) {
    if (s->first != NULL) {
      s = s->first;
      sbp_node *c = sbp__node_clone(p, s);
      if (c == NULL) return NULL;
      sbp__node_link_last(d, c);
      d = c;
      continue;
    }
    while (s != src && s->next == NULL) {
      s = s->parent;
      d = d->parent;
    }
    if (s == src) return top;
    s = s->next;
    sbp_node *c = sbp__node_clone(p, s);
    if (c == NULL) return NULL;
    sbp__node_link_last(d->parent, c);
    d = c;
  }
}

int sbp_node_copy(sbp_profile *p, const sbp_node *src, sbp_node **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (p == NULL || src == NULL || out == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "profile, src and out must not be NULL");
  if (src->type == SBP_NODE_PROFILE)
    return sbp__error(err, SBP_E_INVALID_ARG, "src: copy a whole profile with sbp_profile_copy");
  sbp_node *n = copy_subtree(p, src);
  if (n == NULL) return sbp__nomem(err);
  *out = n;
  return SBP_OK;
}

int sbp_profile_copy(const sbp_profile *src, sbp_profile **out, const sbp_alloc *alloc,
                     sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (src == NULL || out == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "src and out must not be NULL");
  sbp_profile *p;
  int rc = sbp_profile_new(&p, alloc ? alloc : &src->alloc);
  if (rc != SBP_OK)
    return rc == SBP_E_NOMEM ? sbp__nomem(err)
                             : sbp__error(err, rc, "alloc: missing a function");
  p->version = src->version;
  p->options = src->options;
  for (const sbp_node *c = src->root.first; c != NULL; c = c->next) {
    sbp_node *n = copy_subtree(p, c);
    if (n == NULL) {
      sbp_profile_free(p);
      return sbp__nomem(err);
    }
    sbp__node_link_last(&p->root, n);
  }
  *out = p;
  return SBP_OK;
}

/* ---- equality ------------------------------------------------------------------------ */

static int ignored(const sbp_node *n, uint32_t flags) {
  if (n->type == SBP_NODE_COMMENT) return !(flags & SBP_EQUAL_COMMENTS);
  if (n->type == SBP_NODE_IMPORT) return !(flags & SBP_EQUAL_IMPORTS);
  return 0;
}

static const sbp_node *skip(const sbp_node *n, uint32_t flags) {
  while (n != NULL && ignored(n, flags)) n = n->next;
  return n;
}

static int same_bytes(const char *a, size_t alen, const char *b, size_t blen) {
  if ((a == NULL) != (b == NULL)) return 0;
  return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static int shallow_equal(const sbp_node *a, const sbp_node *b, uint32_t flags) {
  if (a->type != b->type || a->kind != b->kind) return 0;
  if (!same_bytes(a->text, a->text_len, b->text, b->text_len)) return 0;
  switch (a->type) {
    case SBP_NODE_RULE:
      if ((flags & SBP_EQUAL_COMMENTS) &&
          !same_bytes(a->comment, a->comment ? strlen(a->comment) : 0, b->comment,
                      b->comment ? strlen(b->comment) : 0))
        return 0;
      break;
    case SBP_NODE_VALUE:
      if (a->kind == SBP_VALUE_INTEGER || a->kind == SBP_VALUE_BOOLEAN) {
        if (a->num != b->num) return 0;
      } else if (a->kind == SBP_VALUE_NETADDR) {
        if (a->host != b->host) return 0;
        if (a->host != SBP__HOST_NONE && a->num != b->num) return 0;
      }
      break;
    default:
      break;
  }
  if (flags & SBP_EQUAL_POSITIONS) {
    if (a->line != b->line || a->column != b->column) return 0;
    if ((a->file == NULL) != (b->file == NULL)) return 0;
    if (a->file != NULL && strcmp(a->file, b->file) != 0) return 0;
  }
  return 1;
}

/* Walks both trees in step; returns 1 when they match. */
static int equal_walk(const sbp_node *a, const sbp_node *b, uint32_t flags) {
  const sbp_node *ra = a;
  for (;;) {
    if (!shallow_equal(a, b, flags)) return 0;
    const sbp_node *ca = skip(a->first, flags), *cb = skip(b->first, flags);
    if (ca != NULL && cb != NULL) {
      a = ca;
      b = cb;
      continue;
    }
    if (ca != NULL || cb != NULL) return 0;
    for (;;) {
      if (a == ra) return 1;
      const sbp_node *na = skip(a->next, flags), *nb = skip(b->next, flags);
      if (na != NULL && nb != NULL) {
        a = na;
        b = nb;
        break;
      }
      if (na != NULL || nb != NULL) return 0;
      a = a->parent;
      b = b->parent;
    }
  }
}

int sbp_node_equal(const sbp_node *a, const sbp_node *b, uint32_t flags) {
  if (a == NULL || b == NULL) return 0;
  return equal_walk(a, b, flags);
}

int sbp_profile_equal(const sbp_profile *a, const sbp_profile *b, uint32_t flags) {
  if (a == NULL || b == NULL) return 0;
  if (a->version != b->version || a->options != b->options) return 0;
  return equal_walk(&a->root, &b->root, flags);
}

/* ---- validation ---------------------------------------------------------------------- */

static int invalid(const sbp_node *n, sbp_error *err, const char *why) {
  return sbp__error_at(err, SBP_E_INVALID_TREE, n->file, n->line, n->column, 0, "%s %s",
                       sbp_node_type_name((sbp_node_type)n->type), why);
}

static int validate_one(const sbp_node *n, sbp_error *err) {
  switch (n->type) {
    case SBP_NODE_RULE: {
      if (n->first == NULL || n->first->type != SBP_NODE_OPERATION)
        return invalid(n, err, "has no operation");
      if (n->kind != SBP_ALLOW && n->kind != SBP_DENY) return invalid(n, err, "has no action");
      break;
    }
    case SBP_NODE_FILTER:
      if (n->nchildren == 0) return invalid(n, err, "has no value");
      break;
    case SBP_NODE_REQUIRE_ALL:
    case SBP_NODE_REQUIRE_ANY:
      if (n->nchildren == 0) return invalid(n, err, "has no filter");
      break;
    case SBP_NODE_REQUIRE_NOT:
      if (n->nchildren != 1) return invalid(n, err, "must hold exactly one filter");
      break;
    case SBP_NODE_VALUE:
      if (n->kind == SBP_VALUE_CONCAT && n->nchildren == 0)
        return invalid(n, err, "(concatenation) has no part");
      break;
    default:
      break;
  }
  return SBP_OK;
}

int sbp_node_validate(const sbp_node *root, sbp_error *err) {
  if (root == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "node is NULL");
  const sbp_node *n = root;
  for (;;) {
    int rc = validate_one(n, err);
    if (rc != SBP_OK) return rc;
    if (n->first != NULL) {
      n = n->first;
      continue;
    }
    while (n != root && n->next == NULL) n = n->parent;
    if (n == root) return SBP_OK;
    n = n->next;
  }
}

/* A rule sbp_node_validate() passes on its shape alone: validate_one() has nothing to say of
 * an operation or of a value that is not a concatenation, and the rest is checked here as
 * it is there (an action, an operation first, a filter with a value). Keep the two in step. */
int sbp__rule_is_plain(const sbp_node *rule) {
  if (rule->type != SBP_NODE_RULE || (rule->kind != SBP_ALLOW && rule->kind != SBP_DENY))
    return 0;
  const sbp_node *c = rule->first;
  if (c == NULL || c->type != SBP_NODE_OPERATION) return 0;
  for (; c != NULL && c->type == SBP_NODE_OPERATION; c = c->next)
    if (c->first != NULL) return 0;
  for (; c != NULL; c = c->next) {
    const sbp_node *v = c->first;
    if (c->type != SBP_NODE_FILTER || c->nchildren == 0 || v == NULL || v->next != NULL ||
        v->first != NULL || v->type != SBP_NODE_VALUE || v->kind == SBP_VALUE_CONCAT)
      return 0;
  }
  return 1;
}
