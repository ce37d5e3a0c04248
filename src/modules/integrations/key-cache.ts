import type { Clock } from '../../platform/clock.ts';

interface Entry<T> {
  value: T | null;
  fetchedAt: number;
}

/**
 * Remembers key lookups (hits and misses) for `ttlMs`, so the intake path does not query the
 * database per request, and an unknown key costs the same as a disabled one after the first
 * look. Changes made by this process clear it at once; other replicas see them within ttlMs.
 */
export class KeyCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(options: { clock: Clock; ttlMs?: number; maxEntries?: number }) {
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** The cached value (null for a remembered miss), or undefined when unknown or stale. */
  get(key: string): T | null | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#clock.now() - entry.fetchedAt >= this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T | null): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, fetchedAt: this.#clock.now() });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
