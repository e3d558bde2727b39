/* The catalog: what each macOS version's libsandbox knows (operations with their fallback
 * parents, TERMINAL flags and built-in actions; filters with argument kinds and named
 * constants; modifiers; aliases), generated from ../shared/spec by tools/gen_catalog.py into
 * catalog_data.c. Internal interface; the public one is include/sbprofile/catalog.h. */
#ifndef SBP_LIB_CATALOG_H
#define SBP_LIB_CATALOG_H

#include <stddef.h>
#include <stdint.h>

/* macOS versions are encoded (major << 16) | (minor << 8) | patch: 10.15 is 0x0A0F00,
 * 14.4.1 is 0x0E0401. 0 means "the newest the catalog knows". */
#define SBP__MACOS(maj, min, pat) (((uint32_t)(maj) << 16) | ((uint32_t)(min) << 8) | (uint32_t)(pat))

typedef struct sbp__op_info {
  const char *name;
  const char *parent;   /* fallback operation; NULL for default and TERMINAL ops */
  uint8_t terminal;     /* 1: no parent; builtin applies when no rule decides */
  uint8_t builtin;      /* TERMINAL ops: 1 = allow (SBP_ALLOW), 2 = deny (SBP_DENY) */
  uint8_t parent_inferred; /* 1 when the parent is inferred from the name (weak fact) */
} sbp__op_info;

/* How a filter spelling matches its value. */
typedef enum sbp__match {
  SBP__MATCH_EXACT = 1,   /* literal / name equality */
  SBP__MATCH_PREFIX = 2,  /* -prefix, prefix */
  SBP__MATCH_SUBPATH = 3, /* subpath forms */
  SBP__MATCH_REGEX = 4    /* -regex, regex */
} sbp__match;

/* What a filter's values are. */
typedef enum sbp__arg {
  SBP__ARG_PATH = 1,     /* a path pattern (path, process-path, mount-relative-path, ...) */
  SBP__ARG_NAME = 2,     /* a name pattern (global-name, sysctl-name, preference-domain, ...) */
  SBP__ARG_INTEGER = 3,  /* a number or a named constant (socket-domain, target, ...) */
  SBP__ARG_BITFIELD = 4, /* file-mode */
  SBP__ARG_NETWORK = 5,  /* local / remote */
  SBP__ARG_BOOLEAN = 6,
  SBP__ARG_OTHER = 7
} sbp__arg;

typedef struct sbp__filter_info {
  const char *spelling; /* as written: "subpath", "global-name-prefix", "literal" */
  const char *base;     /* base filter: "path", "global-name" */
  uint8_t match;        /* sbp__match */
  uint8_t arg;          /* sbp__arg */
  const char *category; /* "path", "mach", ... (operations accept filters by category) */
} sbp__filter_info;

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

#endif
