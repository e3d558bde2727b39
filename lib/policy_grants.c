/* Compiling policies: base sets, processes, options, services, network (policy_grants.h). */
#include "policy_grants.h"

#include <stdio.h>
#include <string.h>

#include "policy_base.h"
#include "sbprofile/read.h"

static int base_entry_used(const sbp_policy *p, size_t i) {
  const sbp_base_entry *e = sbp__base_entry_by_index(i);
  if (p->entry_removed[i]) return 0;
  if ((sbp__base_entry_flags(e) & SBP__BASE_READ_RESTRICTED) &&
      p->read_mode != SBP_READ_DENY_ALL)
    return 0;
  if (p->entry_added[i]) return 1;
  for (size_t s = 0; s < sbp_base_set_count(); s++) {
    if (!(p->sets & (1u << s))) continue;
    const sbp_base_set *set = sbp_base_set_at(s);
    for (size_t k = 0; k < sbp_base_set_entry_count(set); k++)
      if (sbp_base_set_entry_at(set, k) == e) return 1;
  }
  return 0;
}

/* The operations of a rule, space-separated, in the arena. */
static const char *rule_ops(sbp__compiler *c, const sbp_node *rule) {
  sbp_buf b = SBP_BUF_INIT;
  int rc = SBP_OK;
  for (const sbp_node *n = sbp_node_first_child(rule); n && rc == SBP_OK;
       n = sbp_node_next(n)) {
    if (sbp_node_type_of(n) != SBP_NODE_OPERATION) continue;
    size_t l;
    const char *t = sbp_node_text(n, &l);
    if (b.len > 0) rc = sbp__buf_putc(&b, c->a, ' ');
    if (rc == SBP_OK) rc = sbp__buf_put(&b, c->a, t, l);
  }
  const char *out =
      rc == SBP_OK ? sbp__arena_strndup(&c->arena, b.ptr ? b.ptr : "", b.len) : NULL;
  sbp_buf_dispose(&b);
  if (out == NULL) sbp__compiler_fail(c, SBP_E_NOMEM);
  return out;
}

/* Reads the rules of the base entries in use (one text, one read) and adds their filters to
 * the BASE groups. The scratch profile lives until the groups are emitted. */
int sbp__grants_base_entries(sbp__compiler *c, sbp_profile **scratch) {
  sbp_buf text = SBP_BUF_INIT;
  int rc = sbp__buf_puts(&text, c->a, "(version 1)\n");
  size_t n = sbp__base_entry_total(), used = 0;
  for (size_t i = 0; i < n && rc == SBP_OK; i++) {
    if (!base_entry_used(c->p, i)) continue;
    rc = sbp__buf_puts(&text, c->a, sbp_base_entry_rule(sbp__base_entry_by_index(i)));
    if (rc == SBP_OK) rc = sbp__buf_putc(&text, c->a, '\n');
    used++;
  }
  if (rc == SBP_OK && used > 0) {
    sbp_error rerr = SBP_ERROR_INIT;
    rc = sbp_profile_read(scratch, text.ptr, text.len, "base-sets", NULL, c->a, &rerr);
    /* The table is ours and tested; only memory can fail. */
    if (rc != SBP_OK) rc = SBP_E_NOMEM;
  }
  sbp_buf_dispose(&text);
  if (rc != SBP_OK) return sbp__compiler_fail(c, rc);
  if (used == 0) return SBP_OK;
  const sbp_node *rule = sbp_node_first_child(sbp_profile_root(*scratch));
  for (size_t i = 0; i < n && rule != NULL; i++) {
    if (!base_entry_used(c->p, i)) continue;
    while (rule != NULL && sbp_node_type_of(rule) != SBP_NODE_RULE) rule = sbp_node_next(rule);
    if (rule == NULL) break;
    const char *ops = rule_ops(c, rule);
    if (ops == NULL) return c->rc;
    sbp__group *g = sbp__group_get(c, S_BASE, sbp_rule_action(rule), ops);
    if (g == NULL) return c->rc;
    int filtered = 0;
    for (const sbp_node *f = sbp_node_first_child(rule); f; f = sbp_node_next(f)) {
      sbp_node_type t = sbp_node_type_of(f);
      if (t == SBP_NODE_OPERATION || t == SBP_NODE_MODIFIER) continue;
      sbp__spec *s = sbp__group_spec(c, g, F_NODE);
      if (s == NULL) return c->rc;
      s->u.node = f;
      filtered = 1;
    }
    if (!filtered) g->unfiltered = 1;
    char label[128];
    snprintf(label, sizeof label, "base %s", sbp_base_entry_name(sbp__base_entry_by_index(i)));
    const char *l = sbp__arena_strndup(&c->arena, label, strlen(label));
    if (l == NULL) return sbp__compiler_fail(c, SBP_E_NOMEM);
    if (sbp__group_label(c, g, l, -1) != SBP_OK) return c->rc;
    rule = sbp_node_next(rule);
  }
  return SBP_OK;
}

int sbp__grants_processes(sbp__compiler *c) {
  sbp_policy *p = c->p;
  int rc = SBP_OK;
  if (p->list_counts[SBP_POLICY_EXEC_ALLOW] == 0) {
    rc = sbp__group_add_unfiltered(c, S_BASE, SBP_ALLOW, "process-exec", "exec: every program");
  } else {
    for (size_t i = 0; i < p->nentries && rc == SBP_OK; i++)
      if (p->entries[i].list == SBP_POLICY_EXEC_ALLOW)
        rc = sbp__group_add_entry(c, S_BASE, SBP_ALLOW, "process-exec", &p->entries[i], 0);
  }
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_FORK))
    rc = sbp__group_add_unfiltered(c, S_BASE, SBP_ALLOW, "process-fork", "option fork");
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_SIGNAL))
    rc = sbp__group_add_named(c, S_BASE, SBP_ALLOW, "signal", F_CONST, "target", "same-sandbox",
                              "option signal");
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_PROCESS_INFO))
    rc = sbp__group_add_named(c, S_BASE, SBP_ALLOW, "process-info*", F_CONST, "target",
                              "same-sandbox", "option process-info");
  for (size_t i = 0; i < p->nmach && rc == SBP_OK; i++) {
    sbp__group *g = sbp__group_get(c, S_BASE, SBP_ALLOW, "mach-lookup");
    sbp__spec *s = sbp__group_spec(c, g, F_NAME);
    if (s == NULL) return c->rc;
    s->u.filter = p->mach[i].prefix ? "global-name-prefix" : "global-name";
    s->text = p->mach[i].name;
    s->len = p->mach[i].len;
    rc = sbp__group_label(c, g, "mach-service", (long)p->mach[i].index);
  }
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_PTY)) {
    rc = sbp__group_add_unfiltered(c, S_BASE, SBP_ALLOW, "pseudo-tty", "option pty");
    static const char *const pty_ops[] = {"file-ioctl", "file-read* file-write*"};
    for (int k = 0; k < 2 && rc == SBP_OK; k++) {
      sbp__group *g = sbp__group_get(c, S_BASE, SBP_ALLOW, pty_ops[k]);
      if (g == NULL) return c->rc;
      rc = sbp__group_add_path(c, g, F_LITERAL, "/dev/ptmx", 9);
      if (rc == SBP_OK) rc = sbp__group_add_path(c, g, F_REGEX, "^/dev/ttys[0-9]+$", 17);
      if (rc == SBP_OK) rc = sbp__group_label(c, g, "option pty", -1);
    }
  }
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_APPLE_EVENTS)) {
    static const char *const services[] = {"com.apple.coreservices.appleevents",
                                           "com.apple.CoreServices.coreservicesd",
                                           "com.apple.coreservices.quarantine-resolver"};
    rc = sbp__group_add_unfiltered(c, S_BASE, SBP_ALLOW, "appleevent-send",
                                   "option apple-events");
    if (rc == SBP_OK)
      rc = sbp__group_add_unfiltered(c, S_BASE, SBP_ALLOW, "lsopen", "option apple-events");
    for (int k = 0; k < 3 && rc == SBP_OK; k++)
      rc = sbp__group_add_named(c, S_BASE, SBP_ALLOW, "mach-lookup", F_NAME, "global-name",
                                services[k], "option apple-events");
  }
  return rc;
}

static int add_net(sbp__compiler *c, const char *op, int side, const char *host, int port,
                   const char *label, long index) {
  sbp__group *g = sbp__group_get(c, S_BASE, SBP_ALLOW, op);
  sbp__spec *s = sbp__group_spec(c, g, F_NET);
  if (s == NULL) return c->rc;
  s->side = (uint8_t)side;
  s->text = host;
  s->len = strlen(host);
  s->n.port = port;
  return sbp__group_label(c, g, label, index);
}

int sbp__grants_network(sbp__compiler *c) {
  sbp_policy *p = c->p;
  if (p->network_mode == SBP_NETWORK_ALL)
    return sbp__group_add_unfiltered(c, S_BASE, SBP_ALLOW, "network*", "network all");
  int rc = SBP_OK;
  for (size_t i = 0; i < p->nports && rc == SBP_OK; i++) {
    const sbp__port *pt = &p->ports[i];
    if (pt->access & SBP_PORT_OUTBOUND)
      rc = add_net(c, "network-outbound", 2, "localhost", pt->port, "port", pt->port);
    if (rc == SBP_OK && (pt->access & SBP_PORT_BIND))
      rc = add_net(c, "network-bind", 1, "localhost", pt->port, "port", pt->port);
    if (rc == SBP_OK && (pt->access & SBP_PORT_INBOUND))
      rc = add_net(c, "network-inbound", 1, "localhost", pt->port, "port", pt->port);
  }
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_LOCAL_BINDING)) {
    rc = add_net(c, "network-bind", 1, "*", SBP_PORT_ANY, "option local-binding", -1);
    if (rc == SBP_OK)
      rc = add_net(c, "network-inbound", 1, "*", SBP_PORT_ANY, "option local-binding", -1);
    if (rc == SBP_OK)
      rc = add_net(c, "network-outbound", 2, "localhost", SBP_PORT_ANY, "option local-binding",
                   -1);
  }
  int all_sockets = sbp_policy_option_get(p, SBP_POLICY_ALL_UNIX_SOCKETS);
  if (rc == SBP_OK && (all_sockets || p->list_counts[SBP_POLICY_UNIX_SOCKET] > 0))
    rc = sbp__group_add_named(c, S_BASE, SBP_ALLOW, "system-socket", F_CONST, "socket-domain",
                              "AF_UNIX",
                              all_sockets ? "option all-unix-sockets" : "unix-socket");
  /* Bind with (local unix-socket PATH), connect with (remote unix-socket PATH). */
  static const char *const sock_ops[] = {"network-bind", "network-outbound"};
  for (int k = 0; k < 2 && rc == SBP_OK; k++) {
    sbp__group *g = sbp__group_get(c, S_BASE, SBP_ALLOW, sock_ops[k]);
    if (g == NULL) return c->rc;
    if (all_sockets) {
      sbp__spec *s = sbp__group_spec(c, g, F_UNIX);
      if (s == NULL) return c->rc;
      s->side = (uint8_t)(k + 1);
      s->sub = F_REGEX;
      s->text = "^/";
      s->len = 2;
      rc = sbp__group_label(c, g, "option all-unix-sockets", -1);
      continue;
    }
    /* A pass over every entry costs a trip to memory once they outgrow the cache: only when
     * there are sockets. */
    size_t nentries = p->list_counts[SBP_POLICY_UNIX_SOCKET] > 0 ? p->nentries : 0;
    for (size_t i = 0; i < nentries && rc == SBP_OK; i++) {
      const sbp__pentry *e = &p->entries[i];
      if (e->list != SBP_POLICY_UNIX_SOCKET) continue;
      for (int sp = 0; sp < sbp__group_spellings(c, e) && rc == SBP_OK; sp++) {
        sbp__spec *s = sbp__group_spec(c, g, F_UNIX);
        if (s == NULL) return c->rc;
        s->side = (uint8_t)(k + 1);
        size_t pl;
        const char *path = sbp__pentry_path(e, sp, &pl);
        if (e->kind == SBP_PATH_GLOB) {
          s->sub = F_REGEX;
          rc = sbp__group_glob_regex(c, path, pl, 0, &s->text, &s->len);
        } else {
          s->sub = e->kind == SBP_PATH_LITERAL ? F_LITERAL : F_SUBPATH;
          s->text = path;
          s->len = pl;
        }
      }
      if (rc == SBP_OK) rc = sbp__group_label(c, g, "unix-socket", (long)e->index);
    }
  }
  return rc;
}
