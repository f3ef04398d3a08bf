/**
 * The echo client on Moddable's XS engine: the library's Client runs inside
 * an xsnap worker on the device runtime (ECMA-419 TCP transport through the
 * host bridge, Moddable timers), echoing on the device (xs-echo-device.ts).
 */
import { join } from "node:path";
import type { ClientOptions } from "../../node/index";
import { XsSimulator } from "../../simulator/simulator";
import type { UserView } from "./user-view";

let simulator: XsSimulator | null = null;
let nextId = 0;
const views = new Map<number, { view: UserView; done: () => void }>();

/** Start the XS worker the "xs" cases run in. */
export async function startXs(): Promise<void> {
  simulator = await XsSimulator.start(join(__dirname, "xs-echo-device.ts"), {
    onHarnessEvent: (header) => {
      const entry = views.get(Number(header.id));
      if (!entry) return;
      const { view } = entry;
      switch (header.type) {
        case "open": view.opened = true; view.protocol = String(header.protocol); view.order.push("open"); break;
        case "message": view.messages++; view.order.push("message"); break;
        case "ping": view.pings++; view.order.push("ping"); break;
        case "pong": view.pongs++; view.order.push("pong"); break;
        case "sendFailure": view.sendFailures.push(String(header.message)); break;
        case "error":
          view.errors.push({ code: String(header.code), message: String(header.message), closeCode: header.closeCode === null ? undefined : Number(header.closeCode) });
          view.order.push("error");
          break;
        case "close":
          view.closes.push({ code: Number(header.code), reason: String(header.reason), wasClean: header.wasClean === true });
          view.order.push("close");
          entry.done();
          break;
        default: break;
      }
    },
  });
}

export async function stopXs(): Promise<string[]> {
  const uncaught = simulator ? [...simulator.bridge.uncaught] : [];
  await simulator?.stop();
  simulator = null;
  return uncaught;
}

/** Exceptions that escaped callbacks inside the worker so far. */
export function xsUncaught(): string[] {
  return simulator ? simulator.bridge.uncaught : [];
}

export async function viaXs(url: string, options: ClientOptions, view: UserView, capMs: number): Promise<UserView> {
  if (!simulator) throw new Error("the XS worker is not running: call startXs() first");
  const id = nextId++;
  const finished = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, capMs);
    // Let anything that would (wrongly) follow the close show up before judging.
    views.set(id, { view, done: () => { clearTimeout(timer); setTimeout(resolve, 5); } });
  });
  try {
    await simulator.call("echo", [id, url, JSON.parse(JSON.stringify(options)) as unknown]);
  } catch (e) {
    view.sendFailures.push(`the client could not be created on XS: ${String(e)}`);
    views.delete(id);
    return view;
  }
  await finished;
  views.delete(id);
  return view;
}
