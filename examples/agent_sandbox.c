/*
 * agent_sandbox: the profile a coding-agent wrapper would hand to sandbox-exec. The intent,
 * stated as a policy: read everything but ~/.ssh and .env files, write the workspace and the
 * temporary folders, reach the network only through the local proxy on port 3128, and let
 * common toolchains (uv, cargo, go, node, python) work.
 *
 * Prints the compiled profile on stdout (every rule carries a comment naming the policy item
 * it comes from), then checks the intent through the decision engine and exits 1, with the
 * rule that decided, if any check fails.
 *
 *   agent_sandbox [workspace [home]]     (defaults: /Users/me/src/app, /Users/me)
 */
#include <stdio.h>
#include <string.h>

#include "sbprofile.h"

#define S(text) text, strlen(text)

static int build(sbp_policy *pol, const char *home, const char *workspace, sbp_error *err) {
  int rc;
  if ((rc = sbp_policy_set_home(pol, S(home), err)) != SBP_OK ||
      (rc = sbp_policy_set_cwd(pol, S(workspace), err)) != SBP_OK ||
      /* Files. */
      (rc = sbp_policy_add_path(pol, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE, S("."), err)) ||
      (rc = sbp_policy_add_path(pol, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE, S("/tmp"), err)) ||
      (rc = sbp_policy_add_path(pol, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE,
                                S("/var/folders"), err)) ||
      (rc = sbp_policy_add_path(pol, SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, S("~/.ssh"), err)) ||
      (rc = sbp_policy_add_path(pol, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("**/.env"), err)) ||
      /* Network: the proxy, nothing else. */
      (rc = sbp_policy_set_network(pol, SBP_NETWORK_NONE, err)) ||
      (rc = sbp_policy_add_localhost_port(pol, 3128, SBP_PORT_OUTBOUND, err)) ||
      /* What compilers, package managers and runtimes need. */
      (rc = sbp_policy_add_base_set(pol, S("toolchain"), err)))
    return rc;
  return SBP_OK;
}

typedef struct check {
  int allow; /* 1: must be allowed, 0: must be denied */
  const char *op;
  const char *target; /* NULL: the operation alone; "~" and "." are replaced below */
} check;

static const check CHECKS[] = {
    {1, "file-read-data", "./src/main.rs"},
    {1, "file-write-data", "./src/main.rs"},
    {1, "file-write-create", "/private/tmp/build.log"},
    {0, "file-read-data", "~/.ssh/id_ed25519"},
    {0, "file-read-data", "./.env"},
    {0, "file-write-unlink", "./.env"},
    {0, "file-write-data", "~/.zshrc"},
    {0, "file-write-data", "./.git/hooks/pre-commit"},
    {0, "file-write-data", "~/Documents/notes.txt"},
    {1, "network-outbound", "tcp:localhost:3128"},
    {0, "network-outbound", "tcp:localhost:8080"},
    {0, "network-outbound", "tcp:*:443"},
    {1, "mach-lookup", "com.apple.SystemConfiguration.configd"},
    {1, "mach-lookup", "com.apple.trustd.agent"},
    {1, "process-exec", "/usr/bin/git"},
    {1, "process-fork", NULL},
};

/* "~/x" and "./x" spelled out against home and workspace. */
static const char *expand(const check *c, const char *home, const char *workspace, char *buf,
                          size_t cap) {
  if (c->target == NULL) return NULL;
  if (strncmp(c->target, "~/", 2) == 0)
    snprintf(buf, cap, "%s/%s", home, c->target + 2);
  else if (strncmp(c->target, "./", 2) == 0)
    snprintf(buf, cap, "%s/%s", workspace, c->target + 2);
  else
    snprintf(buf, cap, "%s", c->target);
  return buf;
}

int main(int argc, char **argv) {
  const char *workspace = argc > 1 ? argv[1] : "/Users/me/src/app";
  const char *home = argc > 2 ? argv[2] : "/Users/me";
  sbp_error err = SBP_ERROR_INIT;
  sbp_policy *pol = NULL;
  sbp_profile *prof = NULL;
  sbp_buf text = SBP_BUF_INIT;
  int failures = 0;
  if (sbp_policy_new(&pol, NULL, &err) != SBP_OK || build(pol, home, workspace, &err) != SBP_OK ||
      sbp_policy_compile(pol, &prof, &err) != SBP_OK ||
      sbp_serialize(prof, NULL, &text, &err) != SBP_OK) {
    fprintf(stderr, "agent_sandbox: %s\n", err.message);
    sbp_policy_free(pol);
    sbp_profile_free(prof);
    return 1;
  }
  fwrite(text.ptr, 1, text.len, stdout);
  for (size_t i = 0; i < sbp_policy_warning_count(pol); i++)
    fprintf(stderr, "agent_sandbox: warning: %s\n", sbp_policy_warning(pol, i));
  if (text.len > SBP_SANDBOX_EXEC_ARG_MAX)
    fprintf(stderr, "agent_sandbox: %zu bytes: too large for sandbox-exec -p, use -f\n",
            text.len);

  for (size_t i = 0; i < sizeof(CHECKS) / sizeof(CHECKS[0]); i++) {
    const check *c = &CHECKS[i];
    char buf[1024];
    const char *target = expand(c, home, workspace, buf, sizeof buf);
    size_t tlen = target ? strlen(target) : 0;
    sbp_error e = SBP_ERROR_INIT;
    int rc = c->allow ? sbp_assert_allows_simple(prof, S(c->op), target, tlen, &e)
                      : sbp_assert_denies_simple(prof, S(c->op), target, tlen, &e);
    if (rc != SBP_OK) {
      fprintf(stderr, "agent_sandbox: %s %s should be %s: %s\n", c->op, target ? target : "",
              c->allow ? "allowed" : "denied", e.message);
      failures++;
    }
  }
  sbp_buf_dispose(&text);
  sbp_profile_free(prof);
  sbp_policy_free(pol);
  return failures == 0 ? 0 : 1;
}
