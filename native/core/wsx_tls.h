/*
 * wsx_tls: one client connection over BSD sockets (lwIP on the ESP32, the
 * kernel on a host), optionally with TLS by mbedTLS. Nothing here blocks on
 * the network: the caller starts with wsx_tls_connect() and then calls
 * wsx_tls_step() from its event loop until the state is OPEN (or FAILED);
 * reads and writes return 0 when they would block.
 *
 * Name resolution is the one exception: a host that is not a numeric address
 * goes through getaddrinfo(), which blocks until the resolver answers.
 *
 * Not thread-safe: use one connection from one thread (the VM's).
 */
#ifndef WSX_TLS_H
#define WSX_TLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wsx_tls wsx_tls;

/* Connection states (wsx_tls_state, wsx_tls_step). */
#define WSX_STATE_IDLE        0 /* created, options being set */
#define WSX_STATE_CONNECTING  1 /* TCP connect in progress */
#define WSX_STATE_HANDSHAKING 2 /* TLS handshake in progress */
#define WSX_STATE_OPEN        3 /* reads and writes allowed */
#define WSX_STATE_CLOSED      4 /* ended in order: peer EOF / close_notify, or wsx_tls_close */
#define WSX_STATE_FAILED      5 /* ended by an error: see wsx_tls_failure and wsx_tls_error */

/* wsx_tls_step() ORs this into its result when it made progress, so the
 * caller can step again at once instead of waiting for its next poll. */
#define WSX_STEP_PROGRESS 0x100

/* What kind of failure (wsx_tls_failure). */
#define WSX_FAIL_NONE    0
#define WSX_FAIL_CONNECT 1 /* name resolution or TCP connect failed */
#define WSX_FAIL_TLS     2 /* handshake or certificate verification failed */
#define WSX_FAIL_LOST    3 /* the connection broke after it opened (reset, bad record) */
#define WSX_FAIL_CONFIG  4 /* bad options: unparsable CA/cert/key, wrong passphrase */
#define WSX_FAIL_MEMORY  5 /* out of memory */

/* Allocates a connection (about sizeof(mbedtls_ssl_context) + config; the big
 * TLS buffers come later, at the handshake). NULL when out of memory. */
wsx_tls *wsx_tls_new(void);

/* Options, before wsx_tls_connect(). Each returns 0, or -1 after moving the
 * connection to FAILED with a message. Certificates and keys are PEM (with or
 * without a trailing NUL) or DER; a PEM buffer may hold several certificates. */
int wsx_tls_add_ca(wsx_tls *t, const unsigned char *data, size_t len);
int wsx_tls_add_chain(wsx_tls *t, const unsigned char *data, size_t len);
int wsx_tls_set_cert(wsx_tls *t, const unsigned char *data, size_t len);
int wsx_tls_set_key(wsx_tls *t, const unsigned char *data, size_t len,
                    const char *passphrase, size_t passphrase_len);
/* verify: check the server's chain against the CAs (default 1).
 * insist: accept a chain whose ONLY fault is a host-name mismatch (default 0). */
void wsx_tls_set_verify(wsx_tls *t, int verify, int insist);
/* 0 (default WSX_TLS_READ_BUFFER_SIZE) or WSX_TLS_READ_BUFFER_MIN..MAX. */
int wsx_tls_set_read_buffer_size(wsx_tls *t, size_t size);
/* 0, 512, 1024, 2048 or 4096 (RFC 6066 max_fragment_length). */
int wsx_tls_set_max_fragment_length(wsx_tls *t, unsigned size);

/* Starts connecting. servername: SNI and the name the certificate must match;
 * NULL means `host`. secure = 0 gives a plain TCP connection (no TLS).
 * Returns 0, or -1 when the connection FAILED at once (bad options, DNS). */
int wsx_tls_connect(wsx_tls *t, const char *host, uint16_t port,
                    const char *servername, int secure);

/* Advances connect and handshake as far as possible without waiting. Returns
 * the state, ORed with WSX_STEP_PROGRESS when something moved. */
int wsx_tls_step(wsx_tls *t);

/* Reads decrypted bytes into the connection's read buffer and points *data at
 * them. Returns the count (> 0), 0 when nothing is available now, or -1 when
 * the connection ended (state CLOSED or FAILED). */
int wsx_tls_read(wsx_tls *t, const unsigned char **data);

/* Writes up to len bytes; returns how many were accepted (> 0), 0 when it
 * would block, -1 on failure. After 0, call again with the SAME bytes (mbedTLS
 * has already taken them into its record and will report them once sent). */
int wsx_tls_write(wsx_tls *t, const unsigned char *data, size_t len);

/* Graceful end of our side: close_notify, then TCP half-close. Reads go on
 * until the peer ends too. */
void wsx_tls_shutdown(wsx_tls *t);

/* Closes the socket and frees the TLS session (buffers included). The state
 * becomes CLOSED unless it was FAILED; the error message stays readable. */
void wsx_tls_close(wsx_tls *t);

/* Closes (if needed) and frees everything. */
void wsx_tls_free(wsx_tls *t);

int wsx_tls_state(const wsx_tls *t);
int wsx_tls_failure(const wsx_tls *t);
/* "" when there is no error. */
const char *wsx_tls_error(const wsx_tls *t);
/* mbedTLS error code of the failure (negative), 0 when none. */
int wsx_tls_mbedtls_error(const wsx_tls *t);
/* X.509 verify flags of the server's chain (MBEDTLS_X509_BADCERT_*), as seen
 * before `insist` forgave a name mismatch. */
uint32_t wsx_tls_verify_flags(const wsx_tls *t);
/* Bytes of the wsx_tls struct itself (for memory reports). */
size_t wsx_tls_struct_size(void);
/* mbedTLS version the core was built with, e.g. "2.28.3". */
const char *wsx_tls_mbedtls_version(void);

#ifdef __cplusplus
}
#endif

#endif
