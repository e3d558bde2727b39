/* From a reported target to the filter that names it, per operation (suggest_map.c), and
 * the risks of granting it. */
#ifndef SBP_LIB_SUGGEST_MAP_H
#define SBP_LIB_SUGGEST_MAP_H

#include <stdint.h>

#include "alloc.h"
#include "sbprofile/decide.h"

/* How a filter's value is written and put into a request. */
typedef enum sbp__map_kind {
  SBP__MAP_NONE = 0,   /* unmappable */
  SBP__MAP_UNFILTERED, /* (allow OP) */
  SBP__MAP_PATH,       /* (literal "P"), request path */
  SBP__MAP_NAME,       /* (FILTER "N"), request attribute attr */
  SBP__MAP_CONSTANT,   /* (FILTER CONST), request attribute attr (target) */
  SBP__MAP_UNIX,       /* (remote|local unix-socket (path-literal "P")), request path */
  SBP__MAP_IP          /* (remote|local ip "HOST:PORT"), request remote/local */
} sbp__map_kind;

typedef struct sbp__mapped {
  sbp__map_kind kind;
  const char *filter; /* filter name for NAME / CONSTANT */
  sbp_attr attr;      /* request attribute */
  const char *value;  /* path, name, constant or "localhost:PORT" (arena) */
  const char *host;   /* IP: the host the report names (arena) */
  int port;           /* IP: port or SBP_PORT_ANY */
  int local;          /* IP / UNIX: local end (bind, inbound) */
  const char *reason; /* NONE: why; otherwise a caveat or NULL (arena or static) */
} sbp__mapped;

/* The operation op stands for (aliases resolved) into buf: 1 when the catalog of that
 * version knows it, 0 otherwise. */
int sbp__suggest_resolve(uint32_t macos, const char *op, char *buf, size_t size);

/* Maps a target for an operation resolved by sbp__suggest_resolve() (NULL: an unknown one).
 * SBP_OK (m filled; kind NONE when unmappable) or SBP_E_NOMEM. */
int sbp__suggest_map(sbp__arena *arena, const char *resolved_op, const char *target,
                     sbp__mapped *m);

/* The /private spelling of /tmp, /var and /etc paths (arena), or path itself. NULL on OOM. */
const char *sbp__suggest_canonical(sbp__arena *arena, const char *path);

/* Why granting op on a mapped value (or a subpath dir when subpath) is risky; NULL if not.
 * workspace may be NULL. */
const char *sbp__suggest_risk(const char *op, const sbp__mapped *m, int subpath,
                              const char *workspace);

#endif
