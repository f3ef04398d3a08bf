/**
 * Drives Moddable's XS engine (the xsnap-worker binary that `@agoric/xsnap`
 * compiles on install) directly over its netstring pipes: fd 3 carries
 * commands to the worker, fd 4 carries its answers.
 *
 * One delivery (script evaluation or `?` command) is in flight at a time; the
 * worker's synchronous `issueCommand` requests are answered while it runs.
 * The worker only runs while a delivery is in flight: time passes for it only
 * when the parent sends something.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { encodeNetstring, NetstringReader } from "./netstring";
import { PROJECT_ROOT } from "./paths";

/** What xsnap reports after every delivery. */
export interface XsMeter {
  /** Live XS slots (each 32 bytes on a 64-bit host, 16 on ESP32) since the last collection. */
  currentHeapCount: number;
  /** Computation steps of the delivery. */
  compute: number;
  /** Bytes the machine has reserved from the host for chunks and slots. */
  allocate: number;
}

export interface XsReply {
  meter: XsMeter;
  reply: Uint8Array;
}

/** Answers a worker's `issueCommand(bytes)`; must not throw (answer with an error message instead). */
export type IssueCommandHandler = (request: Uint8Array) => Uint8Array;

export class XsException extends Error {
  constructor(message: string) {
    super(`XS exception: ${message}`);
    this.name = "XsException";
  }
}

export function xsnapWorkerPath(): string {
  const require = createRequire(path.join(PROJECT_ROOT, "package.json"));
  const packageJson = require.resolve("@agoric/xsnap/package.json");
  return path.join(path.dirname(packageJson), "xsnap-native/xsnap/build/bin/lin/release/xsnap-worker");
}

interface Delivery {
  /** The bytes to send, or a function that builds them when it is this delivery's turn (undefined: skip). */
  message: Buffer | (() => Buffer | undefined);
  resolve(reply: XsReply): void;
  reject(error: Error): void;
}

export class XsEngine {
  private readonly child: ChildProcess;
  private readonly toWorker: Writable;
  private readonly reader = new NetstringReader();
  private readonly queue: Delivery[] = [];
  private current: Delivery | undefined;
  private exitError: Error | undefined;
  /** Meter of the most recent delivery. */
  lastMeter: XsMeter | undefined;
  /** Whatever the worker printed with its native `print` (stdout) or to stderr. */
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(private readonly onIssueCommand: IssueCommandHandler, name = "websocket-xs") {
    this.child = spawn(xsnapWorkerPath(), [name], { stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"] });
    this.toWorker = this.child.stdio[3] as Writable;
    const fromWorker = this.child.stdio[4] as Readable;
    this.child.stdout!.on("data", (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    fromWorker.on("data", (chunk: Buffer) => this.onData(chunk));
    this.toWorker.on("error", () => undefined); // EPIPE after the worker died is reported through exit
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.exitError = new Error(`xsnap-worker exited (code ${code}, signal ${signal}) ${this.stderr.trim()}`);
        this.failAll(this.exitError);
        resolve(code);
      });
    });
  }

  /** The worker's process id (for CPU-time readings from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Evaluate a script (sloppy global code) and wait until the worker is idle again. */
  evaluate(source: string): Promise<XsReply> {
    return this.deliver(Buffer.concat([Buffer.from("e"), Buffer.from(source, "utf8")]));
  }

  /** Call the worker's global `handleCommand(ArrayBuffer)`; resolves with the ArrayBuffer it returned. */
  command(bytes: Uint8Array): Promise<XsReply> {
    return this.deliver(Buffer.concat([Buffer.from("?"), bytes]));
  }

  /**
   * Like command(), but the bytes are built only when the worker is free to take
   * them, so an event reports the state at delivery (as Moddable's message
   * queue does). Resolves with undefined when the builder had nothing to send.
   */
  commandWhenIdle(build: () => Uint8Array | undefined): Promise<XsReply | undefined> {
    return this.deliver(() => {
      const bytes = build();
      return bytes ? Buffer.concat([Buffer.from("?"), bytes]) : undefined;
    });
  }

  /** Resolves once nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.busy) await new Promise((resolve) => setImmediate(resolve));
  }

  get busy(): boolean {
    return this.current !== undefined || this.queue.length > 0;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.toWorker.end(encodeNetstring(Buffer.from("q")));
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private deliver(message: Delivery["message"]): Promise<XsReply> {
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (!this.current && this.queue.length > 0) {
      const next = this.queue.shift()!;
      const message = typeof next.message === "function" ? next.message() : next.message;
      if (message === undefined) {
        (next.resolve as (reply: XsReply | undefined) => void)(undefined);
        continue;
      }
      this.current = next;
      this.toWorker.write(encodeNetstring(message));
    }
  }

  private onData(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.reader.push(chunk);
    } catch (error) {
      this.child.kill("SIGKILL");
      this.failAll(error as Error);
      return;
    }
    for (const message of messages) this.onMessage(message);
  }

  private onMessage(message: Buffer): void {
    const kind = String.fromCharCode(message[0]);
    if (kind === "?") {
      let answer: Uint8Array;
      try {
        answer = this.onIssueCommand(message.subarray(1));
      } catch (error) {
        // The handler contract says it does not throw; if it does, kill the run loudly.
        this.child.kill("SIGKILL");
        this.failAll(error as Error);
        return;
      }
      this.toWorker.write(encodeNetstring(Buffer.concat([Buffer.from("/"), answer])));
      return;
    }
    const delivery = this.current;
    this.current = undefined;
    if (kind === ".") {
      const separator = message.indexOf(1);
      const meterText = message.subarray(1, separator < 0 ? message.length : separator).toString();
      const parsed = JSON.parse(meterText) as XsMeter;
      this.lastMeter = { currentHeapCount: parsed.currentHeapCount, compute: parsed.compute, allocate: parsed.allocate };
      const reply = separator < 0 ? new Uint8Array(0) : Uint8Array.from(message.subarray(separator + 1));
      delivery?.resolve({ meter: this.lastMeter, reply });
    } else if (kind === "!") {
      delivery?.reject(new XsException(message.subarray(1).toString()));
    } else {
      delivery?.reject(new Error(`xsnap-worker sent an unexpected message kind ${JSON.stringify(kind)}`));
    }
    this.pump();
  }

  private failAll(error: Error): void {
    const pending = this.current ? [this.current, ...this.queue] : [...this.queue];
    this.current = undefined;
    this.queue.length = 0;
    for (const delivery of pending) delivery.reject(error);
  }
}
