/**
 * Device side of the XS compression figures (bench/compression-xs.mjs), bundled
 * into the simulator's xsnap worker: a real Client on the device runtime
 * (ECMA-419 TCP through the simulator's bridge). Like a device, its provider
 * only inflates (the SDK has no sync-flush deflater), so everything it sends
 * goes uncompressed. The inflater itself runs in the Node parent
 * (simulator/shims/compression.ts): its memory is not in this heap.
 */
import { Client } from "../modules/client/client";
import type { CompressionProvider } from "../modules/core/extensions/compression";
import { createDeviceRuntime } from "../modules/device/runtime";
import { bridgeCompression } from "../simulator/shims/compression";
import { expose, post } from "../simulator/shims/expose";
import { bridgeRandomFill } from "../simulator/shims/random";

const inflateOnly: CompressionProvider = { createInflater: (windowBits, noContextTakeover) => bridgeCompression.createInflater(windowBits, noContextTakeover) };
const runtime = createDeviceRuntime({ platform: { randomFill: bridgeRandomFill, compression: inflateOnly } });
const clients: (Client | undefined)[] = [];
// Messages to count silently before one "burst" event (so posting costs nothing per message).
const silent: { left: number }[] = [];

expose("open", (args) => {
  const [url, options] = args as [string, object];
  const id = clients.length;
  clients.push(new Client(runtime, url, options, {
    onOpen: (info) => post({ type: "open", id, extensions: info.extensions }),
    // The message is dropped here: what stays in the heap afterwards is the connection's own.
    onMessage: (data) => {
      const burst = silent[id];
      if (burst && burst.left > 0) {
        if (--burst.left === 0) post({ type: "burst", id });
        return;
      }
      post({ type: "message", id, length: typeof data === "string" ? data.length : data.byteLength });
    },
    onError: (error) => post({ type: "error", id, message: error.message }),
    onClose: (code) => post({ type: "close", id, code }),
  }));
  return id;
});

expose("send", (args) => {
  clients[Number(args[0])]?.send(String(args[1]));
  return 0;
});

expose("expect", (args) => {
  silent[Number(args[0])] = { left: Number(args[1]) };
  return 0;
});

const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/**
 * The simulator's bridged inflater alone, fed `n` messages the way the core's
 * transform feeds it (the message's bytes, then the tail with flush), to tell
 * the bridge's allocations from the core's.
 */
expose("bridgeInflate", (args, body) => {
  const inflater = bridgeCompression.createInflater(15, true);
  for (let i = Number(args[0]); i > 0; i--) {
    inflater.push(body ?? new Uint8Array(0), false, 1 << 24);
    inflater.push(TAIL, true, 1 << 24);
  }
  inflater.dispose();
  return 0;
});

expose("close", (args) => {
  clients[Number(args[0])]?.close();
  return 0;
});

expose("forget", (args) => {
  clients[Number(args[0])] = undefined;
  return 0;
});
