# test_version fills sbp_buf values through the internal buffer API (lib/buf.h), which the
# shared library does not export; no public call fills a buffer on its own yet. Compiling the
# two small sources into the test makes sbp__buf_* available in shared and static builds alike.
target_sources(test_version PRIVATE "${PROJECT_SOURCE_DIR}/lib/buf.c"
                                    "${PROJECT_SOURCE_DIR}/lib/alloc.c")
