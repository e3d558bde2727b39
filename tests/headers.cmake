# Header self-containment (conventions R6.4) and tests/test_cxx.cpp.
#
# Header self-containment: every public header, compiled on its own, first
# as C11 and then, when a C++ compiler is available, as C++. Each check is a tiny translation
# unit that includes the header twice (the include guard must hold) and nothing else; it is
# compiled with strict flags and -Werror at build time, so a header that is not self-contained
# or not warning-clean breaks the build. The list of headers is globbed: new headers are
# checked as soon as they exist.
include(CheckLanguage)
if(NOT CMAKE_CXX_COMPILER_LOADED)
  check_language(CXX)
  if(CMAKE_CXX_COMPILER)
    enable_language(CXX)
  endif()
endif()

file(GLOB SBP_HEADERTEST_HEADERS CONFIGURE_DEPENDS
     "${PROJECT_SOURCE_DIR}/include/*.h" "${PROJECT_SOURCE_DIR}/include/sbprofile/*.h")
list(APPEND SBP_HEADERTEST_HEADERS "${PROJECT_BINARY_DIR}/include/sbprofile/version.h")

set(SBP_HEADERTEST_DIR "${CMAKE_CURRENT_BINARY_DIR}/headertest")
set(SBP_HEADERTEST_C_SOURCES)
set(SBP_HEADERTEST_CXX_SOURCES)
foreach(header ${SBP_HEADERTEST_HEADERS})
  # "include/sbprofile/iter.h" -> "sbprofile/iter.h" and the stem "sbprofile_iter".
  get_filename_component(dir "${header}" DIRECTORY)
  get_filename_component(base "${header}" NAME)
  get_filename_component(dirname "${dir}" NAME)
  if(dirname STREQUAL "sbprofile")
    set(rel "sbprofile/${base}")
  else()
    set(rel "${base}")
  endif()
  string(REGEX REPLACE "[^A-Za-z0-9]" "_" stem "${rel}")
  set(SBP_HEADERTEST_REL "${rel}")
  set(SBP_HEADERTEST_STEM "${stem}")
  configure_file("${CMAKE_CURRENT_SOURCE_DIR}/headers/headertest.c.in"
                 "${SBP_HEADERTEST_DIR}/${stem}.c" @ONLY)
  list(APPEND SBP_HEADERTEST_C_SOURCES "${SBP_HEADERTEST_DIR}/${stem}.c")
  if(CMAKE_CXX_COMPILER_LOADED)
    configure_file("${CMAKE_CURRENT_SOURCE_DIR}/headers/headertest.c.in"
                   "${SBP_HEADERTEST_DIR}/${stem}.cpp" @ONLY)
    list(APPEND SBP_HEADERTEST_CXX_SOURCES "${SBP_HEADERTEST_DIR}/${stem}.cpp")
  endif()
endforeach()

# Only the include paths of the library, none of its flags: the headers must stand alone.
set(SBP_HEADERTEST_INCLUDES "${PROJECT_SOURCE_DIR}/include" "${PROJECT_BINARY_DIR}/include")

add_library(sbp_headertest_c OBJECT ${SBP_HEADERTEST_C_SOURCES})
target_include_directories(sbp_headertest_c PRIVATE ${SBP_HEADERTEST_INCLUDES})
if(MSVC)
  target_compile_options(sbp_headertest_c PRIVATE /W4 /WX)
else()
  target_compile_options(sbp_headertest_c PRIVATE -std=c11 -Wall -Wextra -pedantic -Werror)
endif()

if(CMAKE_CXX_COMPILER_LOADED)
  add_library(sbp_headertest_cxx OBJECT ${SBP_HEADERTEST_CXX_SOURCES})
  target_include_directories(sbp_headertest_cxx PRIVATE ${SBP_HEADERTEST_INCLUDES})
  if(MSVC)
    target_compile_options(sbp_headertest_cxx PRIVATE /W4 /WX)
  else()
    target_compile_options(sbp_headertest_cxx PRIVATE -std=c++11 -Wall -Wextra -pedantic -Werror)
  endif()
else()
  message(STATUS "sbprofile: no C++ compiler; the headers are checked as C only")
endif()

# tests/test_cxx.cpp: the umbrella header used from C++ (extern "C" guards, no C-only syntax),
# linked against the library and calling it.
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
