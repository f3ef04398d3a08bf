import type { ConnectionOptions } from "node:tls";
import type { ConnectTarget } from "../modules/transport/transport";

/** Node `tls.connect` options for a target (certificate handling grows with the certificate-bundle work). */
export function nodeTlsOptions(target: ConnectTarget): ConnectionOptions {
  const tls = target.tls ?? {};
  return {
    host: target.host,
    port: target.port,
    servername: isIpLiteral(target.host) ? undefined : (tls.servername ?? target.host),
    rejectUnauthorized: tls.verify !== false,
  };
}

function isIpLiteral(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(":");
}
