# Command-line cases for the sbprofile tool: exit statuses and output.
if(TARGET sbprofile_cli)
  set(_sbp_cli_dir "${CMAKE_CURRENT_SOURCE_DIR}/cli")
  function(sbp_cli_case name rc)
    cmake_parse_arguments(C "" "OUT;ERR;STDIN" "ARGS" ${ARGN})
    set(defs -DEXPECT_RC=${rc})
    if(DEFINED C_OUT)
      list(APPEND defs "-DEXPECT_OUT=${C_OUT}")
    endif()
    if(DEFINED C_ERR)
      list(APPEND defs "-DEXPECT_ERR=${C_ERR}")
    endif()
    if(DEFINED C_STDIN)
      list(APPEND defs "-DSTDIN=${C_STDIN}")
    endif()
    string(REPLACE ";" "@@" cmd "$<TARGET_FILE:sbprofile_cli>;${C_ARGS}")
    add_test(NAME sbp_cli_${name}
             COMMAND ${CMAKE_COMMAND} "-DCMD=${cmd}" ${defs} -P "${_sbp_cli_dir}/check.cmake")
  endfunction()
  sbp_cli_case(help 0 ARGS --help OUT "flatten")
  sbp_cli_case(version 0 ARGS --version OUT "^sbprofile [0-9]+\\.[0-9]+\\.[0-9]+")
  sbp_cli_case(no_command 2 ERR "usage: sbprofile")
  sbp_cli_case(unknown_command 2 ARGS frobnicate ERR "unknown command 'frobnicate'")
  sbp_cli_case(flatten_help 0 ARGS flatten --help OUT "--symbolic-params")
  sbp_cli_case(flatten_no_file 2 ARGS flatten ERR "no input file")
  sbp_cli_case(flatten_bad_option 2 ARGS flatten --bogus x.sb ERR "unknown option '--bogus'")
  sbp_cli_case(flatten_bad_define 2 ARGS flatten -D NOEQUALS x.sb ERR "-D expects KEY=VALUE")
  sbp_cli_case(flatten_missing_file 66 ARGS flatten "${_sbp_cli_dir}/none.sb" ERR "none.sb")
  sbp_cli_case(flatten_param 0 ARGS flatten -D HOME=/Users/u "${_sbp_cli_dir}/simple.sb"
               OUT "^\\(version 1\\)\n\\(deny default\\)\n\\(allow file-read\\*\n  \\(subpath \"/Users/u/lib\"\\)\\)\n$")
  sbp_cli_case(flatten_symbolic 0 ARGS flatten --symbolic-params "${_sbp_cli_dir}/simple.sb"
               OUT "\\(subpath \\(string-append \\(param \"HOME\"\\) \"/lib\"\\)\\)")
  sbp_cli_case(flatten_missing_param 65 ARGS flatten "${_sbp_cli_dir}/simple.sb"
               ERR "simple.sb:3:18: error: string-append: expected a string, got boolean")
  sbp_cli_case(flatten_error 65 ARGS flatten "${_sbp_cli_dir}/bad.sb"
               ERR "bad.sb:2:8: error: unbound variable: bogus-op\n$")
  sbp_cli_case(flatten_concat 0 ARGS flatten "${_sbp_cli_dir}/common.sb" "${_sbp_cli_dir}/part.sb"
               OUT "\\(allow file-write\\*\n  \\(subpath \"/private/tmp\"\\)\\)\n\\(allow file-lock\\)")
  sbp_cli_case(flatten_import_dir 0 ARGS flatten -I "${_sbp_cli_dir}" "${_sbp_cli_dir}/common.sb"
               "${_sbp_cli_dir}/part.sb" OUT "file-lock")
  sbp_cli_case(flatten_stdin_ok 0 ARGS flatten -D HOME=/h - STDIN "${_sbp_cli_dir}/simple.sb"
               OUT "/h/lib")
  sbp_cli_case(flatten_stdin_error 65 ARGS flatten - STDIN "${_sbp_cli_dir}/bad.sb"
               ERR "^<stdin>:2:8: error: unbound variable: bogus-op")
  # The same text is rejected the same way by flatten and check (regex limits).
  foreach(_re count groups)
    set(_msg "regex-${_re}.sb:3:1: error: regex #\"")
    sbp_cli_case(flatten_regex_${_re} 65 ARGS flatten "${_sbp_cli_dir}/regex-${_re}.sb" ERR "${_msg}")
    sbp_cli_case(check_regex_${_re} 65 ARGS check -f "${_sbp_cli_dir}/regex-${_re}.sb"
                 file-read-data /a ERR "${_msg}")
  endforeach()
endif()
