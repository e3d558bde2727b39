/* From a reported target to the rule that would allow it (lib/suggest_map.c): network
 * targets of every shape (IPv6 in brackets, loopback spellings, any port, a local end on
 * every interface, socket paths, malformed ones and why they map to nothing), and the risk a
 * file grant carries with and without a workspace (secrets, writes outside it, temporary
 * folders, /dev/null). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

typedef struct map_case {
  const char *report;    /* OPERATION TARGET, after "Sandbox: t(1) deny(1) " */
  const char *workspace; /* sbp_suggest_options.workspace */
  const char *rule;      /* the suggested rule; NULL: unmappable */
  const char *reason;    /* a part of the request's reason; NULL: none */
  const char *risk;      /* the rule's risk; NULL: none */
} map_case;

#define EVERY_HOST "SBPL names no host but localhost: this allows port "
#define NOT_ADDRESS "the target is neither a socket path nor HOST:PORT"
#define OUTSIDE "a write outside the workspace"
#define PORT_ZERO                                                                          \
  "SBPL names no port 0 (a port is * or 1-65535); a program that binds or connects to port " \
  "0 needs HOST:*"

static const map_case cases[] = {
    {"network-outbound [::1]:443", NULL, "(allow network-outbound (remote ip \"localhost:443\"))",
     NULL, NULL},
    {"network-outbound 127.0.0.1:*", NULL, "(allow network-outbound (remote ip \"localhost:*\"))",
     NULL, NULL},
    {"network-outbound 127.0.0.1:8080", NULL,
     "(allow network-outbound (remote ip \"localhost:8080\"))", NULL, NULL},
    {"network-outbound [fe80::1%en0]:80", NULL, "(allow network-outbound (remote ip \"*:80\"))",
     EVERY_HOST "80 on every host (the report names fe80::1%en0)",
     "network access to every host on this port"},
    {"network-outbound example.com:443", NULL, "(allow network-outbound (remote ip \"*:443\"))",
     EVERY_HOST "443 on every host (the report names example.com)",
     "network access to every host on this port"},
    {"network-outbound *:*", NULL, "(allow network-outbound (remote ip \"*:*\"))", NULL,
     "network access to every host on this port"},
    /* a local end on every interface is what "*" says: no caveat */
    {"network-bind 0.0.0.0:8080", NULL, "(allow network-bind (local ip \"*:8080\"))", NULL, NULL},
    {"network-inbound [::]:8080", NULL, "(allow network-inbound (local ip \"*:8080\"))", NULL,
     NULL},
    {"network-outbound /tmp/sock", NULL,
     "(allow network-outbound (remote unix-socket (path-literal \"/private/tmp/sock\")))", NULL,
     NULL},
    {"network-outbound", NULL, NULL, "the report names no address", NULL},
    {"network-outbound [::1]443", NULL, NULL, NOT_ADDRESS, NULL},
    {"network-outbound :80", NULL, NULL, NOT_ADDRESS, NULL},
    {"network-outbound host:", NULL, NULL, NOT_ADDRESS, NULL},
    {"network-outbound host:99999", NULL, NULL, NOT_ADDRESS, NULL},
    {"network-outbound host:8a", NULL, NULL, NOT_ADDRESS, NULL},
    {"network-outbound ho/st:80", NULL, NULL, NOT_ADDRESS, NULL},
    /* port 0 (the system picks one) has no SBPL spelling: no rule, never "*:0" */
    {"network-outbound 127.0.0.1:0", NULL, NULL, PORT_ZERO, NULL},
    {"network-bind *:0", NULL, NULL, PORT_ZERO, NULL},
    {"file* /Users/u/x", NULL, NULL, "the catalog has no filter for this operation's target",
     NULL},
    {"file-read-data /Users/u/.ssh/id_rsa", NULL,
     "(allow file-read-data (literal \"/Users/u/.ssh/id_rsa\"))", NULL, "SSH keys"},
    {"file-write-data /Users/u/.ssh/id_rsa", NULL,
     "(allow file-write-data (literal \"/Users/u/.ssh/id_rsa\"))", NULL, OUTSIDE},
    {"file-write-data /private/tmp/x", NULL, "(allow file-write-data (literal \"/private/tmp/x\"))",
     NULL, NULL},
    {"file-write-data /var/folders/x", NULL,
     "(allow file-write-data (literal \"/private/var/folders/x\"))", NULL, NULL},
    {"file-write-data /dev/null", NULL, "(allow file-write-data (literal \"/dev/null\"))", NULL,
     NULL},
    {"file-write-unlink /Users/u/x", NULL, "(allow file-write-unlink (literal \"/Users/u/x\"))",
     NULL, OUTSIDE},
    {"file-link /Users/u/x", NULL, "(allow file-link (literal \"/Users/u/x\"))", NULL, OUTSIDE},
    {"file-mount /Users/u/x", NULL, "(allow file-mount (literal \"/Users/u/x\"))", NULL, OUTSIDE},
    {"file-write-data /Users/u/proj/x", NULL,
     "(allow file-write-data (literal \"/Users/u/proj/x\"))", NULL, OUTSIDE},
    {"file-write-data /Users/u/proj/x", "/Users/u/proj",
     "(allow file-write-data (literal \"/Users/u/proj/x\"))", NULL, NULL},
    {"file-write-data /Users/u/proj/x", "/Users/u/proj/",
     "(allow file-write-data (literal \"/Users/u/proj/x\"))", NULL, NULL},
    /* a sibling that shares the workspace's name as a prefix is outside it */
    {"file-write-data /Users/u/projx", "/Users/u/proj",
     "(allow file-write-data (literal \"/Users/u/projx\"))", NULL, OUTSIDE},
    {"process-exec* /bin/sh", NULL, "(allow process-exec* (literal \"/bin/sh\"))", NULL, NULL},
    /* loopback spellings, hosts of every character class, ports too long, no bracket */
    {"network-outbound ::1:80", NULL, "(allow network-outbound (remote ip \"localhost:80\"))",
     NULL, NULL},
    {"network-outbound 0:0:0:0:0:0:0:1:80", NULL,
     "(allow network-outbound (remote ip \"localhost:80\"))", NULL, NULL},
    {"network-outbound Ex-Am.PLE:80", NULL, "(allow network-outbound (remote ip \"*:80\"))",
     EVERY_HOST "80 on every host (the report names Ex-Am.PLE)",
     "network access to every host on this port"},
    {"network-outbound 0.0.0.0:80", NULL, "(allow network-outbound (remote ip \"*:80\"))",
     EVERY_HOST "80 on every host (the report names 0.0.0.0)",
     "network access to every host on this port"},
    {"network-bind [::1]:80", NULL, "(allow network-bind (local ip \"localhost:80\"))", NULL,
     NULL},
    {"network-outbound host:1234567", NULL, NULL, NOT_ADDRESS, NULL},
    {"network-outbound [::1", NULL, NULL, NOT_ADDRESS, NULL},
    /* process-info* names the other process by relation, as signal does */
    {"process-info-pidinfo 123", NULL, "(allow process-info-pidinfo (target others))",
     "SBPL names the other process by relation (self, pgrp, children, same-sandbox, others), "
     "not by pid: narrow to children or same-sandbox when it runs beside this one",
     NULL},
    /* a mach operation with no name: unfiltered */
    {"mach-priv-host-port", NULL, "(allow mach-priv-host-port)", NULL, "every mach service"},
    /* a wildcard in a service name */
    {"mach-lookup com.x.*", NULL, "(allow mach-lookup (global-name \"com.x.*\"))", NULL,
     "a broad mach-lookup"},
    /* writes to terminals and dtrace, to a file unmounted, and a workspace that is no path */
    {"file-write-data /dev/tty", NULL, "(allow file-write-data (literal \"/dev/tty\"))", NULL,
     NULL},
    {"file-write-data /dev/dtracehelper", NULL,
     "(allow file-write-data (literal \"/dev/dtracehelper\"))", NULL, NULL},
    {"file-unmount /Users/u/x", NULL, "(allow file-unmount (literal \"/Users/u/x\"))", NULL,
     OUTSIDE},
    {"file-write-data /Users/u/proj/x", "proj",
     "(allow file-write-data (literal \"/Users/u/proj/x\"))", NULL, OUTSIDE},
    {"file-read-metadata /Users/u/notes", NULL,
     "(allow file-read-metadata (literal \"/Users/u/notes\"))", NULL, NULL},
};

/* With SBP_SUGGEST_COLLAPSE; the reports are separated by '|'. The risk is that of the
 * folder granted: a home folder holds secrets. */
static const map_case collapsed[] = {
    {"file-read-data /Users/u/a|file-read-data /Users/u/b", NULL,
     "(allow file-read-data (subpath \"/Users/u\"))", NULL,
     "a home folder, with its SSH keys, keychains and credentials"},
    {"file-read-data /Users/u/w/a|file-read-data /Users/u/w/b", NULL,
     "(allow file-read-data (subpath \"/Users/u/w\"))", NULL, NULL},
};

static void check_case(const map_case *c, int collapse) {
  {
    char line[512];
    size_t at = 0, nreports = 0;
    for (const char *p = c->report; *p;) {
      size_t n = strcspn(p, "|");
      at += (size_t)snprintf(line + at, sizeof line - at, "Sandbox: t(1) deny(1) %.*s\n", (int)n, p);
      nreports++;
      p += n + (p[n] == '|');
    }
    sbp_denial_log *log = NULL;
    sbp_error err = SBP_ERROR_INIT;
    assert_int_equal(sbp_denial_parse(&log, line, strlen(line), NULL, NULL, &err), SBP_OK);
    assert_int_equal(sbp_denial_log_count(log), nreports);
    sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
    o.workspace = c->workspace;
    if (collapse) o.flags = SBP_SUGGEST_COLLAPSE;
    sbp_suggestion *s = NULL;
    assert_int_equal(sbp_suggest(&s, log, &o, NULL, &err), SBP_OK);
    sbp_suggest_request r;
    assert_int_equal(sbp_suggestion_request_count(s), nreports);
    assert_int_equal(sbp_suggestion_request(s, 0, &r), SBP_OK);
    if (c->reason == NULL ? r.reason != NULL : (r.reason == NULL || strcmp(r.reason, c->reason)))
      fail_msg("%s: reason '%s', expected '%s'", c->report, r.reason ? r.reason : "(none)",
               c->reason ? c->reason : "(none)");
    if (c->rule == NULL) {
      assert_int_equal(r.status, SBP_SUGGEST_UNMAPPABLE);
      assert_int_equal(sbp_suggestion_rule_count(s), 0);
    } else {
      sbp_suggest_rule u;
      if (r.status != SBP_SUGGEST_NEW_RULE || sbp_suggestion_rule(s, r.rule, &u) != SBP_OK)
        fail_msg("%s: status %d, no rule", c->report, r.status);
      if (strcmp(u.text, c->rule) != 0) fail_msg("%s: rule %s", c->report, u.text);
      if (c->risk == NULL ? u.risk != NULL : (u.risk == NULL || strcmp(u.risk, c->risk)))
        fail_msg("%s: risk '%s', expected '%s'", c->report, u.risk ? u.risk : "(none)",
                 c->risk ? c->risk : "(none)");
    }
    sbp_suggestion_free(s);
    sbp_denial_log_free(log);
  }
}

static void test_targets(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(&cases[i], 0);
}

static void test_collapsed(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof collapsed / sizeof collapsed[0]; i++)
    check_case(&collapsed[i], 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_targets),
      cmocka_unit_test(test_collapsed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
