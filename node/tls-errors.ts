import { WebSocketError } from "../modules/core/errors";

/** A TLS failure from Node as a TLS_ERROR naming what failed (extended by the certificate work). */
export function tlsErrorFromNode(err: Error): WebSocketError | undefined {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  if (!/CERT|SSL|TLS|ERR_TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/i.test(code + " " + err.message)) return undefined;
  return new WebSocketError("TLS_ERROR", `TLS handshake failed: ${err.message}`, { cause: err });
}
