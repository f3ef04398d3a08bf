/*
 * XS (Moddable) binding of the wsx_tls core: the host functions behind
 * native/xs/wsx-tls.js. Same contract as the N-API binding (native/node):
 * wrong argument types throw; certificate, key and network failures do not,
 * they show as state FAILED with `error` set.
 *
 * GC safety: string and buffer pointers from XS may move when the VM
 * allocates, so each is used (parsed or copied) before the next XS call.
 * Strings are copied into fixed stack buffers, so nothing leaks if a later
 * check throws; the connection itself is attached to `this` right after it
 * is created, so the destructor frees it on any path.
 *
 * Not built in this repository's CI (no Moddable SDK there); it was compiled
 * once against the SDK's xsmc.h, never linked or run. See docs/mbedtls.md.
 */
#include "xsmc.h"
#include "mc.xs.h" /* xsID_* for the option names, which the transport's code uses */

#include <string.h>

#include "wsx_tls.h"

#define HOST_MAX 256
#define PASSPHRASE_MAX 256

static wsx_tls *connection(xsMachine *the) {
	return (wsx_tls *)xsmcGetHostData(xsThis);
}

void xs_wsx_tls_destructor(void *data) {
	if (data) wsx_tls_free((wsx_tls *)data);
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

typedef int (*add_fn)(wsx_tls *, const unsigned char *, size_t);

/* Hands one buffer slot to the core, which copies (parses) it at once. */
static void add_buffer(xsMachine *the, wsx_tls *t, add_fn add, const char *name) {
	void *data;
	xsUnsignedValue length;
	if (xsmcTypeOf(xsVar(2)) != xsReferenceType) xsTypeError("wsx-tls: options.%s must hold Uint8Arrays", name);
	xsmcGetBufferReadable(xsVar(2), &data, &length);
	add(t, (const unsigned char *)data, (size_t)length);
}

/* options[id] is an array of buffers: each goes to `add`. */
static void add_list(xsMachine *the, wsx_tls *t, xsIdentifier id, add_fn add, const char *name) {
	xsmcGet(xsVar(1), xsArg(0), id);
	xsType type = xsmcTypeOf(xsVar(1));
	if (type == xsUndefinedType || type == xsNullType) return;
	if (!xsmcIsInstanceOf(xsVar(1), xsArrayPrototype)) xsTypeError("wsx-tls: options.%s must be an array", name);
	xsmcGet(xsVar(0), xsVar(1), xsID_length);
	int count = xsmcToInteger(xsVar(0));
	for (int i = 0; i < count; i++) {
		xsmcGetIndex(xsVar(2), xsVar(1), i);
		add_buffer(the, t, add, name);
	}
}

void xs_wsx_tls_constructor(xsMachine *the) {
	char host[HOST_MAX], servername[HOST_MAX], passphrase[PASSPHRASE_MAX];
	int has_servername, has_passphrase, port;
	wsx_tls *t;

	if (xsmcArgc < 1 || xsmcTypeOf(xsArg(0)) != xsReferenceType) xsTypeError("wsx-tls: new TlsSocket(options) needs an options object");
	xsmcVars(3);
	if (!copy_string(the, xsID_host, "host", host, sizeof(host))) xsTypeError("wsx-tls: options.host is required");
	port = get_integer(the, xsID_port, 0);
	if (port < 1 || port > 65535) xsRangeError("wsx-tls: options.port must be 1..65535");
	has_servername = copy_string(the, xsID_servername, "servername", servername, sizeof(servername));
	has_passphrase = copy_string(the, xsID_passphrase, "passphrase", passphrase, sizeof(passphrase));

	t = wsx_tls_new();
	if (t == NULL) xsUnknownError("wsx-tls: out of memory (or no entropy source) creating a connection");
	xsmcSetHostData(xsThis, t);

	wsx_tls_set_verify(t, get_boolean(the, xsID_verify, 1), get_boolean(the, xsID_insist, 0));
	wsx_tls_set_read_buffer_size(t, (size_t)get_integer(the, xsID_readBufferSize, 0));
	wsx_tls_set_max_fragment_length(t, (unsigned)get_integer(the, xsID_maxFragmentLength, 0));
	add_list(the, t, xsID_ca, wsx_tls_add_ca, "ca");

	xsmcGet(xsVar(2), xsArg(0), xsID_cert);
	if (xsmcTest(xsVar(2))) add_buffer(the, t, wsx_tls_set_cert, "cert");
	add_list(the, t, xsID_chain, wsx_tls_add_chain, "chain");

	xsmcGet(xsVar(2), xsArg(0), xsID_key);
	if (xsmcTest(xsVar(2))) {
		void *data;
		xsUnsignedValue length;
		if (xsmcTypeOf(xsVar(2)) != xsReferenceType) xsTypeError("wsx-tls: options.key must be a Uint8Array");
		xsmcGetBufferReadable(xsVar(2), &data, &length);
		wsx_tls_set_key(t, (const unsigned char *)data, (size_t)length, has_passphrase ? passphrase : NULL,
		                has_passphrase ? strlen(passphrase) : 0);
	}
	if (has_passphrase) memset(passphrase, 0, sizeof(passphrase));

	/* Failures from here on (DNS, refused, bad options) show as state FAILED. */
	wsx_tls_connect(t, host, (uint16_t)port, has_servername ? servername : NULL, get_boolean(the, xsID_secure, 1));
}

void xs_wsx_tls_step(xsMachine *the) {
	wsx_tls *t = connection(the);
	xsmcSetInteger(xsResult, t ? wsx_tls_step(t) : WSX_STATE_CLOSED);
}

void xs_wsx_tls_read(xsMachine *the) {
	wsx_tls *t = connection(the);
	const unsigned char *data;
	int n = t ? wsx_tls_read(t, &data) : -1;
	if (n > 0)
		xsmcSetArrayBuffer(xsResult, (void *)data, (xsUnsignedValue)n); /* copies out of the core's read buffer */
	else
		xsmcSetNull(xsResult);
}

void xs_wsx_tls_write(xsMachine *the) {
	wsx_tls *t = connection(the);
	void *data;
	xsUnsignedValue length;
	if (t == NULL) {
		xsmcSetInteger(xsResult, -1);
		return;
	}
	if (xsmcArgc < 1 || xsmcTypeOf(xsArg(0)) != xsReferenceType) xsTypeError("wsx-tls: write(bytes) needs a Uint8Array");
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	xsmcSetInteger(xsResult, wsx_tls_write(t, (const unsigned char *)data, (size_t)length));
}

void xs_wsx_tls_shutdown(xsMachine *the) {
	wsx_tls *t = connection(the);
	if (t) wsx_tls_shutdown(t);
}

/* Frees everything now (a device should not wait for the GC to give back the TLS buffers). */
void xs_wsx_tls_close(xsMachine *the) {
	wsx_tls *t = connection(the);
	if (t == NULL) return;
	xsmcSetHostData(xsThis, NULL);
	wsx_tls_free(t);
}

void xs_wsx_tls_get_state(xsMachine *the) {
	wsx_tls *t = connection(the);
	xsmcSetInteger(xsResult, t ? wsx_tls_state(t) : WSX_STATE_CLOSED);
}

void xs_wsx_tls_get_failure(xsMachine *the) {
	wsx_tls *t = connection(the);
	xsmcSetInteger(xsResult, t ? wsx_tls_failure(t) : WSX_FAIL_NONE);
}

void xs_wsx_tls_get_error(xsMachine *the) {
	wsx_tls *t = connection(the);
	xsmcSetString(xsResult, t ? (char *)wsx_tls_error(t) : "");
}

void xs_wsx_tls_get_mbedtls_error(xsMachine *the) {
	wsx_tls *t = connection(the);
	xsmcSetInteger(xsResult, t ? wsx_tls_mbedtls_error(t) : 0);
}

void xs_wsx_tls_get_verify_flags(xsMachine *the) {
	wsx_tls *t = connection(the);
	/* Flags are a 32-bit mask; as a Number they stay exact. */
	xsmcSetNumber(xsResult, t ? (double)wsx_tls_verify_flags(t) : 0);
}

void xs_wsx_tls_mbedtls_version(xsMachine *the) {
	xsmcSetString(xsResult, (char *)wsx_tls_mbedtls_version());
}
