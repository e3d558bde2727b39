/* Compiling a policy into a profile.
 *
 * Rules are collected into groups, one per (section, action, operations); each group becomes
 * one rule (or several, when its text would pass the 65,535-byte limit). Sections are emitted
 * in an order chosen so that, under docs/semantics.md (later filtered rules win, unfiltered
 * rules rank below filtered ones), the more specific statement of the policy wins:
 *
 *   BASE        grants of base sets, options, processes, mach services, network
 *   READ_BROAD  (allow file-read*), or the read-allow list outside every denied tree
 *   READ_DENY   the read-deny list
 *   READ_CARVE  read-allow entries inside denied trees
 *   READ_REDENY read-deny entries inside those carve-outs (and glob denies minus carve-outs)
 *   READ_META   stat of directories; the root directory when a deny covers it
 *   WRITE_BROAD (allow file-write*), or the write-allow list
 *   WRITE_DENY  the write-deny list, the mandatory protections, the settings file
 *   MOVE        (deny file-write-unlink ...): denied paths and their writable ancestors
 *
 * Denies come after the allows they are carved out of, so "deny wins" holds whether or not a
 * rule for an exact operation outranks a later wildcard one (the contested fact of the
 * weak-facts table): MOVE denies file-write-unlink after every file-write* allow.
 *
 * The groups are filled by policy_grants.c, policy_files.c and policy_move.c, and emitted
 * through policy_fold.c and policy_emit.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "policy_emit.h"
#include "policy_files.h"
#include "policy_fold.h"
#include "policy_grants.h"
#include "policy_group.h"
#include "policy_move.h"
#include "policy_srt.h"
#include "sbprofile/serialize.h"

static int cmp_spec(const void *x, const void *y) {
  const sbp__spec *a = x, *b = y;
  if (a->type != b->type) return a->type < b->type ? -1 : 1;
  if (a->type == F_NODE || a->type == F_CARVE) return 0;
  if (a->type == F_LITERAL || a->type == F_SUBPATH) {
    size_t ap = sbp__spec_parent_len(a), bp = sbp__spec_parent_len(b);
    int c = memcmp(a->text, b->text, ap < bp ? ap : bp);
    if (c != 0) return c;
    if (ap != bp) return ap < bp ? -1 : 1;
  }
  if ((a->type == F_NAME || a->type == F_CONST) && a->u.filter != b->u.filter) {
    int c = strcmp(a->u.filter, b->u.filter);
    if (c != 0) return c;
  }
  if (a->type == F_NET || a->type == F_UNIX) {
    if (a->side != b->side) return a->side < b->side ? -1 : 1;
    if (a->sub != b->sub) return a->sub < b->sub ? -1 : 1;
    if (a->type == F_NET && a->n.port != b->n.port) return a->n.port < b->n.port ? -1 : 1;
  }
  size_t m = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->text, b->text, m);
  if (c != 0) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

static int spec_equal(const sbp__spec *a, const sbp__spec *b) {
  if (a->type == F_NODE || a->type == F_CARVE) return 0;
  return cmp_spec(a, b) == 0;
}

static int is_path_spec(const sbp__spec *s) {
  return s->type == F_LITERAL || s->type == F_SUBPATH;
}

static int emit_group(sbp__compiler *c, sbp__group *g) {
  if (sbp__group_close_range(c, g) != SBP_OK) return sbp__compiler_fail(c, SBP_E_NOMEM);
  sbp__emitter em = {c, g, NULL, 0, 0};
  int rc = SBP_OK;
  if (g->unfiltered) {
    rc = sbp__emit_new_rule(&em);
    em.rule = NULL;
    em.parts = 0;
  }
  if (rc != SBP_OK || g->nspecs == 0) return rc;
  /* The path filters to the front (in their order), the others after them. The others are
   * few: they are set aside in an array that grows as needed, not one the size of the group,
   * which for 100,000 paths would be megabytes to clear and walk. */
  sbp__spec *s = g->specs, *others = NULL;
  size_t n = g->nspecs, np = 0, no = 0, ocap = 0;
  for (size_t i = 0; i < n; i++) {
    if (is_path_spec(&s[i])) {
      s[np++] = s[i];
      continue;
    }
    if (no == ocap) {
      size_t nc = ocap ? ocap * 2 : 16;
      sbp__spec *grown = sbp__realloc(c->a, others, nc * sizeof(sbp__spec));
      if (grown == NULL) {
        sbp__free(c->a, others);
        return sbp__compiler_fail(c, SBP_E_NOMEM);
      }
      others = grown;
      ocap = nc;
    }
    others[no++] = s[i];
  }
  if (no > 0) memcpy(s + np, others, no * sizeof(sbp__spec));
  sbp__free(c->a, others);
  rc = sbp__fold_paths(&em, s, np);
  /* The rest, few: sorted, duplicates dropped. qsort is not stable: F_NODE and F_CARVE
   * entries compare equal among themselves, and their order does not change what the rule
   * matches (its filters are OR-ed). */
  sbp__spec *o = s + np;
  qsort(o, no, sizeof(*o), cmp_spec);
  for (size_t i = 0; i < no && rc == SBP_OK; i++)
    if (i == 0 || !spec_equal(&o[i - 1], &o[i])) rc = sbp__emit_spec(&em, &o[i]);
  return rc;
}

static void free_groups(sbp__compiler *c) {
  for (size_t i = 0; i < c->ngroups; i++) {
    sbp__free(c->a, c->groups[i]->specs);
    sbp_buf_dispose(&c->groups[i]->label);
    sbp__free(c->a, c->groups[i]);
  }
  sbp__free(c->a, c->groups);
  c->groups = NULL;
  c->ngroups = c->gcap = 0;
}

static void reset_warnings(sbp_policy *p) {
  sbp__arena_release(&p->warn_arena);
  sbp__arena_init(&p->warn_arena, &p->alloc);
  p->nwarnings = 0;
}

#define DEFAULT_COMMENT "policy: everything not allowed below is denied"

int sbp_policy_compile(sbp_policy *p, sbp_profile **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "policy: NULL");
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out: NULL");
  reset_warnings(p);
  sbp__compiler c;
  memset(&c, 0, sizeof(c));
  c.p = p;
  c.a = &p->alloc;
  c.err = err;
  c.comments = sbp_policy_option_get(p, SBP_POLICY_COMMENTS);
  c.spellings = sbp_policy_option_get(p, SBP_POLICY_BOTH_SPELLINGS);
  sbp__arena_init(&c.arena, c.a);
  sbp_profile *scratch = NULL;
  int rc = sbp_profile_new(&c.prof, c.a);
  if (rc == SBP_OK) rc = sbp_profile_set_version(c.prof, 1, err);
  sbp_node *def = NULL;
  if (rc == SBP_OK) rc = sbp_add_default(c.prof, SBP_DENY, &def, err);
  if (rc == SBP_OK && c.comments)
    rc = sbp_rule_set_comment(def, DEFAULT_COMMENT, sizeof(DEFAULT_COMMENT) - 1, err);
  if (rc != SBP_OK) sbp__compiler_fail(&c, rc);
  if (c.rc == SBP_OK) {
    c.lists = sbp__malloc(c.a, p->nentries > 0 ? p->nentries : 1);
    if (c.lists == NULL) sbp__compiler_fail(&c, SBP_E_NOMEM);
    for (size_t i = 0; c.lists != NULL && i < p->nentries; i++) c.lists[i] = p->entries[i].list;
  }
  if (c.rc == SBP_OK) sbp__grants_processes(&c);
  if (c.rc == SBP_OK) sbp__grants_base_entries(&c, &scratch);
  if (c.rc == SBP_OK) sbp__grants_network(&c);
  if (c.rc == SBP_OK) sbp__files_reads(&c);
  if (c.rc == SBP_OK) sbp__files_writes(&c);
  if (c.rc == SBP_OK) sbp__move_protection(&c);
  for (int sec = 0; sec < S_COUNT && c.rc == SBP_OK; sec++)
    for (size_t i = 0; i < c.ngroups && c.rc == SBP_OK; i++)
      if (c.groups[i]->section == sec) emit_group(&c, c.groups[i]);
  rc = c.rc;
  if (rc == SBP_OK && p->srt_defaults) rc = sbp__policy_srt_grants(p, c.prof, err);
  free_groups(&c);
  sbp__free(c.a, c.roots.slots);
  sbp__free(c.a, (void *)c.sorted_roots);
  sbp__free(c.a, c.lists);
  sbp__arena_release(&c.arena);
  sbp_profile_free(scratch);
  if (rc != SBP_OK) {
    sbp_profile_free(c.prof);
    if (rc == SBP_E_NOMEM) return sbp__nomem(err);
    return rc;
  }
  *out = c.prof;
  return SBP_OK;
}

int sbp_policy_to_sbpl(sbp_policy *p, sbp_buf *out, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out: NULL");
  sbp_profile *prof = NULL;
  int rc = sbp_policy_compile(p, &prof, err);
  if (rc != SBP_OK) return rc;
  rc = sbp_serialize(prof, NULL, out, err);
  sbp_profile_free(prof);
  return rc;
}

int sbp_profile_check_exec_argument(const sbp_profile *profile, size_t *bytes, sbp_error *err) {
  if (bytes != NULL) *bytes = 0;
  if (profile == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile: NULL");
  sbp_buf out = SBP_BUF_INIT;
  int rc = sbp_serialize(profile, NULL, &out, err);
  size_t n = out.len;
  sbp_buf_dispose(&out);
  if (rc != SBP_OK) return rc;
  if (bytes != NULL) *bytes = n;
  if (n > SBP_SANDBOX_EXEC_ARG_MAX)
    return sbp__error(err, SBP_E_LIMIT,
                      "the profile is %zu bytes, over the %u that sandbox-exec -p takes as one "
                      "argument: write it to a file and use sandbox-exec -f",
                      n, (unsigned)SBP_SANDBOX_EXEC_ARG_MAX);
  return SBP_OK;
}
