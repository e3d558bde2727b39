# Installs the Node binding's dependencies (koffi, and typescript to check index.d.ts) from
# the npm registry with `npm ci`, into DEST (a directory of the build tree), unless they are
# already there or in SRC/node_modules.
# Run by the ctest fixture sbp_binding_node_deps:
#   cmake -DNPM=npm -DSRC=bindings/node -DDEST=build/bindings/node -P install-deps.cmake
foreach(var NPM SRC DEST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install-deps.cmake: -D${var}=... is required")
  endif()
endforeach()
if(EXISTS "${SRC}/node_modules/koffi/package.json" AND
   EXISTS "${SRC}/node_modules/typescript/package.json")
  message(STATUS "koffi already installed in ${SRC}/node_modules")
  return()
endif()
file(MAKE_DIRECTORY "${DEST}")
foreach(f package.json package-lock.json)
  configure_file("${SRC}/${f}" "${DEST}/${f}" COPYONLY)
endforeach()
if(EXISTS "${DEST}/node_modules/koffi/package.json" AND
   EXISTS "${DEST}/node_modules/typescript/package.json")
  message(STATUS "koffi already installed in ${DEST}/node_modules")
  return()
endif()
# koffi ships prebuilt binaries for every platform it supports, so its install script (which
# would only look for them, or build from source) is not needed.
execute_process(
  COMMAND "${NPM}" ci --ignore-scripts --no-audit --no-fund --loglevel=error
  WORKING_DIRECTORY "${DEST}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${rc}): the Node binding tests need koffi and typescript from the npm registry")
endif()
message(STATUS "koffi and typescript installed in ${DEST}/node_modules")
