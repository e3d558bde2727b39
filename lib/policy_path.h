/* Policies: resolving the paths of entries (policy_path.c), and the resolved entry. */
#ifndef SBP_LIB_POLICY_PATH_H
#define SBP_LIB_POLICY_PATH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "sbprofile/policy.h"

/* A resolved path entry: 32 bytes, since the compiler walks every entry several times and a
 * policy may hold hundreds of thousands of them.
 *
 * Its strings are one arena block, each NUL-terminated: the text as given, then per spelling
 * its path and, for a glob, its base. Spelling 0 is the canonical one (/private/tmp/x); a path
 * under /tmp, /var or /etc has a second spelling as reachable through the link (/tmp/x). A
 * glob whose first component is a pattern is spelled as given, then under /private once for
 * each of tmp, var and etc that the pattern can match (/t*\/x, /private/tmp/x). Glob
 * paths keep their escapes; the base is the directory a glob cannot match outside of, without
 * escapes (for a literal or subtree, the path itself). */
typedef struct sbp__pentry {
  const char *text;  /* as given, followed by the spellings */
  uint32_t text_len;
  uint32_t index;    /* position in its list */
  uint32_t path_len; /* of spelling 0 */
  uint32_t base_len; /* of spelling 0 */
  uint8_t list;      /* sbp_policy_list, or 0 for the settings file */
  uint8_t kind;      /* SBP_PATH_LITERAL, _SUBTREE or _GLOB */
  uint8_t nspell;    /* number of spellings, 1 to SBP__SPELLINGS_MAX */
  uint8_t linked;    /* spelling 1 is spelling 0 through the link (/tmp/x for /private/tmp/x),
                        which SBP_POLICY_BOTH_SPELLINGS off leaves out */
} sbp__pentry;

/* Spellings of one entry at most: the path, and a glob whose first component is a pattern
 * once more under /private for each of tmp, var and etc it can match. */
#define SBP__SPELLINGS_MAX 4

/* Longest text or resolved path an entry can hold. */
#define SBP__PENTRY_MAX (UINT32_MAX / 4)

/* Spelling 0's path of entry e (e->path_len bytes). */
static inline const char *sbp__pentry_path0(const sbp__pentry *e) {
  return e->text + e->text_len + 1;
}

/* Spelling s's path (*len its length) of entry e. */
static inline const char *sbp__pentry_path(const sbp__pentry *e, int s, size_t *len) {
  const char *p = sbp__pentry_path0(e);
  size_t n = e->path_len;
  for (int k = 0; k < s; k++) {
    p += n + 1;
    if (e->kind == SBP_PATH_GLOB) p += strlen(p) + 1; /* the base */
    n = strlen(p);
  }
  *len = n;
  return p;
}

/* Spelling s's base (*len its length) of entry e. */
static inline const char *sbp__pentry_base(const sbp__pentry *e, int s, size_t *len) {
  size_t n;
  const char *p = sbp__pentry_path(e, s, &n);
  if (e->kind != SBP_PATH_GLOB) {
    *len = n;
    return p;
  }
  p += n + 1;
  *len = s == 0 ? e->base_len : strlen(p);
  return p;
}

/* Resolves text into e (strings in the arena). what names the entry in messages. */
int sbp__policy_resolve(sbp__arena *arena, sbp_buf scratch[2], const char *home,
                        size_t home_len, const char *cwd, size_t cwd_len, sbp_path_kind kind,
                        const char *text, size_t len, const char *what, sbp__pentry *e,
                        sbp_error *err);

/* Normalizes an absolute directory given as home or cwd (into the arena). */
int sbp__policy_dir(sbp__arena *arena, const char *what, const char *s, size_t len, char **out,
                    size_t *out_len, sbp_error *err);

/* The names of the lists, for messages and comments ("read-deny"). */
const char *sbp__policy_list_name(int list);

#endif
