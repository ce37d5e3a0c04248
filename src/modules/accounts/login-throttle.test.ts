import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  it('lets the first failures from an address through, then locks it for 1 s, 2 s, 4 s … capped', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, freeFailures: 3, maxLockMs: 5000 });
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.attempt('ip', 'acct').refuseMs, 0);
      throttle.failed('ip', 'acct');
    }
    assert.equal(throttle.attempt('ip', 'acct').refuseMs, 1000);
    clock.advance(1000);
    assert.equal(throttle.attempt('ip', 'acct').refuseMs, 0);
    throttle.failed('ip', 'acct');
    assert.equal(throttle.attempt('ip', 'acct').refuseMs, 2000);
    clock.advance(2000);
    throttle.failed('ip', 'acct');
    clock.advance(4000);
    throttle.failed('ip', 'acct');
    assert.equal(throttle.attempt('ip', 'acct').refuseMs, 5000, 'capped');
  });

  it('never locks the account for other addresses: an attacker’s failures lock the attacker', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, freeFailures: 5 });
    for (let i = 0; i < 10; i++) throttle.failed('attacker', 'owner');
    assert.ok(throttle.attempt('attacker', 'owner').refuseMs > 0);
    assert.deepEqual(throttle.attempt('owner-laptop', 'owner'), { refuseMs: 0, pauseMs: 0 });
  });

  it('slows (never refuses) an account attacked from many addresses', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, accountSlowAfter: 20, accountPauseMs: 1000 });
    for (let i = 0; i < 21; i++) throttle.failed(`10.0.0.${i}`, 'owner');
    assert.deepEqual(throttle.attempt('owner-laptop', 'owner'), { refuseMs: 0, pauseMs: 1000 });
    assert.deepEqual(throttle.attempt('owner-laptop', 'someone-else'), { refuseMs: 0, pauseMs: 0 });
    clock.advance(600_000);
    assert.deepEqual(throttle.attempt('owner-laptop', 'owner'), { refuseMs: 0, pauseMs: 0 });
  });

  it('forgets an address’s failures after a success from it', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, freeFailures: 1 });
    throttle.failed('ip', 'acct');
    assert.ok(throttle.attempt('ip', 'acct').refuseMs > 0);
    throttle.succeeded('ip', 'acct');
    assert.equal(throttle.attempt('ip', 'acct').refuseMs, 0);
  });

  it('limits attempts per IP across accounts', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, ipLimit: 3, ipWindowMs: 60_000 });
    for (let i = 0; i < 3; i++) assert.equal(throttle.attempt('1.2.3.4', `acct${i}`).refuseMs, 0);
    assert.equal(throttle.attempt('1.2.3.4', 'acct9').refuseMs, 60_000);
    assert.equal(throttle.attempt('5.6.7.8', 'acct9').refuseMs, 0, 'another IP is not affected');
  });

  it('tracks a bounded number of address and account pairs', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ clock, freeFailures: 1, maxEntries: 10 });
    throttle.failed('ip', 'first');
    for (let i = 0; i < 10; i++) throttle.failed('ip', `other${i}`);
    assert.equal(throttle.attempt('ip', 'first').refuseMs, 0, 'the oldest entry was evicted');
  });
});
