/**
 * @file sbprofile/build.h
 * @brief Building profiles: a generic form for any rule, and typed conveniences.
 *
 * @defgroup build Building profiles
 *
 * Two layers:
 *
 * - **Generic**: sbp_profile_add_rule() appends `(allow|deny OP)`; sbp_rule_add_operation(),
 *   sbp_node_add_filter(), sbp_node_add_require() and sbp_rule_add_modifier() grow it, and the
 *   sbp_node_add_string() family adds values to a filter, a modifier or a concatenation.
 *   Names are kept as written (they must be SBPL symbols) and are not checked against the
 *   catalog, so any operation or filter SBPL knows, or will know, can be written. Values are:
 *   a filter the catalog knows takes only the kinds SBPL's evaluator gives it (strings,
 *   parameters and concatenations for path and name filters, regexes instead of strings for
 *   regex filters, integers and named constants for integer filters, network addresses for
 *   `local` and `remote`, ...), a modifier at most one string, integer, constant, parameter
 *   or concatenation, and a constant must be a named constant SBPL binds (`AF_UNIX`,
 *   `same-sandbox`, ...); otherwise SBP_E_INVALID_ARG with a message starting `value:`. So
 *   what these functions build serializes to text that evaluates to an equal profile. The
 *   structural-only mode is the tree API of profile.h (sbp_value_new(),
 *   sbp_node_append_child()), which checks placement only.
 * - **Typed**: one call per rule that tool authors write every day (files, network, unix
 *   sockets, Mach services, processes, signals, sysctl, IOKit, POSIX IPC, preferences,
 *   sockets). They use the real SBPL spellings and validate their arguments: paths must be
 *   absolute and normalized, no text may hold a NUL byte, hosts are `*` or `localhost`,
 *   ports `*` (SBP_PORT_ANY) or 1-65535, and a rule needs at least one operation.
 *
 * **Errors.** A rejected argument gives SBP_E_INVALID_ARG with a message that starts with the
 * argument's name, e.g. `path: "/a/../b" contains a .. component`. NULL for profile or rule
 * gives SBP_E_INVALID_ARG too.
 *
 * **Atomicity.** Every typed call builds its rule detached and links it last: on any failure,
 * SBP_E_NOMEM included, the profile is unchanged (nodes made before the failure stay unused
 * in the profile's memory until it is freed). Each generic call makes one node, so it is
 * atomic as well.
 *
 * **Out-parameters.** `out` receives the node made (the rule, for typed calls). It may be
 * NULL. The node is borrowed: owned by the profile, valid until the profile is freed. On
 * failure `*out` is set to NULL.
 *
 * **Strings.** Every text argument is (pointer, length), needs no NUL terminator and is
 * copied.
 * @{
 */
#ifndef SBPROFILE_BUILD_H
#define SBPROFILE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- generic form -------------------------------------------------------------------- */

/**
 * @brief Appends a rule `(ACTION OP)` to the profile's items.
 * @param[in] profile the profile to add to.
 * @param[in] action SBP_ALLOW or SBP_DENY.
 * @param[in] op, op_len the first operation's name (an SBPL symbol, e.g. `file-read*`).
 * @param[out] out_rule receives the rule (borrowed); may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL profile, bad action, empty or invalid name),
 *         SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_profile_add_rule(sbp_profile *profile, sbp_action action, const char *op,
                                 size_t op_len, sbp_node **out_rule, sbp_error *err);

/**
 * @brief Adds one more operation to a rule (after its other operations).
 * @param[in] rule a rule node, attached or not.
 * @param[out] out receives the operation node (borrowed); may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (not a rule, invalid name), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_rule_add_operation(sbp_node *rule, const char *op, size_t op_len,
                                   sbp_node **out, sbp_error *err);

/**
 * @brief Adds a leaf filter `(NAME)` to a rule or a require-* node; give it values with
 *        sbp_node_add_string() and friends.
 * @param[in] parent a rule (the filter goes after its other filters, before its modifiers),
 *        require-all, require-any, or an empty require-not.
 * @param[in] name, len the filter's name, an SBPL symbol such as `subpath` or `global-name`.
 * @param[out] out receives the filter (borrowed); may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL, invalid name), SBP_E_INVALID_TREE (parent cannot
 *         hold a filter), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_node_add_filter(sbp_node *parent, const char *name, size_t len, sbp_node **out,
                                sbp_error *err);

/**
 * @brief Adds a `(require-all ...)`, `(require-any ...)` or `(require-not ...)` to a rule or
 *        a require-* node.
 * @param[in] type SBP_NODE_REQUIRE_ALL, SBP_NODE_REQUIRE_ANY or SBP_NODE_REQUIRE_NOT.
 * @param[out] out receives the new node (borrowed); may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL, other type), SBP_E_INVALID_TREE, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_node_add_require(sbp_node *parent, sbp_node_type type, sbp_node **out,
                                 sbp_error *err);

/**
 * @brief Adds a modifier `(with NAME)` at the end of a rule; give it an argument with
 *        sbp_node_add_string() and friends.
 * @param[out] out receives the modifier (borrowed); may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (not a rule, invalid name), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_rule_add_modifier(sbp_node *rule, const char *name, size_t len,
                                  sbp_node **out, sbp_error *err);

/**
 * @brief Adds a string value `"TEXT"` to a filter, a modifier or a concatenation.
 * @param[out] out receives the value (borrowed); may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL, NUL byte, a kind of value the filter or modifier
 *         does not take: see "Generic" above), SBP_E_INVALID_TREE (parent cannot hold a
 *         value), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_node_add_string(sbp_node *parent, const char *text, size_t len, sbp_node **out,
                                sbp_error *err);

/**
 * @brief Adds a regex value `#"RE"` to a filter or a modifier. The pattern is not compiled
 *        here.
 * @return As sbp_node_add_string().
 * @since 0.1
 */
SBP_API int sbp_node_add_regex(sbp_node *parent, const char *re, size_t len, sbp_node **out,
                               sbp_error *err);

/**
 * @brief Adds a named constant such as `AF_UNIX` or `same-sandbox` (an SBPL symbol).
 *        `unix-socket` (or `unix`) is taken only as the first value of a network filter,
 *        as in `(remote unix-socket (subpath P))`, where SBPL reads it as the protocol.
 * @return As sbp_node_add_string(); SBP_E_INVALID_ARG also for a name that is not a symbol,
 *         a name SBPL does not bind, a value after `unix-socket`.
 * @since 0.1
 */
SBP_API int sbp_node_add_constant(sbp_node *parent, const char *name, size_t len,
                                  sbp_node **out, sbp_error *err);

/**
 * @brief Adds a parameter reference `(param "NAME")`, resolved when the profile is applied.
 * @return As sbp_node_add_string(); SBP_E_INVALID_ARG also for an empty name.
 * @since 0.1
 */
SBP_API int sbp_node_add_param(sbp_node *parent, const char *name, size_t len, sbp_node **out,
                               sbp_error *err);

/**
 * @brief Adds an integer value to a filter or modifier.
 * @return As sbp_node_add_string().
 * @since 0.1
 */
SBP_API int sbp_node_add_integer(sbp_node *parent, int64_t number, sbp_node **out,
                                 sbp_error *err);

/** @brief Adds `#t` (truth non-zero) or `#f`. @return As sbp_node_add_string(). @since 0.1 */
SBP_API int sbp_node_add_boolean(sbp_node *parent, int truth, sbp_node **out, sbp_error *err);

/**
 * @brief Adds a network address `PROTO` or `PROTO "HOST:PORT"` (for `local`/`remote`).
 * @param[in] proto ip, ip4, ip6, tcp, tcp4, tcp6, udp, udp4 or udp6.
 * @param[in] host `*` or `localhost`; NULL for no address.
 * @param[in] port 1-65535 or SBP_PORT_ANY; must be SBP_PORT_ANY when host is NULL.
 * @return As sbp_node_add_string(); SBP_E_INVALID_ARG for a bad protocol, host or port.
 * @since 0.1
 */
SBP_API int sbp_node_add_netaddr(sbp_node *parent, const char *proto, size_t proto_len,
                                 const char *host, size_t host_len, int port, sbp_node **out,
                                 sbp_error *err);

/**
 * @brief Adds a concatenation `(string-append ...)`; add its parts (strings, parameters,
 *        concatenations) with sbp_node_add_string() and sbp_node_add_param() on it.
 * @return As sbp_node_add_string().
 * @since 0.1
 */
SBP_API int sbp_node_add_concat(sbp_node *parent, sbp_node **out, sbp_error *err);

/**
 * @brief Appends an `(import "PATH")` item to the profile.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL, empty path, NUL byte), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_profile_add_import(sbp_profile *profile, const char *path, size_t len,
                                   sbp_node **out, sbp_error *err);

/**
 * @brief Appends a comment item (text without the leading `;`; newlines start new comment
 *        lines).
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL, NUL byte), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_profile_add_comment(sbp_profile *profile, const char *text, size_t len,
                                    sbp_node **out, sbp_error *err);

/* ---- typed conveniences -------------------------------------------------------------- */

/** How a name or path is matched. */
typedef enum sbp_match {
  SBP_MATCH_ANY = 0,     /**< no filter: the rule covers every object of the operation */
  SBP_MATCH_LITERAL = 1, /**< exact: `(literal "/p")`, `(global-name "x")`, `(sysctl-name "x")` */
  SBP_MATCH_EXACT = 1,   /**< the same as SBP_MATCH_LITERAL, for names */
  SBP_MATCH_SUBPATH = 2, /**< paths only: `(subpath "/p")`, /p and everything below it */
  SBP_MATCH_PREFIX = 3,  /**< raw string prefix: `(prefix "/p")`, `(global-name-prefix "x")` */
  SBP_MATCH_REGEX = 4    /**< regular expression: `(regex #"^/p$")`, `(global-name-regex ...)` */
} sbp_match;

/** File access flags for sbp_add_file(); each flag adds one operation, in this order. */
typedef enum sbp_file_access {
  SBP_FILE_READ = 1u << 0,           /**< `file-read*` (data, metadata, xattrs) */
  SBP_FILE_WRITE = 1u << 1,          /**< `file-write*` */
  SBP_FILE_READ_DATA = 1u << 2,      /**< `file-read-data` */
  SBP_FILE_READ_METADATA = 1u << 3,  /**< `file-read-metadata` */
  SBP_FILE_READ_XATTR = 1u << 4,     /**< `file-read-xattr` */
  SBP_FILE_WRITE_DATA = 1u << 5,     /**< `file-write-data` */
  SBP_FILE_WRITE_CREATE = 1u << 6,   /**< `file-write-create` */
  SBP_FILE_WRITE_UNLINK = 1u << 7,   /**< `file-write-unlink` */
  SBP_FILE_WRITE_XATTR = 1u << 8,    /**< `file-write-xattr` */
  SBP_FILE_IOCTL = 1u << 9,          /**< `file-ioctl` */
  SBP_FILE_MAP_EXECUTABLE = 1u << 10, /**< `file-map-executable` */
  SBP_FILE_TEST_EXISTENCE = 1u << 11, /**< `file-test-existence` */
  SBP_FILE_ALL = 1u << 12            /**< `file*` */
} sbp_file_access;

/** Network operations. */
typedef enum sbp_net_op {
  SBP_NET_OUTBOUND = 1, /**< `network-outbound` (connect, send) */
  SBP_NET_INBOUND = 2,  /**< `network-inbound` (listen, accept; covers bind) */
  SBP_NET_BIND = 3,     /**< `network-bind` */
  SBP_NET_ALL = 4       /**< `network*` */
} sbp_net_op;

/** Which end of a connection a network filter describes. */
typedef enum sbp_net_side {
  SBP_NET_SIDE_ANY = 0, /**< no filter */
  SBP_NET_LOCAL = 1,    /**< `(local ...)` */
  SBP_NET_REMOTE = 2    /**< `(remote ...)` */
} sbp_net_side;

/** The `target` of signal and process-info rules (values as libsandbox numbers them). */
typedef enum sbp_target {
  SBP_TARGET_ANY = 0,          /**< no filter */
  SBP_TARGET_SELF = 1,         /**< `self` */
  SBP_TARGET_PGRP = 2,         /**< `pgrp` */
  SBP_TARGET_OTHERS = 3,       /**< `others` */
  SBP_TARGET_CHILDREN = 4,     /**< `children` */
  SBP_TARGET_SAME_SANDBOX = 5, /**< `same-sandbox` */
  SBP_TARGET_INITPROC = 6      /**< `initproc` */
} sbp_target;

/** POSIX IPC object kinds. */
typedef enum sbp_ipc_kind {
  SBP_IPC_SHM = 1, /**< shared memory: `ipc-posix-shm*` */
  SBP_IPC_SEM = 2  /**< semaphores: `ipc-posix-sem*` */
} sbp_ipc_kind;

/** Preference access flags for sbp_add_preference(). */
typedef enum sbp_pref_access {
  SBP_PREF_READ = 1u << 0, /**< `user-preference-read` */
  SBP_PREF_WRITE = 1u << 1 /**< `user-preference-write` */
} sbp_pref_access;

/**
 * Socket domains and types as macOS numbers them, for sbp_add_system_socket(). Use these, not
 * the host's AF_* and SOCK_* macros: AF_INET6 is 30 on macOS but 10 on Linux.
 */
typedef enum sbp_socket_constant {
  SBP_AF_UNIX = 1,
  SBP_AF_INET = 2,
  SBP_AF_ROUTE = 17,
  SBP_AF_NDRV = 27,
  SBP_AF_INET6 = 30,
  SBP_AF_SYSTEM = 32,
  SBP_SOCK_STREAM = 1,
  SBP_SOCK_DGRAM = 2,
  SBP_SOCK_RAW = 3,
  SBP_SOCK_SEQPACKET = 5
} sbp_socket_constant;

/** "Not filtered" for sbp_add_system_socket(). */
#define SBP_SOCKET_ANY (-1)

/**
 * @brief Appends `(ACTION default)`.
 * @param[out] out receives the rule (borrowed); may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL profile, bad action), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_default(sbp_profile *profile, sbp_action action, sbp_node **out,
                            sbp_error *err);

/**
 * @brief Appends a file rule, e.g. `(allow file-read* file-write* (subpath "/p"))`.
 * @param[in] access a non-empty combination of sbp_file_access flags.
 * @param[in] match SBP_MATCH_LITERAL, _SUBPATH, _PREFIX or _REGEX; SBP_MATCH_ANY for no filter
 *        (then path must be NULL).
 * @param[in] path, len for literal and subpath, an absolute normalized path: it starts with
 *        `/`, has no `//`, no `.` or `..` component and no trailing `/` (except `/` itself).
 *        For prefix the same, except that the last component may be partial (`/p/.x` is a
 *        prefix of dot files) and a trailing `/` is kept. For regex, any non-empty pattern.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `access`, `match` or `path`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_file(sbp_profile *profile, sbp_action action, uint32_t access,
                         sbp_match match, const char *path, size_t len, sbp_node **out,
                         sbp_error *err);

/**
 * @brief As sbp_add_file(), with the path given as a detached value made with sbp_value_new():
 *        a parameter `(param "HOME")`, a concatenation, a string or (for SBP_MATCH_REGEX) a
 *        regex. On success the value becomes the filter's argument; on failure it stays
 *        detached.
 * @param[in] value a detached VALUE node of this profile. A STRING is checked as a path (for
 *        literal, subpath and prefix); a concatenation must have parts, and so must any
 *        concatenation inside it. Parameters are resolved when the profile is applied, so
 *        their values cannot be checked here.
 * @return SBP_OK, SBP_E_INVALID_ARG (also for an attached value, one of another profile, or
 *         a kind that does not fit the match), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_file_value(sbp_profile *profile, sbp_action action, uint32_t access,
                               sbp_match match, sbp_node *value, sbp_node **out,
                               sbp_error *err);

/**
 * @brief Appends a network rule, e.g. `(allow network-outbound (remote tcp "localhost:8080"))`.
 * @param[in] op the operation.
 * @param[in] side SBP_NET_LOCAL or SBP_NET_REMOTE; SBP_NET_SIDE_ANY for no filter (then
 *        proto and host must be NULL).
 * @param[in] proto ip, ip4, ip6, tcp, tcp4, tcp6, udp, udp4 or udp6.
 * @param[in] host `*` or `localhost`, or NULL for any address: `(remote tcp)`.
 * @param[in] port 1-65535 or SBP_PORT_ANY (`*`); SBP_PORT_ANY when host is NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `op`, `side`, `protocol`, `host` or `port`),
 *         SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_network(sbp_profile *profile, sbp_action action, sbp_net_op op,
                            sbp_net_side side, const char *proto, size_t proto_len,
                            const char *host, size_t host_len, int port, sbp_node **out,
                            sbp_error *err);

/**
 * @brief Appends a unix-domain socket rule: a path filter on a network operation, e.g.
 *        `(allow network-outbound (literal "/private/var/run/syslog"))` to connect, or
 *        SBP_NET_BIND to bind.
 * @param[in] match, path, len as for sbp_add_file(); SBP_MATCH_ANY is not accepted.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `op`, `match` or `path`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_unix_socket(sbp_profile *profile, sbp_action action, sbp_net_op op,
                                sbp_match match, const char *path, size_t len, sbp_node **out,
                                sbp_error *err);

/**
 * @brief Appends `(ACTION mach-lookup (global-name "NAME"))`, or `global-name-prefix`,
 *        `global-name-regex`, or no filter for SBP_MATCH_ANY (then name must be NULL).
 * @param[in] match SBP_MATCH_EXACT, _PREFIX, _REGEX or _ANY.
 * @param[in] name, len a non-empty service name or pattern.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `match` or `name`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_mach_lookup(sbp_profile *profile, sbp_action action, sbp_match match,
                                const char *name, size_t len, sbp_node **out, sbp_error *err);

/**
 * @brief Appends one rule for a list of services:
 *        `(ACTION mach-lookup (global-name "a" "b" ...))`.
 * @param[in] names count service names.
 * @param[in] lens their lengths; NULL when every name is NUL-terminated.
 * @param[in] count at least 1.
 * @return SBP_OK, SBP_E_INVALID_ARG (`names: empty list`, or `names[i]: ...`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_mach_lookup_list(sbp_profile *profile, sbp_action action,
                                     const char *const *names, const size_t *lens,
                                     size_t count, sbp_node **out, sbp_error *err);

/**
 * @brief Appends `(ACTION process-exec* ...)` with a path filter as for sbp_add_file(), or no
 *        filter for SBP_MATCH_ANY (then path must be NULL).
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `match` or `path`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_process_exec(sbp_profile *profile, sbp_action action, sbp_match match,
                                 const char *path, size_t len, sbp_node **out, sbp_error *err);

/**
 * @brief Appends `(ACTION process-fork)`.
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_process_fork(sbp_profile *profile, sbp_action action, sbp_node **out,
                                 sbp_error *err);

/**
 * @brief Appends `(ACTION signal (target T))`, or `(ACTION signal)` for SBP_TARGET_ANY.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `target`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_signal(sbp_profile *profile, sbp_action action, sbp_target target,
                           sbp_node **out, sbp_error *err);

/**
 * @brief Appends `(ACTION process-info* (target T))`, or no filter for SBP_TARGET_ANY.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `target`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_process_info(sbp_profile *profile, sbp_action action, sbp_target target,
                                 sbp_node **out, sbp_error *err);

/**
 * @brief Appends `(ACTION sysctl-read (sysctl-name "kern.x"))`, or `sysctl-name-prefix`,
 *        `sysctl-name-regex`, or no filter for SBP_MATCH_ANY (then name must be NULL).
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `match` or `name`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_sysctl_read(sbp_profile *profile, sbp_action action, sbp_match match,
                                const char *name, size_t len, sbp_node **out, sbp_error *err);

/**
 * @brief Appends `(ACTION iokit-open (iokit-registry-entry-class "CLASS"))`, or
 *        `(ACTION iokit-open)` when class_name is NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `class`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_iokit_open(sbp_profile *profile, sbp_action action, const char *class_name,
                               size_t len, sbp_node **out, sbp_error *err);

/**
 * @brief Appends `(ACTION ipc-posix-shm* (ipc-posix-name "N"))` (or `ipc-posix-sem*`;
 *        `ipc-posix-name-prefix`, `-regex`; no filter for SBP_MATCH_ANY, name NULL).
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `kind`, `match` or `name`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_ipc_posix(sbp_profile *profile, sbp_action action, sbp_ipc_kind kind,
                              sbp_match match, const char *name, size_t len, sbp_node **out,
                              sbp_error *err);

/**
 * @brief Appends `(ACTION user-preference-read (preference-domain "D"))` (and/or
 *        `user-preference-write`; `preference-domain-prefix`, `-regex`; no filter for
 *        SBP_MATCH_ANY, domain NULL).
 * @param[in] access a non-empty combination of sbp_pref_access flags.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `access`, `match` or `domain`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_preference(sbp_profile *profile, sbp_action action, uint32_t access,
                               sbp_match match, const char *domain, size_t len, sbp_node **out,
                               sbp_error *err);

/**
 * @brief Appends a system-socket rule. Each of domain, type and protocol is a number or
 *        SBP_SOCKET_ANY (not filtered). Domains and types with a well-known name are written
 *        as constants (`(socket-domain AF_UNIX)`, `(socket-type SOCK_STREAM)`), others and
 *        protocols as integers. Several filters are joined with require-all (a rule's own
 *        filters would be an OR): `(allow system-socket (require-all (socket-domain AF_INET)
 *        (socket-type SOCK_DGRAM)))`.
 * @param[in] domain, type macOS numbers (sbp_socket_constant), 0-255, or SBP_SOCKET_ANY.
 * @param[in] protocol 0-255 or SBP_SOCKET_ANY.
 * @return SBP_OK, SBP_E_INVALID_ARG (naming `domain`, `type` or `protocol`), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_add_system_socket(sbp_profile *profile, sbp_action action, int domain, int type,
                                  int protocol, sbp_node **out, sbp_error *err);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_BUILD_H */
