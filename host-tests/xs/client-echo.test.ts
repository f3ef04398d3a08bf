/**
 * The library's Client on both engines, against a real `ws` server on
 * 127.0.0.1: echo at every size class, UTF-8 text, fragmentation both ways,
 * ping/pong. On XS it runs over the ECMA-419 transport and Moddable timers.
 */
import { engines, type HarnessClient } from "../support/engines";
import { useEngineWithEchoServer } from "../support/engine-echo";
import { pattern } from "../support/pattern";

describe.each(engines)("on %s", (_name, makeEngine) => {
  const ctx = useEngineWithEchoServer(makeEngine);

  async function opened(): Promise<HarnessClient> {
    const client = await ctx.engine.open(ctx.server.url);
    await client.next("open");
    return client;
  }

  test.each([0, 125, 126, 65535, 65536, 1024 * 1024])("echoes a %i-byte binary message", async (size) => {
    const client = await opened();
    const payload = pattern(size, size + 1);
    await client.send(payload);
    const message = await client.next("message");
    expect(message.binary).toBe(true);
    expect(message.data).toEqual(payload);
    await client.close();
    expect(await client.next("close")).toEqual({ type: "close", code: 1005, reason: "", wasClean: true });
  });

  test("echoes multi-byte UTF-8 text", async () => {
    const client = await opened();
    const text = "hello ws. — ü, 中文, 🚀 and a 4-byte 𝄞".repeat(50);
    await client.send(text);
    const message = await client.next("message");
    expect(message).toEqual({ type: "message", data: text, binary: false });
  });

  test("a message the client sends in fragments arrives whole", async () => {
    const client = await opened();
    const got = new Promise<string>((resolve) => ctx.peers[0].once("message", (data) => resolve(String(data))));
    await client.sendFrame(false, 1, "frag-");
    await client.sendFrame(false, 0, "ment-é-");
    await client.sendFrame(true, 0, "ed");
    expect(await got).toBe("frag-ment-é-ed");
    expect((await client.next("message")).data).toBe("frag-ment-é-ed");
  });

  test("a message the server sends in fragments is delivered whole", async () => {
    const client = await opened();
    const peer = ctx.peers[0];
    peer.send("one-", { fin: false });
    peer.send("two-ü-", { fin: false });
    peer.send("three", { fin: true });
    expect(await client.next("message")).toEqual({ type: "message", data: "one-two-ü-three", binary: false });
  });

  test("with fragments: true, server fragments arrive as parts", async () => {
    const client = await ctx.engine.open(ctx.server.url, { fragments: true });
    await client.next("open");
    const peer = ctx.peers[0];
    peer.send(Buffer.from([1, 2]), { fin: false, binary: true });
    peer.send(Buffer.from([3]), { fin: true, binary: true });
    await client.log.waitFor(() => client.all("fragment").some((f) => f.final), "final fragment");
    const parts = client.all("fragment");
    expect(parts.map((p) => [Array.from(p.data as Uint8Array), p.final])).toEqual([[[1, 2], false], [[3], true]]);
  });

  test("ping gets the server's pong; the server's ping gets our pong", async () => {
    const client = await opened();
    await client.ping(new Uint8Array([7, 8, 9]));
    expect((await client.next("pong")).payload).toEqual(new Uint8Array([7, 8, 9]));
    const pong = new Promise<Buffer>((resolve) => ctx.peers[0].once("pong", resolve));
    ctx.peers[0].ping(Buffer.from("are you there"));
    expect(String(await pong)).toBe("are you there");
    expect(Buffer.from((await client.next("ping")).payload).toString()).toBe("are you there");
  });
});
