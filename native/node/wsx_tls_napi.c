/*
 * Node binding of the wsx_tls core (N-API, plain C). Exposes one class,
 * TlsSocket, with the methods modules/transport/mbedtls-native.ts declares.
 * Bad argument types throw TypeError; bad certificates, keys and network
 * failures do not throw: they show as state FAILED with `error` set.
 */
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsx_tls.h"

#define CHECK(env, call)                                                   \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), NULL, "wsx_tls: N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static wsx_tls *unwrap(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, &data) != napi_ok || data == NULL) {
    napi_throw_error(env, NULL, "wsx_tls: not a TlsSocket");
    return NULL;
  }
  return (wsx_tls *)data;
}

/* ---- reading options ---- */

static int has(napi_env env, napi_value obj, const char *name, napi_value *out) {
  bool present = false;
  napi_valuetype type;
  if (napi_has_named_property(env, obj, name, &present) != napi_ok || !present) return 0;
  if (napi_get_named_property(env, obj, name, out) != napi_ok) return 0;
  if (napi_typeof(env, *out, &type) != napi_ok) return 0;
  return type != napi_undefined && type != napi_null;
}

/* Returns a malloc'd copy, NULL after throwing. */
static char *string_of(napi_env env, napi_value v, const char *name, size_t *out_len) {
  size_t len = 0;
  char *s;
  char msg[96];
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    snprintf(msg, sizeof(msg), "wsx_tls: options.%s must be a string", name);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  s = (char *)malloc(len + 1);
  if (s == NULL) {
    napi_throw_error(env, NULL, "wsx_tls: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  if (out_len) *out_len = len;
  return s;
}

static int bytes_of(napi_env env, napi_value v, const char *name, const unsigned char **data, size_t *len) {
  bool is_typed = false;
  char msg[96];
  if (napi_is_typedarray(env, v, &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type type;
    size_t length, offset;
    napi_value buffer;
    void *p;
    napi_get_typedarray_info(env, v, &type, &length, &p, &buffer, &offset);
    if (type == napi_uint8_array) {
      *data = (const unsigned char *)p;
      *len = length;
      return 1;
    }
  }
  snprintf(msg, sizeof(msg), "wsx_tls: options.%s must be a Uint8Array", name);
  napi_throw_type_error(env, NULL, msg);
  return 0;
}

static int number_of(napi_env env, napi_value obj, const char *name, uint32_t *out) {
  napi_value v;
  char msg[96];
  if (!has(env, obj, name, &v)) return 1;
  if (napi_get_value_uint32(env, v, out) != napi_ok) {
    snprintf(msg, sizeof(msg), "wsx_tls: options.%s must be a number", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

static int bool_of(napi_env env, napi_value obj, const char *name, int fallback) {
  napi_value v;
  bool b = false;
  if (!has(env, obj, name, &v)) return fallback;
  if (napi_coerce_to_bool(env, v, &v) != napi_ok || napi_get_value_bool(env, v, &b) != napi_ok) return fallback;
  return b ? 1 : 0;
}

typedef int (*add_fn)(wsx_tls *, const unsigned char *, size_t);

static int add_list(napi_env env, napi_value obj, const char *name, wsx_tls *t, add_fn add) {
  napi_value list;
  bool is_array = false;
  uint32_t n, i;
  char msg[96];
  if (!has(env, obj, name, &list)) return 1;
  if (napi_is_array(env, list, &is_array) != napi_ok || !is_array) {
    snprintf(msg, sizeof(msg), "wsx_tls: options.%s must be an array of Uint8Array", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  napi_get_array_length(env, list, &n);
  for (i = 0; i < n; i++) {
    napi_value item;
    const unsigned char *data;
    size_t len;
    napi_get_element(env, list, i, &item);
    if (!bytes_of(env, item, name, &data, &len)) return 0;
    if (add(t, data, len) != 0) return 1; /* FAILED with a message: the transport reports it */
  }
  return 1;
}

/* Applies every option, then starts connecting. 0 after throwing. */
static int configure(napi_env env, wsx_tls *t, napi_value o) {
  napi_value v;
  char *host = NULL, *servername = NULL;
  uint32_t port = 0, read_size = 0, mfl = 0;
  int secure, ok = 0;
  const unsigned char *data;
  size_t len;

  if (!has(env, o, "host", &v) || (host = string_of(env, v, "host", NULL)) == NULL) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_type_error(env, NULL, "wsx_tls: options.host is required");
    return 0;
  }
  if (!number_of(env, o, "port", &port) || !number_of(env, o, "readBufferSize", &read_size) ||
      !number_of(env, o, "maxFragmentLength", &mfl))
    goto done;
  if (port == 0 || port > 65535) {
    napi_throw_type_error(env, NULL, "wsx_tls: options.port must be 1..65535");
    goto done;
  }
  if (has(env, o, "servername", &v) && (servername = string_of(env, v, "servername", NULL)) == NULL) goto done;
  secure = bool_of(env, o, "secure", 1);
  wsx_tls_set_verify(t, bool_of(env, o, "verify", 1), bool_of(env, o, "insist", 0));
  wsx_tls_set_read_buffer_size(t, read_size);
  wsx_tls_set_max_fragment_length(t, mfl);
  if (!add_list(env, o, "ca", t, wsx_tls_add_ca)) goto done;
  if (has(env, o, "cert", &v)) {
    if (!bytes_of(env, v, "cert", &data, &len)) goto done;
    wsx_tls_set_cert(t, data, len);
  }
  if (!add_list(env, o, "chain", t, wsx_tls_add_chain)) goto done;
  if (has(env, o, "key", &v)) {
    char *pass = NULL;
    size_t pass_len = 0;
    napi_value pv;
    if (!bytes_of(env, v, "key", &data, &len)) goto done;
    if (has(env, o, "passphrase", &pv) && (pass = string_of(env, pv, "passphrase", &pass_len)) == NULL) goto done;
    wsx_tls_set_key(t, data, len, pass, pass_len);
    if (pass != NULL) {
      memset(pass, 0, pass_len);
      free(pass);
    }
  }
  wsx_tls_connect(t, host, (uint16_t)port, servername, secure); /* failures show as state FAILED */
  ok = 1;
done:
  free(host);
  free(servername);
  return ok;
}

/* ---- the class ---- */

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  wsx_tls_free((wsx_tls *)data);
}

static napi_value construct(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], self;
  napi_valuetype type;
  wsx_tls *t;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_object) {
    napi_throw_type_error(env, NULL, "wsx_tls: new TlsSocket(options) needs an options object");
    return NULL;
  }
  t = wsx_tls_new();
  if (t == NULL) {
    napi_throw_error(env, NULL, "wsx_tls: out of memory (or no entropy source) creating a connection");
    return NULL;
  }
  if (napi_wrap(env, self, t, finalize, NULL, NULL) != napi_ok) {
    wsx_tls_free(t);
    napi_throw_error(env, NULL, "wsx_tls: cannot wrap the connection");
    return NULL;
  }
  if (!configure(env, t, argv[0])) {
    wsx_tls_close(t);
    return NULL;
  }
  return self;
}

static napi_value int_value(napi_env env, int64_t n) {
  napi_value v;
  CHECK(env, napi_create_int64(env, n, &v));
  return v;
}

static napi_value m_step(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  return t ? int_value(env, wsx_tls_step(t)) : NULL;
}

static napi_value m_read(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  const unsigned char *data;
  int n;
  napi_value result;
  void *copy;
  if (t == NULL) return NULL;
  n = wsx_tls_read(t, &data);
  if (n <= 0) {
    CHECK(env, napi_get_null(env, &result));
    return result;
  }
  CHECK(env, napi_create_arraybuffer(env, (size_t)n, &copy, &result));
  memcpy(copy, data, (size_t)n);
  return result;
}

static napi_value m_write(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  wsx_tls *t = unwrap(env, info, &argc, argv);
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length, offset;
  napi_value buffer;
  void *p;
  if (t == NULL) return NULL;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &p, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "wsx_tls: write(bytes) needs a Uint8Array");
    return NULL;
  }
  return int_value(env, wsx_tls_write(t, (const unsigned char *)p, length));
}

static napi_value m_shutdown(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  if (t) wsx_tls_shutdown(t);
  return NULL;
}

static napi_value m_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  if (t) wsx_tls_close(t);
  return NULL;
}

static napi_value g_state(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  return t ? int_value(env, wsx_tls_state(t)) : NULL;
}

static napi_value g_failure(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  return t ? int_value(env, wsx_tls_failure(t)) : NULL;
}

static napi_value g_mbedtls_error(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  return t ? int_value(env, wsx_tls_mbedtls_error(t)) : NULL;
}

static napi_value g_verify_flags(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  return t ? int_value(env, wsx_tls_verify_flags(t)) : NULL;
}

static napi_value g_error(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  wsx_tls *t = unwrap(env, info, &argc, NULL);
  napi_value v;
  if (t == NULL) return NULL;
  CHECK(env, napi_create_string_utf8(env, wsx_tls_error(t), NAPI_AUTO_LENGTH, &v));
  return v;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value cls, version, size;
  napi_property_descriptor props[] = {
    { "step", NULL, m_step, NULL, NULL, NULL, napi_default, NULL },
    { "read", NULL, m_read, NULL, NULL, NULL, napi_default, NULL },
    { "write", NULL, m_write, NULL, NULL, NULL, napi_default, NULL },
    { "shutdown", NULL, m_shutdown, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, m_close, NULL, NULL, NULL, napi_default, NULL },
    { "state", NULL, NULL, g_state, NULL, NULL, napi_default, NULL },
    { "failure", NULL, NULL, g_failure, NULL, NULL, napi_default, NULL },
    { "error", NULL, NULL, g_error, NULL, NULL, napi_default, NULL },
    { "mbedtlsError", NULL, NULL, g_mbedtls_error, NULL, NULL, napi_default, NULL },
    { "verifyFlags", NULL, NULL, g_verify_flags, NULL, NULL, napi_default, NULL },
  };
  CHECK(env, napi_define_class(env, "TlsSocket", NAPI_AUTO_LENGTH, construct, NULL,
                               sizeof(props) / sizeof(props[0]), props, &cls));
  CHECK(env, napi_set_named_property(env, exports, "TlsSocket", cls));
  CHECK(env, napi_create_string_utf8(env, wsx_tls_mbedtls_version(), NAPI_AUTO_LENGTH, &version));
  CHECK(env, napi_set_named_property(env, exports, "mbedtlsVersion", version));
  CHECK(env, napi_create_uint32(env, (uint32_t)wsx_tls_struct_size(), &size));
  CHECK(env, napi_set_named_property(env, exports, "connectionStructSize", size));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
