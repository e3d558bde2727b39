# Command-line cases for sbprofile suggest (after cli.cmake, which defines sbp_cli_case): exit
# statuses and the lines that carry the answer. The full outputs are golden cases in
# tests/data/cli/suggest-*.
if(TARGET sbprofile_cli)
  set(_d "${CMAKE_CURRENT_SOURCE_DIR}/data/cli")
  set(_c "${CMAKE_CURRENT_SOURCE_DIR}/cli")
  # The uv/configd denial becomes the rule, with the note on what configd gives.
  sbp_cli_case(suggest_configd 0 ARGS suggest "${_d}/uv-configd.log"
               OUT "\\(allow mach-lookup \\(global-name \"com.apple.SystemConfiguration.configd\"\\)\\)\n"
               ERR "^$")
  sbp_cli_case(suggest_configd_note 0 ARGS suggest "${_d}/uv-configd.log"
               OUT ";;   note: configd's dynamic store[^\n]*Attempted to create a NULL object")
  # The deny the new rule must follow is named by position.
  sbp_cli_case(suggest_denied_by 0 ARGS suggest -f "${_d}/suggest-base.sb" "${_d}/uv-configd.log"
               OUT ";;   denied by \\(deny default\\) at [^\n]*suggest-base.sb:2:1\n;;   placed after [^\n]*suggest-base.sb:2:1\n\\(allow mach-lookup")
  sbp_cli_case(suggest_already_allowed 0 ARGS suggest -f "${_c}/configd.sb" -
               STDIN "${_d}/uv-configd.log"
               OUT "the profile already allows it, by \\(allow mach-lookup[^\n]* at [^\n]*configd.sb:4:1")
  sbp_cli_case(suggest_bad_profile 65 ARGS suggest -f "${_c}/bad.sb" "${_d}/uv-configd.log"
               ERR "bad.sb:2:8: error: unbound variable: bogus-op")
  sbp_cli_case(suggest_missing_log 66 ARGS suggest "${_d}/none.log" ERR "none.log")
  sbp_cli_case(suggest_both_stdin 2 ARGS suggest -f - -
               ERR "cannot both be standard input\nTry 'sbprofile suggest --help'.\n$")
  sbp_cli_case(suggest_apply_diff 2 ARGS suggest -f "${_c}/configd.sb" --apply --diff x.log
               ERR "exclude each other")
  sbp_cli_case(suggest_bad_macos 2 ARGS suggest --macos 9.x x.log ERR "--macos expects")
  sbp_cli_case(suggest_no_reports 0 ARGS suggest "${_c}/simple.sb" OUT "^$"
               ERR "no denial reports in the input")
endif()
