/**
 * The Node runtime with a transport that counts the reads handed to the
 * client, so the report can show that chopped writes really arrived as many
 * small reads. Pure observation: every call goes to the real NodeTransport.
 */
import { nodeRuntime, type Runtime, type Transport, type TransportEvents } from "../../node/index";

export interface ReadCounter { reads: number; bytes: number }

export function countingRuntime(counter: ReadCounter): Runtime {
  return {
    platform: nodeRuntime.platform,
    createTransport: (target) => {
      const inner: Transport = nodeRuntime.createTransport(target);
      return {
        connect: (t, events: TransportEvents) => inner.connect(t, {
          onOpen: () => events.onOpen(),
          onData: (chunk) => { counter.reads++; counter.bytes += chunk.length; events.onData(chunk); },
          onDrain: () => events.onDrain(),
          onClose: (error) => events.onClose(error),
        }),
        write: (bytes) => inner.write(bytes),
        get bufferedAmount() { return inner.bufferedAmount; },
        end: () => inner.end(),
        destroy: () => inner.destroy(),
        pause: () => inner.pause?.(),
        resume: () => inner.resume?.(),
      };
    },
  };
}
