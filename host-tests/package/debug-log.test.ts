/**
 * The debug switch: NODE_DEBUG=websocket on Node (util.debuglog), config.websocket.debug on a device (trace),
 * through the platform seam. On, it logs the handshake, close codes, errors (TLS ones too) and reconnect
 * decisions; off (the default), the platform has no debug sink and nothing is printed.
 */
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { readSettings } from "../../modules/device/settings";
import { nodePlatform } from "../../node/platform";
import { closedPort, startWsServer } from "../support/servers";
import { XsSimulator } from "../../simulator/simulator";

const ROOT = resolve(__dirname, "../..");

function child(env: Record<string, string>, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const script = join(__dirname, "fixtures/debug-child.mjs");
    execFile(process.execPath, [script, ...args], { cwd: ROOT, timeout: 20_000, env: { ...process.env, NODE_DEBUG: "", ...env } }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${String(error)}\n${stderr}`));
      else done({ stdout, stderr });
    });
  });
}

describe("Node: NODE_DEBUG=websocket", () => {
  test("logs the handshake, the close code, a TLS error and the reconnect decisions, one line each", async () => {
    const server = await startWsServer({ handleProtocols: (offered) => offered.values().next().value ?? false });
    const closed = `ws://127.0.0.1:${await closedPort()}/`;
    try {
      const { stdout, stderr } = await child({ NODE_DEBUG: "websocket" }, [server.url + "/", closed]);
      expect(stdout).toBe("done\n");
      const lines = stderr.trim().split("\n").map((l) => l.replace(/^WEBSOCKET \d+: /, ""));
      expect(stderr.split("\n").filter(Boolean).every((l) => /^WEBSOCKET \d+: /.test(l))).toBe(true);
      const url = server.url + "/";
      const wss = url.replace("ws:", "wss:");
      expect(lines).toEqual(expect.arrayContaining([
        `${url}: connecting to 127.0.0.1:${server.port}`,
        `${url}: transport open, sending the opening handshake`,
        `${url}: open, protocol "chat", extensions ""`,
        `${url}: closed 1000 "bye" clean`,
        expect.stringMatching(new RegExp(`^${wss.replace(/[./]/g, "\\$&")}: error TLS_ERROR: TLS: no CA certificate`)),
        `${wss}: closed 1006 "" not clean`,
        expect.stringMatching(/^reconnect: attempt 1 in \d+ ms after close 1006$/),
        "reconnect: giving up after 1 attempts (maxAttempts)",
      ]));
      expect(lines.filter((l) => l.startsWith(`${closed}: error CONNECTION_FAILED`))).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  test("off by default: nothing on stderr, and the platform has no debug sink to call", async () => {
    const server = await startWsServer();
    try {
      const { stdout, stderr } = await child({}, [server.url + "/", `ws://127.0.0.1:${await closedPort()}/`]);
      expect({ stdout, stderr }).toEqual({ stdout: "done\n", stderr: "" });
    } finally {
      await server.close();
    }
    expect(process.env.NODE_DEBUG ?? "").not.toMatch(/websocket/i);
    expect(nodePlatform.debug).toBeUndefined();
  });
});

describe("device: config.websocket.debug, through trace", () => {
  async function runOnXs(debug: unknown): Promise<string> {
    const server = await startWsServer();
    let output = "";
    let finished: () => void = () => undefined;
    const done = new Promise<void>((r) => (finished = r));
    const sim = await XsSimulator.start(join(__dirname, "fixtures/xs-debug-entry.ts"), {
      onOutput: (text) => (output += text),
      onHarnessEvent: (header) => { if (header.type === "done") finished(); },
      build: { config: { websocket: { debug } } },
    });
    try {
      await sim.call("run", [server.url + "/"]);
      await done;
      expect(sim.bridge.uncaught).toEqual([]);
    } finally {
      await sim.stop();
      await server.close();
    }
    return output.replace(new RegExp(server.url.replace(/[./]/g, "\\$&"), "g"), "URL");
  }

  test("on: the handshake and the close, as trace lines", async () => {
    const lines = (await runOnXs(true)).split("\n");
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^websocket: URL\/: connecting to 127\.0\.0\.1:\d+$/),
      'websocket: URL/: open, protocol "", extensions ""',
      'websocket: URL/: closed 1000 "bye" clean',
    ]));
  }, 30_000);

  test("off (manifest_namespaced.json's default): no line", async () => {
    expect(await runOnXs(false)).not.toMatch(/websocket:/);
  }, 30_000);

  test("the setting is checked where it enters", () => {
    const base = { maxMessageSize: 65536, maxFragments: 1024, closeTimeout: 5000, connectTimeout: 10000, highWaterMark: 4096, certificates: "c.wscb" };
    expect(readSettings({ websocket: base }).debug).toBe(false);
    expect(readSettings({ websocket: { ...base, debug: "true" } }).debug).toBe(true);
    expect(() => readSettings({ websocket: { ...base, debug: "yes" } })).toThrow('manifest config.websocket.debug must be true or false, got "yes"');
  });
});
