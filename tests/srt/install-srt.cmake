# Installs sandbox-runtime 0.0.83 (pinned by package-lock.json) from the npm registry with
# `npm ci` into DEST (a directory of the build tree), for the srt differential test. When it
# cannot be installed (no registry, no npm), DEST/srt-unavailable.txt says why and the test
# reports itself skipped with that reason. Run by the ctest fixture sbp_srt_deps:
#   cmake -DNPM=npm -DSRC=tests/srt -DDEST=build/tests/srt -P install-srt.cmake
foreach(var NPM SRC DEST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install-srt.cmake: -D${var}=... is required")
  endif()
endforeach()
set(_pkg "${DEST}/node_modules/@anthropic-ai/sandbox-runtime/package.json")
file(MAKE_DIRECTORY "${DEST}")
file(REMOVE "${DEST}/srt-unavailable.txt")
foreach(f package.json package-lock.json)
  configure_file("${SRC}/${f}" "${DEST}/${f}" COPYONLY)
endforeach()
if(EXISTS "${_pkg}")
  file(READ "${_pkg}" _json)
  if(_json MATCHES "\"version\": \"0\\.0\\.83\"")
    message(STATUS "sandbox-runtime 0.0.83 already installed in ${DEST}/node_modules")
    return()
  endif()
endif()
# srt's own install scripts are not needed to call its profile generator.
execute_process(
  COMMAND "${NPM}" ci --ignore-scripts --no-audit --no-fund --loglevel=error
  WORKING_DIRECTORY "${DEST}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 500)
if(NOT rc EQUAL 0 OR NOT EXISTS "${_pkg}")
  string(REGEX REPLACE "\n.*" "" first_line "${err}")
  file(WRITE "${DEST}/srt-unavailable.txt"
       "npm ci of @anthropic-ai/sandbox-runtime@0.0.83 failed (${rc}): ${first_line}\n")
  message(STATUS "sandbox-runtime could not be installed (${rc}): ${err}")
  return()
endif()
message(STATUS "sandbox-runtime 0.0.83 installed in ${DEST}/node_modules")
