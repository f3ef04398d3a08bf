/*
 * Node binding of the wsx_tls core (N-API, plain C): two classes, TlsHost and
 * TlsSession, with the members modules/transport/mbedtls-native.ts declares.
 * Bad argument types throw TypeError; bad certificates and keys do not throw:
 * they show as the host's `error`; TLS failures as the session's state FAILED.
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

/* What the two classes wrap: the core object, or NULL once closed. */
typedef struct {
  wsx_tls_host *host;
} host_box;

typedef struct {
  wsx_tls *tls;
} session_box;

/* The TlsSession constructor, for TlsHost.prototype.connect. */
typedef struct {
  napi_ref session_class;
} addon_data;

static void *unwrap_this(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, napi_value *self_out) {
  napi_value self;
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, &data) != napi_ok || data == NULL) {
    napi_throw_error(env, NULL, "wsx_tls: not a TlsHost or TlsSession");
    return NULL;
  }
  if (self_out) *self_out = self;
  return data;
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
    if (napi_get_typedarray_info(env, v, &type, &length, &p, &buffer, &offset) == napi_ok && type == napi_uint8_array) {
      *data = (const unsigned char *)p;
      *len = length;
      return 1;
    }
  }
  snprintf(msg, sizeof(msg), "wsx_tls: %s must be a Uint8Array", name);
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

typedef int (*add_fn)(wsx_tls_host *, const unsigned char *, size_t);

static int add_list(napi_env env, napi_value obj, const char *name, wsx_tls_host *h, add_fn add) {
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
    snprintf(msg, sizeof(msg), "options.%s[%u]", name, (unsigned)i);
    napi_get_element(env, list, i, &item);
    if (!bytes_of(env, item, msg, &data, &len)) return 0;
    if (add(h, data, len) != 0) return 1; /* failed with a message: the transport reports it */
  }
  return 1;
}

/* Applies every option and builds the configuration. 0 after throwing. */
static int configure(napi_env env, wsx_tls_host *h, napi_value o) {
  napi_value v;
  char *label = NULL, *servername = NULL;
  uint32_t mfl = 0;
  napi_value mfl_given;
  const unsigned char *data, *ip = NULL;
  size_t len, ip_len = 0;
  int ok = 0;

  if (!has(env, o, "label", &v) || (label = string_of(env, v, "label", NULL)) == NULL) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_type_error(env, NULL, "wsx_tls: options.label is required");
    return 0;
  }
  if (!number_of(env, o, "maxFragmentLength", &mfl)) goto done;
  if (has(env, o, "servername", &v) && (servername = string_of(env, v, "servername", NULL)) == NULL) goto done;
  if (has(env, o, "ip", &v) && !bytes_of(env, v, "options.ip", &ip, &ip_len)) goto done;
  wsx_tls_host_set_label(h, label);
  wsx_tls_host_set_name(h, servername, ip, ip_len);
  wsx_tls_host_set_verify(h, bool_of(env, o, "verify", 1), bool_of(env, o, "insist", 0));
  wsx_tls_host_set_resumption(h, bool_of(env, o, "resumption", 1));
  /* Absent: the core's compiled default (WSX_TLS_MAX_FRAGMENT_LENGTH). */
  if (has(env, o, "maxFragmentLength", &mfl_given)) wsx_tls_host_set_max_fragment_length(h, mfl);
  if (!add_list(env, o, "ca", h, wsx_tls_host_add_ca)) goto done;
  if (has(env, o, "cert", &v)) {
    if (!bytes_of(env, v, "options.cert", &data, &len)) goto done;
    wsx_tls_host_set_cert(h, data, len);
  }
  if (!add_list(env, o, "chain", h, wsx_tls_host_add_chain)) goto done;
  if (has(env, o, "key", &v)) {
    char *pass = NULL;
    size_t pass_len = 0;
    napi_value pv;
    if (!bytes_of(env, v, "options.key", &data, &len)) goto done;
    if (has(env, o, "passphrase", &pv) && (pass = string_of(env, pv, "passphrase", &pass_len)) == NULL) goto done;
    wsx_tls_host_set_key(h, data, len, pass, pass_len);
    if (pass != NULL) {
      memset(pass, 0, pass_len);
      free(pass);
    }
  }
  wsx_tls_host_ready(h); /* failures show as `error` */
  ok = 1;
done:
  free(label);
  free(servername);
  return ok;
}

static napi_value int_value(napi_env env, int64_t n) {
  napi_value v;
  CHECK(env, napi_create_int64(env, n, &v));
  return v;
}

static napi_value bool_value(napi_env env, int b) {
  napi_value v;
  CHECK(env, napi_get_boolean(env, b != 0, &v));
  return v;
}

static napi_value string_value(napi_env env, const char *s) {
  napi_value v;
  CHECK(env, napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v));
  return v;
}

static napi_value undefined_value(napi_env env) {
  napi_value v;
  CHECK(env, napi_get_undefined(env, &v));
  return v;
}

/* ---- TlsHost ---- */

static void host_finalize(napi_env env, void *data, void *hint) {
  host_box *box = (host_box *)data;
  (void)env;
  (void)hint;
  wsx_tls_host_release(box->host);
  free(box);
}

static napi_value host_construct(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], self;
  napi_valuetype type;
  host_box *box;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_object) {
    napi_throw_type_error(env, NULL, "wsx_tls: new TlsHost(options) needs an options object");
    return NULL;
  }
  box = (host_box *)calloc(1, sizeof(*box));
  if (box == NULL || (box->host = wsx_tls_host_new()) == NULL) {
    free(box);
    napi_throw_error(env, NULL, "wsx_tls: out of memory (or no entropy source) for a TLS host");
    return NULL;
  }
  if (napi_wrap(env, self, box, host_finalize, NULL, NULL) != napi_ok) {
    wsx_tls_host_release(box->host);
    free(box);
    napi_throw_error(env, NULL, "wsx_tls: cannot wrap the TLS host");
    return NULL;
  }
  if (!configure(env, box->host, argv[0])) return NULL;
  return self;
}

static napi_value host_connect(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  napi_value self, ctor, session;
  addon_data *data;
  host_box *box = (host_box *)unwrap_this(env, info, &argc, NULL, &self);
  if (box == NULL) return NULL;
  if (box->host == NULL) {
    napi_throw_error(env, NULL, "wsx_tls: this TlsHost was closed");
    return NULL;
  }
  CHECK(env, napi_get_instance_data(env, (void **)&data));
  CHECK(env, napi_get_reference_value(env, data->session_class, &ctor));
  CHECK(env, napi_new_instance(env, ctor, 1, &self, &session));
  return session;
}

static napi_value host_forget(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  host_box *box = (host_box *)unwrap_this(env, info, &argc, NULL, NULL);
  if (box == NULL) return NULL;
  if (box->host) wsx_tls_host_forget(box->host);
  return undefined_value(env);
}

static napi_value host_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  host_box *box = (host_box *)unwrap_this(env, info, &argc, NULL, NULL);
  if (box == NULL) return NULL;
  wsx_tls_host_release(box->host); /* its sessions keep what they still need */
  box->host = NULL;
  return undefined_value(env);
}

static napi_value host_error(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  host_box *box = (host_box *)unwrap_this(env, info, &argc, NULL, NULL);
  if (box == NULL) return NULL;
  return string_value(env, box->host ? wsx_tls_host_error(box->host) : "");
}

static napi_value host_failure(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  host_box *box = (host_box *)unwrap_this(env, info, &argc, NULL, NULL);
  if (box == NULL) return NULL;
  return int_value(env, box->host ? wsx_tls_host_failure(box->host) : 0);
}

static napi_value host_has_session(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  host_box *box = (host_box *)unwrap_this(env, info, &argc, NULL, NULL);
  if (box == NULL) return NULL;
  return bool_value(env, box->host ? wsx_tls_host_has_session(box->host) : 0);
}

/* ---- TlsSession ---- */

static void session_finalize(napi_env env, void *data, void *hint) {
  session_box *box = (session_box *)data;
  (void)env;
  (void)hint;
  wsx_tls_free(box->tls);
  free(box);
}

static napi_value session_construct(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], self;
  void *host_data = NULL;
  host_box *host;
  session_box *box;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  if (argc < 1 || napi_unwrap(env, argv[0], &host_data) != napi_ok || host_data == NULL) {
    napi_throw_type_error(env, NULL, "wsx_tls: new TlsSession(host) needs a TlsHost");
    return NULL;
  }
  host = (host_box *)host_data;
  if (host->host == NULL || wsx_tls_host_failure(host->host) != 0) {
    napi_throw_error(env, NULL, "wsx_tls: this TlsHost is closed or failed (see its error)");
    return NULL;
  }
  box = (session_box *)calloc(1, sizeof(*box));
  if (box == NULL || (box->tls = wsx_tls_new(host->host)) == NULL) {
    free(box);
    napi_throw_error(env, NULL, "wsx_tls: out of memory for a TLS session");
    return NULL;
  }
  if (napi_wrap(env, self, box, session_finalize, NULL, NULL) != napi_ok) {
    wsx_tls_free(box->tls);
    free(box);
    napi_throw_error(env, NULL, "wsx_tls: cannot wrap the TLS session");
    return NULL;
  }
  return self;
}

static session_box *session_of(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  return (session_box *)unwrap_this(env, info, argc, argv, NULL);
}

static napi_value s_input(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  const unsigned char *data;
  size_t len;
  session_box *box = session_of(env, info, &argc, argv);
  if (box == NULL) return NULL;
  if (argc < 1 || !bytes_of(env, argv[0], "input(bytes): bytes", &data, &len)) return NULL;
  if (box->tls == NULL) return int_value(env, (int64_t)len);
  return int_value(env, (int64_t)wsx_tls_input(box->tls, data, len));
}

static napi_value s_read(napi_env env, napi_callback_info info) {
  size_t argc = 0, n;
  napi_value result;
  void *copy;
  session_box *box = session_of(env, info, &argc, NULL);
  if (box == NULL) return NULL;
  n = box->tls ? wsx_tls_pending(box->tls) : 0;
  if (n == 0) {
    CHECK(env, napi_get_null(env, &result));
    return result;
  }
  CHECK(env, napi_create_arraybuffer(env, n, &copy, &result));
  wsx_tls_read(box->tls, (unsigned char *)copy, n);
  return result;
}

static napi_value s_write(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  const unsigned char *data;
  size_t len;
  session_box *box = session_of(env, info, &argc, argv);
  if (box == NULL) return NULL;
  if (argc < 1 || !bytes_of(env, argv[0], "write(bytes): bytes", &data, &len)) return NULL;
  return int_value(env, box->tls ? wsx_tls_write(box->tls, data, len) : -1);
}

static napi_value s_output(napi_env env, napi_callback_info info) {
  size_t argc = 0, n;
  const unsigned char *data;
  napi_value result;
  void *copy;
  session_box *box = session_of(env, info, &argc, NULL);
  if (box == NULL) return NULL;
  n = box->tls ? wsx_tls_output(box->tls, &data) : 0;
  if (n == 0) {
    CHECK(env, napi_get_null(env, &result));
    return result;
  }
  CHECK(env, napi_create_arraybuffer(env, n, &copy, &result));
  memcpy(copy, data, n);
  wsx_tls_output_taken(box->tls);
  return result;
}

static napi_value s_eof(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool reset = false;
  session_box *box = session_of(env, info, &argc, argv);
  if (box == NULL) return NULL;
  if (argc >= 1) napi_get_value_bool(env, argv[0], &reset);
  if (box->tls) wsx_tls_eof(box->tls, reset ? 1 : 0);
  return undefined_value(env);
}

static napi_value s_shutdown(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  session_box *box = session_of(env, info, &argc, NULL);
  if (box == NULL) return NULL;
  if (box->tls) wsx_tls_shutdown(box->tls);
  return undefined_value(env);
}

/* Frees the session now; later calls see CLOSED with no error (as the XS binding does). */
static napi_value s_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  session_box *box = session_of(env, info, &argc, NULL);
  if (box == NULL) return NULL;
  wsx_tls_free(box->tls);
  box->tls = NULL;
  return undefined_value(env);
}

#define SESSION_GETTER(name, expr, fallback)                                  \
  static napi_value name(napi_env env, napi_callback_info info) {            \
    size_t argc = 0;                                                          \
    session_box *box = session_of(env, info, &argc, NULL);                    \
    if (box == NULL) return NULL;                                             \
    return int_value(env, box->tls ? (int64_t)(expr) : (int64_t)(fallback)); \
  }

SESSION_GETTER(s_state, wsx_tls_state(box->tls), WSX_STATE_CLOSED)
SESSION_GETTER(s_failure, wsx_tls_failure(box->tls), WSX_FAIL_NONE)
SESSION_GETTER(s_mbedtls_error, wsx_tls_mbedtls_error(box->tls), 0)
SESSION_GETTER(s_verify_flags, wsx_tls_verify_flags(box->tls), 0)

static napi_value s_resumed(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  session_box *box = session_of(env, info, &argc, NULL);
  if (box == NULL) return NULL;
  return bool_value(env, box->tls ? wsx_tls_resumed(box->tls) : 0);
}

static napi_value s_error(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  session_box *box = session_of(env, info, &argc, NULL);
  if (box == NULL) return NULL;
  return string_value(env, box->tls ? wsx_tls_error(box->tls) : "");
}

static void addon_finalize(napi_env env, void *data, void *hint) {
  addon_data *d = (addon_data *)data;
  (void)hint;
  napi_delete_reference(env, d->session_class);
  free(d);
}

#define METHOD(name, fn) { name, NULL, fn, NULL, NULL, NULL, napi_default, NULL }
#define GETTER(name, fn) { name, NULL, NULL, fn, NULL, NULL, napi_default, NULL }

static napi_value init(napi_env env, napi_value exports) {
  napi_value host_class, session_class, value;
  addon_data *data;
  napi_property_descriptor host_props[] = {
    METHOD("connect", host_connect),
    METHOD("forget", host_forget),
    METHOD("close", host_close),
    GETTER("error", host_error),
    GETTER("failure", host_failure),
    GETTER("hasSession", host_has_session),
  };
  napi_property_descriptor session_props[] = {
    METHOD("input", s_input),
    METHOD("read", s_read),
    METHOD("write", s_write),
    METHOD("output", s_output),
    METHOD("eof", s_eof),
    METHOD("shutdown", s_shutdown),
    METHOD("close", s_close),
    GETTER("state", s_state),
    GETTER("failure", s_failure),
    GETTER("error", s_error),
    GETTER("mbedtlsError", s_mbedtls_error),
    GETTER("verifyFlags", s_verify_flags),
    GETTER("resumed", s_resumed),
  };
  CHECK(env, napi_define_class(env, "TlsHost", NAPI_AUTO_LENGTH, host_construct, NULL,
                               sizeof(host_props) / sizeof(host_props[0]), host_props, &host_class));
  CHECK(env, napi_define_class(env, "TlsSession", NAPI_AUTO_LENGTH, session_construct, NULL,
                               sizeof(session_props) / sizeof(session_props[0]), session_props, &session_class));
  data = (addon_data *)calloc(1, sizeof(*data));
  if (data == NULL) {
    napi_throw_error(env, NULL, "wsx_tls: out of memory");
    return NULL;
  }
  CHECK(env, napi_create_reference(env, session_class, 1, &data->session_class));
  CHECK(env, napi_set_instance_data(env, data, addon_finalize, NULL));
  CHECK(env, napi_set_named_property(env, exports, "TlsHost", host_class));
  CHECK(env, napi_set_named_property(env, exports, "TlsSession", session_class));
  CHECK(env, napi_create_string_utf8(env, wsx_tls_mbedtls_version(), NAPI_AUTO_LENGTH, &value));
  CHECK(env, napi_set_named_property(env, exports, "mbedtlsVersion", value));
  CHECK(env, napi_create_uint32(env, (uint32_t)wsx_tls_struct_size(), &value));
  CHECK(env, napi_set_named_property(env, exports, "sessionStructSize", value));
  CHECK(env, napi_create_uint32(env, (uint32_t)wsx_tls_host_struct_size(), &value));
  CHECK(env, napi_set_named_property(env, exports, "hostStructSize", value));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
