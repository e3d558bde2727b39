# The Python binding as users install it: `pip install ./bindings/python` into a scratch
# target, the library installed to a scratch prefix (cmake --install), then, from another
# directory, the installed package finds the library through SBPROFILE_PREFIX and through
# pkg-config (PKG_CONFIG_PATH), decides a request, and ships its type stub (py.typed, .pyi).
#   cmake -DPYTHON=python3 -DSRC=<source dir> -DBUILD=<build dir> -DWORK=<scratch>
#         [-DPKG_CONFIG=pkg-config] [-DPROBE_ENV=VAR=VALUE;...] -P pip_install.cmake
# PROBE_ENV is set for the interpreter that loads the library (a sanitizer's runtime).
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pip_install: ${what} failed (${rc}):\n${ARGN}\n${out}")
  endif()
  set(last_out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/elsewhere")
run("installing the library" ${CMAKE_COMMAND} --install "${BUILD}" --prefix "${WORK}/prefix")
# pip copies the source tree to build it: keep that copy out of the source tree too.
file(COPY "${SRC}/bindings/python/" DESTINATION "${WORK}/src"
     PATTERN "__pycache__" EXCLUDE PATTERN "*.egg-info" EXCLUDE)
run("pip install" ${CMAKE_COMMAND} -E env PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
    ${PYTHON} -m pip install --quiet --no-deps --target "${WORK}/site"
    "${WORK}/src")
foreach(f sbprofile/__init__.py sbprofile/_ffi.py sbprofile/__init__.pyi sbprofile/py.typed)
  if(NOT EXISTS "${WORK}/site/${f}")
    message(FATAL_ERROR "pip_install: the installed package lacks ${f}")
  endif()
endforeach()

set(probe [=[
import os, sys
import sbprofile
assert sbprofile.__file__.startswith(os.environ["SITE"]), sbprofile.__file__
lib = os.path.realpath(sbprofile.library_path())
assert lib.startswith(os.path.realpath(os.environ["PREFIX"])), lib
p = sbprofile.Profile(version=1)
print("empty:", p.check("file-read-data", "/x").result)
p.add_default("deny")
p.add_mach_lookup("allow", "com.apple.SystemConfiguration.configd")
print("configd:", p.check("mach-lookup", "com.apple.SystemConfiguration.configd").result)
]=])
file(WRITE "${WORK}/elsewhere/probe.py" "${probe}")
set(common SITE=${WORK}/site PREFIX=${WORK}/prefix PYTHONPATH=${WORK}/site
    PYTHONDONTWRITEBYTECODE=1 --unset=SBPROFILE_LIB)
set(ways "SBPROFILE_PREFIX=${WORK}/prefix")
if(PKG_CONFIG)
  file(GLOB_RECURSE pcs "${WORK}/prefix/*/sbprofile.pc")
  get_filename_component(pcdir "${pcs}" DIRECTORY)
  list(APPEND ways "PKG_CONFIG_PATH=${pcdir}")
endif()
foreach(way IN LISTS ways)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${common} ${PROBE_ENV} --unset=SBPROFILE_PREFIX ${way}
                          ${PYTHON} probe.py
                  WORKING_DIRECTORY "${WORK}/elsewhere" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL "empty: unknown\nconfigd: allow\n")
    message(FATAL_ERROR "pip_install: with ${way}: (${rc})\n${out}${err}")
  endif()
  message(STATUS "pip_install: found the installed library with ${way}")
endforeach()
file(REMOVE_RECURSE "${WORK}")
