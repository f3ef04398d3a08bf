/**
 * The certificate bundle's binary layout (documented in certs/README.md).
 * Shared by the device reader and the host packer so the two cannot drift.
 * All integers are little-endian.
 */

/** "WSCB": WebSocket certificate bundle. */
export const MAGIC = Object.freeze([0x57, 0x53, 0x43, 0x42] as const);
export const VERSION = 1;

/** Header: magic(4) version(u16) count(u16) totalLength(u32) directoryLength(u32) directoryCrc(u32). */
export const HEADER_SIZE = 20;
export const OFFSET_VERSION = 4;
export const OFFSET_COUNT = 6;
export const OFFSET_TOTAL_LENGTH = 8;
export const OFFSET_DIRECTORY_LENGTH = 12;
export const OFFSET_DIRECTORY_CRC = 16;

/**
 * Entry: nameOffset(u32) nameLength(u16) format(u8) reserved(u8) payloadOffset(u32) payloadLength(u32) payloadCrc(u32).
 */
export const ENTRY_SIZE = 20;
export const ENTRY_NAME_OFFSET = 0;
export const ENTRY_NAME_LENGTH = 4;
export const ENTRY_FORMAT = 6;
export const ENTRY_RESERVED = 7;
export const ENTRY_PAYLOAD_OFFSET = 8;
export const ENTRY_PAYLOAD_LENGTH = 12;
export const ENTRY_PAYLOAD_CRC = 16;

export const FORMAT_PEM = 1;
export const FORMAT_DER = 2;
export type PayloadFormat = "pem" | "der";

/** Longest entry name: a 253-byte domain plus "_chain". */
export const MAX_NAME_LENGTH = 259;
