# Golden tests of the sbprofile tool's lint, fmt, diff and build subcommands, and sweeps of
# lint, fmt --check and diff over the shared corpus.
#  - tests/data/lint/<case>.sb: `sbprofile lint` output in <case>.expected (ctest lint__<case>);
#    every lint code has a case that triggers it (<code>.sb) and one that does not
#    (<code>-ok.sb).
#  - tests/data/cli/<case>.cmd: any subcommand; output in <case>.expected (ctest cli__<case>).
#  - sbp_cli_corpus: every corpus file through lint, fmt --check, fmt idempotence, and diff.
# Regenerate an expected file after a deliberate change:
#   cmake -DSBP=build/tools/sbprofile -DDIR=tests/data/lint -DCASE=x -DKIND=lint -DUPDATE=1 \
#         -P tests/data/cli/run_golden.cmake
if(TARGET sbprofile_cli)
  # Where the sweep finds the corpus: SBP_CORPUS_DIR, else $SBPROFILE_CORPUS at configure
  # time, else ../shared/corpus beside the source tree.
  if(NOT SBP_CORPUS_DIR)
    if(DEFINED ENV{SBPROFILE_CORPUS})
      set(SBP_CORPUS_DIR "$ENV{SBPROFILE_CORPUS}")
    else()
      set(SBP_CORPUS_DIR "${PROJECT_SOURCE_DIR}/../shared/corpus")
    endif()
  endif()
  set(_sbp_golden "${CMAKE_CURRENT_SOURCE_DIR}/data/cli/run_golden.cmake")
  # Sanitizer reports must not pass for "something found" (exit 1).
  set(_sbp_cli_env ${SBP_TEST_ENV} "ASAN_OPTIONS=exitcode=86:detect_leaks=1"
      "UBSAN_OPTIONS=halt_on_error=1:exitcode=86:print_stacktrace=1")
  file(GLOB _sbp_lint_cases CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/data/lint/*.sb")
  foreach(_c ${_sbp_lint_cases})
    get_filename_component(_n ${_c} NAME_WE)
    add_test(NAME lint__${_n}
             COMMAND ${CMAKE_COMMAND} -DSBP=$<TARGET_FILE:sbprofile_cli>
                     -DDIR=${CMAKE_CURRENT_SOURCE_DIR}/data/lint -DCASE=${_n} -DKIND=lint
                     -P ${_sbp_golden})
    set_tests_properties(lint__${_n} PROPERTIES ENVIRONMENT "${_sbp_cli_env}")
  endforeach()
  file(GLOB _sbp_cli_cases CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/data/cli/*.cmd")
  foreach(_c ${_sbp_cli_cases})
    get_filename_component(_n ${_c} NAME_WE)
    add_test(NAME cli__${_n}
             COMMAND ${CMAKE_COMMAND} -DSBP=$<TARGET_FILE:sbprofile_cli>
                     -DDIR=${CMAKE_CURRENT_SOURCE_DIR}/data/cli -DCASE=${_n} -DKIND=cli
                     -P ${_sbp_golden})
    set_tests_properties(cli__${_n} PROPERTIES ENVIRONMENT "${_sbp_cli_env}")
  endforeach()
  add_test(NAME sbp_cli_write_files
           COMMAND ${CMAKE_COMMAND} -DSBP=$<TARGET_FILE:sbprofile_cli>
                   -DDATA=${CMAKE_CURRENT_SOURCE_DIR}/data/cli
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_write_files
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/data/cli/write_files.cmake)
  set_tests_properties(sbp_cli_write_files PROPERTIES ENVIRONMENT "${_sbp_cli_env}")
  add_test(NAME sbp_cli_manpage
           COMMAND ${CMAKE_COMMAND} -DSBP=$<TARGET_FILE:sbprofile_cli>
                   -DMAN=${PROJECT_SOURCE_DIR}/docs/sbprofile.1
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/data/cli/manpage_check.cmake)
  add_test(NAME sbp_cli_corpus
           COMMAND ${CMAKE_COMMAND} -DSBP=$<TARGET_FILE:sbprofile_cli>
                   -DCORPUS=${SBP_CORPUS_DIR}
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_corpus
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/data/cli/corpus_sweep.cmake)
  set_tests_properties(sbp_cli_corpus PROPERTIES ENVIRONMENT "${_sbp_cli_env}"
                       SKIP_REGULAR_EXPRESSION "SBP-SKIP" TIMEOUT 1500)
endif()
