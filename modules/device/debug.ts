/**
 * The device's debug sink: `config.websocket.debug` (checked in settings.ts) gives the device runtime's
 * platform this `debug`, which writes through `trace` (xsbug, or the serial console); off, the platform
 * has none and the client builds no log line at all.
 */
declare const trace: (text: string) => void;

export function traceDebug(line: string): void {
  trace("websocket: " + line + "\n");
}
