/*
 * Host test driver for the wsx_tls core, meant to run under AddressSanitizer
 * (+UBSan, +LeakSanitizer) or valgrind: scripts/native-memcheck.sh builds it,
 * starts `openssl s_server -rev` peers and passes their ports. The core owns
 * no socket, so this driver owns them: it connects, carries the core's
 * ciphertext out and the server's in, and walks the handshake, failure,
 * resumption and close paths. Every case must end as expected, and the
 * sanitizer / valgrind turns any leak or invalid access into a failing exit.
 *
 * usage: wsx_tls_driver <cert dir> <good port> <mutual port> <wronghost port> <no-ticket port> <ip-san port> <good port 2>
 */
#define _POSIX_C_SOURCE 200809L /* getenv is C89; this is for clock_gettime and poll */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
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
static long peak_seen;
static void sample(void) {
  long now = heap_in_use();
  if (now > peak_seen) peak_seen = now;
}
#define MEASURE(label, base) printf("  heap %-58s %7ld bytes\n", label, heap_in_use() - (base))
#else
static long heap_in_use(void) { return 0; }
static void sample(void) {}
static long peak_seen;
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
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void check(int ok, const char *name, const char *error) {
  printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", name, error && error[0] ? "  -- " : "", error ? error : "");
  if (!ok) failures++;
}

/* ---- the driver's own sockets ---- */

static int dial(int port) {
  struct sockaddr_in a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0) exit(2);
  if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Sends what the core wants sent. 0, or -1 when the socket refused. */
static int flush(wsx_tls *t, int fd) {
  const unsigned char *out;
  size_t n = wsx_tls_output(t, &out);
  size_t sent = 0;
  sample();
  while (sent < n) {
    ssize_t k = send(fd, out + sent, n - sent, MSG_NOSIGNAL);
    if (k <= 0) return -1;
    sent += (size_t)k;
  }
  if (n > 0) wsx_tls_output_taken(t);
  return 0;
}

/* Waits up to ms for bytes and gives them to the core; plaintext goes to `got` (if any). 1: bytes came, 0: none, -1: the stream ended. */
static int pump(wsx_tls *t, int fd, int ms, char *got, size_t *have, size_t cap) {
  unsigned char buf[8192];
  struct pollfd p;
  ssize_t n;
  size_t at = 0;
  p.fd = fd;
  p.events = POLLIN;
  p.revents = 0;
  if (poll(&p, 1, ms) <= 0) return 0;
  n = recv(fd, buf, sizeof(buf), 0);
  if (n <= 0) {
    wsx_tls_eof(t, n < 0 && errno == ECONNRESET);
    flush(t, fd);
    return -1;
  }
  while (at < (size_t)n) {
    size_t taken = wsx_tls_input(t, buf + at, (size_t)n - at), r, read_now = 0;
    char plain[4096];
    at += taken;
    sample();
    while ((r = wsx_tls_read(t, (unsigned char *)plain, sizeof(plain))) > 0) {
      read_now += r;
      if (got != NULL && *have + r < cap) {
        memcpy(got + *have, plain, r);
        *have += r;
      }
    }
    flush(t, fd);
    if (wsx_tls_state(t) != WSX_STATE_OPEN && wsx_tls_state(t) != WSX_STATE_HANDSHAKING) break;
    if (taken == 0 && read_now == 0) break; /* nothing moved: cannot happen, but never spin */
  }
  return 1;
}

/* Runs the handshake until OPEN, CLOSED or FAILED, or `ms` pass (then returns the state it is stuck in). */
static int settle(wsx_tls *t, int fd, double ms) {
  double end = now_ms() + ms;
  flush(t, fd); /* the ClientHello */
  while (wsx_tls_state(t) == WSX_STATE_HANDSHAKING && now_ms() < end) {
    if (pump(t, fd, 20, NULL, NULL, 0) < 0) break;
  }
  /* TLS 1.3 servers send their tickets right after the handshake: take them in. */
  while (wsx_tls_state(t) == WSX_STATE_OPEN && pump(t, fd, 100, NULL, NULL, 0) > 0) {
  }
  return wsx_tls_state(t);
}

/* Writes a line to `openssl s_server -rev`, expects it back reversed, then sends close_notify. */
static int talk(wsx_tls *t, int fd, const char *line, const char *reversed) {
  size_t sent = 0, len = strlen(line), have = 0;
  char got[256];
  double end = now_ms() + 5000;
  while (sent < len) {
    int n = wsx_tls_write(t, (const unsigned char *)line + sent, len - sent);
    if (n <= 0) return 0;
    sent += (size_t)n;
    if (flush(t, fd) != 0) return 0;
  }
  while (now_ms() < end && (have < strlen(reversed) || memchr(got, '\n', have) == NULL)) {
    if (pump(t, fd, 20, got, &have, sizeof(got) - 1) < 0) break;
  }
  got[have] = 0;
  if (strstr(got, reversed) == NULL) return 0;
  wsx_tls_shutdown(t);
  return flush(t, fd) == 0;
}

static int contains(const char *error, const char *text) { return strstr(error, text) != NULL; }

/* ---- hosts ---- */

typedef struct {
  const char *ca; /* file name or NULL */
  const char *cert, *key, *chain, *passphrase;
  int verify, insist, resumption;
  const char *servername;
  const unsigned char *ip;
  size_t ip_len;
} setup;

static wsx_tls_host *make_host(const setup *s, int port) {
  char label[32];
  wsx_tls_host *h = wsx_tls_host_new();
  if (h == NULL) {
    fprintf(stderr, "wsx_tls_host_new failed\n");
    exit(2);
  }
  snprintf(label, sizeof(label), "127.0.0.1:%d", port);
  wsx_tls_host_set_label(h, label);
  wsx_tls_host_set_name(h, s->ip ? NULL : (s->servername ? s->servername : "localhost"), s->ip, s->ip_len);
  wsx_tls_host_set_verify(h, s->verify, s->insist);
  wsx_tls_host_set_resumption(h, s->resumption);
  /* --measure with WSX_MFL=4096 (the script passes it on): ask for smaller records (RFC 6066). */
  if (getenv("WSX_MFL") != NULL) wsx_tls_host_set_max_fragment_length(h, (unsigned)atoi(getenv("WSX_MFL")));
  if (s->ca) {
    blob b = load(s->ca);
    wsx_tls_host_add_ca(h, b.data, b.len);
    free(b.data);
  }
  if (s->cert) {
    blob b = load(s->cert);
    wsx_tls_host_set_cert(h, b.data, b.len);
    free(b.data);
  }
  if (s->chain) {
    blob b = load(s->chain);
    wsx_tls_host_add_chain(h, b.data, b.len);
    free(b.data);
  }
  if (s->key) {
    blob b = load(s->key);
    wsx_tls_host_set_key(h, b.data, b.len, s->passphrase, s->passphrase ? strlen(s->passphrase) : 0);
    free(b.data);
  }
  wsx_tls_host_ready(h);
  return h;
}

/* One connection to `port` through host h: handshake, then (when it opens and line != NULL) an echo. */
static int session(wsx_tls_host *h, int port, const char *line, const char *reversed, int *resumed, char *error, size_t error_size) {
  int fd = dial(port), state, ok;
  wsx_tls *t;
  if (fd < 0) return -1;
  t = wsx_tls_new(h);
  if (t == NULL) exit(2);
  state = settle(t, fd, 5000);
  ok = state == WSX_STATE_OPEN && (line == NULL || talk(t, fd, line, reversed));
  if (state == WSX_STATE_OPEN && line == NULL) {
    /* An orderly end (close_notify): servers keep only sessions that ended so for resumption. */
    wsx_tls_shutdown(t);
    flush(t, fd);
  }
  if (resumed) *resumed = wsx_tls_resumed(t);
  snprintf(error, error_size, "%s", wsx_tls_error(t));
  if (!ok && state == WSX_STATE_OPEN) state = -2;
  wsx_tls_free(t);
  close(fd);
  return state;
}

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
  static const unsigned char loopback4[4] = { 127, 0, 0, 1 };
  int good, good2, mutual, wrong, noticket, ipsan, port, listener, state, fd, resumed;
  long base;
  char error[512];
  wsx_tls_host *h;
  wsx_tls *t, *t2;
  setup s;
  if (argc == 2 && strcmp(argv[1], "--can-run") == 0) return 0; /* the script's probe: this binary executes here */
  if (argc != 8) {
    fprintf(stderr, "usage: %s <cert dir> <good port> <mutual port> <wronghost port> <no-ticket port> <ip-san port> <good port 2>\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  good = atoi(argv[2]);
  mutual = atoi(argv[3]);
  wrong = atoi(argv[4]);
  noticket = atoi(argv[5]);
  ipsan = atoi(argv[6]);
  good2 = atoi(argv[7]);
#if defined(WSX_MEASURE)
  mallopt(M_MXFAST, 0); /* freed small chunks must not count as in use (tcache: see the script's GLIBC_TUNABLES) */
#endif
  printf("mbedTLS %s, session struct %lu bytes, host struct %lu bytes\n", wsx_tls_mbedtls_version(),
         (unsigned long)wsx_tls_struct_size(), (unsigned long)wsx_tls_host_struct_size());

  /* 1. good chain: open, talk, close_notify */
  memset(&s, 0, sizeof(s));
  s.ca = "ca.pem";
  s.verify = 1;
  s.resumption = 1;
  h = make_host(&s, good);
  state = session(h, good, "stressed\n", "desserts\n", NULL, error, sizeof(error));
  check(state == WSX_STATE_OPEN, "good chain: open, echo, close_notify", error);

  /* 2. the next connection to the same host resumes (TLS 1.2 ticket or session ID, TLS 1.3 ticket) */
  state = session(h, good, "level\n", "level\n", &resumed, error, sizeof(error));
  check(state == WSX_STATE_OPEN && resumed && wsx_tls_host_has_session(h), "second connection resumes the session", error);
  wsx_tls_host_release(h);

  /* 3. resumption by session ID (a server without tickets); off when the host says so */
  h = make_host(&s, noticket);
  session(h, noticket, NULL, NULL, NULL, error, sizeof(error));
  state = session(h, noticket, "radar\n", "radar\n", &resumed, error, sizeof(error));
  /* TLS 1.2: by session ID. TLS 1.3 has none: OpenSSL's -no_ticket then issues stateful tickets (its cache). */
  check(state == WSX_STATE_OPEN && resumed, "resumption by a server without stateless tickets", error);
  wsx_tls_host_release(h);
  s.resumption = 0;
  h = make_host(&s, good);
  session(h, good, NULL, NULL, NULL, error, sizeof(error));
  state = session(h, good, NULL, NULL, &resumed, error, sizeof(error));
  check(state == WSX_STATE_OPEN && !resumed && !wsx_tls_host_has_session(h), "resumption off: full handshakes", error);
  wsx_tls_host_release(h);
  s.resumption = 1;

  /* 4. memory: one host, two open connections, then a resumed one (measured after cases 1-3 warmed up
   * libc's one-time allocations). s_server serves one connection at a time: the second goes to another. */
  base = heap_in_use();
  h = make_host(&s, good);
  MEASURE("host ready (struct, one CA parsed, configuration)", base);
  fd = dial(good);
  peak_seen = 0;
  t = wsx_tls_new(h);
  MEASURE("+ session made (ClientHello out)", base);
  check(settle(t, fd, 5000) == WSX_STATE_OPEN, "measured connection opens", wsx_tls_error(t));
  MEASURE("+ one connection open (full handshake, one CA)", base);
#if defined(WSX_MEASURE)
  printf("  heap %-58s %7ld bytes\n", "  peak seen between calls during that handshake", peak_seen - base);
#endif
  {
    int fd2 = dial(good2);
    long before = heap_in_use();
    t2 = wsx_tls_new(h);
    check(settle(t2, fd2, 5000) == WSX_STATE_OPEN, "a second open connection shares the host", wsx_tls_error(t2));
#if defined(WSX_MEASURE)
    printf("  heap %-58s %7ld bytes\n", "+ a second open connection (full handshake, same host)", heap_in_use() - before);
#else
    (void)before;
#endif
    wsx_tls_shutdown(t2);
    flush(t2, fd2);
    wsx_tls_free(t2);
    close(fd2);
  }
  wsx_tls_shutdown(t);
  flush(t, fd);
  wsx_tls_free(t);
  close(fd);
  MEASURE("after both freed (the host and its kept session)", base);
  {
    long before = heap_in_use();
    fd = dial(good2); /* the host keeps the last session: the second server's */
    t2 = wsx_tls_new(h);
    check(settle(t2, fd, 5000) == WSX_STATE_OPEN && wsx_tls_resumed(t2), "a later connection to the host resumes", wsx_tls_error(t2));
#if defined(WSX_MEASURE)
    printf("  heap %-58s %7ld bytes\n", "+ one connection open (resumed)", heap_in_use() - before);
#else
    (void)before;
#endif
    wsx_tls_shutdown(t2);
    flush(t2, fd);
    wsx_tls_free(t2);
    close(fd);
  }
  wsx_tls_host_release(h);
  MEASURE("after the host released", base);

  /* 5. unknown CA */
  s.ca = "other-ca.pem";
  h = make_host(&s, good);
  state = session(h, good, NULL, NULL, NULL, error, sizeof(error));
  check(state == WSX_STATE_FAILED && contains(error, "unknown CA"), "unknown CA fails", error);
  wsx_tls_host_release(h);

  /* 6. host-name mismatch, then insist */
  s.ca = "ca.pem";
  h = make_host(&s, wrong);
  state = session(h, wrong, NULL, NULL, NULL, error, sizeof(error));
  check(state == WSX_STATE_FAILED && contains(error, "host name mismatch"), "name mismatch fails", error);
  wsx_tls_host_release(h);
  s.insist = 1;
  h = make_host(&s, wrong);
  state = session(h, wrong, "live\n", "evil\n", NULL, error, sizeof(error));
  check(state == WSX_STATE_OPEN, "name mismatch with insist opens", error);
  wsx_tls_host_release(h);
  s.insist = 0;

  /* 7. an address: matched against IP subjectAltNames (not DNS names), no SNI */
  s.ip = loopback4;
  s.ip_len = 4;
  h = make_host(&s, ipsan);
  state = session(h, ipsan, "refer\n", "refer\n", NULL, error, sizeof(error));
  check(state == WSX_STATE_OPEN, "IP host matches the certificate's IP:127.0.0.1", error);
  wsx_tls_host_release(h);
  h = make_host(&s, good);
  state = session(h, good, NULL, NULL, NULL, error, sizeof(error));
  check(state == WSX_STATE_FAILED && contains(error, "IP address 127.0.0.1") && contains(error, "host name mismatch"),
        "IP host refused by a certificate with DNS names only", error);
  wsx_tls_host_release(h);
  s.ip = NULL;
  s.ip_len = 0;

  /* 8. mutual TLS: encrypted key right, wrong; no certificate */
  s.cert = "client.pem";
  s.key = "client-pem-aes.key";
  s.passphrase = PASSPHRASE;
  base = heap_in_use();
  h = make_host(&s, mutual);
  MEASURE("host ready with client certificate + key", base);
  fd = dial(mutual);
  t = wsx_tls_new(h);
  check(settle(t, fd, 5000) == WSX_STATE_OPEN && talk(t, fd, "drawer\n", "reward\n"), "mutual TLS with encrypted key", wsx_tls_error(t));
  MEASURE("+ one connection open with client certificate + key", base);
  wsx_tls_free(t);
  close(fd);
  wsx_tls_host_release(h);
  s.passphrase = "wrong";
  h = make_host(&s, mutual);
  check(wsx_tls_host_failure(h) == WSX_FAIL_CONFIG && contains(wsx_tls_host_error(h), "wrong passphrase"), "wrong passphrase",
        wsx_tls_host_error(h));
  check(wsx_tls_new(h) == NULL, "no session from a failed host", NULL);
  wsx_tls_host_release(h);
  s.passphrase = NULL;
  h = make_host(&s, mutual);
  check(wsx_tls_host_failure(h) == WSX_FAIL_CONFIG && contains(wsx_tls_host_error(h), "no passphrase"), "missing passphrase",
        wsx_tls_host_error(h));
  wsx_tls_host_release(h);
  s.cert = s.key = NULL;
  h = make_host(&s, mutual);
  fd = dial(mutual);
  t = wsx_tls_new(h);
  if (settle(t, fd, 5000) == WSX_STATE_OPEN) { /* TLS 1.3: the refusal comes after the handshake */
    double end = now_ms() + 5000;
    while (wsx_tls_state(t) == WSX_STATE_OPEN && now_ms() < end)
      if (pump(t, fd, 20, NULL, NULL, 0) < 0) break;
  }
  check(wsx_tls_state(t) == WSX_STATE_FAILED && wsx_tls_failure(t) == WSX_FAIL_TLS && contains(wsx_tls_error(t), "client certificate"),
        "mutual TLS without certificate", wsx_tls_error(t));
  wsx_tls_free(t);
  close(fd);
  wsx_tls_host_release(h);

  /* 9. chained client certificate */
  s.cert = "client-int.pem";
  s.key = "client-int.key";
  s.chain = "int.pem";
  h = make_host(&s, mutual);
  state = session(h, mutual, "pool\n", "loop\n", NULL, error, sizeof(error));
  check(state == WSX_STATE_OPEN, "client certificate with chain", error);
  wsx_tls_host_release(h);
  s.cert = s.key = s.chain = NULL;

  /* 10. bad CA data, no CA: config failures before any socket */
  h = wsx_tls_host_new();
  {
    static const char bad[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    wsx_tls_host_add_ca(h, (const unsigned char *)bad, sizeof(bad) - 1);
  }
  check(wsx_tls_host_failure(h) == WSX_FAIL_CONFIG && wsx_tls_host_ready(h) == -1, "bad CA data", wsx_tls_host_error(h));
  wsx_tls_host_release(h);
  h = wsx_tls_host_new();
  wsx_tls_host_set_name(h, "localhost", NULL, 0);
  check(wsx_tls_host_ready(h) == -1 && contains(wsx_tls_host_error(h), "no CA"), "no CA", wsx_tls_host_error(h));
  wsx_tls_host_release(h);

  /* 11. never connected */
  h = wsx_tls_host_new();
  wsx_tls_host_release(h);
  check(1, "host made and released without a connection", NULL);

  /* 12. stalled handshake, abandoned mid-way (what a timeout does) */
  listener = silent_listener(&port);
  h = make_host(&s, port);
  fd = dial(port);
  t = wsx_tls_new(h);
  wsx_tls_host_release(h); /* the session keeps what it needs */
  state = settle(t, fd, 200);
  check(state == WSX_STATE_HANDSHAKING, "stalled handshake stays HANDSHAKING", wsx_tls_error(t));
  wsx_tls_free(t);
  close(fd);
  close(listener);

  /* 13. the server's socket ends mid-handshake: a TLS failure naming it */
  listener = silent_listener(&port);
  h = make_host(&s, port);
  fd = dial(port);
  t = wsx_tls_new(h);
  flush(t, fd);
  {
    int accepted = accept(listener, NULL, NULL);
    if (accepted >= 0) close(accepted);
  }
  settle(t, fd, 5000);
  check(wsx_tls_state(t) == WSX_STATE_FAILED && contains(wsx_tls_error(t), "TLS handshake with 127.0.0.1:"), "server hangs up mid-handshake",
        wsx_tls_error(t));
  wsx_tls_free(t);
  wsx_tls_host_release(h);
  close(fd);
  close(listener);

  printf("%s: %d failure(s)\n", failures ? "FAILED" : "passed", failures);
  return failures ? 1 : 0;
}
