import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUuid, uuidv7 } from './uuid.ts';

describe('uuidv7', () => {
  it('makes version-7 UUIDs that sort by time and, within a millisecond, by creation', () => {
    const ids = Array.from({ length: 2000 }, (_, i) =>
      uuidv7(1_790_000_000_000 + Math.floor(i / 500)),
    );
    for (const id of ids) {
      assert.equal(isUuid(id), true);
      assert.equal(id[14], '7');
      assert.match(id[19] ?? '', /[89ab]/);
    }
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('encodes the given millisecond', () => {
    const id = uuidv7(Date.UTC(2026, 10, 22));
    assert.equal(parseInt(id.replaceAll('-', '').slice(0, 12), 16), Date.UTC(2026, 10, 22));
  });
});
