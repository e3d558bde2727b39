# The catalog's extra tests.
#
# 1. sbp_catalog_internal: the internal interface (lib/catalog.h) and the generated tables'
#    invariants. The shared library exports only sbp_*, so this program is built from the
#    catalog's sources directly instead of linking the library.
# 2. sbp_catalog_generated: re-runs tools/gen_catalog.py on the spec folder into a temporary
#    file and compares it with the committed lib/catalog_data.c, so the committed tables never
#    drift from their generator or their sources. Skipped (with a message) when python3 or the
#    spec folder is missing.

add_executable(test_catalog_internal
  "${CMAKE_CURRENT_SOURCE_DIR}/catalog_internal.c"
  "${PROJECT_SOURCE_DIR}/lib/catalog.c"
  "${PROJECT_SOURCE_DIR}/lib/catalog_data.c"
  "${PROJECT_SOURCE_DIR}/lib/alloc.c"
  "${PROJECT_SOURCE_DIR}/lib/buf.c"
  "${PROJECT_SOURCE_DIR}/lib/error.c")
target_include_directories(test_catalog_internal PRIVATE
  "${PROJECT_SOURCE_DIR}/include" "${PROJECT_BINARY_DIR}/include" "${PROJECT_SOURCE_DIR}/lib")
target_compile_definitions(test_catalog_internal PRIVATE SBP_STATIC)
target_link_libraries(test_catalog_internal PRIVATE PkgConfig::CMOCKA)
target_compile_options(test_catalog_internal PRIVATE ${SBP_WARNING_FLAGS})
add_test(NAME sbp_catalog_internal COMMAND test_catalog_internal)

set(SBP_SPEC_DIR "${PROJECT_SOURCE_DIR}/../shared/spec" CACHE PATH
    "The spec folder the catalog is generated from")
if(NOT EXISTS "${SBP_SPEC_DIR}" AND EXISTS "/work/shared/spec")
  set(SBP_SPEC_DIR "/work/shared/spec")
endif()
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND AND EXISTS "${SBP_SPEC_DIR}/operations_macos10.15_catalina_simbple.tsv")
  add_test(NAME sbp_catalog_generated
    COMMAND "${CMAKE_COMMAND}"
      "-DPYTHON=${Python3_EXECUTABLE}"
      "-DGENERATOR=${PROJECT_SOURCE_DIR}/tools/gen_catalog.py"
      "-DSPEC=${SBP_SPEC_DIR}"
      "-DCOMMITTED=${PROJECT_SOURCE_DIR}/lib/catalog_data.c"
      "-DOUT=${CMAKE_CURRENT_BINARY_DIR}/catalog_data.regenerated.c"
      -P "${PROJECT_SOURCE_DIR}/cmake/catalog_check.cmake")
else()
  if(NOT Python3_Interpreter_FOUND)
    set(_sbp_why "python3 was not found")
  else()
    set(_sbp_why "the spec folder ${SBP_SPEC_DIR} is missing")
  endif()
  add_test(NAME sbp_catalog_generated
    COMMAND "${CMAKE_COMMAND}" -E echo
      "SKIPPED: lib/catalog_data.c not compared with its generator: ${_sbp_why}")
  set_tests_properties(sbp_catalog_generated PROPERTIES
    SKIP_REGULAR_EXPRESSION "SKIPPED:")
endif()
