/* Reading JSON settings with jansson, for the policy command: the JSON path of the value being
 * read (filesystem.denyRead[3]), errors that name it, and warnings for keys nobody reads.
 * Used only by the command-line tool; the library stays libc-only. */
#ifndef SBP_TOOLS_JSON_READ_H
#define SBP_TOOLS_JSON_READ_H

#include <stddef.h>

#include <jansson.h>

#include "sbprofile.h"

/* Receives one warning (a whole sentence, no newline). */
typedef void (*sbp_json_warn_fn)(const void *ud, const char *message);

typedef struct sbp_json_reader {
  char path[1024];       /* JSON path of the value being read; "" at the root */
  size_t path_len;
  char error[1024];      /* the first error: "PATH: message", or the parser's message */
  int line, column;      /* where the text stops being JSON (1-based); 0 for a PATH error */
  int nomem;             /* the parser ran out of memory */
  sbp_json_warn_fn warn; /* may be NULL */
  const void *warn_ud;
  size_t warnings;       /* how many warnings were given */
} sbp_json_reader;

void sbp_json_reader_init(sbp_json_reader *r, sbp_json_warn_fn warn, const void *ud);

/* Descends into obj.key / [index]; returns the path length to restore with sbp_json_leave. */
size_t sbp_json_enter_key(sbp_json_reader *r, const char *key);
size_t sbp_json_enter_index(sbp_json_reader *r, size_t index);
void sbp_json_leave(sbp_json_reader *r, size_t saved);

/* Records "PATH: message" as the error (the first one stays); returns SBP_E_INVALID_ARG. */
int sbp_json_fail(sbp_json_reader *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Gives "PATH: message" to the warning callback. */
void sbp_json_warn(sbp_json_reader *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* "an object", "a string", ... for messages. */
const char *sbp_json_kind(json_t *v);

/* Warns "PATH.KEY: unknown key, ignored" for every key of obj not in known (NULL-ended). */
void sbp_json_unknown_keys(sbp_json_reader *r, json_t *obj, const char *const *known);

/* Type checks of obj's member key, which may be absent (then *out is NULL / untouched and 0 is
 * returned): 0 or SBP_E_INVALID_ARG (error recorded, naming obj.key). */
int sbp_json_get_object(sbp_json_reader *r, json_t *obj, const char *key, json_t **out);
int sbp_json_get_array(sbp_json_reader *r, json_t *obj, const char *key, json_t **out);
int sbp_json_get_bool(sbp_json_reader *r, json_t *obj, const char *key, int *out);
int sbp_json_get_string(sbp_json_reader *r, json_t *obj, const char *key,
                        const char **out, size_t *len);
/* An integer within [min, max]. */
int sbp_json_get_int(sbp_json_reader *r, json_t *obj, const char *key, long long min,
                     long long max, long long *out, int *present);
/* Fails naming obj.key when the key is absent. */
int sbp_json_require(sbp_json_reader *r, json_t *obj, const char *key);

/* A library call's status at the current path: SBP_OK and SBP_E_NOMEM pass through; any other
 * failure records "PATH: err->message" and gives SBP_E_INVALID_ARG. */
int sbp_json_status(sbp_json_reader *r, int rc, const sbp_error *err);

/* Calls each(r, ud, value) for every element of the array obj.key (absent: nothing), with the
 * path at the element. Stops at the first non-zero status and returns it; obj.key that is not
 * an array is an error. */
typedef int (*sbp_json_value_fn)(sbp_json_reader *r, void *ud, json_t *value);
int sbp_json_each(sbp_json_reader *r, json_t *obj, const char *key, sbp_json_value_fn each,
                  void *ud);

/* sbp_json_each() over an array of strings: each(r, ud, text, len); a non-string element is
 * an error. */
typedef int (*sbp_json_string_fn)(sbp_json_reader *r, void *ud, const char *text, size_t len);
int sbp_json_each_string(sbp_json_reader *r, json_t *obj, const char *key,
                         sbp_json_string_fn each, void *ud);

/* Parses text (len bytes) as one JSON value, its keys unique; on failure records the parser's
 * message, line and column (or sets nomem) and returns NULL. The caller json_decref()s. */
json_t *sbp_json_parse(sbp_json_reader *r, const char *text, size_t len);

#endif
