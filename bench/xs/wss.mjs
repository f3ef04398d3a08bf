// The wss figures of the XS benchmark: heap held by one open idle wss
// connection on the device's own configuration (mbedTLS transport, flash
// certificate bundle) inside xsnap, and, when the native heap counter is
// preloaded (native-heap.mjs), the C heap the mbedTLS core holds for it in
// this process. The peer is a `ws` echo server over Node's `https`.
import { build } from "esbuild";
import { createRequire } from "node:module";
import path from "node:path";
import { median } from "../stats.mjs";

const ADDON = path.resolve("native/node/build/Release/wsx_tls.node");
const BUNDLE_RESOURCE = "websocket-certs.wscb"; // manifest_namespaced.json's config.websocket.certificates

async function loadPeerSetup() {
  const outfile = path.resolve(".bench-out/xs-wss-peer.cjs");
  await build({
    entryPoints: [path.resolve("host-tests/xs/wss-bench-peer.ts")],
    bundle: true, platform: "node", format: "cjs", target: "node20", packages: "external", outfile, logLevel: "warning",
  });
  const require = createRequire(import.meta.url);
  delete require.cache[outfile];
  return require(outfile);
}

function waiter(events) {
  return (test, what) => {
    const deadline = Date.now() + 10000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const at = events.findIndex(test);
        if (at >= 0) resolve(events.splice(at, 1)[0]);
        else if (Date.now() > deadline) reject(new Error(`XS wss bench: no ${what} event (events: ${JSON.stringify(events)})`));
        else setTimeout(check, 2);
      };
      check();
    });
  };
}

/**
 * sim: an XsSimulator running bench/xs/device-wss.ts; events: its harness events;
 * snapshot(): live XS heap; counter: HeapCounter or null; repeats: idle connections measured.
 */
export async function measureWss({ sim, events, snapshot, diff, counter, repeats }) {
  const { startBenchWssPeer } = await loadPeerSetup();
  const peer = await startBenchWssPeer();
  const waitEvent = waiter(events);
  const url = `wss://localhost:${peer.port}/`;
  const call = async (name, args = []) => (await sim.call(name, args)).result;
  const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    sim.bridge.build.resources.set(BUNDLE_RESOURCE, peer.bundle);
    // Loaded here, before its first allocation, so every block it frees was counted.
    const { mbedtlsVersion } = createRequire(import.meta.url)(ADDON);
    counter?.watchLoadedLibraries();
    const openOne = async () => {
      const id = await call("open", [url]);
      const first = await waitEvent((e) => e.id === id && e.type !== "message", "open");
      if (first.type !== "open") throw new Error(`XS wss bench: connection failed: ${JSON.stringify(first)}`);
      return id;
    };
    const closeOne = async (id) => {
      await call("close", [id]);
      await waitEvent((e) => e.type === "close" && e.id === id, "close");
      await call("forget", [id]);
    };
    // A first connection, opened and closed, so one-time state (module, bundle, RNG seeding) is not counted.
    await closeOne(await openOne());

    const xs = [];
    const native = [];
    const collect = async () => {
      // The XS binding frees the C connection at close(); the N-API one when V8 collects its object.
      globalThis.gc?.();
      await settle(20); // N-API finalizers run after the collection
    };
    for (let i = 0; i < repeats; i++) {
      await collect(); // earlier connections' C memory goes back before the window, not inside it
      const before = await snapshot();
      const nativeBefore = counter?.read();
      counter?.resetPeak();
      const id = await openOne();
      await settle(100); // idle: nothing runs (the TLS layer sets no timer)
      const open = await snapshot();
      const nativeOpen = counter?.read();
      await closeOne(id);
      await collect();
      const nativeClosed = counter?.read();
      xs.push(diff(before, open));
      if (counter) {
        native.push({
          open: nativeOpen.live - nativeBefore.live,
          peak: nativeOpen.peak - nativeBefore.live,
          allocations: nativeOpen.allocations - nativeBefore.allocations,
          closed: nativeClosed.live - nativeBefore.live,
        });
      }
    }
    // The wsx-tls session object alone: on a device, the binding's host object (its TlsHost is per host, made first).
    await call("rawHost");
    const beforeRaw = await snapshot();
    await call("rawOpen");
    const session = diff(beforeRaw, await snapshot());
    await call("rawClose");
    // The ECMA-419 TCP socket object alone, as the ws rows subtract it.
    const beforeTcp = await snapshot();
    await call("tcpOpen", [peer.port]);
    const tcp = diff(beforeTcp, await snapshot());
    await call("tcpClose");
    await settle(50);
    const socket = { chunks: session.chunks + tcp.chunks, slots: session.slots + tcp.slots };
    const beforeTransport = await snapshot();
    await call("transportAlone");
    const transport = diff(beforeTransport, await snapshot());
    const beforeTimer = await snapshot();
    await call("timerAlone");
    const timer = diff(beforeTimer, await snapshot());
    await call("timerClear");

    const perMessage = await transportCosts(sim, repeats > 2 ? [500, 2500] : [200, 700]);

    const pick = (list, key) => ({ median: median(list.map((x) => x[key])), min: Math.min(...list.map((x) => x[key])), max: Math.max(...list.map((x) => x[key])) });
    const sameEveryTime = xs.every((d) => d.chunks === xs[0].chunks && d.slots === xs[0].slots);
    return {
      connection: xs[0],
      sameEveryTime,
      socket,
      session,
      tcp,
      transport,
      timer,
      native: counter ? { open: pick(native, "open"), peak: pick(native, "peak"), allocations: pick(native, "allocations"), closed: pick(native, "closed") } : null,
      mbedtlsVersion,
      perMessage,
      collected: typeof globalThis.gc === "function",
      repeats,
      nativeOpened: sim.bridge.tls.opened,
    };
  } finally {
    await peer.close();
  }
}

/** Slots allocated by one call made right after a collection. */
async function slotsAllocated(sim, name, args) {
  const live = (await sim.heap()).currentHeapCount;
  await sim.call(name, args);
  return sim.engine.lastMeter.currentHeapCount - live;
}

/** Slots the TLS layer allocates per 64-byte message received and sent (slope between two counts). */
async function transportCosts(sim, [n1, n2]) {
  const receive = [];
  for (const n of [n1, n2]) {
    await sim.call("transportPrepare", [66, n]); // a 64-byte binary frame: 2 header bytes
    receive.push(await slotsAllocated(sim, "transportFeed", []));
  }
  await sim.call("transportPrepare", [70, 1]); // the masked frame the client writes: 6 header bytes
  const send = [await slotsAllocated(sim, "transportSend", [n1]), await slotsAllocated(sim, "transportSend", [n2])];
  return { received: (receive[1] - receive[0]) / (n2 - n1), sent: (send[1] - send[0]) / (n2 - n1), counts: [n1, n2] };
}

/** Markdown lines for the XS section. */
export function wssLines(w, { SLOT, ESP32_SLOT, ownIdleWs }) {
  const b64 = (d) => d.chunks + d.slots * SLOT;
  const b32 = (d) => d.chunks + d.slots * ESP32_SLOT;
  const own = { chunks: w.connection.chunks - w.socket.chunks, slots: w.connection.slots - w.socket.slots };
  const range = (r) => (r.min === r.max ? `${r.median}` : `${r.median} (${r.min}–${r.max})`);
  const signed = (n) => (n >= 0 ? `+${n}` : `${n}`);
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const lines = [
    "",
    `| wss: heap held by one open, idle wss connection (after a collection; ${w.repeats} connections${w.sameEveryTime ? ", the same every time" : ", first shown"}) | chunks | slots | bytes here | ESP32 estimate |`,
    "|---|---:|---:|---:|---:|",
    `| Whole connection: Client, core, TLS layer, TCP transport, the ECMA-419 socket and \`wsx-tls\` session objects, the app's listener object (one instance of a class); no timer | ${w.connection.chunks} B | ${w.connection.slots} | ${b64(w.connection)} B | ${b32(w.connection)} B |`,
    `| The simulator's ECMA-419 socket and \`wsx-tls\` session objects alone (host objects on a device) | ${w.socket.chunks} B | ${w.socket.slots} | ${b64(w.socket)} B | ${b32(w.socket)} B |`,
    `| **This library's share over wss** (difference) | ${own.chunks} B | ${own.slots} | ${b64(own)} B | **${b32(own)} B** |`,
    `| of which the TLS layer, open and idle (measured alone over a stand-in native and a stand-in inner transport, with a small listener object where a connection has its Client) | ${w.transport.chunks} B | ${w.transport.slots} | ${b64(w.transport)} B | ${b32(w.transport)} B |`,
    `| for comparison: one pending timer of the simulator's \`timer\` (what the old polled transport held per idle connection; a host object on a device) | ${w.timer.chunks} B | ${w.timer.slots} | ${b64(w.timer)} B | ${b32(w.timer)} B |`,
    `| compared with ws (the table above) | ${signed(own.chunks - ownIdleWs.chunks)} B | ${signed(own.slots - ownIdleWs.slots)} | ${signed(b64(own) - b64(ownIdleWs))} B | ${signed(b32(own) - b32(ownIdleWs))} B |`,
    "",
    `| wss: slots the TLS layer allocates per 64-byte message (stand-in native and inner transport in XS memory, ${w.perMessage.counts.join(" and ")} messages) | slots per message | bytes here / ESP32 |`,
    "|---|---:|---:|",
    `| Received: one 95-byte ciphertext chunk in, one 66-byte decrypted record out (the native's fresh ArrayBuffer and its view included) | ${w.perMessage.received.toFixed(1)} | ${(w.perMessage.received * SLOT).toFixed(1)} / ${(w.perMessage.received * ESP32_SLOT).toFixed(1)} |`,
    `| Sent: one 70-byte write, encrypted at once, its ciphertext (a fresh ArrayBuffer and its view) handed to the inner transport | ${w.perMessage.sent.toFixed(1)} | ${(w.perMessage.sent * SLOT).toFixed(1)} / ${(w.perMessage.sent * ESP32_SLOT).toFixed(1)} |`,
    "",
    "These come on top of the core's per-message figures above (the core is the same over ws and wss), and on top of what the TCP transport allocates per read and write. The stand-ins do what the XS binding and a socket with room do per call minus the C (a fresh ArrayBuffer per read and per output), so no simulator traffic is counted.",
    "",
    "The wss connection runs the device's own configuration (`modules/device/configured.ts`: the TLS layer over the ECMA-419 TCP transport, `wsx-tls` for mbedTLS, the CA from the packed certificate bundle mapped as a resource), unchanged; in the simulator `wsx-tls` forwards each call to the mbedTLS C core (`native/core`) through its N-API binding in the parent process, and the ciphertext travels over the simulator's TCP socket.",
  ];
  if (w.native) {
    lines.push(
      "",
      `| Native heap of one wss connection in the parent process (mbedTLS ${w.mbedtlsVersion} C core through the N-API binding; ${w.repeats} connections: median (min–max)) | bytes |`,
      "|---|---:|",
      `| Held while open and idle (session struct, mbedTLS context, record buffers, negotiated session; the host's parsed CA is shared and made by the first connection) | ${range(w.native.open)} (${kb(w.native.open.median)}) |`,
      `| Peak during connect + handshake | ${range(w.native.peak)} (${kb(w.native.peak.median)}) |`,
      `| Heap blocks allocated up to open | ${range(w.native.allocations)} |`,
      `| Still held after close() and a collection (the XS binding frees at close(); the N-API object when collected) | ${range(w.native.closed)}${w.collected ? "" : " (no gc(): run with --expose-gc)"} |`,
      "",
      "Counted by `bench/xs/native-heap.c`, preloaded into the bench's Node process: heap blocks allocated and not yet freed by code in the mbedTLS libraries and the wsx_tls addon (sizes as glibc's `malloc_usable_size`); Node's and V8's own allocations are not counted. Debian's mbedTLS 2.28 has no `MBEDTLS_PLATFORM_MEMORY`, so `mbedtls_platform_set_calloc_free` was not available. mbedTLS's shared entropy and CTR-DRBG are static (not heap) and shared by all connections.",
    );
  } else {
    lines.push("", "Native heap of a wss connection: not measured in this run (the heap counter `bench/xs/native-heap.c` could not be built or preloaded).");
  }
  return lines;
}
