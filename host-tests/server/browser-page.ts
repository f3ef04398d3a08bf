/**
 * The page the browser tests load (from our host server, and from device code on XS): it talks to
 * the server over a WebSocket on the same port. ASCII only, as a Moddable HTTP server needs
 * (it counts Content-Length in characters); non-ASCII text is written as JS escapes.
 */
export const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>ws server test</title></head>
<body>
<pre id="log"></pre>
<script>
window.result = new Promise((resolve) => {
  const out = { opened: false, protocol: null, texts: [], binaries: [], close: null, error: false };
  const ws = new WebSocket("ws://" + location.host + "/live", ["chat.v1"]);
  ws.binaryType = "arraybuffer";
  ws.onopen = () => {
    out.opened = true;
    out.protocol = ws.protocol;
    ws.send("hello from the browser");
    ws.send("\\u00fcn\\u00efc\\u00f8d\\u00e9 \\u2713".repeat(100)); // escaped, so the page stays ASCII
    ws.send(new Uint8Array([0, 1, 2, 253, 254, 255]));
    ws.send(new Uint8Array(70000).fill(7));
    ws.send("done");
  };
  ws.onmessage = (e) => {
    if (typeof e.data === "string") out.texts.push(e.data);
    else {
      const bytes = new Uint8Array(e.data);
      out.binaries.push(bytes.length > 16 ? { length: bytes.length, first: bytes[0], last: bytes[bytes.length - 1] } : Array.from(bytes));
    }
    if (e.data === "echo:done") ws.close(1000, "browser done");
  };
  ws.onerror = () => { out.error = true; };
  ws.onclose = (e) => { out.close = { code: e.code, reason: e.reason, wasClean: e.wasClean }; resolve(out); };
});
</script>
</body></html>`;
