# The policy command's tests that need JSON (jansson): golden cases of tests/data/policy/cli,
# allocation failures in its readers, the policy-file schema check, and the differential test against sandbox-runtime 0.0.83's own
# generator (node and npm needed; srt is installed into the build tree at test time, and the
# test says it is skipped, and why, when that cannot be done).
if(TARGET sbprofile_cli)
  get_target_property(_sbp_cli_defs sbprofile_cli COMPILE_DEFINITIONS)
  set(_sbp_policy_data "${CMAKE_CURRENT_SOURCE_DIR}/data/policy")
  if(NOT "SBP_HAVE_JANSSON" IN_LIST _sbp_cli_defs)
    sbp_cli_case(policy_unavailable 69 ARGS policy ERR "built without jansson")
  else()
    file(GLOB _sbp_policy_cases CONFIGURE_DEPENDS "${_sbp_policy_data}/cli/*.cmd")
    foreach(_c ${_sbp_policy_cases})
      get_filename_component(_n ${_c} NAME_WE)
      add_test(NAME cli__${_n}
               COMMAND ${CMAKE_COMMAND} -DSBP=$<TARGET_FILE:sbprofile_cli>
                       -DDIR=${_sbp_policy_data}/cli -DCASE=${_n} -DKIND=cli
                       -DROOT=${PROJECT_SOURCE_DIR}
                       -P ${CMAKE_CURRENT_SOURCE_DIR}/data/cli/run_golden.cmake)
    endforeach()
    # Allocation failures in the readers (a C test program, so valgrind runs it too).
    add_executable(tool_policy_oom "${CMAKE_CURRENT_SOURCE_DIR}/tool_policy_oom.c"
                   "${PROJECT_SOURCE_DIR}/tools/srt_settings.c"
                   "${PROJECT_SOURCE_DIR}/tools/policy_file.c"
                   "${PROJECT_SOURCE_DIR}/tools/json_read.c")
    target_include_directories(tool_policy_oom PRIVATE "${PROJECT_SOURCE_DIR}/tools")
    pkg_check_modules(SBP_TEST_JANSSON REQUIRED IMPORTED_TARGET jansson)
    target_link_libraries(tool_policy_oom PRIVATE sbp_test_support sbprofile::sbprofile
                          PkgConfig::CMOCKA PkgConfig::SBP_TEST_JANSSON)
    target_compile_options(tool_policy_oom PRIVATE ${SBP_WARNING_FLAGS})
    add_test(NAME sbp_tool_policy_oom COMMAND tool_policy_oom)
    find_program(SBP_PYTHON3_FOR_SCHEMA NAMES python3)
    if(SBP_PYTHON3_FOR_SCHEMA)
      add_test(NAME sbp_policy_schema
               COMMAND ${SBP_PYTHON3_FOR_SCHEMA} "${CMAKE_CURRENT_SOURCE_DIR}/policy_schema.py"
                       --schema "${PROJECT_SOURCE_DIR}/docs/policy.schema.json"
                       --files "${_sbp_policy_data}/files"
                       --sbprofile $<TARGET_FILE:sbprofile_cli>)
    endif()
    find_program(SBP_NODE_FOR_SRT NAMES node nodejs)
    find_program(SBP_NPM_FOR_SRT NAMES npm)
    if(SBP_NODE_FOR_SRT AND SBP_NPM_FOR_SRT)
      set(_sbp_srt_dir "${PROJECT_BINARY_DIR}/tests/srt")
      add_test(NAME sbp_srt_deps
               COMMAND ${CMAKE_COMMAND} -DNPM=${SBP_NPM_FOR_SRT}
                       -DSRC=${CMAKE_CURRENT_SOURCE_DIR}/srt -DDEST=${_sbp_srt_dir}
                       -P "${CMAKE_CURRENT_SOURCE_DIR}/srt/install-srt.cmake")
      set_tests_properties(sbp_srt_deps PROPERTIES FIXTURES_SETUP sbp_srt_modules TIMEOUT 600)
      add_test(NAME sbp_srt_differential
               COMMAND ${SBP_NODE_FOR_SRT} "${CMAKE_CURRENT_SOURCE_DIR}/srt/differential.mjs"
                       --srt "${_sbp_srt_dir}/node_modules/@anthropic-ai/sandbox-runtime"
                       --sbprofile $<TARGET_FILE:sbprofile_cli>
                       --data "${_sbp_policy_data}/srt"
                       --docs "${PROJECT_SOURCE_DIR}/docs/srt-settings.md")
      set_tests_properties(sbp_srt_differential PROPERTIES
        FIXTURES_REQUIRED sbp_srt_modules TIMEOUT 900
        SKIP_REGULAR_EXPRESSION "srt differential test skipped")
    else()
      add_test(NAME sbp_srt_differential COMMAND ${CMAKE_COMMAND} -E echo
               "srt differential test skipped: node or npm was not found at configure time")
      set_tests_properties(sbp_srt_differential PROPERTIES
        SKIP_REGULAR_EXPRESSION "srt differential test skipped")
    endif()
  endif()
endif()
