/*
 * One client connection: non-blocking TCP connect, a TLS handshake advanced
 * one mbedTLS step per wsx_tls_step() call, then reads and writes that never
 * wait. See wsx_tls.h for the contract and docs/mbedtls.md for memory.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(ESP_PLATFORM)
#define _POSIX_C_SOURCE 200809L /* getaddrinfo, poll on strict -std=c11 */
#endif
#include "wsx_tls.h"
#include "wsx_tls_config.h"
#include "wsx_tls_compat.h"
#include "wsx_tls_errors.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

struct wsx_tls {
  int state;
  int failure;
  int mbedtls_error;
  uint32_t verify_flags;
  int fd;
  int secure;
  int verify;
  int insist;
  int ssl_ready;     /* ssl and conf are initialised and must be freed */
  int shut;          /* our close_notify / half-close went out */
  int got_data;      /* a read has returned bytes */
  unsigned max_fragment;
  size_t read_size;
  unsigned char *read_buf;
  struct addrinfo *addrs; /* remaining addresses to try while CONNECTING */
  struct addrinfo *next_addr;
  int last_errno;
  char *host;        /* for messages */
  char *servername;  /* SNI and name check; NULL: none */
  uint16_t port;
  int have_ca, have_cert, have_key, have_chain;
  mbedtls_x509_crt ca;
  mbedtls_x509_crt own;   /* client certificate, then its chain (built at connect) */
  mbedtls_x509_crt chain; /* intermediates given before or after the certificate */
  mbedtls_pk_context key;
  mbedtls_ssl_config conf;
  mbedtls_ssl_context ssl;
  char error[WSX_TLS_ERROR_SIZE];
};

/* ---- one random generator shared by all connections (they run on one thread) ---- */

static mbedtls_entropy_context shared_entropy;
static mbedtls_ctr_drbg_context shared_drbg;
static unsigned rng_users;

static int rng_acquire(void) {
  int ret;
  if (rng_users++ > 0) return 0;
#if defined(WSX_NEEDS_PSA_INIT)
  if (psa_crypto_init() != PSA_SUCCESS) {
    rng_users = 0;
    return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
  }
#endif
  mbedtls_entropy_init(&shared_entropy);
  mbedtls_ctr_drbg_init(&shared_drbg);
  ret = mbedtls_ctr_drbg_seed(&shared_drbg, mbedtls_entropy_func, &shared_entropy,
                              (const unsigned char *)"wsx_tls", 7);
  if (ret != 0) {
    mbedtls_ctr_drbg_free(&shared_drbg);
    mbedtls_entropy_free(&shared_entropy);
    rng_users = 0;
  }
  return ret;
}

static void rng_release(void) {
  if (rng_users == 0 || --rng_users > 0) return;
  mbedtls_ctr_drbg_free(&shared_drbg);
  mbedtls_entropy_free(&shared_entropy);
}

/* ---- failures ---- */

static void release_session(wsx_tls *t);

static int fail(wsx_tls *t, int failure, int mbedtls_error, const char *fmt, ...) {
  va_list ap;
  if (t->state == WSX_STATE_FAILED) return -1; /* keep the first, most telling, message */
  va_start(ap, fmt);
  vsnprintf(t->error, sizeof(t->error), fmt, ap);
  va_end(ap);
  t->failure = failure;
  t->mbedtls_error = mbedtls_error;
  t->state = WSX_STATE_FAILED;
  release_session(t);
  return -1;
}

static int fail_mbedtls(wsx_tls *t, int failure, int code, const char *what) {
  char text[WSX_TLS_ERROR_SIZE];
  wsx_tls_describe_error(code, text, sizeof(text));
  return fail(t, failure, code, "%s: %s", what, text);
}

/* ---- creation and options ---- */

wsx_tls *wsx_tls_new(void) {
  wsx_tls *t = (wsx_tls *)calloc(1, sizeof(*t));
  if (t == NULL) return NULL;
  t->state = WSX_STATE_IDLE;
  t->fd = -1;
  t->verify = 1;
  t->read_size = WSX_TLS_READ_BUFFER_SIZE;
  t->max_fragment = WSX_TLS_MAX_FRAGMENT_LENGTH;
  mbedtls_x509_crt_init(&t->ca);
  mbedtls_x509_crt_init(&t->own);
  mbedtls_x509_crt_init(&t->chain);
  mbedtls_pk_init(&t->key);
  if (rng_acquire() != 0) {
    mbedtls_x509_crt_free(&t->ca);
    mbedtls_x509_crt_free(&t->own);
    mbedtls_x509_crt_free(&t->chain);
    mbedtls_pk_free(&t->key);
    free(t);
    return NULL;
  }
  return t;
}

static int is_pem(const unsigned char *data, size_t len) {
  static const char marker[] = "-----BEGIN ";
  size_t i, m = sizeof(marker) - 1;
  for (i = 0; i + m <= len; i++)
    if (memcmp(data + i, marker, m) == 0) return 1;
  return 0;
}

/* mbedTLS wants PEM with its terminating NUL counted in the length. */
static const unsigned char *pem_terminated(const unsigned char *data, size_t len, size_t *out_len,
                                           unsigned char **owned) {
  *owned = NULL;
  if (!is_pem(data, len) || (len > 0 && data[len - 1] == 0)) {
    *out_len = len;
    return data;
  }
  *owned = (unsigned char *)malloc(len + 1);
  if (*owned == NULL) return NULL;
  memcpy(*owned, data, len);
  (*owned)[len] = 0;
  *out_len = len + 1;
  return *owned;
}

static int parse_certs(wsx_tls *t, mbedtls_x509_crt *into, const unsigned char *data, size_t len,
                       const char *what) {
  unsigned char *owned;
  size_t n;
  const unsigned char *buf;
  int ret;
  if (t->state != WSX_STATE_IDLE) return fail(t, WSX_FAIL_CONFIG, 0, "%s: options must be set before connecting", what);
  if (len == 0) return fail(t, WSX_FAIL_CONFIG, 0, "%s: empty certificate data", what);
  buf = pem_terminated(data, len, &n, &owned);
  if (buf == NULL) return fail(t, WSX_FAIL_MEMORY, 0, "%s: out of memory", what);
  ret = mbedtls_x509_crt_parse(into, buf, n);
  free(owned);
  /* A positive result counts PEM blocks that failed while others parsed: still an error. */
  if (ret < 0) return fail_mbedtls(t, WSX_FAIL_CONFIG, ret, what);
  if (ret > 0) return fail(t, WSX_FAIL_CONFIG, 0, "%s: %d certificate(s) in the PEM data could not be parsed", what, ret);
  return 0;
}

int wsx_tls_add_ca(wsx_tls *t, const unsigned char *data, size_t len) {
  if (parse_certs(t, &t->ca, data, len, "CA certificate") != 0) return -1;
  t->have_ca = 1;
  return 0;
}

int wsx_tls_add_chain(wsx_tls *t, const unsigned char *data, size_t len) {
  if (parse_certs(t, &t->chain, data, len, "client certificate chain") != 0) return -1;
  t->have_chain = 1;
  return 0;
}

int wsx_tls_set_cert(wsx_tls *t, const unsigned char *data, size_t len) {
  if (t->have_cert) return fail(t, WSX_FAIL_CONFIG, 0, "client certificate: given twice");
  if (parse_certs(t, &t->own, data, len, "client certificate") != 0) return -1;
  t->have_cert = 1;
  return 0;
}

int wsx_tls_set_key(wsx_tls *t, const unsigned char *data, size_t len, const char *passphrase,
                    size_t passphrase_len) {
  unsigned char *owned;
  size_t n;
  const unsigned char *buf;
  int ret;
  if (t->state != WSX_STATE_IDLE) return fail(t, WSX_FAIL_CONFIG, 0, "client key: options must be set before connecting");
  if (t->have_key) return fail(t, WSX_FAIL_CONFIG, 0, "client key: given twice");
  if (len == 0) return fail(t, WSX_FAIL_CONFIG, 0, "client key: empty key data");
  buf = pem_terminated(data, len, &n, &owned);
  if (buf == NULL) return fail(t, WSX_FAIL_MEMORY, 0, "client key: out of memory");
  ret = WSX_PK_PARSE_KEY(&t->key, buf, n, (const unsigned char *)passphrase, passphrase ? passphrase_len : 0,
                         mbedtls_ctr_drbg_random, &shared_drbg);
  if (owned != NULL) {
    mbedtls_platform_zeroize(owned, n); /* private key material */
    free(owned);
  }
  if (ret != 0) return fail_mbedtls(t, WSX_FAIL_CONFIG, ret, "client key");
  t->have_key = 1;
  return 0;
}

void wsx_tls_set_verify(wsx_tls *t, int verify, int insist) {
  t->verify = verify != 0;
  t->insist = insist != 0;
}

int wsx_tls_set_read_buffer_size(wsx_tls *t, size_t size) {
  if (size == 0) size = WSX_TLS_READ_BUFFER_SIZE;
  if (size < WSX_TLS_READ_BUFFER_MIN || size > WSX_TLS_READ_BUFFER_MAX)
    return fail(t, WSX_FAIL_CONFIG, 0, "read buffer size %lu is outside %d..%d", (unsigned long)size,
                WSX_TLS_READ_BUFFER_MIN, WSX_TLS_READ_BUFFER_MAX);
  t->read_size = size;
  return 0;
}

int wsx_tls_set_max_fragment_length(wsx_tls *t, unsigned size) {
  if (size != 0 && size != 512 && size != 1024 && size != 2048 && size != 4096)
    return fail(t, WSX_FAIL_CONFIG, 0, "max fragment length %u is not 0, 512, 1024, 2048 or 4096", size);
#if !defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
  if (size != 0) return fail(t, WSX_FAIL_CONFIG, 0, "max fragment length needs MBEDTLS_SSL_MAX_FRAGMENT_LENGTH");
#endif
  t->max_fragment = size;
  return 0;
}

/* ---- sockets ---- */

static void close_fd(wsx_tls *t) {
  if (t->fd >= 0) {
    close(t->fd);
    t->fd = -1;
  }
}

static void free_addrs(wsx_tls *t) {
  if (t->addrs != NULL) freeaddrinfo(t->addrs);
  t->addrs = NULL;
  t->next_addr = NULL;
}

static int set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0) return -1;
  return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Starts a connect to the next address. 1: started or done, 0: none left. */
static int start_next_address(wsx_tls *t) {
  while (t->next_addr != NULL) {
    struct addrinfo *ai = t->next_addr;
    int fd;
    t->next_addr = ai->ai_next;
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
      t->last_errno = errno;
      continue;
    }
    if (set_nonblocking(fd) != 0) {
      t->last_errno = errno;
      close(fd);
      continue;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS || errno == EINTR) {
      t->fd = fd;
      return 1;
    }
    t->last_errno = errno;
    close(fd);
  }
  return 0;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
  wsx_tls *t = (wsx_tls *)ctx;
  ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
  if (n >= 0) return (int)n;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_WRITE;
  t->last_errno = errno;
  if (errno == EPIPE || errno == ECONNRESET) return MBEDTLS_ERR_NET_CONN_RESET;
  return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
  wsx_tls *t = (wsx_tls *)ctx;
  ssize_t n = recv(t->fd, buf, len, 0);
  if (n >= 0) return (int)n; /* 0: the peer closed TCP */
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
  t->last_errno = errno;
  if (errno == ECONNRESET || errno == EPIPE) return MBEDTLS_ERR_NET_CONN_RESET;
  return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---- TLS session ---- */

/* Runs for each certificate of the server's chain. `insist` forgives a name
 * mismatch on the leaf, and only that: other faults still fail the handshake. */
static int verify_callback(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
  wsx_tls *t = (wsx_tls *)ctx;
  (void)crt;
  t->verify_flags |= *flags;
  if (depth == 0 && t->insist) *flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
  return 0;
}

static void release_session(wsx_tls *t) {
  if (t->ssl_ready) {
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    t->ssl_ready = 0;
  }
  free(t->read_buf);
  t->read_buf = NULL;
  free_addrs(t);
  close_fd(t);
}

static unsigned char mfl_code(unsigned size) {
  switch (size) {
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
  case 512: return MBEDTLS_SSL_MAX_FRAG_LEN_512;
  case 1024: return MBEDTLS_SSL_MAX_FRAG_LEN_1024;
  case 2048: return MBEDTLS_SSL_MAX_FRAG_LEN_2048;
  case 4096: return MBEDTLS_SSL_MAX_FRAG_LEN_4096;
#endif
  default: return 0;
  }
}

/* Puts the client certificate's chain behind it, as mbedTLS sends the list in order. */
static int append_chain(wsx_tls *t) {
  const mbedtls_x509_crt *c;
  for (c = &t->chain; c != NULL && WSX_CRT_RAW_LEN(c) > 0; c = WSX_CRT_NEXT(c)) {
    int ret = mbedtls_x509_crt_parse_der(&t->own, WSX_CRT_RAW_P(c), WSX_CRT_RAW_LEN(c));
    if (ret != 0) return fail_mbedtls(t, WSX_FAIL_CONFIG, ret, "client certificate chain");
  }
  return 0;
}

static int setup_tls(wsx_tls *t) {
  int ret;
  mbedtls_ssl_config_init(&t->conf);
  mbedtls_ssl_init(&t->ssl);
  t->ssl_ready = 1;
  ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) return fail_mbedtls(t, WSX_FAIL_TLS, ret, "TLS configuration");
  mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &shared_drbg);
  if (t->verify) {
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    mbedtls_ssl_conf_verify(&t->conf, verify_callback, t);
  } else {
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_NONE);
  }
  if (t->have_cert) {
    ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->own, &t->key);
    if (ret != 0) return fail_mbedtls(t, WSX_FAIL_CONFIG, ret, "client certificate");
  }
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
  if (t->max_fragment != 0) {
    WSX_CAP_TLS12(&t->conf);
    ret = mbedtls_ssl_conf_max_frag_len(&t->conf, mfl_code(t->max_fragment));
    if (ret != 0) return fail_mbedtls(t, WSX_FAIL_CONFIG, ret, "max fragment length");
  }
#else
  (void)mfl_code;
#endif
  ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
  if (ret != 0) return fail_mbedtls(t, ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? WSX_FAIL_MEMORY : WSX_FAIL_TLS, ret, "TLS session");
  if (t->servername != NULL) {
    ret = mbedtls_ssl_set_hostname(&t->ssl, t->servername);
    if (ret != 0) return fail_mbedtls(t, WSX_FAIL_CONFIG, ret, "server name");
  }
  mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
  return 0;
}

static char *dup_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = (char *)malloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

int wsx_tls_connect(wsx_tls *t, const char *host, uint16_t port, const char *servername, int secure) {
  struct addrinfo hints;
  char service[8];
  int ret;
  if (t->state == WSX_STATE_FAILED) return -1;
  if (t->state != WSX_STATE_IDLE) return fail(t, WSX_FAIL_CONFIG, 0, "connect called twice");
  if (host == NULL || host[0] == 0) return fail(t, WSX_FAIL_CONFIG, 0, "no host to connect to");
  if (port == 0) return fail(t, WSX_FAIL_CONFIG, 0, "port 0 is not a port to connect to");
  t->secure = secure != 0;
  t->port = port;
  t->host = dup_string(host);
  if (t->host == NULL) return fail(t, WSX_FAIL_MEMORY, 0, "out of memory");
  if (servername == NULL) servername = host;
  if (servername[0] != 0) {
    t->servername = dup_string(servername);
    if (t->servername == NULL) return fail(t, WSX_FAIL_MEMORY, 0, "out of memory");
  }
  if (t->secure) {
    if (t->verify && !t->have_ca)
      return fail(t, WSX_FAIL_CONFIG, 0, "no CA certificate to verify %s against (give tls.ca, or verify: false)", host);
    if (t->have_cert != t->have_key)
      return fail(t, WSX_FAIL_CONFIG, 0, t->have_cert ? "client certificate given without its key" : "client key given without its certificate");
    if (t->have_chain && !t->have_cert)
      return fail(t, WSX_FAIL_CONFIG, 0, "client certificate chain given without a client certificate");
    if (t->have_cert) {
      ret = WSX_PK_CHECK_PAIR(WSX_CRT_PK(&t->own), &t->key, mbedtls_ctr_drbg_random, &shared_drbg);
      if (ret != 0) return fail(t, WSX_FAIL_CONFIG, ret, "client key does not match the client certificate");
      if (append_chain(t) != 0) return -1;
    }
  }
  t->read_buf = (unsigned char *)malloc(t->read_size);
  if (t->read_buf == NULL) return fail(t, WSX_FAIL_MEMORY, 0, "out of memory for the read buffer");

  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  snprintf(service, sizeof(service), "%u", (unsigned)port);
  ret = getaddrinfo(host, service, &hints, &t->addrs);
  if (ret != 0) {
    t->addrs = NULL;
    return fail(t, WSX_FAIL_CONNECT, 0, "cannot resolve host %s: %s", host, gai_strerror(ret));
  }
  t->next_addr = t->addrs;
  t->state = WSX_STATE_CONNECTING;
  if (!start_next_address(t))
    return fail(t, WSX_FAIL_CONNECT, 0, "cannot connect to %s:%u: %s", host, (unsigned)port, strerror(t->last_errno));
  return 0;
}

/* CONNECTING: has the socket become writable, and with what result? */
static int step_connect(wsx_tls *t) {
  struct pollfd p;
  int err = 0;
  socklen_t len = sizeof(err);
  p.fd = t->fd;
  p.events = POLLOUT;
  p.revents = 0;
  if (poll(&p, 1, 0) <= 0) return 0;
  if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) {
    t->last_errno = err;
    close_fd(t);
    if (start_next_address(t)) return 1;
    fail(t, WSX_FAIL_CONNECT, 0, "cannot connect to %s:%u: %s", t->host, (unsigned)t->port, strerror(err));
    return 1;
  }
  free_addrs(t);
  if (!t->secure) {
    t->state = WSX_STATE_OPEN;
    return 1;
  }
  if (setup_tls(t) == 0) t->state = WSX_STATE_HANDSHAKING;
  return 1;
}

static void handshake_failed(wsx_tls *t, int ret) {
  char text[WSX_TLS_ERROR_SIZE];
  if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
    uint32_t flags = mbedtls_ssl_get_verify_result(&t->ssl);
    if (flags == (uint32_t)-1 || flags == 0) flags = t->verify_flags;
    wsx_tls_describe_verify(flags, t->servername, text, sizeof(text));
    t->verify_flags = flags;
    fail(t, WSX_FAIL_TLS, ret, "TLS: server certificate for %s rejected: %s", t->servername ? t->servername : t->host, text);
    return;
  }
  wsx_tls_describe_error(ret, text, sizeof(text));
  /* A server that wants a client certificate (or dislikes ours) hangs up or alerts mid-handshake. */
  if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE || ret == MBEDTLS_ERR_SSL_CONN_EOF || ret == MBEDTLS_ERR_NET_CONN_RESET)
    fail(t, WSX_FAIL_TLS, ret, "TLS handshake with %s:%u failed: %s; %s", t->host, (unsigned)t->port, text,
         t->have_cert ? "the server may have refused our client certificate or its chain"
                      : "the server may require a client certificate");
  else
    fail(t, WSX_FAIL_TLS, ret, "TLS handshake with %s:%u failed: %s", t->host, (unsigned)t->port, text);
}

/* HANDSHAKING: one mbedTLS handshake step, so the VM gets control back between steps. */
static int step_handshake(wsx_tls *t) {
  int ret;
  if (WSX_HANDSHAKE_OVER(&t->ssl)) {
    t->state = WSX_STATE_OPEN;
    return 1;
  }
  ret = mbedtls_ssl_handshake_step(&t->ssl);
  if (ret == 0 || WSX_IS_CRYPTO_IN_PROGRESS(ret) || WSX_IS_NEW_SESSION_TICKET(ret)) {
    if (WSX_HANDSHAKE_OVER(&t->ssl)) t->state = WSX_STATE_OPEN;
    return 1;
  }
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return 0;
  handshake_failed(t, ret);
  return 1;
}

int wsx_tls_step(wsx_tls *t) {
  int progressed = 0;
  switch (t->state) {
  case WSX_STATE_CONNECTING:
    progressed = step_connect(t);
    break;
  case WSX_STATE_HANDSHAKING:
    progressed = step_handshake(t);
    break;
  default:
    break;
  }
  return t->state | (progressed ? WSX_STEP_PROGRESS : 0);
}

/* The peer ended in order (EOF or close_notify): nothing more will come. */
static int peer_ended(wsx_tls *t) {
  release_session(t);
  t->state = WSX_STATE_CLOSED;
  return -1;
}

static int lost(wsx_tls *t, int code) {
  char text[WSX_TLS_ERROR_SIZE];
  if ((code == MBEDTLS_ERR_NET_CONN_RESET || code == MBEDTLS_ERR_NET_RECV_FAILED || code == MBEDTLS_ERR_NET_SEND_FAILED) &&
      t->last_errno != 0)
    return fail(t, WSX_FAIL_LOST, code, "connection to %s:%u lost: %s", t->host, (unsigned)t->port, strerror(t->last_errno));
  wsx_tls_describe_error(code, text, sizeof(text));
  return fail(t, WSX_FAIL_LOST, code, "connection to %s:%u lost: %s", t->host, (unsigned)t->port, text);
}

/* TLS 1.3: the client finishes its handshake before the server has checked our
 * certificate, so a refusal arrives after "open": as an alert, or (when we did
 * send a certificate) as a hang-up before the first byte. A plain hang-up with
 * no certificate configured stays an orderly end. */
static int refused_after_handshake(wsx_tls *t, int ret) {
  if (t->got_data) return 0;
  if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) return 1;
  return t->have_cert && WSX_IS_TLS13(&t->ssl) && (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF ||
                   ret == MBEDTLS_ERR_NET_CONN_RESET);
}

int wsx_tls_read(wsx_tls *t, const unsigned char **data) {
  int ret;
  *data = NULL;
  if (t->state != WSX_STATE_OPEN) return t->state == WSX_STATE_CLOSED || t->state == WSX_STATE_FAILED ? -1 : 0;
  if (!t->secure) {
    ret = bio_recv(t, t->read_buf, t->read_size);
    if (ret == 0) return peer_ended(t);
  } else {
    ret = mbedtls_ssl_read(&t->ssl, t->read_buf, t->read_size);
    if (ret <= 0 && refused_after_handshake(t, ret))
      return fail(t, WSX_FAIL_TLS, ret, "TLS: %s:%u %s right after the handshake, before sending anything; %s",
                  t->host, (unsigned)t->port,
                  ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ? "refused the connection with a fatal alert" : "closed the connection",
                  t->have_cert ? "the server may have refused our client certificate or its chain"
                               : "the server may require a client certificate");
    /* 0 or CONN_EOF: TCP closed without close_notify; the WebSocket close handshake says whether that was clean. */
    if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) return peer_ended(t);
  }
  if (ret > 0) {
    t->got_data = 1;
    *data = t->read_buf;
    return ret;
  }
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE || WSX_IS_NEW_SESSION_TICKET(ret) ||
      WSX_IS_CRYPTO_IN_PROGRESS(ret))
    return 0;
  return lost(t, ret);
}

int wsx_tls_write(wsx_tls *t, const unsigned char *data, size_t len) {
  int ret;
  if (t->state != WSX_STATE_OPEN) {
    if (t->state == WSX_STATE_FAILED) return -1;
    return fail(t, WSX_FAIL_LOST, 0, "write on a connection that is not open");
  }
  if (t->shut) return fail(t, WSX_FAIL_LOST, 0, "write after shutdown");
  if (len == 0) return 0;
  if (len > 0x7FFFFFFF) len = 0x7FFFFFFF;
  ret = t->secure ? mbedtls_ssl_write(&t->ssl, data, len) : bio_send(t, data, len);
  if (ret > 0) return ret;
  if (ret == 0 || ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
      WSX_IS_NEW_SESSION_TICKET(ret) || WSX_IS_CRYPTO_IN_PROGRESS(ret))
    return 0;
  return lost(t, ret);
}

void wsx_tls_shutdown(wsx_tls *t) {
  if (t->state != WSX_STATE_OPEN || t->shut) return;
  t->shut = 1;
  /* Best effort: a 31-byte alert fits any socket buffer that is not already full. */
  if (t->secure) (void)mbedtls_ssl_close_notify(&t->ssl);
  shutdown(t->fd, SHUT_WR);
}

void wsx_tls_close(wsx_tls *t) {
  if (t->state == WSX_STATE_OPEN && !t->shut && t->secure) (void)mbedtls_ssl_close_notify(&t->ssl);
  release_session(t);
  if (t->state != WSX_STATE_FAILED) t->state = WSX_STATE_CLOSED;
}

void wsx_tls_free(wsx_tls *t) {
  if (t == NULL) return;
  wsx_tls_close(t);
  mbedtls_x509_crt_free(&t->ca);
  mbedtls_x509_crt_free(&t->own);
  mbedtls_x509_crt_free(&t->chain);
  mbedtls_pk_free(&t->key);
  free(t->host);
  free(t->servername);
  rng_release();
  free(t);
}

int wsx_tls_state(const wsx_tls *t) { return t->state; }
int wsx_tls_failure(const wsx_tls *t) { return t->failure; }
const char *wsx_tls_error(const wsx_tls *t) { return t->error; }
int wsx_tls_mbedtls_error(const wsx_tls *t) { return t->mbedtls_error; }
uint32_t wsx_tls_verify_flags(const wsx_tls *t) { return t->verify_flags; }
size_t wsx_tls_struct_size(void) { return sizeof(wsx_tls); }
const char *wsx_tls_mbedtls_version(void) { return MBEDTLS_VERSION_STRING; }
