import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  it('lets the first failures through, then locks for 1 s, 2 s, 4 s … capped', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, freeFailures: 3, maxLockMs: 5000 });
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.attempt('ip', 'acct'), 0);
      throttle.failed('acct');
    }
    assert.equal(throttle.attempt('ip', 'acct'), 1000);
    clock.advance(1000);
    assert.equal(throttle.attempt('ip', 'acct'), 0);
    throttle.failed('acct');
    assert.equal(throttle.attempt('ip', 'acct'), 2000);
    clock.advance(2000);
    throttle.failed('acct');
    clock.advance(4000);
    throttle.failed('acct');
    assert.equal(throttle.attempt('ip', 'acct'), 5000, 'capped');
  });

  it('forgets failures after a success', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, freeFailures: 1 });
    throttle.failed('acct');
    assert.ok(throttle.attempt('ip', 'acct') > 0);
    throttle.succeeded('acct');
    assert.equal(throttle.attempt('ip', 'acct'), 0);
  });

  it('limits attempts per IP across accounts', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, ipLimit: 3, ipWindowMs: 60_000 });
    for (let i = 0; i < 3; i++) assert.equal(throttle.attempt('1.2.3.4', `acct${i}`), 0);
    assert.equal(throttle.attempt('1.2.3.4', 'acct9'), 60_000);
    assert.equal(throttle.attempt('5.6.7.8', 'acct9'), 0, 'another IP is not affected');
  });

  it('tracks a bounded number of accounts', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, freeFailures: 1, maxAccounts: 10 });
    throttle.failed('first');
    for (let i = 0; i < 10; i++) throttle.failed(`other${i}`);
    assert.equal(throttle.attempt('ip', 'first'), 0, 'the oldest entry was evicted');
  });
});
