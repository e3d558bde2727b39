/* The policy handle: what callers state, checked and stored; compiled in policy_compile.c. */
#include "policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "policy_base.h"
#include "policy_path.h"

#define OPTION_BIT(o) (1u << (unsigned)(o))
#define DEFAULT_OPTIONS                                                                    \
  (OPTION_BIT(SBP_POLICY_FORK) | OPTION_BIT(SBP_POLICY_SIGNAL) |                           \
   OPTION_BIT(SBP_POLICY_PROCESS_INFO) | OPTION_BIT(SBP_POLICY_COMMENTS) |                 \
   OPTION_BIT(SBP_POLICY_MOVE_PROTECTION) | OPTION_BIT(SBP_POLICY_BOTH_SPELLINGS) |        \
   OPTION_BIT(SBP_POLICY_FOLD_LITERALS) | OPTION_BIT(SBP_POLICY_DIRECTORY_METADATA))

static int null_policy(sbp_error *err) {
  return sbp__error(err, SBP_E_INVALID_ARG, "policy: NULL");
}

int sbp_policy_new(sbp_policy **out, const sbp_alloc *alloc, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out: NULL");
  *out = NULL;
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc)) return sbp__error(err, SBP_E_INVALID_ARG, "alloc: incomplete");
  sbp_policy *p = sbp__malloc(alloc, sizeof(*p));
  if (p == NULL) return sbp__nomem(err);
  memset(p, 0, sizeof(*p));
  p->alloc = *alloc;
  size_t n = sbp__base_entry_total();
  p->entry_added = sbp__malloc(&p->alloc, n * 2);
  if (p->entry_added == NULL) {
    sbp__free(alloc, p);
    return sbp__nomem(err);
  }
  memset(p->entry_added, 0, n * 2);
  p->entry_removed = p->entry_added + n;
  sbp__arena_init(&p->arena, &p->alloc);
  sbp__arena_init(&p->warn_arena, &p->alloc);
  p->options = DEFAULT_OPTIONS;
  *out = p;
  return SBP_OK;
}

void sbp_policy_free(sbp_policy *p) {
  if (p == NULL) return;
  sbp_alloc a = p->alloc;
  sbp__arena_release(&p->arena);
  sbp__arena_release(&p->warn_arena);
  sbp_buf_dispose(&p->scratch[0]);
  sbp_buf_dispose(&p->scratch[1]);
  sbp__free(&a, p->entries);
  sbp__free(&a, p->ports);
  sbp__free(&a, p->mach);
  sbp__free(&a, p->warnings);
  sbp__free(&a, p->entry_added);
  sbp__free(&a, p);
}

static int set_dir(sbp_policy *p, const char *what, const char *s, size_t len, char **dst,
                   size_t *dst_len, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  return sbp__policy_dir(&p->arena, what, s, len, dst, dst_len, err);
}

int sbp_policy_set_home(sbp_policy *p, const char *home, size_t len, sbp_error *err) {
  return set_dir(p, "home", home, len, p ? &p->home : NULL, p ? &p->home_len : NULL, err);
}

int sbp_policy_set_cwd(sbp_policy *p, const char *cwd, size_t len, sbp_error *err) {
  return set_dir(p, "cwd", cwd, len, p ? &p->cwd : NULL, p ? &p->cwd_len : NULL, err);
}

static int resolve_into(sbp_policy *p, int list, sbp_path_kind kind, const char *path,
                        size_t len, sbp__pentry *e, sbp_error *err) {
  sbp__arena_mark mark;
  sbp__arena_mark_set(&p->arena, &mark);
  int rc = sbp__policy_resolve(&p->arena, p->scratch, p->home, p->home_len, p->cwd,
                               p->cwd_len, kind, path, len, sbp__policy_list_name(list), e,
                               err);
  if (rc != SBP_OK) sbp__arena_rollback(&p->arena, &mark);
  return rc;
}

int sbp_policy_add_path(sbp_policy *p, sbp_policy_list list, sbp_path_kind kind,
                        const char *path, size_t len, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  if (list < SBP_POLICY_READ_DENY || list > SBP_POLICY_UNIX_SOCKET)
    return sbp__error(err, SBP_E_INVALID_ARG, "list: unknown list %d", (int)list);
  if (kind < SBP_PATH_AUTO || kind > SBP_PATH_GLOB)
    return sbp__error(err, SBP_E_INVALID_ARG, "kind: unknown path kind %d", (int)kind);
  if (path == NULL && len > 0) return sbp__error(err, SBP_E_INVALID_ARG, "path: NULL");
  if (sbp__array_grow(&p->alloc, (void **)&p->entries, &p->entries_cap, p->nentries + 1,
                      sizeof(sbp__pentry)) != SBP_OK)
    return sbp__nomem(err);
  sbp__pentry e;
  int rc = resolve_into(p, (int)list, kind, path, len, &e, err);
  if (rc != SBP_OK) return rc;
  e.list = (uint8_t)list;
  e.index = p->list_counts[list]++;
  p->entries[p->nentries++] = e;
  return SBP_OK;
}

int sbp_policy_set_settings_file(sbp_policy *p, const char *path, size_t len, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  if (path == NULL && len > 0) return sbp__error(err, SBP_E_INVALID_ARG, "path: NULL");
  sbp__pentry e;
  int rc = resolve_into(p, 0, SBP_PATH_LITERAL, path, len, &e, err);
  if (rc != SBP_OK) return rc;
  p->settings = e;
  p->has_settings = 1;
  return SBP_OK;
}

int sbp_policy_set_read_mode(sbp_policy *p, sbp_read_mode mode, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  if (mode != SBP_READ_ALLOW_ALL && mode != SBP_READ_DENY_ALL)
    return sbp__error(err, SBP_E_INVALID_ARG, "read mode: unknown mode %d", (int)mode);
  p->read_mode = (int)mode;
  return SBP_OK;
}

int sbp_policy_set_write_mode(sbp_policy *p, sbp_write_mode mode, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  if (mode != SBP_WRITE_DENY_ALL && mode != SBP_WRITE_ALLOW_ALL)
    return sbp__error(err, SBP_E_INVALID_ARG, "write mode: unknown mode %d", (int)mode);
  p->write_mode = (int)mode;
  return SBP_OK;
}

int sbp_policy_set_network(sbp_policy *p, sbp_network_mode mode, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  if (mode != SBP_NETWORK_NONE && mode != SBP_NETWORK_ALL)
    return sbp__error(err, SBP_E_INVALID_ARG, "network mode: unknown mode %d", (int)mode);
  p->network_mode = (int)mode;
  return SBP_OK;
}

#define PORT_ACCESS_ALL (SBP_PORT_OUTBOUND | SBP_PORT_BIND | SBP_PORT_INBOUND)

int sbp_policy_add_localhost_port(sbp_policy *p, int port, uint32_t access, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  if (port < 1 || port > 65535)
    return sbp__error(err, SBP_E_INVALID_ARG, "port %d: out of range (1-65535)", port);
  if (access == 0 || (access & ~(uint32_t)PORT_ACCESS_ALL) != 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "port %d: access 0x%x is not a non-empty set of "
                      "SBP_PORT_* flags", port, (unsigned)access);
  for (size_t i = 0; i < p->nports; i++)
    if (p->ports[i].port == port) {
      p->ports[i].access |= access;
      return SBP_OK;
    }
  if (sbp__array_grow(&p->alloc, (void **)&p->ports, &p->ports_cap, p->nports + 1,
                      sizeof(sbp__port)) != SBP_OK)
    return sbp__nomem(err);
  p->ports[p->nports].port = port;
  p->ports[p->nports].access = access;
  p->nports++;
  return SBP_OK;
}

int sbp_policy_add_mach_service(sbp_policy *p, const char *name, size_t len, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  char q[112] = "";
  if (name == NULL || len == 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "mach service \"\": empty name");
  sbp__error_quote(q, sizeof(q), name, len, 96);
  if (memchr(name, '\0', len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "mach service \"%s\": NUL byte", q);
  const char *star = memchr(name, '*', len);
  if (star != NULL && star != name + len - 1)
    return sbp__error(err, SBP_E_INVALID_ARG, "mach service \"%s\": '*' before the end", q);
  if (star != NULL && len == 1)
    return sbp__error(err, SBP_E_INVALID_ARG, "mach service \"%s\": '*' alone would allow "
                      "every service", q);
  if (sbp__array_grow(&p->alloc, (void **)&p->mach, &p->mach_cap, p->nmach + 1,
                      sizeof(sbp__mach)) != SBP_OK)
    return sbp__nomem(err);
  size_t n = star ? len - 1 : len;
  char *copy = sbp__arena_strndup(&p->arena, name, n);
  if (copy == NULL) return sbp__nomem(err);
  p->mach[p->nmach].name = copy;
  p->mach[p->nmach].len = n;
  p->mach[p->nmach].prefix = star != NULL;
  p->mach[p->nmach].index = (uint32_t)p->nmach;
  p->nmach++;
  return SBP_OK;
}

int sbp_policy_set_option(sbp_policy *p, sbp_policy_option option, int on, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  if (option < SBP_POLICY_LOCAL_BINDING || option > SBP_POLICY_DIRECTORY_METADATA)
    return sbp__error(err, SBP_E_INVALID_ARG, "option: unknown option %d", (int)option);
  if (on) p->options |= OPTION_BIT(option);
  else p->options &= ~OPTION_BIT(option);
  return SBP_OK;
}

int sbp_policy_option_get(const sbp_policy *p, sbp_policy_option option) {
  if (p == NULL || option < SBP_POLICY_LOCAL_BINDING || option > SBP_POLICY_DIRECTORY_METADATA)
    return 0;
  return (p->options & OPTION_BIT(option)) != 0;
}

int sbp_policy_set_protection(sbp_policy *p, const char *name, size_t len, int on,
                              sbp_error *err) {
  if (p == NULL) return null_policy(err);
  int i = name == NULL && len > 0 ? -1 : sbp__protection_index(name, len);
  if (i < 0) {
    char q[112] = "";
    sbp__error_quote(q, sizeof(q), name, name ? len : 0, 96);
    return sbp__error(err, SBP_E_INVALID_ARG, "protection \"%s\": unknown name", q);
  }
  if (on) p->protections_off &= ~(1u << (unsigned)i);
  else p->protections_off |= 1u << (unsigned)i;
  return SBP_OK;
}

int sbp_policy_add_base_set(sbp_policy *p, const char *name, size_t len, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  const sbp_base_set *set = NULL;
  int rc = sbp_base_set_lookup(name, len, &set, err);
  if (rc != SBP_OK) {
    if (err != NULL) err->code = SBP_E_INVALID_ARG;
    return SBP_E_INVALID_ARG;
  }
  p->sets |= 1u << (unsigned)sbp__base_set_index(set);
  return SBP_OK;
}

static int entry_by_name(const char *name, size_t len, size_t *index, sbp_error *err) {
  const sbp_base_entry *e = NULL;
  if (sbp_base_entry_lookup(name, len, &e, err) != SBP_OK) {
    if (err != NULL) err->code = SBP_E_INVALID_ARG;
    return SBP_E_INVALID_ARG;
  }
  *index = sbp__base_entry_index(e);
  return SBP_OK;
}

int sbp_policy_add_base_entry(sbp_policy *p, const char *name, size_t len, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  size_t i;
  int rc = entry_by_name(name, len, &i, err);
  if (rc != SBP_OK) return rc;
  p->entry_added[i] = 1;
  p->entry_removed[i] = 0;
  return SBP_OK;
}

int sbp_policy_remove_base_entry(sbp_policy *p, const char *name, size_t len, sbp_error *err) {
  if (p == NULL) return null_policy(err);
  size_t i;
  int rc = entry_by_name(name, len, &i, err);
  if (rc != SBP_OK) return rc;
  p->entry_removed[i] = 1;
  p->entry_added[i] = 0;
  return SBP_OK;
}

int sbp__policy_warn(sbp_policy *p, const char *fmt, ...) {
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  if (sbp__array_grow(&p->alloc, (void **)&p->warnings, &p->warnings_cap, p->nwarnings + 1,
                      sizeof(const char *)) != SBP_OK)
    return SBP_E_NOMEM;
  char *copy = sbp__arena_strndup(&p->warn_arena, text, strlen(text));
  if (copy == NULL) return SBP_E_NOMEM;
  p->warnings[p->nwarnings++] = copy;
  return SBP_OK;
}

size_t sbp_policy_warning_count(const sbp_policy *p) { return p ? p->nwarnings : 0; }

const char *sbp_policy_warning(const sbp_policy *p, size_t index) {
  return p != NULL && index < p->nwarnings ? p->warnings[index] : NULL;
}
