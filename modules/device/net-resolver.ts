/**
 * Host names to addresses on a device, through Moddable's `net` module:
 * Net.resolve asks lwIP's DNS client (dns_gethostbyname, with the servers
 * DHCP gave) and calls back with a dotted address or undefined. It throws
 * when lwIP's small table of concurrent look-ups is full.
 * The ECMA-419 alternative (embedded:network/dns/resolver/udp) needs a UDP
 * socket and a server list from the application; inject it as a HostResolver
 * if a build prefers it.
 */
import Net from "net"; // Moddable's net module (lwIP DNS), not Node's
import type { HostResolver } from "../transport/tcp419";

export const netResolver: HostResolver = (host, done) => {
  let cancelled = false;
  try {
    Net.resolve(host, (_name, address) => {
      if (!cancelled) done(address, address ? undefined : "DNS look-up failed");
    });
  } catch (error) {
    done(undefined, error instanceof Error ? error.message : String(error));
  }
  return () => {
    cancelled = true;
  };
};
