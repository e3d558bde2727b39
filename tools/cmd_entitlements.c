/* -E KEY=VALUE and --entitlements FILE: the entitlements of the process a profile is read
 * for, as sandbox_compile_* receives them. The file is the XML property list that
 * `codesign -d --entitlements - --xml` prints, read by the library's own small reader
 * (sbp_entitlements_read_plist, fuzzed by fuzz/plist_fuzzer.c): it needs no dependency
 * beyond libc and refuses, with a position, any value it cannot represent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

/* The entry for key, made (zeroed) when there is none yet; NULL when out of memory. */
static sbp_entitlement *entry(sbp_tool_eval *ev, const char *key) {
  for (size_t i = 0; i < ev->nents; i++)
    if (strcmp(ev->ents[i].key, key) == 0) return &ev->ents[i];
  if (ev->nents == ev->entcap) {
    size_t ncap = ev->entcap ? ev->entcap * 2 : 8;
    sbp_entitlement *n = realloc(ev->ents, ncap * sizeof *n);
    if (n == NULL) return NULL;
    ev->ents = n;
    ev->entcap = ncap;
  }
  sbp_entitlement *e = &ev->ents[ev->nents++];
  memset(e, 0, sizeof *e);
  e->key = key;
  return e;
}

/* Records p (malloc'ed, or a set when is_set) to be freed with the options. */
static int keep(sbp_tool_eval *ev, void *p, int is_set) {
  void **o = realloc(ev->owned, (ev->nowned + 1) * sizeof *o);
  if (o != NULL) ev->owned = o;
  unsigned char *f = o ? realloc(ev->files, ev->nowned + 1) : NULL;
  if (f != NULL) ev->files = f;
  if (o == NULL || f == NULL) return -1;
  ev->owned[ev->nowned] = p;
  ev->files[ev->nowned++] = (unsigned char)is_set;
  return 0;
}

/* -E KEY=VALUE; KEY and VALUE point into argv, which outlives the evaluation. */
static int add_flag(sbp_tool_eval *ev, const char *cmd, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (eq == NULL || eq == kv) {
    fprintf(stderr, "sbprofile %s: -E expects KEY=VALUE, got '%s'\n", cmd, kv);
    return -1;
  }
  char *key = malloc((size_t)(eq - kv) + 1);
  if (key == NULL || keep(ev, key, 0) != 0) {
    free(key);
    fprintf(stderr, "sbprofile: out of memory\n");
    return -1;
  }
  memcpy(key, kv, (size_t)(eq - kv));
  key[eq - kv] = '\0';
  const char *value = eq + 1;
  sbp_entitlement *e = entry(ev, key);
  if (e == NULL) {
    fprintf(stderr, "sbprofile: out of memory\n");
    return -1;
  }
  ev->have_ents = 1;
  if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
    e->kind = SBP_ENTITLEMENT_BOOLEAN;
    e->boolean = value[0] == 't';
    return 1;
  }
  if (e->kind == SBP_ENTITLEMENT_STRING || e->kind == SBP_ENTITLEMENT_STRINGS) {
    /* a repeated KEY: an array of strings */
    size_t n = e->kind == SBP_ENTITLEMENT_STRING ? 1 : e->nstrings;
    const char **arr = malloc((n + 1) * sizeof *arr);
    if (arr == NULL || keep(ev, (void *)arr, 0) != 0) {
      free(arr);
      fprintf(stderr, "sbprofile: out of memory\n");
      return -1;
    }
    if (e->kind == SBP_ENTITLEMENT_STRING) arr[0] = e->string;
    else memcpy(arr, e->strings, n * sizeof *arr);
    arr[n] = value;
    e->kind = SBP_ENTITLEMENT_STRINGS;
    e->strings = arr;
    e->nstrings = n + 1;
    return 1;
  }
  e->kind = SBP_ENTITLEMENT_STRING;
  e->string = value;
  return 1;
}

static int add_file(sbp_tool_eval *ev, const char *cmd, const char *path) {
  char *text = NULL;
  size_t len = 0;
  int e = sbp_tool_read_file(path, &text, &len);
  if (e) {
    fprintf(stderr, "sbprofile %s: %s: %s\n", cmd, path, strerror(e));
    return -1;
  }
  sbp_entitlements *set = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_entitlements_read_plist(text, len, NULL, &set, &err);
  free(text);
  if (rc != SBP_OK) {
    fprintf(stderr, "%s:%u:%u: error: %s\n", sbp_tool_display_name(path), err.line, err.column,
            err.message);
    return -1;
  }
  if (keep(ev, set, 1) != 0) {
    sbp_entitlements_free(set);
    fprintf(stderr, "sbprofile: out of memory\n");
    return -1;
  }
  size_t n = 0;
  const sbp_entitlement *items = sbp_entitlements_items(set, &n);
  ev->have_ents = 1;
  for (size_t i = 0; i < n; i++) {
    sbp_entitlement *d = entry(ev, items[i].key);
    if (d == NULL) {
      fprintf(stderr, "sbprofile: out of memory\n");
      return -1;
    }
    *d = items[i];
  }
  return 1;
}

int sbp_tool_entitlement_option(sbp_tool_eval *ev, const char *cmd, int argc, char **argv,
                                int *i) {
  const char *a = argv[*i];
  const char *v;
  if (strncmp(a, "-E", 2) == 0) {
    v = a[2] ? a + 2 : (*i + 1 < argc ? argv[++*i] : NULL);
    if (v == NULL) {
      fprintf(stderr, "sbprofile %s: -E needs KEY=VALUE\n", cmd);
      return -1;
    }
    return add_flag(ev, cmd, v);
  }
  if (strcmp(a, "--entitlements") == 0 || strncmp(a, "--entitlements=", 15) == 0) {
    v = a[14] == '=' ? a + 15 : (*i + 1 < argc ? argv[++*i] : NULL);
    if (v == NULL) {
      fprintf(stderr, "sbprofile %s: --entitlements needs a file\n", cmd);
      return -1;
    }
    return add_file(ev, cmd, v);
  }
  return 0;
}

void sbp_tool_entitlements_free(sbp_tool_eval *ev) {
  for (size_t i = 0; i < ev->nowned; i++) {
    if (ev->files[i]) sbp_entitlements_free(ev->owned[i]);
    else free(ev->owned[i]);
  }
  free(ev->owned);
  free(ev->files);
  free(ev->ents);
}
