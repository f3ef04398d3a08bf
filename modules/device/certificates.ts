/**
 * The certificate bundle as data mapped from flash: a Moddable Resource,
 * opened on the first wss connection (ws-only apps never touch it) and read
 * in place, never copied to RAM.
 */
import Resource from "Resource";
import { BundleTlsProvider } from "../certs/provider";
import { WebSocketError } from "../core/errors";
import type { TlsConfig, TlsProvider } from "../transport/transport";

export function flashBundleProvider(resourceName: string): TlsProvider {
  let provider: BundleTlsProvider | undefined;
  return Object.freeze({
    tlsFor(host: string): TlsConfig | undefined {
      if (!provider) {
        if (!Resource.exists(resourceName)) {
          throw new WebSocketError("CERT_BUNDLE",
            `wss://${host}: no certificate bundle "${resourceName}" in this build (pack one and map it in the app manifest's "resources"; see docs/moddable.md)`);
        }
        provider = new BundleTlsProvider(new Resource(resourceName));
      }
      return provider.tlsFor(host);
    },
  });
}
