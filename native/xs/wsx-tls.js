/*
 * XS binding of the wsx_tls C core (native/core): TLS over memory. Two host
 * classes whose methods are the C functions in wsx_tls_xs.c; the default
 * export is the object modules/transport/mbedtls-native.ts describes
 * (MbedtlsNative), so the device's TLS layer is:
 *
 *   import wsxTls from "wsx-tls";
 *   tlsTransportFactory({ native: wsxTls, platform, inner: tcp })
 */
class TlsSession @ "xs_wsx_tls_session_destructor" {
	constructor(host) @ "xs_wsx_tls_session_constructor";
	input(bytes) @ "xs_wsx_tls_session_input";
	read() @ "xs_wsx_tls_session_read";
	write(bytes) @ "xs_wsx_tls_session_write";
	output() @ "xs_wsx_tls_session_output";
	eof(reset) @ "xs_wsx_tls_session_eof";
	shutdown() @ "xs_wsx_tls_session_shutdown";
	close() @ "xs_wsx_tls_session_close";
	get state() @ "xs_wsx_tls_session_get_state";
	get failure() @ "xs_wsx_tls_session_get_failure";
	get error() @ "xs_wsx_tls_session_get_error";
	get mbedtlsError() @ "xs_wsx_tls_session_get_mbedtls_error";
	get verifyFlags() @ "xs_wsx_tls_session_get_verify_flags";
	get resumed() @ "xs_wsx_tls_session_get_resumed";
}

class TlsHost @ "xs_wsx_tls_host_destructor" {
	constructor(options) @ "xs_wsx_tls_host_constructor";
	connect() {
		return new TlsSession(this);
	}
	forget() @ "xs_wsx_tls_host_forget";
	close() @ "xs_wsx_tls_host_close";
	get error() @ "xs_wsx_tls_host_get_error";
	get failure() @ "xs_wsx_tls_host_get_failure";
	get hasSession() @ "xs_wsx_tls_host_get_has_session";
}

function mbedtlsVersion() @ "xs_wsx_tls_mbedtls_version";

const native = Object.freeze({
	host(options) {
		return new TlsHost(options);
	},
	mbedtlsVersion,
});

export { TlsHost, TlsSession };
export default native;
