/* Compiling policies: emitting filters into rules split under the limit (policy_emit.h). */
#include "policy_emit.h"

#include <stdio.h>
#include <string.h>

#include "sbprofile/build.h"

/* Budget of one rule's text, under SBP_RULE_TEXT_MAX with room for operations and comment. */
#define RULE_BUDGET (SBP_RULE_TEXT_MAX - 4096u)

/* Bytes a string takes in the profile text (escapes counted). */
size_t sbp__emit_text_cost(const char *s, size_t n) {
  size_t cost = n + 4;
  for (size_t i = 0; i < n; i++) cost += (s[i] == '"' || s[i] == '\\');
  return cost;
}

int sbp__emit_new_rule(sbp__emitter *em) {
  sbp__compiler *c = em->c;
  sbp__group *g = em->g;
  sbp_error *err = c->err;
  const char *ops = g->ops;
  const char *sp = strchr(ops, ' ');
  size_t first = sp ? (size_t)(sp - ops) : strlen(ops);
  int rc = sbp_profile_add_rule(c->prof, g->action, ops, first, &em->rule, err);
  while (rc == SBP_OK && sp != NULL) {
    ops = sp + 1;
    sp = strchr(ops, ' ');
    size_t l = sp ? (size_t)(sp - ops) : strlen(ops);
    rc = sbp_rule_add_operation(em->rule, ops, l, NULL, err);
  }
  if (rc == SBP_OK && c->comments && g->label.len > 0) {
    em->parts++;
    if (em->parts == 1) {
      sbp_buf t = SBP_BUF_INIT;
      rc = sbp__buf_puts(&t, c->a, "policy: ");
      if (rc == SBP_OK) rc = sbp__buf_put(&t, c->a, g->label.ptr, g->label.len);
      if (rc == SBP_OK) rc = sbp_rule_set_comment(em->rule, t.ptr, t.len, err);
      sbp_buf_dispose(&t);
    } else {
      char more[64];
      snprintf(more, sizeof more, "policy: (continued, part %zu)", em->parts);
      rc = sbp_rule_set_comment(em->rule, more, strlen(more), err);
    }
  }
  em->size = strlen(g->ops) + 16;
  return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
}

/* Makes room for a filter of `cost` bytes: a new rule when the current one would pass the
 * limit. */
int sbp__emit_room(sbp__emitter *em, size_t cost) {
  if (em->rule == NULL || em->size + cost > RULE_BUDGET) {
    int rc = sbp__emit_new_rule(em);
    if (rc != SBP_OK) return rc;
  }
  em->size += cost;
  return SBP_OK;
}

int sbp__emit_path_filter(sbp__compiler *c, sbp_node *parent, int type, const char *text,
                          size_t len) {
  static const char *const names[] = {"literal", "subpath", "regex"};
  sbp_node *f;
  const char *name = names[type];
  int rc = sbp_node_add_filter(parent, name, strlen(name), &f, c->err);
  if (rc == SBP_OK)
    rc = type == F_REGEX ? sbp_node_add_regex(f, text, len, NULL, c->err)
                         : sbp_node_add_string(f, text, len, NULL, c->err);
  return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
}

int sbp__emit_spec(sbp__emitter *em, const sbp__spec *s) {
  sbp__compiler *c = em->c;
  sbp_error *err = c->err;
  int rc;
  switch (s->type) {
    case F_LITERAL:
    case F_SUBPATH:
    case F_REGEX:
      if ((rc = sbp__emit_room(em, sbp__emit_text_cost(s->text, s->len) + 10)) != SBP_OK)
        return rc;
      return sbp__emit_path_filter(c, em->rule, s->type, s->text, s->len);
    case F_NAME:
    case F_CONST: {
      if ((rc = sbp__emit_room(
               em, sbp__emit_text_cost(s->text, s->len) + strlen(s->u.filter) + 4)) != SBP_OK)
        return rc;
      sbp_node *f;
      rc = sbp_node_add_filter(em->rule, s->u.filter, strlen(s->u.filter), &f, err);
      if (rc == SBP_OK)
        rc = s->type == F_NAME ? sbp_node_add_string(f, s->text, s->len, NULL, err)
                               : sbp_node_add_constant(f, s->text, s->len, NULL, err);
      return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
    }
    case F_NET: {
      if ((rc = sbp__emit_room(em, 40)) != SBP_OK) return rc;
      sbp_node *f;
      const char *side = s->side == 1 ? "local" : "remote";
      rc = sbp_node_add_filter(em->rule, side, strlen(side), &f, err);
      if (rc == SBP_OK)
        rc = sbp_node_add_netaddr(f, "ip", 2, s->text, s->len, s->n.port, NULL, err);
      return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
    }
    case F_UNIX: {
      if ((rc = sbp__emit_room(em, sbp__emit_text_cost(s->text, s->len) + 40)) != SBP_OK)
        return rc;
      sbp_node *f;
      const char *side = s->side == 1 ? "local" : "remote";
      rc = sbp_node_add_filter(em->rule, side, strlen(side), &f, err);
      if (rc == SBP_OK) rc = sbp_node_add_constant(f, "unix-socket", 11, NULL, err);
      if (rc == SBP_OK) return sbp__emit_path_filter(c, f, s->sub, s->text, s->len);
      return sbp__compiler_fail(c, rc);
    }
    case F_NODE: {
      if ((rc = sbp__emit_room(em, 200)) != SBP_OK) return rc;
      sbp_node *copy;
      rc = sbp_node_copy(c->prof, s->u.node, &copy, err);
      if (rc == SBP_OK) rc = sbp_node_append_child(em->rule, copy, err);
      return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
    }
    case F_CARVE: {
      size_t cost = sbp__emit_text_cost(s->text, s->len) + 30;
      const sbp__spec *nots = s->u.nots;
      for (size_t i = 0; i < s->n.nnots; i++)
        cost += sbp__emit_text_cost(nots[i].text, nots[i].len) + 30;
      if ((rc = sbp__emit_room(em, cost)) != SBP_OK) return rc;
      sbp_node *all, *not ;
      rc = sbp_node_add_require(em->rule, SBP_NODE_REQUIRE_ALL, &all, err);
      if (rc == SBP_OK) rc = sbp__emit_path_filter(c, all, s->sub, s->text, s->len);
      for (size_t i = 0; i < s->n.nnots && rc == SBP_OK; i++) {
        rc = sbp_node_add_require(all, SBP_NODE_REQUIRE_NOT, &not, err);
        if (rc == SBP_OK)
          rc = sbp__emit_path_filter(c, not, nots[i].type, nots[i].text, nots[i].len);
      }
      return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
    }
    default:
      return SBP_OK;
  }
}
