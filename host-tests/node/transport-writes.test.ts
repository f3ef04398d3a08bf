import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { NodeTransport } from "../../node/transport";
import type { TransportEvents } from "../../modules/transport/transport";

/** A plain TCP peer on 127.0.0.1 that collects everything one connection sends, until that connection ends. */
async function collectingPeer(): Promise<{ port: number; received: Promise<Buffer>; close(): Promise<void> }> {
  let deliver!: (bytes: Buffer) => void;
  const received = new Promise<Buffer>((resolve) => { deliver = resolve; });
  const server = net.createServer((socket) => {
    const parts: Buffer[] = [];
    socket.on("data", (d) => parts.push(d));
    socket.on("error", () => {});
    socket.on("close", () => deliver(Buffer.concat(parts)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Connects a NodeTransport and runs `whenOpen` in the turn the connection opens. */
function connect(port: number, whenOpen: (transport: NodeTransport) => void): Promise<void> {
  const transport = new NodeTransport();
  return new Promise<void>((resolve) => {
    const events: TransportEvents = {
      onOpen: () => whenOpen(transport),
      onData: () => {},
      onDrain: () => {},
      onClose: () => resolve(),
    };
    transport.connect({ host: "127.0.0.1", port, secure: false }, events);
  });
}

function chunk(i: number): Uint8Array {
  return new Uint8Array(1 + (i % 50)).fill(i & 255);
}

describe("NodeTransport writes made in one turn (held together, then one system call)", () => {
  test("a thousand writes in one turn reach the peer whole and in order", async () => {
    const peer = await collectingPeer();
    const expected: Uint8Array[] = [];
    await connect(peer.port, (t) => {
      for (let i = 0; i < 1000; i++) { const c = chunk(i); expected.push(c); t.write(c); }
      t.end();
    });
    expect((await peer.received).equals(Buffer.concat(expected))).toBe(true);
    await peer.close();
  });

  test("bufferedAmount counts the bytes held until the turn ends", async () => {
    const peer = await collectingPeer();
    let held = -1;
    await connect(peer.port, (t) => {
      t.write(new Uint8Array(300));
      t.write(new Uint8Array(200));
      held = t.bufferedAmount;
      t.end();
    });
    expect(held).toBe(500);
    expect((await peer.received).length).toBe(500);
    await peer.close();
  });

  test("a long burst in one turn starts leaving before the turn ends, and arrives whole and in order", async () => {
    const peer = await collectingPeer();
    const expected: Uint8Array[] = [];
    let written = 0;
    let held = -1;
    await connect(peer.port, (t) => {
      for (let i = 0; written < 1024 * 1024; i++) {
        const c = new Uint8Array(100 + (i % 900)).fill(i & 255);
        expected.push(c);
        t.write(c);
        written += c.length;
      }
      held = t.bufferedAmount;
      t.end();
    });
    expect(held).toBeLessThan(written);
    expect((await peer.received).equals(Buffer.concat(expected))).toBe(true);
    await peer.close();
  });

  test("bytes written before destroy() in the same turn are still sent", async () => {
    const peer = await collectingPeer();
    await connect(peer.port, (t) => {
      t.write(new Uint8Array([1, 2, 3]));
      t.write(new Uint8Array([4, 5]));
      t.destroy();
    });
    expect(Array.from(await peer.received)).toEqual([1, 2, 3, 4, 5]);
    await peer.close();
  });

  test("writes spread over many turns arrive in order too", async () => {
    const peer = await collectingPeer();
    const expected: Uint8Array[] = [];
    await connect(peer.port, (t) => {
      let i = 0;
      const next = (): void => {
        for (let k = 0; k < 7; k++, i++) { const c = chunk(i); expected.push(c); t.write(c); }
        if (i < 700) setImmediate(next);
        else t.end();
      };
      next();
    });
    expect((await peer.received).equals(Buffer.concat(expected))).toBe(true);
    await peer.close();
  });
});
