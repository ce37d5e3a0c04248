import { randomBytes } from 'node:crypto';

let lastMs = -1;
let counter = 0;
// randomBytes per id is a noticeable share of a fast request; draw from a pool instead.
const poolSize = 4096;
let pool = randomBytes(poolSize);
let poolOffset = 0;

function entropy(length: number): Buffer {
  if (poolOffset + length > poolSize) {
    pool = randomBytes(poolSize);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + length));
  poolOffset += length;
  return bytes;
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of millisecond time, then 12 bits that count up within the
 * same millisecond (so ids made in one process sort in the order they were made), then random
 * bits. Time-ordered ids keep B-tree inserts at the right edge and sort by creation.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = entropy(16);
  if (now === lastMs && counter < 0xfff) counter++;
  else counter = (bytes[6] ?? 0) & 0x07; // a small random start leaves room to count
  lastMs = now;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (counter >> 8); // version 7, then the counter's high bits
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True when `value` is a canonical lower-case UUID. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
