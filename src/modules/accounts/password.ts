import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import { commonPasswordReason, loadCommonPasswords } from './common-passwords.ts';

// scrypt with N=2^14, r=8, p=5: one of the OWASP Password Storage Cheat Sheet's equivalent
// settings (16 MiB of memory per hash). Node ships scrypt, so no native add-on is needed.
// The parameters are stored with each hash, so raising them later rehashes on next login.
const current = { log2N: 14, r: 8, p: 5 } as const;
const keyLength = 32;
const saltLength = 16;

interface Parsed {
  log2N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function derive(
  password: string,
  salt: Buffer,
  params: { log2N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.log2N,
    r: params.r,
    p: params.p,
    maxmem: 256 * 2 ** params.log2N * params.r,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function parse(stored: string): Parsed | null {
  const match =
    /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(
      stored,
    );
  if (match === null) return null;
  const [, ln, r, p, salt, hash] = match;
  return {
    log2N: Number(ln),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt ?? '', 'base64'),
    hash: Buffer.from(hash ?? '', 'base64'),
  };
}

/** Hashes a password with a fresh salt, in the `$scrypt$ln=…,r=…,p=…$salt$hash` format. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(saltLength);
  const hash = await derive(password, salt, current);
  return `$scrypt$ln=${current.log2N},r=${current.r},p=${current.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when `password` matches `stored`. Comparison is constant-time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === null) return false;
  const hash = await derive(password, parsed.salt, parsed);
  return hash.length === parsed.hash.length && timingSafeEqual(hash, parsed.hash);
}

/** True when `stored` was made with other parameters than today's (rehash on next login). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return (
    parsed === null ||
    parsed.log2N !== current.log2N ||
    parsed.r !== current.r ||
    parsed.p !== current.p
  );
}

// A hash of a random password: verifying against it costs as much as against a real one,
// so a login for an unknown email takes as long as one for a known email.
let decoy: Promise<string> | undefined;
/** A valid hash nobody knows the password of, for constant-time failed logins. */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

/** Rejects passwords a person should not use; the schema already bounds the length. */
export function checkPasswordStrength(password: string, email: string): void {
  if (Array.from(password).length < 12) {
    throw new AppError('weak_password', 'Use a password of at least 12 characters.', {
      field: 'password',
    });
  }
  const lower = password.toLowerCase();
  const local = email.toLowerCase().split('@')[0] ?? '';
  if (lower === email.toLowerCase() || (local.length >= 4 && lower.includes(local))) {
    throw new AppError('weak_password', 'The password must not contain your email address.', {
      field: 'password',
    });
  }
  if (new Set(password).size < 4) {
    throw new AppError(
      'weak_password',
      'The password repeats too few characters; use a passphrase.',
      { field: 'password' },
    );
  }
  const common = commonPasswordReason(password, loadCommonPasswords());
  if (common !== null) {
    throw new AppError(
      'weak_password',
      `Choose another password: ${common}, so it is among the first an attacker tries. A passphrase of four or more unrelated words is strong and easy to remember.`,
      { field: 'password' },
    );
  }
}
