/*
 * wsx_tls: TLS client sessions by mbedTLS over memory (sans I/O). The core
 * owns no socket and no timer: the caller carries the ciphertext.
 *
 *   ciphertext in   wsx_tls_input()    bytes that arrived from the server
 *   plaintext out   wsx_tls_pending() + wsx_tls_read()
 *   plaintext in    wsx_tls_write()
 *   ciphertext out  wsx_tls_output() + wsx_tls_output_taken()
 *
 * Two objects:
 * - wsx_tls_host: one server's TLS settings (CA, client certificate and
 *   key, verification rules, the name to check) parsed once, the mbedTLS
 *   configuration built once, and the last session for resumption. Every
 *   connection to that server shares it (reference counted).
 * - wsx_tls: one connection (mbedTLS context and record buffers).
 *
 * Nothing waits: a call does what the bytes it was given allow and returns.
 * Not thread-safe: use everything from one thread (the VM's).
 */
#ifndef WSX_TLS_H
#define WSX_TLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wsx_tls_host wsx_tls_host;
typedef struct wsx_tls wsx_tls;

/* Connection states (wsx_tls_state). */
#define WSX_STATE_HANDSHAKING 2 /* ClientHello out, waiting for the server */
#define WSX_STATE_OPEN        3 /* reads and writes allowed */
#define WSX_STATE_CLOSED      4 /* ended in order: close_notify or EOF from the peer */
#define WSX_STATE_FAILED      5 /* ended by an error: see wsx_tls_failure and wsx_tls_error */

/* What kind of failure (wsx_tls_failure, wsx_tls_host_failure). */
#define WSX_FAIL_NONE   0
#define WSX_FAIL_TLS    2 /* handshake or certificate verification failed */
#define WSX_FAIL_LOST   3 /* the connection broke after it opened (reset, bad record) */
#define WSX_FAIL_CONFIG 4 /* bad settings: unparsable CA/cert/key, wrong passphrase, no CA */
#define WSX_FAIL_MEMORY 5 /* out of memory */

/* ---- one server's settings ---- */

/* NULL when out of memory (or no entropy source). Settings go in before wsx_tls_host_ready(). */
wsx_tls_host *wsx_tls_host_new(void);

/* Each returns 0, or -1 after marking the host failed with a message. Certificates
 * and keys are PEM (with or without a trailing NUL) or DER; a PEM buffer may hold
 * several certificates. The core copies (parses) the bytes at once. */
int wsx_tls_host_add_ca(wsx_tls_host *h, const unsigned char *data, size_t len);
int wsx_tls_host_add_chain(wsx_tls_host *h, const unsigned char *data, size_t len);
int wsx_tls_host_set_cert(wsx_tls_host *h, const unsigned char *data, size_t len);
int wsx_tls_host_set_key(wsx_tls_host *h, const unsigned char *data, size_t len,
                         const char *passphrase, size_t passphrase_len);
/* verify: check the server's chain against the CAs (default 1).
 * insist: accept a chain whose ONLY fault is a name mismatch (default 0). */
void wsx_tls_host_set_verify(wsx_tls_host *h, int verify, int insist);
/* The name sent as SNI and checked against the certificate's DNS names; NULL or "":
 * none. ip (4 or 16 bytes, or NULL): the server is known by this address instead;
 * then no SNI is sent and the certificate must carry it as an IP subjectAltName. */
int wsx_tls_host_set_name(wsx_tls_host *h, const char *servername, const unsigned char *ip, size_t ip_len);
/* "host:port" for messages. */
int wsx_tls_host_set_label(wsx_tls_host *h, const char *label);
/* 0, 512, 1024, 2048 or 4096 (RFC 6066 max_fragment_length). */
int wsx_tls_host_set_max_fragment_length(wsx_tls_host *h, unsigned size);
/* Keep the last session and offer it to the next connection (default 1). */
void wsx_tls_host_set_resumption(wsx_tls_host *h, int on);

/* Checks the settings together and builds the shared configuration: 0, or -1 (failed). */
int wsx_tls_host_ready(wsx_tls_host *h);
/* Drops the kept session: the next connection makes a full handshake. */
void wsx_tls_host_forget(wsx_tls_host *h);
/* 1 when a session is kept for resumption. */
int wsx_tls_host_has_session(const wsx_tls_host *h);
int wsx_tls_host_failure(const wsx_tls_host *h);
/* "" when there is no error. */
const char *wsx_tls_host_error(const wsx_tls_host *h);
/* Drops the caller's reference; freed once no connection holds one either. */
void wsx_tls_host_release(wsx_tls_host *h);

/* ---- one connection ---- */

/* A connection to a ready host; its ClientHello waits in the output. NULL when out
 * of memory or the host is not ready. The connection holds a reference to h. */
wsx_tls *wsx_tls_new(wsx_tls_host *h);

/* Ciphertext from the server. Returns how many bytes were taken: fewer than len
 * when decrypted bytes are waiting (read them, then give the rest). Advances the
 * handshake; new output may be waiting afterwards. */
size_t wsx_tls_input(wsx_tls *t, const unsigned char *data, size_t len);

/* Decrypted bytes waiting (one record's worth at most). */
size_t wsx_tls_pending(const wsx_tls *t);
/* Copies up to len of them into buf; returns the count. */
size_t wsx_tls_read(wsx_tls *t, unsigned char *buf, size_t len);

/* Encrypts up to one record of data; returns the bytes taken (> 0), 0 when none
 * can be now, -1 when the connection is not open (or failed). */
int wsx_tls_write(wsx_tls *t, const unsigned char *data, size_t len);

/* Ciphertext waiting to be sent: points *data at it and returns its length. */
size_t wsx_tls_output(const wsx_tls *t, const unsigned char **data);
/* The caller took all of it. */
void wsx_tls_output_taken(wsx_tls *t);

/* The transport under us ended: reset = 0 for an orderly end of the byte stream,
 * 1 for a reset. The state then says what that means (FAILED with a message
 * when it cut a handshake or a record, CLOSED otherwise). */
void wsx_tls_eof(wsx_tls *t, int reset);

/* Queues close_notify into the output; writes are refused from now on. */
void wsx_tls_shutdown(wsx_tls *t);

/* Frees the connection (and the host when it held the last reference). */
void wsx_tls_free(wsx_tls *t);

int wsx_tls_state(const wsx_tls *t);
int wsx_tls_failure(const wsx_tls *t);
/* "" when there is no error. */
const char *wsx_tls_error(const wsx_tls *t);
/* mbedTLS error code of the failure (negative), 0 when none. A stream that ended
 * inside a record fails with MBEDTLS_ERR_SSL_CONN_EOF (-0x7280). */
int wsx_tls_mbedtls_error(const wsx_tls *t);
/* X.509 verify flags of the server's chain (MBEDTLS_X509_BADCERT_*), as seen
 * before `insist` forgave a name mismatch. */
uint32_t wsx_tls_verify_flags(const wsx_tls *t);
/* 1 when the handshake resumed a kept session (the server sent no certificate). */
int wsx_tls_resumed(const wsx_tls *t);

/* Bytes of the two structs themselves (for memory reports). */
size_t wsx_tls_struct_size(void);
size_t wsx_tls_host_struct_size(void);
/* mbedTLS version the core was built with, e.g. "2.28.3". */
const char *wsx_tls_mbedtls_version(void);

#ifdef __cplusplus
}
#endif

#endif
