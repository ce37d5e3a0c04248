import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentCount } from './recent-count.ts';

describe('recent count', () => {
  it('sums what was added within the window and forgets what slid out of it', () => {
    const count = new RecentCount(10, 100);
    count.add(1_000, 5);
    count.add(1_050, 2);
    count.add(1_420, 10);
    assert.equal(count.total(1_420), 17);
    // The window is the current slot and the nine before it: slot 10 (t = 1,000–1,099)
    // counts until slot 19 ends.
    assert.equal(count.total(1_999), 17);
    assert.equal(count.total(2_000), 10);
    assert.equal(count.total(2_499), 0);
  });

  it('reuses a slot of the ring only for its own time, after any gap', () => {
    const count = new RecentCount(10, 100);
    count.add(0, 3);
    // 1 s later the same ring slot stands for another tenth of a second.
    count.add(1_000, 4);
    assert.equal(count.total(1_000), 4);
    // Long quiet: nothing left, and an add after it starts afresh.
    assert.equal(count.total(60_000), 0);
    count.add(60_000, 1);
    assert.equal(count.total(60_050), 1);
  });
});
