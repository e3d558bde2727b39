# Tests of the library's internal interfaces (lib/*.h) need symbols that the shared library
# does not export (it exports exactly sbp_*). They link a static copy of the library's
# sources instead; with a static build the library itself serves.
if(NOT TARGET sbprofile_internal)
  if(BUILD_SHARED_LIBS)
    add_library(sbprofile_internal STATIC ${SBP_LIB_SOURCES})
    target_include_directories(sbprofile_internal
      PUBLIC "${PROJECT_SOURCE_DIR}/include" "${PROJECT_BINARY_DIR}/include"
             "${PROJECT_SOURCE_DIR}/lib")
    target_compile_definitions(sbprofile_internal PUBLIC SBP_STATIC PRIVATE SBP_BUILDING)
    target_compile_options(sbprofile_internal PRIVATE ${SBP_WARNING_FLAGS})
  else()
    add_library(sbprofile_internal INTERFACE)
    target_link_libraries(sbprofile_internal INTERFACE sbprofile)
  endif()
endif()
# Other fragments may list their internal tests in SBP_INTERNAL_TESTS before this one runs,
# or link sbprofile_internal themselves.
list(APPEND SBP_INTERNAL_TESTS test_reader test_format)
list(REMOVE_DUPLICATES SBP_INTERNAL_TESTS)
foreach(_sbp_t ${SBP_INTERNAL_TESTS})
  if(TARGET ${_sbp_t})
    target_link_libraries(${_sbp_t} PRIVATE sbprofile_internal)
  endif()
endforeach()
