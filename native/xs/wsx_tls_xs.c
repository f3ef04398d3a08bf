/*
 * XS (Moddable) binding of the wsx_tls core: the host functions behind
 * native/xs/wsx-tls.js. Same contract as the N-API binding (native/node):
 * wrong argument types throw; unusable certificates and keys do not, they
 * show as the host's `error`; TLS failures as the session's state FAILED.
 *
 * GC safety: a buffer pointer from XS may move when the VM allocates, so each
 * is used before the next XS call that may allocate: input() and write() hand
 * their bytes to the core and return a number; read() and output() allocate
 * their ArrayBuffer first and then fill it from C memory, which never moves.
 * Strings are copied into fixed stack buffers, so nothing leaks if a later
 * check throws; the core objects are attached to `this` right after they are
 * made, so the destructors free them on any path.
 */
#include "xsmc.h"
#include "mc.xs.h" /* xsID_* for the option names, which the TLS layer's code uses */

#include <string.h>

#include "wsx_tls.h"

#define NAME_MAX_LEN 256
#define PASSPHRASE_MAX 256

/* ---- TlsHost ---- */

void xs_wsx_tls_host_destructor(void *data) {
	if (data) wsx_tls_host_release((wsx_tls_host *)data);
}

static wsx_tls_host *host_of(xsMachine *the) {
	return (wsx_tls_host *)xsmcGetHostData(xsThis);
}

/* Copies options[id] into buf when it is present; 0 when absent. Throws on a non-string or one too long. */
static int copy_string(xsMachine *the, xsIdentifier id, const char *name, char *buf, size_t size) {
	xsmcGet(xsVar(0), xsArg(0), id);
	xsType type = xsmcTypeOf(xsVar(0));
	if (type == xsUndefinedType || type == xsNullType) return 0;
	if (type != xsStringType) xsTypeError("wsx-tls: options.%s must be a string", name);
	const char *s = xsmcToString(xsVar(0));
	size_t n = strlen(s);
	if (n >= size) xsRangeError("wsx-tls: options.%s is too long", name);
	memcpy(buf, s, n + 1);
	return 1;
}

static int get_integer(xsMachine *the, xsIdentifier id, int fallback) {
	xsmcGet(xsVar(0), xsArg(0), id);
	xsType type = xsmcTypeOf(xsVar(0));
	if (type == xsUndefinedType || type == xsNullType) return fallback;
	return xsmcToInteger(xsVar(0));
}

static int get_boolean(xsMachine *the, xsIdentifier id, int fallback) {
	xsmcGet(xsVar(0), xsArg(0), id);
	xsType type = xsmcTypeOf(xsVar(0));
	if (type == xsUndefinedType || type == xsNullType) return fallback;
	return xsmcTest(xsVar(0)) ? 1 : 0;
}

typedef int (*add_fn)(wsx_tls_host *, const unsigned char *, size_t);

/* Hands the buffer in xsVar(2) to the core, which copies (parses) it at once. */
static void add_buffer(xsMachine *the, wsx_tls_host *h, add_fn add, const char *name) {
	void *data;
	xsUnsignedValue length;
	if (xsmcTypeOf(xsVar(2)) != xsReferenceType) xsTypeError("wsx-tls: options.%s must hold Uint8Arrays", name);
	xsmcGetBufferReadable(xsVar(2), &data, &length);
	add(h, (const unsigned char *)data, (size_t)length);
}

/* options[id] is an array of buffers: each goes to `add`. */
static void add_list(xsMachine *the, wsx_tls_host *h, xsIdentifier id, add_fn add, const char *name) {
	xsmcGet(xsVar(1), xsArg(0), id);
	xsType type = xsmcTypeOf(xsVar(1));
	if (type == xsUndefinedType || type == xsNullType) return;
	if (!xsmcIsInstanceOf(xsVar(1), xsArrayPrototype)) xsTypeError("wsx-tls: options.%s must be an array", name);
	xsmcGet(xsVar(0), xsVar(1), xsID_length);
	int count = xsmcToInteger(xsVar(0));
	for (int i = 0; i < count; i++) {
		xsmcGetIndex(xsVar(2), xsVar(1), i);
		add_buffer(the, h, add, name);
	}
}

void xs_wsx_tls_host_constructor(xsMachine *the) {
	char label[NAME_MAX_LEN], servername[NAME_MAX_LEN], passphrase[PASSPHRASE_MAX];
	int has_servername, has_passphrase;
	wsx_tls_host *h;

	if (xsmcArgc < 1 || xsmcTypeOf(xsArg(0)) != xsReferenceType) xsTypeError("wsx-tls: new TlsHost(options) needs an options object");
	xsmcVars(3);
	if (!copy_string(the, xsID_label, "label", label, sizeof(label))) xsTypeError("wsx-tls: options.label is required");
	has_servername = copy_string(the, xsID_servername, "servername", servername, sizeof(servername));
	has_passphrase = copy_string(the, xsID_passphrase, "passphrase", passphrase, sizeof(passphrase));

	h = wsx_tls_host_new();
	if (h == NULL) xsUnknownError("wsx-tls: out of memory (or no entropy source) for a TLS host");
	xsmcSetHostData(xsThis, h);

	wsx_tls_host_set_label(h, label);
	xsmcGet(xsVar(2), xsArg(0), xsID_ip);
	if (xsmcTest(xsVar(2))) {
		void *data;
		xsUnsignedValue length;
		if (xsmcTypeOf(xsVar(2)) != xsReferenceType) xsTypeError("wsx-tls: options.ip must be a Uint8Array");
		xsmcGetBufferReadable(xsVar(2), &data, &length);
		wsx_tls_host_set_name(h, has_servername ? servername : NULL, (const unsigned char *)data, (size_t)length);
	} else {
		wsx_tls_host_set_name(h, has_servername ? servername : NULL, NULL, 0);
	}
	wsx_tls_host_set_verify(h, get_boolean(the, xsID_verify, 1), get_boolean(the, xsID_insist, 0));
	wsx_tls_host_set_resumption(h, get_boolean(the, xsID_resumption, 1));
	/* Absent: the core's compiled default (the manifest's defines.wsx_tls.max_fragment_length). */
	int mfl = get_integer(the, xsID_maxFragmentLength, -1);
	if (mfl >= 0) wsx_tls_host_set_max_fragment_length(h, (unsigned)mfl);
	add_list(the, h, xsID_ca, wsx_tls_host_add_ca, "ca");

	xsmcGet(xsVar(2), xsArg(0), xsID_cert);
	if (xsmcTest(xsVar(2))) add_buffer(the, h, wsx_tls_host_set_cert, "cert");
	add_list(the, h, xsID_chain, wsx_tls_host_add_chain, "chain");

	xsmcGet(xsVar(2), xsArg(0), xsID_key);
	if (xsmcTest(xsVar(2))) {
		void *data;
		xsUnsignedValue length;
		if (xsmcTypeOf(xsVar(2)) != xsReferenceType) xsTypeError("wsx-tls: options.key must be a Uint8Array");
		xsmcGetBufferReadable(xsVar(2), &data, &length);
		wsx_tls_host_set_key(h, (const unsigned char *)data, (size_t)length, has_passphrase ? passphrase : NULL,
		                     has_passphrase ? strlen(passphrase) : 0);
	}
	if (has_passphrase) memset(passphrase, 0, sizeof(passphrase));

	wsx_tls_host_ready(h); /* failures show as `error` */
}

void xs_wsx_tls_host_forget(xsMachine *the) {
	wsx_tls_host *h = host_of(the);
	if (h) wsx_tls_host_forget(h);
}

/* Lets go at once (a device should not wait for the GC to give back parsed certificates). */
void xs_wsx_tls_host_close(xsMachine *the) {
	wsx_tls_host *h = host_of(the);
	if (h == NULL) return;
	xsmcSetHostData(xsThis, NULL);
	wsx_tls_host_release(h);
}

void xs_wsx_tls_host_get_error(xsMachine *the) {
	wsx_tls_host *h = host_of(the);
	xsmcSetString(xsResult, h ? (char *)wsx_tls_host_error(h) : "");
}

void xs_wsx_tls_host_get_failure(xsMachine *the) {
	wsx_tls_host *h = host_of(the);
	xsmcSetInteger(xsResult, h ? wsx_tls_host_failure(h) : WSX_FAIL_NONE);
}

void xs_wsx_tls_host_get_has_session(xsMachine *the) {
	wsx_tls_host *h = host_of(the);
	xsmcSetBoolean(xsResult, h ? wsx_tls_host_has_session(h) : 0);
}

/* ---- TlsSession ---- */

void xs_wsx_tls_session_destructor(void *data) {
	if (data) wsx_tls_free((wsx_tls *)data);
}

static wsx_tls *session_of(xsMachine *the) {
	return (wsx_tls *)xsmcGetHostData(xsThis);
}

void xs_wsx_tls_session_constructor(xsMachine *the) {
	wsx_tls_host *h;
	wsx_tls *t;
	if (xsmcArgc < 1 || xsmcTypeOf(xsArg(0)) != xsReferenceType) xsTypeError("wsx-tls: new TlsSession(host) needs a TlsHost");
	h = (wsx_tls_host *)xsmcGetHostData(xsArg(0));
	if (h == NULL || wsx_tls_host_failure(h) != WSX_FAIL_NONE) xsUnknownError("wsx-tls: this TlsHost is closed or failed (see its error)");
	t = wsx_tls_new(h);
	if (t == NULL) xsUnknownError("wsx-tls: out of memory for a TLS session");
	xsmcSetHostData(xsThis, t);
}

/* Bytes of a Uint8Array argument; the pointer is good until the next XS allocation. */
static const unsigned char *bytes_arg(xsMachine *the, const char *what, size_t *len) {
	void *data;
	xsUnsignedValue length;
	if (xsmcArgc < 1 || xsmcTypeOf(xsArg(0)) != xsReferenceType) xsTypeError("wsx-tls: %s needs a Uint8Array", what);
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	*len = (size_t)length;
	return (const unsigned char *)data;
}

void xs_wsx_tls_session_input(xsMachine *the) {
	wsx_tls *t = session_of(the);
	size_t len;
	const unsigned char *data = bytes_arg(the, "input(bytes)", &len);
	xsmcSetInteger(xsResult, (xsIntegerValue)(t ? wsx_tls_input(t, data, len) : len));
}

void xs_wsx_tls_session_read(xsMachine *the) {
	wsx_tls *t = session_of(the);
	size_t n = t ? wsx_tls_pending(t) : 0;
	if (n == 0) {
		xsmcSetNull(xsResult);
		return;
	}
	xsmcSetArrayBuffer(xsResult, NULL, (xsUnsignedValue)n);
	/* The core never calls into XS: the new buffer stays put while it is filled. */
	wsx_tls_read(t, (unsigned char *)xsmcToArrayBuffer(xsResult), n);
}

void xs_wsx_tls_session_write(xsMachine *the) {
	wsx_tls *t = session_of(the);
	size_t len;
	const unsigned char *data = bytes_arg(the, "write(bytes)", &len);
	xsmcSetInteger(xsResult, t ? wsx_tls_write(t, data, len) : -1);
}

void xs_wsx_tls_session_output(xsMachine *the) {
	wsx_tls *t = session_of(the);
	const unsigned char *data;
	size_t n = t ? wsx_tls_output(t, &data) : 0;
	if (n == 0) {
		xsmcSetNull(xsResult);
		return;
	}
	xsmcSetArrayBuffer(xsResult, (void *)data, (xsUnsignedValue)n); /* copies out of the core's C buffer */
	wsx_tls_output_taken(t);
}

void xs_wsx_tls_session_eof(xsMachine *the) {
	wsx_tls *t = session_of(the);
	int reset = xsmcArgc > 0 && xsmcTest(xsArg(0));
	if (t) wsx_tls_eof(t, reset);
}

void xs_wsx_tls_session_shutdown(xsMachine *the) {
	wsx_tls *t = session_of(the);
	if (t) wsx_tls_shutdown(t);
}

/* Frees everything now (a device should not wait for the GC to give back the TLS buffers). */
void xs_wsx_tls_session_close(xsMachine *the) {
	wsx_tls *t = session_of(the);
	if (t == NULL) return;
	xsmcSetHostData(xsThis, NULL);
	wsx_tls_free(t);
}

void xs_wsx_tls_session_get_state(xsMachine *the) {
	wsx_tls *t = session_of(the);
	xsmcSetInteger(xsResult, t ? wsx_tls_state(t) : WSX_STATE_CLOSED);
}

void xs_wsx_tls_session_get_failure(xsMachine *the) {
	wsx_tls *t = session_of(the);
	xsmcSetInteger(xsResult, t ? wsx_tls_failure(t) : WSX_FAIL_NONE);
}

void xs_wsx_tls_session_get_error(xsMachine *the) {
	wsx_tls *t = session_of(the);
	xsmcSetString(xsResult, t ? (char *)wsx_tls_error(t) : "");
}

void xs_wsx_tls_session_get_mbedtls_error(xsMachine *the) {
	wsx_tls *t = session_of(the);
	xsmcSetInteger(xsResult, t ? wsx_tls_mbedtls_error(t) : 0);
}

void xs_wsx_tls_session_get_verify_flags(xsMachine *the) {
	wsx_tls *t = session_of(the);
	/* Flags are a 32-bit mask; as a Number they stay exact. */
	xsmcSetNumber(xsResult, t ? (double)wsx_tls_verify_flags(t) : 0);
}

void xs_wsx_tls_session_get_resumed(xsMachine *the) {
	wsx_tls *t = session_of(the);
	xsmcSetBoolean(xsResult, t ? wsx_tls_resumed(t) : 0);
}

void xs_wsx_tls_mbedtls_version(xsMachine *the) {
	xsmcSetString(xsResult, (char *)wsx_tls_mbedtls_version());
}
