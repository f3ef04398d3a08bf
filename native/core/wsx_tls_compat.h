/*
 * The places where mbedTLS 2.28 (Debian's libmbedtls-dev) and 3.x (ESP-IDF 5)
 * differ, behind one set of names. version.h pulls in the library's config
 * (config.h in 2.x, build_info.h in 3.x), so feature macros are visible after it.
 */
#ifndef WSX_TLS_COMPAT_H
#define WSX_TLS_COMPAT_H

#include "mbedtls/version.h"

#if MBEDTLS_VERSION_NUMBER < 0x021C0000
#error "wsx_tls needs mbedTLS 2.28 or 3.x"
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x04000000
#error "wsx_tls does not support mbedTLS 4.x yet (no ctr_drbg/entropy there)"
#endif

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h" /* MBEDTLS_ERR_NET_* codes only: the core has no sockets */
#include "mbedtls/asn1.h"
#if defined(MBEDTLS_ERROR_C)
#include "mbedtls/error.h"
#endif

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define WSX_MBEDTLS3 1
#if defined(MBEDTLS_PSA_CRYPTO_C)
#include "psa/crypto.h"
#define WSX_NEEDS_PSA_INIT 1
#endif
#endif

/* 3.x gave key parsing and pair checking an RNG (for blinding). */
#if defined(WSX_MBEDTLS3)
#define WSX_PK_PARSE_KEY(pk, key, keylen, pwd, pwdlen, rng, prng) \
  mbedtls_pk_parse_key((pk), (key), (keylen), (pwd), (pwdlen), (rng), (prng))
#define WSX_PK_CHECK_PAIR(pub, prv, rng, prng) mbedtls_pk_check_pair((pub), (prv), (rng), (prng))
#else
#define WSX_PK_PARSE_KEY(pk, key, keylen, pwd, pwdlen, rng, prng) \
  mbedtls_pk_parse_key((pk), (key), (keylen), (pwd), (pwdlen))
#define WSX_PK_CHECK_PAIR(pub, prv, rng, prng) mbedtls_pk_check_pair((pub), (prv))
#endif

/* Whether the handshake is over: a public call from 3.2 on, a field before. */
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
#define WSX_HANDSHAKE_OVER(ssl) mbedtls_ssl_is_handshake_over(ssl)
#elif defined(WSX_MBEDTLS3)
#define WSX_HANDSHAKE_OVER(ssl) ((ssl)->MBEDTLS_PRIVATE(state) == MBEDTLS_SSL_HANDSHAKE_OVER)
#else
#define WSX_HANDSHAKE_OVER(ssl) ((ssl)->state == MBEDTLS_SSL_HANDSHAKE_OVER)
#endif

/* The raw DER of a parsed certificate (the field is public in both lines). */
#define WSX_CRT_RAW_P(crt) ((crt)->raw.p)
#define WSX_CRT_RAW_LEN(crt) ((crt)->raw.len)
#define WSX_CRT_NEXT(crt) ((crt)->next)
#define WSX_CRT_PK(crt) (&(crt)->pk)

/* Which protocol version the session runs (TLS 1.3 moves client-certificate refusals after the handshake). */
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define WSX_IS_TLS13(ssl) (mbedtls_ssl_get_version_number(ssl) == MBEDTLS_SSL_VERSION_TLS1_3)
#else
#define WSX_IS_TLS13(ssl) 0
#endif

/* Cap the protocol at TLS 1.2 (mbedTLS's TLS 1.3 client does not do max_fragment_length). */
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define WSX_CAP_TLS12(conf) mbedtls_ssl_conf_max_tls_version((conf), MBEDTLS_SSL_VERSION_TLS1_2)
#elif defined(WSX_MBEDTLS3) && defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define WSX_CAP_TLS12(conf) mbedtls_ssl_conf_max_version((conf), MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3)
#else
#define WSX_CAP_TLS12(conf) ((void)(conf))
#endif

/* The GeneralName tag of an IP subjectAltName (RFC 5280); kept by both lines in subject_alt_names. */
#if defined(MBEDTLS_X509_SAN_IP_ADDRESS)
#define WSX_SAN_IP_ADDRESS MBEDTLS_X509_SAN_IP_ADDRESS
#else
#define WSX_SAN_IP_ADDRESS 7
#endif

/* Session tickets on or off: TLS 1.2 tickets, and (3.x) whether TLS 1.3 tickets are reported to us at all. */
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED) && \
    defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define WSX_CONF_SESSION_TICKETS(conf, on)                                                                   \
  do {                                                                                                       \
    mbedtls_ssl_conf_session_tickets((conf), (on) ? MBEDTLS_SSL_SESSION_TICKETS_ENABLED                      \
                                                  : MBEDTLS_SSL_SESSION_TICKETS_DISABLED);                   \
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(                                                \
        (conf), (on) ? MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED                                 \
                     : MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_DISABLED);                              \
  } while (0)
#elif defined(MBEDTLS_SSL_SESSION_TICKETS)
#define WSX_CONF_SESSION_TICKETS(conf, on)                                                                   \
  mbedtls_ssl_conf_session_tickets((conf), (on) ? MBEDTLS_SSL_SESSION_TICKETS_ENABLED                        \
                                                : MBEDTLS_SSL_SESSION_TICKETS_DISABLED)
#else
#define WSX_CONF_SESSION_TICKETS(conf, on) ((void)(conf), (void)(on))
#endif

/* Return codes that only mean "call again" on some versions. */
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
#define WSX_IS_NEW_SESSION_TICKET(r) ((r) == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
#else
#define WSX_IS_NEW_SESSION_TICKET(r) 0
#endif
#if defined(MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS)
#define WSX_IS_CRYPTO_IN_PROGRESS(r) ((r) == MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS)
#else
#define WSX_IS_CRYPTO_IN_PROGRESS(r) 0
#endif

#endif
