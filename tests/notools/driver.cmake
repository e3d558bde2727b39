# Builds sbprofile the way the README's main-job command does, on a machine without the test
# tools:
#   cmake -DSBP_SOURCE_DIR=<src> -DSBP_WORK_DIR=<scratch> [-DSBP_C_COMPILER=cc]
#         [-DSBP_GENERATOR=...] -P driver.cmake
# 1. no pkg-config at all (PKG_CONFIG_EXECUTABLE names a program that does not exist);
# 2. pkg-config without cmocka (PKG_CONFIG_LIBDIR and PKG_CONFIG_PATH point at an empty
#    directory), then the build and examples/configd run.
cmake_minimum_required(VERSION 3.16)
foreach(var SBP_SOURCE_DIR SBP_WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "notools: set ${var}")
  endif()
endforeach()
if(NOT SBP_C_COMPILER)
  set(SBP_C_COMPILER cc)
endif()
set(generator_args)
if(SBP_GENERATOR)
  set(generator_args -G "${SBP_GENERATOR}")
endif()
file(REMOVE_RECURSE "${SBP_WORK_DIR}")
file(MAKE_DIRECTORY "${SBP_WORK_DIR}/empty")
set(ENV{PKG_CONFIG_LIBDIR} "${SBP_WORK_DIR}/empty")
set(ENV{PKG_CONFIG_PATH} "${SBP_WORK_DIR}/empty")

# Configures into build-<name> with extra arguments; the output must say, in one line, that
# the tests are off and why (matching why_regex).
function(configure name why_regex)
  set(dir "${SBP_WORK_DIR}/build-${name}")
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${SBP_SOURCE_DIR}" -B "${dir}" ${generator_args}
                          -DCMAKE_C_COMPILER=${SBP_C_COMPILER} -DCMAKE_BUILD_TYPE=Debug ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "notools: configuring (${name}) failed (${rc}):\n${out}${err}")
  endif()
  string(REGEX MATCHALL "[^\n]*tests are off[^\n]*" lines "${out}${err}")
  list(LENGTH lines n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "notools: (${name}) expected one 'tests are off' line, got ${n}:\n${out}${err}")
  endif()
  if(NOT lines MATCHES "${why_regex}")
    message(FATAL_ERROR "notools: (${name}) the line does not say why ('${why_regex}'): ${lines}")
  endif()
  message(STATUS "notools: ${name}: ${lines}")
endfunction()

configure(no-pkg-config "pkg-config not found"
          -DPKG_CONFIG_EXECUTABLE=${SBP_WORK_DIR}/empty/no-such-pkg-config)
configure(no-cmocka "cmocka not found")

set(dir "${SBP_WORK_DIR}/build-no-cmocka")
execute_process(COMMAND ${CMAKE_COMMAND} --build "${dir}" --parallel 2
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "notools: building failed (${rc}):\n${out}")
endif()
execute_process(COMMAND "${dir}/examples/configd" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "com.apple.SystemConfiguration.configd")
  message(FATAL_ERROR "notools: examples/configd failed (${rc}):\n${out}${err}")
endif()
if(NOT EXISTS "${dir}/tools/sbprofile")
  message(FATAL_ERROR "notools: the sbprofile tool was not built")
endif()
file(REMOVE_RECURSE "${SBP_WORK_DIR}")
message(STATUS "notools: all passed")
