/** Wall-clock time in epoch milliseconds, injected everywhere so tests can move time. */
export interface Clock {
  /** Current wall time, epoch milliseconds. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and simulations. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  set(to: number | Date): void {
    this.#now = typeof to === 'number' ? to : to.getTime();
  }
}
