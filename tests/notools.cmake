# The main-job command works where the test tools are missing (tests/notools/driver.cmake):
# configures a scratch build once without pkg-config and once with cmocka hidden from it, checks
# the one line that says the tests are off, then builds and runs examples/configd.
add_test(NAME sbp_build_without_test_tools
         COMMAND ${CMAKE_COMMAND}
                 -DSBP_SOURCE_DIR=${PROJECT_SOURCE_DIR}
                 -DSBP_WORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/notools-work
                 -DSBP_C_COMPILER=${CMAKE_C_COMPILER}
                 "-DSBP_GENERATOR=${CMAKE_GENERATOR}"
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/notools/driver.cmake)
set_tests_properties(sbp_build_without_test_tools PROPERTIES LABELS consume TIMEOUT 1200)
