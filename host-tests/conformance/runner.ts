/** Run one conformance case: server + echo client on 127.0.0.1, then judge. */
import type { CaseResult, ConformanceCase } from "./case";
import { runEchoClient } from "./echo-client";
import { ConformanceServer, type Peer } from "./test-server";
import { close } from "./wire";
import { judge } from "./verdict";

const STEP_CAP = 10000;

/** Wait for `p`, but not longer than `ms` (a guard, not a verdict); leaves no timer behind. */
function within(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<void>((r) => { timer = setTimeout(r, ms); })]).finally(() => clearTimeout(timer));
}

/**
 * Autobahn's ending: once the expected echoes are in, the server closes with
 * 1000 (unless someone already closed); it answers a client's close with the
 * same code, then waits for the client's FIN before closing TCP itself.
 */
async function finish(peer: Peer, c: ConformanceCase, cap: number): Promise<void> {
  if (c.expect.wireClose === "none") {
    // The handshake must fail: the client drops the connection; we only wait for that.
    await peer.waitFor(() => peer.socketClosed || peer.clientEnded, cap);
    peer.socket.destroy();
    return;
  }
  await peer.waitForEchoes(c.expect.frames.length, cap);
  if (!peer.clientClose && !peer.serverSentClose && peer.open) await peer.sendClose(close(1000));
  await peer.waitForClientClose(cap);
  const clientClose = peer.clientClose;
  if (clientClose && !peer.serverSentClose && peer.open) {
    const body = clientClose.payload;
    await peer.sendClose(close(body.length >= 2 ? (body[0] << 8) | body[1] : undefined));
  }
  await peer.waitFor(() => peer.clientEnded, cap);
  if (!peer.socket.destroyed) peer.socket.end();
  if (!(await peer.waitFor(() => peer.socketClosed, cap))) peer.socket.destroy();
}

/** `inspect` sees the server's record of the connection (for tests of the suite itself). */
export async function runCase(c: ConformanceCase, inspect?: (peer: Peer) => void): Promise<CaseResult> {
  const started = performance.now();
  const cap = c.capMs ?? STEP_CAP;
  const server = await ConformanceServer.start(c.handshake ?? {}, async (peer) => {
    await c.script(peer);
    await finish(peer, c, cap);
  });
  let result: CaseResult;
  try {
    const view = await runEchoClient(`ws://127.0.0.1:${server.port}/${c.id}`, c.options ?? {}, c.api ?? "client", cap * 3);
    const record = server.records[0];
    if (record) await within(record.closed, cap);
    if (record?.peer) inspect?.(record.peer);
    const { verdict, reasons } = judge(c, view, record);
    result = { id: c.id, category: c.category, title: c.title, verdict, reasons, open: c.open, ms: performance.now() - started, reads: view.reads.reads };
    if (server.records.length > 1) {
      result.verdict = "FAILED";
      result.reasons.push(`client opened ${server.records.length} connections`);
    }
  } finally {
    for (const r of server.records) if (r.peer && !r.peer.socket.destroyed) r.peer.socket.destroy();
    await server.stop();
  }
  return result;
}

/** Run cases one after another (they share nothing; sequential keeps the chopped-write timing honest). */
export async function runAll(cases: readonly ConformanceCase[], each?: (r: CaseResult) => void): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = await runCase(c);
    results.push(r);
    each?.(r);
  }
  return results;
}
