import type { Platform } from "../platform/platform";
import type { TransportFactory } from "../transport/transport";

/** What a client needs from the place it runs: a platform seam and a way to make transports. */
export interface Runtime {
  platform: Platform;
  createTransport: TransportFactory;
}
