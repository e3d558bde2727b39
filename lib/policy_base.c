/* The data of policies: base sets and their entries, and the mandatory write protections.
 * Every entry is one rule in SBPL text; what it serves, what breaks without it and its
 * source live in the service-notes catalog (lib/services.c) under the entry's name. */
#include <string.h>

#include "error.h"
#include "policy_base.h"
#include "sbprofile/catalog.h"
#include "sbprofile/policy.h"

struct sbp_base_entry {
  const char *name;
  const char *rule;
  uint32_t flags; /* SBP__BASE_* */
};

#define MACH(name) {name, "(allow mach-lookup (global-name \"" name "\"))", 0}

/* Sorted by name in byte order (a test checks it); the sets below refer to entries by index
 * through their names. */
static const struct sbp_base_entry ENTRIES[] = {
    MACH("com.apple.FontObjectsServer"),
    MACH("com.apple.PowerManagement.control"),
    MACH("com.apple.SecurityServer"),
    MACH("com.apple.SystemConfiguration.DNSConfiguration"),
    MACH("com.apple.SystemConfiguration.configd"),
    MACH("com.apple.audio.systemsoundserver"),
    MACH("com.apple.bsd.dirhelper"),
    MACH("com.apple.coreservices.launchservicesd"),
    MACH("com.apple.distributed_notifications@Uv3"),
    MACH("com.apple.fonts"),
    MACH("com.apple.logd"),
    MACH("com.apple.lsd.mapdb"),
    MACH("com.apple.networkd"),
    MACH("com.apple.ocspd"),
    MACH("com.apple.securityd.xpc"),
    MACH("com.apple.system.logger"),
    MACH("com.apple.system.notification_center"),
    MACH("com.apple.system.opendirectoryd.libinfo"),
    MACH("com.apple.system.opendirectoryd.membership"),
    MACH("com.apple.trustd"),
    MACH("com.apple.trustd.agent"),
    {"file:dev-ioctl",
     "(allow file-ioctl (literal \"/dev/zero\") (literal \"/dev/random\") "
     "(literal \"/dev/urandom\") (literal \"/dev/dtracehelper\") (literal \"/dev/tty\"))",
     0},
    {"file:dev-null", "(allow file-read-data file-write-data file-ioctl (literal \"/dev/null\"))",
     0},
    {"file:system-read",
     "(allow file-read* (literal \"/\") (subpath \"/usr/lib\") (subpath \"/usr/share\") "
     "(subpath \"/System\") (subpath \"/private/var/db/dyld\") (subpath \"/dev\"))",
     SBP__BASE_READ_RESTRICTED},
    {"iokit:properties", "(allow iokit-get-properties)", 0},
    {"iokit:surface",
     "(allow iokit-open (iokit-registry-entry-class \"IOSurfaceRootUserClient\") "
     "(iokit-registry-entry-class \"RootDomainUserClient\") "
     "(iokit-user-client-class \"IOSurfaceSendRight\"))",
     0},
    {"ipc:posix-sem", "(allow ipc-posix-sem*)", 0},
    {"ipc:posix-shm", "(allow ipc-posix-shm*)", 0},
    {"notification:post", "(allow distributed-notification-post)", 0},
    {"preference:read", "(allow user-preference-read)", 0},
    {"process:task-port", "(allow mach-priv-task-port (target same-sandbox))", 0},
    {"socket:system-control",
     "(allow system-socket (require-all (socket-domain AF_SYSTEM) (socket-protocol 2)))", 0},
    {"sysctl:hardware",
     "(allow sysctl-read (sysctl-name \"hw.activecpu\") (sysctl-name \"hw.busfrequency_compat\") "
     "(sysctl-name \"hw.byteorder\") (sysctl-name \"hw.cacheconfig\") "
     "(sysctl-name \"hw.cachelinesize_compat\") (sysctl-name \"hw.cpufamily\") "
     "(sysctl-name \"hw.cpufrequency\") (sysctl-name \"hw.cpufrequency_compat\") "
     "(sysctl-name \"hw.cputype\") (sysctl-name \"hw.l1dcachesize_compat\") "
     "(sysctl-name \"hw.l1icachesize_compat\") (sysctl-name \"hw.l2cachesize_compat\") "
     "(sysctl-name \"hw.l3cachesize_compat\") (sysctl-name \"hw.logicalcpu\") "
     "(sysctl-name \"hw.logicalcpu_max\") (sysctl-name \"hw.machine\") "
     "(sysctl-name \"hw.memsize\") (sysctl-name \"hw.model\") (sysctl-name \"hw.ncpu\") "
     "(sysctl-name \"hw.nperflevels\") (sysctl-name \"hw.packages\") "
     "(sysctl-name \"hw.pagesize\") (sysctl-name \"hw.pagesize_compat\") "
     "(sysctl-name \"hw.physicalcpu\") (sysctl-name \"hw.physicalcpu_max\") "
     "(sysctl-name \"hw.tbfrequency_compat\") (sysctl-name \"hw.vectorunit\") "
     "(sysctl-name \"machdep.ptrauth_enabled\") (sysctl-name \"sysctl.proc_cputype\") "
     "(sysctl-name-prefix \"hw.optional.\") (sysctl-name-prefix \"hw.perflevel\") "
     "(sysctl-name-prefix \"machdep.cpu.\"))",
     0},
    {"sysctl:kernel",
     "(allow sysctl-read (sysctl-name \"kern.argmax\") (sysctl-name \"kern.bootargs\") "
     "(sysctl-name \"kern.hostname\") (sysctl-name \"kern.maxfiles\") "
     "(sysctl-name \"kern.maxfilesperproc\") (sysctl-name \"kern.maxproc\") "
     "(sysctl-name \"kern.ngroups\") (sysctl-name \"kern.osproductversion\") "
     "(sysctl-name \"kern.osrelease\") (sysctl-name \"kern.ostype\") "
     "(sysctl-name \"kern.osvariant_status\") (sysctl-name \"kern.osversion\") "
     "(sysctl-name \"kern.secure_kernel\") (sysctl-name \"kern.tcsm_available\") "
     "(sysctl-name \"kern.tcsm_enable\") (sysctl-name \"kern.usrstack64\") "
     "(sysctl-name \"kern.version\") (sysctl-name \"kern.willshutdown\") "
     "(sysctl-name \"security.mac.lockdown_mode_state\") (sysctl-name \"vm.loadavg\"))",
     0},
    {"sysctl:processes",
     "(allow sysctl-read (sysctl-name-prefix \"kern.proc.all\") "
     "(sysctl-name-prefix \"kern.proc.pgrp.\") (sysctl-name-prefix \"kern.proc.pid.\"))",
     0},
    {"sysctl:routes", "(allow sysctl-read (sysctl-name-prefix \"net.routetable.\"))", 0},
    {"sysctl:tcsm-write", "(allow sysctl-write (sysctl-name \"kern.tcsm_enable\"))", 0},
};

#define NENTRIES (sizeof(ENTRIES) / sizeof(ENTRIES[0]))

struct sbp_base_set {
  const char *name;
  uint32_t version;
  const char *summary;
  const struct sbp_base_set *includes; /* a set whose entries come first, or NULL */
  const char *const *entries;          /* its own names, NULL-terminated */
};

static const char *const MINIMAL[] = {
    "file:dev-ioctl",
    "file:dev-null",
    "file:system-read",
    "process:task-port",
    "sysctl:hardware",
    "sysctl:kernel",
    "com.apple.system.opendirectoryd.libinfo",
    NULL,
};

static const char *const TOOLCHAIN[] = {
    "sysctl:processes",
    "sysctl:routes",
    "sysctl:tcsm-write",
    "ipc:posix-shm",
    "ipc:posix-sem",
    "iokit:properties",
    "iokit:surface",
    "notification:post",
    "preference:read",
    "socket:system-control",
    "com.apple.SystemConfiguration.configd",
    "com.apple.trustd.agent",
    "com.apple.SecurityServer",
    "com.apple.securityd.xpc",
    "com.apple.system.opendirectoryd.membership",
    "com.apple.system.notification_center",
    "com.apple.logd",
    "com.apple.system.logger",
    "com.apple.bsd.dirhelper",
    "com.apple.distributed_notifications@Uv3",
    "com.apple.FontObjectsServer",
    "com.apple.fonts",
    "com.apple.lsd.mapdb",
    "com.apple.coreservices.launchservicesd",
    "com.apple.PowerManagement.control",
    "com.apple.audio.systemsoundserver",
    NULL,
};

static const char *const NETWORK_CLIENT[] = {
    "com.apple.SystemConfiguration.configd",
    "com.apple.SystemConfiguration.DNSConfiguration",
    "com.apple.trustd.agent",
    "com.apple.trustd",
    "com.apple.SecurityServer",
    "com.apple.networkd",
    "com.apple.ocspd",
    "socket:system-control",
    "sysctl:routes",
    NULL,
};

static const struct sbp_base_set SETS[] = {
    {"minimal", 1,
     "What almost every program needs to start: /dev/null, the harmless devices, the system "
     "libraries (when reads are restricted), hardware and kernel sysctls, user look-ups.",
     NULL, MINIMAL},
    {"toolchain", 1,
     "Compilers, package managers and language runtimes (uv, cargo, go, node, python): "
     "minimal plus configd, trustd.agent, directory and logging services, POSIX IPC, IOKit, "
     "process-table and routing sysctls.",
     &SETS[0], TOOLCHAIN},
    {"network-client", 1,
     "Clients that resolve names, read proxy settings and verify TLS through the system: "
     "configd, DNS configuration, the trust and revocation services, routing sysctls.",
     NULL, NETWORK_CLIENT},
};

#define NSETS (sizeof(SETS) / sizeof(SETS[0]))

size_t sbp__base_entry_total(void) { return NENTRIES; }

const sbp_base_entry *sbp__base_entry_by_index(size_t i) {
  return i < NENTRIES ? &ENTRIES[i] : NULL;
}

size_t sbp__base_entry_index(const sbp_base_entry *e) { return (size_t)(e - ENTRIES); }

uint32_t sbp__base_entry_flags(const sbp_base_entry *e) { return e->flags; }

size_t sbp_base_set_count(void) { return NSETS; }

const sbp_base_set *sbp_base_set_at(size_t index) { return index < NSETS ? &SETS[index] : NULL; }

size_t sbp__base_set_index(const sbp_base_set *set) { return (size_t)(set - SETS); }

static int name_is(const char *s, const char *name, size_t len) {
  return strlen(s) == len && (len == 0 || memcmp(s, name, len) == 0);
}

int sbp_base_set_lookup(const char *name, size_t len, const sbp_base_set **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (out == NULL || (name == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "base set look-up: %s is NULL",
                      out == NULL ? "out" : "name");
  for (size_t i = 0; i < NSETS; i++)
    if (name_is(SETS[i].name, name, len)) {
      *out = &SETS[i];
      return SBP_OK;
    }
  char q[96] = "";
  sbp__error_quote(q, sizeof(q), name, len, 80);
  return sbp__error(err, SBP_E_NOT_FOUND, "base set \"%s\": unknown name", q);
}

const char *sbp_base_set_name(const sbp_base_set *set) { return set ? set->name : NULL; }
uint32_t sbp_base_set_version(const sbp_base_set *set) { return set ? set->version : 0; }
const char *sbp_base_set_summary(const sbp_base_set *set) { return set ? set->summary : NULL; }

static size_t own_count(const sbp_base_set *set) {
  size_t n = 0;
  while (set->entries[n] != NULL) n++;
  return n;
}

size_t sbp_base_set_entry_count(const sbp_base_set *set) {
  if (set == NULL) return 0;
  return own_count(set) + sbp_base_set_entry_count(set->includes);
}

const sbp_base_entry *sbp_base_set_entry_at(const sbp_base_set *set, size_t index) {
  if (set == NULL) return NULL;
  size_t inherited = sbp_base_set_entry_count(set->includes);
  if (index < inherited) return sbp_base_set_entry_at(set->includes, index);
  index -= inherited;
  if (index >= own_count(set)) return NULL;
  const sbp_base_entry *e = NULL;
  const char *name = set->entries[index];
  (void)sbp_base_entry_lookup(name, strlen(name), &e, NULL);
  return e;
}

int sbp_base_entry_lookup(const char *name, size_t len, const sbp_base_entry **out,
                          sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (out == NULL || (name == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "base entry look-up: %s is NULL",
                      out == NULL ? "out" : "name");
  /* Binary search: the table is sorted by name. */
  size_t lo = 0, hi = NENTRIES;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *m = ENTRIES[mid].name;
    size_t ml = strlen(m);
    int c = memcmp(m, name, ml < len ? ml : len);
    if (c == 0) c = ml < len ? -1 : ml > len ? 1 : 0;
    if (c == 0) {
      *out = &ENTRIES[mid];
      return SBP_OK;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  char q[96] = "";
  sbp__error_quote(q, sizeof(q), name, len, 80);
  return sbp__error(err, SBP_E_NOT_FOUND, "base entry \"%s\": unknown name", q);
}

static const sbp_service_note *note_of(const sbp_base_entry *e) {
  const sbp_service_note *n = NULL;
  if (e != NULL) (void)sbp_catalog_service_lookup(e->name, strlen(e->name), &n, NULL);
  return n;
}

const char *sbp_base_entry_name(const sbp_base_entry *e) { return e ? e->name : NULL; }
const char *sbp_base_entry_rule(const sbp_base_entry *e) { return e ? e->rule : NULL; }
const char *sbp_base_entry_serves(const sbp_base_entry *e) {
  return sbp_catalog_service_gives(note_of(e));
}
const char *sbp_base_entry_breaks(const sbp_base_entry *e) {
  return sbp_catalog_service_breaks(note_of(e));
}
const char *sbp_base_entry_source(const sbp_base_entry *e) {
  return sbp_catalog_service_source(note_of(e));
}

/* ---- mandatory write protections ------------------------------------------------------ */

typedef struct protection {
  const char *name;
  const char *globs; /* newline-separated, relative: the names protected in any folder */
  const char *reason;
} protection;

static const protection PROTECTIONS[] = {
    {"shell-startup",
     "**/.bashrc\n**/.bash_profile\n**/.bash_login\n**/.zshrc\n**/.zshenv\n**/.zprofile\n"
     "**/.zlogin\n**/.profile",
     "Shell start-up files run in every later shell of the user, outside the sandbox: a "
     "sandboxed program that writes one runs code unsandboxed."},
    {"git-hooks", "**/.git/hooks",
     "Git runs hooks on commit, checkout and merge, outside the sandbox when the user runs "
     "git later."},
    {"git-config", "**/.git/config",
     "A repository's config can set core.hooksPath, core.fsmonitor, core.sshCommand or "
     "aliases that run programs; off with sandbox-runtime's allowGitConfig."},
    {"git-settings", "**/.gitconfig\n**/.gitmodules",
     "User git settings and submodule URLs: the same program-running keys as .git/config, "
     "and submodule fetches from places the user did not choose."},
    {"editor-settings", "**/.vscode\n**/.idea",
     "Editor folders hold tasks, launch configurations and settings that the editor runs or "
     "applies when the user opens the folder."},
    {"tool-settings", "**/.ripgreprc\n**/.mcp.json\n**/.claude/commands\n**/.claude/agents",
     "Settings of the tools an agent runs with (search defaults, MCP servers, commands and "
     "agents): rewriting them changes what runs next, outside the sandbox."},
    {"settings-file", "",
     "The file the policy itself was read from (sbp_policy_set_settings_file()): a program "
     "must not widen its own sandbox for the next run."},
};

#define NPROTECTIONS (sizeof(PROTECTIONS) / sizeof(PROTECTIONS[0]))

size_t sbp_policy_protection_count(void) { return NPROTECTIONS; }
const char *sbp_policy_protection_name(size_t i) {
  return i < NPROTECTIONS ? PROTECTIONS[i].name : NULL;
}
const char *sbp_policy_protection_globs(size_t i) {
  return i < NPROTECTIONS ? PROTECTIONS[i].globs : NULL;
}
const char *sbp_policy_protection_reason(size_t i) {
  return i < NPROTECTIONS ? PROTECTIONS[i].reason : NULL;
}

int sbp__protection_index(const char *name, size_t len) {
  for (size_t i = 0; i < NPROTECTIONS; i++)
    if (name_is(PROTECTIONS[i].name, name, len)) return (int)i;
  return -1;
}
