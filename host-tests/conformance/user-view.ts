/** What a user of an echo client saw: the record every conformance verdict reads. */
export interface UserView {
  opened: boolean;
  protocol: string;
  messages: number;
  pings: number;
  pongs: number;
  errors: { code: string; message: string; closeCode: number | undefined }[];
  closes: { code: number; reason: string; wasClean: boolean }[];
  /** Event names in order, to check "error before close" and "nothing after close". */
  order: string[];
  /** Exceptions thrown by send() inside the echo (should never happen). */
  sendFailures: string[];
  /** Reads the transport handed to the client, and their bytes (handshake included). */
  reads: { reads: number; bytes: number };
}

export function emptyView(): UserView {
  return { opened: false, protocol: "", messages: 0, pings: 0, pongs: 0, errors: [], closes: [], order: [], sendFailures: [], reads: { reads: 0, bytes: 0 } };
}
