# cmake -P script: regenerate the catalog into OUT and compare it with COMMITTED.
# Variables: PYTHON, GENERATOR, SPEC, COMMITTED, OUT.
execute_process(
  COMMAND "${PYTHON}" "${GENERATOR}" --spec "${SPEC}" --out "${OUT}"
  RESULT_VARIABLE rc
  ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gen_catalog.py failed (${rc}): ${err}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}" "${COMMITTED}"
  RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR
    "lib/catalog_data.c differs from what tools/gen_catalog.py makes from ${SPEC}; "
    "regenerate it (python3 tools/gen_catalog.py) and commit the result. "
    "Regenerated copy: ${OUT}")
endif()
message(STATUS "lib/catalog_data.c matches its generator")
