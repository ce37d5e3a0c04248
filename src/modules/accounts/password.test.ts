import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPasswordStrength, hashPassword, needsRehash, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('verifies the right password and rejects others, with a fresh salt per hash', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.notEqual(a, b);
    assert.match(a, /^\$scrypt\$ln=14,r=8,p=5\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  it('treats Unicode compositions of the same text as the same password', async () => {
    const hash = await hashPassword('café au lait!');
    assert.equal(await verifyPassword('cafe\u0301 au lait!', hash), true);
  });

  it('asks for a rehash when the parameters differ, and rejects garbage hashes', async () => {
    assert.equal(needsRehash(await hashPassword('whatever you like')), false);
    assert.equal(needsRehash('$scrypt$ln=10,r=8,p=1$AAAA$AAAA'), true);
    assert.equal(needsRehash('plaintext'), true);
    assert.equal(await verifyPassword('x', 'not a hash'), false);
  });

  it('refuses short passwords, the email and single-character repeats', () => {
    assert.throws(() => checkPasswordStrength('short', 'a@b.c'), { code: 'weak_password' });
    assert.throws(
      () => checkPasswordStrength('olive.owner@example.com', 'olive.owner@example.com'),
      { code: 'weak_password' },
    );
    assert.throws(() => checkPasswordStrength('my name is oliveowner', 'oliveowner@example.com'), {
      code: 'weak_password',
    });
    assert.throws(() => checkPasswordStrength('abababababababab', 'x@example.com'), {
      code: 'weak_password',
    });
    assert.doesNotThrow(() => checkPasswordStrength('correct horse battery', 'a@b.c'));
    assert.doesNotThrow(() => checkPasswordStrength('ещё одна фраза', 'x@example.com'));
  });
});
