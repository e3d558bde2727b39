/* TEMPORARY: a small stand-in for the generated catalog (lib/catalog_data.c, branch catalog),
 * so that the decision engine builds and is tested before the catalog lands. Every function
 * is weak: the real catalog's definitions replace these at link time. Remove this file once
 * the catalog is merged. */
#include <string.h>

#include "catalog.h"

#if defined(__GNUC__) || defined(__clang__)
#  define SBP__WEAK __attribute__((weak))
#else
#  define SBP__WEAK
#endif

static const sbp__op_info ops[] = {
    {"default", NULL, 0, 0, 0},
    {"file*", "default", 0, 0, 0},
    {"file-read*", "file*", 0, 0, 0},
    {"file-read-data", "file-read*", 0, 0, 0},
    {"file-read-metadata", "file-read*", 0, 0, 0},
    {"file-read-xattr", "file-read*", 0, 0, 0},
    {"file-write*", "file*", 0, 0, 0},
    {"file-write-data", "file-write*", 0, 0, 0},
    {"file-write-create", "file-write*", 0, 0, 0},
    {"file-write-unlink", "file-write*", 0, 0, 0},
    {"file-ioctl", "file*", 0, 0, 0},
    {"file-link", NULL, 1, 1, 0},
    {"file-clone", NULL, 1, 1, 0},
    {"file-map-executable", NULL, 1, 1, 0},
    {"file-test-existence", NULL, 1, 1, 0},
    {"file-write-setugid", NULL, 1, 2, 0},
    {"process*", "default", 0, 0, 0},
    {"process-exec*", "process*", 0, 0, 0},
    {"process-exec-interpreter", "process-exec*", 0, 0, 0},
    {"process-fork", "process*", 0, 0, 0},
    {"process-info*", NULL, 1, 1, 0},
    {"process-info-pidinfo", "process-info*", 0, 0, 0},
    {"process-info-listpids", "process-info*", 0, 0, 0},
    {"syscall-unix", NULL, 1, 1, 0},
    {"iokit-get-properties", NULL, 1, 1, 0},
    {"darwin-notification-post", NULL, 1, 1, 0},
    {"mach*", "default", 0, 0, 0},
    {"mach-lookup", "mach*", 0, 0, 0},
    {"mach-register", "mach*", 0, 0, 0},
    {"network*", "default", 0, 0, 0},
    {"network-inbound", "network*", 0, 0, 0},
    {"network-bind", "network-inbound", 0, 0, 0},
    {"network-outbound", "network*", 0, 0, 0},
    {"sysctl*", "default", 0, 0, 0},
    {"sysctl-read", "sysctl*", 0, 0, 0},
    {"sysctl-write", "sysctl*", 0, 0, 0},
    {"user-preference*", "default", 0, 0, 0},
    {"user-preference-read", "user-preference*", 0, 0, 0},
    {"managed-preference-read", "user-preference-read", 0, 0, 0},
    {"user-preference-write", "user-preference*", 0, 0, 0},
    {"ipc*", "default", 0, 0, 0},
    {"ipc-posix*", "ipc*", 0, 0, 0},
    {"ipc-posix-shm*", "ipc-posix*", 0, 0, 0},
    {"ipc-posix-shm-read-data", "ipc-posix-shm*", 0, 0, 0},
    {"signal", "default", 0, 0, 0},
    {"system*", "default", 0, 0, 0},
    {"system-socket", "system*", 0, 0, 0},
    {"iokit*", "default", 0, 0, 0},
    {"iokit-open*", "iokit*", 0, 0, 1},
    {"iokit-open-user-client", "iokit-open*", 0, 0, 1},
    {"appleevent-send", "default", 0, 0, 0},
    {"mach-task*", "mach*", 0, 0, 1},
    {"mach-task-read", "mach-task*", 0, 0, 1},
};

static const struct {
  const char *alias, *name;
} op_aliases[] = {{"process-exec", "process-exec*"}, {"ipc-posix-shm", "ipc-posix-shm*"}};

static const sbp__filter_info filters[] = {
    {"path", "path", SBP__MATCH_EXACT, SBP__ARG_PATH, "path"},
    {"literal", "path", SBP__MATCH_EXACT, SBP__ARG_PATH, "path"},
    {"subpath", "path", SBP__MATCH_SUBPATH, SBP__ARG_PATH, "path"},
    {"prefix", "path", SBP__MATCH_PREFIX, SBP__ARG_PATH, "path"},
    {"path-prefix", "path", SBP__MATCH_PREFIX, SBP__ARG_PATH, "path"},
    {"regex", "path", SBP__MATCH_REGEX, SBP__ARG_PATH, "path"},
    {"path-regex", "path", SBP__MATCH_REGEX, SBP__ARG_PATH, "path"},
    {"process-path", "process-path", SBP__MATCH_EXACT, SBP__ARG_PATH, "process"},
    {"global-name", "global-name", SBP__MATCH_EXACT, SBP__ARG_NAME, "mach"},
    {"global-name-prefix", "global-name", SBP__MATCH_PREFIX, SBP__ARG_NAME, "mach"},
    {"global-name-regex", "global-name", SBP__MATCH_REGEX, SBP__ARG_NAME, "mach"},
    {"local-name", "local-name", SBP__MATCH_EXACT, SBP__ARG_NAME, "mach"},
    {"local-name-prefix", "local-name", SBP__MATCH_PREFIX, SBP__ARG_NAME, "mach"},
    {"xpc-service-name", "xpc-service-name", SBP__MATCH_EXACT, SBP__ARG_NAME, "mach"},
    {"sysctl-name", "sysctl-name", SBP__MATCH_EXACT, SBP__ARG_NAME, "sysctl"},
    {"sysctl-name-prefix", "sysctl-name", SBP__MATCH_PREFIX, SBP__ARG_NAME, "sysctl"},
    {"sysctl-name-regex", "sysctl-name", SBP__MATCH_REGEX, SBP__ARG_NAME, "sysctl"},
    {"preference-domain", "preference-domain", SBP__MATCH_EXACT, SBP__ARG_NAME, "preference-domain"},
    {"preference-domain-prefix", "preference-domain", SBP__MATCH_PREFIX, SBP__ARG_NAME, "preference-domain"},
    {"ipc-posix-name", "ipc-posix-name", SBP__MATCH_EXACT, SBP__ARG_NAME, "posix-ipc"},
    {"ipc-posix-name-prefix", "ipc-posix-name", SBP__MATCH_PREFIX, SBP__ARG_NAME, "posix-ipc"},
    {"iokit-registry-entry-class", "iokit-registry-entry-class", SBP__MATCH_EXACT, SBP__ARG_NAME, "iokit"},
    {"iokit-user-client-class", "iokit-registry-entry-class", SBP__MATCH_EXACT, SBP__ARG_NAME, "iokit"},
    {"notification-name", "notification-name", SBP__MATCH_EXACT, SBP__ARG_NAME, "notification"},
    {"appleevent-destination", "appleevent-destination", SBP__MATCH_EXACT, SBP__ARG_NAME, "ae-destination"},
    {"signing-identifier", "signing-identifier", SBP__MATCH_EXACT, SBP__ARG_NAME, "process"},
    {"extension", "extension", SBP__MATCH_EXACT, SBP__ARG_NAME, "extension"},
    {"right-name", "right-name", SBP__MATCH_EXACT, SBP__ARG_NAME, "others"},
    {"target", "target", 0, SBP__ARG_INTEGER, "target"},
    {"socket-domain", "socket-domain", 0, SBP__ARG_INTEGER, "socket"},
    {"socket-type", "socket-type", 0, SBP__ARG_INTEGER, "socket"},
    {"socket-protocol", "socket-protocol", 0, SBP__ARG_INTEGER, "socket"},
    {"vnode-type", "vnode-type", 0, SBP__ARG_INTEGER, "vnode-type"},
    {"signal-number", "signal-number", 0, SBP__ARG_INTEGER, "signal"},
    {"file-mode", "file-mode", 0, SBP__ARG_BITFIELD, "file-mode"},
    {"local", "local", 0, SBP__ARG_NETWORK, "network"},
    {"remote", "remote", 0, SBP__ARG_NETWORK, "network"},
};

static const struct {
  const char *base, *name;
  int64_t value;
} constants[] = {
    {"socket-domain", "AF_UNIX", 1},     {"socket-domain", "AF_INET", 2},
    {"socket-domain", "AF_INET6", 30},   {"socket-domain", "AF_SYSTEM", 32},
    {"socket-type", "SOCK_STREAM", 1},   {"socket-type", "SOCK_DGRAM", 2},
    {"socket-type", "SOCK_RAW", 3},      {"vnode-type", "REGULAR-FILE", 1},
    {"vnode-type", "DIRECTORY", 2},      {"vnode-type", "CHARACTER-DEVICE", 4},
    {"vnode-type", "SYMLINK", 5},        {"target", "self", 1},
    {"target", "pgrp", 2},               {"target", "others", 3},
    {"target", "children", 4},           {"target", "same-sandbox", 5},
    {"target", "initproc", 6},           {"signal-number", "SIGKILL", 9},
    {"signal-number", "SIGTERM", 15},
};

static int same(const char *a, const char *s, size_t len) {
  return strlen(a) == len && memcmp(a, s, len) == 0;
}

SBP__WEAK uint32_t sbp__catalog_version(uint32_t macos) {
  return macos ? macos : SBP__MACOS(14, 4, 1);
}

SBP__WEAK const char *sbp__catalog_op_alias(const char *name, size_t len, size_t *out_len) {
  for (size_t i = 0; i < sizeof op_aliases / sizeof op_aliases[0]; i++)
    if (same(op_aliases[i].alias, name, len)) {
      if (out_len) *out_len = strlen(op_aliases[i].name);
      return op_aliases[i].name;
    }
  if (out_len) *out_len = len;
  return name;
}

SBP__WEAK const sbp__op_info *sbp__catalog_op(uint32_t macos, const char *name, size_t len) {
  (void)macos;
  name = sbp__catalog_op_alias(name, len, &len);
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (same(ops[i].name, name, len)) return &ops[i];
  return NULL;
}

SBP__WEAK const sbp__filter_info *sbp__catalog_filter(uint32_t macos, const char *spelling,
                                                      size_t len) {
  (void)macos;
  for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
    if (same(filters[i].spelling, spelling, len)) return &filters[i];
  return NULL;
}

SBP__WEAK int sbp__catalog_constant(uint32_t macos, const char *base, const char *name,
                                    size_t len, int64_t *out) {
  (void)macos;
  for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
    if (strcmp(constants[i].base, base) == 0 && same(constants[i].name, name, len)) {
      *out = constants[i].value;
      return 1;
    }
  return 0;
}

SBP__WEAK int sbp__catalog_op_accepts(uint32_t macos, const char *op, const char *category) {
  (void)macos;
  (void)op;
  (void)category;
  return -1;
}
