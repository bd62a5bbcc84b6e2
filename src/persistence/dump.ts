/**
 * DUMP and RESTORE payloads: one value in RDB encoding, then the RDB version (2 bytes,
 * little-endian) and a CRC-64 of everything before it (8 bytes, little-endian). Real
 * Redis RESTOREs what Cairn DUMPs and the other way round.
 */
import { ByteSource, TruncatedError } from './byte-source.js';
import { crc64 } from './crc64.js';
import { RdbDecoder, RdbError, type EncodingLimits } from './rdb-decoder.js';
import { objectType, RdbEncoder } from './rdb-encoder.js';
import { RDB_VERSION } from './rdb-format.js';
import type { Value } from '../store/keyspace.js';
import type { Arena } from '../store/arena.js';

/** arena: where value lives when it is a blob ref. */
export function dumpPayload(value: Value, arena: Arena | null = null): Buffer {
  const enc = new RdbEncoder(true, undefined, arena);
  enc.byte(objectType(value));
  enc.value(value);
  enc.byte(RDB_VERSION & 0xff);
  enc.byte(RDB_VERSION >> 8);
  const body = enc.take();
  return Buffer.concat([body, crc64(body)]);
}

/** Redis's verifyDumpPayload: the footer's version is one we read and the checksum matches. */
export function verifyPayload(payload: Buffer): boolean {
  if (payload.length < 10) return false;
  const version = payload[payload.length - 10]! | (payload[payload.length - 9]! << 8);
  if (version > RDB_VERSION) return false;
  return crc64(payload.subarray(0, payload.length - 8)).equals(payload.subarray(payload.length - 8));
}

/**
 * The value in a verified payload, or the error to reply: Redis's "Bad data format" for a
 * malformed body, a plain statement for a type Cairn does not have (streams, modules).
 */
export function readPayload(payload: Buffer, limits: EncodingLimits): { value: Value } | { error: string } {
  const body = payload.subarray(0, payload.length - 10);
  const dec = new RdbDecoder(ByteSource.fromBuffer(body), limits);
  try {
    const type = dec.src.u8();
    const value = dec.value(type);
    return value === null ? { error: 'ERR Bad data format' } : { value };
  } catch (e) {
    if (e instanceof RdbError && e.message.includes('not supported')) return { error: `ERR Bad data format: ${e.message}` };
    if (e instanceof RdbError || e instanceof TruncatedError) return { error: 'ERR Bad data format' };
    throw e;
  }
}
