import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  displayPrefix,
  generateApiToken,
  hashSecret,
  isWellFormedApiToken,
} from './token-format.ts';

describe('API token format', () => {
  it('generates distinct, prefixed tokens that pass their own checksum', () => {
    const tokens = new Set(Array.from({ length: 200 }, generateApiToken));
    assert.equal(tokens.size, 200);
    for (const token of tokens) {
      assert.match(token, /^stdy_[0-9A-Za-z]{36}$/);
      assert.equal(isWellFormedApiToken(token), true);
    }
  });

  it('rejects a typo, a wrong prefix, a wrong length and foreign characters', () => {
    const token = generateApiToken();
    const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    for (const bad of [
      flipped,
      `ghp_${token.slice(5)}`,
      token.slice(0, -1),
      `${token}x`,
      `${token.slice(0, 20)}!${token.slice(21)}`,
      '',
    ]) {
      assert.equal(isWellFormedApiToken(bad), false, bad);
    }
  });

  it('hashes with SHA-256 and shows only a short prefix', () => {
    assert.equal(
      hashSecret('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(displayPrefix('stdy_ABCDEFGHIJ'), 'stdy_ABCDEF…');
  });
});
