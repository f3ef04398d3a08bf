#!/usr/bin/env node
// The docs check (`npm run check:docs`; host-tests/package/docs.test.ts runs it in `npm test`): every fenced
// js/ts block in README.md and docs/*.md carries a marker in its info string, and every block marked to run
// does run, on Node, against local servers, within a time limit.
//
//   ```js run       runs on Node (TypeScript blocks are stripped of types first), and must exit 0 on its own
//   ```js device    device-only code (Moddable modules): not run here, the XS tests cover it
//   ```js sketch    illustrative (a declaration, a fragment, a server that listens forever): not run
//
// An unmarked js/ts block fails the check, and so does a fence that does not close (text after ```).
// A `run` block runs as an ES module in a folder of its own, with these substitutions:
//   ws://127.0.0.1:8080   becomes a local `ws` echo server (subprotocol: the first offered; permessage-deflate on)
//   wss://localhost:8443  becomes a local TLS echo server; `certs.bin` in the block's folder is a certificate
//                         bundle whose `localhost_ca` and `default_ca` entries are the CA that signed its certificate
// and with these modules: `moddable-websocket-client` (this package, built), and the device specifiers
// (`websocket`, `websocket/browser`, `websocket/luatos`, `websocket/fibjs`, `websocket/connect`) as the same
// APIs on Node. Usage: node scripts/check-docs.mjs [--json] [--timeout ms] [files...]
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LANGUAGES = new Set(["js", "javascript", "mjs", "cjs", "ts", "typescript", "mts", "cts", "jsx", "tsx"]);
const MARKERS = new Set(["run", "device", "sketch"]);
const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** Fenced blocks of one Markdown file, and the fence problems found on the way. */
export function extractBlocks(file, text) {
  const blocks = [];
  const problems = [];
  const lines = text.split("\n");
  let open = null;
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i]);
    if (!open) {
      if (!m) continue;
      if (m[2][0] === "`" && m[3].includes("`")) continue; // inline code, not a fence
      const [language = "", ...words] = m[3].trim().split(/\s+/).filter(Boolean);
      open = { file, line: i + 1, fence: m[2], language: language.toLowerCase(), words, body: [] };
      continue;
    }
    if (m && m[2][0] === open.fence[0] && m[2].length >= open.fence.length) {
      if (m[3].trim() === "") {
        blocks.push({ ...open, code: open.body.join("\n") });
        open = null;
        continue;
      }
      problems.push(`${file}:${i + 1}: "${lines[i].trim().slice(0, 40)}" does not close the block opened at line ${open.line} (a closing fence has nothing after it)`);
    }
    open.body.push(lines[i]);
  }
  if (open) problems.push(`${file}:${open.line}: the block opened here never closes`);
  return { blocks, problems };
}

/** The marker of a js/ts block, or a problem. Blocks in other languages need none. */
export function classify(block) {
  if (!LANGUAGES.has(block.language)) return { kind: "other" };
  const markers = block.words.filter((w) => MARKERS.has(w));
  const unknown = block.words.filter((w) => !MARKERS.has(w));
  if (unknown.length) return { problem: `${block.file}:${block.line}: unknown marker "${unknown[0]}" (use run, device or sketch)` };
  if (markers.length !== 1) return { problem: `${block.file}:${block.line}: a ${block.language} block needs one marker: \`\`\`${block.language} run, device or sketch (scripts/check-docs.mjs)` };
  return { kind: markers[0] };
}

// ---- the servers and the folder a block runs in ----

async function startServers(dir) {
  const { WebSocketServer } = await import("ws");
  const echo = (server) => server.on("connection", (peer) => peer.on("message", (data, binary) => peer.send(data, { binary })));
  const handleProtocols = (offered) => offered.values().next().value ?? false;
  const plain = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: true, handleProtocols });
  echo(plain);
  await new Promise((resolve, reject) => { plain.once("listening", resolve); plain.once("error", reject); });

  const pki = join(dir, ".pki");
  mkdirSync(pki);
  const openssl = (...args) => execFileSync("openssl", args, { cwd: pki, stdio: ["ignore", "ignore", "pipe"] });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
    "-days", "2", "-subj", "/CN=docs check CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  writeFileSync(join(pki, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
  const certs = join(pki, "bundle");
  mkdirSync(certs);
  writeFileSync(join(certs, "localhost_ca.pem"), readFileSync(join(pki, "ca.pem")));
  writeFileSync(join(certs, "default_ca.pem"), readFileSync(join(pki, "ca.pem")));
  const { runCli } = await import(join(ROOT, "dist/certs-cli.js"));
  const packed = [];
  if (runCli(["certs", "pack", certs, "-o", join(dir, "certs.bin")], { out: () => {}, err: (l) => packed.push(l) }) !== 0) throw new Error(packed.join("\n"));

  const https = createServer({ key: readFileSync(join(pki, "server.key")), cert: readFileSync(join(pki, "server.pem")) });
  echo(new WebSocketServer({ server: https, handleProtocols }));
  await new Promise((resolve, reject) => { https.once("error", reject); https.listen(0, "127.0.0.1", resolve); });
  return {
    ws: `ws://127.0.0.1:${plain.address().port}`,
    wss: `wss://localhost:${https.address().port}`,
    close: () => Promise.all([
      new Promise((r) => { for (const c of plain.clients) c.terminate(); plain.close(r); }),
      new Promise((r) => { https.closeAllConnections?.(); https.close(r); }),
    ]),
  };
}

/** node_modules of the blocks' folders: this package, and the device specifiers as the same APIs on Node. */
function writeModules(dir) {
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "websocket"), { recursive: true });
  symlinkSync(ROOT, join(modules, "moddable-websocket-client"), "dir");
  const alias = {
    "index.js": 'export { default, connect, WS_CONNECTING, WS_CONNECTED, WS_DISCONNECTING, WS_DISCONNECT, WS_CONN_ERR, WS_SEND_DATA_ERR, WS_RECV_DATA_ERR, WS_STATE_NAMES } from "moddable-websocket-client";\n',
    "browser.js": 'export { WebSocket, WebSocket as default } from "moddable-websocket-client";\n',
    "luatos.js": 'export { luatos as default } from "moddable-websocket-client";\n',
    "fibjs.js": 'export { fibjs as default } from "moddable-websocket-client";\n',
  };
  alias["connect.js"] = alias["index.js"];
  for (const [name, text] of Object.entries(alias)) writeFileSync(join(modules, "websocket", name), text);
  const exports = Object.fromEntries(Object.keys(alias).map((f) => [f === "index.js" ? "." : "./" + f.slice(0, -3), "./" + f]));
  writeFileSync(join(modules, "websocket", "package.json"), JSON.stringify({ name: "websocket", type: "module", exports }));
}

async function runBlock(block, index, dir, servers, timeout) {
  let code = block.code.replaceAll("ws://127.0.0.1:8080", servers.ws).replaceAll("wss://localhost:8443", servers.wss);
  if (block.language.startsWith("t") || block.language === "mts" || block.language === "cts") {
    const { transform } = await import("esbuild");
    code = (await transform(code, { loader: "ts", format: "esm", target: "node20" })).code;
  }
  const file = join(dir, `block-${index}.mjs`);
  writeFileSync(file, code);
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ["--dns-result-order=ipv4first", file], { cwd: dir, timeout, killSignal: "SIGKILL", env: { ...process.env, NODE_DEBUG: "" } },
      (error, stdout, stderr) => {
        const where = `${block.file}:${block.line}`;
        const ms = Date.now() - started;
        if (!error) return resolve({ where, ok: true, ms, stdout });
        const why = error.killed ? `did not finish within ${timeout} ms (a run block must end on its own)` : `exited with ${error.code ?? error.signal}`;
        resolve({ where, ok: false, ms, problem: `${where}: ${why}\n${(stderr || stdout).trim().split("\n").slice(-8).join("\n")}` });
      });
  });
}

export async function checkDocs(files, { timeout = 20_000, parallel = 2 } = {}) {
  const problems = [];
  const toRun = [];
  const counts = { run: 0, device: 0, sketch: 0 };
  for (const file of files) {
    const name = relative(ROOT, file) || file;
    const { blocks, problems: fences } = extractBlocks(name, readFileSync(file, "utf8"));
    problems.push(...fences);
    for (const block of blocks) {
      const c = classify(block);
      if (c.problem) { problems.push(c.problem); continue; }
      if (c.kind === "other") continue;
      counts[c.kind]++;
      if (c.kind === "run") toRun.push(block);
    }
  }
  const results = [];
  if (toRun.length) {
    if (!existsSync(join(ROOT, "dist/index.js"))) throw new Error("dist/ is missing: run `npm run build` first");
    const dir = mkdtempSync(join(tmpdir(), "docs-check-"));
    const servers = await startServers(dir);
    try {
      writeModules(dir);
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(parallel, toRun.length) }, async () => {
        while (next < toRun.length) {
          const i = next++;
          results[i] = await runBlock(toRun[i], i, dir, servers, timeout);
        }
      }));
    } finally {
      await servers.close();
      rmSync(dir, { recursive: true, force: true });
    }
    for (const r of results) if (!r.ok) problems.push(r.problem);
  }
  return { ok: problems.length === 0, counts, ran: results.map(({ where, ok, ms, stdout }) => ({ where, ok, ms, stdout })), problems };
}

function defaultFiles() {
  const docs = join(ROOT, "docs");
  return [join(ROOT, "README.md"), ...readdirSync(docs).filter((f) => f.endsWith(".md")).sort().map((f) => join(docs, f))];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const t = args.indexOf("--timeout");
  const timeout = t >= 0 ? Number(args[t + 1]) : undefined;
  const files = args.filter((a, i) => !a.startsWith("--") && !(t >= 0 && i === t + 1));
  const result = await checkDocs(files.length ? files : defaultFiles(), { timeout });
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  else {
    for (const r of result.ran) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.where} (${r.ms} ms)`);
    for (const p of result.problems) console.log(p);
    console.log(`${result.counts.run} run, ${result.counts.device} device-only, ${result.counts.sketch} sketch; ${result.problems.length} problem(s)`);
  }
  process.exitCode = result.ok ? 0 : 1;
}
