# Language binding tests (bindings/python, bindings/node), registered when their interpreter
# is found. They load the shared library named by SBPROFILE_LIB; where they cannot (a static
# build, a sanitized one whose runtime cannot be preloaded) they print "sbprofile binding
# tests skipped: ..." and ctest reports them as skipped. They run through `cmake -E env`, so
# CI's valgrind pass (which runs only test programs) leaves them out.
set(_sbp_bind "${PROJECT_SOURCE_DIR}/bindings")
set(_sbp_bind_env "SBPROFILE_LIB=$<TARGET_FILE:sbprofile>")
# The command whose `policy --srt-settings` output the bindings' srt settings must reproduce.
if(TARGET sbprofile_cli)
  list(APPEND _sbp_bind_env "SBPROFILE_CLI=$<TARGET_FILE:sbprofile_cli>")
endif()
# A sanitized library can only be loaded into an interpreter after the sanitizer's runtime;
# the interpreters' own leaks are not ours, so leak detection is off there.
set(_sbp_bind_skip "")
if(NOT BUILD_SHARED_LIBS)
  set(_sbp_bind_skip "this build is static, and the bindings load the shared library")
elseif(SBP_SANITIZE MATCHES "address")
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    set(_sbp_asan_name libasan.so)
  else()
    set(_sbp_asan_name "libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so")
  endif()
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${_sbp_asan_name}
                  OUTPUT_VARIABLE _sbp_asan OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(IS_ABSOLUTE "${_sbp_asan}" AND EXISTS "${_sbp_asan}")
    set(_sbp_bind_preload "LD_PRELOAD=${_sbp_asan}"
        "ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1")
    list(APPEND _sbp_bind_env ${_sbp_bind_preload})
  else()
    set(_sbp_bind_skip "the AddressSanitizer runtime (${_sbp_asan_name}) was not found to preload")
  endif()
endif()
# A test that only says why the bindings' tests cannot run in this build.
set(_sbp_bind_skip_cmd ${CMAKE_COMMAND} -E echo "sbprofile binding tests skipped: ${_sbp_bind_skip}")

find_program(SBP_PYTHON3 NAMES python3)
if(SBP_PYTHON3 AND _sbp_bind_skip)
  add_test(NAME sbp_binding_python COMMAND ${_sbp_bind_skip_cmd})
elseif(SBP_PYTHON3)
  add_test(NAME sbp_binding_python
    COMMAND ${CMAKE_COMMAND} -E env ${_sbp_bind_env} PYTHONDONTWRITEBYTECODE=1
            ${SBP_PYTHON3} -m unittest discover -v -s tests
    WORKING_DIRECTORY "${_sbp_bind}/python")
endif()
if(SBP_PYTHON3 AND NOT _sbp_bind_skip)
  # pip install ./bindings/python, then the installed package finds the installed library.
  find_program(SBP_PKG_CONFIG_FOR_PIP NAMES pkg-config pkgconf)
  add_test(NAME sbp_binding_python_pip_install
    COMMAND ${CMAKE_COMMAND} -DPYTHON=${SBP_PYTHON3} -DSRC=${PROJECT_SOURCE_DIR}
            -DBUILD=${PROJECT_BINARY_DIR} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/pip-install-work
            -DPKG_CONFIG=${SBP_PKG_CONFIG_FOR_PIP} "-DPROBE_ENV=${_sbp_bind_preload}"
            -P "${CMAKE_CURRENT_SOURCE_DIR}/bindings/pip_install.cmake")
  set_tests_properties(sbp_binding_python_pip_install PROPERTIES LABELS "bindings;consume"
                       TIMEOUT 600)
endif()
if(SBP_PYTHON3)
  set_tests_properties(sbp_binding_python PROPERTIES
    LABELS bindings
    SKIP_REGULAR_EXPRESSION "sbprofile binding tests skipped")
else()
  message(STATUS "python3 not found: the Python binding tests are not registered")
endif()

find_program(SBP_NODE NAMES node nodejs)
find_program(SBP_NPM NAMES npm)
if(SBP_NODE AND SBP_NPM AND _sbp_bind_skip)
  add_test(NAME sbp_binding_node COMMAND ${_sbp_bind_skip_cmd})
  set_tests_properties(sbp_binding_node PROPERTIES
    LABELS bindings SKIP_REGULAR_EXPRESSION "sbprofile binding tests skipped")
elseif(SBP_NODE AND SBP_NPM)
  set(_sbp_node_deps "${PROJECT_BINARY_DIR}/bindings/node")
  add_test(NAME sbp_binding_node_deps
    COMMAND ${CMAKE_COMMAND} -DNPM=${SBP_NPM} -DSRC=${_sbp_bind}/node -DDEST=${_sbp_node_deps}
            -P "${_sbp_bind}/node/install-deps.cmake")
  set_tests_properties(sbp_binding_node_deps PROPERTIES
    LABELS bindings FIXTURES_SETUP sbp_node_modules TIMEOUT 600)
  add_test(NAME sbp_binding_node
    COMMAND ${CMAKE_COMMAND} -E env ${_sbp_bind_env} "NODE_PATH=${_sbp_node_deps}/node_modules"
            ${SBP_NODE} --test test/sbprofile.test.js
    WORKING_DIRECTORY "${_sbp_bind}/node")
  set_tests_properties(sbp_binding_node PROPERTIES
    LABELS bindings FIXTURES_REQUIRED sbp_node_modules
    SKIP_REGULAR_EXPRESSION "sbprofile binding tests skipped")
  # index.d.ts against a small typed user of the package (typescript from the fixture).
  add_test(NAME sbp_binding_node_types
    COMMAND ${CMAKE_COMMAND} -E env "NODE_PATH=${_sbp_node_deps}/node_modules"
            ${SBP_NODE} "${_sbp_node_deps}/node_modules/typescript/bin/tsc" --noEmit
            -p test/tsconfig.json
    WORKING_DIRECTORY "${_sbp_bind}/node")
  set_tests_properties(sbp_binding_node_types PROPERTIES
    LABELS bindings FIXTURES_REQUIRED sbp_node_modules)
else()
  message(STATUS "node or npm not found: the Node binding tests are not registered")
endif()
