# tests/test_cxx.cpp: the umbrella header used from C++ (extern "C" guards, no C-only syntax),
# linked against the library. Only when a C++ compiler is available.
include(CheckLanguage)
if(NOT CMAKE_CXX_COMPILER_LOADED)
  check_language(CXX)
  if(CMAKE_CXX_COMPILER)
    enable_language(CXX)
  endif()
endif()

if(CMAKE_CXX_COMPILER_LOADED)
  add_executable(test_cxx "${CMAKE_CURRENT_SOURCE_DIR}/test_cxx.cpp")
  target_link_libraries(test_cxx PRIVATE sbprofile::sbprofile)
  set_target_properties(test_cxx PROPERTIES CXX_STANDARD 11 CXX_STANDARD_REQUIRED ON
                                            CXX_EXTENSIONS OFF)
  if(NOT MSVC)
    target_compile_options(test_cxx PRIVATE -Wall -Wextra -pedantic
                           $<$<BOOL:${SBP_WARNINGS_AS_ERRORS}>:-Werror>)
  endif()
  add_test(NAME sbp_cxx COMMAND test_cxx)
  set_tests_properties(sbp_cxx PROPERTIES ENVIRONMENT "${SBP_TEST_ENV}")
else()
  message(STATUS "sbprofile: no C++ compiler; tests/test_cxx.cpp is not built")
endif()
