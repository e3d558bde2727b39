/* The decision engine's internals, shared by decider.c (compiling a profile and deciding),
 * request.c (requests), explain.c (texts, explanations) and assert.c (assertion helpers). */
#ifndef SBP_LIB_DECIDER_H
#define SBP_LIB_DECIDER_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/decide.h"
#include "alloc.h"

#define SBP__NO_RULE (-1)
/* Attribute ids: the sbp_attr values for known names, then extra names interned per decider
 * (ids from SBP__ATTR_FIRST_EXTRA on). */
#define SBP__ATTR_KNOWN_COUNT 27u
#define SBP__ATTR_FIRST_EXTRA SBP__ATTR_KNOWN_COUNT

/* Kleene truth values. */
#define SBP__F 0
#define SBP__U 1
#define SBP__T 2

typedef enum sbp__req_kind { SBP__RQ_STRING = 1, SBP__RQ_INTEGER = 2, SBP__RQ_NETADDR = 3 } sbp__req_kind;

/* Network protocol bits: v4, v6, tcp, udp (the catalog's encoding of ip4=1 ... udp=11). */
#define SBP__NET_V4 1u
#define SBP__NET_V6 2u
#define SBP__NET_TCP 4u
#define SBP__NET_UDP 8u

typedef struct sbp__req_attr {
  uint32_t known;    /* sbp_attr value, 0 when named */
  char *name;        /* the base filter name (owned copy when named; static otherwise) */
  uint8_t kind;      /* sbp__req_kind */
  char *str;         /* owned, NUL-terminated: text value or host (NULL for any host) */
  size_t len;
  size_t cap;        /* bytes allocated at str (text values) */
  int64_t num;       /* integer value, or port for NETADDR */
  uint32_t proto;    /* NETADDR protocol bits */
  int loopback;      /* NETADDR: the host is localhost or a loopback address */
} sbp__req_attr;

#define SBP__CHAIN_MAX 16

struct sbp_request {
  sbp_alloc alloc;
  char *op;
  size_t op_len;
  sbp__req_attr *attrs;
  size_t nattrs, cap;
  /* memo of the chain for (op, catalog version): static names from the catalog */
  int chain_valid;
  uint32_t chain_macos;
  const char *chain[SBP__CHAIN_MAX];
  size_t chain_len[SBP__CHAIN_MAX];
  uint8_t chain_weak[SBP__CHAIN_MAX]; /* reached through a weak link: 1 fallback, 2 inferred */
  size_t nchain;
  int chain_terminal;   /* the top of the chain is TERMINAL */
  int chain_builtin;    /* its built-in action */
  int chain_unknown;    /* the operation is not in the catalog */
  /* memo of the chain's buckets in one decider (memo_id: that decider's id; 0: none) */
  uint64_t memo_id;
  int64_t memo_bucket[SBP__CHAIN_MAX];
};

struct sbp_decision {
  sbp_alloc alloc;
  int result;
  int step;
  uint32_t flags;
  int64_t rule_index;
  const sbp_node *rule;
  const char *op;
  const sbp_node *skipped;
  const char *missing;
};

/* Finds the chain of the request's operation (memoised in the request). */
void sbp__request_chain(const sbp_request *req, uint32_t macos);
/* The request's attribute of that base name, or NULL. */
const sbp__req_attr *sbp__request_attr(const sbp_request *req, const char *base);
/* The request's attribute with that sbp_attr id, or NULL. */
const sbp__req_attr *sbp__request_attr_known(const sbp_request *req, uint32_t id);

/* Core decision shared by sbp_decide_into and explain. trace, when not NULL, receives a
 * readable account of every speaking rule (slow path). */
int sbp__decide(const sbp_decider *d, const sbp_request *req, const sbp_decide_options *opt,
                sbp_decision *out, sbp_buf *trace, sbp_error *err);

/* Appends a rule's one-line text to buf. */
int sbp__rule_text(sbp_buf *buf, const sbp_alloc *a, const sbp_node *rule);
/* Appends "FILE:LINE:COL" (or "rule #N (no position)") for a rule. */
int sbp__rule_where(sbp_buf *buf, const sbp_alloc *a, const sbp_node *rule);

const sbp_alloc *sbp__decider_alloc(const sbp_decider *d);
uint32_t sbp__decider_macos(const sbp_decider *d);

#endif
