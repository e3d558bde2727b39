#include "rule_text.h"

#include <stdio.h>

#include "sbprofile/decide.h"
#include "sbprofile/serialize.h"
#include "buf.h"
#include "error.h"
#include "node.h"

/* One line of SBPL for a rule, through the serializer (compact, no comment, no split). */
int sbp__rule_text(sbp_buf *b, const sbp_alloc *a, const sbp_node *rule) {
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = SBP_SERIALIZE_COMPACT | SBP_SERIALIZE_NO_COMMENTS | SBP_SERIALIZE_NO_SPLIT;
  sbp_buf t = SBP_BUF_INIT;
  int rc = sbp_serialize_node(rule, &o, &t, NULL);
  if (rc == SBP_OK) rc = sbp__buf_put(b, a, t.ptr, t.len);
  else if (rc != SBP_E_NOMEM) rc = sbp__buf_puts(b, a, "(a rule that cannot be rendered)");
  sbp_buf_dispose(&t);
  return rc;
}

int sbp__rule_text_cut(sbp_buf *b, const sbp_alloc *a, const sbp_node *rule, size_t max) {
  if (max == 0) return sbp__rule_text(b, a, rule);
  sbp_buf t = SBP_BUF_INIT;
  int rc = sbp__rule_text(&t, a, rule);
  if (!rc) rc = t.len > max ? sbp__buf_put(b, a, t.ptr, max - 3) : sbp__buf_put(b, a, t.ptr, t.len);
  if (!rc && t.len > max) rc = sbp__buf_puts(b, a, "...");
  sbp_buf_dispose(&t);
  return rc;
}

size_t sbp__rule_where_into(char *out, size_t size, const sbp_node *rule) {
  int n;
  if (rule->line == 0) {
    size_t i = 0;
    for (const sbp_node *c = rule->parent ? rule->parent->first : rule; c && c != rule; c = c->next)
      if (c->type == SBP_NODE_RULE) i++;
    n = snprintf(out, size, "rule #%zu (no source position)", i + 1);
  } else {
    n = snprintf(out, size, "%s:%u:%u", rule->file ? rule->file : "<profile>",
                 (unsigned)rule->line, (unsigned)rule->column);
  }
  return n > 0 ? (size_t)n : 0;
}

int sbp__rule_where(sbp_buf *b, const sbp_alloc *a, const sbp_node *rule) {
  size_t n = sbp__rule_where_into(NULL, 0, rule);
  int rc = sbp__buf_grow(b, a, n);
  if (rc) return rc;
  sbp__rule_where_into(b->ptr + b->len, n + 1, rule);
  b->len += n;
  return SBP_OK;
}

int sbp_rule_text(const sbp_node *rule, sbp_buf *out, sbp_error *err) {
  if (rule == NULL || out == NULL || rule->type != SBP_NODE_RULE)
    return sbp__error(err, SBP_E_INVALID_ARG, "rule text: not a rule");
  const sbp_alloc *a = &rule->owner->alloc;
  return sbp__rule_text(out, a, rule) == SBP_OK ? SBP_OK : sbp__nomem(err);
}
