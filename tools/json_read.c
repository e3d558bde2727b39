/* JSON paths, errors and warnings for the policy command's readers (json_read.h). */
#include "json_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sbp_json_reader_init(sbp_json_reader *r, sbp_json_warn_fn warn, const void *ud) {
  memset(r, 0, sizeof(*r));
  r->warn = warn;
  r->warn_ud = ud;
}

static size_t append(sbp_json_reader *r, const char *text) {
  size_t saved = r->path_len, n = strlen(text);
  /* A path longer than the buffer is cut; messages stay readable, nothing overflows. */
  if (r->path_len + n >= sizeof(r->path)) n = sizeof(r->path) - 1 - r->path_len;
  memcpy(r->path + r->path_len, text, n);
  r->path_len += n;
  r->path[r->path_len] = '\0';
  return saved;
}

size_t sbp_json_enter_key(sbp_json_reader *r, const char *key) {
  size_t saved = r->path_len;
  if (r->path_len > 0) append(r, ".");
  append(r, key);
  return saved;
}

size_t sbp_json_enter_index(sbp_json_reader *r, size_t index) {
  char text[32];
  snprintf(text, sizeof(text), "[%zu]", index);
  return append(r, text);
}

void sbp_json_leave(sbp_json_reader *r, size_t saved) {
  r->path_len = saved;
  r->path[saved] = '\0';
}

static void format(sbp_json_reader *r, char *out, size_t cap, const char *fmt, va_list ap) {
  int n = snprintf(out, cap, "%s: ", r->path_len > 0 ? r->path : "(top level)");
  if (n < 0 || (size_t)n >= cap) return;
  vsnprintf(out + n, cap - (size_t)n, fmt, ap);
}

int sbp_json_fail(sbp_json_reader *r, const char *fmt, ...) {
  if (r->error[0] != '\0') return SBP_E_INVALID_ARG;
  va_list ap;
  va_start(ap, fmt);
  format(r, r->error, sizeof(r->error), fmt, ap);
  va_end(ap);
  return SBP_E_INVALID_ARG;
}

void sbp_json_warn(sbp_json_reader *r, const char *fmt, ...) {
  char message[1200];
  va_list ap;
  va_start(ap, fmt);
  format(r, message, sizeof(message), fmt, ap);
  va_end(ap);
  r->warnings++;
  if (r->warn != NULL) r->warn(r->warn_ud, message);
}

const char *sbp_json_kind(json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER: return "an integer";
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  case JSON_NULL: return "null";
  }
  return "a value";
}

void sbp_json_unknown_keys(sbp_json_reader *r, json_t *obj, const char *const *known) {
  const char *key;
  json_t *value;
  json_object_foreach(obj, key, value) {
    size_t i = 0;
    while (known[i] != NULL && strcmp(known[i], key) != 0) i++;
    if (known[i] != NULL) continue;
    size_t saved = sbp_json_enter_key(r, key);
    sbp_json_warn(r, "unknown key, ignored");
    sbp_json_leave(r, saved);
  }
}

/* obj's member key if it is of the wanted type: 1; absent: 0; another type: -1 (error). */
static int member(sbp_json_reader *r, json_t *obj, const char *key, json_type want,
                  const char *what, json_t **out) {
  json_t *v = json_object_get(obj, key);
  if (v == NULL) return 0;
  int ok = json_typeof(v) == want || (want == JSON_TRUE && json_is_boolean(v));
  if (!ok) {
    size_t saved = sbp_json_enter_key(r, key);
    sbp_json_fail(r, "expected %s, got %s", what, sbp_json_kind(v));
    sbp_json_leave(r, saved);
    return SBP_E_INVALID_ARG;
  }
  *out = v;
  return 1;
}

int sbp_json_get_object(sbp_json_reader *r, json_t *obj, const char *key, json_t **out) {
  *out = NULL;
  return member(r, obj, key, JSON_OBJECT, "an object", out) < 0 ? SBP_E_INVALID_ARG : 0;
}

int sbp_json_get_array(sbp_json_reader *r, json_t *obj, const char *key, json_t **out) {
  *out = NULL;
  return member(r, obj, key, JSON_ARRAY, "an array", out) < 0 ? SBP_E_INVALID_ARG : 0;
}

int sbp_json_get_bool(sbp_json_reader *r, json_t *obj, const char *key, int *out) {
  json_t *v = NULL;
  int rc = member(r, obj, key, JSON_TRUE, "true or false", &v);
  if (rc > 0) *out = json_is_true(v);
  return rc < 0 ? SBP_E_INVALID_ARG : 0;
}

int sbp_json_get_string(sbp_json_reader *r, json_t *obj, const char *key,
                        const char **out, size_t *len) {
  json_t *v = NULL;
  int rc = member(r, obj, key, JSON_STRING, "a string", &v);
  if (rc > 0) {
    *out = json_string_value(v);
    *len = json_string_length(v);
  }
  return rc < 0 ? SBP_E_INVALID_ARG : 0;
}

int sbp_json_get_int(sbp_json_reader *r, json_t *obj, const char *key, long long min,
                     long long max, long long *out, int *present) {
  json_t *v = NULL;
  *present = 0;
  int rc = member(r, obj, key, JSON_INTEGER, "an integer", &v);
  if (rc <= 0) return rc;
  long long n = (long long)json_integer_value(v);
  if (n < min || n > max) {
    size_t saved = sbp_json_enter_key(r, key);
    sbp_json_fail(r, "%lld is out of range (%lld-%lld)", n, min, max);
    sbp_json_leave(r, saved);
    return SBP_E_INVALID_ARG;
  }
  *out = n;
  *present = 1;
  return 0;
}

int sbp_json_require(sbp_json_reader *r, json_t *obj, const char *key) {
  if (json_object_get(obj, key) != NULL) return 0;
  size_t saved = sbp_json_enter_key(r, key);
  sbp_json_fail(r, "required key is missing");
  sbp_json_leave(r, saved);
  return SBP_E_INVALID_ARG;
}

json_t *sbp_json_parse(sbp_json_reader *r, const char *text, size_t len) {
  json_error_t jerr;
  /* Duplicate keys are refused: with two values for one key, which one a reader takes is a
   * guess, and a policy must not depend on a guess. */
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  /* jansson reports a failed allocation as out_of_memory, or as an unknown error with no
   * text at all. */
  if (root == NULL && (json_error_code(&jerr) == json_error_out_of_memory ||
                       (json_error_code(&jerr) == json_error_unknown && jerr.text[0] == '\0'))) {
    r->nomem = 1;
  } else if (root == NULL && r->error[0] == '\0') {
    snprintf(r->error, sizeof(r->error), "%s", jerr.text);
    r->line = jerr.line > 0 ? jerr.line : 1;
    r->column = jerr.column > 0 ? jerr.column : 1;
  }
  return root;
}

int sbp_json_status(sbp_json_reader *r, int rc, const sbp_error *err) {
  if (rc == SBP_OK || rc == SBP_E_NOMEM) return rc;
  return sbp_json_fail(r, "%s", err->message[0] ? err->message : sbp_strerror(rc));
}

int sbp_json_each(sbp_json_reader *r, json_t *obj, const char *key, sbp_json_value_fn each,
                  void *ud) {
  json_t *arr, *v;
  if (sbp_json_get_array(r, obj, key, &arr) != 0) return SBP_E_INVALID_ARG;
  if (arr == NULL) return 0;
  size_t saved = sbp_json_enter_key(r, key), i;
  int rc = 0;
  json_array_foreach(arr, i, v) {
    size_t at = sbp_json_enter_index(r, i);
    rc = each(r, ud, v);
    sbp_json_leave(r, at);
    if (rc != 0) break;
  }
  sbp_json_leave(r, saved);
  return rc;
}

typedef struct string_call {
  sbp_json_string_fn each;
  void *ud;
} string_call;

static int one_string(sbp_json_reader *r, void *ud, json_t *v) {
  const string_call *call = ud;
  if (!json_is_string(v)) return sbp_json_fail(r, "expected a string, got %s", sbp_json_kind(v));
  return call->each != NULL ? call->each(r, call->ud, json_string_value(v), json_string_length(v))
                            : 0;
}

int sbp_json_each_string(sbp_json_reader *r, json_t *obj, const char *key,
                         sbp_json_string_fn each, void *ud) {
  string_call call = {each, ud};
  return sbp_json_each(r, obj, key, one_string, &call);
}
