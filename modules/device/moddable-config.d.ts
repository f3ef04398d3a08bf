/// <reference path="../../native/xs/wsx-tls.d.ts" />
/**
 * mc/config and Resource as far as modules/device uses them (and, by the
 * reference above, the mbedTLS binding's own declaration of "wsx-tls"), for this
 * project's host type checks (tsconfig.json, tsconfig.device.json), which
 * have no Moddable typings. tsconfig.moddable.json leaves this file out and
 * checks the same code against @moddable/typings.
 */
declare module "mc/config" {
  const config: Record<string, unknown>;
  export default config;
}

declare module "Resource" {
  /**
   * A HostBuffer over flash; typed arrays view it as they view an ArrayBuffer (the SDK's typings say the same through
   * ArrayBufferTypes).
   */
  export default class Resource extends ArrayBuffer {
    constructor(path: string);
    static exists(path: string): boolean;
  }
}
