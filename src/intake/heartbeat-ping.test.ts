import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isCanonicalUuid, parsePingSuffix } from './heartbeat-ping.ts';

const conventions = JSON.parse(
  readFileSync(
    path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../test/fixtures/payloads/healthchecks-ping-conventions.json',
    ),
    'utf8',
  ),
) as {
  cases: {
    path: string;
    query: string;
    signal: string | null;
    expected_status: number;
    note?: string;
  }[];
};

describe('ping URL suffixes', () => {
  const table: [string, ReturnType<typeof parsePingSuffix>][] = [
    ['', { ok: true, signal: 'success', exitCode: null }],
    ['start', { ok: true, signal: 'start', exitCode: null }],
    ['fail', { ok: true, signal: 'fail', exitCode: null }],
    ['log', { ok: true, signal: 'log', exitCode: null }],
    ['0', { ok: true, signal: 'success', exitCode: 0 }],
    ['1', { ok: true, signal: 'fail', exitCode: 1 }],
    ['255', { ok: true, signal: 'fail', exitCode: 255 }],
    ['256', { ok: false, message: 'invalid url format' }],
    ['-1', { ok: false, message: 'invalid url format' }],
    ['finish', { ok: false, message: 'invalid url format' }],
  ];
  for (const [suffix, expected] of table) {
    it(`reads "${suffix}"`, () => assert.deepEqual(parsePingSuffix(suffix), expected));
  }

  it('agrees with the healthchecks conventions for UUID pings', () => {
    // Only the path part here; the run-id (query) cases are covered by the HTTP tests.
    for (const c of conventions.cases.filter(
      (c) => c.path.startsWith('/5bf') && !c.query.startsWith('rid=not'),
    )) {
      const suffix = c.path.split('/').slice(2).join('/');
      const parsed = parsePingSuffix(suffix);
      if (c.expected_status === 400) assert.equal(parsed.ok, false, c.path);
      else if (c.signal !== 'ignored' && c.signal !== null)
        assert.equal(parsed.ok && parsed.signal, c.signal, c.path);
    }
  });

  it('checks run ids are canonical UUIDs', () => {
    assert.equal(isCanonicalUuid('123e4567-e89b-12d3-a456-426614174000'), true);
    assert.equal(isCanonicalUuid('not-a-uuid'), false);
    assert.equal(isCanonicalUuid('123E4567-E89B-12D3-A456-426614174000'), false);
  });
});
