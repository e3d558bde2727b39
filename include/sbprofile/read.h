/**
 * @file sbprofile/read.h
 * @brief Reading SBPL text into a profile: the evaluator of the Scheme subset profiles use.
 *
 * @defgroup read Reading profiles
 *
 * sbp_profile_read() runs a profile as libsandbox would: it evaluates the Scheme (definitions,
 * helper functions, macros, parameters, imports) and records every `allow`/`deny` call as a
 * rule of the resulting profile, in execution order, each with the file, line and column of
 * its call. Errors read like libsandbox's ("unbound variable: x", "no version specified", ...)
 * and carry a position.
 *
 * The evaluator opens no file by itself: `(import "x.sb")` goes through a resolver the caller
 * supplies (sbp_import_search() is a ready-made one that searches directories).
 *
 * Each text runs one top-level form at a time, as it is read, yet errors are those of reading
 * it whole first: a syntax error, a reader limit or a vector anywhere in a text is reported
 * rather than an error of evaluation before it, and the resolver is called only once the
 * text that imports is known to read.
 *
 * Every evaluation is bounded: steps, stack depth, memory, rules, string size and import
 * depth each end it with SBP_E_LIMIT when exceeded.
 *
 * @code
 *   sbp_read_options opts = SBP_READ_OPTIONS_INIT;
 *   const char *params[] = {"ROOT", "/tmp/w"};
 *   opts.params = params;
 *   opts.nparams = 1;
 *   sbp_profile *p;
 *   sbp_error err = SBP_ERROR_INIT;
 *   if (sbp_profile_read(&p, text, len, "my.sb", &opts, NULL, &err) != SBP_OK)
 *     fprintf(stderr, "%s:%u:%u: error: %s\n", err.file, err.line, err.column, err.message);
 * @endcode
 * @{
 */
#ifndef SBPROFILE_READ_H
#define SBPROFILE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Layout version of sbp_read_options; SBP_READ_OPTIONS_INIT sets it. Version 2 added the
 *  entitlements; a version 1 struct (without them) is still accepted. */
#define SBP_READ_OPTIONS_VERSION 2u

/** The kind of an entitlement's value. */
typedef enum sbp_entitlement_kind {
  SBP_ENTITLEMENT_BOOLEAN = 1, /**< `<true/>` or `<false/>` */
  SBP_ENTITLEMENT_STRING = 2,  /**< `<string>` */
  SBP_ENTITLEMENT_STRINGS = 3  /**< `<array>` of `<string>` */
} sbp_entitlement_kind;

/**
 * One entitlement of the process a profile is compiled for, as sandbox_compile_* receives
 * them. The evaluator binds `*entitlements*` to an association list of them: a key maps to
 * #t or #f, a string, or a list of strings (profiles such as 10.15's application.sb look
 * them up there).
 */
typedef struct sbp_entitlement {
  const char *key;            /**< NUL-terminated */
  sbp_entitlement_kind kind;  /**< which of the fields below holds the value */
  int boolean;                /**< BOOLEAN: 0 or 1 */
  const char *string;         /**< STRING: NUL-terminated */
  const char *const *strings; /**< STRINGS: nstrings NUL-terminated strings */
  size_t nstrings;            /**< STRINGS: how many */
} sbp_entitlement;

/** Flags for sbp_read_options.flags. */
typedef enum sbp_read_flags {
  /** Parameters the caller gives no value for stay symbolic: `(param "X")` evaluates to a
   *  parameter reference (true in tests), `(subpath (param "X"))` becomes an
   *  SBP_VALUE_PARAM value and string-append over it an SBP_VALUE_CONCAT. Without this flag
   *  an absent parameter is #f, as with sandbox-exec. */
  SBP_READ_SYMBOLIC_PARAMS = 1u << 0,
  /** An import the resolver reports as SBP_E_NOT_FOUND (or any import when there is no
   *  resolver) is kept as an SBP_NODE_IMPORT item instead of failing. */
  SBP_READ_KEEP_UNRESOLVED_IMPORTS = 1u << 1,
  /** A name bound to nothing that is near an operation name (a typo such as `file-raed*`,
   *  see sbp_catalog_suggest()) evaluates to an operation of that name instead of failing
   *  with "unbound variable", so that the rest of a profile can still be checked. The rule
   *  keeps the name as written; the decision engine knows no such operation
   *  (SBP_DECISION_FLAG_UNKNOWN_NAME) and lint reports it as `unknown-operation`. */
  SBP_READ_UNKNOWN_OPERATIONS = 1u << 2,
  /** With `macos` set: a name only other versions know (an operation, filter, constant or
   *  modifier) stays bound as without `macos`, instead of failing, so that a linter can
   *  report it; the version's own names, aliases and spellings still come first. */
  SBP_READ_OTHER_VERSION_NAMES = 1u << 3
} sbp_read_flags;

/**
 * Resolves `(import "name")`. `name` is the import's argument, joined to `(param
 * "IMPORT_DIR")` when that is set and name is relative; `from` is the file that imports it
 * (may be NULL). On success fill out_text with the profile text and out_file with the name to
 * report in positions (left empty: name is used), and return SBP_OK. Return SBP_E_NOT_FOUND
 * when there is no such file (the evaluator then reports "unable to open NAME"), or another
 * status with err filled.
 */
typedef int (*sbp_import_fn)(const char *name, size_t name_len, const char *from,
                             sbp_buf *out_text, sbp_buf *out_file, sbp_error *err,
                             void *payload);

/**
 * Evaluation options. Initialise with SBP_READ_OPTIONS_INIT and set what you need; a limit
 * left 0 takes its default (given in brackets).
 */
typedef struct sbp_read_options {
  uint32_t version;                /**< SBP_READ_OPTIONS_VERSION */
  uint32_t flags;                  /**< sbp_read_flags */
  const char *const *params;       /**< flat {key, value, key, value, ...}; may be NULL */
  size_t nparams;                  /**< number of key/value pairs in params */
  sbp_import_fn import;            /**< import resolver; NULL: imports fail (or are kept) */
  void *import_payload;            /**< passed back to import */
  size_t max_steps;       /**< evaluation steps [10,000,000 plus 4 for every byte of text
                               read]; work inside one step is charged too: a step for every 2
                               list cells walked (equal?, member, assoc, length, apply, ...)
                               and for every 64 bytes compared, scanned or allocated */
  size_t max_depth;       /**< evaluation stack depth, i.e. nested non-tail calls [100,000] */
  size_t max_memory;      /**< bytes of evaluation memory and rules together [64 MiB
                               plus 64 bytes for every byte of text read] */
  size_t max_rules;       /**< rules in the profile [1,000,000 plus one for every 8 bytes
                               of text read] */
  size_t max_string;      /**< bytes in one string [1 MiB] */
  size_t max_import_depth;/**< nested imports [16]. Whatever the options, one evaluation
                               reads at most 1,024 imports and 16 MiB of imported text in
                               all (SBP_E_LIMIT past either), and imported text adds to the
                               default memory limit only for its first 1 MiB */
  size_t max_nesting;     /**< nesting of lists in the text [10,000] */
  uint32_t macos;         /**< the macOS version whose operation and filter names are bound
                               ((major << 16) | (minor << 8) | patch, as the catalog encodes
                               it; a version without a catalog of its own reads as the
                               newest catalog before it, and one older than every catalog
                               is SBP_E_INVALID_ARG); 0 binds every name some known version
                               has */
  /* version 2 */
  const sbp_entitlement *entitlements; /**< the process's entitlements: with NULL (and 0)
                                            `*entitlements*` stays unbound and profiles
                                            answer as for a process that has none */
  size_t nentitlements;                /**< how many; 0 with a non-NULL pointer binds '() */
} sbp_read_options;

/** Initialiser: `sbp_read_options o = SBP_READ_OPTIONS_INIT;` */
#define SBP_READ_OPTIONS_INIT                                                              \
  {SBP_READ_OPTIONS_VERSION, 0, NULL, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0}

/** A set of entitlements read from a property list (sbp_entitlements_read_plist()). */
typedef struct sbp_entitlements sbp_entitlements;

/**
 * @brief Reads the XML property list of a process's entitlements, as
 *        `codesign -d --entitlements - --xml` prints it: one `<dict>` whose values are
 *        `<true/>`, `<false/>`, `<string>` or an `<array>` of `<string>` (XML entities and
 *        character references decoded). Any other value (integer, data, dict, ...) is an
 *        error, not skipped.
 * @param[in] xml the text (need not be NUL-terminated); NULL only when len is 0.
 * @param[in] len its length.
 * @param[in] alloc allocator; NULL means the default. It is copied.
 * @param[out] out receives the set; free it with sbp_entitlements_free().
 * @param[out] err details on failure, with line and column; may be NULL.
 * @return SBP_OK; SBP_E_SYNTAX (not such a property list, a duplicate key, an unsupported
 *         value); SBP_E_NOMEM; SBP_E_INVALID_ARG (out NULL, xml NULL with len > 0, invalid
 *         allocator). Nothing is left allocated on failure.
 * @since 0.1
 */
SBP_API int sbp_entitlements_read_plist(const char *xml, size_t len, const sbp_alloc *alloc,
                                        sbp_entitlements **out, sbp_error *err);

/**
 * @brief The entitlements of a set, in the order read, for sbp_read_options.entitlements.
 * @param[out] count receives how many (0 for NULL); may be NULL.
 * @return Borrowed; valid as long as the set. NULL for an empty set or NULL.
 * @since 0.1
 */
SBP_API const sbp_entitlement *sbp_entitlements_items(const sbp_entitlements *set,
                                                      size_t *count);

/** @brief Frees a set of entitlements. NULL is ignored. @since 0.1 */
SBP_API void sbp_entitlements_free(sbp_entitlements *set);

/** One text of a profile read from several (see sbp_profile_read_sources()). */
typedef struct sbp_source {
  const char *text; /**< the bytes; need not be NUL-terminated */
  size_t len;       /**< their length */
  const char *file; /**< the name for positions; NULL for none */
} sbp_source;

/**
 * @brief Evaluates SBPL text into a new profile.
 * @param[out] out receives the profile; caller owns it (sbp_profile_free()). Set to NULL on
 *             failure.
 * @param[in] text the profile text (need not be NUL-terminated); NULL only when len is 0.
 * @param[in] len its length in bytes.
 * @param[in] file the name used in positions and messages; may be NULL.
 * @param[in] opts options; NULL means all defaults.
 * @param[in] alloc allocator for the profile and the evaluation; NULL means the default.
 * @param[out] err details on failure, with file, line and column; may be NULL. `offset` is
 *             the byte offset of that line and column in the text, or 0 when the error is
 *             in an imported text (or in one of several sources of the same name).
 * @return SBP_OK; SBP_E_SYNTAX (unreadable text); SBP_E_EVAL (a profile error: unbound
 *         variable, no version specified, wrong argument count, ...); SBP_E_LIMIT (a limit
 *         was exceeded); SBP_E_NOT_FOUND / SBP_E_IO (an import failed); SBP_E_NOMEM;
 *         SBP_E_INVALID_ARG (out NULL, bad options). Nothing is left allocated on failure.
 * @since 0.1
 */
SBP_API int sbp_profile_read(sbp_profile **out, const char *text, size_t len, const char *file,
                             const sbp_read_options *opts, const sbp_alloc *alloc,
                             sbp_error *err);

/**
 * @brief Evaluates several texts as one profile, in order, in one environment (as Chromium
 *        prepends common.sb to a process profile). Each text keeps its own file name in
 *        positions; `(version 1)` may come from any of them, before the first import.
 * @param[out] out receives the profile; caller owns it (sbp_profile_free()). Set to NULL on
 *             failure.
 * @param[in] sources the texts (borrowed for the call); a text may be NULL only when its
 *            length is 0.
 * @param[in] nsources how many (at least one).
 * @param[in] opts options; NULL means all defaults.
 * @param[in] alloc allocator; NULL means the default.
 * @param[out] err details on failure; may be NULL.
 * @return As sbp_profile_read(); SBP_E_INVALID_ARG also when sources is NULL or nsources 0.
 * @since 0.1
 */
SBP_API int sbp_profile_read_sources(sbp_profile **out, const sbp_source *sources,
                                     size_t nsources, const sbp_read_options *opts,
                                     const sbp_alloc *alloc, sbp_error *err);

/** Payload of sbp_import_search(): the directories to look in, in order. */
typedef struct sbp_import_dirs {
  const char *const *dirs; /**< directory names */
  size_t ndirs;            /**< how many */
} sbp_import_dirs;

/**
 * @brief A ready-made import resolver (an sbp_import_fn) that reads files: an absolute name
 *        is opened as it is, a relative one in each of the directories of `payload` in turn,
 *        then in the importing file's directory.
 * @param[in] name the import's name (need not be NUL-terminated); name_len its length.
 * @param[in] name_len the length of name.
 * @param[in] from the importing file, or NULL.
 * @param[out] out_text receives the file's bytes (caller disposes with sbp_buf_dispose()).
 * @param[out] out_file receives the path that was opened (same ownership).
 * @param[out] err details of an I/O failure; may be NULL.
 * @param[in] payload an `sbp_import_dirs *`, or NULL for no directories.
 * @return SBP_OK; SBP_E_NOT_FOUND (no such file anywhere); SBP_E_IO; SBP_E_LIMIT (a file over
 *         64 MiB); SBP_E_NOMEM; SBP_E_INVALID_ARG (name, out_text or out_file NULL).
 * @since 0.1
 */
SBP_API int sbp_import_search(const char *name, size_t name_len, const char *from,
                              sbp_buf *out_text, sbp_buf *out_file, sbp_error *err,
                              void *payload);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_READ_H */
