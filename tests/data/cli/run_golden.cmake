# Runs one golden case of the sbprofile tool and compares what it prints with the expected
# file: standard output, then "[stderr]" and standard error when there is any, then
# "[exit N]". Invoked by tests/lint.cmake:
#   cmake -DSBP=<tool> -DDIR=<case dir> -DCASE=<name> -DKIND=lint|cli [-DROOT=<dir>]
#         [-DUPDATE=1] -P run_golden.cmake
# KIND lint: DIR/CASE.sb is linted (extra arguments on a first line ";; args: ...").
# KIND cli: DIR/CASE.cmd holds the arguments (shell words); DIR/CASE.stdin, when present, is
# standard input. Both run in DIR. UPDATE=1 writes the expected file instead of comparing.
if(KIND STREQUAL "lint")
  file(READ "${DIR}/${CASE}.sb" head LIMIT 200)
  set(args "")
  if(head MATCHES "^;; args: ([^\n]*)")
    separate_arguments(args UNIX_COMMAND "${CMAKE_MATCH_1}")
  endif()
  set(cmd "${SBP}" lint --color=never ${args} "${CASE}.sb")
else()
  file(READ "${DIR}/${CASE}.cmd" line)
  string(STRIP "${line}" line)
  separate_arguments(args UNIX_COMMAND "${line}")
  set(cmd "${SBP}" ${args})
endif()
set(input_opt "")
if(EXISTS "${DIR}/${CASE}.stdin")
  set(input_opt INPUT_FILE "${DIR}/${CASE}.stdin")
endif()
execute_process(COMMAND ${cmd} WORKING_DIRECTORY "${DIR}" ${input_opt}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(actual "${out}")
if(NOT err STREQUAL "")
  string(APPEND actual "[stderr]\n${err}")
endif()
string(APPEND actual "[exit ${rc}]\n")
# Paths under ROOT (the source tree, when given) are written <root>, so that the expected
# output does not depend on where the tree is checked out.
if(DEFINED ROOT)
  # A tree under /tmp, /var or /etc is also reachable as /private/...: tools that write both
  # spellings (policy protections) add a line with the /private twin, which a tree elsewhere
  # does not have. Drop those lines, then name the tree.
  if(ROOT MATCHES "^/(tmp|var|etc)/")
    string(REGEX REPLACE "([][+.*()^$?|\\])" "\\\\\\1" root_re "${ROOT}")
    string(REGEX REPLACE "[^\n]*/private${root_re}[^\n]*\n" "" actual "${actual}")
  endif()
  string(REPLACE "${ROOT}" "<root>" actual "${actual}")
endif()
# A lint case named after a code must trigger it; <code>-ok must not.
if(KIND STREQUAL "lint")
  if(CASE MATCHES "^(.*)-ok$")
    string(FIND "${out}" "[${CMAKE_MATCH_1}]" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${CASE}: [${CMAKE_MATCH_1}] reported:\n${actual}")
    endif()
  else()
    string(FIND "${out}" "[${CASE}]" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${CASE}: [${CASE}] not reported:\n${actual}")
    endif()
  endif()
endif()
if(UPDATE)
  file(WRITE "${DIR}/${CASE}.expected" "${actual}")
  return()
endif()
if(NOT EXISTS "${DIR}/${CASE}.expected")
  message(FATAL_ERROR "${CASE}: no expected file; got:\n${actual}")
endif()
file(READ "${DIR}/${CASE}.expected" expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "${CASE}: output differs.\n--- expected\n${expected}--- actual\n${actual}")
endif()
