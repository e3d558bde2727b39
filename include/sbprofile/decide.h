/**
 * @file sbprofile/decide.h
 * @brief The decision engine: would this profile allow this request, which rule decides,
 *        and on which weak facts does the answer rest.
 *
 * @defgroup decide Decision engine
 *
 * The model is docs/semantics.md, exactly:
 *  1. the rules that speak for a request are those on the operation's chain (the operation
 *     and its ancestors through the catalog's parent links);
 *  2. among the speaking rules that carry a filter, the last written whose filter matches
 *     decides (SBP_STEP_FILTERED);
 *  3. otherwise the last speaking rule without a filter, other than a `default` rule,
 *     decides (SBP_STEP_UNFILTERED);
 *  4. otherwise a TERMINAL operation takes its built-in action (SBP_STEP_TERMINAL) and any
 *     other the last unfiltered `default` rule (SBP_STEP_DEFAULT);
 *  5. a profile with no `default` rule gives SBP_DECISION_UNKNOWN (SBP_STEP_NO_DEFAULT).
 *
 * Filters that need an attribute the request does not carry match *unknown* (Kleene logic
 * through require-all/any/not). Such a rule does not decide; when one of them has the action
 * opposite to the decision reached without it, the decision is SBP_DECISION_UNKNOWN and names
 * it (sbp_decision_skipped_rule(), sbp_decision_missing_attr()).
 *
 * Path filters compare bytes: `literal` is equality, `prefix` a raw prefix, and `(subpath P)`
 * matches P itself and every path that starts with P followed by `/` (P ending in `/` needs
 * no second one). So `(subpath "")` matches every absolute path, as `(subpath "/")` does
 * (requests carry only absolute paths, see sbp_request_set_string_attr()); the index and the
 * rule-by-rule walk agree.
 *
 * Usage: compile a profile once into an sbp_decider, make sbp_request objects, and ask:
 * @code
 *   sbp_decider *d; sbp_request *r; sbp_decision *dec;
 *   sbp_decider_new(&d, profile, NULL, &err);
 *   sbp_request_new(&r, NULL, &err);
 *   sbp_request_set_operation(r, "mach-lookup", 11, &err);
 *   sbp_request_set_string_attr(r, SBP_ATTR_GLOBAL_NAME, "com.apple.x", 11, &err);
 *   sbp_decide(d, r, NULL, &dec, &err);
 *   if (sbp_decision_result(dec) == SBP_DECISION_ALLOW) ...
 *   sbp_decision_free(dec); sbp_request_free(r); sbp_decider_free(d);
 * @endcode
 *
 * Thread safety: a decider is used by one thread at a time (it keeps its regexes' search
 * state and DFA caches, made on their first search); to decide from several threads, make
 * one decider per thread from the same profile (the profile itself is only read). A request
 * keeps a memo of its operation's chain (and of where that chain's rules sit in the last
 * decider it met), so a request too is used by one thread at a time.
 * @{
 */
#ifndef SBPROFILE_DECIDE_H
#define SBPROFILE_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A profile compiled for deciding many requests. Opaque. */
typedef struct sbp_decider sbp_decider;
/** A request: an operation and the attributes the kernel would test. Opaque. */
typedef struct sbp_request sbp_request;
/** The outcome of sbp_decide(). Opaque. */
typedef struct sbp_decision sbp_decision;

/** The answer. */
typedef enum sbp_decision_result_kind {
  SBP_DECISION_UNKNOWN = 0, /**< the profile does not settle it (see the step and flags) */
  SBP_DECISION_ALLOW = 1,
  SBP_DECISION_DENY = 2
} sbp_decision_result_kind;

/** Which step of the model decided. */
typedef enum sbp_decision_step {
  SBP_STEP_NONE = 0,       /**< no decision made yet */
  SBP_STEP_FILTERED = 1,   /**< a filtered rule matched (last written wins) */
  SBP_STEP_UNFILTERED = 2, /**< the last unfiltered rule on the chain, not `default` */
  SBP_STEP_DEFAULT = 3,    /**< the last unfiltered `default` rule */
  SBP_STEP_TERMINAL = 4,   /**< a TERMINAL operation's built-in action */
  SBP_STEP_NO_DEFAULT = 5  /**< nothing decided and the profile has no `default` rule */
} sbp_decision_step;

/**
 * Flags of a decision: one bit per weak fact of semantics.md section 7 that the answer
 * relied on, and one for filters that needed an attribute the request lacked.
 */
typedef enum sbp_decision_flag {
  /** An unfiltered rule written later, with the other action, was ranked below the deciding
   *  one (weak fact "unfiltered rules rank below filtered ones, in either order"). */
  SBP_DECISION_FLAG_UNFILTERED_ORDER = 1u << 0,
  /** The answer is a TERMINAL operation's built-in action, or rules on wildcard operations
   *  were not applied because the operation is TERMINAL (weak fact "TERMINAL operations"). */
  SBP_DECISION_FLAG_TERMINAL = 1u << 1,
  /** The chain passed a weak parent link (network-bind -> network-inbound,
   *  managed-preference-read -> user-preference-read). */
  SBP_DECISION_FLAG_WEAK_CHAIN = 1u << 2,
  /** A regular expression with {m,n} took part (weak fact "{m,n} in regexes"). */
  SBP_DECISION_FLAG_REGEX_BRACES = 1u << 3,
  /** A filter needed an attribute the request did not give (three-valued logic). */
  SBP_DECISION_FLAG_MISSING_ATTR = 1u << 4,
  /** The operation, or a filter of the deciding rule, is not known for the catalog version. */
  SBP_DECISION_FLAG_UNKNOWN_NAME = 1u << 5,
  /** A string literal of 256 bytes or more took part (Apple's reader may reject it). */
  SBP_DECISION_FLAG_LONG_STRING = 1u << 6,
  /** The chain passed a parent inferred from an operation's name (operations new in 14.x). */
  SBP_DECISION_FLAG_INFERRED_PARENT = 1u << 7,
  /** The operation is TERMINAL and the profile has rules on a wildcard whose name covers it
   *  (file* for file-link), which were not applied. */
  SBP_DECISION_FLAG_WILDCARD_TERMINAL = 1u << 8,
  /** The profile keeps an import that was not found (SBP_READ_KEEP_UNRESOLVED_IMPORTS), and
   *  its rules could decide: the answer is not a filtered rule written after it. Under
   *  SBP_UNKNOWN_REPORT the result is then SBP_DECISION_UNKNOWN
   *  (sbp_decision_missing_import() names the import). */
  SBP_DECISION_FLAG_MISSING_IMPORT = 1u << 9,
  /** The answer differs between plain last-wins over the whole chain and the reading where
   *  a rule for the more specific operation outranks later rules inherited from a wildcard
   *  ancestor (weak fact SBP_FACT_SPECIFIC_OPERATION_FIRST). */
  SBP_DECISION_FLAG_CHAIN_PRECEDENCE = 1u << 10
} sbp_decision_flag;

/** Attributes a request may carry; each is named after the base filter that tests it. */
typedef enum sbp_attr {
  SBP_ATTR_NONE = 0,
  SBP_ATTR_PATH = 1,                   /**< "path": literal, subpath, prefix, regex */
  SBP_ATTR_GLOBAL_NAME = 2,            /**< "global-name" */
  SBP_ATTR_LOCAL_NAME = 3,             /**< "local-name" */
  SBP_ATTR_XPC_SERVICE_NAME = 4,       /**< "xpc-service-name" */
  SBP_ATTR_IPC_POSIX_NAME = 5,         /**< "ipc-posix-name" */
  SBP_ATTR_SYSCTL_NAME = 6,            /**< "sysctl-name" */
  SBP_ATTR_PREFERENCE_DOMAIN = 7,      /**< "preference-domain" */
  SBP_ATTR_IOKIT_REGISTRY_ENTRY_CLASS = 8, /**< "iokit-registry-entry-class" */
  SBP_ATTR_IOKIT_PROPERTY = 9,         /**< "iokit-property" */
  SBP_ATTR_NOTIFICATION_NAME = 10,     /**< "notification-name" */
  SBP_ATTR_APPLEEVENT_DESTINATION = 11, /**< "appleevent-destination" */
  SBP_ATTR_XATTR = 12,                 /**< "xattr" */
  SBP_ATTR_PROCESS_PATH = 13,          /**< "process-path" */
  SBP_ATTR_SIGNING_IDENTIFIER = 14,    /**< "signing-identifier" */
  SBP_ATTR_EXTENSION = 15,             /**< "extension" */
  SBP_ATTR_RIGHT_NAME = 16,            /**< "right-name" */
  SBP_ATTR_CONTROL_NAME = 17,          /**< "control-name" */
  SBP_ATTR_TARGET = 18,                /**< "target" (integer or named constant) */
  SBP_ATTR_SOCKET_DOMAIN = 19,         /**< "socket-domain" */
  SBP_ATTR_SOCKET_TYPE = 20,           /**< "socket-type" */
  SBP_ATTR_SOCKET_PROTOCOL = 21,       /**< "socket-protocol" */
  SBP_ATTR_VNODE_TYPE = 22,            /**< "vnode-type" */
  SBP_ATTR_FILE_MODE = 23,             /**< "file-mode" (all bits of the filter must be set) */
  SBP_ATTR_SIGNAL_NUMBER = 24,         /**< "signal-number" */
  SBP_ATTR_LOCAL = 25,                 /**< "local": a network address */
  SBP_ATTR_REMOTE = 26                 /**< "remote": a network address */
} sbp_attr;

/**
 * @brief The base filter name an attribute stands for ("path", "global-name", ...).
 * @return A static string; NULL for SBP_ATTR_NONE or an unknown value.
 * @since 0.1
 */
SBP_API const char *sbp_attr_name(sbp_attr attr);

/** How filters that need a missing attribute count. */
typedef enum sbp_unknown_policy {
  SBP_UNKNOWN_REPORT = 0,       /**< three-valued, as semantics.md section 4 (default) */
  SBP_UNKNOWN_ASSUME_FALSE = 1, /**< such a filter does not match */
  SBP_UNKNOWN_ASSUME_TRUE = 2   /**< such a filter matches */
} sbp_unknown_policy;

/** Option flags of sbp_decide_options.flags. */
typedef enum sbp_decide_flag {
  /** Map /tmp, /var and /etc (and paths below them) to /private/... before matching, as
   *  the kernel sees resolved paths. */
  SBP_DECIDE_CANONICAL_PATHS = 1u << 0,
  /** Evaluate every rule one by one instead of using the index (slow; for cross-checks). */
  SBP_DECIDE_NO_INDEX = 1u << 1,
  /** Decide by the other reading of precedence across the chain (SBP_FACT_SPECIFIC_OPERATION_
   *  FIRST): walk it from the exact operation outward, last-wins within each level. */
  SBP_DECIDE_SPECIFIC_FIRST = 1u << 2,
  /** Strict: when the two readings of precedence across the chain differ, the result is
   *  SBP_DECISION_UNKNOWN (the flag SBP_DECISION_FLAG_CHAIN_PRECEDENCE is set either way). */
  SBP_DECIDE_STRICT_PRECEDENCE = 1u << 3
} sbp_decide_flag;

/** Layout version of sbp_decide_options: 2 added max_memory; version 1 is still accepted
 *  (and takes the default limits). */
#define SBP_DECIDE_OPTIONS_VERSION 2u

/** Options of the decision engine. Initialise with SBP_DECIDE_OPTIONS_INIT. */
typedef struct sbp_decide_options {
  uint32_t version;       /**< SBP_DECIDE_OPTIONS_VERSION */
  uint32_t flags;         /**< sbp_decide_flag bits */
  uint32_t macos;         /**< catalog version, (major<<16)|(minor<<8)|patch; 0: newest */
  int unknown_policy;     /**< an sbp_unknown_policy */
  size_t max_memory;      /**< bytes sbp_decider_new() may allocate while it builds the
                               decider (its index and compiled regexes), counted as they are
                               requested [64 MiB plus 16 bytes for every byte the profile
                               holds]; 0: the default. Ignored by sbp_decide(). @since 0.2 */
} sbp_decide_options;

/** Initialiser: no flags, newest catalog, three-valued. */
#define SBP_DECIDE_OPTIONS_INIT {SBP_DECIDE_OPTIONS_VERSION, 0u, 0u, 0, 0u}

/* ---- deciders --------------------------------------------------------------------------- */

/**
 * @brief Compiles a profile for deciding: resolves aliases, builds each operation's chain,
 *        indexes literal, subpath, prefix and name filters and compiles regexes once.
 * @param[out] out receives the decider. Caller owns it; free with sbp_decider_free().
 * @param[in] profile the profile; borrowed: it must outlive the decider and not change
 *        while the decider exists. Its allocator is used.
 * @param[in] options the catalog version (macos) and the default flags and policy of later
 *        sbp_decide() calls; NULL means SBP_DECIDE_OPTIONS_INIT. Copied.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_INVALID_ARG (NULL out or profile, bad options version);
 *         SBP_E_INVALID_TREE (a malformed rule, with its position); SBP_E_SYNTAX (a regex the
 *         dialect rejects, with the rule's position); SBP_E_LIMIT (a regex over the limits
 *         of sbp_regex_check(), such as `a{256}` or groups nested deeper than 256, with the
 *         rule's position; or the memory limit of options->max_memory); SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_decider_new(sbp_decider **out, const sbp_profile *profile,
                            const sbp_decide_options *options, sbp_error *err);

/** @brief Frees a decider; NULL is ignored. @since 0.1 */
SBP_API void sbp_decider_free(sbp_decider *decider);

/** @brief The profile a decider was made from (borrowed); NULL for NULL. @since 0.1 */
SBP_API const sbp_profile *sbp_decider_profile(const sbp_decider *decider);

/* ---- requests --------------------------------------------------------------------------- */

/**
 * @brief Makes an empty request (no operation, no attributes).
 * @param[out] out receives it. Caller owns it; free with sbp_request_free().
 * @param[in] alloc allocator; NULL means sbp_alloc_default(). Copied.
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_request_new(sbp_request **out, const sbp_alloc *alloc, sbp_error *err);

/** @brief Frees a request; NULL is ignored. @since 0.1 */
SBP_API void sbp_request_free(sbp_request *request);

/** @brief Removes the operation and every attribute; the memory is kept for reuse. @since 0.1 */
SBP_API void sbp_request_reset(sbp_request *request);

/**
 * @brief Sets the request's operation (copied). Aliases (process-exec, ...) are resolved
 *        when deciding.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL, empty, or a NUL byte), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_request_set_operation(sbp_request *request, const char *op, size_t len,
                                      sbp_error *err);

/**
 * @brief Sets a text attribute (a path, a name, or the name of a constant such as
 *        "same-sandbox" or "AF_UNIX" for an integer attribute). Replaces an earlier value of
 *        the same attribute. The text is copied.
 *
 * A path (SBP_ATTR_PATH, SBP_ATTR_PROCESS_PATH) must be absolute and is normalized as the
 * kernel resolves it before deciding: repeated '/' collapse, "." components go, ".." removes
 * the component before it ("/a/../../etc" is "/etc"), and a trailing '/' goes. The
 * normalization is lexical: symbolic links are not followed (see SBP_DECIDE_CANONICAL_PATHS
 * for /tmp, /var and /etc).
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL request or text, unknown attr, local/remote, NUL
 *         byte, a path that is not absolute), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_request_set_string_attr(sbp_request *request, sbp_attr attr, const char *value,
                                        size_t len, sbp_error *err);

/**
 * @brief Sets an integer attribute (target, socket-domain, vnode-type, file-mode, ...).
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_request_set_integer_attr(sbp_request *request, sbp_attr attr, int64_t value,
                                         sbp_error *err);

/**
 * @brief Sets an attribute by the base name of the filter that tests it ("signing-identifier",
 *        "process-attribute", ...), for attributes sbp_attr does not list. is_integer selects
 *        number (integer) or text (value, len). "path" and "process-path" are normalized
 *        as in sbp_request_set_string_attr().
 * @return SBP_OK, SBP_E_INVALID_ARG (also a path that is not absolute), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_request_set_named_attr(sbp_request *request, const char *name, size_t name_len,
                                       int is_integer, const char *value, size_t len,
                                       int64_t number, sbp_error *err);

/**
 * @brief Sets a network address attribute (SBP_ATTR_LOCAL or SBP_ATTR_REMOTE).
 * @param[in] proto tcp4, tcp6, udp4, udp6 (or tcp, udp, ip, ip4, ip6 when a part is not
 *        known: the family then follows from the host when it is an address literal).
 * @param[in] host an IPv4 or IPv6 address, or "localhost"; NULL or "*" for any. Every
 *        loopback address counts as localhost.
 * @param[in] port 0-65535, or SBP_PORT_ANY.
 * @return SBP_OK, SBP_E_INVALID_ARG (unknown protocol, port out of range), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_request_set_netaddr(sbp_request *request, sbp_attr attr, const char *proto,
                                    size_t proto_len, const char *host, size_t host_len,
                                    int port, sbp_error *err);

/**
 * @brief Fills a request from an operation and one target string whose attribute follows
 *        from the operation: a path for file-*, process-exec* and other path operations; a
 *        global-name for mach-lookup/mach-register; sysctl-name; preference-domain;
 *        ipc-posix-name; iokit-registry-entry-class; notification-name;
 *        appleevent-destination; target for signal/process-info*; socket-domain for
 *        system-socket; for network-* an absolute path (unix socket) or "PROTO:HOST:PORT"
 *        (remote for outbound, local for bind/inbound; IPv6 hosts in brackets). The request
 *        is reset first. target may be NULL (len 0) for no attribute. Paths are normalized
 *        as in sbp_request_set_string_attr().
 * @return SBP_OK, SBP_E_INVALID_ARG (bad network target, a path that is not absolute),
 *         SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_request_set_simple(sbp_request *request, const char *op, size_t op_len,
                                   const char *target, size_t target_len, sbp_error *err);

/**
 * @brief A one-line description of a request, as `mach-lookup global-name="x"`.
 *
 * A network address is written PROTO:HOST:PORT, an IPv6 host in brackets
 * (`remote=tcp6:[::1]:443`), the form sbp_request_set_simple() reads back.
 * @param[out] out receives the text; dispose with sbp_buf_dispose().
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_request_describe(const sbp_request *request, sbp_buf *out, sbp_error *err);

/* ---- deciding --------------------------------------------------------------------------- */

/**
 * @brief Makes an empty decision object, to be filled by sbp_decide_into() many times.
 * @param[out] out caller owns it; free with sbp_decision_free().
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_decision_new(sbp_decision **out, const sbp_alloc *alloc, sbp_error *err);

/** @brief Frees a decision; NULL is ignored. @since 0.1 */
SBP_API void sbp_decision_free(sbp_decision *decision);

/**
 * @brief Decides a request.
 * @param[in] decider the compiled profile.
 * @param[in] request the request; it must have an operation.
 * @param[in] options flags and unknown policy for this call; NULL uses the decider's. Its
 *        macos field is ignored (the decider's catalog version holds).
 * @param[out] out receives the decision. Caller owns it; free with sbp_decision_free(). It
 *        borrows rule nodes from the decider's profile.
 * @return SBP_OK (whatever the answer, including unknown); SBP_E_INVALID_ARG (NULL argument,
 *         request without operation); SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_decide(const sbp_decider *decider, const sbp_request *request,
                       const sbp_decide_options *options, sbp_decision **out, sbp_error *err);

/**
 * @brief As sbp_decide(), into an existing decision object. It allocates nothing, except for
 *        filters nested more than 64 deep and, with SBP_DECIDE_CANONICAL_PATHS, paths longer
 *        than 1,000 bytes.
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM (only in those two cases).
 * @since 0.1
 */
SBP_API int sbp_decide_into(const sbp_decider *decider, const sbp_request *request,
                            const sbp_decide_options *options, sbp_decision *decision,
                            sbp_error *err);

/**
 * @brief The common case in one call: compiles profile, decides op on target (as
 *        sbp_request_set_simple()) and returns the answer.
 * @param[out] out receives the decision (caller owns it; sbp_decision_free()); may be NULL
 *        when only result is wanted.
 * @param[out] result receives an sbp_decision_result_kind; may be NULL.
 * @return As sbp_decider_new() and sbp_decide().
 * @since 0.1
 */
SBP_API int sbp_decide_simple(const sbp_profile *profile, const char *op, size_t op_len,
                              const char *target, size_t target_len, int *result,
                              sbp_decision **out, sbp_error *err);

/** @brief The answer (an sbp_decision_result_kind); UNKNOWN for NULL. @since 0.1 */
SBP_API int sbp_decision_result(const sbp_decision *decision);
/** @brief A static name of a result: "allow", "deny", "unknown". @since 0.1 */
SBP_API const char *sbp_decision_result_name(int result);
/** @brief The step that decided (an sbp_decision_step). @since 0.1 */
SBP_API int sbp_decision_step_of(const sbp_decision *decision);
/** @brief A static name of a step ("filtered rule", "default rule", ...). @since 0.1 */
SBP_API const char *sbp_decision_step_name(int step);
/** @brief The sbp_decision_flag bits. @since 0.1 */
SBP_API uint32_t sbp_decision_flags(const sbp_decision *decision);

/**
 * @brief The deciding rule (for an UNKNOWN answer: the rule that would have decided).
 *        Its modifiers are its SBP_NODE_MODIFIER children; its position is
 *        sbp_node_position().
 * @return Borrowed from the profile; NULL when no rule decided (TERMINAL built-in, no
 *         default) or for NULL.
 * @since 0.1
 */
SBP_API const sbp_node *sbp_decision_rule(const sbp_decision *decision);

/** @brief 0-based index of the deciding rule among the profile's rules; -1 when none. @since 0.1 */
SBP_API int64_t sbp_decision_rule_index(const sbp_decision *decision);

/**
 * @brief The operation on the chain under which the deciding rule was found (after alias
 *        resolution), e.g. "file-read*" for a file-read-data request.
 * @return A static or borrowed string valid as long as the decider; NULL when no rule decided.
 * @since 0.1
 */
SBP_API const char *sbp_decision_operation(const sbp_decision *decision);

/**
 * @brief A rule that was skipped because its filter needed a missing attribute: for an
 *        UNKNOWN answer the one with the opposite action, otherwise the last such rule that
 *        was passed over (SBP_DECISION_FLAG_MISSING_ATTR).
 * @return Borrowed; NULL when none.
 * @since 0.1
 */
SBP_API const sbp_node *sbp_decision_skipped_rule(const sbp_decision *decision);

/**
 * @brief The attribute the skipped rule needed ("signing-identifier", "path", ...).
 * @return Static or borrowed from the profile; NULL when none.
 * @since 0.1
 */
SBP_API const char *sbp_decision_missing_attr(const sbp_decision *decision);

/**
 * @brief The import, kept unresolved in the profile, whose rules could change the answer
 *        (SBP_DECISION_FLAG_MISSING_IMPORT): the first one after the deciding rule.
 * @return Its name as written in `(import "NAME")`, borrowed from the profile; NULL when no
 *         such import (or for NULL).
 * @since 0.2
 */
SBP_API const char *sbp_decision_missing_import(const sbp_decision *decision);

/**
 * @brief The parameter without a value (read with SBP_READ_SYMBOLIC_PARAMS) that the skipped
 *        rule needed: then sbp_decision_missing_attr() is "a parameter's value", and giving
 *        the parameter a value would settle the answer.
 * @return The parameter's name, borrowed from the profile; NULL when none (or for NULL).
 * @since 0.2
 */
SBP_API const char *sbp_decision_missing_param(const sbp_decision *decision);

/** @brief The number of modifiers of the deciding rule. @since 0.1 */
SBP_API size_t sbp_decision_modifier_count(const sbp_decision *decision);
/** @brief The i-th modifier node of the deciding rule (borrowed), or NULL. @since 0.1 */
SBP_API const sbp_node *sbp_decision_modifier(const sbp_decision *decision, size_t i);

/**
 * @brief A one-line summary: `deny by (deny default) at p.sb:2:1 [default rule]`, with flags.
 * @param[out] out receives the text; dispose with sbp_buf_dispose().
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_decision_describe(const sbp_decision *decision, sbp_buf *out, sbp_error *err);

/**
 * @brief A rule's text for messages: `(allow mach-lookup (global-name "x"))`, one line.
 * @param[out] out receives the text; dispose with sbp_buf_dispose().
 * @return SBP_OK, SBP_E_INVALID_ARG (not a rule), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_rule_text(const sbp_node *rule, sbp_buf *out, sbp_error *err);

/**
 * @brief A readable account of a decision: the request, the chain walked, the rules that
 *        speak for it with how each filter evaluated, the step that decided, the flags and the
 *        weak facts relied on.
 * @param[out] out receives the text; dispose with sbp_buf_dispose().
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_explain(const sbp_decider *decider, const sbp_request *request,
                        const sbp_decide_options *options, sbp_buf *out, sbp_error *err);

/* ---- the weak facts --------------------------------------------------------------------- */

/**
 * @brief The weak fact behind a flag, as in semantics.md section 7 (the statement of the
 *        catalog's fact table for weak facts; a description for the other flags).
 * @param[in] flag one sbp_decision_flag bit.
 * @param[out] confidence receives "H", "M" or "L" (static); may be NULL.
 * @param[out] consequence receives what changes if the fact is wrong (static); may be NULL.
 * @return The fact (static), or NULL for a value that is not a single known flag.
 * @since 0.1
 */
SBP_API const char *sbp_decision_flag_fact(uint32_t flag, const char **confidence,
                                           const char **consequence);

/**
 * @brief The row of the catalog's weak-fact table (sbp_fact in sbprofile/catalog.h) behind a
 *        flag, so that its statement, source and confidence can be read there.
 * @return An sbp_fact value; SBP_FACT_NONE (0) for flags that are no weak fact
 *         (missing attribute, unknown name) and for unknown values.
 * @since 0.1
 */
SBP_API int sbp_decision_flag_fact_id(uint32_t flag);

/** @brief A short static name of one flag ("unfiltered-order", ...); NULL if unknown. @since 0.1 */
SBP_API const char *sbp_decision_flag_name(uint32_t flag);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_DECIDE_H */
