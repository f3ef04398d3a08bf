/*
 * Compile-time defaults for the mbedTLS transport core. Every one of them can
 * be overridden with -D (or in a Moddable manifest's "defines"), and the two
 * buffer sizes can also be set per connection at run time.
 */
#ifndef WSX_TLS_CONFIG_H
#define WSX_TLS_CONFIG_H

/* In a Moddable build, the manifest's "defines": { "wsx_tls": { ... } } arrive as MODDEF_WSX_TLS_*. */
#if defined(__has_include)
#if __has_include("mc.defines.h")
#include "mc.defines.h"
#endif
#endif
#if defined(MODDEF_WSX_TLS_READ_BUFFER_SIZE) && !defined(WSX_TLS_READ_BUFFER_SIZE)
#define WSX_TLS_READ_BUFFER_SIZE MODDEF_WSX_TLS_READ_BUFFER_SIZE
#endif
#if defined(MODDEF_WSX_TLS_MAX_FRAGMENT_LENGTH) && !defined(WSX_TLS_MAX_FRAGMENT_LENGTH)
#define WSX_TLS_MAX_FRAGMENT_LENGTH MODDEF_WSX_TLS_MAX_FRAGMENT_LENGTH
#endif

/* Bytes of decrypted data one wsx_tls_read() can return; the core holds one
 * such buffer per connection (allocated at connect, freed at close). */
#ifndef WSX_TLS_READ_BUFFER_SIZE
#define WSX_TLS_READ_BUFFER_SIZE 2048
#endif

/* Smallest and largest read buffer a caller may ask for. */
#define WSX_TLS_READ_BUFFER_MIN 256
#define WSX_TLS_READ_BUFFER_MAX 65536

/* Maximum fragment length (RFC 6066) to ask the server for: 0 (do not ask),
 * 512, 1024, 2048 or 4096. Smaller records let a device built with small
 * MBEDTLS_SSL_IN_CONTENT_LEN receive from servers that honour the extension. */
#ifndef WSX_TLS_MAX_FRAGMENT_LENGTH
#define WSX_TLS_MAX_FRAGMENT_LENGTH 0
#endif

/* Size of the per-connection error message buffer. */
#ifndef WSX_TLS_ERROR_SIZE
#define WSX_TLS_ERROR_SIZE 256
#endif

#endif
