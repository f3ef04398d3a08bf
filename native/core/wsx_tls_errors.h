/* Text for mbedTLS error codes and X.509 verify flags (internal to the core). */
#ifndef WSX_TLS_ERRORS_H
#define WSX_TLS_ERRORS_H

#include <stddef.h>
#include <stdint.h>

/* A sentence for an mbedTLS (or MBEDTLS_ERR_NET_*) error code, ending with the code in hex. */
void wsx_tls_describe_error(int code, char *out, size_t size);

/* The faults named by X.509 verify flags, e.g. "not signed by a trusted CA (unknown CA); expired".
 * name: what the certificate was checked against (NULL: nothing); is_ip: it is an address. */
void wsx_tls_describe_verify(uint32_t flags, const char *name, int is_ip, char *out, size_t size);

/* An address of 4 or 16 bytes as text (dotted quad, or IPv6 hex groups with "::"). */
void wsx_tls_format_ip(const unsigned char *ip, size_t len, char *out, size_t size);

#endif
