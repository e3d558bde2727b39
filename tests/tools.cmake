# The comparison script tools/compare-flatten.py on made-up profiles (tests/data/compare):
# aliases fold (literal = path, no-log = no-report, process-exec = process-exec*), the
# alternatives of one rule have no order, rule order on an operation does.
find_program(SBP_PYTHON3_TOOLS NAMES python3)
if(TARGET sbprofile_cli AND SBP_PYTHON3_TOOLS)
  set(_sbp_cmp ${SBP_PYTHON3_TOOLS} "${PROJECT_SOURCE_DIR}/tools/compare-flatten.py"
      --sbprofile $<TARGET_FILE:sbprofile_cli>)
  set(_sbp_cmp_dir "${CMAKE_CURRENT_SOURCE_DIR}/data/compare")
  add_test(NAME sbp_compare_flatten_same
           COMMAND ${_sbp_cmp} ${_sbp_cmp_dir}/ours.sb ${_sbp_cmp_dir}/same.sb)
  set_tests_properties(sbp_compare_flatten_same PROPERTIES
    PASS_REGULAR_EXPRESSION "summary: 4 operations, 7 atoms in [^,]*, 7 in [^,]*, 0 differences")
  add_test(NAME sbp_compare_flatten_differs
           COMMAND ${_sbp_cmp} ${_sbp_cmp_dir}/ours.sb ${_sbp_cmp_dir}/theirs.sb)
  set_tests_properties(sbp_compare_flatten_differs PROPERTIES
    PASS_REGULAR_EXPRESSION
    "file-write\\*: same atoms in another order, from atom 1: \\(deny \\(subpath \"/c\"\\)\\) against \\(allow \\(subpath \"/c/d\"\\)\\)\nnetwork-outbound: only in [^\n]*theirs.sb: \\(allow \\*\\)\nsummary: 5 operations, 7 atoms in [^,]*, 8 in [^,]*, 2 differences")
endif()
