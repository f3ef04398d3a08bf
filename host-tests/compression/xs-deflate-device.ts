/**
 * Device side of the XS compression tests: the library's Client on the
 * device runtime (ECMA-419 TCP, Moddable timers) with compression from the
 * simulator's bridge, every listener event posted to the parent.
 */
import { Client, type ClientOptions } from "../../modules/client/client";
import { createDeviceRuntime } from "../../modules/device/runtime";
import { bridgeCompression } from "../../simulator/shims/compression";
import { expose, post } from "../../simulator/shims/expose";
import { bridgeRandomFill } from "../../simulator/shims/random";

const runtime = createDeviceRuntime({ platform: { randomFill: bridgeRandomFill, compression: bridgeCompression } });
const clients: Client[] = [];
const encoder = new TextEncoder();

expose("open", (args) => {
  const [url, options] = args as [string, ClientOptions];
  const id = clients.length;
  clients.push(new Client(runtime, url, options, {
    onOpen: (info) => post({ type: "open", id, extensions: info.extensions }),
    onMessage: (data, binary) => post({ type: "message", id, binary, text: typeof data === "string" }, typeof data === "string" ? encoder.encode(data) : data),
    onError: (error) => post({ type: "error", id, code: error.code, message: error.message, closeCode: error.closeCode ?? null }),
    onClose: (code, reason, wasClean) => post({ type: "close", id, code, reason, wasClean }),
  }));
  return id;
});

expose("send", (args, bytes) => {
  const [id, text] = args as [number, boolean];
  const data = bytes ?? new Uint8Array(0);
  return clients[id].send(text ? new TextDecoder().decode(data) : data);
});

expose("close", (args) => clients[Number(args[0])].close(1000));
