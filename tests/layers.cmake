# The layers of lib/ (docs/architecture.md): tools/check-layers.py fails on an include or a
# declaration that runs up a layer, on a circle between files, and on a prototype written by
# hand, except the known exceptions the document lists. sbp_layers_self_test plants each kind
# of fault in a copy of lib/ and checks that the check catches it.
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND)
  add_test(NAME sbp_layers
    COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/tools/check-layers.py" "${PROJECT_SOURCE_DIR}")
  add_test(NAME sbp_layers_self_test
    COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/tools/check-layers.py" --self-test
            "${PROJECT_SOURCE_DIR}")
else()
  foreach(_sbp_t sbp_layers sbp_layers_self_test)
    add_test(NAME ${_sbp_t} COMMAND "${CMAKE_COMMAND}" -E echo
             "SKIPPED: the layer check needs python3, which was not found")
    set_tests_properties(${_sbp_t} PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED:")
  endforeach()
endif()
