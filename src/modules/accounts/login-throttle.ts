import type { Clock } from '../../platform/clock.ts';
import { WindowLimiter } from '../../platform/rate-limit.ts';

interface AccountState {
  failures: number;
  lockedUntil: number;
}

/**
 * Slows password guessing: at most `ipLimit` login attempts per IP per window, and after
 * `freeFailures` consecutive failures on one account a lock that doubles with each further
 * failure (1 s, 2 s, 4 s … up to `maxLockMs`). A success clears the account's count.
 * Per-process memory, bounded; behind several replicas each replica counts on its own.
 */
export class LoginThrottle {
  readonly #clock: Clock;
  readonly #perIp: WindowLimiter;
  readonly #accounts = new Map<string, AccountState>();
  readonly #freeFailures: number;
  readonly #maxLockMs: number;
  readonly #maxAccounts: number;

  constructor(options: {
    clock: Clock;
    ipLimit?: number;
    ipWindowMs?: number;
    freeFailures?: number;
    maxLockMs?: number;
    maxAccounts?: number;
  }) {
    this.#clock = options.clock;
    this.#perIp = new WindowLimiter({
      limit: options.ipLimit ?? 30,
      windowMs: options.ipWindowMs ?? 600_000,
      clock: options.clock,
    });
    this.#freeFailures = options.freeFailures ?? 5;
    this.#maxLockMs = options.maxLockMs ?? 900_000;
    this.#maxAccounts = options.maxAccounts ?? 10_000;
  }

  /** Counts an attempt; returns 0 when it may proceed, else milliseconds to wait. */
  attempt(ip: string, account: string): number {
    const state = this.#accounts.get(account);
    const locked = state === undefined ? 0 : Math.max(0, state.lockedUntil - this.#clock.now());
    const ipWait = this.#perIp.hit(ip);
    return Math.max(locked, ipWait);
  }

  /** Records a failed login for `account`. */
  failed(account: string): void {
    const state = this.#accounts.get(account) ?? { failures: 0, lockedUntil: 0 };
    state.failures++;
    if (state.failures >= this.#freeFailures) {
      const lockMs = Math.min(1000 * 2 ** (state.failures - this.#freeFailures), this.#maxLockMs);
      state.lockedUntil = this.#clock.now() + lockMs;
    }
    this.#accounts.delete(account);
    this.#accounts.set(account, state);
    if (this.#accounts.size > this.#maxAccounts) {
      const oldest = this.#accounts.keys().next().value;
      if (oldest !== undefined) this.#accounts.delete(oldest);
    }
  }

  /** Clears `account`'s failures after a successful login. */
  succeeded(account: string): void {
    this.#accounts.delete(account);
  }
}
