/**
 * The certificate bundle as data mapped from flash: a Moddable Resource,
 * opened on the first wss connection (ws-only apps never touch it) and read
 * in place, never copied to RAM. The provider is made while modules preload,
 * so the opened bundle is kept in run-time state (run-time-state.ts), not in
 * the provider.
 */
import Resource from "Resource";
import { BundleTlsProvider } from "../certs/provider";
import { WebSocketError } from "../core/errors";
import { runTimeSlot } from "../platform/run-time-state";
import type { TlsConfig, TlsProvider } from "../transport/transport";

type Opened = Record<string, BundleTlsProvider>;
const makeOpened = (): Opened => ({});

export function flashBundleProvider(resourceName: string): TlsProvider {
  const name = resourceName; // a const: the XS linker warns about a kept parameter ("no const")
  return Object.freeze({
    tlsFor(host: string): TlsConfig | undefined {
      const opened = runTimeSlot("certificate bundles", makeOpened);
      let provider = opened[name];
      if (!provider) {
        if (!Resource.exists(name)) {
          throw new WebSocketError(
            "CERT_BUNDLE",
            `wss://${host}: no certificate bundle "${name}" in this build (pack one and map it in the app ` +
              `manifest's "resources"; see docs/moddable.md)`,
          );
        }
        provider = new BundleTlsProvider(new Resource(name));
        opened[name] = provider;
      }
      return provider.tlsFor(host);
    },
  });
}
