import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveConnectionCap, openFileLimit } from './connection-guard.ts';

const limits = (soft: string) =>
  [
    'Limit                     Soft Limit           Hard Limit           Units',
    'Max cpu time              unlimited            unlimited            seconds',
    `Max open files            ${soft.padEnd(21)}${soft.padEnd(21)}files`,
    'Max processes             63704                63704                processes',
  ].join('\n');

describe('openFileLimit', () => {
  it('reads the soft limit on open files from /proc/self/limits', () => {
    assert.equal(openFileLimit(limits('1024')), 1024);
    assert.equal(openFileLimit(limits('1048576')), 1_048_576);
  });
  it('is null when there is no limit or nothing to read', () => {
    assert.equal(openFileLimit(limits('unlimited')), null);
    assert.equal(openFileLimit('no such line'), null);
  });
  it('reads this process’s limit on Linux', () => {
    const limit = openFileLimit();
    assert.ok(limit === null || limit > 0);
  });
});

describe('effectiveConnectionCap', () => {
  // [configured, open-file limit, cap]
  const cases: [number, number | null, number][] = [
    [10_000, 1024, 896], // 128 descriptors stay free for the database, log and workers
    [10_000, 1_048_576, 10_000],
    [500, 1024, 500],
    [10_000, null, 10_000],
    [10_000, 100, 16], // never below 16, however low the limit
  ];
  for (const [configured, limit, cap] of cases) {
    it(`caps ${configured} connections at ${cap} under an open-file limit of ${String(limit)}`, () => {
      assert.equal(effectiveConnectionCap(configured, limit), cap);
    });
  }
});
