/* Policies: the handle (policy.c), the state that path resolution (policy_path.c),
 * sandbox-runtime's defaults (policy_srt.c) and the compiler (policy_compile.c) read. */
#ifndef SBP_LIB_POLICY_H
#define SBP_LIB_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "policy_path.h"
#include "sbprofile/policy.h"

typedef struct sbp__port {
  int port;
  uint32_t access;
} sbp__port;

typedef struct sbp__mach {
  const char *name;
  size_t len;
  int prefix;
  uint32_t index;
} sbp__mach;

struct sbp_policy {
  sbp_alloc alloc;
  sbp__arena arena; /* entries' strings */
  sbp_buf scratch[2]; /* reused by path resolution */
  char *home, *cwd;
  size_t home_len, cwd_len;
  sbp__pentry *entries;
  size_t nentries, entries_cap;
  uint32_t list_counts[7];
  sbp__pentry settings;
  int has_settings;
  sbp__port *ports;
  size_t nports, ports_cap;
  sbp__mach *mach;
  size_t nmach, mach_cap;
  int read_mode, write_mode, network_mode;
  uint32_t options;         /* bit (1 << option) */
  uint32_t protections_off; /* bit (1 << protection index) */
  uint32_t sets;            /* bit (1 << set index) */
  uint8_t *entry_added;     /* per base entry: added by name */
  uint8_t *entry_removed;   /* per base entry: removed by name */
  int srt_defaults;         /* sbp_policy_add_srt_defaults() was called */
  /* Warnings of the last compilation. */
  sbp__arena warn_arena;
  const char **warnings;
  size_t nwarnings, warnings_cap;
};

/* Adds a warning (printf-style) to the policy; SBP_OK or SBP_E_NOMEM. */
int sbp__policy_warn(sbp_policy *p, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
