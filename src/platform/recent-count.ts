/**
 * A count over a sliding window of `slots` × `slotMs` milliseconds (times in ms, any clock),
 * kept in a fixed ring: adding and reading cost the same however fast events arrive.
 */
export class RecentCount {
  readonly #counts: number[];
  readonly #stamps: number[];
  readonly #slotMs: number;

  constructor(slots: number, slotMs: number) {
    this.#counts = new Array<number>(slots).fill(0);
    this.#stamps = new Array<number>(slots).fill(-1);
    this.#slotMs = slotMs;
  }

  add(now: number, n: number): void {
    const slot = Math.floor(now / this.#slotMs);
    const i = slot % this.#counts.length;
    if (this.#stamps[i] !== slot) {
      this.#stamps[i] = slot;
      this.#counts[i] = 0;
    }
    this.#counts[i] = (this.#counts[i] ?? 0) + n;
  }

  /** The count over the window ending now (the current slot and the ones before it). */
  total(now: number): number {
    const slot = Math.floor(now / this.#slotMs);
    let sum = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      const stamp = this.#stamps[i] ?? -1;
      if (stamp > slot - this.#counts.length && stamp <= slot) sum += this.#counts[i] ?? 0;
    }
    return sum;
  }
}
