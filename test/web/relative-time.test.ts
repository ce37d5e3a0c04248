import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absoluteTime, relativeTime } from '../../web/src/components/relative-time.ts';

// Issue 17 §5: a silence ending in 2 hours said "Ends just now" (negative ages counted as
// under a minute).

const now = Date.UTC(2026, 11, 4, 21, 0, 0);
const min = 60_000;

describe('relativeTime', () => {
  const cases: [number, string | null][] = [
    [0, 'just now'],
    [-30_000, 'just now'],
    [30_000, 'in under a minute'],
    [-5 * min, '5 min ago'],
    [5 * min, 'in 5 min'],
    [-3 * 60 * min, '3 h ago'],
    [2 * 60 * min, 'in 2 h'],
    [2 * 60 * min - 5000, 'in 2 h'],
    [-59.6 * min, '1 h ago'],
    [-90_000, '2 min ago'],
    [-26 * 60 * min, '1 day ago'],
    [3 * 24 * 60 * min, 'in 3 days'],
    [-8 * 24 * 60 * min, null],
    [30 * 24 * 60 * min, null],
  ];
  for (const [offset, words] of cases) {
    it(`reads ${offset} ms from now as ${JSON.stringify(words)}`, () => {
      assert.equal(relativeTime(now + offset, now), words);
    });
  }
});

describe('absoluteTime', () => {
  it('names the time zone', () => {
    const text = absoluteTime(new Date(now), 'UTC');
    assert.match(text, /2026/);
    assert.match(text, /UTC/);
    assert.match(absoluteTime(new Date(now), 'America/New_York'), /EST|GMT-5/);
  });
});
