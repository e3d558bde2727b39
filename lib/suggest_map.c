/* From a reported target to the filter that names it (docs/suggest.md has the table), and
 * the risks of granting it. The operation's family follows from the catalog's alias table
 * and name; the filter names are those of the decision engine's request attributes, so a
 * suggested rule can be checked by deciding the request it came from. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "suggest_map.h"

static int starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* A path below dir (or dir itself): "/a/b" is under "/a", "/ab" is not. */
static int under(const char *path, const char *dir) {
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/' || n == 1);
}

const char *sbp__suggest_canonical(sbp__arena *arena, const char *path) {
  static const char *const dirs[] = {"/tmp", "/var", "/etc"};
  for (size_t i = 0; i < 3; i++) {
    if (!under(path, dirs[i])) continue;
    size_t n = strlen(path);
    char *c = sbp__arena_alloc(arena, n + 9);
    if (c == NULL) return NULL;
    memcpy(c, "/private", 8);
    memcpy(c + 8, path, n + 1);
    return c;
  }
  return path;
}

static char *dup_str(sbp__arena *a, const char *s, size_t n) { return sbp__arena_strndup(a, s, n); }

static int is_loopback(const char *h) {
  return strcmp(h, "localhost") == 0 || starts(h, "127.") || strcmp(h, "::1") == 0 ||
         strcmp(h, "0:0:0:0:0:0:0:1") == 0;
}

/* HOST:PORT, [V6]:PORT or V6.PORT-less forms; host "*" for any. 0 when malformed. */
static int split_hostport(sbp__arena *a, const char *t, const char **host, int *port) {
  const char *hs = t, *he, *ps;
  if (*t == '[') {
    he = strchr(t, ']');
    if (he == NULL || he[1] != ':') return 0;
    hs = t + 1;
    ps = he + 2;
  } else {
    he = strrchr(t, ':');
    if (he == NULL) return 0;
    ps = he + 1;
  }
  if (he == hs) return 0;
  if (strcmp(ps, "*") == 0) {
    *port = SBP_PORT_ANY;
  } else {
    long v = 0;
    if (*ps == '\0') return 0;
    for (const char *q = ps; *q; q++) {
      if (*q < '0' || *q > '9' || v > 65535) return 0;
      v = v * 10 + (*q - '0');
    }
    if (v > 65535) return 0;
    *port = (int)v;
  }
  for (const char *q = hs; q < he; q++)
    if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
          *q == '.' || *q == ':' || *q == '-' || *q == '*' || *q == '%'))
      return 0;
  *host = dup_str(a, hs, (size_t)(he - hs));
  return *host != NULL ? 1 : -1;
}

static int map_network(sbp__arena *a, const char *op, const char *t, sbp__mapped *m) {
  m->local = starts(op, "network-bind") || starts(op, "network-inbound");
  if (t[0] == '/') {
    m->kind = SBP__MAP_UNIX;
    m->attr = SBP_ATTR_PATH;
    m->value = sbp__suggest_canonical(a, t);
    return m->value ? SBP_OK : SBP_E_NOMEM;
  }
  const char *host = NULL;
  int port = 0;
  int r = t[0] ? split_hostport(a, t, &host, &port) : 0;
  if (r < 0) return SBP_E_NOMEM;
  if (r == 0) {
    m->reason = t[0] ? "the target is neither a socket path nor HOST:PORT"
                     : "the report names no address";
    return SBP_OK;
  }
  if (port == 0) {
    /* an ephemeral port asked of the system: no rule names it */
    m->reason = "SBPL names no port 0 (a port is * or 1-65535); a program that binds or "
                "connects to port 0 needs HOST:*";
    return SBP_OK;
  }
  char buf[32];
  int loop = is_loopback(host);
  if (port == SBP_PORT_ANY) snprintf(buf, sizeof buf, "%s:*", loop ? "localhost" : "*");
  else snprintf(buf, sizeof buf, "%s:%d", loop ? "localhost" : "*", port);
  m->kind = SBP__MAP_IP;
  m->attr = m->local ? SBP_ATTR_LOCAL : SBP_ATTR_REMOTE;
  m->host = host;
  m->port = port;
  m->value = dup_str(a, buf, strlen(buf));
  if (m->value == NULL) return SBP_E_NOMEM;
  /* A local end on every interface is what "*" says; only other hosts need the caveat. */
  int any = strcmp(host, "*") == 0 ||
            (m->local && (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0));
  if (!loop && !any) {
    size_t n = strlen(host) + 128;
    char *c = sbp__arena_alloc(a, n);
    if (c == NULL) return SBP_E_NOMEM;
    snprintf(c, n,
             "SBPL names no host but localhost: this allows port %s on every host (the "
             "report names %s)",
             strchr(buf, ':') + 1, host);
    m->reason = c;
  }
  return SBP_OK;
}

/* Operations whose target is one name, with the filter that tests it. */
static const struct {
  const char *op; /* exact, or a prefix when it ends with '-' */
  const char *filter;
  sbp_attr attr;
} NAMED[] = {
    {"mach-lookup", "global-name", SBP_ATTR_GLOBAL_NAME},
    {"mach-register", "global-name", SBP_ATTR_GLOBAL_NAME},
    {"sysctl-", "sysctl-name", SBP_ATTR_SYSCTL_NAME},
    {"user-preference-", "preference-domain", SBP_ATTR_PREFERENCE_DOMAIN},
    {"managed-preference-read", "preference-domain", SBP_ATTR_PREFERENCE_DOMAIN},
    {"ipc-posix-", "ipc-posix-name", SBP_ATTR_IPC_POSIX_NAME},
    {"iokit-open", "iokit-registry-entry-class", SBP_ATTR_IOKIT_REGISTRY_ENTRY_CLASS},
    {"iokit-open-", "iokit-registry-entry-class", SBP_ATTR_IOKIT_REGISTRY_ENTRY_CLASS},
    {"darwin-notification-post", "notification-name", SBP_ATTR_NOTIFICATION_NAME},
    {"distributed-notification-post", "notification-name", SBP_ATTR_NOTIFICATION_NAME},
    {"appleevent-send", "appleevent-destination", SBP_ATTR_APPLEEVENT_DESTINATION},
    {"authorization-right-obtain", "right-name", SBP_ATTR_RIGHT_NAME},
};

int sbp__suggest_resolve(uint32_t macos, const char *op_in, char *buf, size_t size) {
  size_t alen = strlen(op_in);
  const char *op = sbp__catalog_op_alias(op_in, alen, &alen);
  if (alen >= size) return 0;
  memcpy(buf, op, alen);
  buf[alen] = '\0';
  return sbp__catalog_op(macos, buf, alen) != NULL;
}

int sbp__suggest_map(sbp__arena *a, const char *op, const char *t, sbp__mapped *m) {
  memset(m, 0, sizeof *m);
  if (op == NULL) {
    m->reason = "the catalog does not know this operation";
    return SBP_OK;
  }
  if (starts(op, "file-") || starts(op, "process-exec")) {
    if (t[0] == '\0') {
      m->reason = "the report names no path";
      return SBP_OK;
    }
    if (t[0] != '/') {
      m->reason = "the target is not an absolute path";
      return SBP_OK;
    }
    m->kind = SBP__MAP_PATH;
    m->attr = SBP_ATTR_PATH;
    m->value = sbp__suggest_canonical(a, t);
    return m->value ? SBP_OK : SBP_E_NOMEM;
  }
  if (starts(op, "network")) return map_network(a, op, t, m);
  for (size_t i = 0; i < sizeof NAMED / sizeof NAMED[0]; i++) {
    size_t n = strlen(NAMED[i].op);
    int hit = NAMED[i].op[n - 1] == '-' ? strncmp(op, NAMED[i].op, n) == 0
                                        : strcmp(op, NAMED[i].op) == 0;
    if (!hit) continue;
    if (t[0] == '\0') {
      m->reason = "the report names no target, and a rule without a filter would allow all";
      return SBP_OK;
    }
    m->kind = SBP__MAP_NAME;
    m->filter = NAMED[i].filter;
    m->attr = NAMED[i].attr;
    m->value = dup_str(a, t, strlen(t));
    return m->value ? SBP_OK : SBP_E_NOMEM;
  }
  if (strcmp(op, "signal") == 0 || starts(op, "process-info")) {
    /* SBPL names the other process by relation, never by pid. */
    m->kind = SBP__MAP_CONSTANT;
    m->filter = "target";
    m->attr = SBP_ATTR_TARGET;
    m->value = "others";
    m->reason = "SBPL names the other process by relation (self, pgrp, children, "
                "same-sandbox, others), not by pid: narrow to children or same-sandbox when "
                "it runs beside this one";
    return SBP_OK;
  }
  if (t[0] == '\0') {
    m->kind = SBP__MAP_UNFILTERED;
    return SBP_OK;
  }
  m->reason = "the catalog has no filter for this operation's target";
  return SBP_OK;
}

static const struct {
  const char *part; /* a path component sequence, as "/.ssh" */
  const char *what;
} SECRETS[] = {
    {"/.ssh", "SSH keys"},
    {"/Library/Keychains", "a keychain"},
    {"/.bash_history", "shell history"},
    {"/.zsh_history", "shell history"},
    {"/.history", "shell history"},
    {"/.aws", "cloud credentials (AWS)"},
    {"/.config/gcloud", "cloud credentials (Google Cloud)"},
    {"/.azure", "cloud credentials (Azure)"},
    {"/.kube", "cluster credentials (Kubernetes)"},
    {"/.docker/config.json", "registry credentials (Docker)"},
    {"/.netrc", "login credentials (netrc)"},
    {"/.gnupg", "GnuPG keys"},
    {"/.git-credentials", "git credentials"},
};

/* The secret a path reads, when one of SECRETS is a component sequence of it, or a subpath
 * grant (dir) contains one. */
static const char *secret_in(const char *path, int subpath) {
  /* Every part starts with '/': one pass over the path's slashes finds the first part of
   * the table that matches anywhere. */
  size_t first = sizeof SECRETS / sizeof SECRETS[0];
  for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
    for (size_t i = 0; i < first; i++) {
      const char *part = SECRETS[i].part;
      if (p[1] != part[1]) continue;
      size_t n = strlen(part);
      if (strncmp(p, part, n) == 0 && (p[n] == '\0' || p[n] == '/')) first = i;
    }
  if (first < sizeof SECRETS / sizeof SECRETS[0]) return SECRETS[first].what;
  /* A subpath of the home folder (or above) holds the secrets below it. */
  if (subpath && (strcmp(path, "/") == 0 || strcmp(path, "/Users") == 0 ||
                  (starts(path, "/Users/") && strchr(path + 7, '/') == NULL)))
    return "a home folder, with its SSH keys, keychains and credentials";
  return NULL;
}

static int temporary(const char *p) {
  return under(p, "/private/tmp") || under(p, "/private/var/folders") ||
         strcmp(p, "/dev/null") == 0 || strcmp(p, "/dev/tty") == 0 ||
         strcmp(p, "/dev/dtracehelper") == 0;
}

const char *sbp__suggest_risk(const char *op, const sbp__mapped *m, int subpath,
                              const char *workspace) {
  if (m->kind == SBP__MAP_PATH) {
    const char *p = m->value;
    /* Only file operations are collapsed into a folder: one program is no risk. */
    if (starts(op, "process-exec")) return NULL;
    if (starts(op, "file-read")) {
      const char *s = secret_in(p, subpath);
      return s;
    }
    if (starts(op, "file-write") || strcmp(op, "file*") == 0 || starts(op, "file-link") ||
        starts(op, "file-mount") || starts(op, "file-unmount")) {
      if (temporary(p)) return NULL;
      if (workspace != NULL && workspace[0] == '/' && under(p, workspace)) return NULL;
      return "a write outside the workspace";
    }
    return NULL;
  }
  /* Unfiltered: a report with no target (file, process-exec and network reports without one
   * are unmappable, never unfiltered). */
  if (m->kind == SBP__MAP_UNFILTERED) return starts(op, "mach-") ? "every mach service" : NULL;
  if (m->kind == SBP__MAP_IP && !m->local && strncmp(m->value, "*:", 2) == 0)
    return "network access to every host on this port";
  if (m->kind == SBP__MAP_NAME && strcmp(m->filter, "global-name") == 0 &&
      (strchr(m->value, '*') != NULL))
    return "a broad mach-lookup";
  return NULL;
}
