/**
 * @file sbprofile/policy.h
 * @brief Policies: intent ("read everything but secrets, write the workspace, reach the
 *        network through a local proxy, let toolchains work") compiled into a complete
 *        deny-default profile in which every rule says which policy item produced it.
 *
 * @defgroup policy Policies
 *
 * A policy is an opaque handle made with sbp_policy_new(). Callers state what a sandboxed
 * program may do; sbp_policy_compile() turns that into an ::sbp_profile, so serializing,
 * checking, explaining, linting, diffing and the assertions apply to it unchanged.
 *
 * ## Model
 *
 * - **Default.** The profile starts with `(deny default)`; everything it allows comes from
 *   an item of the policy.
 * - **Reads.** SBP_READ_ALLOW_ALL (the default): everything is readable except the paths of
 *   the read-deny list, with read-allow entries re-opening carve-outs inside denied trees.
 *   SBP_READ_DENY_ALL: only the read-allow list (and what base sets read) is readable; a
 *   read-deny entry inside an allowed tree still wins.
 * - **Writes.** SBP_WRITE_DENY_ALL (the default): only the write-allow list is writable;
 *   write-deny entries inside it stay read-only, and so do the mandatory protections
 *   (sbp_policy_protection_count()). SBP_WRITE_ALLOW_ALL: everything is writable except the
 *   write-deny list and the protections.
 * - **Exec.** With an empty exec list every program may be executed; with entries, only
 *   those.
 * - **Renames.** Every read- or write-denied path is protected against being moved out from
 *   under its rule: unlink and rename of the path, everything beneath it and each of its
 *   ancestors are denied (SBP_POLICY_MOVE_PROTECTION, on by default).
 * - **Conflicts.** Deny wins: a path both allowed and denied for the same access is denied
 *   and a warning names both items (sbp_policy_warning_count()).
 *
 * ## Paths
 *
 * Every path entry is a literal (that exact path), a subtree (the path and everything below
 * it) or a glob (sbp_glob_to_regex()). SBP_PATH_AUTO picks a glob when the text has a glob
 * metacharacter (`*`, `?`, `[`) outside a `\` escape, and a subtree otherwise. A leading
 * `~` or `~/` is replaced with the home given to sbp_policy_set_home(); a relative path is
 * joined to the cwd given to sbp_policy_set_cwd() (the home and the cwd themselves are
 * literal names, never glob syntax). `.` and `..` components and repeated or trailing `/`
 * are folded. Paths under macOS's symlinked roots `/tmp`, `/var` and `/etc` are canonicalized
 * to `/private/...`, the spelling the kernel reports; with SBP_POLICY_BOTH_SPELLINGS (on by
 * default) the rule names both spellings, so that it holds whichever the request carries. A
 * glob whose first component is a pattern (`/t*\/x`, `/?ar/log/\*`) is also named under
 * `/private` for each of `tmp`, `var` and `etc` that the pattern can match, option or not.
 *
 * ## Base sets
 *
 * Named, versioned, data-driven sets of grants that real tools need (`minimal`,
 * `toolchain`, `network-client`). Each entry has a stable name and says what it serves,
 * what breaks without it and the public source it rests on; mach-service entries take those
 * texts from the service-notes catalog (sbp_catalog_service_lookup()). A policy uses a set
 * with sbp_policy_add_base_set(); single entries are added or removed by name.
 *
 * ## Output
 *
 * Rules are ordered so that the intended precedence holds under the decision model of
 * docs/semantics.md (later filtered rules win; unfiltered rules rank below filtered ones):
 * broad grants first, then denies, then carve-outs, then the denies that must win over the
 * carve-outs, then rename protection. Equal rules are merged and values are grouped into one
 * rule per action and operations, split so that no rule's text passes 65,535 bytes. Literal
 * paths that share a directory and a shape are folded into one alternation regex, each
 * string staying under the per-string limit (SBP_POLICY_FOLD_LITERALS, on by default). With
 * SBP_POLICY_COMMENTS (on by default) every rule carries a comment naming the policy items
 * it comes from.
 *
 * ## Errors
 *
 * A rejected entry gives SBP_E_INVALID_ARG with a message that names it, e.g.
 * `read-deny "secrets": relative path without a cwd` or
 * `base set "toolchan": unknown name`. The policy is unchanged by a failed call.
 *
 * **Strings.** Every text argument is (pointer, length), needs no NUL terminator, may not
 * contain a NUL byte and is copied.
 *
 * @code
 *   sbp_policy *pol;
 *   sbp_profile *prof;
 *   sbp_error err = SBP_ERROR_INIT;
 *   sbp_policy_new(&pol, NULL, &err);
 *   sbp_policy_set_home(pol, "/Users/me", 9, &err);
 *   sbp_policy_set_cwd(pol, "/Users/me/src/app", 17, &err);
 *   sbp_policy_add_path(pol, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE, ".", 1, &err);
 *   sbp_policy_add_path(pol, SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, "~/.ssh", 6, &err);
 *   sbp_policy_set_network(pol, SBP_NETWORK_NONE, &err);
 *   sbp_policy_add_localhost_port(pol, 3128, SBP_PORT_OUTBOUND, &err);
 *   sbp_policy_add_base_set(pol, "toolchain", 9, &err);
 *   if (sbp_policy_compile(pol, &prof, &err) == SBP_OK) {
 *     ... serialize, decide ...
 *     sbp_profile_free(prof);
 *   }
 *   sbp_policy_free(pol);
 * @endcode
 * @{
 */
#ifndef SBPROFILE_POLICY_H
#define SBPROFILE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A policy: the intent a profile is compiled from. Opaque. */
typedef struct sbp_policy sbp_policy;

/* ---- globs ---------------------------------------------------------------------------- */

/** Flags of sbp_glob_to_regex(). */
typedef enum sbp_glob_flag {
  /** Also match everything beneath a match (append `(/.*)?`), as `subpath` does for a
   *  literal: what a deny rule on a directory pattern needs. */
  SBP_GLOB_SUBTREE = 1u << 0
} sbp_glob_flag;

/**
 * @brief Converts a path glob into an anchored regex in Apple's SBPL dialect (sbprofile/regex.h).
 *
 * The grammar:
 * - `*` matches any run of bytes within one path component (no `/`), the empty run too.
 * - `**` as a whole component (`a/ ** /b`, written without the spaces, a leading `** /`
 *   or a trailing `/ **`) matches any number of whole components, none included: `a/ ** /b`
 *   matches `a/b` and `a/x/y/b`; a trailing `/ **` matches everything strictly beneath. A
 *   `**` inside a component (`a**b`) is the same as `*`.
 * - `?` matches one byte other than `/`.
 * - `[...]` matches one byte (never `/`) of a set: bytes and ranges `a-z`; `!` or `^` first
 *   negates; `]` first is a member; `-` first or last is a member; `\` inside escapes the
 *   next byte. A range whose ends are out of order is an error.
 * - `\` makes the next byte literal (`\*`, `\[`, `\\`); a trailing `\` is an error.
 * - Every other byte stands for itself; regex metacharacters in it (`.`, `+`, `(`, `)`,
 *   `|`, `^`, `$`, `{`, `}`, `]`, `\`) are escaped in the output.
 *
 * The result starts with `^` and ends with `$` (before which SBP_GLOB_SUBTREE puts
 * `(/.*)?`). Runs of wildcards that match the same (`***`, `** / **`) are reduced, so the
 * regex's size is linear in the glob's and matching it stays linear.
 *
 * @param[in] glob, len the pattern; need not be absolute (the regex then matches the same
 *        relative text).
 * @param[in] flags sbp_glob_flag bits.
 * @param[in] alloc allocator for `out`; NULL for the default.
 * @param[out] out receives the regex. Caller owns it; release with sbp_buf_dispose().
 * @param[out] err on failure the message and, for SBP_E_SYNTAX, the byte offset in `offset`
 *        and `column` (offset + 1, line 1); may be NULL.
 * @return SBP_OK; SBP_E_SYNTAX (a `[` that nothing closes, a range out of order, an empty
 *         set, a trailing `\`, a NUL byte); SBP_E_INVALID_ARG (out NULL, glob NULL with
 *         len > 0, unknown flags, incomplete allocator); SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_glob_to_regex(const char *glob, size_t len, uint32_t flags,
                              const sbp_alloc *alloc, sbp_buf *out, sbp_error *err);

/**
 * @brief Whether a text uses glob syntax: a `*`, `?` or `[` not escaped by `\`.
 * @return 1 when it does, 0 when it is a plain path (NULL text: 0).
 * @since 0.2
 */
SBP_API int sbp_glob_is_pattern(const char *text, size_t len);

/* ---- making a policy ------------------------------------------------------------------ */

/**
 * @brief Makes an empty policy: reads allowed everywhere, writes denied everywhere, every
 *        program executable, no network, no base set, SBP_POLICY_DEFAULT_OPTIONS on.
 * @param[out] out receives the policy. Caller owns it; free with sbp_policy_free().
 * @param[in] alloc allocator for the policy and the profiles it compiles; NULL for the
 *        default.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_INVALID_ARG (out NULL, incomplete allocator); SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_policy_new(sbp_policy **out, const sbp_alloc *alloc, sbp_error *err);

/** @brief Frees a policy. NULL is ignored. @since 0.2 */
SBP_API void sbp_policy_free(sbp_policy *policy);

/**
 * @brief Sets the home directory `~` stands for.
 * @param[in] home, len an absolute path (normalized here; never read as a glob).
 * @return SBP_OK; SBP_E_INVALID_ARG (`home: ...`: NULL policy, empty, relative, NUL byte);
 *         SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_policy_set_home(sbp_policy *policy, const char *home, size_t len,
                                sbp_error *err);

/**
 * @brief Sets the directory relative paths are joined to.
 * @param[in] cwd, len an absolute path (normalized here; never read as a glob).
 * @return As sbp_policy_set_home(), naming `cwd`.
 * @since 0.2
 */
SBP_API int sbp_policy_set_cwd(sbp_policy *policy, const char *cwd, size_t len,
                               sbp_error *err);

/** The path lists of a policy. */
typedef enum sbp_policy_list {
  SBP_POLICY_READ_DENY = 1,   /**< not readable (not listable, not stat-able beneath) */
  SBP_POLICY_READ_ALLOW = 2,  /**< readable: carve-outs in denied trees, or the allow list */
  SBP_POLICY_WRITE_ALLOW = 3, /**< writable */
  SBP_POLICY_WRITE_DENY = 4,  /**< not writable, even inside a write-allowed tree */
  SBP_POLICY_EXEC_ALLOW = 5,  /**< executable (an empty list: every program) */
  SBP_POLICY_UNIX_SOCKET = 6  /**< unix-domain sockets that may be bound and connected to */
} sbp_policy_list;

/** How a path entry matches. */
typedef enum sbp_path_kind {
  SBP_PATH_AUTO = 0,    /**< a glob when the text uses glob syntax, a subtree otherwise */
  SBP_PATH_LITERAL = 1, /**< that path only (`literal`) */
  SBP_PATH_SUBTREE = 2, /**< the path and everything beneath it (`subpath`) */
  SBP_PATH_GLOB = 3     /**< a glob (sbp_glob_to_regex()); one without metacharacters is a
                             literal */
} sbp_path_kind;

/**
 * @brief Adds a path entry to one of the lists.
 * @param[in] list the list.
 * @param[in] kind how the entry matches.
 * @param[in] path, len absolute, `~`-relative (needs a home) or relative (needs a cwd).
 * @return SBP_OK; SBP_E_INVALID_ARG naming the list and entry (`write-allow "x": relative
 *         path without a cwd`, `... "~/x": ~ without a home`, `... : NUL byte`, a glob
 *         that sbp_glob_to_regex() rejects, with its offset, `... : empty path`), or a NULL
 *         policy, an unknown list or kind; SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_policy_add_path(sbp_policy *policy, sbp_policy_list list, sbp_path_kind kind,
                                const char *path, size_t len, sbp_error *err);

/** Read modes. */
typedef enum sbp_read_mode {
  SBP_READ_ALLOW_ALL = 0, /**< everything but the read-deny list (default) */
  SBP_READ_DENY_ALL = 1   /**< only the read-allow list and the base sets' reads */
} sbp_read_mode;

/** @brief Sets the read mode. @return SBP_OK; SBP_E_INVALID_ARG (NULL, bad mode). @since 0.2 */
SBP_API int sbp_policy_set_read_mode(sbp_policy *policy, sbp_read_mode mode, sbp_error *err);

/** Write modes. */
typedef enum sbp_write_mode {
  SBP_WRITE_DENY_ALL = 0, /**< only the write-allow list (default) */
  SBP_WRITE_ALLOW_ALL = 1 /**< everything but the write-deny list and the protections */
} sbp_write_mode;

/** @brief Sets the write mode. @return SBP_OK; SBP_E_INVALID_ARG (NULL, bad mode). @since 0.2 */
SBP_API int sbp_policy_set_write_mode(sbp_policy *policy, sbp_write_mode mode,
                                      sbp_error *err);

/* ---- network -------------------------------------------------------------------------- */

/** Network modes. */
typedef enum sbp_network_mode {
  SBP_NETWORK_NONE = 0, /**< only the grants below: ports, local binding, sockets (default) */
  SBP_NETWORK_ALL = 1   /**< `(allow network*)` */
} sbp_network_mode;

/** @brief Sets the network mode. @return SBP_OK; SBP_E_INVALID_ARG (NULL, bad mode). @since 0.2 */
SBP_API int sbp_policy_set_network(sbp_policy *policy, sbp_network_mode mode, sbp_error *err);

/** What may be done with a localhost port (sbp_policy_add_localhost_port()). */
typedef enum sbp_port_access {
  SBP_PORT_OUTBOUND = 1u << 0, /**< connect to localhost:PORT (`(remote ip "localhost:P")`) */
  SBP_PORT_BIND = 1u << 1,     /**< bind localhost:PORT (`(local ip "localhost:P")`) */
  SBP_PORT_INBOUND = 1u << 2   /**< listen and accept on localhost:PORT */
} sbp_port_access;

/**
 * @brief Allows a localhost TCP/UDP port, typically an HTTP or SOCKS proxy's. Adding the
 *        same port twice merges the access flags.
 * @param[in] port 1-65535.
 * @param[in] access a non-empty combination of sbp_port_access flags.
 * @return SBP_OK; SBP_E_INVALID_ARG (`port 0: out of range (1-65535)`, empty or unknown
 *         access flags, NULL policy); SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_policy_add_localhost_port(sbp_policy *policy, int port, uint32_t access,
                                          sbp_error *err);

/**
 * @brief Allows looking up a mach service: an exact name, or every name with a prefix when
 *        the text ends with `*` (`2BUA8C4S2C.com.1password.*`).
 * @return SBP_OK; SBP_E_INVALID_ARG (`mach service "...": ...`: empty, NUL byte, a `*`
 *         before the end); SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_policy_add_mach_service(sbp_policy *policy, const char *name, size_t len,
                                        sbp_error *err);

/* ---- options -------------------------------------------------------------------------- */

/** On/off options of a policy. */
typedef enum sbp_policy_option {
  /** Bind and accept on any local address and connect to any localhost port. Off. */
  SBP_POLICY_LOCAL_BINDING = 1,
  /** Create unix-domain sockets and bind or connect to any socket path. Off. */
  SBP_POLICY_ALL_UNIX_SOCKETS = 2,
  /** Pseudo-terminals: `pseudo-tty`, `/dev/ptmx`, `/dev/ttys*`. Off. */
  SBP_POLICY_PTY = 3,
  /** Apple Events and LaunchServices open requests to other applications. Off. */
  SBP_POLICY_APPLE_EVENTS = 4,
  /** `process-fork`. On. */
  SBP_POLICY_FORK = 5,
  /** `signal` to processes of the same sandbox. On. */
  SBP_POLICY_SIGNAL = 6,
  /** `process-info*` on processes of the same sandbox. On. */
  SBP_POLICY_PROCESS_INFO = 7,
  /** A comment on every rule naming the policy items it comes from. On. */
  SBP_POLICY_COMMENTS = 8,
  /** Deny unlink and rename of denied paths and their ancestors. On. */
  SBP_POLICY_MOVE_PROTECTION = 9,
  /** Name both spellings of paths under `/tmp`, `/var`, `/etc`. On. */
  SBP_POLICY_BOTH_SPELLINGS = 10,
  /** Fold literal paths of one shape into alternation regexes. On. */
  SBP_POLICY_FOLD_LITERALS = 11,
  /** Stat (file-read-metadata) of every directory, so that realpath() can walk through
   *  denied trees; used only when reads are restricted. On. */
  SBP_POLICY_DIRECTORY_METADATA = 12
} sbp_policy_option;

/**
 * @brief Turns an option on (non-zero) or off.
 * @return SBP_OK; SBP_E_INVALID_ARG (NULL policy, unknown option).
 * @since 0.2
 */
SBP_API int sbp_policy_set_option(sbp_policy *policy, sbp_policy_option option, int on,
                                  sbp_error *err);

/**
 * @brief Reads an option.
 * @return 1 when on, 0 when off or for a NULL policy or an unknown option.
 * @since 0.2
 */
SBP_API int sbp_policy_option_get(const sbp_policy *policy, sbp_policy_option option);

/* ---- mandatory write protections ------------------------------------------------------- */

/**
 * @brief How many mandatory write protections there are. Each has a name, the globs it
 *        protects (names matched in any folder) and its reason. All are on in a new policy;
 *        sbp_policy_set_protection() turns one off.
 * @since 0.2
 */
SBP_API size_t sbp_policy_protection_count(void);

/** @brief The i-th protection's name (`shell-startup`, `git-hooks`, `git-config`, ...);
 *         NULL past the end. Static text. @since 0.2 */
SBP_API const char *sbp_policy_protection_name(size_t index);

/** @brief The i-th protection's globs, separated by newlines (`.bashrc\n** /.bashrc` without
 *         the space); NULL past the end. Static text. @since 0.2 */
SBP_API const char *sbp_policy_protection_globs(size_t index);

/** @brief Why the i-th protection exists; NULL past the end. Static text. @since 0.2 */
SBP_API const char *sbp_policy_protection_reason(size_t index);

/**
 * @brief Turns a mandatory protection on or off by name.
 * @return SBP_OK; SBP_E_INVALID_ARG (`protection "x": unknown name`, NULL policy).
 * @since 0.2
 */
SBP_API int sbp_policy_set_protection(sbp_policy *policy, const char *name, size_t len, int on,
                                      sbp_error *err);

/**
 * @brief Names the file the policy was read from (a settings file), so that the
 *        `settings-file` protection keeps the sandboxed program from rewriting its own
 *        policy. Resolved like a path entry.
 * @return As sbp_policy_add_path(), naming `settings file`.
 * @since 0.2
 */
SBP_API int sbp_policy_set_settings_file(sbp_policy *policy, const char *path, size_t len,
                                         sbp_error *err);

/* ---- base sets ------------------------------------------------------------------------ */

/** A base set: a named, versioned list of grants. Static; never freed. */
typedef struct sbp_base_set sbp_base_set;
/** One entry of a base set: one grant with its reasons. Static; never freed. */
typedef struct sbp_base_entry sbp_base_entry;

/** @brief How many base sets there are. @since 0.2 */
SBP_API size_t sbp_base_set_count(void);

/** @brief The i-th base set; NULL past the end. @since 0.2 */
SBP_API const sbp_base_set *sbp_base_set_at(size_t index);

/**
 * @brief Finds a base set by name.
 * @param[out] out receives the set (static); NULL when there is none.
 * @return SBP_OK; SBP_E_NOT_FOUND; SBP_E_INVALID_ARG (out NULL, name NULL with len > 0).
 * @since 0.2
 */
SBP_API int sbp_base_set_lookup(const char *name, size_t len, const sbp_base_set **out,
                                sbp_error *err);

/** @brief The set's name (`toolchain`). NULL for NULL. @since 0.2 */
SBP_API const char *sbp_base_set_name(const sbp_base_set *set);

/** @brief The set's version: it grows whenever an entry is added, removed or changed. 0 for
 *         NULL. @since 0.2 */
SBP_API uint32_t sbp_base_set_version(const sbp_base_set *set);

/** @brief One line on what the set is for. NULL for NULL. @since 0.2 */
SBP_API const char *sbp_base_set_summary(const sbp_base_set *set);

/** @brief How many entries the set has. 0 for NULL. @since 0.2 */
SBP_API size_t sbp_base_set_entry_count(const sbp_base_set *set);

/** @brief The set's i-th entry; NULL past the end. @since 0.2 */
SBP_API const sbp_base_entry *sbp_base_set_entry_at(const sbp_base_set *set, size_t index);

/**
 * @brief Finds an entry by name in any base set.
 * @param[out] out receives the entry (static); NULL when there is none.
 * @return SBP_OK; SBP_E_NOT_FOUND; SBP_E_INVALID_ARG (out NULL, name NULL with len > 0).
 * @since 0.2
 */
SBP_API int sbp_base_entry_lookup(const char *name, size_t len, const sbp_base_entry **out,
                                  sbp_error *err);

/** @brief The entry's stable name (`com.apple.SystemConfiguration.configd`, `sysctl-cpu`).
 *         NULL for NULL. @since 0.2 */
SBP_API const char *sbp_base_entry_name(const sbp_base_entry *entry);

/** @brief The SBPL rule the entry grants, as text (`(allow mach-lookup (global-name "..."))`).
 *         NULL for NULL. @since 0.2 */
SBP_API const char *sbp_base_entry_rule(const sbp_base_entry *entry);

/** @brief What the entry serves. NULL for NULL. @since 0.2 */
SBP_API const char *sbp_base_entry_serves(const sbp_base_entry *entry);

/** @brief What breaks without it. NULL for NULL. @since 0.2 */
SBP_API const char *sbp_base_entry_breaks(const sbp_base_entry *entry);

/** @brief The public source it rests on (an issue, a peer's profile). NULL for NULL.
 *         @since 0.2 */
SBP_API const char *sbp_base_entry_source(const sbp_base_entry *entry);

/**
 * @brief Adds every entry of a base set to the policy (entries removed by name stay out).
 * @return SBP_OK; SBP_E_INVALID_ARG (`base set "x": unknown name`, NULL policy);
 *         SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_policy_add_base_set(sbp_policy *policy, const char *name, size_t len,
                                    sbp_error *err);

/**
 * @brief Adds one base-set entry by name, whether or not its set is used.
 * @return SBP_OK; SBP_E_INVALID_ARG (`base entry "x": unknown name`, NULL policy);
 *         SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_policy_add_base_entry(sbp_policy *policy, const char *name, size_t len,
                                      sbp_error *err);

/**
 * @brief Keeps one base-set entry out of the profile, whichever set brings it (before or
 *        after the set is added).
 * @return SBP_OK; SBP_E_INVALID_ARG (`base entry "x": unknown name`, NULL policy);
 *         SBP_E_NOMEM.
 * @since 0.2
 */
SBP_API int sbp_policy_remove_base_entry(sbp_policy *policy, const char *name, size_t len,
                                         sbp_error *err);

/* ---- sandbox-runtime ------------------------------------------------------------------ */

/**
 * @brief Grants what sandbox-runtime (srt) 0.0.83 gives every command on macOS whatever its
 *        settings say, so that a policy built from srt settings (their path lists, ports,
 *        mach services and options mapped onto this API, as docs/srt-settings.md says)
 *        compiles to the profile `sbprofile policy --srt-settings` prints.
 *
 * Call it after the settings' read lists are complete. It adds:
 * - when the write mode is SBP_WRITE_DENY_ALL (srt's `filesystem.disabled` makes it
 *   SBP_WRITE_ALLOW_ALL), write-allow subtrees for what srt always makes writable: `/dev/stdout`,
 *   `/dev/stderr`, `/dev/null`, `/dev/tty`, `/dev/dtracehelper`, `/dev/autofs_nowait`,
 *   `/tmp/claude`, and `~/.npm/_logs` and `~/.claude/debug` unless a read-deny entry covers
 *   the folder and no read-allow entry that is not a glob re-opens a tree holding it beneath
 *   that deny;
 * - the mach services `com.apple.SystemConfiguration.configd` and `com.apple.trustd.agent`,
 *   which srt lacks or grants only behind an option (docs/srt-settings.md, deviations);
 * - srt's fixed grants (processes, user preferences, its mach-service list, POSIX IPC,
 *   IOKit, AF_SYSTEM sockets, sysctls, notifications, device files), which
 *   sbp_policy_compile() inserts right after `(deny default)`, as srt places them; with
 *   SBP_POLICY_COMMENTS each group's comment starts with `srt base:`.
 *
 * A second call adds nothing.
 * @return SBP_OK; SBP_E_INVALID_ARG (NULL policy; `srt defaults: ~ without a home ...` when
 *         writes are restricted and no home is set); SBP_E_NOMEM (the policy is then
 *         unchanged).
 * @since 0.2
 */
SBP_API int sbp_policy_add_srt_defaults(sbp_policy *policy, sbp_error *err);

/* ---- compiling ------------------------------------------------------------------------ */

/**
 * @brief Compiles the policy into a new profile (`(version 1)`, `(deny default)`, then the
 *        rules). Warnings of this compilation replace those of the previous one.
 * @param[in,out] policy the policy (its warning list is rewritten).
 * @param[out] out receives the profile, made with the policy's allocator. Caller owns it;
 *        free with sbp_profile_free(). NULL on failure.
 * @return SBP_OK; SBP_E_INVALID_ARG (NULL policy or out); SBP_E_NOMEM; with
 *         sbp_policy_add_srt_defaults(), SBP_E_LIMIT should srt's grants not fit their buffer.
 * @since 0.2
 */
SBP_API int sbp_policy_compile(sbp_policy *policy, sbp_profile **out, sbp_error *err);

/**
 * @brief Compiles the policy and serializes the profile in one call.
 * @param[out] out receives the SBPL text. Caller owns it; release with sbp_buf_dispose().
 * @return As sbp_policy_compile().
 * @since 0.2
 */
SBP_API int sbp_policy_to_sbpl(sbp_policy *policy, sbp_buf *out, sbp_error *err);

/** @brief How many warnings the last sbp_policy_compile() gave (conflicts resolved by "deny
 *         wins", entries that had no effect). 0 for NULL. @since 0.2 */
SBP_API size_t sbp_policy_warning_count(const sbp_policy *policy);

/** @brief The i-th warning's text; NULL past the end. Borrowed: valid until the next
 *         compilation or sbp_policy_free(). @since 0.2 */
SBP_API const char *sbp_policy_warning(const sbp_policy *policy, size_t index);

/** The largest profile `sandbox-exec -p` takes: one argument of at most 1 MiB (ARG_MAX). */
#define SBP_SANDBOX_EXEC_ARG_MAX (1024u * 1024u)

/** The largest text one rule may have; longer rules do not load. */
#define SBP_RULE_TEXT_MAX 65535u

/**
 * @brief Checks that a profile's text fits in one `sandbox-exec -p` argument
 *        (SBP_SANDBOX_EXEC_ARG_MAX bytes); a larger profile must be written to a file and
 *        passed with `sandbox-exec -f`.
 * @param[in] profile the profile (any, not only a compiled policy).
 * @param[out] bytes receives the size of its text as sbp_serialize() writes it with default
 *        options; may be NULL.
 * @param[out] err for SBP_E_LIMIT, a message with the size and the fix; may be NULL.
 * @return SBP_OK when it fits; SBP_E_LIMIT when it does not; SBP_E_INVALID_ARG (NULL
 *         profile); SBP_E_INVALID_TREE and SBP_E_NOMEM as sbp_serialize().
 * @since 0.2
 */
SBP_API int sbp_profile_check_exec_argument(const sbp_profile *profile, size_t *bytes,
                                            sbp_error *err);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_POLICY_H */
