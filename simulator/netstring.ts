/** Netstrings (`<length>:<bytes>,`), the framing xsnap-worker uses on fds 3 and 4. */

export function encodeNetstring(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(",")]);
}

/** Incremental reader: feed chunks as they arrive, get whole messages out. */
export class NetstringReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const messages: Buffer[] = [];
    for (;;) {
      const colon = this.pending.indexOf(0x3a);
      if (colon < 0) break;
      const lengthText = this.pending.subarray(0, colon).toString("latin1");
      if (!/^\d{1,9}$/.test(lengthText)) throw new Error(`xsnap netstring: bad length prefix ${JSON.stringify(lengthText)}`);
      const length = Number(lengthText);
      const end = colon + 1 + length;
      if (this.pending.length < end + 1) break;
      if (this.pending[end] !== 0x2c) throw new Error("xsnap netstring: missing trailing comma");
      messages.push(Buffer.from(this.pending.subarray(colon + 1, end)));
      this.pending = this.pending.subarray(end + 1);
    }
    return messages;
  }
}
