import { hash, randomBytes } from 'node:crypto';

// API tokens look like `stdy_<30 base62 chars of randomness><6 base62 chars of CRC32>`:
// the prefix lets secret scanners find leaked tokens, the checksum lets Steady reject a typo
// or a random string without touching the database. ~178 bits of randomness.
const prefix = 'stdy_';
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomLength = 30;
const checksumLength = 6;

function base62(bytes: Buffer, length: number): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (out.length < length) {
    out = alphabet.charAt(Number(n % 62n)) + out;
    n /= 62n;
  }
  return out;
}

const crcTable = Array.from({ length: 256 }, (_, i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text)) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(body: string): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(crc32(body));
  return base62(buf, checksumLength);
}

/** A new random API token. */
export function generateApiToken(): string {
  const body = base62(randomBytes(24), randomLength);
  return `${prefix}${body}${checksum(body)}`;
}

/** True when `token` has the Steady format and a valid checksum. */
export function isWellFormedApiToken(token: string): boolean {
  if (token.length !== prefix.length + randomLength + checksumLength || !token.startsWith(prefix))
    return false;
  const body = token.slice(prefix.length, prefix.length + randomLength);
  if (!/^[0-9A-Za-z]+$/.test(body)) return false;
  return token.slice(prefix.length + randomLength) === checksum(body);
}

/** The SHA-256 (hex) under which a token is stored; a fast hash suffices for 178 random bits. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret);
}

/** The part of a token shown in lists so people can tell tokens apart. */
export function displayPrefix(token: string): string {
  return `${token.slice(0, prefix.length + 6)}…`;
}
