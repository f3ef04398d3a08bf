/**
 * Device side of the XS compression figures (bench/compression-xs.mjs), bundled
 * into the simulator's xsnap worker: a real Client on the device runtime
 * (ECMA-419 TCP through the simulator's bridge). Like a device, its provider
 * only inflates (the SDK has no sync-flush deflater), so everything it sends
 * goes uncompressed. The inflater itself runs in the Node parent
 * (host-tests/xs/shims/compression.ts): its memory is not in this heap.
 */
import { Client } from "../modules/client/client";
import type { CompressionProvider } from "../modules/platform/compression";
import { createDeviceRuntime } from "../modules/device/runtime";
import { bridgeCompression } from "../host-tests/xs/shims/compression";
import { expose, post } from "../host-tests/xs/shims/expose";
import { bridgeRandomFill } from "../host-tests/xs/shims/random";

const inflateOnly: CompressionProvider = { createInflater: (windowBits, noContextTakeover) => bridgeCompression.createInflater(windowBits, noContextTakeover) };
const runtime = createDeviceRuntime({ platform: { randomFill: bridgeRandomFill, compression: inflateOnly } });
const clients: (Client | undefined)[] = [];

expose("open", (args) => {
  const [url, options] = args as [string, object];
  const id = clients.length;
  clients.push(new Client(runtime, url, options, {
    onOpen: (info) => post({ type: "open", id, extensions: info.extensions }),
    // The message is dropped here: what stays in the heap afterwards is the connection's own.
    onMessage: (data) => post({ type: "message", id, length: typeof data === "string" ? data.length : data.byteLength }),
    onError: (error) => post({ type: "error", id, message: error.message }),
    onClose: (code) => post({ type: "close", id, code }),
  }));
  return id;
});

expose("send", (args) => {
  clients[Number(args[0])]?.send(String(args[1]));
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
