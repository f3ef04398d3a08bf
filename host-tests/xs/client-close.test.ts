/**
 * Closing on both engines against real peers on 127.0.0.1: from each side,
 * protocol errors with their close codes, a refused port. On XS a server's
 * TCP close reaches the transport as the ECMA-419 socket's onError, so these
 * also prove the client still reports a clean close after the handshake.
 */
import { engines, HarnessError } from "../support/engines";
import { closedPort } from "../support/servers";
import { useEngineWithEchoServer } from "../support/engine-echo";
import type { WebSocket as WsPeer } from "ws";

describe.each(engines)("on %s", (_name, makeEngine) => {
  const ctx = useEngineWithEchoServer(makeEngine);

  function serverClose(peer: WsPeer): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => peer.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  }

  test("client closes with a code and reason; both sides see them, cleanly", async () => {
    const client = await ctx.engine.open(ctx.server.url);
    await client.next("open");
    const seen = serverClose(ctx.peers[0]);
    await client.close(4000, "client done ✓");
    expect(await seen).toEqual({ code: 4000, reason: "client done ✓" });
    expect(await client.next("close")).toEqual({ type: "close", code: 4000, reason: "client done ✓", wasClean: true });
    expect(client.all("error")).toEqual([]);
    expect((await client.state()).readyState).toBe(3);
  });

  test("server closes with a code and reason; the client answers and closes cleanly", async () => {
    const client = await ctx.engine.open(ctx.server.url);
    await client.next("open");
    const seen = serverClose(ctx.peers[0]);
    ctx.peers[0].close(4001, "server done");
    expect(await client.next("close")).toEqual({ type: "close", code: 4001, reason: "server done", wasClean: true });
    expect((await seen).code).toBe(4001); // the client echoes the code (RFC 6455 5.5.1); the reason is its own
    expect(client.all("error")).toEqual([]);
  });

  test("server drops TCP without a close frame: close 1006, not clean", async () => {
    const client = await ctx.engine.open(ctx.server.url);
    await client.next("open");
    ctx.peers[0].terminate();
    expect(await client.next("close")).toEqual({ type: "close", code: 1006, reason: "", wasClean: false });
  });

  test("server drops TCP without a close frame: both engines report one CONNECTION_LOST error first", async () => {
    const client = await ctx.engine.open(ctx.server.url);
    await client.next("open");
    ctx.peers[0].terminate();
    await client.next("close");
    expect(client.log.events.map((e) => (e.type === "error" ? `error ${e.code}` : e.type))).toEqual(["open", "error CONNECTION_LOST", "close"]);
  });

  test("a reserved opcode from the server closes with 1002 PROTOCOL_ERROR", async () => {
    const client = await ctx.engine.open(ctx.server.url);
    await client.next("open");
    const seen = serverClose(ctx.peers[0]);
    (ctx.peers[0] as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.from([0x83, 0x00]));
    const error = await client.next("error");
    expect(error.code).toBe("PROTOCOL_ERROR");
    expect(error.closeCode).toBe(1002);
    expect((await seen).code).toBe(1002);
    const close = await client.next("close");
    expect(close.code).toBe(1002);
  });

  test("invalid UTF-8 in a text message closes with 1007 INVALID_UTF8", async () => {
    const client = await ctx.engine.open(ctx.server.url);
    await client.next("open");
    const seen = serverClose(ctx.peers[0]);
    (ctx.peers[0] as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.from([0x81, 0x02, 0xc3, 0x28]));
    const error = await client.next("error");
    expect(error.code).toBe("INVALID_UTF8");
    expect(error.closeCode).toBe(1007);
    expect((await seen).code).toBe(1007);
    expect((await client.next("close")).code).toBe(1007);
  });

  test("a message over maxMessageSize closes with 1009 MESSAGE_TOO_BIG", async () => {
    const client = await ctx.engine.open(ctx.server.url, { maxMessageSize: 1000 });
    await client.next("open");
    const seen = serverClose(ctx.peers[0]);
    ctx.peers[0].send(Buffer.alloc(1001));
    const error = await client.next("error");
    expect(error.code).toBe("MESSAGE_TOO_BIG");
    expect((await seen).code).toBe(1009);
    expect((await client.next("close")).code).toBe(1009);
  });

  test("a refused port: error CONNECTION_FAILED, close 1006, never open", async () => {
    const client = await ctx.engine.open(`ws://127.0.0.1:${await closedPort()}/`);
    const close = await client.next("close");
    expect(close.code).toBe(1006);
    expect(close.wasClean).toBe(false);
    expect(client.all("error").map((e) => e.code)).toEqual(["CONNECTION_FAILED"]);
    expect(client.all("open")).toEqual([]);
  });

  test("a bad URL is refused by the constructor with INVALID_URL", async () => {
    await expect(ctx.engine.open("http://127.0.0.1:1/")).rejects.toMatchObject({ code: "INVALID_URL" });
    await expect(ctx.engine.open("http://127.0.0.1:1/")).rejects.toBeInstanceOf(HarnessError);
  });
});
