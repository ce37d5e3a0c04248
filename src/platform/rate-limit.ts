import type { Clock } from './clock.ts';

/**
 * Counts events per key in fixed windows and says when a key is over its limit. Memory is
 * bounded: beyond `maxKeys` the least recently touched key is forgotten (a forgotten key
 * starts again at zero, which errs on the side of letting a request through).
 */
export class WindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #clock: Clock;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(options: { limit: number; windowMs: number; maxKeys?: number; clock: Clock }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#clock = options.clock;
  }

  /**
   * Records one event for `key`. Returns 0 when it is within the limit (the constructor's, or
   * `limit` for keys with their own), otherwise the milliseconds until the window resets.
   */
  hit(key: string, limit: number = this.#limit): number {
    const now = this.#clock.now();
    let window = this.#windows.get(key);
    if (window === undefined || now - window.start >= this.#windowMs) {
      window = { start: now, count: 0 };
    }
    this.#windows.delete(key);
    this.#windows.set(key, window);
    if (this.#windows.size > this.#maxKeys) {
      const oldest = this.#windows.keys().next().value;
      if (oldest !== undefined) this.#windows.delete(oldest);
    }
    window.count++;
    return window.count > limit ? window.start + this.#windowMs - now : 0;
  }

  /** Events counted for `key` in its current window (0 once the window has passed). */
  count(key: string): number {
    const window = this.#windows.get(key);
    if (window === undefined || this.#clock.now() - window.start >= this.#windowMs) return 0;
    return window.count;
  }

  /** Forgets `key`, e.g. after a successful login. */
  reset(key: string): void {
    this.#windows.delete(key);
  }

  /** How many keys are tracked (for tests of the bound). */
  get size(): number {
    return this.#windows.size;
  }
}
