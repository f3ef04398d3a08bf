/** `new CertificateBundle(bytes)` used to succeed and find nothing; it is refused with the call to use instead. */
import { encodeBundle } from "../../certs/bundle-writer";
import { CertificateBundle } from "../../node/index";

const PEM = new TextEncoder().encode("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

test("new CertificateBundle(bytes) throws CERT_BUNDLE naming CertificateBundle.open; open() reads the same bytes", () => {
  const bytes = encodeBundle([{ name: "example.com_ca", format: "pem", bytes: PEM }]);
  const Unchecked = CertificateBundle as unknown as new (data: Uint8Array) => CertificateBundle;
  expect(() => new Unchecked(bytes)).toThrow(expect.objectContaining({
    code: "CERT_BUNDLE",
    message: "certificate bundle: new CertificateBundle(data) does not read a bundle: use CertificateBundle.open(data)",
  }));
  const bundle = CertificateBundle.open(bytes);
  expect(bundle.count).toBe(1);
  expect(bundle.entries().map((e) => e.name)).toEqual(["example.com_ca"]);
});
