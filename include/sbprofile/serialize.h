/**
 * @file sbprofile/serialize.h
 * @brief Rendering a profile as SBPL text, and a debug dump of the tree.
 *
 * @defgroup serialize Serializer
 *
 * The serializer turns a profile's tree into SBPL. The output is deterministic: the same tree
 * and options give the same bytes. No text held by the tree can change the structure of the
 * output:
 *
 * - strings (paths, names, import paths, parameter names) go out as `"..."` in which `\` and
 *   `"` are escaped (as `\\` and `\"`), and so is every control byte: LF, TAB and CR as
 *   `\n`, `\t` and `\r`, the others (0x01-0x1f, 0x7f) as `\xHH` with two upper-case hex
 *   digits. These are the escapes of TinyScheme's string reader, from which SBPL's comes,
 *   and sbprofile's reader takes them too; so no line of the output starts inside a literal,
 *   and grep or diff never see a form that is not one. Every other byte (UTF-8 included) is
 *   written as it is. No `\u` or JSON escape is ever written;
 * - a regex goes out as a raw string `#"..."` when its text holds no `"` (SBPL's raw strings
 *   end at the next `"` and know no escapes), no control byte, and does not end with a
 *   backslash (so that a reader taking `\"` for an escape could not run past the end
 *   either); otherwise as an escaped ordinary string, which reads back as the same text;
 * - comments go out as `;` lines; the text is cut at every LF and CR (a CR LF pair counts as
 *   one break) and each piece gets its own `;`, so no comment can end early;
 * - names (operations, filters, modifiers, constants) must be SBPL symbols; a tree holding
 *   anything else is refused with SBP_E_INVALID_TREE.
 *
 * The canonical form, one item after another, each ending with a newline:
 *
 *     (version 1)
 *     ; a comment item
 *     (import "bsd.sb")
 *     ; a rule's comment
 *     (allow file-read*
 *       (subpath "/usr/lib")
 *       (require-not (literal "/usr/lib/x"))
 *       (with report))
 *     (allow network-outbound
 *       (remote tcp "localhost:8080"))
 *     (deny default)
 *
 * With SBP_SERIALIZE_COMPACT each rule takes one line:
 * `(allow file-read* (subpath "/usr/lib") (with report))`. Nested filters (inside
 * require-all, require-any and require-not) are always written on the line of the top-level
 * filter that holds them, so the output stays linear in the size of the tree.
 *
 * Values: strings `"..."`, regexes `#"..."` (or `"..."`), constants bare (`AF_UNIX`), integers
 * in decimal, booleans `#t`/`#f`, parameters `(param "NAME")`, concatenations
 * `(string-append ...)`, network addresses `tcp "localhost:8080"`, `ip "*:*"` or a bare
 * protocol `tcp`. Modifiers are `(with NAME)` or `(with NAME VALUE)`.
 *
 * **Splitting.** libsandbox refuses a rule whose filters serialize to more than 65,535 bytes
 * ("pattern serialization length N exceeds maximum (65535)"). Unless SBP_SERIALIZE_NO_SPLIT
 * is set, a rule whose filters would take more than `split_limit` bytes is written as several
 * consecutive rules with the same action, operations and modifiers. The size counted is the
 * bytes of the rule's filters exactly as emitted, each with the separator before it (a space
 * in the compact layout, a newline and two spaces otherwise). Top-level filters are OR-ed, so
 * a rule is cut between them; a top-level leaf filter with several values (also OR-ed) that is
 * too large by itself is cut between its values. A filter that cannot be cut below the limit
 * (a single value, or a require-* expression, larger than the limit) makes the call fail with
 * SBP_E_LIMIT naming the rule. A rule's comment goes before the first of its pieces only.
 * @{
 */
#ifndef SBPROFILE_SERIALIZE_H
#define SBPROFILE_SERIALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Flags of sbp_serialize_options. */
typedef enum sbp_serialize_flags {
  SBP_SERIALIZE_DEFAULT = 0,          /**< one filter a line, comments, splitting on */
  SBP_SERIALIZE_COMPACT = 1u << 0,    /**< each rule on one line */
  SBP_SERIALIZE_NO_COMMENTS = 1u << 1, /**< omit comment items and rules' comments */
  SBP_SERIALIZE_NO_SPLIT = 1u << 2    /**< never split a rule, however large */
} sbp_serialize_flags;

/** The largest filter text, in bytes, libsandbox accepts in one rule. */
#define SBP_SERIALIZE_SPLIT_LIMIT_DEFAULT 65535u

/** Layout version of sbp_serialize_options; SBP_SERIALIZE_OPTIONS_INIT sets it. */
#define SBP_SERIALIZE_OPTIONS_VERSION 1u

/**
 * Options of sbp_serialize() and sbp_serialize_node(). Initialise with
 * SBP_SERIALIZE_OPTIONS_INIT, then change fields. New fields are only appended.
 */
typedef struct sbp_serialize_options {
  uint32_t version;   /**< SBP_SERIALIZE_OPTIONS_VERSION */
  uint32_t flags;     /**< a combination of sbp_serialize_flags */
  size_t split_limit; /**< the most bytes of filters one rule may take; 0 means the default
                           (SBP_SERIALIZE_SPLIT_LIMIT_DEFAULT) */
} sbp_serialize_options;

/** Initialiser for the default options. */
#define SBP_SERIALIZE_OPTIONS_INIT \
  {SBP_SERIALIZE_OPTIONS_VERSION, 0u, (size_t)SBP_SERIALIZE_SPLIT_LIMIT_DEFAULT}

/**
 * @brief Renders a profile as SBPL text: `(version 1)` when set, then every item in order.
 * @param[in] profile the profile; it is checked with sbp_node_validate() first.
 * @param[in] opts options; NULL means SBP_SERIALIZE_OPTIONS_INIT.
 * @param[out] out receives the text (NUL-terminated, also in out->len); whatever it held
 *        before is released. On failure it is left empty. The caller owns it; release it
 *        with sbp_buf_dispose(). Its memory comes from the profile's allocator.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_INVALID_ARG (profile or out NULL, opts of an unknown version or with
 *         unknown flags); SBP_E_INVALID_TREE (the tree fails validation or holds a name that
 *         is not a symbol); SBP_E_LIMIT (a filter cannot be split below the limit; the message
 *         names the rule and err holds its position when it has one); SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_serialize(const sbp_profile *profile, const sbp_serialize_options *opts,
                          sbp_buf *out, sbp_error *err);

/**
 * @brief Renders one node as SBPL text, without a final newline.
 *
 * A rule gives its comment lines (unless omitted) and the rule, or the consecutive rules it
 * splits into, separated by newlines; an import `(import "...")`; a comment item its `;`
 * lines; a filter, require-*, modifier or value its text as it appears inside a rule; an
 * operation its name; the root the whole profile (as sbp_serialize(), with the final newline).
 * The node may be detached.
 * @param[in] node the node; it is checked with sbp_node_validate() first.
 * @param[in] opts options; NULL means SBP_SERIALIZE_OPTIONS_INIT.
 * @param[out] out as for sbp_serialize(): replaced on success, left empty on failure; caller
 *        releases it with sbp_buf_dispose().
 * @param[out] err details on failure; may be NULL.
 * @return As sbp_serialize().
 * @since 0.1
 */
SBP_API int sbp_serialize_node(const sbp_node *node, const sbp_serialize_options *opts,
                               sbp_buf *out, sbp_error *err);

/**
 * @brief A stable, line-per-node dump of a subtree, for golden tests and debugging.
 *
 * Each line is the node's indentation (two spaces a level, relative to `node`; deeper than 32
 * levels the indentation stays at 64 spaces, followed by `[depth N] `, so the dump stays linear
 * in the size of the tree), its type,
 * then what it carries: a rule's action and comment, a name or text quoted C-style (`\\`,
 * `\"`, `\n`, `\r`, `\t`, `\xHH` for other bytes outside 0x20-0x7e), a value's kind and
 * content, and the position as ` @LINE:COLUMN` or ` @"FILE":LINE:COLUMN` when known. Example:
 *
 *     profile version=1
 *       rule allow @3:1
 *         operation "file-read*"
 *         filter "subpath"
 *           value string "/usr/lib"
 *
 * The tree need not be valid.
 * @param[in] node the root of the subtree to dump.
 * @param[out] out receives the text (replaced on success, left empty on failure); caller
 *        releases it with sbp_buf_dispose(). Its memory comes from the node's profile.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG (node or out NULL), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_debug_dump(const sbp_node *node, sbp_buf *out, sbp_error *err);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_SERIALIZE_H */
