/*
 * configd: the profile a sandbox wrapper would hand to sandbox-exec for a command-line tool
 * such as uv. Deny by default, then allow what the tool needs, including the mach-lookup of
 * com.apple.SystemConfiguration.configd: without it, tools built on the Rust
 * `system-configuration` crate (uv, reqwest users) panic when they ask for proxy settings.
 *
 * Prints the profile as SBPL on stdout; exits 1 with a message on stderr if anything fails.
 * The workspace path arrives as a parameter, (param "WORKSPACE"), so that no path ever has to
 * be escaped into the profile text: pass it with sandbox-exec -D WORKSPACE=/path.
 */
#include <stdio.h>
#include <string.h>

#include "sbprofile.h"

#define S(lit) lit, sizeof(lit) - 1

static const char *const services[] = {
    "com.apple.SystemConfiguration.configd",       /* proxies, DNS configuration */
    "com.apple.trustd.agent",                      /* TLS certificate verification */
    "com.apple.system.opendirectoryd.libinfo",     /* user and group look-ups */
    "com.apple.system.notification_center",        /* notify(3) */
};

static int build(sbp_profile *p, sbp_error *err) {
  int rc;
  sbp_node *workspace = NULL;
  if ((rc = sbp_profile_set_version(p, 1, err)) != SBP_OK ||
      (rc = sbp_add_default(p, SBP_DENY, NULL, err)) != SBP_OK ||
      (rc = sbp_add_process_exec(p, SBP_ALLOW, SBP_MATCH_ANY, NULL, 0, NULL, err)) != SBP_OK ||
      (rc = sbp_add_process_fork(p, SBP_ALLOW, NULL, err)) != SBP_OK ||
      (rc = sbp_add_signal(p, SBP_ALLOW, SBP_TARGET_SAME_SANDBOX, NULL, err)) != SBP_OK ||
      (rc = sbp_add_sysctl_read(p, SBP_ALLOW, SBP_MATCH_ANY, NULL, 0, NULL, err)) != SBP_OK ||
      (rc = sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ_METADATA, SBP_MATCH_SUBPATH, S("/"), NULL,
                         err)) != SBP_OK ||
      (rc = sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, S("/usr/lib"), NULL,
                         err)) != SBP_OK ||
      (rc = sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, S("/System/Library"),
                         NULL, err)) != SBP_OK ||
      (rc = sbp_value_new(p, SBP_VALUE_PARAM, S("WORKSPACE"), &workspace, err)) != SBP_OK ||
      (rc = sbp_add_file_value(p, SBP_ALLOW, SBP_FILE_READ | SBP_FILE_WRITE, SBP_MATCH_SUBPATH,
                               workspace, NULL, err)) != SBP_OK ||
      (rc = sbp_add_mach_lookup_list(p, SBP_ALLOW, services, NULL,
                                     sizeof(services) / sizeof(services[0]), NULL, err)) !=
          SBP_OK ||
      (rc = sbp_add_network(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_NET_REMOTE, S("tcp"), S("*"), 443,
                            NULL, err)) != SBP_OK ||
      (rc = sbp_add_unix_socket(p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_MATCH_LITERAL,
                                S("/private/var/run/mDNSResponder"), NULL, err)) != SBP_OK)
    return rc;
  return SBP_OK;
}

int main(void) {
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  sbp_buf out = SBP_BUF_INIT;
  int rc = sbp_profile_new(&p, NULL);
  if (rc == SBP_OK) rc = build(p, &err);
  if (rc == SBP_OK) rc = sbp_serialize(p, NULL, &out, &err);
  if (rc != SBP_OK) {
    fprintf(stderr, "configd: %s: %s\n", sbp_strerror(rc), err.message);
    sbp_profile_free(p);
    return 1;
  }
  fwrite(out.ptr, 1, out.len, stdout);
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
  return 0;
}
