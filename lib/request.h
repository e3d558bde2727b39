/* Requests for the decision engine (request.c): an operation and its attributes, and the
 * chain of operations it falls back through. */
#ifndef SBP_LIB_REQUEST_H
#define SBP_LIB_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/decide.h"
#include "alloc.h"

/* Attribute ids: the sbp_attr values for known names, then extra names interned per decider
 * (ids from SBP__ATTR_FIRST_EXTRA on). */
#define SBP__ATTR_KNOWN_COUNT 27u
#define SBP__ATTR_FIRST_EXTRA SBP__ATTR_KNOWN_COUNT

typedef enum sbp__req_kind { SBP__RQ_STRING = 1, SBP__RQ_INTEGER = 2, SBP__RQ_NETADDR = 3 } sbp__req_kind;

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

/* Finds the chain of the request's operation (memoised in the request). */
void sbp__request_chain(const sbp_request *req, uint32_t macos);
/* The request's attribute of that base name, or NULL. */
const sbp__req_attr *sbp__request_attr(const sbp_request *req, const char *base);
/* The request's attribute with that sbp_attr id, or NULL. */
const sbp__req_attr *sbp__request_attr_known(const sbp_request *req, uint32_t id);

#endif
