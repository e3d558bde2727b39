# The hostile table (tests/hostile/): cases.tsv run by test_hostile as the ctest sbp_hostile,
# with the check of documented status codes against the headers.
add_executable(test_hostile "${CMAKE_CURRENT_SOURCE_DIR}/hostile/test_hostile.c")
target_link_libraries(test_hostile PRIVATE sbprofile_internal sbp_test_support PkgConfig::CMOCKA)
target_include_directories(test_hostile PRIVATE "${PROJECT_SOURCE_DIR}/lib")
target_compile_options(test_hostile PRIVATE ${SBP_WARNING_FLAGS})
target_compile_definitions(test_hostile PRIVATE
  "SBP_HOSTILE_CASES=\"${CMAKE_CURRENT_SOURCE_DIR}/hostile/cases.tsv\""
  "SBP_INCLUDE_DIR=\"${PROJECT_SOURCE_DIR}/include\"")
add_test(NAME sbp_hostile COMMAND test_hostile)
# A case that no limit stops would hang: that fails too.
set_tests_properties(sbp_hostile PROPERTIES TIMEOUT 600)
