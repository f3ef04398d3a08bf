/**
 * The Moddable host modules our device code imports, declared as far as we
 * use them, for this project's own type checks (tsconfig.json,
 * tsconfig.device.json). A Moddable build (mcconfig) type-checks against the
 * SDK's typings instead; this file is not in manifest.json.
 */
declare module "embedded:io/socket/tcp" {
  export interface Options {
    address: string;
    port: number;
    nodelay?: boolean;
    format?: "buffer" | "number";
    onReadable?: (this: TCP, count: number) => void;
    onWritable?: (this: TCP, count: number) => void;
    onError?: (this: TCP) => void;
  }
  export default class TCP {
    constructor(options: Options);
    read(count?: number): ArrayBuffer | undefined;
    write(buffer: ArrayBuffer | ArrayBufferView): number | undefined;
    close(): void;
  }
}

declare module "timer" {
  class Timer {
    private constructor();
    static set(callback: (timer: Timer) => void, interval?: number, repeat?: number): Timer;
    static repeat(callback: (timer: Timer) => void, interval: number): Timer;
    static clear(timer: Timer | undefined | null): void;
    private brand: boolean;
  }
  export default Timer;
}

declare module "time" {
  const Time: { readonly ticks: number };
  export default Time;
}

declare module "net" {
  const Net: {
    resolve(name: string, callback: (name: string, address?: string) => void): void;
  };
  export default Net;
}

declare module "modules" {
  export default class Modules {
    static has(specifier: string): boolean;
    static importNow(specifier: string): unknown;
  }
}
