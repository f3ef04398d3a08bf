/**
 * The simulator's `Resource`: data a Moddable build maps into flash. On a
 * device it is a host buffer read in place; here the bytes come from the
 * parent (build-bridge.ts) into an ArrayBuffer, read the same way.
 */
import { request } from "./host";

export default class Resource extends ArrayBuffer {
  constructor(name: string) {
    const { body } = request({ op: "build.resource", name });
    super(body.length);
    new Uint8Array(this).set(body);
  }

  static exists(name: string): boolean {
    return request({ op: "build.resource.exists", name }).header.value === true;
  }
}
