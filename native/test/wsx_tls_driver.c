/*
 * Host test driver for the wsx_tls core, meant to run under AddressSanitizer
 * (+UBSan, +LeakSanitizer) or valgrind: scripts/native-memcheck.sh builds it,
 * starts `openssl s_server -rev` peers and passes their ports. It walks the
 * connect, failure and close paths; every case must end as expected, and the
 * sanitizer / valgrind turns any leak or invalid access into a failing exit.
 *
 * usage: wsx_tls_driver <cert dir> <good port> <mutual port> <wronghost port>
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wsx_tls.h"

#if defined(WSX_MEASURE)
#include <malloc.h>
/* Heap bytes in use (glibc); only meaningful without sanitizers. */
static long heap_in_use(void) { return (long)mallinfo2().uordblks; }
#define MEASURE(label, base) printf("  heap %-44s %7ld bytes\n", label, heap_in_use() - (base))
#else
static long heap_in_use(void) { return 0; }
#define MEASURE(label, base) ((void)(base))
#endif

#define PASSPHRASE "open sesame"

static const char *dir;
static int failures;

typedef struct {
  unsigned char *data;
  size_t len;
} blob;

static blob load(const char *name) {
  char path[512];
  blob b = { NULL, 0 };
  FILE *f;
  long n;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b.data = (unsigned char *)malloc((size_t)n);
  if (b.data == NULL || fread(b.data, 1, (size_t)n, f) != (size_t)n) exit(2);
  b.len = (size_t)n;
  fclose(f);
  return b;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void nap(void) {
  struct timespec ts = { 0, 1000000 };
  nanosleep(&ts, NULL);
}

/* Steps until OPEN, CLOSED or FAILED, or `ms` pass (then returns the state it is stuck in). */
static int settle(wsx_tls *t, double ms) {
  double end = now_ms() + ms;
  for (;;) {
    int state = wsx_tls_step(t) & 0xff;
    if (state == WSX_STATE_OPEN || state == WSX_STATE_CLOSED || state == WSX_STATE_FAILED) return state;
    if (now_ms() > end) return state;
    nap();
  }
}

static void check(int ok, const char *name, wsx_tls *t) {
  printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", name, t && wsx_tls_error(t)[0] ? "  -- " : "", t ? wsx_tls_error(t) : "");
  if (!ok) failures++;
}

typedef struct {
  const char *ca;        /* file name or NULL */
  const char *cert, *key, *chain, *passphrase;
  int verify, insist;
  const char *servername;
} setup;

static wsx_tls *start(int port, const setup *s) {
  wsx_tls *t = wsx_tls_new();
  if (t == NULL) {
    fprintf(stderr, "wsx_tls_new failed\n");
    exit(2);
  }
  wsx_tls_set_verify(t, s->verify, s->insist);
  if (s->ca) {
    blob b = load(s->ca);
    wsx_tls_add_ca(t, b.data, b.len);
    free(b.data);
  }
  if (s->cert) {
    blob b = load(s->cert);
    wsx_tls_set_cert(t, b.data, b.len);
    free(b.data);
  }
  if (s->chain) {
    blob b = load(s->chain);
    wsx_tls_add_chain(t, b.data, b.len);
    free(b.data);
  }
  if (s->key) {
    blob b = load(s->key);
    wsx_tls_set_key(t, b.data, b.len, s->passphrase, s->passphrase ? strlen(s->passphrase) : 0);
    free(b.data);
  }
  wsx_tls_connect(t, "127.0.0.1", (uint16_t)port, s->servername ? s->servername : "localhost", 1);
  return t;
}

/* Writes a line to `openssl s_server -rev` and expects it back reversed, then ends in order. */
static int talk(wsx_tls *t, const char *line, const char *reversed) {
  size_t sent = 0, len = strlen(line);
  char got[256];
  size_t have = 0;
  double end = now_ms() + 5000;
  while (sent < len && now_ms() < end) {
    int n = wsx_tls_write(t, (const unsigned char *)line + sent, len - sent);
    if (n < 0) return 0;
    sent += (size_t)n;
    if (n == 0) nap();
  }
  while (now_ms() < end && (have < strlen(reversed) || memchr(got, '\n', have) == NULL)) {
    const unsigned char *data;
    int n = wsx_tls_read(t, &data);
    if (n < 0) return 0;
    if (n == 0) {
      nap();
      continue;
    }
    if (have + (size_t)n >= sizeof(got)) return 0;
    memcpy(got + have, data, (size_t)n);
    have += (size_t)n;
  }
  got[have] = 0;
  if (strstr(got, reversed) == NULL) return 0;
  wsx_tls_shutdown(t);
  return 1;
}

static int contains(wsx_tls *t, const char *text) { return strstr(wsx_tls_error(t), text) != NULL; }

/* A listening socket nobody accepts from: TCP connects (backlog), TLS never answers. */
static int silent_listener(int *port) {
  struct sockaddr_in a;
  socklen_t len = sizeof(a);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 4) != 0) exit(2);
  getsockname(fd, (struct sockaddr *)&a, &len);
  *port = ntohs(a.sin_port);
  return fd;
}

int main(int argc, char **argv) {
  int good, mutual, wrong, port, listener, state;
  long base;
  wsx_tls *t;
  setup s;
  if (argc != 5) {
    fprintf(stderr, "usage: %s <cert dir> <good port> <mutual port> <wronghost port>\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  good = atoi(argv[2]);
  mutual = atoi(argv[3]);
  wrong = atoi(argv[4]);
#if defined(WSX_MEASURE)
  mallopt(M_MXFAST, 0); /* freed small chunks must not count as in use (tcache: see the script's GLIBC_TUNABLES) */
#endif
  printf("mbedTLS %s, connection struct %lu bytes\n", wsx_tls_mbedtls_version(), (unsigned long)wsx_tls_struct_size());

  /* 1. good chain: open, talk, close_notify, close */
  memset(&s, 0, sizeof(s));
  s.ca = "ca.pem";
  s.verify = 1;
  t = start(good, &s);
  state = settle(t, 5000);
  check(state == WSX_STATE_OPEN && talk(t, "stressed\n", "desserts\n"), "good chain: open, echo, shutdown", t);
  wsx_tls_close(t);
  check(wsx_tls_state(t) == WSX_STATE_CLOSED, "good chain: closed", t);
  wsx_tls_free(t);

  /* 2. good chain, freed while open (no explicit close); measured here, after case 1 warmed up libc's one-time allocations */
  base = heap_in_use();
  t = start(good, &s);
  MEASURE("after connect() (struct, one CA parsed)", base);
  check(settle(t, 5000) == WSX_STATE_OPEN, "free while open", t);
  MEASURE("open (one CA)", base);
  wsx_tls_close(t);
  MEASURE("after close (struct + parsed CA until free)", base);
  wsx_tls_free(t);
  MEASURE("after free", base);

  /* 3. unknown CA */
  s.ca = "other-ca.pem";
  t = start(good, &s);
  check(settle(t, 5000) == WSX_STATE_FAILED && contains(t, "unknown CA"), "unknown CA fails", t);
  wsx_tls_free(t);

  /* 4. host-name mismatch, then insist */
  s.ca = "ca.pem";
  t = start(wrong, &s);
  check(settle(t, 5000) == WSX_STATE_FAILED && contains(t, "host name mismatch"), "name mismatch fails", t);
  wsx_tls_free(t);
  s.insist = 1;
  t = start(wrong, &s);
  check(settle(t, 5000) == WSX_STATE_OPEN && talk(t, "live\n", "evil\n"), "name mismatch with insist opens", t);
  wsx_tls_free(t);
  s.insist = 0;

  /* 5. mutual TLS: encrypted key right, wrong; no certificate */
  s.cert = "client.pem";
  s.key = "client-pem-aes.key";
  s.passphrase = PASSPHRASE;
  base = heap_in_use();
  t = start(mutual, &s);
  check(settle(t, 5000) == WSX_STATE_OPEN && talk(t, "drawer\n", "reward\n"), "mutual TLS with encrypted key", t);
  MEASURE("open with client certificate + key", base);
  wsx_tls_close(t);
  wsx_tls_free(t);
  s.passphrase = "wrong";
  t = start(mutual, &s);
  check(wsx_tls_state(t) == WSX_STATE_FAILED && contains(t, "wrong passphrase"), "wrong passphrase", t);
  wsx_tls_free(t);
  s.cert = s.key = s.passphrase = NULL;
  t = start(mutual, &s);
  if (settle(t, 5000) == WSX_STATE_OPEN) { /* TLS 1.3: the refusal comes on the first read */
    double end = now_ms() + 5000;
    const unsigned char *data;
    while (wsx_tls_read(t, &data) >= 0 && now_ms() < end) nap();
  }
  check(wsx_tls_state(t) == WSX_STATE_FAILED && wsx_tls_failure(t) == WSX_FAIL_TLS && contains(t, "client certificate"),
        "mutual TLS without certificate", t);
  wsx_tls_free(t);

  /* 6. chained client certificate */
  s.cert = "client-int.pem";
  s.key = "client-int.key";
  s.chain = "int.pem";
  t = start(mutual, &s);
  check(settle(t, 5000) == WSX_STATE_OPEN && talk(t, "pool\n", "loop\n"), "client certificate with chain", t);
  wsx_tls_free(t);
  s.cert = s.key = s.chain = NULL;

  /* 7. bad CA data, no CA, key without certificate: config failures before any socket */
  t = wsx_tls_new();
  {
    static const char bad[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    wsx_tls_add_ca(t, (const unsigned char *)bad, sizeof(bad) - 1);
  }
  check(wsx_tls_state(t) == WSX_STATE_FAILED && wsx_tls_failure(t) == WSX_FAIL_CONFIG, "bad CA data", t);
  check(wsx_tls_connect(t, "127.0.0.1", (uint16_t)good, NULL, 1) == -1, "connect after a config failure refuses", t);
  wsx_tls_free(t);
  t = wsx_tls_new();
  check(wsx_tls_connect(t, "127.0.0.1", (uint16_t)good, "localhost", 1) == -1 && contains(t, "no CA"), "no CA", t);
  wsx_tls_free(t);

  /* 8. never connected */
  t = wsx_tls_new();
  wsx_tls_free(t);
  check(1, "free without connect", NULL);

  /* 9. refused connect (the silent listener's port after closing it) */
  listener = silent_listener(&port);
  close(listener);
  s.ca = "ca.pem";
  t = start(port, &s);
  check(settle(t, 5000) == WSX_STATE_FAILED && wsx_tls_failure(t) == WSX_FAIL_CONNECT, "refused connect", t);
  wsx_tls_free(t);

  /* 10. stalled handshake, abandoned mid-way (what a timeout does) */
  listener = silent_listener(&port);
  t = start(port, &s);
  state = settle(t, 200);
  check(state == WSX_STATE_HANDSHAKING, "stalled handshake stays HANDSHAKING", t);
  wsx_tls_close(t);
  wsx_tls_free(t);
  close(listener);

  /* 11. plain TCP mode to the TLS server: open, then the server drops us */
  t = wsx_tls_new();
  wsx_tls_connect(t, "127.0.0.1", (uint16_t)good, NULL, 0);
  check(settle(t, 5000) == WSX_STATE_OPEN, "plain TCP opens", t);
  wsx_tls_write(t, (const unsigned char *)"not tls\n\n\n\n\n\n", 14);
  {
    double end = now_ms() + 5000;
    const unsigned char *data;
    while (wsx_tls_read(t, &data) >= 0 && now_ms() < end) nap();
  }
  check(wsx_tls_state(t) == WSX_STATE_CLOSED || wsx_tls_state(t) == WSX_STATE_FAILED, "plain TCP ends when the TLS server gives up", t);
  wsx_tls_free(t);

  printf("%s: %d failure(s)\n", failures ? "FAILED" : "passed", failures);
  return failures ? 1 : 0;
}
