/**
 * Interop with a second, independent implementation: Python's `websockets`
 * (Debian python3-websockets). Both sides must agree on every byte.
 */
import { startPythonPeer, type PythonPeer } from "./python-peer";
import { Session, peerPayload } from "./session";

let peer: PythonPeer;
const url = (path: string): string => `ws://127.0.0.1:${peer.port}${path}`;

beforeAll(async () => { peer = await startPythonPeer(); });
afterAll(async () => { await peer.stop(); });

async function echoOnce(path: string, data: string | Uint8Array): Promise<void> {
  const s = new Session(url(path));
  await s.opened;
  s.client.send(data);
  const back = await s.next();
  expect(back.binary).toBe(typeof data !== "string");
  if (typeof data === "string") expect(back.data === data).toBe(true);
  else expect(Buffer.compare(Buffer.from(back.data as Uint8Array), Buffer.from(data))).toBe(0);
  s.client.close(1000, "done");
  expect(await s.closed).toEqual({ code: 1000, reason: "done", wasClean: true });
  expect(s.errors).toEqual([]);
  expect(await peer.waitClosed(path)).toEqual({ path, code: 1000, reason: "done" });
}

describe("echo of every size class", () => {
  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 1024 * 1024, 16 * 1024 * 1024];
  test.each(sizes)("text of %i bytes", async (n) => {
    await echoOnce(`/echo/text-${n}`, peerPayload(n, "text") as string);
  });
  test.each(sizes)("binary of %i bytes", async (n) => {
    await echoOnce(`/echo/binary-${n}`, peerPayload(n, "binary") as Uint8Array);
  });
});

describe("fragmentation", () => {
  test.each(["text", "binary"] as const)("a %s message the peer sends in 7 fragments arrives whole", async (kind) => {
    const s = new Session(url(`/fragments/7/${kind}`));
    const m = await s.next();
    expect(m.binary).toBe(kind === "binary");
    expect(typeof m.data === "string" ? m.data : Buffer.from(m.data).toString("hex"))
      .toBe(typeof m.data === "string" ? peerPayload(4000, kind) : Buffer.from(peerPayload(4000, kind) as Uint8Array).toString("hex"));
    s.client.close();
    expect(await s.closed).toEqual({ code: 1005, reason: "", wasClean: true });
  });

  test("with fragments: true, the parts arrive as sent and join to the message, text cut on characters", async () => {
    const s = new Session(url("/fragments/9/text"), { fragments: true });
    await s.opened;
    await new Promise<void>((r) => { const t = setInterval(() => { if (s.fragments.some((f) => f.final)) { clearInterval(t); r(); } }, 5); });
    expect(s.fragments.length).toBeGreaterThan(1);
    expect(s.fragments.filter((f) => f.final).length).toBe(1);
    expect(s.fragments.map((f) => f.data).join("")).toBe(peerPayload(4000, "text"));
    s.client.close(1000);
    await s.closed;
  });

  test("a message the client sends with sendFrame in fragments (cut inside characters) is echoed whole", async () => {
    const s = new Session(url("/echo/sendframe"));
    await s.opened;
    const bytes = Buffer.from("κόσμε ✓ 𝄞 fragments", "utf8");
    s.client.sendFrame(false, 1, bytes.subarray(0, 3));
    s.client.ping("between");
    s.client.sendFrame(false, 0, bytes.subarray(3, 10));
    s.client.sendFrame(true, 0, bytes.subarray(10));
    expect((await s.next()).data).toBe("κόσμε ✓ 𝄞 fragments");
    s.client.close(1000);
    await s.closed;
    expect(s.pongs.map((p) => Buffer.from(p).toString())).toEqual(["between"]);
  });
});

describe("ping and pong", () => {
  test("the peer answers our pings with the same payload", async () => {
    const s = new Session(url("/echo/ping"));
    await s.opened;
    for (const p of ["", "hello", "x".repeat(125)]) s.client.ping(p);
    s.client.send("after pings");
    await s.next();
    expect(s.pongs.map((p) => Buffer.from(p).toString())).toEqual(["", "hello", "x".repeat(125)]);
    s.client.close(1000);
    await s.closed;
  });

  test("we answer the peer's ping (it reports the pong it got)", async () => {
    const s = new Session(url("/ping/are-you-there"));
    expect((await s.next()).data).toBe("pong received: are-you-there");
    s.client.close(1000);
    await s.closed;
  });
});

describe("close codes", () => {
  test.each([1000, 3000, 3999, 4000, 4999])("our close(%i, reason) is echoed by the peer, cleanly", async (code) => {
    const path = `/echo/close-${code}`;
    const s = new Session(url(path));
    await s.opened;
    s.client.close(code, "κόσμε");
    expect(await s.closed).toEqual({ code, reason: "κόσμε", wasClean: true });
    expect(await peer.waitClosed(path)).toEqual({ path, code, reason: "κόσμε" });
  });

  test("close() without a code: the peer sees 1005, so do we", async () => {
    const s = new Session(url("/echo/close-empty"));
    await s.opened;
    s.client.close();
    expect(await s.closed).toEqual({ code: 1005, reason: "", wasClean: true });
    expect((await peer.waitClosed("/echo/close-empty"))?.code).toBe(1005);
  });

  test.each([[1000, "bye"], [1001, "going away"], [1008, "policy"], [1011, "oops"], [1013, "try later"], [4321, ""]])(
    "the peer closes with %i %j: the user sees that code and reason, cleanly", async (code, reason) => {
      const path = reason ? `/close/${code}/${encodeURIComponent(reason)}` : `/close/${code}`;
      const s = new Session(url(path));
      const seen = await s.closed;
      expect(seen).toEqual({ code, reason: decodeURIComponent(reason), wasClean: true });
      expect(s.errors).toEqual([]);
    });

  test("a message over maxMessageSize: we fail with 1009 and the peer sees 1009 on the wire", async () => {
    const path = "/send/70000/binary";
    const s = new Session(url(path), { maxMessageSize: 65536 });
    const seen = await s.closed;
    expect(seen).toMatchObject({ code: 1009, wasClean: false });
    expect(s.errors.map((e) => [e.code, e.closeCode, e.message])).toEqual([["MESSAGE_TOO_BIG", 1009, "message of 70000 bytes exceeds the limit of 65536"]]);
    expect((await peer.waitClosed(path))?.code).toBe(1009);
  });
});

describe("handshake", () => {
  test("subprotocol selection: the peer picks the one it supports", async () => {
    const s = new Session(url("/echo/proto"), { protocols: ["v1.unknown", "chat"] });
    expect((await s.opened).protocol).toBe("chat");
    expect(s.client.protocol).toBe("chat");
    s.client.close(1000);
    await s.closed;
  });

  test("no common subprotocol: none is selected and the connection still opens", async () => {
    const s = new Session(url("/echo/proto-none"), { protocols: ["v1.unknown"] });
    expect((await s.opened).protocol).toBe("");
    s.client.close(1000);
    await s.closed;
  });

  test("extra headers reach the peer as given", async () => {
    const s = new Session(url("/headers"), { headers: { "X-Api-Key": "secret-123", "User-Agent": "moddable-websocket-test" }, protocols: "chat" });
    const seen = JSON.parse((await s.next()).data as string) as Record<string, string>;
    expect(seen).toMatchObject({
      "x-api-key": "secret-123", "user-agent": "moddable-websocket-test", "sec-websocket-protocol": "chat",
      "sec-websocket-version": "13", upgrade: "websocket", host: `127.0.0.1:${peer.port}`,
    });
    s.client.close(1000);
    await s.closed;
  });

  test("\"Name: value\" header strings work the same", async () => {
    const s = new Session(url("/headers"), { headers: ["Authorization: Bearer abc.def", "X-Trace:  42 "] });
    const seen = JSON.parse((await s.next()).data as string) as Record<string, string>;
    expect(seen).toMatchObject({ authorization: "Bearer abc.def", "x-trace": "42" });
    s.client.close(1000);
    await s.closed;
  });
});

describe("through the browser-style WebSocket", () => {
  test("echo, binaryType arraybuffer, subprotocol, close code and reason", async () => {
    const { WebSocket } = await import("../../node/index");
    const ws = new WebSocket(url("/echo/browser"), ["v1.unknown", "superchat"]);
    const got: (string | ArrayBuffer)[] = [];
    const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
      ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean });
    });
    ws.onopen = () => { ws.send("text ✓"); ws.send(Uint8Array.from([0, 1, 2, 255])); };
    ws.onmessage = (e) => {
      got.push(e.data);
      if (got.length === 2) ws.close(4000, "finished");
    };
    expect(await closed).toEqual({ code: 4000, reason: "finished", wasClean: true });
    expect(ws.protocol).toBe("superchat");
    expect(got[0]).toBe("text ✓");
    expect(Array.from(new Uint8Array(got[1] as ArrayBuffer))).toEqual([0, 1, 2, 255]);
    expect(await peer.waitClosed("/echo/browser")).toEqual({ path: "/echo/browser", code: 4000, reason: "finished" });
  });
});
