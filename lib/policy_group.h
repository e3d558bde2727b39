/* Compiling a policy into a profile: the compiler's state, and the groups it collects rules
 * into. One group per (section, action, operations) becomes one rule, or several past the size
 * limit; the sections and their order are described in policy_compile.c. */
#ifndef SBP_LIB_POLICY_GROUP_H
#define SBP_LIB_POLICY_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "buf.h"
#include "policy.h"
#include "policy_path.h"
#include "policy_set.h"
#include "sbprofile/build.h"

enum section {
  S_BASE,
  S_READ_BROAD,
  S_READ_DENY,
  S_READ_CARVE,
  S_READ_REDENY,
  S_READ_META,
  S_WRITE_BROAD,
  S_WRITE_DENY,
  S_MOVE,
  S_COUNT
};

enum spec_type {
  F_LITERAL,
  F_SUBPATH,
  F_REGEX,
  F_NAME,
  F_CONST,
  F_NET,
  F_NODE,
  F_CARVE,
  F_UNIX
};

/* One filter of a group: 32 bytes, as a group may hold one per policy entry. */
typedef struct sbp__spec {
  uint8_t type;
  uint8_t side; /* F_NET, F_UNIX: 1 local, 2 remote */
  uint8_t sub;  /* F_CARVE, F_UNIX: the path filter's type (literal, subpath, regex) */
  union {
    int32_t port;   /* F_NET */
    uint32_t nnots; /* F_CARVE: number of carve-outs */
  } n;
  const char *text; /* path, regex, name, constant, host */
  size_t len;
  union {
    const char *filter;           /* F_NAME, F_CONST: the filter's name */
    const sbp_node *node;         /* F_NODE */
    const struct sbp__spec *nots; /* F_CARVE: carve-outs (literal, subpath or regex specs) */
  } u;
} sbp__spec;

typedef struct sbp__group {
  int section;
  sbp_action action;
  const char *ops;
  int unfiltered;
  sbp__spec *specs;
  size_t nspecs, cap;
  sbp_buf label;
  const char *range_kind; /* the open range of indexed labels */
  long range_lo, range_hi;
} sbp__group;

typedef struct sbp__compiler {
  sbp_policy *p;
  const sbp_alloc *a;
  sbp__arena arena; /* scratch for this compilation */
  sbp_profile *prof;
  sbp__group **groups; /* each allocated alone, so that pointers to them stay valid */
  size_t ngroups, gcap;
  sbp_error *err;
  int rc;
  int comments, spellings;
  /* Write roots: write-allow paths (and glob bases), for "is this writable"; sorted only
   * when a deny needs the roots beneath it. */
  sbp__rootset roots;
  int slash_root; /* "/" is a write root */
  const char **sorted_roots;
  size_t nsorted;
  /* The list of each entry, in entry order: the passes that want one list scan these bytes
   * and touch only its entries, which matters once the entries outgrow the cache. */
  uint8_t *lists;
} sbp__compiler;

/* Records the first failure of a compilation; returns rc. */
int sbp__compiler_fail(sbp__compiler *c, int rc);

/* The group of (section, action, operations), made when new; NULL (c->rc set) when memory
 * fails. */
sbp__group *sbp__group_get(sbp__compiler *c, int section, sbp_action action, const char *ops);

/* Writes the open range of indexed labels into the group's label. */
int sbp__group_close_range(sbp__compiler *c, sbp__group *g);

/* Adds the name of the policy item behind a group's rule: "read-deny" with index 3 is
 * written read-deny[3], runs of indexes as ranges; index -1 for items without one. */
int sbp__group_label(sbp__compiler *c, sbp__group *g, const char *kind, long index);

/* A new filter of type in g, zeroed but for its type; NULL (c->rc set) when memory fails. */
sbp__spec *sbp__group_spec(sbp__compiler *c, sbp__group *g, int type);

/* Sets a path filter's text. */
static inline void sbp__spec_set_path(sbp__spec *s, const char *path, size_t len) {
  s->text = path;
  s->len = len;
}

/* Length of the parent directory of a path filter's path ("/a/b": 2; "/a": 0). */
static inline size_t sbp__spec_parent_len(const sbp__spec *s) {
  size_t k = s->len;
  while (k > 0 && s->text[k - 1] != '/') k--;
  return k > 0 ? k - 1 : 0;
}

/* One filter of a path: literal, subpath or regex. */
int sbp__group_add_path(sbp__compiler *c, sbp__group *g, int type, const char *text,
                        size_t len);

/* Marks the group unfiltered (a rule without filters), labelled. */
int sbp__group_add_unfiltered(sbp__compiler *c, int section, sbp_action action, const char *ops,
                              const char *label);

/* Adds a filter of a name or constant (type F_NAME or F_CONST), labelled. */
int sbp__group_add_named(sbp__compiler *c, int section, sbp_action action, const char *ops,
                         int type, const char *filter, const char *text, const char *label);

/* The anchored regex of a glob spelling (subtree: also everything beneath), in the arena. */
int sbp__group_glob_regex(sbp__compiler *c, const char *glob, size_t len, int subtree,
                          const char **out, size_t *out_len);

/* Adds one spelling of an entry as a filter: literal, subpath, or the glob's regex. */
int sbp__group_add_entry_spec(sbp__compiler *c, sbp__group *g, const sbp__pentry *e, int s,
                              int subtree_glob);

/* The spellings of an entry the profile names: all of them, or without
 * SBP_POLICY_BOTH_SPELLINGS the link spelling left out (a pattern's /private spellings are
 * canonical: they stay). */
static inline int sbp__group_spellings(const sbp__compiler *c, const sbp__pentry *e) {
  return c->spellings || !e->linked ? e->nspell : 1;
}

/* Adds every spelling of an entry to a group, labelled with its list and index. */
int sbp__group_add_entry(sbp__compiler *c, int section, sbp_action action, const char *ops,
                         const sbp__pentry *e, int subtree_glob);

#endif
