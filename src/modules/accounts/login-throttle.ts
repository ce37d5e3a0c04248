import type { Clock } from '../../platform/clock.ts';
import { WindowLimiter } from '../../platform/rate-limit.ts';

interface FailureState {
  failures: number;
  lockedUntil: number;
}

/** What a login attempt must do before its password is checked. */
export interface LoginGate {
  /** Refuse the attempt (429) and say to retry after this many ms; 0: go on. */
  refuseMs: number;
  /** Check the password only after this pause (ms): the account is under attack; 0: at once. */
  pauseMs: number;
}

/**
 * Slows password guessing so that an attacker's failures slow the attacker, never lock the
 * owner out:
 * - per address and account: after `freeFailures` consecutive failures, a lock that doubles
 *   with each further failure (1 s, 2 s, 4 s … up to `maxLockMs`), for that address only;
 * - per address: at most `ipLimit` attempts per window, whatever the account;
 * - per account, from every address together: past `accountSlowAfter` failures in a window,
 *   each attempt on the account is answered only after `accountPauseMs`. That slows a guesser
 *   with many addresses, and the owner with the right password still gets in, a second later.
 * A success clears that address's failures for the account. Per-process memory, bounded;
 * behind several replicas each replica counts on its own.
 */
export class LoginThrottle {
  readonly #clock: Clock;
  readonly #perIp: WindowLimiter;
  readonly #accountFailures: WindowLimiter;
  readonly #pairs = new Map<string, FailureState>();
  readonly #freeFailures: number;
  readonly #maxLockMs: number;
  readonly #maxEntries: number;
  readonly #accountSlowAfter: number;
  readonly #accountPauseMs: number;

  constructor(options: {
    clock: Clock;
    ipLimit?: number;
    ipWindowMs?: number;
    freeFailures?: number;
    maxLockMs?: number;
    maxEntries?: number;
    accountSlowAfter?: number;
    accountWindowMs?: number;
    accountPauseMs?: number;
  }) {
    this.#clock = options.clock;
    this.#perIp = new WindowLimiter({
      limit: options.ipLimit ?? 30,
      windowMs: options.ipWindowMs ?? 600_000,
      clock: options.clock,
    });
    this.#accountSlowAfter = options.accountSlowAfter ?? 20;
    this.#accountFailures = new WindowLimiter({
      limit: this.#accountSlowAfter,
      windowMs: options.accountWindowMs ?? 600_000,
      clock: options.clock,
    });
    this.#freeFailures = options.freeFailures ?? 5;
    this.#maxLockMs = options.maxLockMs ?? 900_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#accountPauseMs = options.accountPauseMs ?? 1000;
  }

  /** Counts an attempt from `ip` on `account` and says whether and when it may proceed. */
  attempt(ip: string, account: string): LoginGate {
    const state = this.#pairs.get(pairKey(ip, account));
    const locked = state === undefined ? 0 : Math.max(0, state.lockedUntil - this.#clock.now());
    const ipWait = this.#perIp.hit(ip);
    const refuseMs = Math.max(locked, ipWait);
    const underAttack = this.#accountFailures.count(account) > this.#accountSlowAfter;
    return { refuseMs, pauseMs: refuseMs === 0 && underAttack ? this.#accountPauseMs : 0 };
  }

  /** Records a failed login from `ip` for `account`. */
  failed(ip: string, account: string): void {
    const key = pairKey(ip, account);
    const state = this.#pairs.get(key) ?? { failures: 0, lockedUntil: 0 };
    state.failures++;
    if (state.failures >= this.#freeFailures) {
      const lockMs = Math.min(1000 * 2 ** (state.failures - this.#freeFailures), this.#maxLockMs);
      state.lockedUntil = this.#clock.now() + lockMs;
    }
    this.#pairs.delete(key);
    this.#pairs.set(key, state);
    if (this.#pairs.size > this.#maxEntries) {
      const oldest = this.#pairs.keys().next().value;
      if (oldest !== undefined) this.#pairs.delete(oldest);
    }
    this.#accountFailures.hit(account);
  }

  /** Clears the failures from `ip` for `account` after a successful login. */
  succeeded(ip: string, account: string): void {
    this.#pairs.delete(pairKey(ip, account));
  }
}

function pairKey(ip: string, account: string): string {
  return `${ip}\n${account}`;
}
