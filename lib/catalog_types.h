/* The catalog's record types and version encoding, shared by the generated tables
 * (catalog_data.c) and the look-ups over them (catalog.c, catalog.h). */
#ifndef SBP_LIB_CATALOG_TYPES_H
#define SBP_LIB_CATALOG_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* macOS versions are encoded (major << 16) | (minor << 8) | patch: 10.15 is 0x0A0F00,
 * 14.4.1 is 0x0E0401. 0 means "the newest the catalog knows". */
#define SBP__MACOS(maj, min, pat) (((uint32_t)(maj) << 16) | ((uint32_t)(min) << 8) | (uint32_t)(pat))

typedef struct sbp__op_info {
  const char *name;
  const char *parent;   /* fallback operation; NULL for default and TERMINAL ops */
  uint8_t terminal;     /* 1: no parent; builtin applies when no rule decides */
  uint8_t builtin;      /* TERMINAL ops: 1 = allow (SBP_ALLOW), 2 = deny (SBP_DENY);
                           0 for default (no built-in: a profile without a default rule decides
                           nothing) and for every non-TERMINAL op */
  uint8_t parent_inferred; /* 1 when the parent is inferred from the name (weak fact) */
  /* Appended fields (the generated table fills them). */
  uint16_t id;          /* index in that version's libsandbox operation table */
  uint8_t version;      /* index into sbp__cat_versions (catalog_data.h) */
  uint8_t categories_known; /* 1: this version's table; 2: borrowed from 10.15; 0: unknown
                               (only the universal categories extension/process/system set) */
  uint64_t categories;  /* accepted filter categories: bits index sbp__cat_categories */
  uint32_t modifiers;   /* accepted modifiers: bits index sbp__cat_op_modifiers */
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
  SBP__ARG_OTHER = 7,
  SBP__ARG_STRING = 8,   /* a plain string (modifier arguments such as message) */
  SBP__ARG_NONE = 0      /* takes no argument (modifiers such as report) */
} sbp__arg;

typedef struct sbp__filter_info {
  const char *spelling; /* as written: "subpath", "global-name-prefix", "literal" */
  const char *base;     /* base filter: "path", "global-name" */
  uint8_t match;        /* sbp__match */
  uint8_t arg;          /* sbp__arg */
  const char *category; /* "path", "mach", ... (operations accept filters by category);
                           NULL when unknown */
  /* Appended fields (the generated table fills them). */
  uint8_t flags;        /* SBP__FILTER_ALIAS | SBP__FILTER_INFERRED | SBP__FILTER_INTERNAL */
  uint8_t version;      /* index into sbp__cat_versions */
  const char *arg_type; /* libsandbox's argument-type name as the source table wrote it */
} sbp__filter_info;

#define SBP__FILTER_ALIAS 1u    /* a prelude alias (literal, prefix, regex, from, to, ...) */
#define SBP__FILTER_INFERRED 2u /* kind or spelling inferred (a name new in 14.x/15.x) */
#define SBP__FILTER_INTERNAL 4u /* a %-name used through prelude helpers */

#endif
