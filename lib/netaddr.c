#include "netaddr.h"

#include <string.h>

int sbp__net_is_loopback(const char *h) {
  if (h == NULL) return 0;
  if (strcmp(h, "localhost") == 0 || strcmp(h, "::1") == 0) return 1;
  if (strncmp(h, "127.", 4) == 0) return 1;
  if (strncmp(h, "::ffff:127.", 11) == 0) return 1;
  return 0;
}

uint32_t sbp__net_proto_bits(const char *p, size_t len) {
  static const struct { const char *n; uint32_t b; } t[] = {
      {"ip", 3}, {"ip4", 1}, {"ip6", 2}, {"tcp", 7}, {"tcp4", 5},
      {"tcp6", 6}, {"udp", 11}, {"udp4", 9}, {"udp6", 10}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strlen(t[i].n) == len && memcmp(t[i].n, p, len) == 0) return t[i].b;
  return 0;
}
