/** Random bytes from the Node parent's crypto RNG (xsnap's Math.random is an unseeded rand()). */
import { request } from "./host";

export function bridgeRandomFill(bytes: Uint8Array): void {
  const { body } = request({ op: "random", n: bytes.length });
  bytes.set(body.subarray(0, bytes.length));
}
