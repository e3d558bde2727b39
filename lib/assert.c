/* Assertion helpers for test fixtures: semantic (decisions) and structural (rules). */
#include "sbprofile/assert.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "decide.h"
#include "decider.h"
#include "error.h"
#include "explain.h"
#include "node.h"
#include "rule_text.h"

/* Fills err with code and text, and the position of rule when it has one. */
static int report(sbp_error *err, int code, const char *text, const sbp_node *rule) {
  if (rule != NULL && rule->line != 0)
    return sbp__error_at(err, code, rule->file, rule->line, rule->column, 0, "%s", text);
  return sbp__error(err, code, "%s", text);
}

int sbp_assert_decision(const sbp_decider *d, const sbp_request *req, int expected,
                        sbp_error *err) {
  if (d == NULL || req == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "assert: NULL argument");
  const sbp_alloc *A = sbp__decider_alloc(d);
  sbp_decision dec;
  memset(&dec, 0, sizeof dec);
  dec.alloc = *A;
  int rc = sbp__decide(d, req, NULL, &dec, NULL, err);
  if (rc != SBP_OK) return rc;
  int ok = dec.result == expected;
  sbp_buf msg = SBP_BUF_INIT, rq = SBP_BUF_INIT;
  rc = sbp_request_describe(req, &rq, NULL);
  if (!rc) {
    if (!ok) {
      rc = sbp__buf_puts(&msg, A, "expected ");
      if (!rc) rc = sbp__buf_puts(&msg, A, sbp_decision_result_name(expected));
      if (!rc) rc = sbp__buf_puts(&msg, A, " for ");
      if (!rc) rc = sbp__buf_put(&msg, A, rq.ptr, rq.len);
      if (!rc) rc = sbp__buf_puts(&msg, A, ", got ");
    } else {
      rc = sbp__buf_put(&msg, A, rq.ptr, rq.len);
      if (!rc) rc = sbp__buf_puts(&msg, A, ": ");
    }
  }
  if (!rc) rc = sbp__decision_describe(&dec, &msg, A);
  sbp_buf_dispose(&rq);
  if (rc) {
    sbp_buf_dispose(&msg);
    return sbp__nomem(err);
  }
  const sbp_node *where = dec.rule ? dec.rule : dec.skipped;
  if (dec.result == SBP_DECISION_UNKNOWN && dec.skipped) where = dec.skipped;
  rc = report(err, ok ? SBP_OK : SBP_E_ASSERT, msg.ptr, where);
  sbp_buf_dispose(&msg);
  return rc;
}

static int assert_with(const sbp_profile *p, const sbp_request *req, int expected, sbp_error *err) {
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "assert: NULL profile");
  sbp_decider *d;
  int rc = sbp_decider_new(&d, p, NULL, err);
  if (rc != SBP_OK) return rc;
  rc = sbp_assert_decision(d, req, expected, err);
  sbp_decider_free(d);
  return rc;
}

int sbp_assert_allows(const sbp_profile *p, const sbp_request *req, sbp_error *err) {
  return assert_with(p, req, SBP_DECISION_ALLOW, err);
}

int sbp_assert_denies(const sbp_profile *p, const sbp_request *req, sbp_error *err) {
  return assert_with(p, req, SBP_DECISION_DENY, err);
}

static int assert_simple(const sbp_profile *p, const char *op, size_t op_len, const char *target,
                         size_t target_len, int expected, sbp_error *err) {
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "assert: NULL profile");
  sbp_request *r;
  int rc = sbp_request_new(&r, &p->alloc, err);
  if (rc != SBP_OK) return rc;
  rc = sbp_request_set_simple(r, op, op_len, target, target_len, err);
  if (rc == SBP_OK) rc = assert_with(p, r, expected, err);
  sbp_request_free(r);
  return rc;
}

int sbp_assert_allows_simple(const sbp_profile *p, const char *op, size_t op_len,
                             const char *target, size_t target_len, sbp_error *err) {
  return assert_simple(p, op, op_len, target, target_len, SBP_DECISION_ALLOW, err);
}

int sbp_assert_denies_simple(const sbp_profile *p, const char *op, size_t op_len,
                             const char *target, size_t target_len, sbp_error *err) {
  return assert_simple(p, op, op_len, target, target_len, SBP_DECISION_DENY, err);
}

/* ---- structural ------------------------------------------------------------------------- */

/* Does value node v have the text (or decimal number) value? */
static int value_is(const sbp_node *v, const char *value, size_t len) {
  if (v->kind == SBP_VALUE_INTEGER) {
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v->num);
    return n > 0 && (size_t)n == len && memcmp(tmp, value, len) == 0;
  }
  if (v->text == NULL) return 0;
  return v->text_len == len && memcmp(v->text, value, len) == 0;
}

static int same_filter(const sbp_node *f, const char *spelling, size_t len) {
  if (f->text_len == len && memcmp(f->text, spelling, len) == 0) return 1;
  const sbp__filter_info *a = sbp__catalog_filter(0, f->text, f->text_len);
  const sbp__filter_info *b = sbp__catalog_filter(0, spelling, len);
  return a != NULL && b != NULL && a->match == b->match && strcmp(a->base, b->base) == 0;
}

/* Walks a rule's filter subtree (parent links): does a leaf filter match spelling and value
 * (spelling NULL: any filter) ? */
static int rule_has(const sbp_node *rule, const char *spelling, size_t slen, const char *value,
                    size_t vlen) {
  const sbp_node *n = rule->first;
  while (n != NULL) {
    if (n->type == SBP_NODE_FILTER && (spelling == NULL || same_filter(n, spelling, slen)))
      for (const sbp_node *v = n->first; v; v = v->next)
        if (v->type == SBP_NODE_VALUE && value_is(v, value, vlen)) return 1;
    if (n->type == SBP_NODE_FILTER && spelling == NULL) {
      /* value search within concatenations too */
      for (const sbp_node *v = n->first; v; v = v->next)
        for (const sbp_node *w = v->first; w; w = w->next)
          if (w->type == SBP_NODE_VALUE && value_is(w, value, vlen)) return 1;
    }
    if (n->first != NULL && n->type != SBP_NODE_FILTER) {
      n = n->first;
      continue;
    }
    while (n != rule && n->next == NULL) n = n->parent;
    if (n == rule) break;
    n = n->next;
  }
  return 0;
}

static int rule_on(const sbp_node *rule, const char *op, size_t op_len) {
  size_t want_len = op_len;
  const char *want = sbp__catalog_op_alias(op, op_len, &want_len);
  for (const sbp_node *o = rule->first; o && o->type == SBP_NODE_OPERATION; o = o->next) {
    size_t l = o->text_len;
    const char *n = sbp__catalog_op_alias(o->text, o->text_len, &l);
    if (l == want_len && memcmp(n, want, l) == 0) return 1;
  }
  return 0;
}

static int filtered(const sbp_node *rule) {
  for (const sbp_node *c = rule->first; c; c = c->next)
    if (sbp__is_filter(c)) return 1;
  return 0;
}

int sbp_assert_has_rule(const sbp_profile *p, sbp_action action, const char *op, size_t op_len,
                        const char *filter, size_t filter_len, const char *value,
                        size_t value_len, sbp_error *err) {
  if (p == NULL || op == NULL || op_len == 0 || (action != SBP_ALLOW && action != SBP_DENY) ||
      (filter != NULL && value == NULL))
    return sbp__error(err, SBP_E_INVALID_ARG, "assert: bad argument");
  const sbp_node *found = NULL, *mention = NULL;
  for (const sbp_node *r = p->root.first; r; r = r->next) {
    if (r->type != SBP_NODE_RULE) continue;
    if (filter != NULL && mention == NULL && rule_has(r, NULL, 0, value, value_len)) mention = r;
    if (r->kind != action || !rule_on(r, op, op_len)) continue;
    if (filter == NULL ? !filtered(r) : rule_has(r, filter, filter_len, value, value_len))
      found = r;
  }
  const sbp_alloc *A = &p->alloc;
  sbp_buf msg = SBP_BUF_INIT;
  int rc;
  const char *act = action == SBP_ALLOW ? "allow" : "deny";
  if (found != NULL) {
    rc = sbp__buf_puts(&msg, A, "found ");
    if (!rc) rc = sbp__rule_text(&msg, A, found);
    if (!rc) rc = sbp__buf_puts(&msg, A, " at ");
    if (!rc) rc = sbp__rule_where(&msg, A, found);
  } else {
    char head[200];
    if (filter != NULL)
      snprintf(head, sizeof head, "no (%s %.*s (%.*s \"%.*s\")) rule", act, (int)op_len, op,
               (int)filter_len, filter, (int)(value_len > 80 ? 80 : value_len), value);
    else
      snprintf(head, sizeof head, "no unfiltered (%s %.*s) rule", act, (int)op_len, op);
    rc = sbp__buf_puts(&msg, A, head);
    if (!rc && mention != NULL) {
      rc = sbp__buf_puts(&msg, A, "; the value appears in ");
      if (!rc) rc = sbp__rule_text(&msg, A, mention);
      if (!rc) rc = sbp__buf_puts(&msg, A, " at ");
      if (!rc) rc = sbp__rule_where(&msg, A, mention);
    }
  }
  if (rc) {
    sbp_buf_dispose(&msg);
    return sbp__nomem(err);
  }
  rc = report(err, found ? SBP_OK : SBP_E_ASSERT, msg.ptr, found ? found : mention);
  sbp_buf_dispose(&msg);
  return rc;
}

int sbp_profile_rules_mentioning(const sbp_profile *p, const char *value, size_t value_len,
                                 sbp_buf *out, size_t *count, sbp_error *err) {
  if (count) *count = 0;
  if (p == NULL || value == NULL || out == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "rules mentioning: NULL argument");
  const sbp_alloc *A = &p->alloc;
  sbp_buf body = SBP_BUF_INIT;
  size_t n = 0;
  int rc = sbp__buf_puts(&body, A, "");
  for (const sbp_node *r = p->root.first; !rc && r; r = r->next) {
    if (r->type != SBP_NODE_RULE || !rule_has(r, NULL, 0, value, value_len)) continue;
    n++;
    rc = sbp__rule_where(&body, A, r);
    if (!rc) rc = sbp__buf_puts(&body, A, ": ");
    if (!rc) rc = sbp__rule_text(&body, A, r);
    if (!rc) rc = sbp__buf_putc(&body, A, '\n');
  }
  if (rc) {
    sbp_buf_dispose(&body);
    return sbp__nomem(err);
  }
  sbp__buf_move(out, &body);
  if (count) *count = n;
  return SBP_OK;
}
