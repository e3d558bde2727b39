/**
 * @file sbprofile/common.h
 * @brief Status codes, the error struct, the allocator hook and output buffers.
 *
 * @defgroup common Common types
 * Every call that can fail returns an int: SBP_OK (0) or a negative sbp_status. Details go
 * into an sbp_error that the caller owns (usually on the stack) and may pass as NULL.
 * @{
 */
#ifndef SBPROFILE_COMMON_H
#define SBPROFILE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The status table: X(NAME, value, description). Values never change once released; new
 * codes are only appended.
 */
#define SBP_STATUS_MAP(X)                                                          \
  X(OK, 0, "success")                                                              \
  X(E_NOMEM, -1, "out of memory")                                                  \
  X(E_INVALID_ARG, -2, "invalid argument")                                         \
  X(E_SYNTAX, -3, "syntax error")                                                  \
  X(E_LIMIT, -4, "limit exceeded")                                                 \
  X(E_INVALID_TREE, -5, "invalid tree")                                            \
  X(E_NOT_FOUND, -6, "not found")                                                  \
  X(E_ASSERT, -7, "assertion failed")                                              \
  X(E_EVAL, -8, "profile error")                                                   \
  X(E_IO, -9, "input/output error")

/** Status codes returned by every fallible call. */
typedef enum sbp_status {
#define SBP__STATUS_ENUM(name, value, text) SBP_##name = value,
  SBP_STATUS_MAP(SBP__STATUS_ENUM)
#undef SBP__STATUS_ENUM
  SBP__STATUS_LAST = -10
} sbp_status;

/** Layout version of sbp_error; SBP_ERROR_INIT sets it. */
#define SBP_ERROR_VERSION 1u

/**
 * Details of a failure, filled by the call that failed. Caller-owned and stack-allocatable;
 * filling it never allocates. Lines and columns are 1-based, columns count bytes; 0 means
 * "no position". offset is the 0-based byte offset in the text read, when there is one.
 * New fields are only appended, after checking `version`.
 */
typedef struct sbp_error {
  uint32_t version;   /**< SBP_ERROR_VERSION */
  int code;           /**< the sbp_status returned */
  uint32_t line;      /**< 1-based line, 0 when there is no position */
  uint32_t column;    /**< 1-based column in bytes, 0 when there is no position */
  size_t offset;      /**< 0-based byte offset into the input */
  char message[256];  /**< NUL-terminated, possibly truncated */
  char file[256];     /**< the file the position refers to, "" when none */
} sbp_error;

/** Initialiser for a fresh sbp_error: `sbp_error err = SBP_ERROR_INIT;` */
#define SBP_ERROR_INIT {SBP_ERROR_VERSION, 0, 0, 0, 0, {0}, {0}}

/**
 * @brief A static description of a status code ("out of memory", ...).
 * @param[in] code an sbp_status value.
 * @return A static string; "unknown status" for a value outside the table. Never NULL.
 * @since 0.1
 */
SBP_API const char *sbp_strerror(int code);

/**
 * @brief The symbolic name of a status code ("SBP_E_NOMEM", ...).
 * @param[in] code an sbp_status value.
 * @return A static string; "SBP_E_UNKNOWN" for a value outside the table. Never NULL.
 * @since 0.1
 */
SBP_API const char *sbp_status_name(int code);

/**
 * @brief Resets an error struct to the state SBP_ERROR_INIT gives.
 * @param[out] err the struct to reset; NULL is ignored.
 * @since 0.1
 */
SBP_API void sbp_error_clear(sbp_error *err);

/**
 * A memory allocator. Every allocation of an object (profile, buffer, reader, ...) goes
 * through the allocator given when the object was made. malloc and realloc return NULL on
 * failure; free accepts NULL. `ud` is passed back to every call.
 */
typedef struct sbp_alloc {
  void *(*malloc)(void *ud, size_t size);
  void *(*realloc)(void *ud, void *ptr, size_t size);
  void (*free)(void *ud, void *ptr);
  void *ud;
} sbp_alloc;

/**
 * @brief The built-in allocator (the C library's malloc, realloc and free).
 * @return A pointer to a static allocator; never NULL.
 * @since 0.1
 */
SBP_API const sbp_alloc *sbp_alloc_default(void);

/**
 * An output buffer filled by the library. `ptr` is NUL-terminated whenever it is not NULL;
 * `len` excludes the NUL. The buffer remembers the allocator that made it: release it with
 * sbp_buf_dispose(), never with free(). Initialise with SBP_BUF_INIT.
 */
typedef struct sbp_buf {
  char *ptr;      /**< the bytes, NUL-terminated; NULL when empty and never filled */
  size_t len;     /**< length in bytes, without the NUL */
  void *reserved; /**< private: the allocation that holds ptr */
} sbp_buf;

/** Initialiser for an empty buffer. */
#define SBP_BUF_INIT {NULL, 0, NULL}

/**
 * @brief Releases a buffer's memory and resets it to SBP_BUF_INIT.
 * @param[in,out] buf the buffer; NULL, or a buffer never filled, is fine.
 * @since 0.1
 */
SBP_API void sbp_buf_dispose(sbp_buf *buf);

/**
 * @brief Takes the bytes out of a buffer as a plain pointer, leaving the buffer empty.
 * @param[in,out] buf the buffer.
 * @return The NUL-terminated bytes, which the caller now owns and frees with sbp_free();
 *         NULL when the buffer was empty.
 * @since 0.1
 */
SBP_API char *sbp_buf_detach(sbp_buf *buf);

/**
 * @brief Frees a plain pointer that the library handed out (sbp_buf_detach()).
 *        It uses the allocator that made the memory. NULL is ignored.
 * @since 0.1
 */
SBP_API void sbp_free(void *ptr);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_COMMON_H */
