import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from './logger.ts';

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
