/**
 * A wss host given as an IP address (issue 17 §6): mbedTLS 2.28 matches
 * names only, so the core checks the leaf's IP subjectAltNames itself, on
 * every mbedTLS version alike. An address is matched against `IP:` entries
 * only, never against DNS names or the CN, and is not sent as SNI (RFC 6066).
 */
import { ipAddressBytes } from "../../modules/core/ip-address";
import { open } from "./drive";
import { makeTestPki, type TestPki } from "./pki";
import { startTlsEcho, type PeerServer } from "./servers";

let pki: TestPki;
const servers: PeerServer[] = [];

beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });

async function serving(leaf: string): Promise<PeerServer> {
  const s = await startTlsEcho({ key: pki.text(`${leaf}.key`), cert: pki.text(`${leaf}-chain.pem`) });
  servers.push(s);
  return s;
}

test("an address matches a certificate whose only subjectAltName is IP:127.0.0.1, and no SNI is sent", async () => {
  const server = await serving("iponly");
  const s = open(server.port, { ca: [pki.text("ca.pem")] });
  await s.opened;
  s.transport.write(new TextEncoder().encode("by address\n"));
  expect(await s.until((t) => t.includes("\n"))).toBe("by address\n");
  expect(server.seen).toEqual([{ servername: false, clientCn: undefined }]);
  s.transport.destroy();
  await s.closed;
});

test("an address is refused by a certificate that has only DNS names, with the rule in the message", async () => {
  const server = await serving("dnsonly");
  const error = await open(server.port, { ca: [pki.text("ca.pem")] }).closed;
  expect(error?.code).toBe("TLS_ERROR");
  expect(error?.message).toBe(`TLS: server certificate for 127.0.0.1:${server.port} rejected: the certificate is not valid for IP address ` +
    "127.0.0.1: an address is matched only against the certificate's IP subjectAltNames (IP:127.0.0.1), never its DNS names (host name mismatch)");
});

test("insist forgives an address mismatch as it forgives a name mismatch", async () => {
  const server = await serving("dnsonly");
  const s = open(server.port, { ca: [pki.text("ca.pem")], insist: true });
  await s.opened;
  s.transport.destroy();
  await s.closed;
});

test("servername given: the name is checked (DNS names) and sent, whatever the address", async () => {
  const server = await serving("dnsonly");
  const s = open(server.port, { ca: [pki.text("ca.pem")], servername: "localhost" });
  await s.opened;
  s.transport.write(new TextEncoder().encode("named\n")); // TLS 1.3: the server may finish after the client; a round trip settles it
  await s.until((t) => t.includes("\n"));
  expect(server.seen).toEqual([{ servername: "localhost", clientCn: undefined }]);
  s.transport.destroy();
  await s.closed;
});

test("an IP servername is an address too", async () => {
  const server = await serving("iponly");
  const s = open(server.port, { ca: [pki.text("ca.pem")], servername: "127.0.0.1" }, {}, { host: "localhost" });
  await s.opened;
  s.transport.destroy();
  await s.closed;
});

test("IP literals parse to their bytes; names do not", () => {
  const bytes = (host: string) => { const b = ipAddressBytes(host); return b ? Array.from(b) : undefined; };
  expect(bytes("127.0.0.1")).toEqual([127, 0, 0, 1]);
  expect(bytes("[::1]")).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  expect(bytes("fe80::1:2")).toEqual([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]);
  expect(bytes("::ffff:192.0.2.1")).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]);
  expect(bytes("1:2:3:4:5:6:7:8")).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
  for (const name of ["localhost", "1.2.3", "01.2.3.4", "256.1.1.1", "1::2::3", "1:2:3:4:5:6:7:8:9", "::g", ""]) {
    expect(bytes(name)).toBeUndefined();
  }
});
