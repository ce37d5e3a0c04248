import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl, scrubSecrets } from './logger.ts';

describe('redactUrl', () => {
  it('keeps only a prefix of secrets in intake and ping URLs', () => {
    assert.equal(
      redactUrl('/api/intake/alertmanager/abcdefghijklmnop?x=1'),
      '/api/intake/alertmanager/abcdef…?x=1',
    );
    assert.equal(
      redactUrl('/ping/5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278/fail'),
      '/ping/5bf669…/fail',
    );
    assert.equal(redactUrl('/api/incidents/42'), '/api/incidents/42');
  });
});

describe('scrubSecrets', () => {
  it('replaces secret-looking values one and two levels deep, and leaves the rest alone', () => {
    const input = {
      msg: 'x',
      password: 'hunter2',
      body: { email: 'a@b.c', newPassword: 'p', nested: { token: 'deeper is not looked at' } },
      headers: { Authorization: 'Bearer x' },
    };
    assert.deepEqual(scrubSecrets(input), {
      msg: 'x',
      password: '[redacted]',
      body: {
        email: 'a@b.c',
        newPassword: '[redacted]',
        nested: { token: 'deeper is not looked at' },
      },
      headers: { Authorization: '[redacted]' },
    });
    assert.equal(input.password, 'hunter2', 'the original is not changed');
    const clean = { msg: 'fine', count: 3 };
    assert.equal(scrubSecrets(clean), clean);
  });
});
