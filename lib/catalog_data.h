/* The generated catalog tables (lib/catalog_data.c, made by tools/gen_catalog.py). Only
 * catalog.c reads them; everyone else goes through catalog.h or the public API. */
#ifndef SBP_LIB_CATALOG_DATA_H
#define SBP_LIB_CATALOG_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "catalog_types.h"

/* 10.6, 10.12, 10.13, 10.14, 10.15, 14.4.1, 15: bit i of every version mask is entry i. */
#define SBP__CAT_NVERSIONS 7

#define SBP__CAT_HAS_OPS 1u     /* operation rows (parents, TERMINAL flags) */
#define SBP__CAT_HAS_FILTERS 2u /* filter spellings, constants and modifiers */
#define SBP__CAT_TARGET 4u      /* both: a version a caller may target */

typedef struct sbp__cat_version {
  uint32_t macos;                 /* SBP__MACOS(...) */
  const char *label;              /* "10.15", "14.4.1", "15" */
  uint8_t flags;                  /* SBP__CAT_HAS_OPS | ... */
  const sbp__op_info *ops;        /* sorted by name (bytes); NULL when none */
  size_t n_ops;
  const sbp__filter_info *filters; /* sorted by spelling (bytes); NULL when none */
  size_t n_filters;
} sbp__cat_version;

typedef struct sbp__cat_name {
  const char *name;
  uint8_t versions; /* mask over sbp__cat_versions */
} sbp__cat_name;

typedef struct sbp__cat_alias {
  const char *name;
  const char *target; /* NULL: bound to 'no-op, a rule naming it is dropped */
  uint8_t versions;   /* versions whose prelude has it (and whose table has the target) */
  uint8_t weak;       /* 1: the mapping itself is a weak fact */
  const char *note;
} sbp__cat_alias;

typedef struct sbp__cat_constant {
  const char *base; /* base filter, or a modifier (send-signal, errno) */
  const char *name;
  int64_t value;
  uint8_t versions;
} sbp__cat_constant;

#define SBP__MOD_ALIAS 1u           /* canonical names the modifier it stands for */
#define SBP__MOD_NOOP 2u            /* deprecated, accepted and ignored */
#define SBP__MOD_APPLIES_UNKNOWN 4u /* which actions accept it is not known */
#define SBP__MOD_WEAK 8u            /* carried over to this version by assumption */

typedef struct sbp__modifier_info {
  const char *name;
  const char *canonical;   /* itself, or the aliased modifier */
  const char *implied_arg; /* termination: "SIGKILL"; else NULL */
  uint8_t applies;         /* 1 allow, 2 deny, 3 both */
  uint8_t arg;             /* sbp__arg: NONE, INTEGER, STRING, OTHER */
  uint8_t flags;           /* SBP__MOD_* */
  uint8_t versions;
  const char *source;
} sbp__modifier_info;

extern const sbp__cat_version sbp__cat_versions[SBP__CAT_NVERSIONS];
extern const char *const sbp__cat_categories[];
extern const size_t sbp__cat_ncategories;
extern const char *const sbp__cat_op_modifiers[];
extern const size_t sbp__cat_nopmodifiers;
extern const sbp__cat_name sbp__cat_op_names[]; /* sorted by name */
extern const size_t sbp__cat_nopnames;
extern const sbp__cat_alias sbp__cat_op_aliases[]; /* sorted by name */
extern const size_t sbp__cat_naliases;
extern const sbp__cat_constant sbp__cat_constants[]; /* sorted by (base, name) */
extern const size_t sbp__cat_nconstants;
extern const sbp__cat_name sbp__cat_constant_names[]; /* every constant name, sorted */
extern const size_t sbp__cat_nconstant_names;
extern const sbp__modifier_info sbp__cat_modifiers[]; /* sorted by name */
extern const size_t sbp__cat_nmodifiers;

#endif
