/*
 * TLS client sessions over memory. mbedTLS reads and writes through the bio
 * callbacks below, which take ciphertext from the bytes the caller passed to
 * wsx_tls_input() and put ciphertext into an output buffer the caller empties.
 * See wsx_tls.h for the contract and docs/mbedtls.md for memory.
 */
#include "wsx_tls.h"
#include "wsx_tls_config.h"
#include "wsx_tls_compat.h"
#include "wsx_tls_errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A failure's message, allocated when it happens (an open connection holds none). */
typedef struct {
  int failure;
  int mbedtls_error;
  char *text;
} wsx_failure;

struct wsx_tls_host {
  unsigned refs;
  int ready;
  int verify;
  int insist;
  int resumption;
  int have_ca, have_cert, have_key, have_chain, have_session;
  unsigned max_fragment;
  unsigned char ip[16];
  size_t ip_len;      /* 0: the server is known by servername */
  char *servername;   /* SNI and name check; NULL: none */
  char *label;        /* "host:port", for messages */
  wsx_failure failed;
  mbedtls_x509_crt ca;
  mbedtls_x509_crt own;   /* client certificate, then its chain (built by ready) */
  mbedtls_x509_crt chain; /* intermediates given before or after the certificate */
  mbedtls_pk_context key;
  mbedtls_ssl_config conf;
  mbedtls_ssl_session session;
};

struct wsx_tls {
  wsx_tls_host *host;
  int state;
  int got_data;      /* decrypted bytes have come */
  int saw_chain;     /* the verify callback ran: the server sent its certificate */
  int shut;          /* our close_notify is queued */
  int resumed;       /* the handshake resumed a kept session */
  int eof;           /* 0: stream goes on; 1: ended; 2: reset */
  unsigned char header_have;  /* record framing of the bytes given to mbedTLS: header bytes seen, */
  unsigned char header_len[2]; /* the record's length field, */
  size_t body_left;            /* and bytes of its body still to come (to tell a cut record at EOF) */
  uint32_t verify_flags;
  const unsigned char *in; /* ciphertext of the current wsx_tls_input call */
  size_t in_len;
  unsigned char *out;      /* ciphertext for the caller */
  size_t out_len, out_cap;
  wsx_failure failed;
  mbedtls_ssl_context ssl;
};

/* ---- one random generator shared by everything (one thread) ---- */

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

static const char OUT_OF_MEMORY[] = "out of memory for the error message";

/* Keeps the first (most telling) failure. Returns -1 for the callers' convenience. */
static int record(wsx_failure *f, int failure, int mbedtls_error, const char *fmt, va_list ap) {
  char text[WSX_TLS_ERROR_SIZE];
  size_t n;
  if (f->failure != WSX_FAIL_NONE) return -1;
  vsnprintf(text, sizeof(text), fmt, ap);
  n = strlen(text) + 1;
  f->failure = failure;
  f->mbedtls_error = mbedtls_error;
  f->text = (char *)malloc(n);
  if (f->text != NULL) memcpy(f->text, text, n);
  return -1;
}

static const char *failure_text(const wsx_failure *f) {
  if (f->failure == WSX_FAIL_NONE) return "";
  return f->text != NULL ? f->text : OUT_OF_MEMORY;
}

static int host_fail(wsx_tls_host *h, int failure, int mbedtls_error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  record(&h->failed, failure, mbedtls_error, fmt, ap);
  va_end(ap);
  return -1;
}

static int host_fail_mbedtls(wsx_tls_host *h, int failure, int code, const char *what) {
  char text[WSX_TLS_ERROR_SIZE];
  wsx_tls_describe_error(code, text, sizeof(text));
  return host_fail(h, failure, code, "%s: %s", what, text);
}

static void release_session(wsx_tls *t);

static int fail(wsx_tls *t, int failure, int mbedtls_error, const char *fmt, ...) {
  va_list ap;
  if (t->state == WSX_STATE_FAILED) return -1;
  va_start(ap, fmt);
  record(&t->failed, failure, mbedtls_error, fmt, ap);
  va_end(ap);
  t->state = WSX_STATE_FAILED;
  release_session(t);
  return -1;
}

/* ---- one server's settings ---- */

wsx_tls_host *wsx_tls_host_new(void) {
  wsx_tls_host *h = (wsx_tls_host *)calloc(1, sizeof(*h));
  if (h == NULL) return NULL;
  if (rng_acquire() != 0) {
    free(h);
    return NULL;
  }
  h->refs = 1;
  h->verify = 1;
  h->resumption = 1;
  h->max_fragment = WSX_TLS_MAX_FRAGMENT_LENGTH;
  mbedtls_x509_crt_init(&h->ca);
  mbedtls_x509_crt_init(&h->own);
  mbedtls_x509_crt_init(&h->chain);
  mbedtls_pk_init(&h->key);
  mbedtls_ssl_config_init(&h->conf);
  mbedtls_ssl_session_init(&h->session);
  return h;
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

static int settable(wsx_tls_host *h, const char *what) {
  if (h->failed.failure != WSX_FAIL_NONE) return -1;
  if (h->ready) return host_fail(h, WSX_FAIL_CONFIG, 0, "%s: settings must be given before the first connection", what);
  return 0;
}

static int parse_certs(wsx_tls_host *h, mbedtls_x509_crt *into, const unsigned char *data, size_t len,
                       const char *what) {
  unsigned char *owned;
  size_t n;
  const unsigned char *buf;
  int ret;
  if (settable(h, what) != 0) return -1;
  if (len == 0) return host_fail(h, WSX_FAIL_CONFIG, 0, "%s: empty certificate data", what);
  buf = pem_terminated(data, len, &n, &owned);
  if (buf == NULL) return host_fail(h, WSX_FAIL_MEMORY, 0, "%s: out of memory", what);
  ret = mbedtls_x509_crt_parse(into, buf, n);
  free(owned);
  /* A positive result counts PEM blocks that failed while others parsed: still an error. */
  if (ret < 0) return host_fail_mbedtls(h, WSX_FAIL_CONFIG, ret, what);
  if (ret > 0) return host_fail(h, WSX_FAIL_CONFIG, 0, "%s: %d certificate(s) in the PEM data could not be parsed", what, ret);
  return 0;
}

int wsx_tls_host_add_ca(wsx_tls_host *h, const unsigned char *data, size_t len) {
  if (parse_certs(h, &h->ca, data, len, "CA certificate") != 0) return -1;
  h->have_ca = 1;
  return 0;
}

int wsx_tls_host_add_chain(wsx_tls_host *h, const unsigned char *data, size_t len) {
  if (parse_certs(h, &h->chain, data, len, "client certificate chain") != 0) return -1;
  h->have_chain = 1;
  return 0;
}

int wsx_tls_host_set_cert(wsx_tls_host *h, const unsigned char *data, size_t len) {
  if (h->have_cert) return host_fail(h, WSX_FAIL_CONFIG, 0, "client certificate: given twice");
  if (parse_certs(h, &h->own, data, len, "client certificate") != 0) return -1;
  h->have_cert = 1;
  return 0;
}

int wsx_tls_host_set_key(wsx_tls_host *h, const unsigned char *data, size_t len, const char *passphrase,
                         size_t passphrase_len) {
  unsigned char *owned;
  size_t n;
  const unsigned char *buf;
  int ret;
  if (settable(h, "client key") != 0) return -1;
  if (h->have_key) return host_fail(h, WSX_FAIL_CONFIG, 0, "client key: given twice");
  if (len == 0) return host_fail(h, WSX_FAIL_CONFIG, 0, "client key: empty key data");
  buf = pem_terminated(data, len, &n, &owned);
  if (buf == NULL) return host_fail(h, WSX_FAIL_MEMORY, 0, "client key: out of memory");
  ret = WSX_PK_PARSE_KEY(&h->key, buf, n, (const unsigned char *)passphrase, passphrase ? passphrase_len : 0,
                         mbedtls_ctr_drbg_random, &shared_drbg);
  if (owned != NULL) {
    mbedtls_platform_zeroize(owned, n); /* private key material */
    free(owned);
  }
  if (ret != 0) return host_fail_mbedtls(h, WSX_FAIL_CONFIG, ret, "client key");
  h->have_key = 1;
  return 0;
}

void wsx_tls_host_set_verify(wsx_tls_host *h, int verify, int insist) {
  if (h->ready) return;
  h->verify = verify != 0;
  h->insist = insist != 0;
}

static char *dup_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = (char *)malloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

int wsx_tls_host_set_name(wsx_tls_host *h, const char *servername, const unsigned char *ip, size_t ip_len) {
  if (settable(h, "server name") != 0) return -1;
  if (ip != NULL && ip_len != 4 && ip_len != 16)
    return host_fail(h, WSX_FAIL_CONFIG, 0, "server address: %lu bytes is neither IPv4 (4) nor IPv6 (16)", (unsigned long)ip_len);
  free(h->servername);
  h->servername = NULL;
  h->ip_len = 0;
  if (ip != NULL) {
    memcpy(h->ip, ip, ip_len);
    h->ip_len = ip_len;
  }
  if (servername != NULL && servername[0] != 0) {
    h->servername = dup_string(servername);
    if (h->servername == NULL) return host_fail(h, WSX_FAIL_MEMORY, 0, "server name: out of memory");
  }
  return 0;
}

int wsx_tls_host_set_label(wsx_tls_host *h, const char *label) {
  if (settable(h, "label") != 0) return -1;
  free(h->label);
  h->label = dup_string(label);
  if (h->label == NULL) return host_fail(h, WSX_FAIL_MEMORY, 0, "out of memory");
  return 0;
}

int wsx_tls_host_set_max_fragment_length(wsx_tls_host *h, unsigned size) {
  if (settable(h, "max fragment length") != 0) return -1;
  if (size != 0 && size != 512 && size != 1024 && size != 2048 && size != 4096)
    return host_fail(h, WSX_FAIL_CONFIG, 0, "max fragment length %u is not 0, 512, 1024, 2048 or 4096", size);
#if !defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
  if (size != 0) return host_fail(h, WSX_FAIL_CONFIG, 0, "max fragment length needs MBEDTLS_SSL_MAX_FRAGMENT_LENGTH");
#endif
  h->max_fragment = size;
  return 0;
}

void wsx_tls_host_set_resumption(wsx_tls_host *h, int on) {
  h->resumption = on != 0;
  if (!h->resumption) wsx_tls_host_forget(h);
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
static int append_chain(wsx_tls_host *h) {
  const mbedtls_x509_crt *c;
  for (c = &h->chain; c != NULL && WSX_CRT_RAW_LEN(c) > 0; c = WSX_CRT_NEXT(c)) {
    int ret = mbedtls_x509_crt_parse_der(&h->own, WSX_CRT_RAW_P(c), WSX_CRT_RAW_LEN(c));
    if (ret != 0) return host_fail_mbedtls(h, WSX_FAIL_CONFIG, ret, "client certificate chain");
  }
  /* The intermediates now live behind the certificate: their own copies can go. */
  mbedtls_x509_crt_free(&h->chain);
  mbedtls_x509_crt_init(&h->chain);
  return 0;
}

static const char *name_of(const wsx_tls_host *h) {
  if (h->servername != NULL) return h->servername;
  return h->label != NULL ? h->label : "the server";
}

int wsx_tls_host_ready(wsx_tls_host *h) {
  int ret;
  if (h->failed.failure != WSX_FAIL_NONE) return -1;
  if (h->ready) return 0;
  if (h->verify && !h->have_ca)
    return host_fail(h, WSX_FAIL_CONFIG, 0, "no CA certificate to verify %s against (give tls.ca, or verify: false)", name_of(h));
  if (h->have_cert != h->have_key)
    return host_fail(h, WSX_FAIL_CONFIG, 0, h->have_cert ? "client certificate given without its key" : "client key given without its certificate");
  if (h->have_chain && !h->have_cert)
    return host_fail(h, WSX_FAIL_CONFIG, 0, "client certificate chain given without a client certificate");
  if (h->have_cert) {
    ret = WSX_PK_CHECK_PAIR(WSX_CRT_PK(&h->own), &h->key, mbedtls_ctr_drbg_random, &shared_drbg);
    if (ret != 0) return host_fail(h, WSX_FAIL_CONFIG, ret, "client key does not match the client certificate");
    if (append_chain(h) != 0) return -1;
  }
  ret = mbedtls_ssl_config_defaults(&h->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) return host_fail_mbedtls(h, WSX_FAIL_TLS, ret, "TLS configuration");
  mbedtls_ssl_conf_rng(&h->conf, mbedtls_ctr_drbg_random, &shared_drbg);
  if (h->verify) {
    mbedtls_ssl_conf_authmode(&h->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&h->conf, &h->ca, NULL);
  } else {
    mbedtls_ssl_conf_authmode(&h->conf, MBEDTLS_SSL_VERIFY_NONE);
  }
  if (h->have_cert) {
    ret = mbedtls_ssl_conf_own_cert(&h->conf, &h->own, &h->key);
    if (ret != 0) return host_fail_mbedtls(h, WSX_FAIL_CONFIG, ret, "client certificate");
  }
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
  if (h->max_fragment != 0) {
    WSX_CAP_TLS12(&h->conf);
    ret = mbedtls_ssl_conf_max_frag_len(&h->conf, mfl_code(h->max_fragment));
    if (ret != 0) return host_fail_mbedtls(h, WSX_FAIL_CONFIG, ret, "max fragment length");
  }
#else
  (void)mfl_code;
#endif
  WSX_CONF_SESSION_TICKETS(&h->conf, h->resumption);
  h->ready = 1;
  return 0;
}

void wsx_tls_host_forget(wsx_tls_host *h) {
  if (!h->have_session) return;
  mbedtls_ssl_session_free(&h->session);
  mbedtls_ssl_session_init(&h->session);
  h->have_session = 0;
}

int wsx_tls_host_has_session(const wsx_tls_host *h) { return h->have_session; }
int wsx_tls_host_failure(const wsx_tls_host *h) { return h->failed.failure; }
const char *wsx_tls_host_error(const wsx_tls_host *h) { return failure_text(&h->failed); }

void wsx_tls_host_release(wsx_tls_host *h) {
  if (h == NULL || h->refs == 0 || --h->refs > 0) return;
  mbedtls_ssl_session_free(&h->session);
  mbedtls_ssl_config_free(&h->conf);
  mbedtls_x509_crt_free(&h->ca);
  mbedtls_x509_crt_free(&h->own);
  mbedtls_x509_crt_free(&h->chain);
  mbedtls_pk_free(&h->key);
  free(h->servername);
  free(h->label);
  free(h->failed.text);
  free(h);
  rng_release();
}

/* Keeps the session just negotiated (or the ticket just received) for the next connection. */
static void keep_session(wsx_tls *t) {
  wsx_tls_host *h = t->host;
  mbedtls_ssl_session fresh;
  if (!h->resumption) return;
  mbedtls_ssl_session_init(&fresh);
  if (mbedtls_ssl_get_session(&t->ssl, &fresh) != 0) {
    mbedtls_ssl_session_free(&fresh);
    return;
  }
  mbedtls_ssl_session_free(&h->session);
  h->session = fresh; /* the struct owns its allocations: moving it moves them */
  h->have_session = 1;
}

/* ---- bio: ciphertext through memory ---- */

static void track_records(wsx_tls *t, const unsigned char *p, size_t n);

static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
  wsx_tls *t = (wsx_tls *)ctx;
  if (len > t->out_cap - t->out_len) {
    size_t want = t->out_len + len;
    unsigned char *grown = (unsigned char *)realloc(t->out, want);
    if (grown == NULL) return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    t->out = grown;
    t->out_cap = want;
  }
  memcpy(t->out + t->out_len, buf, len);
  t->out_len += len;
  return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
  wsx_tls *t = (wsx_tls *)ctx;
  if (t->in_len == 0) {
    if (t->eof == 1) return 0; /* the peer ended the byte stream */
    if (t->eof == 2) return MBEDTLS_ERR_NET_CONN_RESET;
    return MBEDTLS_ERR_SSL_WANT_READ;
  }
  if (len > t->in_len) len = t->in_len;
  memcpy(buf, t->in, len);
  t->in += len;
  t->in_len -= len;
  track_records(t, buf, len);
  return (int)len;
}

/* Follows the TLS record framing (5-byte header, length in bytes 3-4) of what mbedTLS was given. */
static void track_records(wsx_tls *t, const unsigned char *p, size_t n) {
  while (n > 0) {
    if (t->body_left > 0) {
      size_t k = n < t->body_left ? n : t->body_left;
      t->body_left -= k;
      p += k;
      n -= k;
      continue;
    }
    if (t->header_have >= 3) t->header_len[t->header_have - 3] = *p;
    t->header_have++;
    p++;
    n--;
    if (t->header_have == 5) {
      t->body_left = ((size_t)t->header_len[0] << 8) | t->header_len[1];
      t->header_have = 0;
    }
  }
}

/* The bytes given so far end inside a record. */
static int mid_record(const wsx_tls *t) { return t->header_have > 0 || t->body_left > 0; }

/* ---- verification ---- */

/* The leaf's IP subjectAltNames hold the address we connected to (RFC 5280 4.2.1.6, RFC 6125). */
static int ip_matches(const wsx_tls_host *h, const mbedtls_x509_crt *crt) {
  const mbedtls_x509_sequence *san;
  for (san = &crt->subject_alt_names; san != NULL; san = san->next) {
    if (san->buf.p == NULL) continue;
    if ((san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) == WSX_SAN_IP_ADDRESS && san->buf.len == h->ip_len &&
        memcmp(san->buf.p, h->ip, h->ip_len) == 0)
      return 1;
  }
  return 0;
}

/* Runs for each certificate of the server's chain. Names an IP host's mismatch
 * (mbedTLS is given no name for an address); `insist` forgives a name mismatch
 * on the leaf, and only that: other faults still fail the handshake. */
static int verify_callback(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
  wsx_tls *t = (wsx_tls *)ctx;
  t->saw_chain = 1;
  if (depth == 0 && t->host->ip_len != 0 && t->host->servername == NULL && !ip_matches(t->host, crt))
    *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
  t->verify_flags |= *flags;
  if (depth == 0 && t->host->insist) *flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
  return 0;
}

/* ---- one connection ---- */

static void release_session(wsx_tls *t) {
  if (t->host != NULL) {
    mbedtls_ssl_free(&t->ssl);
    wsx_tls_host_release(t->host);
    t->host = NULL;
  }
  t->in = NULL;
  t->in_len = 0;
}

static void handshake_step(wsx_tls *t);

wsx_tls *wsx_tls_new(wsx_tls_host *h) {
  wsx_tls *t;
  int ret;
  if (h == NULL || !h->ready) return NULL;
  t = (wsx_tls *)calloc(1, sizeof(*t));
  if (t == NULL) return NULL;
  h->refs++;
  t->host = h;
  t->state = WSX_STATE_HANDSHAKING;
  mbedtls_ssl_init(&t->ssl);
  ret = mbedtls_ssl_setup(&t->ssl, &h->conf);
  if (ret != 0) {
    char text[WSX_TLS_ERROR_SIZE];
    wsx_tls_describe_error(ret, text, sizeof(text));
    fail(t, ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? WSX_FAIL_MEMORY : WSX_FAIL_TLS, ret, "TLS session: %s", text);
    return t;
  }
  /* An address gets no SNI (RFC 6066) and no name check by mbedTLS: verify_callback checks IP SANs.
   * NULL says so explicitly, which mbedTLS 3.6.3 and later want before verifying without a name. */
  if (h->servername != NULL || h->ip_len != 0) {
    ret = mbedtls_ssl_set_hostname(&t->ssl, h->servername);
    if (ret != 0) {
      char text[WSX_TLS_ERROR_SIZE];
      wsx_tls_describe_error(ret, text, sizeof(text));
      fail(t, WSX_FAIL_CONFIG, ret, "server name: %s", text);
      return t;
    }
  }
  if (h->verify) mbedtls_ssl_set_verify(&t->ssl, verify_callback, t);
  mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
  /* A failed set_session only costs the resumption: the handshake is then a full one. */
  if (h->have_session && h->resumption) (void)mbedtls_ssl_set_session(&t->ssl, &h->session);
  handshake_step(t);
  return t;
}

static void handshake_failed(wsx_tls *t, int ret) {
  char text[WSX_TLS_ERROR_SIZE];
  wsx_tls_host *h = t->host;
  const char *label = h->label != NULL ? h->label : "the server";
  /* A kept session may be what the server choked on: the next connection starts afresh. */
  wsx_tls_host_forget(h);
  if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
    uint32_t flags = mbedtls_ssl_get_verify_result(&t->ssl);
    char ip[64];
    if (flags == (uint32_t)-1 || flags == 0) flags = t->verify_flags;
    t->verify_flags = flags;
    if (h->servername == NULL && h->ip_len != 0) {
      wsx_tls_format_ip(h->ip, h->ip_len, ip, sizeof(ip));
      wsx_tls_describe_verify(flags, ip, 1, text, sizeof(text));
    } else {
      wsx_tls_describe_verify(flags, h->servername, 0, text, sizeof(text));
    }
    fail(t, WSX_FAIL_TLS, ret, "TLS: server certificate for %s rejected: %s", name_of(h), text);
    return;
  }
  wsx_tls_describe_error(ret, text, sizeof(text));
  /* A server that wants a client certificate (or dislikes ours) hangs up or alerts mid-handshake. */
  if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE || ret == MBEDTLS_ERR_SSL_CONN_EOF || ret == MBEDTLS_ERR_NET_CONN_RESET)
    fail(t, WSX_FAIL_TLS, ret, "TLS handshake with %s failed: %s; %s", label, text,
         h->have_cert ? "the server may have refused our client certificate or its chain"
                      : "the server may require a client certificate");
  else
    fail(t, ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? WSX_FAIL_MEMORY : WSX_FAIL_TLS, ret, "TLS handshake with %s failed: %s", label, text);
}

/* Runs the handshake as far as the input allows. */
static void handshake_step(wsx_tls *t) {
  for (;;) {
    int ret = mbedtls_ssl_handshake(&t->ssl);
    if (ret == 0) {
      t->state = WSX_STATE_OPEN;
      t->resumed = t->host->verify && !t->saw_chain;
      /* TLS 1.2: session ID and ticket are known now. TLS 1.3 tickets come after the handshake. */
      if (!WSX_IS_TLS13(&t->ssl)) keep_session(t);
      return;
    }
    if (WSX_IS_NEW_SESSION_TICKET(ret)) {
      keep_session(t);
      continue;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE || WSX_IS_CRYPTO_IN_PROGRESS(ret)) return;
    handshake_failed(t, ret);
    return;
  }
}

/* The peer ended in order (EOF or close_notify): nothing more will come. */
static void peer_ended(wsx_tls *t) {
  release_session(t);
  t->state = WSX_STATE_CLOSED;
}

static void lost(wsx_tls *t, int code) {
  char text[WSX_TLS_ERROR_SIZE];
  const char *label = t->host->label != NULL ? t->host->label : "the server";
  wsx_tls_describe_error(code, text, sizeof(text));
  fail(t, code == MBEDTLS_ERR_SSL_ALLOC_FAILED ? WSX_FAIL_MEMORY : WSX_FAIL_LOST, code, "connection to %s lost: %s", label, text);
}

/* TLS 1.3: the client finishes its handshake before the server has checked our
 * certificate, so a refusal arrives after "open": as an alert, or (when we did
 * send a certificate) as a hang-up before the first byte. A plain hang-up with
 * no certificate configured stays an orderly end. */
static int refused_after_handshake(const wsx_tls *t, int ret) {
  if (t->got_data) return 0;
  if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) return 1;
  return t->host->have_cert && WSX_IS_TLS13(&t->ssl) &&
         (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF ||
          ret == MBEDTLS_ERR_NET_CONN_RESET);
}

/* OPEN: processes records until one carries application data, or input runs out. */
static void read_records(wsx_tls *t) {
  static unsigned char none[1];
  int again = 1;
  while (t->state == WSX_STATE_OPEN && mbedtls_ssl_get_bytes_avail(&t->ssl) == 0) {
    /* A zero-length read decrypts the next record without taking its bytes. */
    size_t before = t->in_len;
    int ret = mbedtls_ssl_read(&t->ssl, none, 0);
    if (ret == 0 && mbedtls_ssl_get_bytes_avail(&t->ssl) > 0) {
      t->got_data = 1;
      return;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE || WSX_IS_CRYPTO_IN_PROGRESS(ret)) {
      /* TLS 1.3 (3.x): a post-handshake message (a ticket) was read and waits to be handled by the next
       * call, without more input. Call again once; a second want means input is needed. */
      if (again && !WSX_HANDSHAKE_OVER(&t->ssl)) {
        again = 0;
        continue;
      }
      return;
    }
    again = 1;
    if (WSX_IS_NEW_SESSION_TICKET(ret)) {
      keep_session(t); /* TLS 1.3: a ticket after the handshake */
      continue;
    }
    if (ret == 0 && t->eof != 1) {
      if (t->in_len == before) return;
      continue; /* an empty record */
    }
    if (ret <= 0 && refused_after_handshake(t, ret)) {
      const char *label = t->host->label != NULL ? t->host->label : "the server";
      fail(t, WSX_FAIL_TLS, ret, "TLS: %s %s right after the handshake, before sending anything; %s", label,
           ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ? "refused the connection with a fatal alert" : "closed the connection",
           t->host->have_cert ? "the server may have refused our client certificate or its chain"
                              : "the server may require a client certificate");
      return;
    }
    /* The byte stream ended inside a record: truncated (a reset, or an attack), never an orderly end. */
    if ((ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF || ret == MBEDTLS_ERR_NET_CONN_RESET) && mid_record(t)) {
      const char *label = t->host->label != NULL ? t->host->label : "the server";
      fail(t, WSX_FAIL_LOST, MBEDTLS_ERR_SSL_CONN_EOF,
           "connection to %s lost: the connection was reset or cut off in the middle of a TLS record", label);
      return;
    }
    /* 0 (EOF) or CONN_EOF: TCP closed without close_notify; the WebSocket close handshake says whether that was clean. */
    if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
      peer_ended(t);
      return;
    }
    lost(t, ret);
    return;
  }
}

static void advance(wsx_tls *t) {
  if (t->state == WSX_STATE_HANDSHAKING) handshake_step(t);
  if (t->state == WSX_STATE_OPEN) read_records(t);
}

size_t wsx_tls_input(wsx_tls *t, const unsigned char *data, size_t len) {
  size_t left;
  if (t->state != WSX_STATE_HANDSHAKING && t->state != WSX_STATE_OPEN) return len; /* ended: dropped */
  if (t->eof) return len;
  t->in = data;
  t->in_len = len;
  advance(t);
  left = t->in_len;
  t->in = NULL;
  t->in_len = 0;
  /* An ended connection took everything: nothing more of it matters. */
  return t->state == WSX_STATE_HANDSHAKING || t->state == WSX_STATE_OPEN ? len - left : len;
}

size_t wsx_tls_pending(const wsx_tls *t) {
  if (t->state != WSX_STATE_OPEN) return 0;
  return mbedtls_ssl_get_bytes_avail(&t->ssl);
}

size_t wsx_tls_read(wsx_tls *t, unsigned char *buf, size_t len) {
  int ret;
  if (len == 0 || wsx_tls_pending(t) == 0) return 0;
  /* Bytes are waiting, so this only copies them out: it never asks the bio for input. */
  ret = mbedtls_ssl_read(&t->ssl, buf, len);
  /* The stream ended behind these bytes: now that they are out, say how. */
  if (t->eof && mbedtls_ssl_get_bytes_avail(&t->ssl) == 0) advance(t);
  return ret > 0 ? (size_t)ret : 0;
}

int wsx_tls_write(wsx_tls *t, const unsigned char *data, size_t len) {
  int ret;
  if (t->state != WSX_STATE_OPEN || t->shut) return -1;
  if (len == 0) return 0;
  if (len > 0x7FFFFFFF) len = 0x7FFFFFFF;
  ret = mbedtls_ssl_write(&t->ssl, data, len); /* at most one record */
  while (WSX_IS_NEW_SESSION_TICKET(ret)) {
    /* TLS 1.3: a ticket read earlier was handled first; keep it, then write. */
    keep_session(t);
    ret = mbedtls_ssl_write(&t->ssl, data, len);
  }
  if (ret > 0) return ret;
  if (ret == 0 || ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
      WSX_IS_NEW_SESSION_TICKET(ret) || WSX_IS_CRYPTO_IN_PROGRESS(ret))
    return 0;
  lost(t, ret);
  return -1;
}

size_t wsx_tls_output(const wsx_tls *t, const unsigned char **data) {
  *data = t->out;
  return t->out_len;
}

void wsx_tls_output_taken(wsx_tls *t) {
  t->out_len = 0;
  /* An idle connection holds no output buffer; a small one is kept for chatty traffic. */
  if (t->out_cap > WSX_TLS_OUTPUT_KEEP) {
    free(t->out);
    t->out = NULL;
    t->out_cap = 0;
  }
}

void wsx_tls_eof(wsx_tls *t, int reset) {
  if (t->state != WSX_STATE_HANDSHAKING && t->state != WSX_STATE_OPEN) return;
  t->eof = reset ? 2 : 1;
  /* The bio now answers EOF or reset and mbedTLS says what that cut short; with decrypted
   * bytes still waiting, that happens once wsx_tls_read has taken them. */
  if (wsx_tls_pending(t) == 0) advance(t);
}

void wsx_tls_shutdown(wsx_tls *t) {
  if (t->state != WSX_STATE_OPEN || t->shut) return;
  t->shut = 1;
  (void)mbedtls_ssl_close_notify(&t->ssl); /* the alert goes to the output like any record */
}

void wsx_tls_free(wsx_tls *t) {
  if (t == NULL) return;
  release_session(t);
  free(t->out);
  free(t->failed.text);
  free(t);
}

int wsx_tls_state(const wsx_tls *t) { return t->state; }
int wsx_tls_failure(const wsx_tls *t) { return t->failed.failure; }
const char *wsx_tls_error(const wsx_tls *t) { return failure_text(&t->failed); }
int wsx_tls_mbedtls_error(const wsx_tls *t) { return t->failed.mbedtls_error; }
uint32_t wsx_tls_verify_flags(const wsx_tls *t) { return t->verify_flags; }
int wsx_tls_resumed(const wsx_tls *t) { return t->resumed; }
size_t wsx_tls_struct_size(void) { return sizeof(wsx_tls); }
size_t wsx_tls_host_struct_size(void) { return sizeof(wsx_tls_host); }
const char *wsx_tls_mbedtls_version(void) { return MBEDTLS_VERSION_STRING; }
