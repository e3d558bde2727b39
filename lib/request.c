/* Requests for the decision engine: an operation and the attributes the kernel would test. */
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "error.h"
#include "netaddr.h"
#include "path.h"
#include "request.h"

int sbp_request_new(sbp_request **out, const sbp_alloc *alloc, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "request: NULL out");
  *out = NULL;
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc))
    return sbp__error(err, SBP_E_INVALID_ARG, "request: allocator lacks a function");
  sbp_request *r = sbp__malloc(alloc, sizeof *r);
  if (r == NULL) return sbp__nomem(err);
  memset(r, 0, sizeof *r);
  r->alloc = *alloc;
  *out = r;
  return SBP_OK;
}

static void attr_clear(sbp_request *r, sbp__req_attr *a) {
  if (a->known == 0) sbp__free(&r->alloc, a->name);
  sbp__free(&r->alloc, a->str);
  memset(a, 0, sizeof *a);
}

void sbp_request_reset(sbp_request *r) {
  if (r == NULL) return;
  for (size_t i = 0; i < r->nattrs; i++) attr_clear(r, &r->attrs[i]);
  r->nattrs = 0;
  sbp__free(&r->alloc, r->op);
  r->op = NULL;
  r->op_len = 0;
  r->chain_valid = 0;
}

void sbp_request_free(sbp_request *r) {
  if (r == NULL) return;
  sbp_request_reset(r);
  sbp__free(&r->alloc, r->attrs);
  sbp_alloc a = r->alloc;
  sbp__free(&a, r);
}

static char *dup(sbp_request *r, const char *s, size_t len) {
  char *p = sbp__malloc(&r->alloc, len + 1);
  if (p == NULL) return NULL;
  memcpy(p, s, len); /* s is never NULL: an operation, a name or a host */
  p[len] = '\0';
  return p;
}

int sbp_request_set_operation(sbp_request *r, const char *op, size_t len, sbp_error *err) {
  if (r == NULL || op == NULL || len == 0 || memchr(op, '\0', len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "request: %s",
                      r == NULL ? "NULL request" : "the operation must be a non-empty name");
  char *p = dup(r, op, len);
  if (p == NULL) return sbp__nomem(err);
  sbp__free(&r->alloc, r->op);
  r->op = p;
  r->op_len = len;
  r->chain_valid = 0;
  return SBP_OK;
}

const sbp__req_attr *sbp__request_attr(const sbp_request *r, const char *base) {
  for (size_t i = 0; i < r->nattrs; i++)
    if (strcmp(r->attrs[i].name, base) == 0) return &r->attrs[i];
  return NULL;
}

const sbp__req_attr *sbp__request_attr_known(const sbp_request *r, uint32_t id) {
  for (size_t i = 0; i < r->nattrs; i++)
    if (r->attrs[i].known == id) return &r->attrs[i];
  return NULL;
}

/* The slot for an attribute (existing one cleared, or a new one). */
static int slot_for(sbp_request *r, uint32_t known, const char *name, size_t name_len,
                    sbp__req_attr **out) {
  for (size_t i = 0; i < r->nattrs; i++) {
    sbp__req_attr *a = &r->attrs[i];
    if (strlen(a->name) == name_len && memcmp(a->name, name, name_len) == 0) {
      sbp__free(&r->alloc, a->str);
      a->str = NULL;
      a->len = 0;
      *out = a;
      return SBP_OK;
    }
  }
  if (r->nattrs == r->cap) {
    size_t nc = r->cap ? r->cap * 2 : 4;
    sbp__req_attr *na = sbp__realloc(&r->alloc, r->attrs, nc * sizeof *na);
    if (na == NULL) return SBP_E_NOMEM;
    r->attrs = na;
    r->cap = nc;
  }
  sbp__req_attr *a = &r->attrs[r->nattrs];
  memset(a, 0, sizeof *a);
  a->known = known;
  if (known) {
    a->name = (char *)(uintptr_t)sbp_attr_name((sbp_attr)known);
  } else {
    a->name = dup(r, name, name_len);
    if (a->name == NULL) return SBP_E_NOMEM;
  }
  r->nattrs++;
  *out = a;
  return SBP_OK;
}

static int set_attr(sbp_request *r, uint32_t known, const char *name, size_t name_len,
                    int kind, const char *value, size_t len, int64_t num, sbp_error *err) {
  if (value == NULL && kind == SBP__RQ_STRING)
    return sbp__error(err, SBP_E_INVALID_ARG, "request: NULL value for %.*s", (int)name_len, name);
  if (value != NULL && memchr(value, '\0', len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "request: NUL byte in the value of %.*s",
                      (int)name_len, name);
  /* paths are decided as the kernel sees them: absolute, "." and ".." resolved */
  int is_path = kind == SBP__RQ_STRING && (known == SBP_ATTR_PATH || known == SBP_ATTR_PROCESS_PATH);
  if (is_path && (len == 0 || value[0] != '/')) {
    char q[96] = "";
    sbp__error_quote(q, sizeof q, value, len, 60);
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "request: %.*s \"%s\" is not an absolute path (the kernel decides on "
                      "absolute paths)", (int)name_len, name, q);
  }
  /* fast path: replace the text of an existing text attribute in place when it fits */
  if (kind == SBP__RQ_STRING) {
    for (size_t i = 0; i < r->nattrs; i++) {
      sbp__req_attr *a = &r->attrs[i];
      if (a->kind == SBP__RQ_STRING && len < a->cap && /* a text attribute always has a copy */
          strlen(a->name) == name_len && memcmp(a->name, name, name_len) == 0) {
        memcpy(a->str, value, len); /* a text value is never NULL (checked above) */
        a->str[len] = '\0';
        a->len = is_path ? sbp__path_normalize(a->str, len, 0, a->str) : len;
        return SBP_OK;
      }
    }
  }
  char *copy = NULL;
  if (kind == SBP__RQ_STRING) {
    copy = sbp__malloc(&r->alloc, (len < 32 ? 32 : len) + 1);
    if (copy == NULL) return sbp__nomem(err);
    memcpy(copy, value, len);
    copy[len] = '\0';
    if (is_path) len = sbp__path_normalize(copy, len, 0, copy);
  }
  sbp__req_attr *a;
  if (slot_for(r, known, name, name_len, &a) != SBP_OK) {
    sbp__free(&r->alloc, copy);
    return sbp__nomem(err);
  }
  a->kind = (uint8_t)kind;
  a->str = copy;
  a->len = copy ? len : 0;
  a->cap = copy ? (len < 32 ? 32 : len) + 1 : 0;
  a->num = num;
  return SBP_OK;
}

static int check_known(sbp_request *r, sbp_attr attr, sbp_error *err) {
  if (r == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "request: NULL request");
  if (sbp_attr_name(attr) == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "request: unknown attribute %d", (int)attr);
  return SBP_OK;
}

int sbp_request_set_string_attr(sbp_request *r, sbp_attr attr, const char *value, size_t len,
                                sbp_error *err) {
  int rc = check_known(r, attr, err);
  if (rc) return rc;
  if (attr == SBP_ATTR_LOCAL || attr == SBP_ATTR_REMOTE)
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "request: %s is a network address; use sbp_request_set_netaddr",
                      sbp_attr_name(attr));
  const char *n = sbp_attr_name(attr);
  return set_attr(r, (uint32_t)attr, n, strlen(n), SBP__RQ_STRING, value, len, 0, err);
}

int sbp_request_set_integer_attr(sbp_request *r, sbp_attr attr, int64_t value, sbp_error *err) {
  int rc = check_known(r, attr, err);
  if (rc) return rc;
  if (attr == SBP_ATTR_LOCAL || attr == SBP_ATTR_REMOTE)
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "request: %s is a network address; use sbp_request_set_netaddr",
                      sbp_attr_name(attr));
  const char *n = sbp_attr_name(attr);
  return set_attr(r, (uint32_t)attr, n, strlen(n), SBP__RQ_INTEGER, NULL, 0, value, err);
}

int sbp_request_set_named_attr(sbp_request *r, const char *name, size_t name_len,
                               int is_integer, const char *value, size_t len, int64_t number,
                               sbp_error *err) {
  if (r == NULL || name == NULL || name_len == 0 || memchr(name, '\0', name_len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "request: the attribute needs a name");
  uint32_t known = 0;
  for (uint32_t i = 1; i < SBP__ATTR_KNOWN_COUNT; i++) {
    const char *n = sbp_attr_name((sbp_attr)i);
    if (strlen(n) == name_len && memcmp(n, name, name_len) == 0) known = i;
  }
  if (known == SBP_ATTR_LOCAL || known == SBP_ATTR_REMOTE)
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "request: %s is a network address; use sbp_request_set_netaddr",
                      sbp_attr_name((sbp_attr)known));
  return set_attr(r, known, name, name_len, is_integer ? SBP__RQ_INTEGER : SBP__RQ_STRING,
                  value, len, number, err);
}

int sbp_request_set_netaddr(sbp_request *r, sbp_attr attr, const char *proto, size_t proto_len,
                            const char *host, size_t host_len, int port, sbp_error *err) {
  if (r == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "request: NULL request");
  if (attr != SBP_ATTR_LOCAL && attr != SBP_ATTR_REMOTE)
    return sbp__error(err, SBP_E_INVALID_ARG, "request: a network address goes in local or remote");
  uint32_t bits = proto ? sbp__net_proto_bits(proto, proto_len) : 0;
  if (bits == 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "request: unknown protocol \"%.*s\"",
                      (int)(proto ? proto_len : 0), proto ? proto : "");
  if (port != SBP_PORT_ANY && (port < 0 || port > 65535))
    return sbp__error(err, SBP_E_INVALID_ARG, "request: port %d out of range", port);
  if (host != NULL && host_len == 1 && host[0] == '*') host = NULL;
  /* ip, tcp and udp (no digit) say nothing of the family */
  if ((bits & 3u) == 3u) { /* family unknown: take it from an address literal */
    if (host != NULL && memchr(host, ':', host_len)) bits = (bits & ~3u) | 2u;
    else if (host != NULL && host_len > 0 && host[0] >= '0' && host[0] <= '9')
      bits = (bits & ~3u) | 1u;
    else bits &= ~3u;
  }
  const char *n = sbp_attr_name(attr);
  int rc = set_attr(r, (uint32_t)attr, n, strlen(n), SBP__RQ_NETADDR, host,
                    host ? host_len : 0, port, err);
  if (rc != SBP_OK) return rc;
  sbp__req_attr *a = (sbp__req_attr *)(uintptr_t)sbp__request_attr(r, n);
  if (host != NULL) { /* set_attr copies text only for strings: a->str is NULL here */
    a->str = dup(r, host, host_len);
    if (a->str == NULL) return sbp__nomem(err);
    a->len = host_len;
  }
  a->proto = bits;
  a->loopback = sbp__net_is_loopback(a->str);
  return SBP_OK;
}

/* ---- chains ----------------------------------------------------------------------------- */

static int is_weak_link(const char *op, size_t len) {
  return (len == 12 && memcmp(op, "network-bind", 12) == 0) ||
         (len == 23 && memcmp(op, "managed-preference-read", 23) == 0);
}

void sbp__request_chain(const sbp_request *cr, uint32_t macos) {
  sbp_request *r = (sbp_request *)(uintptr_t)cr; /* a memo: logically const */
  if (r->chain_valid && r->chain_macos == macos) return;
  r->nchain = 0;
  r->chain_terminal = 0;
  r->chain_builtin = 0;
  r->chain_unknown = 0;
  size_t len = r->op_len;
  const char *name = sbp__catalog_op_alias_v(macos, r->op, r->op_len, &len);
  int weak = 0;
  const sbp__op_info *info = sbp__catalog_op(macos, name, len);
  if (info == NULL) {
    r->chain_unknown = 1;
    r->chain[0] = name;
    r->chain_len[0] = len;
    r->chain_weak[0] = 0;
    r->nchain = 1;
    if (!(len == 7 && memcmp(name, "default", 7) == 0)) {
      r->chain[1] = "default";
      r->chain_len[1] = 7;
      r->chain_weak[1] = 0;
      r->nchain = 2;
    }
  } else {
    while (info != NULL && r->nchain < SBP__CHAIN_MAX) {
      size_t nl = strlen(info->name);
      r->chain[r->nchain] = info->name;
      r->chain_len[r->nchain] = nl;
      r->chain_weak[r->nchain] = (uint8_t)weak;
      r->nchain++;
      if (info->terminal && !(nl == 7 && memcmp(info->name, "default", 7) == 0)) {
        r->chain_terminal = 1;
        r->chain_builtin = info->builtin;
        break;
      }
      if (info->parent == NULL) break;
      if (is_weak_link(info->name, nl)) weak |= 1;
      if (info->parent_inferred) weak |= 2;
      const sbp__op_info *next = sbp__catalog_op(macos, info->parent, strlen(info->parent));
      if (next == NULL && r->nchain < SBP__CHAIN_MAX) {
        r->chain[r->nchain] = info->parent;
        r->chain_len[r->nchain] = strlen(info->parent);
        r->chain_weak[r->nchain] = (uint8_t)weak;
        r->nchain++;
      }
      info = next;
    }
  }
  r->chain_macos = macos;
  r->chain_valid = 1;
  r->memo_id = 0;
}

/* ---- the convenience form ---------------------------------------------------------------- */

static int starts(const char *s, size_t len, const char *p) {
  size_t pl = strlen(p);
  return len >= pl && memcmp(s, p, pl) == 0;
}

static int eq(const char *s, size_t len, const char *p) {
  return strlen(p) == len && memcmp(s, p, len) == 0;
}

static sbp_attr attr_for_op(const char *op, size_t len) {
  if (starts(op, len, "file-") || starts(op, len, "process-exec") || eq(op, len, "file*"))
    return SBP_ATTR_PATH;
  if (eq(op, len, "mach-lookup") || eq(op, len, "mach-register") ||
      eq(op, len, "mach-cross-domain-lookup") || eq(op, len, "mach-issue-extension"))
    return SBP_ATTR_GLOBAL_NAME;
  if (starts(op, len, "sysctl")) return SBP_ATTR_SYSCTL_NAME;
  if (starts(op, len, "user-preference") || eq(op, len, "managed-preference-read"))
    return SBP_ATTR_PREFERENCE_DOMAIN;
  if (starts(op, len, "ipc-posix")) return SBP_ATTR_IPC_POSIX_NAME;
  if (starts(op, len, "iokit-open")) return SBP_ATTR_IOKIT_REGISTRY_ENTRY_CLASS;
  if (starts(op, len, "iokit-")) return SBP_ATTR_IOKIT_PROPERTY;
  if (eq(op, len, "darwin-notification-post") || eq(op, len, "distributed-notification-post"))
    return SBP_ATTR_NOTIFICATION_NAME;
  if (eq(op, len, "appleevent-send")) return SBP_ATTR_APPLEEVENT_DESTINATION;
  if (eq(op, len, "signal") || starts(op, len, "process-info") ||
      eq(op, len, "mach-task-name") || eq(op, len, "mach-priv-task-port"))
    return SBP_ATTR_TARGET;
  if (eq(op, len, "system-socket")) return SBP_ATTR_SOCKET_DOMAIN;
  if (eq(op, len, "authorization-right-obtain")) return SBP_ATTR_RIGHT_NAME;
  if (starts(op, len, "network")) return SBP_ATTR_REMOTE;
  return SBP_ATTR_PATH;
}

int sbp_request_set_simple(sbp_request *r, const char *op, size_t op_len, const char *target,
                           size_t target_len, sbp_error *err) {
  if (r == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "request: NULL request");
  sbp_request_reset(r);
  int rc = sbp_request_set_operation(r, op, op_len, err);
  if (rc != SBP_OK || target == NULL) return rc;
  size_t alen = op_len;
  const char *an = sbp__catalog_op_alias(op, op_len, &alen);
  sbp_attr attr = attr_for_op(an, alen);
  if (attr == SBP_ATTR_REMOTE) {
    if (target_len > 0 && target[0] == '/')
      return sbp_request_set_string_attr(r, SBP_ATTR_PATH, target, target_len, err);
    if (starts(an, alen, "network-bind") || starts(an, alen, "network-inbound"))
      attr = SBP_ATTR_LOCAL;
    /* PROTO:HOST:PORT, HOST possibly [v6] */
    const char *c1 = memchr(target, ':', target_len);
    const char *end = target + target_len;
    if (c1 == NULL) goto bad;
    const char *h = c1 + 1, *he, *p;
    if (h < end && *h == '[') {
      he = memchr(h, ']', (size_t)(end - h));
      if (he == NULL || he + 1 >= end || he[1] != ':') goto bad;
      p = he + 2;
      h++;
    } else {
      const char *last = NULL;
      for (const char *q = h; q < end; q++)
        if (*q == ':') last = q;
      if (last == NULL) goto bad;
      he = last;
      p = last + 1;
    }
    int port = 0;
    if (p == end) goto bad;
    if (end - p == 1 && *p == '*') port = SBP_PORT_ANY;
    else
      for (const char *q = p; q < end; q++) {
        if (*q < '0' || *q > '9' || port > 65535) goto bad;
        port = port * 10 + (*q - '0');
      }
    return sbp_request_set_netaddr(r, attr, target, (size_t)(c1 - target), h, (size_t)(he - h),
                                   port, err);
  bad:
    return sbp__error(err, SBP_E_INVALID_ARG,
                      "request: network target \"%.*s\" is neither a path nor PROTO:HOST:PORT",
                      (int)(target_len > 100 ? 100 : target_len), target);
  }
  return sbp_request_set_string_attr(r, attr, target, target_len, err);
}

int sbp_request_describe(const sbp_request *r, sbp_buf *out, sbp_error *err) {
  if (r == NULL || out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "request: NULL argument");
  const sbp_alloc *A = &r->alloc;
  /* a failed write leaves its status in rc (sticky: each status is SBP_OK or SBP_E_NOMEM);
   * it is looked at once, at the end */
  int rc = r->op ? sbp__buf_put(out, A, r->op, r->op_len) : sbp__buf_puts(out, A, "(no operation)");
  for (size_t i = 0; i < r->nattrs; i++) {
    const sbp__req_attr *a = &r->attrs[i];
    rc |= sbp__buf_putc(out, A, ' ');
    rc |= sbp__buf_puts(out, A, a->name);
    rc |= sbp__buf_putc(out, A, '=');
    if (a->kind == SBP__RQ_INTEGER) {
      rc |= sbp__buf_put_int(out, A, a->num);
    } else if (a->kind == SBP__RQ_STRING) {
      rc |= sbp__buf_putc(out, A, '"');
      for (size_t k = 0; k < a->len; k++) {
        if (a->str[k] == '"' || a->str[k] == '\\') rc |= sbp__buf_putc(out, A, '\\');
        rc |= sbp__buf_putc(out, A, a->str[k]);
      }
      rc |= sbp__buf_putc(out, A, '"');
    } else {
      static const char *const fam[] = {"", "4", "6", ""};
      rc |= sbp__buf_puts(out, A, (a->proto & 4u) ? "tcp" : (a->proto & 8u) ? "udp" : "ip");
      rc |= sbp__buf_puts(out, A, fam[a->proto & 3u]);
      rc |= sbp__buf_putc(out, A, ':');
      /* an IPv6 host in brackets, as sbp_request_set_simple() reads it: host:port stays
       * unambiguous */
      if (a->str == NULL) {
        rc |= sbp__buf_putc(out, A, '*');
      } else if (strchr(a->str, ':') != NULL) {
        rc |= sbp__buf_putc(out, A, '[');
        rc |= sbp__buf_puts(out, A, a->str);
        rc |= sbp__buf_putc(out, A, ']');
      } else {
        rc |= sbp__buf_puts(out, A, a->str);
      }
      rc |= sbp__buf_putc(out, A, ':');
      rc |= a->num == SBP_PORT_ANY ? sbp__buf_putc(out, A, '*') : sbp__buf_put_int(out, A, a->num);
    }
  }
  return rc == SBP_OK ? SBP_OK : sbp__nomem(err);
}
