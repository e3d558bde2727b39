/**
 * @file sbprofile/profile.h
 * @brief The profile AST: profiles, nodes, values, tree edits, equality and copies.
 *
 * @defgroup profile Profile AST
 *
 * A profile is a tree. Its root (SBP_NODE_PROFILE) holds the items in order: rules,
 * imports to emit and comments. A rule holds, in this order, one or more operations, then its
 * filters (OR-ed), then its modifiers:
 *
 *     PROFILE ── RULE (allow|deny)
 *                 ├─ OPERATION "file-read*"
 *                 ├─ FILTER "subpath" ── VALUE string "/usr/lib"
 *                 ├─ REQUIRE_NOT ── FILTER "literal" ── VALUE string "/usr/lib/x"
 *                 └─ MODIFIER "report"
 *
 * A filter holds one or more values (any of them matches); require-all / require-any hold one
 * or more filters, require-not exactly one. A modifier holds zero or one value. A CONCAT value
 * holds one or more values, joined at evaluation time.
 *
 * **Ownership.** The profile owns every node made through it, attached or not. Nodes are never
 * freed one by one: sbp_profile_free() releases them all. Unlinking a node hands it back to
 * its profile, not to the caller. All text returned by accessors is borrowed and stays valid
 * until the node's text is replaced or the profile is freed. Every call that takes text copies
 * it; text is (pointer, length) and needs no NUL terminator, but may not contain a NUL byte.
 *
 * **Names.** Operation, filter, modifier and constant names are kept as written, so names the
 * catalog does not know stay representable; they must be SBPL symbols (printable ASCII other
 * than space, parentheses, quotes, `;`, `#` first, `|` and backslash) so that no name can
 * change a profile's structure.
 *
 * **Failure.** A failed call leaves the tree as it was.
 * @{
 */
#ifndef SBPROFILE_PROFILE_H
#define SBPROFILE_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An SBPL profile: a tree of nodes and the allocator they come from. Opaque. */
typedef struct sbp_profile sbp_profile;
/** A node of a profile's tree. Opaque; owned by its profile. */
typedef struct sbp_node sbp_node;

/** What a node is. */
typedef enum sbp_node_type {
  SBP_NODE_NONE = 0,        /**< not a node (returned for NULL) */
  SBP_NODE_PROFILE = 1,     /**< the root; children: RULE, IMPORT, COMMENT */
  SBP_NODE_RULE = 2,        /**< allow/deny; children: OPERATION+, filters, MODIFIER* */
  SBP_NODE_IMPORT = 3,      /**< (import "text") to emit */
  SBP_NODE_COMMENT = 4,     /**< a comment item; text without the leading ';' */
  SBP_NODE_OPERATION = 5,   /**< an operation name */
  SBP_NODE_FILTER = 6,      /**< a leaf filter: name, children VALUE+ */
  SBP_NODE_REQUIRE_ALL = 7, /**< AND of its children filters */
  SBP_NODE_REQUIRE_ANY = 8, /**< OR of its children filters */
  SBP_NODE_REQUIRE_NOT = 9, /**< NOT of its single child filter */
  SBP_NODE_MODIFIER = 10,   /**< (with name [value]) */
  SBP_NODE_VALUE = 11       /**< a filter or modifier argument; see sbp_value_kind */
} sbp_node_type;

/** A rule's action. */
typedef enum sbp_action {
  SBP_ACTION_NONE = 0, /**< not a rule */
  SBP_ALLOW = 1,
  SBP_DENY = 2
} sbp_action;

/** What a VALUE node holds. */
typedef enum sbp_value_kind {
  SBP_VALUE_NONE = 0,     /**< not a value */
  SBP_VALUE_STRING = 1,   /**< text; sbp_node_text() */
  SBP_VALUE_INTEGER = 2,  /**< a number; sbp_value_integer() */
  SBP_VALUE_CONSTANT = 3, /**< a named constant such as AF_UNIX; sbp_node_text() */
  SBP_VALUE_REGEX = 4,    /**< a regular expression's text; sbp_node_text() */
  SBP_VALUE_NETADDR = 5,  /**< protocol (sbp_node_text()), optional host and port */
  SBP_VALUE_PARAM = 6,    /**< (param "NAME"); sbp_node_text() is NAME */
  SBP_VALUE_CONCAT = 7,   /**< (string-append ...) of its children values */
  SBP_VALUE_BOOLEAN = 8   /**< #t or #f; sbp_value_integer() is 1 or 0 */
} sbp_value_kind;

/** Port meaning "*" in a network address. */
#define SBP_PORT_ANY (-1)

/* ---- profiles ------------------------------------------------------------------------ */

/**
 * @brief Makes an empty profile (no version, no items).
 * @param[out] out receives the profile. Caller owns it; free with sbp_profile_free().
 * @param[in] alloc allocator for everything the profile holds; NULL means sbp_alloc_default().
 *        It is copied.
 * @return SBP_OK, SBP_E_INVALID_ARG (out is NULL, or alloc lacks a function), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_profile_new(sbp_profile **out, const sbp_alloc *alloc);

/**
 * @brief Frees a profile and every node made through it. NULL is ignored.
 * @since 0.1
 */
SBP_API void sbp_profile_free(sbp_profile *profile);

/**
 * @brief The root node, whose children are the profile's items.
 * @return Borrowed; valid as long as the profile. NULL when profile is NULL.
 * @since 0.1
 */
SBP_API sbp_node *sbp_profile_root(const sbp_profile *profile);

/**
 * @brief The `(version N)` the profile declares.
 * @return N, or 0 when none is set (or profile is NULL).
 * @since 0.1
 */
SBP_API int sbp_profile_version(const sbp_profile *profile);

/**
 * @brief Sets the profile's version. SBPL knows only version 1; 0 removes it.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL profile, or a version other than 0 and 1).
 * @since 0.1
 */
SBP_API int sbp_profile_set_version(sbp_profile *profile, int version, sbp_error *err);

/**
 * Profile-wide options: libsandbox's sandbox options that a profile sets with a top-level
 * call, not with a rule (fact SBP_FACT_SANDBOX_OPTIONS). The serializer writes each one set
 * as that call, after the version.
 */
typedef enum sbp_profile_option {
  /** `(disable-callouts)`, which the deprecated modifier `(with no-callout)` also sets */
  SBP_OPTION_DISABLE_CALLOUTS = 1u << 0,
  /** `(disable-full-symbolication)`, also set by `(with partial-symbolication)` */
  SBP_OPTION_DISABLE_FULL_SYMBOLICATION = 1u << 1
} sbp_profile_option;

/**
 * @brief The profile-wide options set (a combination of sbp_profile_option).
 * @return The options; 0 when none is set or profile is NULL.
 * @since 0.1
 */
SBP_API uint32_t sbp_profile_options(const sbp_profile *profile);

/**
 * @brief Replaces the profile-wide options.
 * @param[in] options a combination of sbp_profile_option.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL profile, or a bit no option has).
 * @since 0.1
 */
SBP_API int sbp_profile_set_options(sbp_profile *profile, uint32_t options, sbp_error *err);

/**
 * @brief The number of rules among the profile's items.
 * @since 0.1
 */
SBP_API size_t sbp_profile_rule_count(const sbp_profile *profile);

/**
 * @brief Deep-copies a profile: version, options, items, positions and comments.
 * @param[in] src the profile to copy.
 * @param[out] out receives the copy; caller owns it (sbp_profile_free()).
 * @param[in] alloc allocator for the copy; NULL means the allocator of src.
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM (nothing is left allocated).
 * @since 0.1
 */
SBP_API int sbp_profile_copy(const sbp_profile *src, sbp_profile **out, const sbp_alloc *alloc,
                             sbp_error *err);

/** Flags for sbp_profile_equal() and sbp_node_equal(). */
typedef enum sbp_equal_flags {
  SBP_EQUAL_DEFAULT = 0,          /**< compare meaning: types, actions, names, values */
  SBP_EQUAL_COMMENTS = 1u << 0,   /**< also compare comment items and rule comments */
  SBP_EQUAL_POSITIONS = 1u << 1,  /**< also compare file, line and column */
  SBP_EQUAL_IMPORTS = 1u << 2     /**< also compare import items */
} sbp_equal_flags;

/**
 * @brief Deep equality of two profiles (version, profile-wide options and items).
 * @param[in] flags a combination of sbp_equal_flags. By default comments, positions and
 *        import items are ignored, as they do not change what a profile decides.
 * @return 1 when equal, 0 when not (or either is NULL).
 * @since 0.1
 */
SBP_API int sbp_profile_equal(const sbp_profile *a, const sbp_profile *b, uint32_t flags);

/* ---- reading nodes ------------------------------------------------------------------- */

/** @brief The node's type; SBP_NODE_NONE for NULL. @since 0.1 */
SBP_API sbp_node_type sbp_node_type_of(const sbp_node *node);
/** @brief A static name of a node type ("rule", "filter", ...); never NULL. @since 0.1 */
SBP_API const char *sbp_node_type_name(sbp_node_type type);
/** @brief The profile that owns the node; NULL for NULL. @since 0.1 */
SBP_API sbp_profile *sbp_node_profile(const sbp_node *node);
/** @brief The parent; NULL for the root, a detached node or NULL. @since 0.1 */
SBP_API sbp_node *sbp_node_parent(const sbp_node *node);
/** @brief The first child, or NULL. @since 0.1 */
SBP_API sbp_node *sbp_node_first_child(const sbp_node *node);
/** @brief The last child, or NULL. @since 0.1 */
SBP_API sbp_node *sbp_node_last_child(const sbp_node *node);
/** @brief The next sibling, or NULL. @since 0.1 */
SBP_API sbp_node *sbp_node_next(const sbp_node *node);
/** @brief The previous sibling, or NULL. @since 0.1 */
SBP_API sbp_node *sbp_node_previous(const sbp_node *node);
/** @brief The number of children. @since 0.1 */
SBP_API size_t sbp_node_child_count(const sbp_node *node);

/**
 * @brief The node's text: the name of an operation, filter or modifier; an import's path; a
 *        comment; a string, regex, constant or parameter name of a value; the protocol of a
 *        network address.
 * @param[out] len receives the length (may be NULL). It is set to 0 when there is no text.
 * @return Borrowed, NUL-terminated; NULL when the node has no text (rules, require-*, the
 *         root, integers, booleans, concatenations, NULL).
 * @since 0.1
 */
SBP_API const char *sbp_node_text(const sbp_node *node, size_t *len);

/**
 * @brief Where the node came from: file (may be NULL), 1-based line and column (0 if unknown).
 * @param[out] file, line, column each may be NULL.
 * @since 0.1
 */
SBP_API void sbp_node_position(const sbp_node *node, const char **file, uint32_t *line,
                               uint32_t *column);

/**
 * @brief Records where a node came from. The file name is copied (NULL for none).
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_node_set_position(sbp_node *node, const char *file, size_t file_len,
                                  uint32_t line, uint32_t column, sbp_error *err);

/** @brief A rule's action; SBP_ACTION_NONE for anything else. @since 0.1 */
SBP_API sbp_action sbp_rule_action(const sbp_node *rule);

/** @brief Changes a rule's action. @return SBP_OK, SBP_E_INVALID_ARG. @since 0.1 */
SBP_API int sbp_rule_set_action(sbp_node *rule, sbp_action action, sbp_error *err);

/**
 * @brief A rule's comment (emitted on the line before it), or NULL when it has none.
 * @param[out] len may be NULL. @since 0.1
 */
SBP_API const char *sbp_rule_comment(const sbp_node *rule, size_t *len);

/**
 * @brief Sets or (with text NULL) removes a rule's comment. The text is copied; it may hold
 *        newlines, each emitted as its own comment line.
 * @return SBP_OK, SBP_E_INVALID_ARG (not a rule, NUL byte), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_rule_set_comment(sbp_node *rule, const char *text, size_t len, sbp_error *err);

/** @brief A value's kind; SBP_VALUE_NONE for anything else. @since 0.1 */
SBP_API sbp_value_kind sbp_value_kind_of(const sbp_node *value);

/** @brief The number of an INTEGER value, 1/0 for a BOOLEAN, otherwise 0. @since 0.1 */
SBP_API int64_t sbp_value_integer(const sbp_node *value);

/**
 * @brief The host and port of a NETADDR value.
 * @param[out] host receives "*" or "localhost" (borrowed), or NULL when the address is absent
 *             as in `(remote tcp)`. May be NULL.
 * @param[out] host_len may be NULL.
 * @param[out] port receives 1-65535 or SBP_PORT_ANY. May be NULL.
 * @return 1 when the value has an address, 0 when not or when it is not a NETADDR.
 * @since 0.1
 */
SBP_API int sbp_value_netaddr(const sbp_node *value, const char **host, size_t *host_len,
                              int *port);

/* ---- making nodes (detached, owned by the profile) ----------------------------------- */

/**
 * @brief Makes a detached node of the given structural type.
 * @param[in] type SBP_NODE_RULE (action SBP_ALLOW), SBP_NODE_REQUIRE_ALL, _ANY or _NOT. Nodes
 *        with text are made by the functions below.
 * @param[out] out receives the node, owned by the profile.
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_node_new(sbp_profile *profile, sbp_node_type type, sbp_node **out,
                         sbp_error *err);

/**
 * @brief Makes a detached node that carries a name or text.
 * @param[in] type SBP_NODE_OPERATION, SBP_NODE_FILTER, SBP_NODE_MODIFIER (text: a symbol),
 *        SBP_NODE_IMPORT (a path) or SBP_NODE_COMMENT (any text without NUL).
 * @return SBP_OK, SBP_E_INVALID_ARG (wrong type, empty or invalid name), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_node_new_named(sbp_profile *profile, sbp_node_type type, const char *text,
                               size_t len, sbp_node **out, sbp_error *err);

/**
 * @brief Makes a detached VALUE node.
 * @param[in] kind STRING, REGEX (any text without NUL), CONSTANT (a symbol), PARAM (a
 *        parameter name without NUL), or CONCAT (text ignored; add children).
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_value_new(sbp_profile *profile, sbp_value_kind kind, const char *text,
                          size_t len, sbp_node **out, sbp_error *err);

/** @brief Makes a detached INTEGER value. @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM. @since 0.1 */
SBP_API int sbp_value_new_integer(sbp_profile *profile, int64_t number, sbp_node **out,
                                  sbp_error *err);

/** @brief Makes a detached BOOLEAN value (non-zero is #t). @since 0.1 */
SBP_API int sbp_value_new_boolean(sbp_profile *profile, int truth, sbp_node **out,
                                  sbp_error *err);

/**
 * @brief Makes a detached NETADDR value: `PROTO` or `PROTO "HOST:PORT"`.
 * @param[in] proto a protocol symbol: ip, ip4, ip6, tcp, tcp4, tcp6, udp, udp4, udp6.
 * @param[in] host "*" or "localhost", or NULL for no address (then port is ignored).
 * @param[in] port 1-65535 or SBP_PORT_ANY.
 * @return SBP_OK, SBP_E_INVALID_ARG (unknown protocol, host, or port out of range),
 *         SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_value_new_netaddr(sbp_profile *profile, const char *proto, size_t proto_len,
                                  const char *host, size_t host_len, int port, sbp_node **out,
                                  sbp_error *err);

/* ---- editing the tree ---------------------------------------------------------------- */

/**
 * @brief Appends a detached node as the last child of parent, or, for a rule, at the end of
 *        the child's group (operations, then filters, then modifiers).
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL), SBP_E_INVALID_TREE (the child is attached, from
 *         another profile, an ancestor of parent, or may not stand there: e.g. a second child
 *         of require-not, or a rule inside a filter).
 * @since 0.1
 */
SBP_API int sbp_node_append_child(sbp_node *parent, sbp_node *child, sbp_error *err);

/**
 * @brief Inserts a detached node just before sibling (which must have a parent).
 * @return As sbp_node_append_child(); also SBP_E_INVALID_TREE when the position would break
 *         a rule's order of groups.
 * @since 0.1
 */
SBP_API int sbp_node_insert_before(sbp_node *sibling, sbp_node *node, sbp_error *err);

/**
 * @brief Detaches a node (and its subtree) from its parent. It stays owned by the profile and
 *        may be attached again. Unlinking the root or a detached node does nothing.
 * @since 0.1
 */
SBP_API void sbp_node_unlink(sbp_node *node);

/**
 * @brief Deep-copies a node (from any profile) into profile, detached.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL, or the root), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_node_copy(sbp_profile *profile, const sbp_node *src, sbp_node **out,
                          sbp_error *err);

/**
 * @brief Deep equality of two subtrees (of the same or different profiles).
 * @param[in] flags see sbp_equal_flags.
 * @return 1 when equal, 0 otherwise.
 * @since 0.1
 */
SBP_API int sbp_node_equal(const sbp_node *a, const sbp_node *b, uint32_t flags);

/**
 * @brief Checks a subtree's structure: every rule has an operation, every filter a value,
 *        require-not exactly one child, and so on. Detached trees may be incomplete while
 *        being built; the serializer and the decision engine call this before use.
 * @return SBP_OK or SBP_E_INVALID_TREE with the offending node's description in err.
 * @since 0.1
 */
SBP_API int sbp_node_validate(const sbp_node *node, sbp_error *err);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_PROFILE_H */
