/**
 * permessage-deflate against Python's `websockets` (an independent zlib
 * user): each server variant, echo at every size class, text and binary,
 * fragmented compressed messages, whole and streamed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { binaryOf, openClient, textOf } from "./deflate-client";
import type { PerMessageDeflateOptions } from "../../modules/core/extensions/permessage-deflate";

const SYSTEM_PYTHON = "/usr/bin/python3";
const SIZES = [0, 1, 125, 126, 65535, 65536, 1024 * 1024];

let child: ChildProcessWithoutNullStreams;
const ports = new Map<string, number>();

beforeAll(async () => {
  child = spawn(SYSTEM_PYTHON, [join(__dirname, "deflate_server.py")], { stdio: "pipe" });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`deflate_server.py exited with ${code} (is python3-websockets installed? run scripts/setup-system.sh)\n${stderr}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /^PORT (\S+) (\d+)$/.exec(line);
      if (m) ports.set(m[1], Number(m[2]));
      if (line === "READY") resolve();
    });
  });
  child.removeAllListeners("exit");
});

afterAll(async () => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
});

interface Variant { server: string; client: PerMessageDeflateOptions; agreed: string }

const VARIANTS: Variant[] = [
  { server: "default", client: {}, agreed: "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12" },
  { server: "no-context-takeover", client: {}, agreed: "permessage-deflate; server_no_context_takeover; client_no_context_takeover" },
  { server: "9-bit-windows", client: {}, agreed: "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9" },
  // Python's zlib cannot compress with an 8-bit raw window (zlib >= 1.2.9 refuses it), so it answers 500 to server_max_window_bits=8.
  { server: "15-bit-windows", client: { serverMaxWindowBits: 10, clientMaxWindowBits: 8 }, agreed: "permessage-deflate; server_max_window_bits=10; client_max_window_bits=8" },
  { server: "15-bit-windows", client: { serverNoContextTakeover: true, clientNoContextTakeover: true },
    agreed: "permessage-deflate; server_no_context_takeover; client_no_context_takeover" },
];

describe.each(VARIANTS)("Python websockets, server $server, client $client", (variant) => {
  test("echo at every size class, text and binary", async () => {
    const c = openClient(`ws://127.0.0.1:${ports.get(variant.server)}/`, { perMessageDeflate: { threshold: 0, ...variant.client } });
    await c.opened;
    expect(c.extensions).toBe(variant.agreed);
    for (const n of SIZES) {
      const text = textOf(n, n);
      c.client.send(text);
      expect((await c.next()).data).toBe(text);
      for (const compressible of [true, false]) {
        const data = binaryOf(n, compressible, n & 255);
        c.client.send(data);
        const back = await c.next();
        expect(back.binary).toBe(true);
        expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(data))).toBe(true);
      }
    }
    c.client.close(1000);
    expect(await c.closed).toMatchObject({ code: 1000, wasClean: true });
  });

  test.each([false, true])("fragmented compressed messages (streaming delivery: %s)", async (fragments) => {
    const c = openClient(`ws://127.0.0.1:${ports.get(variant.server)}/`, { perMessageDeflate: { ...variant.client }, fragments });
    await c.opened;
    for (const [n, kind, size] of [[3, "text", 10_000], [8, "binary", 200_000], [2, "text", 5]] as const) {
      c.client.send(`frag ${n} ${kind} ${size}`);
      const m = await c.next();
      if (kind === "text") expect(m.data).toBe(textOf(size, 5));
      else expect(Buffer.from(m.data as Uint8Array).equals(Buffer.from(binaryOf(size, true, 9)))).toBe(true);
    }
    c.client.close(1000);
    expect((await c.closed).wasClean).toBe(true);
  });
});
