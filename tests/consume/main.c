/* A program that uses sbprofile as an installed library: it builds a small profile, walks it
 * and prints what it finds. tests/consume/expected.txt holds the exact output. */
#include <stdio.h>
#include <string.h>

#include <sbprofile.h>

#if defined(CONSUME_EXPECT_STATIC) && !defined(SBP_STATIC)
#error "linking the static library, yet the package did not define SBP_STATIC"
#endif

static int print_node(sbp_node *node, sbp_event event, void *payload) {
  int *depth = payload;
  if (event == SBP_EVENT_EXIT) {
    (*depth)--;
    return 0;
  }
  size_t len = 0;
  const char *text = sbp_node_text(node, &len);
  printf("%*s%s", 2 * *depth, "", sbp_node_type_name(sbp_node_type_of(node)));
  if (text != NULL) printf(" %.*s", (int)len, text);
  printf("\n");
  (*depth)++;
  return 0;
}

int main(void) {
  if (sbp_version() != SBP_VERSION_NUMBER ||
      strcmp(sbp_version_string(), SBP_VERSION_STRING) != 0) {
    fprintf(stderr, "consume: headers %s, library %s\n", SBP_VERSION_STRING,
            sbp_version_string());
    return 1;
  }
  sbp_profile *p = NULL;
  sbp_node *rule, *op, *filter, *value;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_profile_new(&p, NULL) != SBP_OK) return 1;
  if (sbp_profile_set_version(p, 1, &err) != SBP_OK ||
      sbp_node_new(p, SBP_NODE_RULE, &rule, &err) != SBP_OK ||
      sbp_rule_set_action(rule, SBP_ALLOW, &err) != SBP_OK ||
      sbp_node_new_named(p, SBP_NODE_OPERATION, "mach-lookup", 11, &op, &err) != SBP_OK ||
      sbp_node_new_named(p, SBP_NODE_FILTER, "global-name", 11, &filter, &err) != SBP_OK ||
      sbp_value_new(p, SBP_VALUE_STRING, "com.apple.SystemConfiguration.configd", 37, &value,
                    &err) != SBP_OK ||
      sbp_node_append_child(filter, value, &err) != SBP_OK ||
      sbp_node_append_child(rule, op, &err) != SBP_OK ||
      sbp_node_append_child(rule, filter, &err) != SBP_OK ||
      sbp_node_append_child(sbp_profile_root(p), rule, &err) != SBP_OK ||
      sbp_node_validate(sbp_profile_root(p), &err) != SBP_OK) {
    fprintf(stderr, "consume: %s: %s\n", sbp_status_name(err.code), err.message);
    sbp_profile_free(p);
    return 1;
  }
  printf("sbprofile %s, profile version %d, %zu rule(s)\n", sbp_version_string(),
         sbp_profile_version(p), sbp_profile_rule_count(p));
  int depth = 0;
  int rc = sbp_walk(sbp_profile_root(p), print_node, &depth);
  sbp_profile_free(p);
  return rc == 0 && depth == 0 ? 0 : 1;
}
