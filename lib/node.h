/* The profile AST's representation, shared by the modules that build, read and walk it. */
#ifndef SBP_LIB_NODE_H
#define SBP_LIB_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "sbprofile/profile.h"

struct sbp_node {
  sbp_profile *owner;
  /* Siblings: next ends at NULL; prev is circular, the first child's prev being the last
   * child (so no node keeps a last pointer). Read them through sbp__node_prev and
   * sbp__node_last. A detached node has parent, prev and next NULL. */
  sbp_node *parent, *prev, *next, *first;
  const char *text; /* see sbp_node_text(); NUL-terminated, in the owner's arena */
  size_t text_len;
  /* A large profile is mostly nodes: what no node needs at once shares its room. */
  union {
    const char *comment; /* RULE: NUL-terminated, without NUL bytes; NULL: none */
    int64_t num;         /* VALUE INTEGER and BOOLEAN; NETADDR: the port */
  };
  const char *file; /* position */
  uint32_t line, column;
  uint32_t nchildren;
  uint8_t type; /* sbp_node_type */
  uint8_t kind; /* RULE: sbp_action; VALUE: sbp_value_kind */
  uint8_t host; /* VALUE NETADDR: SBP__HOST_* */
};

/* The host of a NETADDR value: it can only be "*" or "localhost". */
#define SBP__HOST_NONE 0 /* a protocol alone, without host and port */
#define SBP__HOST_ANY 1
#define SBP__HOST_LOCALHOST 2

struct sbp_profile {
  sbp_alloc alloc;
  sbp__arena arena;
  sbp_node root;
  int version;
  uint32_t options; /* sbp_profile_option */
  size_t rule_count;
  const char *last_file; /* the last file name stored, reused by positions that repeat it */
  size_t last_file_len;
};

/* Drops const from a pointer: the read API hands out mutable handles to nodes of a profile
 * the caller may hold as const (as cmark does). */
#define SBP__UNCONST(type, p) ((type)(uintptr_t)(const void *)(p))

/* The previous sibling, or NULL for a first child or a detached node. */
static inline sbp_node *sbp__node_prev(const sbp_node *n) {
  return n->prev != NULL && n->prev->next == n ? n->prev : NULL;
}
/* The last child, or NULL. */
static inline sbp_node *sbp__node_last(const sbp_node *n) {
  return n->first != NULL ? n->first->prev : NULL;
}

/* Group of a rule's child: operations (0), then filters (1), then modifiers (2). */
int sbp__rule_group(const sbp_node *child);

/* True for FILTER and REQUIRE_* nodes. */
int sbp__is_filter(const sbp_node *node);
/* The path filter inside `(local unix-socket (subpath P))` or `(remote unix-socket ...)`, the
 * form sandbox-runtime writes for unix sockets; NULL for any other node. It means the same as
 * the path filter alone. */
const sbp_node *sbp__unix_socket_inner(const sbp_node *filter);

/* True when s[0..len) can be written as a bare SBPL symbol that reads back as itself. */
int sbp__is_symbol(const char *s, size_t len);

/* A detached node with no text, or NULL when memory runs out. */
sbp_node *sbp__node_alloc(sbp_profile *p, sbp_node_type type, uint8_t kind);
/* Copies text into the profile's arena; SBP_OK or SBP_E_NOMEM. */
int sbp__node_set_text(sbp_node *n, const char *s, size_t len);
/* Points the node's text at s (NUL-terminated at len) without copying: s must outlive the
 * profile (a string literal or a catalog name). */
void sbp__node_set_static_text(sbp_node *n, const char *s, size_t len);
/* A rule's comment: a copy of s[0..len), which holds no NUL byte; SBP_OK or SBP_E_NOMEM. */
int sbp__node_set_comment(sbp_node *rule, const char *s, size_t len);
/* The host of a NETADDR value ("*" or "localhost", static) with its length, or NULL. */
const char *sbp__netaddr_host(const sbp_node *v, size_t *len);
/* Links a detached child as parent's last child, without checks. */
void sbp__node_link_last(sbp_node *parent, sbp_node *child);
/* Links a detached node before sibling, without checks. */
void sbp__node_link_before(sbp_node *sibling, sbp_node *node);
/* May parent hold child (types only)? */
int sbp__can_contain(const sbp_node *parent, const sbp_node *child);
/* Shallow copy of src (type, kind, text, number, position) into p, detached. */
sbp_node *sbp__node_clone(sbp_profile *p, const sbp_node *src);
/* Interns a file name for positions: SBP_OK or SBP_E_NOMEM. */
int sbp__profile_file(sbp_profile *p, const char *file, size_t len, const char **out);

#endif
