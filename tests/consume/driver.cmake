# Install-and-consume test (conventions R9.8): installs the library and the tool from the
# source tree to temporary prefixes, once shared and once static, MOVES each installed tree
# elsewhere (an installed tree must be relocatable), runs the moved `bin/sbprofile --version`,
# and against each moved tree builds and runs
# tests/consume/main.c twice: through find_package(sbprofile) (tests/consume/CMakeLists.txt)
# and through `pkg-config --cflags --libs sbprofile` (with --static for the static library).
# The program's output must equal tests/consume/expected.txt.
#
#   cmake -DSBP_SOURCE_DIR=<src> -DSBP_WORK_DIR=<scratch> -DSBP_VERSION=<x.y.z>
#         [-DSBP_C_COMPILER=cc] [-DSBP_GENERATOR=...] [-DSBP_PKG_CONFIG=pkg-config]
#         [-DSBP_KINDS=shared;static] -P driver.cmake
cmake_minimum_required(VERSION 3.16)

foreach(var SBP_SOURCE_DIR SBP_WORK_DIR SBP_VERSION)
  if(NOT ${var})
    message(FATAL_ERROR "consume: set ${var}")
  endif()
endforeach()
if(NOT SBP_KINDS)
  set(SBP_KINDS shared static)
endif()
if(NOT SBP_PKG_CONFIG)
  find_program(SBP_PKG_CONFIG NAMES pkg-config pkgconf)
endif()
if(NOT SBP_C_COMPILER)
  set(SBP_C_COMPILER cc)
endif()
set(generator_args)
if(SBP_GENERATOR)
  set(generator_args -G "${SBP_GENERATOR}")
endif()
set(consumer_dir "${CMAKE_CURRENT_LIST_DIR}")
file(READ "${consumer_dir}/expected.txt" expected)
string(CONFIGURE "${expected}" expected @ONLY)

# Runs a command, failing the test with its output when it fails.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consume: ${what} failed (${rc}):\n${ARGN}\n${out}")
  endif()
endfunction()

# Runs the built program and compares its output with expected.txt.
function(check_program what exe)
  execute_process(COMMAND ${ARGN} "${exe}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consume: ${what}: the program failed (${rc}):\n${out}${err}")
  endif()
  if(NOT out STREQUAL expected)
    message(FATAL_ERROR "consume: ${what}: unexpected output:\n${out}\nexpected:\n${expected}")
  endif()
  message(STATUS "consume: ${what}: ok")
endfunction()

file(REMOVE_RECURSE "${SBP_WORK_DIR}")
file(MAKE_DIRECTORY "${SBP_WORK_DIR}")

foreach(kind IN LISTS SBP_KINDS)
  if(kind STREQUAL "shared")
    set(shared ON)
    set(expect_static OFF)
  else()
    set(shared OFF)
    set(expect_static ON)
  endif()
  set(lib_build "${SBP_WORK_DIR}/lib-${kind}")
  set(install_prefix "${SBP_WORK_DIR}/prefix-${kind}")
  set(prefix "${SBP_WORK_DIR}/moved-${kind}")

  # 1. Configure, build and install the library and the tool, then move the tree.
  run("configuring the ${kind} library"
      ${CMAKE_COMMAND} -S "${SBP_SOURCE_DIR}" -B "${lib_build}" ${generator_args}
      -DCMAKE_C_COMPILER=${SBP_C_COMPILER} -DCMAKE_BUILD_TYPE=Release
      -DCMAKE_INSTALL_PREFIX=${install_prefix} -DBUILD_SHARED_LIBS=${shared}
      -DBUILD_TESTING=OFF -DSBP_BUILD_TESTS=OFF -DSBP_BUILD_EXAMPLES=OFF
      -DSBP_BUILD_TOOLS=ON -DSBP_BUILD_FUZZERS=OFF -DSBP_BUILD_BENCH=OFF)
  run("building the ${kind} library" ${CMAKE_COMMAND} --build "${lib_build}" --parallel 2)
  run("installing the ${kind} library" ${CMAKE_COMMAND} --install "${lib_build}")
  # The build tree goes too, so nothing can be found through it.
  file(REMOVE_RECURSE "${lib_build}")
  file(RENAME "${install_prefix}" "${prefix}")
  execute_process(COMMAND "${prefix}/bin/sbprofile" --version RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL "sbprofile ${SBP_VERSION}\n")
    message(FATAL_ERROR "consume: the moved ${kind} install: sbprofile --version failed (${rc}):\n${out}${err}")
  endif()
  message(STATUS "consume: moved ${kind} install: sbprofile --version: ok")

  # 2. find_package(sbprofile) from a separate project.
  set(app_build "${SBP_WORK_DIR}/app-cmake-${kind}")
  run("configuring the CMake consumer (${kind})"
      ${CMAKE_COMMAND} -S "${consumer_dir}" -B "${app_build}" ${generator_args}
      -DCMAKE_C_COMPILER=${SBP_C_COMPILER} -DCMAKE_PREFIX_PATH=${prefix}
      -DCONSUME_EXPECT_STATIC=${expect_static})
  run("building the CMake consumer (${kind})" ${CMAKE_COMMAND} --build "${app_build}")
  check_program("find_package, ${kind}" "${app_build}/consume")

  # 3. pkg-config, compiling by hand as a Makefile would.
  if(NOT SBP_PKG_CONFIG)
    message(FATAL_ERROR "consume: pkg-config not found")
  endif()
  file(GLOB pc_files "${prefix}/lib*/pkgconfig/sbprofile.pc" "${prefix}/lib*/*/pkgconfig/sbprofile.pc")
  list(LENGTH pc_files n_pc)
  if(NOT n_pc EQUAL 1)
    message(FATAL_ERROR "consume: expected one installed sbprofile.pc under ${prefix}, found: ${pc_files}")
  endif()
  get_filename_component(pc_dir "${pc_files}" DIRECTORY)
  get_filename_component(libdir "${pc_dir}" DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
  set(static_flag)
  if(NOT shared)
    set(static_flag --static)
  endif()
  execute_process(COMMAND ${SBP_PKG_CONFIG} --modversion sbprofile
                  RESULT_VARIABLE rc OUTPUT_VARIABLE modversion OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0 OR NOT modversion STREQUAL SBP_VERSION)
    message(FATAL_ERROR "consume: pkg-config --modversion gave '${modversion}' (${rc}), expected ${SBP_VERSION}")
  endif()
  execute_process(COMMAND ${SBP_PKG_CONFIG} ${static_flag} --cflags --libs sbprofile
                  RESULT_VARIABLE rc OUTPUT_VARIABLE pc_flags ERROR_VARIABLE pc_err
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consume: pkg-config ${static_flag} --cflags --libs sbprofile failed: ${pc_err}")
  endif()
  string(FIND "${pc_flags}" "${prefix}/" at)
  if(at LESS 0)
    message(FATAL_ERROR "consume: pkg-config does not point into the moved tree ${prefix}: ${pc_flags}")
  endif()
  separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
  set(expect_def)
  if(expect_static)
    set(expect_def -DCONSUME_EXPECT_STATIC)
  endif()
  set(exe "${SBP_WORK_DIR}/app-pkgconfig-${kind}")
  run("compiling with pkg-config (${kind})"
      ${SBP_C_COMPILER} -std=c11 ${expect_def} "${consumer_dir}/main.c" -o "${exe}" ${pc_flags})
  if(shared)
    # Installed to a private prefix, found the way a user of that prefix finds it.
    check_program("pkg-config, ${kind}" "${exe}" ${CMAKE_COMMAND} -E env
                  "LD_LIBRARY_PATH=${libdir}" "DYLD_LIBRARY_PATH=${libdir}")
  else()
    check_program("pkg-config, ${kind}" "${exe}")
  endif()
endforeach()

file(REMOVE_RECURSE "${SBP_WORK_DIR}")
message(STATUS "consume: all passed")
