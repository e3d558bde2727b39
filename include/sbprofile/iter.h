/**
 * @file sbprofile/iter.h
 * @brief Walking a profile's tree: an iterator and a callback walk.
 *
 * @defgroup iter Iteration
 * The iterator visits each node twice, on entering and on leaving it, in document order.
 * While a walk is under way the tree's structure must not change (no append, insert or
 * unlink); node text and actions may be changed.
 * @{
 */
#ifndef SBPROFILE_ITER_H
#define SBPROFILE_ITER_H

#include "sbprofile/common.h"
#include "sbprofile/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An iterator over a subtree. Opaque. */
typedef struct sbp_iter sbp_iter;

/** What sbp_iter_next() reports. */
typedef enum sbp_event {
  SBP_EVENT_NONE = 0,  /**< not started */
  SBP_EVENT_DONE = 1,  /**< the walk is over */
  SBP_EVENT_ENTER = 2, /**< entering sbp_iter_node() (before its children) */
  SBP_EVENT_EXIT = 3   /**< leaving sbp_iter_node() (after its children) */
} sbp_event;

/**
 * @brief Makes an iterator over root and its descendants.
 * @param[out] out receives the iterator; free with sbp_iter_free(). Allocated with the
 *        allocator of root's profile.
 * @return SBP_OK, SBP_E_INVALID_ARG (NULL), SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_iter_new(sbp_iter **out, const sbp_node *root, sbp_error *err);

/** @brief Advances the iterator. @return The event; SBP_EVENT_DONE at the end or for NULL. @since 0.1 */
SBP_API sbp_event sbp_iter_next(sbp_iter *iter);

/** @brief The node of the last event; NULL before the first and after the last. @since 0.1 */
SBP_API sbp_node *sbp_iter_node(const sbp_iter *iter);

/** @brief Starts the walk again from the root. @since 0.1 */
SBP_API void sbp_iter_reset(sbp_iter *iter);

/** @brief Frees an iterator. NULL is ignored. @since 0.1 */
SBP_API void sbp_iter_free(sbp_iter *iter);

/**
 * Called by sbp_walk() for each event. Return 0 to go on, anything else to stop the walk;
 * sbp_walk() then returns that value.
 */
typedef int (*sbp_walk_cb)(sbp_node *node, sbp_event event, void *payload);

/**
 * @brief Walks root's subtree in document order, calling cb on entering and leaving each
 *        node. Does not allocate.
 * @return 0 when the walk finished, the callback's non-zero value when it stopped it,
 *         SBP_E_INVALID_ARG for NULL root or cb.
 * @since 0.1
 */
SBP_API int sbp_walk(const sbp_node *root, sbp_walk_cb cb, void *payload);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_ITER_H */
