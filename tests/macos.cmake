# The Mac kit (tests/macos/probe-facts.sh) runs only on macOS, in .github/workflows/macos.yml.
# Here it is checked that it has a probe for every row of the facts table (lib/facts.c), so
# that a fact added to the table is not left unmeasured, and that it refuses to run elsewhere.
find_program(SBP_BASH NAMES bash)
if(SBP_BASH)
  add_test(NAME sbp_macos_kit_covers_facts
           COMMAND ${CMAKE_COMMAND} -DBASH=${SBP_BASH}
                   -DKIT=${CMAKE_CURRENT_SOURCE_DIR}/macos/probe-facts.sh
                   -DFACTS=${PROJECT_SOURCE_DIR}/lib/facts.c
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/macos/covers_facts.cmake)
endif()
