/**
 * The XS simulator with the compression bridge: the device fixture runs in
 * an xsnap worker; socket, timer and random requests go to the simulator's
 * Bridge, zlib requests to the CompressionBridge (node:zlib in this process).
 */
import { join } from "node:path";
import { Bridge } from "../../simulator/bridge";
import { bundleForXs } from "../../simulator/bundle";
import { CompressionBridge } from "../../simulator/compression-bridge";
import { XsEngine } from "../../simulator/engine";
import { EventLog } from "../support/event-log";
import { decodeWire, encodeWire } from "../../simulator/shims/wire";

export interface XsEvent {
  type: string;
  id: number;
  [key: string]: unknown;
  data?: string | Uint8Array;
}

export interface XsDeflate {
  bridge: Bridge;
  compression: CompressionBridge;
  log(id: number): EventLog<XsEvent>;
  call(name: string, args: unknown[], bytes?: Uint8Array): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startXsDeflate(): Promise<XsDeflate> {
  const { code } = await bundleForXs(join(__dirname, "xs-deflate-device.ts"));
  const logs = new Map<number, EventLog<XsEvent>>();
  const log = (id: number): EventLog<XsEvent> => {
    let l = logs.get(id);
    if (!l) { l = new EventLog<XsEvent>(); logs.set(id, l); }
    return l;
  };
  const bridge = new Bridge({
    onHarnessEvent: (header, body) => {
      const event = { ...header } as XsEvent;
      if (header.type === "message") event.data = header.text ? new TextDecoder().decode(body) : Uint8Array.from(body);
      log(Number(header.id)).push(event);
    },
  });
  const compression = new CompressionBridge();
  const engine = new XsEngine((request) => {
    const { header, body } = decodeWire(request);
    if (!String(header.op).startsWith("zlib.")) return bridge.handle(request);
    try {
      const answer = compression.answer(header, body);
      return encodeWire(answer.header, answer.body);
    } catch (error) {
      return encodeWire({ bridgeError: (error as Error).message });
    }
  });
  bridge.attach(engine);
  await engine.evaluate(code);
  return {
    bridge,
    compression,
    log,
    async call(name, args, bytes) {
      const { header } = await bridge.post({ t: "call", name, args, hasBody: bytes !== undefined }, bytes);
      if (typeof header.error === "string") throw new Error(header.error);
      return header.result;
    },
    async stop() {
      bridge.dispose();
      compression.dispose();
      await engine.stop();
    },
  };
}
