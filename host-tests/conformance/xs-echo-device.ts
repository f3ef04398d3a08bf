/**
 * Runs inside the XS worker (device runtime: ECMA-419 TCP, Moddable timers):
 * the conformance echo client, echoing on the device itself, in the same
 * turn as the message arrives, and posting what the user would see to the host.
 */
import { Client, type ClientOptions } from "../../modules/client/client";
import { createDeviceRuntime } from "../../modules/device/runtime";
import { expose, post } from "../../simulator/shims/expose";
import { bridgeRandomFill } from "../../simulator/shims/random";

const runtime = createDeviceRuntime({ platform: { randomFill: bridgeRandomFill } });

expose("echo", (args) => {
  const [id, url, options] = args as [number, string, ClientOptions | null];
  // eslint-disable-next-line prefer-const
  let client: Client;
  client = new Client(runtime, url, options ?? {}, {
    onOpen: (info) => post({ type: "open", id, protocol: info.protocol }),
    onMessage: (data, binary) => {
      post({ type: "message", id, binary });
      try { client.send(data, binary); } catch (e) { post({ type: "sendFailure", id, message: String(e) }); }
    },
    onPing: () => post({ type: "ping", id }),
    onPong: () => post({ type: "pong", id }),
    onError: (error) => post({ type: "error", id, code: error.code, message: error.message, closeCode: error.closeCode ?? null }),
    onClose: (code, reason, wasClean) => post({ type: "close", id, code, reason, wasClean }),
  });
  return id;
});
