#!/usr/bin/env bash
# Regenerates tests/exports.txt, the committed list of the symbols the shared library
# exports, from a build of the shared library. Run it after adding or removing API on
# purpose, and commit the result; the ctest sbp_exports compares the two.
#
#   tools/update-exports.sh [build-dir]      (default: build; configured and built if needed)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$top/build"}

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$top" -B "$build" -DBUILD_SHARED_LIBS=ON >/dev/null
fi
if ! grep -q '^BUILD_SHARED_LIBS:BOOL=ON' "$build/CMakeCache.txt"; then
  echo "update-exports: $build is not a shared-library build (BUILD_SHARED_LIBS=OFF)" >&2
  exit 1
fi
cmake --build "$build" --target sbprofile -j2 >/dev/null

lib=$(find "$build" -maxdepth 1 -name 'libsbprofile.so.*' -type f | head -n 1)
if [ -z "$lib" ]; then
  echo "update-exports: no libsbprofile.so.* in $build" >&2
  exit 1
fi
cmake -DSBP_LIB="$lib" -DSBP_EXPORTS="$top/tests/exports.txt" -DSBP_UPDATE=ON \
      -P "$top/tests/exports.cmake"
git -C "$top" --no-pager diff --stat -- tests/exports.txt || true
