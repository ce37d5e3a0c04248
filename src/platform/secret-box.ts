import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ensurePrivateDir } from './file-modes.ts';
import path from 'node:path';

/**
 * Encrypts secrets that Steady must be able to read back (webhook signing secrets) with
 * AES-256-GCM under an instance key that never enters the database: a copy of the database
 * alone reveals none of them. Each ciphertext names its key by a short fingerprint, so a wrong
 * key gives a clear error instead of garbage.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #keyId: string;

  constructor(key: Buffer) {
    if (key.length !== 32)
      throw new Error('The secret key must be 32 bytes (base64 of 32 random bytes).');
    this.#key = key;
    this.#keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** Encrypts `plaintext` as `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64 parts). */
  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      this.#keyId,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join(':');
  }

  /** Decrypts what `seal` made; throws when it was made with another key or was altered. */
  open(sealed: string): string {
    const [version, keyId, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined)
      throw new Error('Not a sealed secret.');
    if (keyId !== this.#keyId)
      throw new Error(
        `This secret was sealed with another key (${keyId ?? '?'}); set STEADY_SECRET_KEY to the key it was made with.`,
      );
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }
}

/**
 * The instance key: STEADY_SECRET_KEY when set (base64 of 32 bytes; every replica must share
 * it), otherwise `<dataDir>/secret.key`, created with mode 0600 on first start so a single
 * instance works with no configuration.
 */
export function loadSecretBox(options: { secretKey: string | null; dataDir: string }): SecretBox {
  if (options.secretKey !== null) return new SecretBox(Buffer.from(options.secretKey, 'base64'));
  const file = path.join(options.dataDir, 'secret.key');
  if (!existsSync(file)) {
    ensurePrivateDir(options.dataDir);
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}
