# Command-line cases for the sbprofile tool: exit statuses and output.
if(TARGET sbprofile_cli)
  set(_sbp_cli_dir "${CMAKE_CURRENT_SOURCE_DIR}/cli")
  function(sbp_cli_case name rc)
    cmake_parse_arguments(C "" "OUT;ERR;STDIN;STDOUT" "ARGS" ${ARGN})
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
    if(DEFINED C_STDOUT)
      list(APPEND defs "-DSTDOUT=${C_STDOUT}")
    endif()
    string(REPLACE ";" "@@" cmd "$<TARGET_FILE:sbprofile_cli>;${C_ARGS}")
    add_test(NAME sbp_cli_${name}
             COMMAND ${CMAKE_COMMAND} "-DCMD=${cmd}" ${defs} -P "${_sbp_cli_dir}/check.cmake")
  endfunction()
  sbp_cli_case(help 0 ARGS --help OUT "flatten")
  sbp_cli_case(version 0 ARGS --version OUT "^sbprofile [0-9]+\\.[0-9]+\\.[0-9]+")
  sbp_cli_case(no_command 2 ERR "^sbprofile: no command given\nTry 'sbprofile --help'.\n$")
  sbp_cli_case(unknown_command 2 ARGS frobnicate
               ERR "^sbprofile: unknown command 'frobnicate'\nTry 'sbprofile --help'.\n$")
  sbp_cli_case(flatten_help 0 ARGS flatten --help OUT "--symbolic-params")
  sbp_cli_case(flatten_no_file 2 ARGS flatten ERR "no input file")

  # Usage errors, for every subcommand: the problem in one line and where to look, nothing
  # more (no help text); --help prints the help on stdout.
  set(_sbp_try_re "\nTry 'sbprofile [a-z]+ --help'.\n$")
  foreach(cmd flatten lint fmt diff build check explain)
    sbp_cli_case(${cmd}_usage_bogus 2 ARGS ${cmd} --bogus
                 ERR "^sbprofile ${cmd}: unknown option '--bogus'\nTry 'sbprofile ${cmd} --help'.\n$")
    sbp_cli_case(${cmd}_usage_help 0 ARGS ${cmd} --help OUT "^usage: sbprofile ${cmd} ")
    sbp_cli_case(${cmd}_usage_max_input 2 ARGS ${cmd} --max-input-size lots
                 ERR "^sbprofile ${cmd}: --max-input-size expects a number of bytes, got 'lots'${_sbp_try_re}")
  endforeach()
  sbp_cli_case(flatten_usage_missing 2 ARGS flatten
               ERR "^sbprofile flatten: no input file${_sbp_try_re}")
  sbp_cli_case(flatten_usage_define 2 ARGS flatten -D
               ERR "^sbprofile flatten: -D needs an argument${_sbp_try_re}")
  sbp_cli_case(lint_usage_missing 2 ARGS lint ERR "^sbprofile lint: no input file${_sbp_try_re}")
  sbp_cli_case(lint_usage_macos 2 ARGS lint --macos ten x.sb
               ERR "^sbprofile lint: --macos expects a version such as 14.4.1, got 'ten'${_sbp_try_re}")
  sbp_cli_case(lint_usage_color 2 ARGS lint --color=pink x.sb
               ERR "^sbprofile lint: --color expects auto, always or never${_sbp_try_re}")
  sbp_cli_case(fmt_usage_missing 2 ARGS fmt ERR "^sbprofile fmt: no input file${_sbp_try_re}")
  sbp_cli_case(fmt_usage_indent 2 ARGS fmt --indent x a.sb
               ERR "^sbprofile fmt: --indent expects a number${_sbp_try_re}")
  sbp_cli_case(diff_usage_one 2 ARGS diff a.sb
               ERR "^sbprofile diff: expected two files, OLD and NEW${_sbp_try_re}")
  sbp_cli_case(diff_usage_stdin 2 ARGS diff - -
               ERR "^sbprofile diff: only one of OLD and NEW can be standard input${_sbp_try_re}")
  sbp_cli_case(build_usage_no_value 2 ARGS build --deny-read
               ERR "^sbprofile build: --deny-read needs an argument${_sbp_try_re}")
  sbp_cli_case(build_usage_net 2 ARGS build --allow-net-out nowhere
               ERR "^sbprofile build: --allow-net-out expects HOST:PORT[^\n]*${_sbp_try_re}")
  sbp_cli_case(build_usage_path 2 ARGS build --allow-read relative
               ERR "^sbprofile build: --allow-read relative: [^\n]*${_sbp_try_re}")
  sbp_cli_case(build_usage_operand 2 ARGS build -- --allow-fork
               ERR "^sbprofile build: unexpected argument '--allow-fork'${_sbp_try_re}")
  sbp_cli_case(check_usage_no_op 2 ARGS check -f x.sb ERR "^sbprofile check: no operation${_sbp_try_re}")
  sbp_cli_case(check_usage_extra 2 ARGS check -f x.sb a b c
               ERR "^sbprofile check: unexpected argument 'c'${_sbp_try_re}")
  sbp_cli_case(explain_usage_f 2 ARGS explain -f
               ERR "^sbprofile explain: -f needs an argument${_sbp_try_re}")

  # Inputs: "--" ends the options, a directory is named as one, an endless input ends at the
  # size limit, standard input given twice is read once.
  sbp_cli_case(flatten_dashdash 66 ARGS flatten -- --not-an-option ERR "^sbprofile: --not-an-option: No such file")
  sbp_cli_case(flatten_directory 66 ARGS flatten "${_sbp_cli_dir}" ERR "cli: Is a directory\n$")
  sbp_cli_case(flatten_import_directory 65 ARGS flatten -I "${_sbp_cli_dir}"
               "${_sbp_cli_dir}/import_dir.sb" ERR "import_dir.sb:2:1: error: unable to open ../cli: [^\n]*: Is a directory\n$")
  sbp_cli_case(flatten_size_limit 66 ARGS flatten --max-input-size=100000 /dev/zero
               ERR "^sbprofile: /dev/zero: larger than the input limit of 100000 bytes")
  sbp_cli_case(flatten_size_limit_ok 0 ARGS flatten -D HOME=/h --max-input-size 1000
               "${_sbp_cli_dir}/simple.sb" OUT "/h/lib")
  sbp_cli_case(flatten_size_limit_low 66 ARGS flatten --max-input-size 10 "${_sbp_cli_dir}/simple.sb"
               ERR "larger than the input limit of 10 bytes")
  sbp_cli_case(lint_stdin_twice 65 ARGS lint --no-notes - - STDIN "${_sbp_cli_dir}/bad.sb"
               OUT "^<stdin>:2:8: error[^\n]*\n<stdin>:2:8: error[^\n]*\n$")
  # Output that cannot be written: the write error, exit 74.
  if(EXISTS /dev/full)
    foreach(cmd flatten lint diff check explain fmt)
      if(cmd STREQUAL "lint")
        set(_a lint "${_sbp_cli_dir}/bad.sb")
      elseif(cmd STREQUAL "diff")
        set(_a diff "${_sbp_cli_dir}/configd.sb" "${_sbp_cli_dir}/simple.sb")
      elseif(cmd STREQUAL "check" OR cmd STREQUAL "explain")
        set(_a ${cmd} -f "${_sbp_cli_dir}/configd.sb" mach-lookup x)
      elseif(cmd STREQUAL "fmt")
        set(_a fmt --stdout "${_sbp_cli_dir}/part.sb")
      else()
        set(_a flatten -D HOME=/h "${_sbp_cli_dir}/simple.sb")
      endif()
      sbp_cli_case(${cmd}_output_full 74 ARGS ${_a} STDOUT /dev/full
                   ERR "^sbprofile ${cmd}: cannot write standard output: No space left on device\n$")
    endforeach()
    sbp_cli_case(build_output_full 74 ARGS build STDOUT /dev/full
                 ERR "^sbprofile build: cannot write standard output: No space left on device\n$")
  endif()

  # build: the /private spelling, and the flags for what a python or git run needs.
  sbp_cli_case(build_private 0 ARGS build --allow-read /tmp --allow-write /var/folders/x
               --allow-exec /etc/x --allow-read /tmpfoo
               OUT "[(]subpath \"/private/tmp\"[)][)]\n[(]allow file-write[*]\n  [(]subpath \"/private/var/folders/x\"[)][)]\n[(]allow process-exec[*]\n  [(]subpath \"/private/etc/x\"[)][)]\n[(]allow file-read[*]\n  [(]subpath \"/tmpfoo\"[)][)]")
  sbp_cli_case(build_more_flags 0 ARGS build --import bsd.sb --allow-read-metadata /
               --allow-sysctl-read
               OUT "[(]import \"bsd.sb\"[)]\n[(]allow file-read-metadata\n  [(]subpath \"/\"[)][)]\n[(]allow sysctl-read[)]\n$")
  sbp_cli_case(build_help_exec 0 ARGS build --help OUT "process-exec[*] [(]subpath PATH[)]")
  # fmt in place through a symbolic link, keeping the file's permissions.
  add_test(NAME sbp_cli_fmt_in_place
           COMMAND ${CMAKE_COMMAND} "-DSBPROFILE=$<TARGET_FILE:sbprofile_cli>"
                   "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/fmt-in-place"
                   -P "${_sbp_cli_dir}/fmt_in_place.cmake")
  sbp_cli_case(flatten_bad_option 2 ARGS flatten --bogus x.sb ERR "unknown option '--bogus'")
  sbp_cli_case(flatten_bad_define 2 ARGS flatten -D NOEQUALS x.sb ERR "-D expects KEY=VALUE")
  sbp_cli_case(flatten_missing_file 66 ARGS flatten "${_sbp_cli_dir}/none.sb" ERR "none.sb")
  sbp_cli_case(flatten_param 0 ARGS flatten -D HOME=/Users/u "${_sbp_cli_dir}/simple.sb"
               OUT "^\\(version 1\\)\n\\(deny default\\)\n\\(allow file-read\\*\n  \\(subpath \"/Users/u/lib\"\\)\\)\n$")
  sbp_cli_case(flatten_symbolic 0 ARGS flatten --symbolic-params "${_sbp_cli_dir}/simple.sb"
               OUT "\\(subpath \\(string-append \\(param \"HOME\"\\) \"/lib\"\\)\\)")
  sbp_cli_case(flatten_missing_param 65 ARGS flatten "${_sbp_cli_dir}/simple.sb"
               ERR "simple.sb:3:18: error: parameter \"HOME\" has no value: give -D HOME=VALUE, or --symbolic-params to keep it \\(string-append: expected a string, got boolean\\)")
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
