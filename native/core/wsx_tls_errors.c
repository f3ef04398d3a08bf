/*
 * Every mbedTLS failure reaches JavaScript as a sentence. The common ones get
 * our own words (what happened and what to check); the rest fall back to
 * mbedtls_strerror() when the library was built with MBEDTLS_ERROR_C.
 */
#include "wsx_tls_errors.h"
#include "wsx_tls_compat.h"
#if defined(MBEDTLS_PKCS5_C)
#include "mbedtls/pkcs5.h"
#endif
#if defined(MBEDTLS_PKCS12_C)
#include "mbedtls/pkcs12.h"
#endif

#include <stdio.h>
#include <string.h>

static const char *own_words(int code) {
  switch (code) {
  case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
    return "the server ended the handshake with a fatal alert";
  case MBEDTLS_ERR_SSL_CONN_EOF:
    return "the server closed the connection during the TLS exchange";
  case MBEDTLS_ERR_NET_CONN_RESET:
    return "the connection was reset by the peer";
  case MBEDTLS_ERR_NET_SEND_FAILED:
    return "sending on the socket failed";
  case MBEDTLS_ERR_NET_RECV_FAILED:
    return "receiving on the socket failed";
  case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
    return "the peer closed the TLS session (close_notify)";
#if defined(MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE)
  case MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE:
    return "no cipher suite in common with the server";
#endif
#if defined(MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE)
  case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
    return "the handshake failed (no protocol version, cipher suite or key exchange in common)";
#endif
#if defined(MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION)
  case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
    return "the server offered a TLS version we do not support";
#endif
#if defined(MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION)
  case MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION:
    return "the server offered a TLS version we do not support";
#endif
  case MBEDTLS_ERR_SSL_INVALID_MAC:
    return "a TLS record failed its integrity check (corrupted or tampered data)";
  case MBEDTLS_ERR_SSL_INVALID_RECORD:
    return "the peer sent an invalid TLS record (is it really a TLS server?)";
#if defined(MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME)
  case MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME:
    return "verifying the server needs a host name to check (an empty servername turns that off; "
           "use insist or verify: false instead)";
#endif
  case MBEDTLS_ERR_SSL_ALLOC_FAILED:
    return "out of memory for the TLS buffers";
  case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
    return "the server's certificate chain failed verification";
  case MBEDTLS_ERR_PK_PASSWORD_REQUIRED:
    return "the private key is encrypted and no passphrase was given";
  case MBEDTLS_ERR_PK_PASSWORD_MISMATCH:
    return "wrong passphrase for the private key";
  case MBEDTLS_ERR_PK_KEY_INVALID_FORMAT:
    return "the private key is not a valid PEM or DER key";
  case MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE:
    return "the private key uses an algorithm or encryption this mbedTLS build lacks";
  case MBEDTLS_ERR_PK_UNKNOWN_PK_ALG:
    return "the private key's algorithm is unknown to this mbedTLS build";
  case MBEDTLS_ERR_PK_BAD_INPUT_DATA:
    return "the client key does not match the client certificate";
  case MBEDTLS_ERR_X509_INVALID_FORMAT:
    return "the certificate is not a valid PEM or DER certificate";
  case MBEDTLS_ERR_X509_ALLOC_FAILED:
    return "out of memory parsing a certificate";
#if defined(MBEDTLS_ERR_PKCS5_FEATURE_UNAVAILABLE)
  case MBEDTLS_ERR_PKCS5_FEATURE_UNAVAILABLE:
    return "the key is PKCS#8-encrypted with a cipher this mbedTLS build cannot decrypt "
           "(re-encrypt it with `openssl pkcs8 -topk8 -v2 des3`, or as traditional PEM with AES)";
#endif
#if defined(MBEDTLS_ERR_PKCS12_FEATURE_UNAVAILABLE)
  case MBEDTLS_ERR_PKCS12_FEATURE_UNAVAILABLE:
    return "the key is PKCS#12-encrypted with a cipher this mbedTLS build cannot decrypt";
#endif
  case MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED:
    return "the random number generator found no entropy source";
  default:
    return NULL;
  }
}

void wsx_tls_describe_error(int code, char *out, size_t size) {
  const char *words = own_words(code);
  int hex = code < 0 ? -code : code;
  if (words != NULL) {
    snprintf(out, size, "%s (mbedTLS -0x%04X)", words, (unsigned)hex);
    return;
  }
#if defined(MBEDTLS_ERROR_C)
  {
    char text[128];
    mbedtls_strerror(code, text, sizeof(text));
    snprintf(out, size, "%s (mbedTLS -0x%04X)", text, (unsigned)hex);
  }
#else
  snprintf(out, size, "mbedTLS error -0x%04X", (unsigned)hex);
#endif
}

/* Our words for the flags people meet; the rest get a short generic name. */
static const struct {
  uint32_t flag;
  const char *words;
} verify_words[] = {
  { MBEDTLS_X509_BADCERT_NOT_TRUSTED, "not signed by a trusted CA (unknown CA)" },
  { MBEDTLS_X509_BADCERT_EXPIRED, "a certificate in the chain has expired" },
  { MBEDTLS_X509_BADCERT_FUTURE, "a certificate in the chain is not valid yet" },
  { MBEDTLS_X509_BADCERT_CN_MISMATCH, "host name mismatch" },
  { MBEDTLS_X509_BADCERT_REVOKED, "a certificate in the chain is revoked" },
  { MBEDTLS_X509_BADCERT_MISSING, "the server sent no certificate" },
  { MBEDTLS_X509_BADCERT_SKIP_VERIFY, "verification was skipped" },
  { MBEDTLS_X509_BADCERT_KEY_USAGE, "key usage does not allow this use" },
  { MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "extended key usage does not allow TLS server use" },
  { MBEDTLS_X509_BADCERT_NS_CERT_TYPE, "Netscape certificate type does not allow this use" },
  { MBEDTLS_X509_BADCERT_BAD_MD, "signed with an unacceptable hash" },
  { MBEDTLS_X509_BADCERT_BAD_PK, "uses an unacceptable public key algorithm" },
  { MBEDTLS_X509_BADCERT_BAD_KEY, "uses an unacceptable key (too short?)" },
  { MBEDTLS_X509_BADCERT_OTHER, "other verification failure" },
};

void wsx_tls_describe_verify(uint32_t flags, const char *name, int is_ip, char *out, size_t size) {
  size_t used = 0;
  size_t i;
  uint32_t known = 0;
  out[0] = 0;
  for (i = 0; i < sizeof(verify_words) / sizeof(verify_words[0]); i++) {
    int n;
    known |= verify_words[i].flag;
    if ((flags & verify_words[i].flag) == 0) continue;
    if (verify_words[i].flag == MBEDTLS_X509_BADCERT_CN_MISMATCH && name != NULL && is_ip)
      n = snprintf(out + used, size - used,
                   "%sthe certificate is not valid for IP address %s: an address is matched only against the "
                   "certificate's IP subjectAltNames (IP:%s), never its DNS names (host name mismatch)",
                   used ? "; " : "", name, name);
    else if (verify_words[i].flag == MBEDTLS_X509_BADCERT_CN_MISMATCH && name != NULL)
      n = snprintf(out + used, size - used, "%sthe certificate is not valid for host name \"%s\" (host name mismatch)",
                   used ? "; " : "", name);
    else
      n = snprintf(out + used, size - used, "%s%s", used ? "; " : "", verify_words[i].words);
    if (n < 0 || (size_t)n >= size - used) return; /* truncated: keep what fits */
    used += (size_t)n;
  }
  if ((flags & ~known) != 0 && used < size)
    snprintf(out + used, size - used, "%sverify flags 0x%08lX", used ? "; " : "", (unsigned long)flags);
}

void wsx_tls_format_ip(const unsigned char *ip, size_t len, char *out, size_t size) {
  size_t used = 0;
  int i, best = -1, best_len = 0;
  if (size == 0) return;
  out[0] = 0;
  if (len == 4) {
    snprintf(out, size, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    return;
  }
  if (len != 16) return;
  /* RFC 5952: the longest run (two or more) of zero groups becomes "::". */
  for (i = 0; i < 8;) {
    int j = i;
    while (j < 8 && ip[2 * j] == 0 && ip[2 * j + 1] == 0) j++;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j > i ? j : i + 1;
  }
  for (i = 0; i < 8; i++) {
    int n;
    if (i == best) {
      n = snprintf(out + used, size - used, "::");
      i += best_len - 1;
    } else {
      n = snprintf(out + used, size - used, "%s%x", used > 0 && out[used - 1] != ':' ? ":" : "",
                   (unsigned)((ip[2 * i] << 8) | ip[2 * i + 1]));
    }
    if (n < 0 || (size_t)n >= size - used) return;
    used += (size_t)n;
  }
}
