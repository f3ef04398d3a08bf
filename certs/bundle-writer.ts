/**
 * Encodes entries into the bundle format (certs/README.md). Pure: no I/O,
 * no validation of the payloads themselves (the packer does that first).
 */
import { crc32Update } from "../modules/certs/crc32";
import * as F from "../modules/certs/format";
import { parseEntryName } from "../modules/certs/names";

export interface WriterEntry {
  name: string;
  format: F.PayloadFormat;
  bytes: Uint8Array;
}

export function encodeBundle(input: readonly WriterEntry[]): Uint8Array {
  // The reader binary-searches, so names go in strict byte order.
  const entries = [...input].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 0; i < entries.length; i++) {
    const name = entries[i].name;
    if (!parseEntryName(name)) throw new Error(`invalid entry name "${name}"`);
    if (i > 0 && entries[i - 1].name === name) throw new Error(`duplicate entry "${name}"`);
    if (entries[i].bytes.length === 0) throw new Error(`entry "${name}" is empty`);
  }
  if (entries.length > 0xffff) throw new Error("too many entries");

  const tableEnd = F.HEADER_SIZE + entries.length * F.ENTRY_SIZE;
  const nameOffsets: number[] = [];
  let cursor = tableEnd;
  for (const e of entries) {
    nameOffsets.push(cursor);
    cursor += e.name.length;
  }
  const directory = cursor;

  // Identical payloads (a CA shared by several domains) are stored once.
  const payloadOffsets: number[] = [];
  const stored: { bytes: Uint8Array; offset: number }[] = [];
  for (const e of entries) {
    const same = stored.find((s) => equalBytes(s.bytes, e.bytes));
    if (same) {
      payloadOffsets.push(same.offset);
      continue;
    }
    stored.push({ bytes: e.bytes, offset: cursor });
    payloadOffsets.push(cursor);
    cursor += e.bytes.length;
  }
  const total = cursor;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(F.MAGIC, 0);
  view.setUint16(F.OFFSET_VERSION, F.VERSION, true);
  view.setUint16(F.OFFSET_COUNT, entries.length, true);
  view.setUint32(F.OFFSET_TOTAL_LENGTH, total, true);
  view.setUint32(F.OFFSET_DIRECTORY_LENGTH, directory, true);
  entries.forEach((e, i) => {
    const at = F.HEADER_SIZE + i * F.ENTRY_SIZE;
    view.setUint32(at + F.ENTRY_NAME_OFFSET, nameOffsets[i], true);
    view.setUint16(at + F.ENTRY_NAME_LENGTH, e.name.length, true);
    out[at + F.ENTRY_FORMAT] = e.format === "der" ? F.FORMAT_DER : F.FORMAT_PEM;
    view.setUint32(at + F.ENTRY_PAYLOAD_OFFSET, payloadOffsets[i], true);
    view.setUint32(at + F.ENTRY_PAYLOAD_LENGTH, e.bytes.length, true);
    view.setUint32(at + F.ENTRY_PAYLOAD_CRC, crc32Update(0, e.bytes), true);
    for (let k = 0; k < e.name.length; k++) out[nameOffsets[i] + k] = e.name.charCodeAt(k);
  });
  for (const s of stored) out.set(s.bytes, s.offset);
  // The directory CRC is computed with its own field still zero.
  view.setUint32(F.OFFSET_DIRECTORY_CRC, crc32Update(0, out, 0, directory), true);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
