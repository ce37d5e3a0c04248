import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadSecretBox, SecretBox } from './secret-box.ts';

describe('SecretBox', () => {
  it('round-trips, with a fresh IV each time', () => {
    const box = new SecretBox(randomBytes(32));
    const a = box.seal('whsec_abc');
    assert.notEqual(a, box.seal('whsec_abc'));
    assert.equal(box.open(a), 'whsec_abc');
    assert.doesNotMatch(a, /whsec_abc/);
  });

  it('refuses another key and altered ciphertext', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('secret');
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed), /sealed with another key/);
    const box = new SecretBox(randomBytes(32));
    const parts = box.seal('secret').split(':');
    parts[4] = Buffer.from('tampered').toString('base64');
    assert.throws(() => box.open(parts.join(':')));
  });

  it('creates a private key file on first use and reuses it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'steady-key-'));
    const sealed = loadSecretBox({ secretKey: null, dataDir }).seal('x');
    assert.equal(statSync(path.join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    assert.equal(loadSecretBox({ secretKey: null, dataDir }).open(sealed), 'x');
    const key = readFileSync(path.join(dataDir, 'secret.key'), 'utf8').trim();
    assert.equal(loadSecretBox({ secretKey: key, dataDir: '/nonexistent' }).open(sealed), 'x');
    assert.throws(() => loadSecretBox({ secretKey: 'c2hvcnQ=', dataDir }), /32 bytes/);
  });
});
