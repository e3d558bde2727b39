/* Network addresses of requests and filters: the protocol names and loopback hosts, shared
 * by request.c (reading a request's address) and decide.c (matching it). */
#ifndef SBP_LIB_NETADDR_H
#define SBP_LIB_NETADDR_H

#include <stddef.h>
#include <stdint.h>

/* Network protocol bits: v4, v6, tcp, udp (the catalog's encoding of ip4=1 ... udp=11). */
#define SBP__NET_V4 1u
#define SBP__NET_V6 2u
#define SBP__NET_TCP 4u
#define SBP__NET_UDP 8u

/* The protocol bits of a protocol name ("ip", "tcp4", "udp6", ...), 0 for an unknown one. */
uint32_t sbp__net_proto_bits(const char *p, size_t len);
/* 1 when the host is localhost or a loopback address (127.*, ::1, ::ffff:127.*); 0 for NULL. */
int sbp__net_is_loopback(const char *h);

#endif
