/**
 * Moddable's ECMA-419 listener (`embedded:io/socket/listener`), declared as
 * far as the server uses it, for this project's own type checks. A Moddable
 * build (mcconfig) checks against the SDK's typings instead; this file is in
 * no manifest.
 */
declare module "embedded:io/socket/listener" {
  export default class Listener {
    constructor(options: {
      port?: number;
      address?: string;
      /** `requests`: connections waiting to be read. */
      onReadable?: (this: Listener, requests: number) => void;
      format?: "socket/tcp";
    });
    /** The next waiting connection, for `new TCP({ from })`; undefined when none waits. */
    read(): object | undefined;
    close(): void;
    readonly port: number;
  }
}
