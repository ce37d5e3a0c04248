import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './clock.ts';
import { WindowLimiter } from './rate-limit.ts';

describe('WindowLimiter', () => {
  it('allows `limit` hits per window and says how long to wait after that', () => {
    const clock = new ManualClock();
    const limiter = new WindowLimiter({ limit: 2, windowMs: 1000, clock });
    assert.equal(limiter.hit('k'), 0);
    clock.advance(400);
    assert.equal(limiter.hit('k'), 0);
    assert.equal(limiter.hit('k'), 600);
    clock.advance(600);
    assert.equal(limiter.hit('k'), 0, 'a new window');
  });

  it('keeps keys apart and memory bounded', () => {
    const clock = new ManualClock();
    const limiter = new WindowLimiter({ limit: 1, windowMs: 1000, maxKeys: 100, clock });
    for (let i = 0; i < 1000; i++) limiter.hit(`k${i}`);
    assert.equal(limiter.size, 100);
    assert.equal(limiter.hit('k999'), 1000);
    assert.equal(limiter.hit('k0'), 0, 'evicted keys start over');
  });
});
