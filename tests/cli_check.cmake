# Command-line cases for sbprofile check and explain (after cli.cmake, which defines
# sbp_cli_case): the decision on the first line, the deciding rule with its position, the
# flags, and the exit status of each decision.
if(TARGET sbprofile_cli)
  set(_p "${CMAKE_CURRENT_SOURCE_DIR}/cli/configd.sb")
  sbp_cli_case(check_help 0 ARGS check --help OUT "--attr NAME=VALUE")
  sbp_cli_case(check_allow 0 ARGS check -f "${_p}" mach-lookup com.apple.SystemConfiguration.configd
               OUT "^allow\n[^\n]*configd.sb:4:1: \\(allow mach-lookup \\(global-name \"com.apple.SystemConfiguration.configd\" \"com.apple.trustd.agent\"\\)\\)\n$")
  sbp_cli_case(check_deny 1 ARGS check -f "${_p}" mach-lookup com.apple.coreservices.launchservicesd
               OUT "^deny\n[^\n]*configd.sb:3:1: \\(deny default\\)\n$")
  sbp_cli_case(check_net_allow 0 ARGS check -f "${_p}" network-outbound tcp:localhost:8080
               OUT "^allow\n[^\n]*configd.sb:6:1: \\(allow network-outbound \\(remote tcp \"localhost:\\*\"\\)\\)")
  sbp_cli_case(check_net_deny 1 ARGS check -f "${_p}" network-outbound udp:*:53 OUT "^deny\n")
  sbp_cli_case(check_unix_socket 0 ARGS check -f "${_p}" network-outbound
               /private/var/run/mDNSResponder OUT "^allow\n[^\n]*configd.sb:7:1:")
  sbp_cli_case(check_unknown 3 ARGS check -f "${_p}" file-read-data /Users/u/x
               OUT "^unknown\n.*flag: missing-attribute.*skipped: [^\n]*configd.sb:8:1:")
  sbp_cli_case(check_param 0 ARGS check -f "${_p}" -D ROOT=/Users/u file-read-data /Users/u/x
               OUT "^allow\n[^\n]*configd.sb:8:1: \\(allow file-read\\* \\(subpath \"/Users/u\"\\)\\)")
  # The kernel sees /etc as /private/etc: without the mapping no rule matches /etc paths.
  sbp_cli_case(check_canonical 0 ARGS check -f "${_p}" -D ROOT=/u --canonical-paths
               file-read-data /etc/hosts OUT "^allow\n[^\n]*configd.sb:10:1:")
  # The narrow deny (line 9) stands before the broad allow (line 10): among filtered rules the
  # last written wins, so the secret is readable.
  sbp_cli_case(check_later_wins 0 ARGS check -f "${_p}" -D ROOT=/u file-read-data
               /private/etc/secret/key OUT "^allow\n[^\n]*configd.sb:10:1:")
  sbp_cli_case(check_stdin 1 STDIN "${_p}" ARGS check mach-lookup x OUT "^deny\n[^\n]*<stdin>:3:1:")
  sbp_cli_case(check_attr 1 ARGS check -f "${_p}" --attr signing-identifier=com.x
               mach-lookup x OUT "^deny\n")
  sbp_cli_case(check_bad_attr 2 ARGS check -f "${_p}" --attr nothing mach-lookup x
               ERR "^sbprofile check: --attr nothing: expects NAME=VALUE\nTry 'sbprofile check --help'.\n$")
  sbp_cli_case(check_bad_target 2 ARGS check -f "${_p}" network-outbound tcp:nohostport
               ERR "sbprofile check:")
  sbp_cli_case(check_no_op 2 ARGS check -f "${_p}" ERR "no operation")
  sbp_cli_case(check_macos 1 ARGS check -f "${_p}" --macos 10.15 mach-lookup x OUT "^deny\n")
  sbp_cli_case(check_bad_macos 2 ARGS check -f "${_p}" --macos ten mach-lookup x ERR "--macos")
  sbp_cli_case(check_profile_error 65 ARGS check -f "${CMAKE_CURRENT_SOURCE_DIR}/cli/bad.sb"
               mach-lookup x ERR "bad.sb:2:8: error: unbound variable: bogus-op")
  sbp_cli_case(explain_deny 1 ARGS explain -f "${_p}" mach-lookup com.apple.x
               OUT "chain: mach-lookup -> mach\\* -> default\n.*decision: deny by \\(deny default\\)")
  sbp_cli_case(explain_help 0 ARGS explain --help OUT "Explains how the profile decides")
endif()
# A long deciding rule: check shows its head, the filter that matched and the modifiers, the
# other filters elided; explain keeps the full text.
if(TARGET sbprofile_cli)
  set(_l "${CMAKE_CURRENT_SOURCE_DIR}/cli/long_rule.sb")
  sbp_cli_case(check_long_rule 0 ARGS check -f "${_l}" file-read-data /usr/lib/libc.dylib
               OUT "^allow\n[^\n]*long_rule.sb:4:1: [(]allow file-read[*] [(]subpath \"/usr/lib\"[)] [.][.][.] [(]with report[)][)]  \\[12 other filters elided; the full rule: sbprofile explain\\]\n$")
  sbp_cli_case(check_long_rule_literal 0 ARGS check -f "${_l}" file-read-data /opt/tool/share/data-07
               OUT "^allow\n[^\n]*long_rule.sb:4:1: [(]allow file-read[*] [(]literal \"/opt/tool/share/data-07\"[)] [.][.][.] [(]with report[)][)]  \\[12 other")
  sbp_cli_case(explain_long_rule 0 ARGS explain -f "${_l}" file-read-data /usr/lib/libc.dylib
               OUT "data-00\"[)] [^\n]*data-11\"[)] [(]subpath \"/usr/lib\"[)]")
endif()
