/**
 * The WHATWG WebSocket scenarios, one script run by two clients against the
 * same server (scenario-server.ts): a real browser (headless Chromium) and
 * this library's WebSocket on Node. Each scenario logs what a page can see:
 * events in order with readyState and their attributes, bufferedAmount,
 * url/protocol, what the constructor, send() and close() throw (name and
 * whether it is a DOMException). The test compares the two logs.
 *
 * Plain ES2020, ASCII only (it is also served as a page): the source below is
 * sent to the browser as is and run on Node through `new Function`.
 */
export const SCENARIOS = String.raw`
async function runScenarios(WebSocket, base) {
  const results = {};
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  function thrown(f) {
    try { f(); return "ok"; } catch (e) { return (e && e.name) + (typeof DOMException === "function" && e instanceof DOMException ? " DOMException" : ""); }
  }

  function attrs(ws, e, self) {
    const a = [e.type, "rs=" + ws.readyState, "target=" + (e.target === ws), "this=" + (self === ws)];
    if (e.type === "message") a.push("data=" + (typeof e.data === "string" ? JSON.stringify(e.data) : "bytes:" + Array.from(new Uint8Array(e.data)).join(",")));
    if (e.type === "close") a.push("code=" + e.code, "reason=" + JSON.stringify(e.reason), "wasClean=" + e.wasClean);
    return a.join(" ");
  }

  // Opens a socket, records every event through the on<event> handlers, runs hooks, resolves at close (or after 8 s).
  function session(name, url, protocols, hooks) {
    const log = [];
    results[name] = log;
    return new Promise((resolve) => {
      let ws;
      try { ws = protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols); }
      catch (e) { log.push("constructor threw " + e.name); resolve(); return; }
      ws.binaryType = "arraybuffer";
      const timer = setTimeout(() => { log.push("timeout rs=" + ws.readyState); resolve(); }, 8000);
      ws.onopen = function (e) { log.push(attrs(ws, e, this) + " protocol=" + ws.protocol + " extensions=" + JSON.stringify(ws.extensions)); if (hooks.open) hooks.open(ws, log); };
      ws.onmessage = function (e) { log.push(attrs(ws, e, this)); if (hooks.message) hooks.message(ws, log, e); };
      ws.onerror = function (e) { log.push(attrs(ws, e, this)); };
      ws.onclose = function (e) {
        log.push(attrs(ws, e, this) + " buffered=" + ws.bufferedAmount);
        clearTimeout(timer);
        setTimeout(resolve, 0);
      };
      if (hooks.start) hooks.start(ws, log);
    });
  }

  await session("echo", base + "/echo", ["chat", "other"], {
    start(ws, log) { log.push("url=" + ws.url.replace(/:\d+\//, ":PORT/") + " protocol=" + JSON.stringify(ws.protocol) + " buffered=" + ws.bufferedAmount); },
    open(ws, log) {
      ws.send("h\u00e9llo");
      const a = ws.bufferedAmount;
      ws.close(4000, "bye");
      const b = ws.bufferedAmount;
      ws.send("xyz");
      ws.send(new Uint8Array(5));
      log.push("buffered after send=" + a + " after close=" + b + " after sends while closing=" + ws.bufferedAmount + " rs=" + ws.readyState);
      log.push("send while closing threw: " + thrown(() => ws.send("more")) + ", close again: " + thrown(() => ws.close()) + ", close(1001) while closing: " + thrown(() => ws.close(1001)));
    },
  });

  await session("messages", base + "/echo", undefined, {
    open(ws) {
      ws.send(null); ws.send(123); ws.send({}); ws.send("\ud800x");
      ws.send(new Uint8Array([1, 2, 3, 4]).subarray(1, 3)); ws.send(new DataView(new Uint8Array([9, 8, 7]).buffer, 1)); ws.send(new Uint8Array([5]).buffer);
      ws.send("last");
    },
    message(ws, log, e) { if (e.data === "last") ws.close(1000); },
  });

  await session("no-protocol", base + "/no-protocol", ["chat"], {});
  await session("no-protocol-none-offered", base + "/no-protocol", undefined, { open(ws) { ws.close(); } });
  await session("drop", base + "/drop", undefined, {});
  await session("server-close", base + "/server-close", undefined, {});
  await session("burst", base + "/burst", undefined, { message(ws) { ws.close(); } });
  await session("bad-utf8", base + "/bad-utf8", undefined, {});
  await session("refused", base + "/refused", undefined, {});
  await session("close-while-connecting", base + "/slow", undefined, {
    start(ws, log) {
      log.push("send while connecting threw: " + thrown(() => ws.send("x")));
      ws.close();
      log.push("after close() rs=" + ws.readyState + " buffered=" + ws.bufferedAmount);
    },
  });

  // Listeners: in the order added, each once, \`once\`, \`signal\` (aborted later: removed; aborted already: never added),
  // handleEvent objects, one removed during a dispatch is skipped, one added during it waits for the next.
  await session("listeners", base + "/echo", undefined, {
    start(ws, log) {
      const seen = (name) => function (e) { log.push("listener " + name + " this=" + (this === ws) + " data=" + e.data); };
      ws.onmessage = null;
      const late = seen("I added during the first dispatch");
      ws.addEventListener("message", function (e) { log.push("listener A"); if (e.data === "1") ws.addEventListener("message", late); });
      const b = seen("B");
      ws.addEventListener("message", b);
      ws.addEventListener("message", b); // the same listener again is not added
      ws.addEventListener("message", seen("C"), { once: true });
      const controller = new AbortController();
      ws.addEventListener("message", seen("D"), { signal: controller.signal });
      controller.abort();
      const aborted = new AbortController();
      aborted.abort();
      ws.addEventListener("message", seen("E"), { signal: aborted.signal });
      const later = new AbortController();
      ws.addEventListener("message", function (e) { log.push("listener G data=" + e.data); later.abort(); }, { signal: later.signal });
      ws.addEventListener("message", { handleEvent(e) { log.push("object F this=" + (this !== ws)); } });
      const removed = seen("L removed during the dispatch");
      ws.addEventListener("message", function () { ws.removeEventListener("message", removed); log.push("M removes L"); });
      ws.addEventListener("message", removed);
      ws.addEventListener("message", function (e) { if (e.data === "2") ws.close(); });
      ws.onopen = function () { ws.send("1"); ws.send("2"); };
    },
  });

  // What the constructor, close() and send() throw, without connecting anywhere but the server.
  const table = [];
  results.throws = table;
  const probe = (label, f) => table.push(label + ": " + thrown(f));
  const open = [];
  const make = (url, protocols) => { const ws = protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols); open.push(ws); return ws; };
  const host = base.replace("ws://", "");
  probe("ftp scheme", () => make("ftp://" + host + "/slow"));
  probe("no host", () => make("ws://"));
  probe("fragment", () => make(base + "/slow#x"));
  probe("empty fragment", () => make(base + "/slow#"));
  probe("protocols repeated", () => make(base + "/slow", ["a", "a"]));
  probe("protocol empty string", () => make(base + "/slow", ""));
  probe("protocol with a space", () => make(base + "/slow", "a b"));
  probe("protocol with a comma", () => make(base + "/slow", ["a,b"]));
  probe("protocol non-ASCII", () => make(base + "/slow", "\u00e9"));
  const urls = [];
  results.urls = urls;
  for (const input of ["http://" + host + "/slow", "HTTPS://" + host.replace(/:\d+$/, "") + ":443/slow", " \t" + base + "/sl\now?q \n", base + "/a/./b/../../slow",
    base + "\\slow\\x", "ws:" + host + "/slow", "ws:\\\\" + host + "/slow", base + "/a b/\"<>\u0060{}?x y\"'<>", base + "/%2e/sl%2E%2e/slow", base.toUpperCase().replace("WS:", "wS:") + "/Slow",
    base + "/\u00fc?\u00fc", base + "?q"]) {
    try { urls.push(make(input).url.replace(/:\d+\//, ":PORT/")); } catch (e) { urls.push("threw " + e.name); }
  }
  const connecting = make(base + "/slow");
  probe("send while connecting", () => connecting.send("x"));
  probe("close(999)", () => connecting.close(999));
  probe("close(1001)", () => connecting.close(1001));
  probe("close(5000)", () => connecting.close(5000));
  probe("close(null)", () => connecting.close(null));
  probe("close('abc')", () => connecting.close("abc"));
  probe("close(1000, 124 bytes)", () => connecting.close(1000, "x".repeat(124)));
  probe("close(3000, 62 two-byte chars)", () => connecting.close(3000, "\u00e9".repeat(62)));
  probe("close(1001, 124 bytes): the code is checked first", () => connecting.close(1001, "x".repeat(124)));
  probe("close(1000.4) clamps to 1000", () => make(base + "/slow").close(1000.4));
  probe("close('4000')", () => make(base + "/slow").close("4000"));
  const constants = [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED, connecting.CONNECTING, connecting.CLOSED].join(",");
  results.constants = [constants];
  for (const ws of open) ws.close();
  await sleep(50);
  return results;
}
`;

/** The page a browser loads: runs the scenarios against the server it came from. */
export function scenarioPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>WHATWG scenarios</title></head><body><script>
${SCENARIOS}
window.result = runScenarios(WebSocket, "ws://" + location.host);
</script></body></html>`;
}

export type ScenarioResults = Record<string, string[]>;

/** Run the same scenarios on Node with the given WebSocket class. */
export function runScenariosWith(WebSocketClass: unknown, base: string): Promise<ScenarioResults> {
  const run = new Function("WebSocket", "base", `${SCENARIOS}\nreturn runScenarios(WebSocket, base);`) as (ws: unknown, base: string) => Promise<ScenarioResults>;
  return run(WebSocketClass, base);
}
