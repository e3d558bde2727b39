/* The profile AST alone: building a profile of many rules, copying it, comparing it and
 * walking it. Usage: bench_ast [rules] (default 10000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sbprofile.h"

/* (allow file-read* (subpath "/usr/lib/<i>")) for i in [0, rules). */
static sbp_profile *build(long rules) {
  sbp_profile *p;
  if (sbp_profile_new(&p, NULL) != SBP_OK) return NULL;
  char path[64];
  for (long i = 0; i < rules; i++) {
    sbp_node *rule, *op, *filter, *value;
    int n = snprintf(path, sizeof path, "/usr/lib/%ld", i);
    if (sbp_node_new(p, SBP_NODE_RULE, &rule, NULL) != SBP_OK ||
        sbp_node_new_named(p, SBP_NODE_OPERATION, "file-read*", 10, &op, NULL) != SBP_OK ||
        sbp_node_new_named(p, SBP_NODE_FILTER, "subpath", 7, &filter, NULL) != SBP_OK ||
        sbp_value_new(p, SBP_VALUE_STRING, path, (size_t)n, &value, NULL) != SBP_OK ||
        sbp_node_append_child(filter, value, NULL) != SBP_OK ||
        sbp_node_append_child(rule, op, NULL) != SBP_OK ||
        sbp_node_append_child(rule, filter, NULL) != SBP_OK ||
        sbp_node_append_child(sbp_profile_root(p), rule, NULL) != SBP_OK) {
      sbp_profile_free(p);
      return NULL;
    }
  }
  return p;
}

static int count(sbp_node *node, sbp_event event, void *payload) {
  (void)node;
  if (event == SBP_EVENT_ENTER) ++*(size_t *)payload;
  return 0;
}

int main(int argc, char **argv) {
  long rules = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
  if (rules <= 0) {
    fprintf(stderr, "usage: bench_ast [rules]\n");
    return 2;
  }
  printf("bench_ast: %ld rules\n", rules);
  int failed = 0;

  BENCH_RUN("build", 5, 1, 0, {
    sbp_profile *p = build(rules);
    if (p == NULL) failed = 1;
    sbp_profile_free(p);
  });

  sbp_profile *p = build(rules);
  if (p == NULL) return 1;
  BENCH_RUN("copy", 5, 1, 0, {
    sbp_profile *c;
    if (sbp_profile_copy(p, &c, NULL, NULL) != SBP_OK) failed = 1;
    else sbp_profile_free(c);
  });

  sbp_profile *c;
  if (sbp_profile_copy(p, &c, NULL, NULL) != SBP_OK) return 1;
  BENCH_RUN("equal", 5, 1, 0, {
    if (!sbp_profile_equal(p, c, SBP_EQUAL_DEFAULT)) failed = 1;
  });

  size_t nodes = 0;
  BENCH_RUN("walk", 5, 1, 0, {
    nodes = 0;
    if (sbp_walk(sbp_profile_root(p), count, &nodes) != 0) failed = 1;
  });
  if (nodes != (size_t)rules * 4 + 1) failed = 1;

  sbp_profile_free(c);
  sbp_profile_free(p);
  if (failed) fprintf(stderr, "bench_ast: an operation failed\n");
  return failed;
}
