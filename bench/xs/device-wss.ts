/**
 * Device side of the XS benchmark's wss figures, bundled into the simulator's
 * xsnap worker: a real Client on the device's own configuration
 * (modules/device/configured.ts: the mbedTLS transport over `wsx-tls`,
 * certificates from the flash bundle), whose `wsx-tls` is the C core in the
 * parent; and the `wsx-tls` socket object alone, to subtract its share.
 */
import wsxTls from "wsx-tls";
import { withEntryDefaults } from "../../modules/api/options";
import { Client } from "../../modules/client/client";
import { defaults, runtime } from "../../modules/device/configured";
import { expose, post } from "../../host-tests/xs/shims/expose";

const clients: (Client | undefined)[] = [];

expose("open", (args) => {
  const url = String(args[0]);
  const id = clients.length;
  clients.push(new Client(runtime, url, withEntryDefaults(defaults, {}), {
    onOpen: () => post({ type: "open", id }),
    onMessage: (data) => post({ type: "message", id, length: typeof data === "string" ? data.length : data.byteLength }),
    onError: (error) => post({ type: "error", id, code: error.code, message: error.message }),
    onClose: (code) => post({ type: "close", id, code }),
  }));
  return id;
});

expose("close", (args) => {
  clients[Number(args[0])]?.close();
  return 0;
});

expose("forget", (args) => {
  clients[Number(args[0])] = undefined;
  return 0;
});

/** The `wsx-tls` socket object alone (on a device: the binding's host object). */
const sockets: (ReturnType<typeof wsxTls.open> | undefined)[] = [];
expose("rawOpen", (args) => {
  sockets.push(wsxTls.open({ host: "127.0.0.1", port: Number(args[0]), secure: true, verify: false, insist: false }));
  return sockets.length - 1;
});

expose("rawClose", (args) => {
  sockets[Number(args[0])]?.close();
  sockets[Number(args[0])] = undefined;
  return 0;
});
