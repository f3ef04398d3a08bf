/**
 * A standalone WebSocket server on a device: an ECMA-419 listener
 * (`embedded:io/socket/listener`) whose connections each become a
 * ServerSocket once their opening handshake is good.
 *
 *   const server = listen({ port: 8080 }, (ws, request) => {
 *     ws.onmessage = (e) => ws.send(e.data);
 *   });
 */
import Listener from "embedded:io/socket/listener";
import { ServerSocket } from "../api/server-socket";
import { asciiBytes } from "../core/http-head";
import { refusalResponse, type UpgradeRequest } from "../core/server-handshake";
import { createModdablePlatform } from "../platform/moddable";
import type { Platform } from "../platform/platform";
import { Admission, DEFAULT_MAX_CONNECTIONS } from "../server/admission";
import { AdmittedChannel } from "../server/admitted-channel";
import { devicePeerOptions, type PeerOptions } from "../server/peer";
import { checkServerOptions, LISTEN_OPTIONS } from "../server/server-options";
import { optionError } from "../core/options";
import { Tcp419Transport, type FromSocketConstructor, type PendingConnection } from "../transport/tcp419";

export type Accept = (socket: ServerSocket, request: UpgradeRequest) => void;

export interface ListenOptions extends PeerOptions {
  /** TCP port (0: any free port, see server.port). */
  port: number;
  /**
   * Local address to bind, passed to the SDK's listener. Moddable SDK 8.2.3 ignores it on lin and on
   * ESP32 (lwIP) alike and binds every interface: keep a device server off networks by other means.
   */
  address?: string;
  /** Most connections held at once, handshaking or open (default 4); more get 503. */
  maxConnections?: number;
  /**
   * Bytes queued per connection before send() reports back-pressure (default 16384: modules/transport/byte-pipe.ts says
   * why).
   */
  highWaterMark?: number;
  /** Timers and randomness (default: Moddable's). */
  platform?: Platform;
  /** Injection for tests: the listener and socket classes (default: the platform's ECMA-419 ones). */
  io?: { Listener?: ListenerConstructor; TCP?: FromSocketConstructor };
}

export interface ListenerLike {
  read(): PendingConnection | undefined;
  close(): void;
  readonly port: number;
}

export type ListenerConstructor = new (options: {
  port?: number;
  address?: string;
  onReadable?: (requests: number) => void;
}) => ListenerLike;

export interface WebSocketListener {
  /** The port listened on (useful with port 0). */
  readonly port: number;
  /** Connections held now (handshaking or open); a connection stops counting as it closes, before its onclose. */
  readonly connections: number;
  /** Stop accepting; open connections stay open. */
  close(): void;
}

export function listen(options: ListenOptions, accept: Accept): WebSocketListener {
  checkServerOptions("listen() options", options, LISTEN_OPTIONS);
  if (options.port === undefined) throw optionError("port", options.port, "an integer from 0 to 65535");
  const platform = options.platform ?? createModdablePlatform();
  const admission = new Admission(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS.device);
  const peerOptions = devicePeerOptions(options);
  const ListenerClass = options.io?.Listener ?? (Listener as unknown as ListenerConstructor);
  // One frozen object for every connection; absent, the pipe's own default applies.
  const tcpOptions = Object.freeze({ highWaterMark: options.highWaterMark });
  const TCP = options.io?.TCP;

  const take = (from: PendingConnection): void => {
    const channel = new Tcp419Transport(tcpOptions).adopt(from, TCP);
    if (!admission.enter()) {
      // Answer, then close once written, so the client learns why. The socket takes writes
      // once it reports itself writable (onOpen); end() before that would drop the answer.
      const refusal = asciiBytes(refusalResponse(503, `too many connections (limit ${admission.limit})`));
      channel.attach({
        onOpen() {
          channel.write(refusal);
          channel.end();
        },
        onData() {},
        onDrain() {},
        onClose() {},
      });
      return;
    }
    const socket = new ServerSocket(platform, new AdmittedChannel(channel, admission), peerOptions);
    const opened = (): void => {
      socket.removeEventListener("open", opened);
      if (socket.request) accept(socket, socket.request);
    };
    socket.addEventListener("open", opened);
  };

  const listener = new ListenerClass({
    port: options.port,
    ...(options.address === undefined ? {} : { address: options.address }),
    onReadable(requests: number) {
      for (let i = 0; i < requests; i++) {
        const from = listener.read();
        if (from === undefined) break;
        take(from);
      }
    },
  });

  return {
    get port() {
      return listener.port;
    },
    get connections() {
      return admission.open;
    },
    close() {
      listener.close();
    },
  };
}
