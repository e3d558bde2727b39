# The README's C example is compiled and run as a test, so that it never goes stale: the first
# ```c block of README.md is written into the build tree at configure time.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/README.md")
file(READ "${PROJECT_SOURCE_DIR}/README.md" _sbp_readme)
string(REGEX MATCH "```c\n(.*)" _sbp_tail "${_sbp_readme}")
string(FIND "${CMAKE_MATCH_1}" "\n```" _sbp_end)
if(_sbp_tail AND _sbp_end GREATER 0)
  string(SUBSTRING "${CMAKE_MATCH_1}" 0 ${_sbp_end} _sbp_example)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/readme_example.c" "${_sbp_example}\n")
  add_executable(readme_example "${CMAKE_CURRENT_BINARY_DIR}/readme_example.c")
  target_link_libraries(readme_example PRIVATE sbprofile::sbprofile)
  target_compile_options(readme_example PRIVATE ${SBP_WARNING_FLAGS})
  add_test(NAME sbp_readme_example COMMAND readme_example)
  set_tests_properties(sbp_readme_example PROPERTIES
    PASS_REGULAR_EXPRESSION "global-name \"com.apple.SystemConfiguration.configd\"")
else()
  message(FATAL_ERROR "README.md has no ```c example block")
endif()
