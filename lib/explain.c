/* Decisions as objects and as text: accessors, one-line summaries, rule texts, the readable
 * account of a decision, and the table of weak facts (semantics.md section 7). */
#include "explain.h"

#include <stdio.h>
#include <string.h>

#include "sbprofile/catalog.h"
#include "buf.h"
#include "decide.h"
#include "decider.h"
#include "error.h"
#include "node.h"
#include "rule_text.h"

/* ---- the weak facts, one row each ------------------------------------------------------- */

typedef struct weak_fact {
  uint32_t flag;
  const char *name;
  int fact;                /* sbp_fact, or SBP_FACT_NONE */
  const char *fact_text;   /* for flags that are no weak fact */
  const char *consequence; /* idem */
} weak_fact;

static const weak_fact weak_facts[] = {
    {SBP_DECISION_FLAG_UNFILTERED_ORDER, "unfiltered-order", SBP_FACT_UNFILTERED_BELOW_FILTERED,
     NULL, NULL},
    {SBP_DECISION_FLAG_TERMINAL, "terminal", SBP_FACT_TERMINAL_BUILTIN, NULL, NULL},
    {SBP_DECISION_FLAG_WEAK_CHAIN, "weak-chain", SBP_FACT_FALLBACK_CHAINS, NULL, NULL},
    {SBP_DECISION_FLAG_REGEX_BRACES, "regex-braces", SBP_FACT_REGEX_COUNTED_REPETITION, NULL, NULL},
    {SBP_DECISION_FLAG_MISSING_ATTR, "missing-attribute", SBP_FACT_NONE,
     "a filter needed an attribute the request did not give (three-valued logic)",
     "the answer depends on that attribute"},
    {SBP_DECISION_FLAG_UNKNOWN_NAME, "unknown-name", SBP_FACT_NONE,
     "an operation or filter not known for the selected macOS version",
     "the catalog's chain or filter meaning"},
    {SBP_DECISION_FLAG_LONG_STRING, "long-string", SBP_FACT_STRING_LITERAL_256, NULL, NULL},
    {SBP_DECISION_FLAG_INFERRED_PARENT, "inferred-parent", SBP_FACT_INFERRED_PARENT, NULL, NULL},
    {SBP_DECISION_FLAG_WILDCARD_TERMINAL, "wildcard-terminal", SBP_FACT_WILDCARD_SKIPS_TERMINAL,
     NULL, NULL},
    {SBP_DECISION_FLAG_MISSING_IMPORT, "missing-import", SBP_FACT_NONE,
     "an import that was not found could hold a rule that decides",
     "the answer depends on the rules of the missing file"},
    {SBP_DECISION_FLAG_CHAIN_PRECEDENCE, "chain-precedence", SBP_FACT_SPECIFIC_OPERATION_FIRST,
     NULL, NULL},
};

#define N_FACTS (sizeof weak_facts / sizeof weak_facts[0])

static const char *confidence_letter(int fact) {
  switch (sbp_catalog_fact_confidence((sbp_fact)fact)) {
    case SBP_CONFIDENCE_HIGH: return "H";
    case SBP_CONFIDENCE_MEDIUM: return "M";
    case SBP_CONFIDENCE_LOW: return "L";
    default: return "-";
  }
}

static const char *row_fact(const weak_fact *w) {
  return w->fact ? sbp_catalog_fact_statement((sbp_fact)w->fact) : w->fact_text;
}

static const char *row_consequence(const weak_fact *w) {
  return w->fact ? sbp_catalog_fact_if_wrong((sbp_fact)w->fact) : w->consequence;
}

static const char *row_confidence(const weak_fact *w) {
  return w->fact ? confidence_letter(w->fact) : "-";
}

const char *sbp_decision_flag_fact(uint32_t flag, const char **confidence,
                                   const char **consequence) {
  for (size_t i = 0; i < N_FACTS; i++)
    if (weak_facts[i].flag == flag) {
      if (confidence) *confidence = row_confidence(&weak_facts[i]);
      if (consequence) *consequence = row_consequence(&weak_facts[i]);
      return row_fact(&weak_facts[i]);
    }
  return NULL;
}

int sbp_decision_flag_fact_id(uint32_t flag) {
  for (size_t i = 0; i < N_FACTS; i++)
    if (weak_facts[i].flag == flag) return weak_facts[i].fact;
  return SBP_FACT_NONE;
}

const char *sbp_decision_flag_name(uint32_t flag) {
  for (size_t i = 0; i < N_FACTS; i++)
    if (weak_facts[i].flag == flag) return weak_facts[i].name;
  return NULL;
}

/* ---- decision objects ------------------------------------------------------------------- */

int sbp_decision_new(sbp_decision **out, const sbp_alloc *alloc, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "decision: NULL out");
  *out = NULL;
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc))
    return sbp__error(err, SBP_E_INVALID_ARG, "decision: allocator lacks a function");
  sbp_decision *d = sbp__malloc(alloc, sizeof *d);
  if (d == NULL) return sbp__nomem(err);
  memset(d, 0, sizeof *d);
  d->alloc = *alloc;
  d->rule_index = SBP__NO_RULE;
  *out = d;
  return SBP_OK;
}

void sbp_decision_free(sbp_decision *d) {
  if (d == NULL) return;
  sbp_alloc a = d->alloc;
  sbp__free(&a, d);
}

int sbp_decide_into(const sbp_decider *decider, const sbp_request *request,
                    const sbp_decide_options *options, sbp_decision *decision, sbp_error *err) {
  return sbp__decide(decider, request, options, decision, NULL, err);
}

int sbp_decide(const sbp_decider *decider, const sbp_request *request,
               const sbp_decide_options *options, sbp_decision **out, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "decide: NULL out");
  *out = NULL;
  if (decider == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "decide: NULL decider");
  sbp_decision *d;
  int rc = sbp_decision_new(&d, sbp__decider_alloc(decider), err);
  if (rc != SBP_OK) return rc;
  rc = sbp__decide(decider, request, options, d, NULL, err);
  if (rc != SBP_OK) {
    sbp_decision_free(d);
    return rc;
  }
  *out = d;
  return SBP_OK;
}

int sbp_decide_simple(const sbp_profile *profile, const char *op, size_t op_len,
                      const char *target, size_t target_len, int *result, sbp_decision **out,
                      sbp_error *err) {
  if (out) *out = NULL;
  if (result) *result = SBP_DECISION_UNKNOWN;
  if (profile == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "decide: NULL profile");
  sbp_decider *dz = NULL;
  sbp_request *rq = NULL;
  sbp_decision *dec = NULL;
  int rc = sbp_decider_new(&dz, profile, NULL, err);
  if (rc == SBP_OK) rc = sbp_request_new(&rq, sbp__decider_alloc(dz), err);
  if (rc == SBP_OK) rc = sbp_request_set_simple(rq, op, op_len, target, target_len, err);
  if (rc == SBP_OK) rc = sbp_decide(dz, rq, NULL, &dec, err);
  if (rc == SBP_OK) {
    if (result) *result = dec->result;
    if (out) *out = dec;
    else sbp_decision_free(dec);
  }
  sbp_request_free(rq);
  sbp_decider_free(dz);
  return rc;
}

int sbp_decision_result(const sbp_decision *d) { return d ? d->result : SBP_DECISION_UNKNOWN; }

const char *sbp_decision_result_name(int result) {
  switch (result) {
    case SBP_DECISION_ALLOW: return "allow";
    case SBP_DECISION_DENY: return "deny";
    default: return "unknown";
  }
}

int sbp_decision_step_of(const sbp_decision *d) { return d ? d->step : SBP_STEP_NONE; }
uint32_t sbp_decision_flags(const sbp_decision *d) { return d ? d->flags : 0; }
const sbp_node *sbp_decision_rule(const sbp_decision *d) { return d ? d->rule : NULL; }
int64_t sbp_decision_rule_index(const sbp_decision *d) { return d ? d->rule_index : SBP__NO_RULE; }
const char *sbp_decision_operation(const sbp_decision *d) { return d ? d->op : NULL; }
const sbp_node *sbp_decision_skipped_rule(const sbp_decision *d) { return d ? d->skipped : NULL; }
const char *sbp_decision_missing_attr(const sbp_decision *d) { return d ? d->missing : NULL; }
const char *sbp_decision_missing_param(const sbp_decision *d) {
  return d ? d->missing_param : NULL;
}
const char *sbp_decision_missing_import(const sbp_decision *d) {
  return d && d->missing_import ? d->missing_import->text : NULL;
}

size_t sbp_decision_modifier_count(const sbp_decision *d) {
  size_t n = 0;
  if (d == NULL || d->rule == NULL) return 0;
  for (const sbp_node *c = d->rule->first; c; c = c->next)
    if (c->type == SBP_NODE_MODIFIER) n++;
  return n;
}

const sbp_node *sbp_decision_modifier(const sbp_decision *d, size_t i) {
  if (d == NULL || d->rule == NULL) return NULL;
  for (const sbp_node *c = d->rule->first; c; c = c->next)
    if (c->type == SBP_NODE_MODIFIER && i-- == 0) return c;
  return NULL;
}

static int put_flags(sbp_buf *b, const sbp_alloc *a, uint32_t flags) {
  int rc = SBP_OK;
  int first = 1;
  for (size_t i = 0; !rc && i < N_FACTS; i++) {
    if (!(flags & weak_facts[i].flag)) continue;
    rc = sbp__buf_puts(b, a, first ? " {" : ", ");
    if (!rc) rc = sbp__buf_puts(b, a, weak_facts[i].name);
    first = 0;
  }
  if (!rc && !first) rc = sbp__buf_putc(b, a, '}');
  return rc;
}

/* What a skipped rule needs: "signing-identifier, which the request does not give" or "a
 * value for parameter \"ROOT\"". */
static int put_needs(sbp_buf *b, const sbp_alloc *a, const sbp_decision *d) {
  if (d->missing_param != NULL) {
    int rc = sbp__buf_puts(b, a, "a value for parameter \"");
    if (!rc) rc = sbp__buf_puts(b, a, d->missing_param);
    return rc ? rc : sbp__buf_putc(b, a, '"');
  }
  int rc = sbp__buf_puts(b, a, d->missing ? d->missing : "an attribute");
  return rc ? rc : sbp__buf_puts(b, a, ", which the request does not give");
}

/* An unknown answer, blaming first what it rests on: "unknown: (rule) at P would allow, but it
 * needs ...; otherwise deny by (rule) at Q [step]". */
static int describe_unknown(const sbp_decision *d, sbp_buf *b, const sbp_alloc *a) {
  int rc = sbp__buf_puts(b, a, "unknown: ");
  if (!rc && d->skipped != NULL) {
    rc = sbp__rule_text_cut(b, a, d->skipped, 0);
    if (!rc) rc = sbp__buf_puts(b, a, " at ");
    if (!rc) rc = sbp__rule_where(b, a, d->skipped);
    if (!rc) rc = sbp__buf_puts(b, a, d->skipped->kind == SBP_DENY ? " would deny" : " would allow");
    if (!rc) rc = sbp__buf_puts(b, a, ", but it needs ");
    if (!rc) rc = put_needs(b, a, d);
  }
  if (!rc && d->missing_import != NULL) {
    rc = sbp__buf_puts(b, a, d->skipped ? "; and import \"" : "import \"");
    if (!rc) rc = sbp__buf_puts(b, a, d->missing_import->text);
    if (!rc) rc = sbp__buf_puts(b, a, "\" at ");
    if (!rc) rc = sbp__rule_where(b, a, d->missing_import);
    if (!rc) rc = sbp__buf_puts(b, a, " was not found, and its rules could decide");
  }
  if (!rc) rc = sbp__buf_puts(b, a, "; otherwise ");
  if (!rc) rc = sbp__buf_puts(b, a, d->rule->kind == SBP_DENY ? "deny" : "allow");
  if (!rc) rc = sbp__buf_puts(b, a, " by ");
  if (!rc) rc = sbp__rule_text_cut(b, a, d->rule, 0);
  if (!rc) rc = sbp__buf_puts(b, a, " at ");
  if (!rc) rc = sbp__rule_where(b, a, d->rule);
  if (!rc) rc = sbp__buf_puts(b, a, " [");
  if (!rc) rc = sbp__buf_puts(b, a, sbp_decision_step_name(d->step));
  if (!rc) rc = sbp__buf_putc(b, a, ']');
  if (!rc) rc = put_flags(b, a, d->flags);
  return rc;
}

/* brief: for assertion messages (which hold 255 bytes): rule texts cut at 90 bytes, no flags. */
static int describe(const sbp_decision *d, sbp_buf *b, const sbp_alloc *a, int brief) {
  if (!brief && d->result == SBP_DECISION_UNKNOWN && d->rule != NULL &&
      (d->skipped != NULL || d->missing_import != NULL))
    return describe_unknown(d, b, a);
  size_t max = brief ? 90 : 0;
  int rc = sbp__buf_puts(b, a, sbp_decision_result_name(d->result));
  if (!rc && d->rule != NULL) {
    rc = sbp__buf_puts(b, a, " by ");
    if (!rc) rc = sbp__rule_text_cut(b, a, d->rule, max);
    if (!rc) rc = sbp__buf_puts(b, a, " at ");
    if (!rc) rc = sbp__rule_where(b, a, d->rule);
  }
  if (!rc) rc = sbp__buf_puts(b, a, " [");
  if (!rc) rc = sbp__buf_puts(b, a, sbp_decision_step_name(d->step));
  if (!rc) rc = sbp__buf_putc(b, a, ']');
  if (!rc && d->skipped != NULL) {
    rc = sbp__buf_puts(b, a, d->result == SBP_DECISION_UNKNOWN ? "; unknown because "
                                                                : "; passed over ");
    if (!rc) rc = sbp__rule_text_cut(b, a, d->skipped, max);
    if (!rc) rc = sbp__buf_puts(b, a, " at ");
    if (!rc) rc = sbp__rule_where(b, a, d->skipped);
    if (!rc) rc = sbp__buf_puts(b, a, " needs ");
    if (!rc) rc = sbp__buf_puts(b, a, d->missing ? d->missing : "an attribute");
  }
  if (!rc && d->missing_import != NULL) {
    rc = sbp__buf_puts(b, a, d->result == SBP_DECISION_UNKNOWN ? "; unknown because import \""
                                                                : "; import \"");
    if (!rc) rc = sbp__buf_puts(b, a, d->missing_import->text);
    if (!rc) rc = sbp__buf_puts(b, a, "\" at ");
    if (!rc) rc = sbp__rule_where(b, a, d->missing_import);
    if (!rc) rc = sbp__buf_puts(b, a, " was not found");
  }
  if (!rc && !brief) rc = put_flags(b, a, d->flags);
  return rc;
}

int sbp__decision_describe(const sbp_decision *d, sbp_buf *out, const sbp_alloc *a) {
  return describe(d, out, a, 1);
}

int sbp_decision_describe(const sbp_decision *d, sbp_buf *out, sbp_error *err) {
  if (d == NULL || out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "decision: NULL argument");
  return describe(d, out, &d->alloc, 0) == SBP_OK ? SBP_OK : sbp__nomem(err);
}

int sbp_explain(const sbp_decider *decider, const sbp_request *request,
                const sbp_decide_options *options, sbp_buf *out, sbp_error *err) {
  if (decider == NULL || request == NULL || out == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "explain: NULL argument");
  const sbp_alloc *a = sbp__decider_alloc(decider);
  sbp_decision dec;
  memset(&dec, 0, sizeof dec);
  dec.alloc = *a;
  sbp_buf body = SBP_BUF_INIT;
  int rc = sbp__buf_puts(&body, a, "request: ");
  sbp_buf req = SBP_BUF_INIT;
  if (!rc) rc = sbp_request_describe(request, &req, NULL);
  if (!rc) rc = sbp__buf_put(&body, a, req.ptr, req.len);
  sbp_buf_dispose(&req);
  if (!rc) rc = sbp__buf_putc(&body, a, '\n');
  if (rc) {
    sbp_buf_dispose(&body);
    return sbp__nomem(err);
  }
  rc = sbp__decide(decider, request, options, &dec, &body, err);
  if (rc != SBP_OK) {
    sbp_buf_dispose(&body);
    return rc;
  }
  rc = sbp__buf_puts(&body, a, "decision: ");
  if (!rc) rc = describe(&dec, &body, a, 0);
  if (!rc) rc = sbp__buf_putc(&body, a, '\n');
  if (!rc && dec.rule != NULL && dec.op != NULL) {
    rc = sbp__buf_puts(&body, a, "  found on ");
    if (!rc) rc = sbp__buf_puts(&body, a, dec.op);
    if (!rc) rc = sbp__buf_putc(&body, a, '\n');
  }
  for (size_t i = 0; !rc && i < N_FACTS; i++) {
    if (!(dec.flags & weak_facts[i].flag)) continue;
    rc = sbp__buf_puts(&body, a, "  relies on: ");
    if (!rc) rc = sbp__buf_puts(&body, a, row_fact(&weak_facts[i]));
    if (!rc) rc = sbp__buf_puts(&body, a, " [");
    if (!rc) rc = sbp__buf_puts(&body, a, row_confidence(&weak_facts[i]));
    if (!rc) rc = sbp__buf_puts(&body, a, "; if wrong: ");
    if (!rc) rc = sbp__buf_puts(&body, a, row_consequence(&weak_facts[i]));
    if (!rc) rc = sbp__buf_puts(&body, a, "]\n");
  }
  if (rc) {
    sbp_buf_dispose(&body);
    return sbp__nomem(err);
  }
  sbp__buf_move(out, &body);
  return SBP_OK;
}
