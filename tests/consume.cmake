# The install-and-consume test (tests/consume/driver.cmake): a fresh install of the shared and
# of the static library, moved elsewhere, each used through find_package and through
# pkg-config, and the moved tool run. It builds the
# library twice more, so it takes a while; ctest -L consume runs it alone, -LE consume skips it.
find_program(SBP_PKG_CONFIG_EXECUTABLE NAMES pkg-config pkgconf)
add_test(NAME sbp_consume
         COMMAND ${CMAKE_COMMAND}
                 -DSBP_SOURCE_DIR=${PROJECT_SOURCE_DIR}
                 -DSBP_WORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consume-work
                 -DSBP_VERSION=${PROJECT_VERSION}
                 -DSBP_C_COMPILER=${CMAKE_C_COMPILER}
                 "-DSBP_GENERATOR=${CMAKE_GENERATOR}"
                 -DSBP_PKG_CONFIG=${SBP_PKG_CONFIG_EXECUTABLE}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/consume/driver.cmake)
set_tests_properties(sbp_consume PROPERTIES LABELS consume TIMEOUT 1200 RUN_SERIAL ON)
