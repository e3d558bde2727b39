/* The catalog: what each macOS version's libsandbox knows (operations with their fallback
 * parents, TERMINAL flags and built-in actions; filters with argument kinds and named
 * constants; modifiers; aliases), generated from ../shared/spec by tools/gen_catalog.py into
 * catalog_data.c. Internal interface; the public one is include/sbprofile/catalog.h. */
#ifndef SBP_LIB_CATALOG_H
#define SBP_LIB_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "catalog_types.h"

/* The version the caller named, or the newest known for 0; 0 when unknown. */
uint32_t sbp__catalog_version(uint32_t macos);

/* Resolves an operation alias (process-exec -> process-exec*); returns name itself when it
 * is no alias. */
const char *sbp__catalog_op_alias(const char *name, size_t len, size_t *out_len);

/* The operation row for name (after alias resolution) in that version, or NULL. */
const sbp__op_info *sbp__catalog_op(uint32_t macos, const char *name, size_t len);

/* The filter spelling (aliases such as literal, prefix, regex, from, to resolved), or NULL. */
const sbp__filter_info *sbp__catalog_filter(uint32_t macos, const char *spelling, size_t len);

/* The value of a named constant accepted by a base filter (AF_UNIX for socket-domain,
 * same-sandbox for target, CHARACTER-DEVICE for vnode-type, tcp for remote). Returns 1 and
 * sets *out when known, 0 otherwise. */
int sbp__catalog_constant(uint32_t macos, const char *base, const char *name, size_t len,
                          int64_t *out);

/* Does that operation accept the filter's category in that version? 1 yes, 0 no, -1 unknown. */
int sbp__catalog_op_accepts(uint32_t macos, const char *op, const char *category);

/* ---- extensions (appended; everything above keeps its meaning) ----
 *
 * Rules and requests differ: the prelude's aliases apply to names written in a profile, so
 * resolve a rule's operation with sbp__catalog_op (sysctl-write in a rule is sysctl*), but a
 * request names a concrete kernel operation: look it up with sbp__catalog_op_raw (a request for
 * sysctl-write has the chain sysctl-write -> sysctl* -> default). */

/* As sbp__catalog_op_alias, for one version: the prelude's aliases differ between versions
 * (iokit-open is an alias on 14.x only). 0 means the newest known. Returns name itself when it
 * is no alias in that version, and also for names the prelude binds to 'no-op (see
 * sbp__catalog_op_noop). *out_len may be NULL. */
const char *sbp__catalog_op_alias_v(uint32_t macos, const char *name, size_t len,
                                    size_t *out_len);

/* 1 when that version's prelude binds name to 'no-op (a rule naming it is dropped). */
int sbp__catalog_op_noop(uint32_t macos, const char *name, size_t len);

/* 1 when resolving name in that version went through an alias marked weak (iokit-open). */
int sbp__catalog_op_alias_weak(uint32_t macos, const char *name, size_t len);

/* The operation row exactly as named, without alias resolution, or NULL. */
const sbp__op_info *sbp__catalog_op_raw(uint32_t macos, const char *name, size_t len);

/* The row of op's parent in the same version, or NULL (default, TERMINAL ops). */
const sbp__op_info *sbp__catalog_op_parent(const sbp__op_info *op);

/* Bitmask of the versions (bit i = sbp__cat_versions[i]) whose table has that exact name. */
uint32_t sbp__catalog_op_name_versions(const char *name, size_t len);

#endif
