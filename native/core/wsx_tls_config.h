/*
 * Compile-time defaults for the mbedTLS transport core. Every one of them can
 * be overridden with -D (or in a Moddable manifest's "defines"); the maximum
 * fragment length can also be set per host at run time.
 */
#ifndef WSX_TLS_CONFIG_H
#define WSX_TLS_CONFIG_H

/* In a Moddable build, the manifest's "defines": { "wsx_tls": { ... } } arrive as MODDEF_WSX_TLS_*. */
#if defined(__has_include)
#if __has_include("mc.defines.h")
#include "mc.defines.h"
#endif
#endif
#if defined(MODDEF_WSX_TLS_MAX_FRAGMENT_LENGTH) && !defined(WSX_TLS_MAX_FRAGMENT_LENGTH)
#define WSX_TLS_MAX_FRAGMENT_LENGTH MODDEF_WSX_TLS_MAX_FRAGMENT_LENGTH
#endif

/* Output buffer a connection keeps after the caller took its ciphertext (bytes);
 * a larger one (a handshake flight, a big record) is freed, so an idle
 * connection holds at most this much besides mbedTLS's own buffers. */
#ifndef WSX_TLS_OUTPUT_KEEP
#define WSX_TLS_OUTPUT_KEEP 512
#endif

/* Maximum fragment length (RFC 6066) to ask the server for: 0 (do not ask),
 * 512, 1024, 2048 or 4096. Smaller records let a device built with small
 * MBEDTLS_SSL_IN_CONTENT_LEN receive from servers that honour the extension. */
#ifndef WSX_TLS_MAX_FRAGMENT_LENGTH
#define WSX_TLS_MAX_FRAGMENT_LENGTH 0
#endif

/* Longest error message (a failed connection allocates it; an open one holds none). */
#ifndef WSX_TLS_ERROR_SIZE
#define WSX_TLS_ERROR_SIZE 256
#endif

#endif
