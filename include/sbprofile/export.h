/**
 * @file sbprofile/export.h
 * @brief The export macro of the sbprofile API.
 *
 * Written by hand so that the headers work without CMake. Define SBP_STATIC when linking the
 * static library (the CMake target and the pkg-config file's Cflags.private do it for you).
 */
#ifndef SBPROFILE_EXPORT_H
#define SBPROFILE_EXPORT_H

#if defined(SBP_STATIC)
#  define SBP_API
#elif defined(_WIN32) || defined(__CYGWIN__)
#  if defined(SBP_BUILDING)
#    define SBP_API __declspec(dllexport)
#  else
#    define SBP_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define SBP_API __attribute__((visibility("default")))
#else
#  define SBP_API
#endif

/** Marks an API as deprecated, naming what to use instead. */
#if defined(__GNUC__) || defined(__clang__)
#  define SBP_DEPRECATED(msg) __attribute__((deprecated(msg)))
#elif defined(_MSC_VER)
#  define SBP_DEPRECATED(msg) __declspec(deprecated(msg))
#else
#  define SBP_DEPRECATED(msg)
#endif

#endif /* SBPROFILE_EXPORT_H */
