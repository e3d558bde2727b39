// The whole public API seen from C++: the umbrella header must compile as C++11 (extern "C"
// guards, no C-only syntax), and a C++ program must link against the C library and call it.
#include "sbprofile.h"

#include <cstdio>
#include <cstring>

static int check(bool ok, const char *what) {
  if (!ok) std::fprintf(stderr, "test_cxx: %s\n", what);
  return ok ? 0 : 1;
}

int main() {
  int failures = 0;
  failures += check(sbp_version() == SBP_VERSION_NUMBER, "sbp_version() != SBP_VERSION_NUMBER");
  failures += check(std::strcmp(sbp_version_string(), SBP_VERSION_STRING) == 0,
                    "sbp_version_string() != SBP_VERSION_STRING");

  sbp_profile *p = nullptr;
  failures += check(sbp_profile_new(&p, nullptr) == SBP_OK, "sbp_profile_new failed");
  sbp_error err = SBP_ERROR_INIT;
  failures += check(sbp_profile_set_version(p, 1, &err) == SBP_OK, "set_version failed");
  failures += check(sbp_profile_version(p) == 1, "version is not 1");
  failures += check(sbp_node_type_of(sbp_profile_root(p)) == SBP_NODE_PROFILE,
                    "the root is not a profile node");
  sbp_profile_free(p);

  failures += check(std::strcmp(sbp_status_name(SBP_E_NOMEM), "SBP_E_NOMEM") == 0,
                    "sbp_status_name(SBP_E_NOMEM)");
  std::printf("test_cxx: %s\n", failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
