/* sandbox-runtime's fixed grants (sbp_policy_add_srt_defaults()): what srt 0.0.83 gives every
 * command on macOS whatever its settings say, so that a policy built from srt settings, by the
 * CLI or a binding, compiles to the profile srt would generate, corrected as
 * docs/srt-settings.md says. */
#include "policy_srt.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "policy.h"
#include "policy_path.h"
#include "sbprofile/read.h"
#include "sbprofile/regex.h"

/* What srt 0.0.83 allows whatever the settings say (its "essential permissions"), grouped as
 * its profile groups them. Facts about srt's output, so that a profile made from its settings
 * decides as srt's does; configd and trustd.agent are not here but are added to every
 * policy read from settings (docs/srt-settings.md, deviations "configd" and "trustd"). */
static const struct {
  const char *group;
  const char *sbpl;
} srt_base[] = {
    {"srt base: processes",
     "(allow process-exec)\n(allow process-fork)\n"
     "(allow process-info* (target same-sandbox))\n(allow signal (target same-sandbox))\n"
     "(allow mach-priv-task-port (target same-sandbox))\n"},
    {"srt base: user preferences", "(allow user-preference-read)\n"},
    {"srt base: mach services srt allows every command",
     "(allow mach-lookup (global-name \"com.apple.audio.systemsoundserver\"\n"
     "  \"com.apple.distributed_notifications@Uv3\" \"com.apple.FontObjectsServer\"\n"
     "  \"com.apple.fonts\" \"com.apple.logd\" \"com.apple.lsd.mapdb\"\n"
     "  \"com.apple.PowerManagement.control\" \"com.apple.system.logger\"\n"
     "  \"com.apple.system.notification_center\" \"com.apple.system.opendirectoryd.libinfo\"\n"
     "  \"com.apple.system.opendirectoryd.membership\" \"com.apple.bsd.dirhelper\"\n"
     "  \"com.apple.securityd.xpc\" \"com.apple.coreservices.launchservicesd\"\n"
     "  \"com.apple.SecurityServer\"))\n"},
    {"srt base: POSIX shared memory and semaphores (Python multiprocessing)",
     "(allow ipc-posix-shm)\n(allow ipc-posix-sem)\n"},
    {"srt base: IOKit",
     "(allow iokit-open (iokit-registry-entry-class \"IOSurfaceRootUserClient\")\n"
     "  (iokit-registry-entry-class \"RootDomainUserClient\")\n"
     "  (iokit-user-client-class \"IOSurfaceSendRight\"))\n"
     "(allow iokit-get-properties)\n"},
    {"srt base: AF_SYSTEM sockets (no network access)",
     "(allow system-socket (require-all (socket-domain AF_SYSTEM) (socket-protocol 2)))\n"},
    {"srt base: sysctls runtimes read",
     "(allow sysctl-read\n"
     "  (sysctl-name \"hw.activecpu\" \"hw.busfrequency_compat\" \"hw.byteorder\"\n"
     "    \"hw.cacheconfig\" \"hw.cachelinesize_compat\" \"hw.cpufamily\" \"hw.cpufrequency\"\n"
     "    \"hw.cpufrequency_compat\" \"hw.cputype\" \"hw.l1dcachesize_compat\"\n"
     "    \"hw.l1icachesize_compat\" \"hw.l2cachesize_compat\" \"hw.l3cachesize_compat\"\n"
     "    \"hw.logicalcpu\" \"hw.logicalcpu_max\" \"hw.machine\" \"hw.memsize\" \"hw.ncpu\"\n"
     "    \"hw.nperflevels\" \"hw.packages\" \"hw.pagesize_compat\" \"hw.pagesize\"\n"
     "    \"hw.physicalcpu\" \"hw.physicalcpu_max\" \"hw.tbfrequency_compat\" \"hw.vectorunit\"\n"
     "    \"kern.argmax\" \"kern.bootargs\" \"kern.hostname\" \"kern.maxfiles\"\n"
     "    \"kern.maxfilesperproc\" \"kern.maxproc\" \"kern.ngroups\" \"kern.osproductversion\"\n"
     "    \"kern.osrelease\" \"kern.ostype\" \"kern.osvariant_status\" \"kern.osversion\"\n"
     "    \"kern.secure_kernel\" \"kern.tcsm_available\" \"kern.tcsm_enable\"\n"
     "    \"kern.usrstack64\" \"kern.version\" \"kern.willshutdown\"\n"
     "    \"machdep.cpu.brand_string\" \"machdep.ptrauth_enabled\"\n"
     "    \"security.mac.lockdown_mode_state\" \"sysctl.proc_cputype\" \"vm.loadavg\")\n"
     "  (sysctl-name-prefix \"hw.optional.arm\" \"hw.optional.armv8_\" \"hw.perflevel\"\n"
     "    \"kern.proc.all\" \"kern.proc.pgrp.\" \"kern.proc.pid.\" \"machdep.cpu.\"\n"
     "    \"net.routetable.\"))\n"
     "(allow sysctl-write (sysctl-name \"kern.tcsm_enable\"))\n"},
    {"srt base: distributed notifications", "(allow distributed-notification-post)\n"},
    {"srt base: device files",
     "(allow file-ioctl (literal \"/dev/null\" \"/dev/zero\" \"/dev/random\" \"/dev/urandom\"\n"
     "  \"/dev/dtracehelper\" \"/dev/tty\"))\n"
     "(allow file-ioctl file-read-data file-write-data\n"
     "  (require-all (literal \"/dev/null\") (vnode-type CHARACTER-DEVICE)))\n"},
};

/* What srt makes writable besides allowWrite: the child's stdio and devices and its TMPDIR;
 * then two home folders for logs, unless a read-deny entry covers them. */
static const char *const srt_fixed_writes[] = {"/dev/stdout", "/dev/stderr",       "/dev/null",
                                               "/dev/tty",    "/dev/dtracehelper",
                                               "/dev/autofs_nowait", "/tmp/claude"};
static const char *const srt_home_writes[] = {"~/.npm/_logs", "~/.claude/debug"};

/* configd for every command, trustd.agent whatever enableWeakerNetworkIsolation says
 * (docs/srt-settings.md, deviations "configd" and "trustd"). */
static const char *const srt_mach[] = {"com.apple.SystemConfiguration.configd",
                                       "com.apple.trustd.agent"};

static int at_or_under(const char *p, size_t plen, const char *dir, size_t dlen) {
  if (dlen == 1 && dir[0] == '/') return 1;
  return plen >= dlen && memcmp(p, dir, dlen) == 0 && (plen == dlen || p[dlen] == '/');
}

/* Whether read entry e covers path (canonical spelling): 1, 0, or an SBP_E_* status. */
static int covers(const sbp_policy *p, const sbp__pentry *e, const char *path, size_t len) {
  size_t el;
  const char *ep = sbp__pentry_path(e, 0, &el);
  if (e->kind != SBP_PATH_GLOB) return at_or_under(path, len, ep, el);
  sbp_buf re = SBP_BUF_INIT;
  int hit = 0;
  int rc = sbp_glob_to_regex(ep, el, SBP_GLOB_SUBTREE, &p->alloc, &re, NULL);
  if (rc == SBP_OK) rc = sbp_regex_match(re.ptr, re.len, path, len, &p->alloc, &hit, NULL);
  sbp_buf_dispose(&re);
  return rc == SBP_E_NOMEM ? rc : hit; /* entries were checked when added */
}

/* Whether srt leaves folder dir out of its writes: a read-deny entry covers it and no read-allow
 * name (never a glob) that the deny covers re-opens a tree holding it. 1, 0 or a status. */
static int denied_folder(const sbp_policy *p, const sbp__pentry *dir) {
  size_t dl;
  const char *d = sbp__pentry_path(dir, 0, &dl);
  for (size_t i = 0; i < p->nentries; i++) {
    const sbp__pentry *deny = &p->entries[i];
    if (deny->list != SBP_POLICY_READ_DENY) continue;
    int hit = covers(p, deny, d, dl);
    if (hit <= 0) {
      if (hit < 0) return hit;
      continue;
    }
    int reopened = 0;
    for (size_t j = 0; j < p->nentries && !reopened; j++) {
      const sbp__pentry *a = &p->entries[j];
      if (a->list != SBP_POLICY_READ_ALLOW || a->kind == SBP_PATH_GLOB) continue;
      size_t al;
      const char *ap = sbp__pentry_path(a, 0, &al);
      int under = covers(p, deny, ap, al);
      if (under < 0) return under;
      reopened = under && at_or_under(d, dl, ap, al);
    }
    if (!reopened) return 1;
  }
  return 0;
}

static int add_srt_entries(sbp_policy *p, sbp_error *err) {
  int rc = SBP_OK;
  if (p->write_mode == SBP_WRITE_DENY_ALL) {
    if (p->home == NULL)
      return sbp__error(err, SBP_E_INVALID_ARG, "srt defaults: ~ without a home (their write "
                                                "folders ~/.npm/_logs and ~/.claude/debug)");
    for (size_t i = 0; i < sizeof(srt_fixed_writes) / sizeof(*srt_fixed_writes) && rc == SBP_OK;
         i++)
      rc = sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE, srt_fixed_writes[i],
                               strlen(srt_fixed_writes[i]), err);
    for (size_t i = 0; i < sizeof(srt_home_writes) / sizeof(*srt_home_writes) && rc == SBP_OK;
         i++) {
      const char *w = srt_home_writes[i];
      /* Added as an entry, so resolved as one, then taken back when a read-deny covers it. */
      sbp__arena_mark mark;
      sbp__arena_mark_set(&p->arena, &mark);
      rc = sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE, w, strlen(w), err);
      if (rc != SBP_OK) break;
      int denied = denied_folder(p, &p->entries[p->nentries - 1]);
      if (denied < 0) rc = sbp__nomem(err);
      if (denied != 0) {
        p->nentries--;
        p->list_counts[SBP_POLICY_WRITE_ALLOW]--;
        sbp__arena_rollback(&p->arena, &mark);
      }
    }
  }
  for (size_t i = 0; i < sizeof(srt_mach) / sizeof(*srt_mach) && rc == SBP_OK; i++)
    rc = sbp_policy_add_mach_service(p, srt_mach[i], strlen(srt_mach[i]), err);
  return rc;
}

int sbp_policy_add_srt_defaults(sbp_policy *p, sbp_error *err) {
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "policy: NULL");
  if (p->srt_defaults) return SBP_OK;
  /* All or nothing: a failure takes back the entries already added. */
  size_t nentries = p->nentries, nmach = p->nmach;
  uint32_t writes = p->list_counts[SBP_POLICY_WRITE_ALLOW];
  sbp__arena_mark mark;
  sbp__arena_mark_set(&p->arena, &mark);
  int rc = add_srt_entries(p, err);
  if (rc != SBP_OK) {
    p->nentries = nentries;
    p->nmach = nmach;
    p->list_counts[SBP_POLICY_WRITE_ALLOW] = writes;
    sbp__arena_rollback(&p->arena, &mark);
    return rc;
  }
  p->srt_defaults = 1;
  return SBP_OK;
}

int sbp__policy_srt_grants(const sbp_policy *p, sbp_profile *profile, sbp_error *err) {
  /* After (deny default): the first rule of a compiled policy. */
  int comments = sbp_policy_option_get(p, SBP_POLICY_COMMENTS);
  sbp_node *root = sbp_profile_root(profile), *anchor = NULL;
  for (sbp_node *n = sbp_node_first_child(root); n != NULL; n = sbp_node_next(n))
    if (sbp_node_type_of(n) == SBP_NODE_RULE) {
      anchor = sbp_node_next(n);
      break;
    }
  for (size_t g = 0; g < sizeof(srt_base) / sizeof(srt_base[0]); g++) {
    sbp_profile *part = NULL;
    char text[2048];
    int tn = snprintf(text, sizeof(text), "(version 1)\n%s", srt_base[g].sbpl);
    if (tn < 0 || (size_t)tn >= sizeof(text)) /* the table outgrew the buffer */
      return sbp__error(err, SBP_E_LIMIT, "srt grants: group %zu too long", g);
    int rc = sbp_profile_read(&part, text, (size_t)tn, "srt-base", NULL, &p->alloc, err);
    for (sbp_node *n = rc == SBP_OK ? sbp_node_first_child(sbp_profile_root(part)) : NULL;
         n != NULL && rc == SBP_OK; n = sbp_node_next(n)) {
      if (sbp_node_type_of(n) != SBP_NODE_RULE) continue;
      sbp_node *copy = NULL;
      rc = sbp_node_copy(profile, n, &copy, err);
      if (rc == SBP_OK && comments)
        rc = sbp_rule_set_comment(copy, srt_base[g].group, strlen(srt_base[g].group), err);
      if (rc == SBP_OK)
        rc = anchor != NULL ? sbp_node_insert_before(anchor, copy, err)
                            : sbp_node_append_child(root, copy, err);
    }
    sbp_profile_free(part);
    if (rc != SBP_OK) return rc;
  }
  return SBP_OK;
}
