/**
 * The XS host simulator in one object: bundle a device entry module, start
 * an XS worker, connect it to the bridge, evaluate the bundle. Tests and the
 * demo talk to the device code through call() and harness events.
 */
import { Bridge, type BridgeOptions } from "./bridge";
import { bundleForXs } from "./bundle";
import { XsEngine, type XsMeter } from "./engine";
import { encodeWire, type WireHeader } from "./shims/wire";

export class DeviceCallError extends Error {
  constructor(message: string, readonly code: string | null) {
    super(message);
    this.name = "DeviceCallError";
  }
}

export interface CallResult {
  result: unknown;
  bytes: Uint8Array | undefined;
}

export class XsSimulator {
  private constructor(
    readonly engine: XsEngine,
    readonly bridge: Bridge,
    readonly bundleBytes: number,
    readonly loadMeter: XsMeter,
  ) {}

  static async start(entry: string, options: BridgeOptions = {}): Promise<XsSimulator> {
    const { code, bytes } = await bundleForXs(entry);
    const bridge = new Bridge(options);
    const engine = new XsEngine(bridge.handle);
    bridge.attach(engine);
    let stopping = false;
    void engine.exited.then((code) => {
      // A worker that dies mid-test (abort, out of memory) must fail the test, not leave it waiting.
      if (!stopping) bridge.uncaught.push(`xsnap-worker exited unexpectedly (code ${String(code)}): ${engine.stderr.trim()}`);
    });
    try {
      const { meter } = await engine.evaluate(code);
      const simulator = new XsSimulator(engine, bridge, bytes, meter);
      simulator.markStopping = () => (stopping = true);
      return simulator;
    } catch (error) {
      stopping = true;
      bridge.dispose();
      await engine.stop();
      throw error;
    }
  }

  /** Call a function the device entry exposed; bytes go as its last argument. */
  async call(name: string, args: unknown[] = [], bytes?: Uint8Array): Promise<CallResult> {
    const header: WireHeader = { t: "call", name, args, hasBody: bytes !== undefined };
    const { header: answer, body } = await this.bridge.post(header, bytes);
    if (typeof answer.error === "string") throw new DeviceCallError(answer.error, (answer.code as string | null) ?? null);
    return { result: answer.result, bytes: answer.bytes ? Uint8Array.from(body) : undefined };
  }

  /** Collect garbage in the worker and return the meter: live slots after the collection. */
  async heap(): Promise<XsMeter> {
    await this.engine.idle();
    const { meter } = await this.engine.evaluate("gc();");
    return meter;
  }

  private markStopping: () => void = () => undefined;

  async stop(): Promise<void> {
    this.markStopping();
    this.bridge.dispose();
    await this.engine.stop();
  }
}

export { encodeWire };
