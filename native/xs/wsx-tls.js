/*
 * XS binding of the wsx_tls C core (native/core). The class is a host object
 * whose methods are the C functions in wsx_tls_xs.c; `open` gives the object
 * modules/transport/mbedtls-native.ts describes (MbedtlsNative), so the
 * device's mbedTLS transport is:
 *
 *   import wsxTls from "wsx-tls";
 *   mbedtlsTransportFactory({ native: wsxTls, platform })
 */
class TlsSocket @ "xs_wsx_tls_destructor" {
	constructor(options) @ "xs_wsx_tls_constructor";
	step() @ "xs_wsx_tls_step";
	read() @ "xs_wsx_tls_read";
	write(bytes) @ "xs_wsx_tls_write";
	shutdown() @ "xs_wsx_tls_shutdown";
	close() @ "xs_wsx_tls_close";
	get state() @ "xs_wsx_tls_get_state";
	get failure() @ "xs_wsx_tls_get_failure";
	get error() @ "xs_wsx_tls_get_error";
	get mbedtlsError() @ "xs_wsx_tls_get_mbedtls_error";
	get verifyFlags() @ "xs_wsx_tls_get_verify_flags";
}

function mbedtlsVersion() @ "xs_wsx_tls_mbedtls_version";

const native = Object.freeze({
	open(options) {
		return new TlsSocket(options);
	},
	mbedtlsVersion,
});

export { TlsSocket };
export default native;
