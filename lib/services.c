/* Service notes: well-known mach services that ordinary tools reach through mach-lookup, and the
 * other grants of the policy base sets (sysctls, POSIX IPC, devices, IOKit; named kind:what),
 * what each gives and what breaks without it, with the public reports each note rests on.
 * The text is ours; the sources are issues, pull requests and peer profiles. */
#include <stddef.h>
#include <string.h>

#include "error.h"
#include "sbprofile/catalog.h"

struct sbp_service_note {
  const char *name;
  const char *operation;
  const char *gives;
  const char *breaks;
  const char *source;
};

/* Sorted by name in byte order (a test checks it). */
static const struct sbp_service_note NOTES[] = {
    {"com.apple.FontObjectsServer", "mach-lookup",
     "The font server: the registry of installed fonts that CoreText and AppKit consult.",
     "Programs that lay out or draw text (PDF and image tools, GUI programs) cannot find "
     "fonts.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.PowerManagement.control", "mach-lookup",
     "Power management: power assertions that keep the machine awake (caffeinate, "
     "IOPMAssertionCreate).",
     "Tools that hold a sleep assertion during long jobs fail to take it.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.SecurityServer", "mach-lookup",
     "securityd: keychain items and the security server's certificate information.",
     "Keychain reads fail, and TLS code that asks the security server for certificate data "
     "gets errors.",
     "openai/codex PR #5980 (added with the trust services for gh's TLS)"},
    {"com.apple.SystemConfiguration.DNSConfiguration", "mach-lookup",
     "configd's DNS configuration server: the resolver list that libresolv and "
     "dns_configuration_copy() read.",
     "Programs that read the resolver configuration themselves (Go's cgo resolver, "
     "dig, host) see no DNS servers.",
     "openai/codex seatbelt_network_policy.sbpl (\"Read network configuration\")"},
    {"com.apple.SystemConfiguration.configd", "mach-lookup",
     "configd's dynamic store: network proxy settings, DNS resolver configuration, "
     "reachability, the host and computer names.",
     "SCDynamicStoreCreate returns NULL. Rust programs on the system-configuration crate before "
     "0.7 (uv, uvx, Codex, taplo; anything using reqwest's default system-proxy feature) panic "
     "at start with \"Attempted to create a NULL object\"; others lose proxy and DNS settings.",
     "astral-sh/uv#16664; astral-sh/uv#17484; anthropic-experimental/sandbox-runtime#30; "
     "openai/codex#15641; pyproject-nix/uv2nix#258"},
    {"com.apple.audio.systemsoundserver", "mach-lookup",
     "The system sound server: alert sounds and the system-sound calls of "
     "AudioToolbox.",
     "AudioServicesPlaySystemSound and the terminal bell of GUI helpers fail; each "
     "attempt adds a sandbox denial.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command)"},
    {"com.apple.bsd.dirhelper", "mach-lookup",
     "dirhelper: creates and reports the per-user temporary and cache folders under "
     "/var/folders (confstr _CS_DARWIN_USER_TEMP_DIR and _CS_DARWIN_USER_CACHE_DIR).",
     "confstr for those folders can fail, so programs fall back to /tmp or lose their "
     "temporary folder when TMPDIR is not set.",
     "rust-lang/rust PR #100824 (confstr may fail in a sandbox); "
     "anthropic-experimental/sandbox-runtime#83"},
    {"com.apple.cfprefsd.agent", "mach-lookup",
     "cfprefsd (per user): CFPreferences and NSUserDefaults reads and writes of the user's "
     "preference domains.",
     "Preference reads come back empty and writes are lost; cfprefsd also checks "
     "user-preference-read and file-read-data on its own side.",
     "nchudleigh/vimac PR #407 (cfprefsd rejecting a sandboxed reader)"},
    {"com.apple.coreservices.launchservicesd", "mach-lookup",
     "LaunchServices: opening files and URLs with their applications (open(1), LSOpen), "
     "application and document-type look-ups.",
     "open(1) and the calls built on LaunchServices fail.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.diagnosticd", "mach-lookup",
     "diagnosticd: live streaming of the process's unified-log messages.",
     "Log streaming of the process does not work; each attempt adds a sandbox denial to the "
     "log.",
     "NixOS/nixpkgs#345333 (denials in a sandboxed build); wazuh/wazuh#15771"},
    {"com.apple.distributed_notifications@Uv3", "mach-lookup",
     "The distributed notification center (NSDistributedNotificationCenter, "
     "CFNotificationCenterGetDistributedCenter).",
     "Notifications between processes of the session are neither sent nor received.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.fonts", "mach-lookup",
     "The font registry service used alongside FontObjectsServer.",
     "Text rendering cannot enumerate or activate fonts.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.logd", "mach-lookup",
     "logd: the unified logging system (os_log) for the process's own messages.",
     "The process's log messages are dropped; each attempt adds a sandbox denial.",
     "NixOS/nixpkgs#345333; anthropic-experimental/sandbox-runtime#83"},
    {"com.apple.lsd.mapdb", "mach-lookup",
     "The LaunchServices database map, read for bundle and type look-ups.",
     "Type and application look-ups through LaunchServices fail or come back empty.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.networkd", "mach-lookup",
     "networkd: connection and path state for Apple's networking frameworks.",
     "Listed with the trust services as needed for HTTPS through the system frameworks; "
     "without it such connections may fail.",
     "openai/codex PR #5980"},
    {"com.apple.ocspd", "mach-lookup",
     "ocspd: certificate revocation checks (OCSP and CRL fetching) for Security.framework.",
     "Revocation checks cannot complete, so system TLS verification can fail or stall.",
     "openai/codex PR #5980"},
    {"com.apple.securityd.xpc", "mach-lookup",
     "securityd's XPC interface, used by newer Security.framework calls (keychain, trust).",
     "Keychain and trust calls that go through it fail.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.system.logger", "mach-lookup",
     "The legacy ASL logging daemon behind asl(3) and syslog(3).",
     "syslog() and asl messages of the process are lost.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.system.notification_center", "mach-lookup",
     "notifyd: notify(3) posting and registration, which libSystem uses for change notices "
     "(time zone, network and resolver configuration, preferences).",
     "Change notices are not delivered, so cached settings go stale; denials appear in the "
     "log.",
     "NixOS/nixpkgs#345333 (denial log); anthropic-experimental/sandbox-runtime#83"},
    {"com.apple.system.opendirectoryd.libinfo", "mach-lookup",
     "opendirectoryd's libinfo service: the user and group look-ups of libc (getpwuid, "
     "getpwnam, getgrgid, getgrnam) and other directory queries.",
     "User and group look-ups find nothing: a program cannot turn its uid into a user name or "
     "home folder (whoami, Python's pwd and getpass), and group names show as numbers.",
     "openai/codex PR #3334 (after Chromium's renderer policy, crbug.com/792228); "
     "spacedriveapp/spacebot PR #272"},
    {"com.apple.system.opendirectoryd.membership", "mach-lookup",
     "opendirectoryd's membership service: group membership and uid/gid-to-UUID mapping "
     "(mbr_* calls).",
     "Group-membership and ACL checks made in the process fail.",
     "anthropic-experimental/sandbox-runtime#83 (the runtime's built-in allow-list)"},
    {"com.apple.trustd", "mach-lookup",
     "The system trustd daemon: trust evaluation against the system's roots and revocation "
     "data.",
     "Reported as needed, with or instead of trustd.agent, for HTTPS certificate checks of Go "
     "programs; without it they fail with \"x509: OSStatus -26276\".",
     "spacedriveapp/spacebot PR #272; openai/codex PR #5980 (review)"},
    {"com.apple.trustd.agent", "mach-lookup",
     "The per-user trustd agent: certificate trust evaluation for Security.framework "
     "(SecTrustEvaluateWithError), including trust settings the user added to the keychain.",
     "Go programs verify TLS through Security.framework on macOS, so gh, terraform, kubectl, "
     "glab and any Go HTTPS client fail with \"x509: OSStatus -26276\"; SSL_CERT_FILE does not "
     "help. Tools using OpenSSL or their own CA bundle (curl, git, Python, Node) are not "
     "affected.",
     "anthropic-experimental/sandbox-runtime#118; anthropic-experimental/sandbox-runtime#125; "
     "anthropics/claude-code#34876; openai/codex PR #5980"},
    {"com.apple.windowserver.active", "mach-lookup",
     "The window server, for anything that shows a window, dialog or notification.",
     "osascript dialogs and terminal-notifier notifications fail silently.",
     "GreyhavenHQ/greywall PR #48"},
    {"file:dev-ioctl", "file-ioctl",
     "ioctl on the harmless character devices /dev/zero, /dev/random, /dev/urandom, "
     "/dev/dtracehelper and /dev/tty.",
     "Runtimes that probe their terminal or the random device with ioctl (isatty via "
     "TIOCGETA on /dev/tty, dtrace probes registered by Node and Python at start) "
     "get EPERM and fall back or fail.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command); openai/codex seatbelt_base_policy.sbpl"},
    {"file:dev-null", "file-read-data",
     "Reading, writing and ioctl on /dev/null.",
     "Every shell redirection to /dev/null (cmd >/dev/null 2>&1) fails with "
     "\"Operation not permitted\", which breaks configure scripts, git hooks and most "
     "build tools.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command); openai/codex seatbelt_base_policy.sbpl (file-write-data on "
     "/dev/null)"},
    {"file:system-read", "file-read*",
     "Reading the root directory, the system libraries and frameworks (/usr/lib, "
     "/System), /usr/share and the dyld cache; used only when reads are denied by "
     "default.",
     "Without it no program starts: dyld cannot map libSystem and the shared cache, "
     "so exec fails before main().",
     "eugene1g/agent-safehouse profiles/10-system-runtime.sb; chromium sandbox "
     "common.sb"},
    {"iokit:properties", "iokit-get-properties",
     "Reading IOKit registry properties (model, GPU and power information).",
     "Hardware queries through IOKit (system_profiler-style look-ups, GPU detection "
     "in Node and Python packages) return nothing.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command)"},
    {"iokit:surface", "iokit-open",
     "Opening the IOSurface and root-domain user clients: shared graphics buffers "
     "and power-state queries.",
     "Programs that render off-screen (headless browsers, image tools using "
     "CoreGraphics or Metal) fail to create surfaces.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command)"},
    {"ipc:posix-sem", "ipc-posix-sem*",
     "POSIX named semaphores (sem_open).",
     "Python multiprocessing (its locks, queues and pools) fails with \"[Errno 1] "
     "Operation not permitted\" at the first lock.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command); openai/codex seatbelt_base_policy.sbpl"},
    {"ipc:posix-shm", "ipc-posix-shm*",
     "POSIX shared memory (shm_open), used for shared buffers between processes.",
     "Python multiprocessing.shared_memory, and the cfprefs shared-memory fast path, "
     "fail.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command); openai/codex seatbelt_base_policy.sbpl (apple.cfprefs. shared "
     "memory)"},
    {"notification:post", "distributed-notification-post",
     "Posting distributed notifications to other processes of the session.",
     "Frameworks that announce changes (preferences, fonts) log denials; the "
     "notifications are lost.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command)"},
    {"preference:read", "user-preference-read",
     "Reading the user's and the system's preference domains (CFPreferences, "
     "NSUserDefaults, defaults read).",
     "Locale, time-zone and framework settings read as defaults; defaults read "
     "fails.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command); openai/codex seatbelt_base_policy.sbpl"},
    {"process:task-port", "mach-priv-task-port",
     "Task ports of processes in the same sandbox, which debuggers, profilers and "
     "some runtimes' crash handlers take.",
     "lldb and profilers cannot attach to the sandboxed program's own children; "
     "crash reporters of runtimes lose their stack walks.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command)"},
    {"socket:system-control", "system-socket",
     "AF_SYSTEM control sockets of protocol 2 (SYSPROTO_CONTROL), used to read "
     "kernel network state; no network access.",
     "Network-status look-ups of Apple's frameworks (the network path monitor behind "
     "URLSession) fail.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command); openai/codex seatbelt_network_policy.sbpl"},
    {"sysctl:hardware", "sysctl-read",
     "The hw.* and machdep.cpu.* sysctls: CPU count, kind and features, cache and "
     "page sizes, memory size.",
     "V8 (Node), Go, Rust and Python size their thread pools and pick code paths "
     "from these; without them os.cpus() is empty, runtime.NumCPU falls back to 1 "
     "and some programs abort at start.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command) (\"V8 thread calculations\"); openai/codex "
     "seatbelt_base_policy.sbpl"},
    {"sysctl:kernel", "sysctl-read",
     "The kern.* identity and limit sysctls (os type, release and version, host "
     "name, argmax, maxfiles, maxproc, boot arguments), vm.loadavg and a few "
     "security states.",
     "uname(3), platform.mac_ver() in Python, os.release() in Node and Go's runtime "
     "start-up checks fail or report nothing.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command); openai/codex seatbelt_base_policy.sbpl"},
    {"sysctl:processes", "sysctl-read",
     "kern.proc.* look-ups: the process table, process groups and per-process "
     "information.",
     "ps, pgrep, process-tree helpers (tree-kill in Node, psutil in Python) and "
     "tools that find their own parent fail.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command)"},
    {"sysctl:routes", "sysctl-read",
     "net.routetable.*: the routing table, read to find interfaces and the default "
     "route.",
     "Network libraries that enumerate interfaces or the default gateway (Go's "
     "net.Interfaces, Node's os.networkInterfaces) fail.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command); openai/codex seatbelt_network_policy.sbpl"},
    {"sysctl:tcsm-write", "sysctl-write",
     "Writing kern.tcsm_enable, which V8 toggles on Apple silicon.",
     "Node prints sandbox denials at start and runs without the thread-context "
     "switch mitigation it asked for.",
     "anthropic-experimental/sandbox-runtime 0.0.83 (its macOS profile grants it to "
     "every command) (\"V8 thread calculations\")"},
};

#define NNOTES (sizeof(NOTES) / sizeof(NOTES[0]))

size_t sbp_catalog_service_count(void) { return NNOTES; }

const sbp_service_note *sbp_catalog_service_at(size_t index) {
  return index < NNOTES ? &NOTES[index] : NULL;
}

int sbp_catalog_service_lookup(const char *name, size_t len, const sbp_service_note **out,
                               sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (out == NULL || (name == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "service look-up: %s is NULL",
                      out == NULL ? "out" : "name");
  for (size_t i = 0; i < NNOTES; i++) {
    if (strlen(NOTES[i].name) == len && (len == 0 || memcmp(NOTES[i].name, name, len) == 0)) {
      *out = &NOTES[i];
      return SBP_OK;
    }
  }
  char q[96] = "";
  sbp__error_quote(q, sizeof(q), name, len, 80);
  return sbp__error(err, SBP_E_NOT_FOUND, "no note on service '%s'", q);
}

const char *sbp_catalog_service_name(const sbp_service_note *note) {
  return note ? note->name : NULL;
}
const char *sbp_catalog_service_operation(const sbp_service_note *note) {
  return note ? note->operation : NULL;
}
const char *sbp_catalog_service_gives(const sbp_service_note *note) {
  return note ? note->gives : NULL;
}
const char *sbp_catalog_service_breaks(const sbp_service_note *note) {
  return note ? note->breaks : NULL;
}
const char *sbp_catalog_service_source(const sbp_service_note *note) {
  return note ? note->source : NULL;
}
