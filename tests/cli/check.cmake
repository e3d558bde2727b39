# Runs one command-line case: -DCMD=<arguments joined by @@> [-DSTDIN=file] [-DSTDOUT=file]
# -DEXPECT_RC=n [-DEXPECT_OUT=regex] [-DEXPECT_ERR=regex]; fails unless all hold.
string(REPLACE "@@" ";" CMD "${CMD}")
if(DEFINED STDOUT)
  execute_process(COMMAND ${CMD} OUTPUT_FILE "${STDOUT}" RESULT_VARIABLE rc
                  ERROR_VARIABLE err)
  set(out "")
elseif(DEFINED STDIN)
  execute_process(COMMAND ${CMD} INPUT_FILE "${STDIN}" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
else()
  execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
endif()
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "exit status ${rc}, expected ${EXPECT_RC}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED EXPECT_OUT AND NOT out MATCHES "${EXPECT_OUT}")
  message(FATAL_ERROR "stdout does not match '${EXPECT_OUT}':\n${out}")
endif()
if(DEFINED EXPECT_ERR AND NOT err MATCHES "${EXPECT_ERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_ERR}':\n${err}")
endif()
