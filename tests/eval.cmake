# The evaluator's tests use internal interfaces (lib/*.h), so they link a static copy of the
# library's sources (the same target tests/reader.cmake sets up; whichever runs first makes it).
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
foreach(_sbp_t test_eval test_corpus)
  if(TARGET ${_sbp_t})
    target_link_libraries(${_sbp_t} PRIVATE sbprofile_internal)
  endif()
endforeach()
