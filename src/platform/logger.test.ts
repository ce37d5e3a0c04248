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

  it('finds keys by their shape wherever a mistyped URL puts them', () => {
    const key = '0123456789abcdef0123456789abcdef';
    const ping = '5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278';
    for (const url of [
      `//api/intake/generic/${key}`,
      `/api//intake/generic/${key}`,
      `/API/intake/generic/${key.toUpperCase()}`,
      `/api/intake/generic%2F${key}`,
      `/api/intake/generic%2F%30123456789abcdef0123456789abcdef`,
      `/api/intake/generic?key=${key}`,
      `/v2/enqueue/${key}`,
      `//ping/${ping}`,
      `/PING/${ping}/fail`,
      `/api/alerts?integrationKey=${ping}`,
    ]) {
      const redacted = redactUrl(url);
      assert.doesNotMatch(redacted, /[0-9a-f]{7}/i, `${url} → ${redacted}`);
    }
  });

  it('keeps object ids in API paths', () => {
    const id = '0193a5c2-7e1f-7abc-8def-0123456789ab';
    assert.equal(redactUrl(`/api/incidents/${id}/acknowledge`), `/api/incidents/${id}/acknowledge`);
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
