/* Walking a subtree in document order without recursion or allocation per step. */
#include "sbprofile/iter.h"

#include "alloc.h"
#include "error.h"
#include "node.h"

struct sbp_iter {
  sbp_alloc alloc;
  sbp_node *root;
  sbp_node *cur;
  sbp_event ev;
};

/* One step of the walk shared by the iterator and sbp_walk(). */
static void step(sbp_node *root, sbp_node **cur, sbp_event *ev) {
  sbp_node *n = *cur;
  switch (*ev) {
    case SBP_EVENT_NONE:
      *cur = root;
      *ev = SBP_EVENT_ENTER;
      return;
    case SBP_EVENT_ENTER:
      if (n->first != NULL) {
        *cur = n->first;
        *ev = SBP_EVENT_ENTER;
      } else {
        *ev = SBP_EVENT_EXIT;
      }
      return;
    case SBP_EVENT_EXIT:
      if (n == root) {
        *cur = NULL;
        *ev = SBP_EVENT_DONE;
      } else if (n->next != NULL) {
        *cur = n->next;
        *ev = SBP_EVENT_ENTER;
      } else {
        *cur = n->parent;
        *ev = SBP_EVENT_EXIT;
      }
      return;
    default:
      *cur = NULL;
      *ev = SBP_EVENT_DONE;
      return;
  }
}

int sbp_iter_new(sbp_iter **out, const sbp_node *root, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (out == NULL || root == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "out and root must not be NULL");
  const sbp_alloc *a = &root->owner->alloc;
  sbp_iter *it = sbp__malloc(a, sizeof(*it));
  if (it == NULL) return sbp__nomem(err);
  it->alloc = *a;
  it->root = SBP__UNCONST(sbp_node *, root);
  it->cur = NULL;
  it->ev = SBP_EVENT_NONE;
  *out = it;
  return SBP_OK;
}

sbp_event sbp_iter_next(sbp_iter *it) {
  if (it == NULL) return SBP_EVENT_DONE;
  step(it->root, &it->cur, &it->ev);
  return it->ev;
}

sbp_node *sbp_iter_node(const sbp_iter *it) { return it ? it->cur : NULL; }

void sbp_iter_reset(sbp_iter *it) {
  if (it == NULL) return;
  it->cur = NULL;
  it->ev = SBP_EVENT_NONE;
}

void sbp_iter_free(sbp_iter *it) {
  if (it == NULL) return;
  sbp_alloc a = it->alloc;
  sbp__free(&a, it);
}

int sbp_walk(const sbp_node *root, sbp_walk_cb cb, void *payload) {
  if (root == NULL || cb == NULL) return SBP_E_INVALID_ARG;
  sbp_node *cur = NULL;
  sbp_event ev = SBP_EVENT_NONE;
  for (;;) {
    step(SBP__UNCONST(sbp_node *, root), &cur, &ev);
    if (ev == SBP_EVENT_DONE) return 0;
    int rc = cb(cur, ev, payload);
    if (rc != 0) return rc;
  }
}
