# The exported symbols of the shared library against the committed list tests/exports.txt
# (conventions R6.3): a leaked internal symbol and a removed or renamed function both fail.
# Regenerate the list with tools/update-exports.sh after adding API on purpose.
#
# This file is two things. Included from tests/CMakeLists.txt it registers the ctest
# sbp_exports; run with `cmake -P` it does the work:
#   cmake -DSBP_LIB=<libsbprofile.so> -DSBP_EXPORTS=<exports.txt> [-DSBP_UPDATE=ON] -P exports.cmake
# It lists every defined dynamic symbol (nm -D --defined-only), drops the absolute ones
# (version nodes), and sorts the names.

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.16)
  if(NOT SBP_LIB OR NOT SBP_EXPORTS)
    message(FATAL_ERROR "exports.cmake: set SBP_LIB and SBP_EXPORTS")
  endif()
  if(NOT SBP_NM)
    find_program(SBP_NM NAMES nm)
  endif()
  if(NOT SBP_NM)
    message(FATAL_ERROR "exports.cmake: nm not found")
  endif()
  execute_process(COMMAND "${SBP_NM}" -D --defined-only "${SBP_LIB}"
                  OUTPUT_VARIABLE nm_out RESULT_VARIABLE nm_rc ERROR_VARIABLE nm_err)
  if(NOT nm_rc EQUAL 0)
    message(FATAL_ERROR "exports.cmake: ${SBP_NM} -D failed on ${SBP_LIB}: ${nm_err}")
  endif()
  string(REPLACE "\n" ";" nm_lines "${nm_out}")
  set(actual)
  foreach(line IN LISTS nm_lines)
    # "<address> <type> <name>[@version]"
    if(line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) ([^ @]+)")
      if(NOT CMAKE_MATCH_1 STREQUAL "A")
        list(APPEND actual "${CMAKE_MATCH_2}")
      endif()
    endif()
  endforeach()
  list(REMOVE_DUPLICATES actual)
  list(SORT actual)
  string(REPLACE ";" "\n" actual_text "${actual}")
  set(actual_text "${actual_text}\n")

  if(SBP_UPDATE)
    file(WRITE "${SBP_EXPORTS}" "${actual_text}")
    list(LENGTH actual n)
    message(STATUS "exports.cmake: wrote ${n} symbols to ${SBP_EXPORTS}")
    return()
  endif()

  file(STRINGS "${SBP_EXPORTS}" expected)
  set(missing)
  set(extra)
  foreach(sym IN LISTS expected)
    if(NOT sym IN_LIST actual)
      list(APPEND missing "${sym}")
    endif()
  endforeach()
  foreach(sym IN LISTS actual)
    if(NOT sym IN_LIST expected)
      list(APPEND extra "${sym}")
    endif()
  endforeach()
  if(missing OR extra)
    string(REPLACE ";" "\n  " missing_text "${missing}")
    string(REPLACE ";" "\n  " extra_text "${extra}")
    message(FATAL_ERROR
      "The library's exports differ from tests/exports.txt.\n"
      "Listed but not exported:\n  ${missing_text}\n"
      "Exported but not listed:\n  ${extra_text}\n"
      "If the change of API is intended, run tools/update-exports.sh and commit the list.")
  endif()
  list(LENGTH actual n)
  message(STATUS "exports: ${n} symbols, as listed")
  return()
endif()

# ---- included from tests/CMakeLists.txt -------------------------------------------------
get_target_property(_sbp_lib_type sbprofile TYPE)
find_program(SBP_NM NAMES nm)
if(_sbp_lib_type STREQUAL "SHARED_LIBRARY" AND SBP_NM AND NOT APPLE AND NOT WIN32)
  add_test(NAME sbp_exports
           COMMAND ${CMAKE_COMMAND} -DSBP_NM=${SBP_NM} -DSBP_LIB=$<TARGET_FILE:sbprofile>
                   -DSBP_EXPORTS=${CMAKE_CURRENT_SOURCE_DIR}/exports.txt
                   -P ${CMAKE_CURRENT_LIST_FILE})
else()
  # Static libraries export nothing dynamically; macOS and Windows need other tools.
  add_test(NAME sbp_exports
           COMMAND ${CMAKE_COMMAND} -E echo
                   "sbp_exports: skipped (needs an ELF shared library and nm; this build: ${_sbp_lib_type})")
  set_tests_properties(sbp_exports PROPERTIES SKIP_REGULAR_EXPRESSION "skipped")
endif()
