/**
 * @file sbprofile/catalog.h
 * @brief What each macOS version's sandbox knows: operations, filters, constants, modifiers,
 *        aliases; the weak facts the library rests on; notes on well-known mach services.
 *
 * @defgroup catalog Catalog
 *
 * The catalog is static data generated from public reverse-engineering tables (see the
 * project's tools/gen_catalog.py). Nothing here allocates except the calls that fill an
 * sbp_buf, and every pointer returned is **borrowed and static**: valid for the life of the
 * process, never freed by the caller. All calls are thread-safe.
 *
 * **Versions** are numbers (major << 16) | (minor << 8) | patch: SBP_MACOS_VERSION(10, 15, 0)
 * or the result of sbp_macos_version_parse(). The value 0 means "the newest the catalog
 * knows" (sbp_catalog_newest()). The versions with operation tables (targets) are 10.12,
 * 10.13, 10.14, 10.15 and 14.4.1; 10.6 contributes operation names only and 15 filters,
 * constants and modifiers only (sbp_catalog_version_flags()).
 *
 * Example: is `network-bind` known on 14.4.1, and what does it fall back to?
 * @code
 *   uint32_t v;
 *   const sbp_catalog_op *op;
 *   sbp_macos_version_parse("14.4.1", 6, &v, NULL);
 *   if (sbp_catalog_op_lookup(v, "network-bind", 12, &op, NULL) == SBP_OK)
 *     printf("%s\n", sbp_catalog_op_name(sbp_catalog_op_parent(op))); // network-inbound
 * @endcode
 * @{
 */
#ifndef SBPROFILE_CATALOG_H
#define SBPROFILE_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A macOS version number: SBP_MACOS_VERSION(14, 4, 1). Each part is 0..255. */
#define SBP_MACOS_VERSION(major, minor, patch)                                             \
  ((((uint32_t)(major)&0xffu) << 16) | (((uint32_t)(minor)&0xffu) << 8) |                 \
   ((uint32_t)(patch)&0xffu))

/** Flags of a catalog version (sbp_catalog_version_flags()). */
#define SBP_CATALOG_HAS_OPERATIONS 1u /**< operation rows with parents and TERMINAL flags */
#define SBP_CATALOG_HAS_FILTERS 2u    /**< filter spellings, named constants and modifiers */
#define SBP_CATALOG_TARGET 4u         /**< both: a version a caller may target */

/** How a filter spelling matches its value. */
typedef enum sbp_catalog_match {
  SBP_CATALOG_MATCH_EXACT = 1,   /**< literal or name equality (`literal`, `global-name`) */
  SBP_CATALOG_MATCH_PREFIX = 2,  /**< `prefix`, `-prefix` forms */
  SBP_CATALOG_MATCH_SUBPATH = 3, /**< `subpath` forms */
  SBP_CATALOG_MATCH_REGEX = 4    /**< `regex`, `-regex` forms */
} sbp_catalog_match;

/** What a filter's (or modifier's) values are. */
typedef enum sbp_catalog_arg {
  SBP_CATALOG_ARG_NONE = 0,     /**< no argument (modifiers such as `report`) */
  SBP_CATALOG_ARG_PATH = 1,     /**< a path (path, process-path, mount-relative-path) */
  SBP_CATALOG_ARG_NAME = 2,     /**< a name (global-name, sysctl-name, preference-domain) */
  SBP_CATALOG_ARG_INTEGER = 3,  /**< a number or a named constant (socket-domain, target) */
  SBP_CATALOG_ARG_BITFIELD = 4, /**< a bit mask (file-mode) */
  SBP_CATALOG_ARG_NETWORK = 5,  /**< `local` / `remote`: protocol and "host:port" */
  SBP_CATALOG_ARG_BOOLEAN = 6,  /**< #t / #f */
  SBP_CATALOG_ARG_OTHER = 7,    /**< anything else, or unknown */
  SBP_CATALOG_ARG_STRING = 8    /**< a plain string (modifier `message`) */
} sbp_catalog_arg;

/** How far a weak fact can be trusted (sbpl-reference.md's marks). */
typedef enum sbp_confidence {
  SBP_CONFIDENCE_LOW = 1,    /**< [L] inference from indirect evidence */
  SBP_CONFIDENCE_MEDIUM = 2, /**< [M] one good source or one measurement */
  SBP_CONFIDENCE_HIGH = 3    /**< [H] several sources agree */
} sbp_confidence;

/**
 * The weak facts the decision engine and linter rest on. Each has one row (statement,
 * confidence, source, what changes if it is wrong); a decision flags the ones it used.
 * Values never change once released; new facts are appended.
 */
typedef enum sbp_fact {
  SBP_FACT_NONE = 0,
  /** Unfiltered rules rank below filtered ones, in either order [M]. */
  SBP_FACT_UNFILTERED_BELOW_FILTERED = 1,
  /** TERMINAL operations and their built-in actions (10.15 table; 1 = allow) [L]. */
  SBP_FACT_TERMINAL_BUILTIN = 2,
  /** network-bind falls back to network-inbound, managed-preference-read to
   *  user-preference-read [M]. */
  SBP_FACT_FALLBACK_CHAINS = 3,
  /** Counted repetition `{m,n}` in regexes [L]. */
  SBP_FACT_REGEX_COUNTED_REPETITION = 4,
  /** String literals of 256 bytes or more fail in Apple's reader [L]. */
  SBP_FACT_STRING_LITERAL_256 = 5,
  /** Wildcard rules (file*, file-write*) do not reach TERMINAL operations [L]. */
  SBP_FACT_WILDCARD_SKIPS_TERMINAL = 6,
  /** Parents of operations new in 14.x, inferred from their names [L]. */
  SBP_FACT_INFERRED_PARENT = 7,
  /** On 14.x `iokit-open` stands for iokit-open-user-client [L]. */
  SBP_FACT_IOKIT_OPEN_ALIAS = 8,
  /** `sysctl-write` in a rule means sysctl* (the prelude rebinds the name) [M]. */
  SBP_FACT_SYSCTL_WRITE_ALIAS = 9,
  /** A modifier on an action outside its table (report on deny) is ignored, not an error [L]. */
  SBP_FACT_MODIFIER_APPLICABILITY = 10,
  /** Kinds and derived spellings of filters new in 14.x/15.x, inferred from 15.x types [L]. */
  SBP_FACT_NEW_FILTER_SPELLINGS = 11,
  /** The 14.4.1 prelude keeps the 10.15 aliases and deprecated modifiers [L]. */
  SBP_FACT_PRELUDE_CARRIED_OVER = 12,
  /** `(_IO g n)` is n + 256 * (char->integer g), as the fsctl-command constants [H]. */
  SBP_FACT_FSCTL_IO_ENCODING = 13,
  /** `(disable-callouts)` and `(disable-full-symbolication)` set profile-wide options, and
   *  the modifiers no-callout and partial-symbolication set them too [M]. */
  SBP_FACT_SANDBOX_OPTIONS = 14,
  /** libsandbox does not define `allow-create-directory` [M]. */
  SBP_FACT_ALLOW_CREATE_DIRECTORY_UNDEFINED = 15,
  /** A rule for the exact operation outranks a later rule inherited from a wildcard
   *  ancestor; contested (plain last-wins across the chain) [M]. */
  SBP_FACT_SPECIFIC_OPERATION_FIRST = 16
} sbp_fact;

/** An operation row of one version. Opaque, static, borrowed. */
typedef struct sbp_catalog_op sbp_catalog_op;
/** A filter spelling of one version. Opaque, static, borrowed. */
typedef struct sbp_catalog_filter sbp_catalog_filter;
/** A modifier of one version. Opaque, static, borrowed. */
typedef struct sbp_catalog_modifier sbp_catalog_modifier;
/** A note on a well-known mach service. Opaque, static, borrowed. */
typedef struct sbp_service_note sbp_service_note;

/* ---- versions ------------------------------------------------------------------------- */

/**
 * @brief Parses "10.15", "14.4.1" or "15" into a version number.
 * @param[in] text the text (no NUL needed); one to three dot-separated decimal parts, each
 *        0..255, the first not 0. No spaces, signs or empty parts.
 * @param[in] len its length in bytes.
 * @param[out] out receives the number; untouched on failure.
 * @param[out] err details on failure (line 1, column of the offending byte); may be NULL.
 * @return SBP_OK; SBP_E_SYNTAX for malformed text; SBP_E_INVALID_ARG when out is NULL or
 *         text is NULL with len > 0.
 * @since 0.1
 */
SBP_API int sbp_macos_version_parse(const char *text, size_t len, uint32_t *out,
                                    sbp_error *err);

/**
 * @brief Writes a version as text: "10.15" (patch 0 left out), "14.4.1", "15" (major only
 *        when minor and patch are 0).
 * @param[in] version a version number, not 0.
 * @param[in] alloc allocator for a buffer that holds no memory yet; NULL means the default.
 * @param[in,out] out replaced by the text. Caller owns it; release with sbp_buf_dispose().
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (version 0, out NULL), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_macos_version_format(uint32_t version, const sbp_alloc *alloc, sbp_buf *out,
                                     sbp_error *err);

/**
 * @brief The newest version a caller can target (has operation and filter tables): 14.4.1.
 * @since 0.1
 */
SBP_API uint32_t sbp_catalog_newest(void);

/**
 * @brief How many versions the catalog has data for (targets and partial ones).
 * @since 0.1
 */
SBP_API size_t sbp_catalog_version_count(void);

/**
 * @brief The i-th version, oldest first; bit i of every version mask stands for it.
 * @return The version number, or 0 when index is out of range.
 * @since 0.1
 */
SBP_API uint32_t sbp_catalog_version_at(size_t index);

/**
 * @brief What the catalog has for a version: SBP_CATALOG_HAS_OPERATIONS,
 *        SBP_CATALOG_HAS_FILTERS, SBP_CATALOG_TARGET.
 * @param[in] version a version number; 0 means the newest.
 * @return The flags; 0 for a version the catalog does not know.
 * @since 0.1
 */
SBP_API uint32_t sbp_catalog_version_flags(uint32_t version);

/**
 * @brief The newest target version not newer than the one given (15 gives 14.4.1, 10.15.7
 *        gives 10.15): what to use for a system the catalog has no table for.
 * @param[in] version a version number; 0 gives the newest.
 * @return A target version, or 0 when the version is older than every target.
 * @since 0.1
 */
SBP_API uint32_t sbp_catalog_version_nearest(uint32_t version);

/**
 * @brief Parses a macOS version as a user writes it ("11", "14.5", "10.15.7", "26.0") and
 *        maps it to the catalog version to use: the newest target not newer than it
 *        (sbp_catalog_version_nearest()). Commands that take a --macos option share it, and
 *        say which catalog was used when it differs from the version given.
 * @param[in] text the version text; len its length.
 * @param[out] requested receives the version as written (may be NULL).
 * @param[out] used receives the catalog target version to use.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_SYNTAX (not a version, as sbp_macos_version_parse());
 *         SBP_E_NOT_FOUND (older than every target: the message names the oldest);
 *         SBP_E_INVALID_ARG (used NULL, text NULL with len > 0).
 * @since 0.2
 */
SBP_API int sbp_macos_version_resolve(const char *text, size_t len, uint32_t *requested,
                                      uint32_t *used, sbp_error *err);

/**
 * @brief Writes a version mask (bit i = sbp_catalog_version_at(i)) as labels separated by
 *        one space, oldest first: "10.12 10.13 10.14 10.15". A mask of 0 gives "".
 * @param[in] mask the mask; bits past the known versions are ignored.
 * @param[in] alloc allocator for a buffer that holds no memory yet; NULL means the default.
 * @param[in,out] out replaced by the text. Caller owns it; release with sbp_buf_dispose().
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (out NULL), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_catalog_versions_format(uint32_t mask, const sbp_alloc *alloc, sbp_buf *out,
                                        sbp_error *err);

/* ---- operations ----------------------------------------------------------------------- */

/** Flags of an operation row (sbp_catalog_op_flags()). */
#define SBP_CATALOG_OP_PARENT_INFERRED 1u /**< parent inferred from the name (14.x) [L] */
#define SBP_CATALOG_OP_BORROWED 2u /**< TERMINAL flag, categories, modifiers taken from 10.15 */
#define SBP_CATALOG_OP_ACCEPTS_UNKNOWN 4u /**< accepted filter categories not known */

/**
 * @brief Finds an operation in one version, after the prelude's aliases (`process-exec` gives
 *        the row of `process-exec*`, `sysctl-write` the row of `sysctl*`).
 * @param[in] version the target version; 0 means the newest.
 * @param[in] name the operation as written (no NUL needed).
 * @param[in] len its length.
 * @param[out] out receives the row (borrowed, static); NULL on failure.
 * @param[out] err details on failure; may be NULL. The message says when the name is known in
 *        other versions, or is bound to 'no-op (a rule naming it is dropped).
 * @return SBP_OK; SBP_E_NOT_FOUND for a name the version does not know or a 'no-op name;
 *         SBP_E_INVALID_ARG for out NULL, name NULL with len > 0, or a version without an
 *         operation table.
 * @since 0.1
 */
SBP_API int sbp_catalog_op_lookup(uint32_t version, const char *name, size_t len,
                                  const sbp_catalog_op **out, sbp_error *err);

/** @brief The operation's name ("file-read*"). NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_op_name(const sbp_catalog_op *op);

/**
 * @brief The operation the rule chain falls back to (file-read-data → file-read*).
 * @return The parent row in the same version; NULL for `default`, TERMINAL operations and NULL.
 * @since 0.1
 */
SBP_API const sbp_catalog_op *sbp_catalog_op_parent(const sbp_catalog_op *op);

/**
 * @brief 1 when the operation is TERMINAL (no parent: when no rule decides, its built-in
 *        action does, not `default`); 0 otherwise or for NULL. `default` itself counts as
 *        TERMINAL. See SBP_FACT_TERMINAL_BUILTIN.
 * @since 0.1
 */
SBP_API int sbp_catalog_op_is_terminal(const sbp_catalog_op *op);

/**
 * @brief The built-in action of a TERMINAL operation: SBP_ALLOW (allowed unless a rule
 *        denies it, even under `(deny default)`) or SBP_DENY. SBP_ACTION_NONE for
 *        non-TERMINAL operations, for `default` and for NULL. A weak fact
 *        (SBP_FACT_TERMINAL_BUILTIN).
 * @since 0.1
 */
SBP_API sbp_action sbp_catalog_op_builtin(const sbp_catalog_op *op);

/** @brief SBP_CATALOG_OP_* flags of the row; 0 for NULL. @since 0.1 */
SBP_API uint32_t sbp_catalog_op_flags(const sbp_catalog_op *op);

/** @brief The version whose table holds the row; 0 for NULL. @since 0.1 */
SBP_API uint32_t sbp_catalog_op_version(const sbp_catalog_op *op);

/** @brief The operation's index in that version's libsandbox table; -1 for NULL. @since 0.1 */
SBP_API int sbp_catalog_op_id(const sbp_catalog_op *op);

/**
 * @brief Does the operation accept filters of a category ("path", "mach", "network", ...)?
 *        The category of a filter is sbp_catalog_filter_category().
 * @return 1 yes, 0 no, -1 unknown (the row's categories are borrowed or unknown and do not
 *         list it, or op/category is NULL).
 * @since 0.1
 */
SBP_API int sbp_catalog_op_accepts(const sbp_catalog_op *op, const char *category, size_t len);

/**
 * @brief Does the operation accept a `(with NAME ...)` modifier? Aliases count as the modifier
 *        they stand for (no-log as no-report); deprecated no-op modifiers are accepted
 *        everywhere they exist.
 * @param[in] op the row; @param[in] name the modifier as written; @param[in] len its length.
 * @return 1 yes, 0 no (including a modifier the row's version does not have), -1 unknown (the
 *         row's table is borrowed or unknown and does not list it, or op is NULL).
 * @since 0.1
 */
SBP_API int sbp_catalog_op_accepts_modifier(const sbp_catalog_op *op, const char *name,
                                            size_t len);

/**
 * @brief How many operation rows a version has (0 for a version without an operation table).
 * @param[in] version a version number; 0 means the newest.
 * @since 0.1
 */
SBP_API size_t sbp_catalog_op_count(uint32_t version);

/**
 * @brief The i-th operation row of a version, in byte order of the names.
 * @return The row (borrowed, static); NULL past the end or for a version without operations.
 * @since 0.1
 */
SBP_API const sbp_catalog_op *sbp_catalog_op_at(uint32_t version, size_t index);

/** Flags of an alias (sbp_catalog_op_alias()). */
#define SBP_CATALOG_ALIAS_NOOP 1u /**< bound to 'no-op: a rule naming it is dropped */
#define SBP_CATALOG_ALIAS_WEAK 2u /**< the mapping is a weak fact (SBP_FACT_IOKIT_OPEN_ALIAS) */

/**
 * @brief Is name an operation alias of the prelude in that version?
 * @param[in] version the target version; 0 means the newest.
 * @param[in] name the name as written.
 * @param[in] len its length.
 * @param[out] out_target receives the operation it stands for (static), or NULL for a 'no-op
 *        name; may be NULL.
 * @param[out] out_flags receives SBP_CATALOG_ALIAS_* flags; may be NULL.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK when it is an alias; SBP_E_NOT_FOUND when it is not; SBP_E_INVALID_ARG for a
 *         version without an operation table or name NULL with len > 0.
 * @since 0.1
 */
SBP_API int sbp_catalog_op_alias(uint32_t version, const char *name, size_t len,
                                 const char **out_target, uint32_t *out_flags, sbp_error *err);

/** sbp_catalog_op_versions() flag: count versions where the name is a prelude alias too. */
#define SBP_CATALOG_WITH_ALIASES 1u

/**
 * @brief Which versions know an operation name: bit i set when sbp_catalog_version_at(i)'s
 *        table has it (10.6 included), or with SBP_CATALOG_WITH_ALIASES when its prelude
 *        also accepts it as an alias.
 * @param[in] name the name; @param[in] len its length; @param[in] flags 0 or
 *        SBP_CATALOG_WITH_ALIASES.
 * @param[out] out_mask receives the mask (0 when no version knows it).
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_INVALID_ARG when out_mask is NULL or name NULL with len > 0.
 * @since 0.1
 */
SBP_API int sbp_catalog_op_versions(const char *name, size_t len, uint32_t flags,
                                    uint32_t *out_mask, sbp_error *err);

/** What sbp_catalog_suggest() looks among. */
typedef enum sbp_catalog_name_kind {
  SBP_CATALOG_NAME_OPERATION = 1, /**< operation names of the version's table */
  SBP_CATALOG_NAME_ATTRIBUTE = 2  /**< base filter names: the attributes a request carries */
} sbp_catalog_name_kind;

/**
 * @brief The known name nearest to a misspelt one, for "did you mean" messages: the one at
 *        the smallest edit distance (insertions, deletions, substitutions and swaps of two
 *        neighbours each count 1), when that distance is at most 3 and at most a third of the
 *        name's length; among equals, the first in byte order.
 * @param[in] version a version number; 0 means the newest.
 * @param[in] kind an sbp_catalog_name_kind.
 * @param[in] name the name as written; @param[in] len its length (names over 64 bytes get
 *        no suggestion).
 * @return A static name, or NULL when nothing is near enough (or the name is itself known).
 * @since 0.2
 */
SBP_API const char *sbp_catalog_suggest(uint32_t version, int kind, const char *name,
                                        size_t len);

/**
 * @brief Is name a base filter name of the version (an attribute a request can carry:
 *        "path", "global-name", "signing-identifier", ...)?
 * @param[in] version a version number; 0 means the newest.
 * @return 1 or 0.
 * @since 0.2
 */
SBP_API int sbp_catalog_is_attribute(uint32_t version, const char *name, size_t len);

/* ---- filters, constants ----------------------------------------------------------------- */

/** Flags of a filter spelling (sbp_catalog_filter_flags()). */
#define SBP_CATALOG_FILTER_ALIAS 1u    /**< a prelude alias (literal, prefix, regex, from, to) */
#define SBP_CATALOG_FILTER_INFERRED 2u /**< kind or spelling inferred [L] */
#define SBP_CATALOG_FILTER_INTERNAL 4u /**< a %-name used through prelude helpers */

/**
 * @brief Finds a filter spelling (`subpath`, `global-name-prefix`, `literal`, `from`) in a
 *        version.
 * @param[in] version a version with filters (sbp_catalog_version_flags()); 0 means the newest.
 * @param[in] spelling the filter as written; @param[in] len its length.
 * @param[out] out receives the row (borrowed, static); NULL on failure.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_NOT_FOUND for an unknown spelling; SBP_E_INVALID_ARG for out NULL,
 *         spelling NULL with len > 0, or a version without filters.
 * @since 0.1
 */
SBP_API int sbp_catalog_filter_lookup(uint32_t version, const char *spelling, size_t len,
                                      const sbp_catalog_filter **out, sbp_error *err);

/**
 * @brief How many filter spellings (bases, derived forms and aliases) a version has.
 * @param[in] version a version number; 0 means the newest. 0 for a version without filters.
 * @since 0.1
 */
SBP_API size_t sbp_catalog_filter_count(uint32_t version);

/**
 * @brief The i-th filter spelling of a version, in byte order.
 * @return The row (borrowed, static); NULL past the end or for a version without filters.
 * @since 0.1
 */
SBP_API const sbp_catalog_filter *sbp_catalog_filter_at(uint32_t version, size_t index);

/** @brief The spelling as looked up ("subpath"). NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_filter_spelling(const sbp_catalog_filter *f);
/** @brief The base filter ("path" for subpath, literal, prefix, regex). NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_filter_base(const sbp_catalog_filter *f);
/** @brief How the spelling matches; 0 for NULL. @since 0.1 */
SBP_API sbp_catalog_match sbp_catalog_filter_match(const sbp_catalog_filter *f);
/** @brief What its values are; SBP_CATALOG_ARG_OTHER for NULL. @since 0.1 */
SBP_API sbp_catalog_arg sbp_catalog_filter_arg(const sbp_catalog_filter *f);
/**
 * @brief The category operations accept it by ("path", "mach", "network", "iokit-user-client").
 * @return Static text; NULL when unknown or for NULL.
 * @since 0.1
 */
SBP_API const char *sbp_catalog_filter_category(const sbp_catalog_filter *f);
/** @brief SBP_CATALOG_FILTER_* flags; 0 for NULL. @since 0.1 */
SBP_API uint32_t sbp_catalog_filter_flags(const sbp_catalog_filter *f);

/**
 * @brief The value of a named constant: `AF_UNIX` for socket-domain (1), `same-sandbox` for
 *        target (5), `CHARACTER-DEVICE` for vnode-type (4), `tcp` for remote (7), `SIGKILL`
 *        for signal-number and for the modifier send-signal (9), `EPERM` for the modifier
 *        errno (14.x/15).
 * @param[in] version a version with filters; 0 means the newest.
 * @param[in] filter a filter spelling or base (`remote`, `to`, `socket-domain`) or a modifier
 *        (`send-signal`, `errno`); @param[in] filter_len its length.
 * @param[in] name the constant as written (case matters); @param[in] name_len its length.
 * @param[out] out receives the value.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_NOT_FOUND when the filter has no such constant in that version;
 *         SBP_E_INVALID_ARG for out NULL, NULL text with a length, or a version without
 *         filters.
 * @since 0.1
 */
SBP_API int sbp_catalog_constant(uint32_t version, const char *filter, size_t filter_len,
                                 const char *name, size_t name_len, int64_t *out,
                                 sbp_error *err);

/**
 * @brief How many named constants a filter (or the modifier send-signal or errno) has in a
 *        version.
 * @param[in] version a version with filters; 0 means the newest.
 * @param[in] filter a spelling, base or modifier; @param[in] len its length.
 * @return The count; 0 for an unknown filter or version, or one without constants.
 * @since 0.1
 */
SBP_API size_t sbp_catalog_constant_count(uint32_t version, const char *filter, size_t len);

/**
 * @brief The i-th named constant of a filter in a version, in byte order of the names.
 * @param[in] version a version with filters; 0 means the newest.
 * @param[in] filter a spelling, base or modifier; @param[in] len its length.
 * @param[in] index from 0 to sbp_catalog_constant_count() - 1.
 * @param[out] out_name receives the name (static); may be NULL.
 * @param[out] out_value receives the value; may be NULL.
 * @return SBP_OK; SBP_E_NOT_FOUND past the end (or for an unknown filter or version).
 * @since 0.1
 */
SBP_API int sbp_catalog_constant_at(uint32_t version, const char *filter, size_t len,
                                    size_t index, const char **out_name, int64_t *out_value);

/** What a symbol is bound to in a version (sbp_catalog_symbol_kinds()). */
#define SBP_CATALOG_SYMBOL_OPERATION 1u /**< an operation of the version's table */
#define SBP_CATALOG_SYMBOL_OP_ALIAS 2u  /**< an operation alias or 'no-op name of the prelude */
#define SBP_CATALOG_SYMBOL_FILTER 4u    /**< a filter spelling (aliases included) */
#define SBP_CATALOG_SYMBOL_CONSTANT 8u  /**< a named constant of some filter */
#define SBP_CATALOG_SYMBOL_MODIFIER 16u /**< a modifier name */

/**
 * @brief What a symbol names in a version: the profile evaluator's view of which names are
 *        bound (`(defined? 'mach-register)`, "unbound variable" errors).
 * @param[in] version a version number; 0 means the newest. Operation kinds need a version with
 *        an operation table, the others one with filters.
 * @param[in] name the symbol; @param[in] len its length.
 * @return SBP_CATALOG_SYMBOL_* bits; 0 when the symbol is none of these (or for an unknown
 *         version, or name NULL with len > 0).
 * @since 0.1
 */
SBP_API uint32_t sbp_catalog_symbol_kinds(uint32_t version, const char *name, size_t len);

/* ---- modifiers ------------------------------------------------------------------------ */

/** Actions a modifier applies to (sbp_catalog_modifier_applies()). */
#define SBP_CATALOG_APPLIES_ALLOW 1u
#define SBP_CATALOG_APPLIES_DENY 2u

/** Flags of a modifier (sbp_catalog_modifier_flags()). */
#define SBP_CATALOG_MODIFIER_ALIAS 1u  /**< stands for sbp_catalog_modifier_canonical() */
#define SBP_CATALOG_MODIFIER_NOOP 2u   /**< deprecated: accepted and ignored */
#define SBP_CATALOG_MODIFIER_APPLIES_UNKNOWN 4u /**< its applicability is not known */
#define SBP_CATALOG_MODIFIER_WEAK 8u   /**< assumed for this version (SBP_FACT_PRELUDE_CARRIED_OVER) */

/**
 * @brief Finds a `(with NAME ...)` modifier in a version: `report`, `no-log` (alias of
 *        no-report), `send-signal`, `message`, `termination` (send-signal SIGKILL), ...
 * @param[in] version a version with filters; 0 means the newest.
 * @param[in] name the modifier as written; @param[in] len its length.
 * @param[out] out receives the row (borrowed, static); NULL on failure.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_NOT_FOUND; SBP_E_INVALID_ARG (out NULL, name NULL with len > 0, or a
 *         version without modifiers).
 * @since 0.1
 */
SBP_API int sbp_catalog_modifier_lookup(uint32_t version, const char *name, size_t len,
                                        const sbp_catalog_modifier **out, sbp_error *err);

/**
 * @brief How many modifiers (aliases and deprecated ones included) a version accepts.
 * @param[in] version a version number; 0 means the newest. 0 for a version without modifiers.
 * @since 0.1
 */
SBP_API size_t sbp_catalog_modifier_count(uint32_t version);

/**
 * @brief The i-th modifier of a version, in byte order of the names.
 * @return The row (borrowed, static); NULL past the end or for a version without modifiers.
 * @since 0.1
 */
SBP_API const sbp_catalog_modifier *sbp_catalog_modifier_at(uint32_t version, size_t index);

/** @brief The name as looked up. NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_modifier_name(const sbp_catalog_modifier *m);
/** @brief The modifier it stands for (no-log → no-report), or its own name. NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_modifier_canonical(const sbp_catalog_modifier *m);
/** @brief The argument an alias implies ("SIGKILL" for termination), else NULL. @since 0.1 */
SBP_API const char *sbp_catalog_modifier_implied_arg(const sbp_catalog_modifier *m);
/** @brief SBP_CATALOG_APPLIES_ALLOW | SBP_CATALOG_APPLIES_DENY; 0 for NULL. @since 0.1 */
SBP_API uint32_t sbp_catalog_modifier_applies(const sbp_catalog_modifier *m);
/** @brief Its argument: NONE, INTEGER (signal, errno), STRING or OTHER. @since 0.1 */
SBP_API sbp_catalog_arg sbp_catalog_modifier_arg(const sbp_catalog_modifier *m);
/** @brief SBP_CATALOG_MODIFIER_* flags; 0 for NULL. @since 0.1 */
SBP_API uint32_t sbp_catalog_modifier_flags(const sbp_catalog_modifier *m);
/** @brief Where the row comes from (static text). NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_modifier_source(const sbp_catalog_modifier *m);

/* ---- weak facts ----------------------------------------------------------------------- */

/** @brief How many weak facts the table has. @since 0.1 */
SBP_API size_t sbp_catalog_fact_count(void);
/** @brief The i-th fact's id, in table order; SBP_FACT_NONE past the end. @since 0.1 */
SBP_API sbp_fact sbp_catalog_fact_at(size_t index);
/**
 * @brief The fact's stable short name ("unfiltered-below-filtered").
 * @return Static text; NULL for an unknown id.
 * @since 0.1
 */
SBP_API const char *sbp_catalog_fact_name(sbp_fact fact);
/** @brief What the fact says (static text); NULL for an unknown id. @since 0.1 */
SBP_API const char *sbp_catalog_fact_statement(sbp_fact fact);
/** @brief Its confidence; 0 for an unknown id. @since 0.1 */
SBP_API sbp_confidence sbp_catalog_fact_confidence(sbp_fact fact);
/** @brief Where it comes from (static text); NULL for an unknown id. @since 0.1 */
SBP_API const char *sbp_catalog_fact_source(sbp_fact fact);
/** @brief What in the library changes if it is wrong (static text); NULL for unknown. @since 0.1 */
SBP_API const char *sbp_catalog_fact_if_wrong(sbp_fact fact);

/* ---- service notes -------------------------------------------------------------------- */

/** @brief How many service notes there are. @since 0.1 */
SBP_API size_t sbp_catalog_service_count(void);
/** @brief The i-th note, sorted by service name; NULL past the end. @since 0.1 */
SBP_API const sbp_service_note *sbp_catalog_service_at(size_t index);
/**
 * @brief The note on a mach service ("com.apple.SystemConfiguration.configd").
 * @param[in] name the global name; @param[in] len its length.
 * @param[out] out receives the note (borrowed, static); NULL when there is none.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_NOT_FOUND; SBP_E_INVALID_ARG (out NULL, name NULL with len > 0).
 * @since 0.1
 */
SBP_API int sbp_catalog_service_lookup(const char *name, size_t len,
                                       const sbp_service_note **out, sbp_error *err);
/** @brief The service's global name. NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_service_name(const sbp_service_note *note);
/** @brief The operation that reaches it ("mach-lookup"). NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_service_operation(const sbp_service_note *note);
/** @brief What it gives access to. NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_service_gives(const sbp_service_note *note);
/** @brief What breaks without it. NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_service_breaks(const sbp_service_note *note);
/** @brief The public reports it rests on (owner/repo#N, ...). NULL for NULL. @since 0.1 */
SBP_API const char *sbp_catalog_service_source(const sbp_service_note *note);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_CATALOG_H */
