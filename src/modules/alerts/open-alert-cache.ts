import { alertControl, alertKey, type AlertState } from './deduplication.ts';

/**
 * The open alerts the pipeline touched last, by integration and dedup key, as committed. A
 * storm repeats the same alerts over and over, and looking each one up again was about a
 * third of the pipeline's work per event. Only the pipeline changes what is kept here
 * (status, counters; never the payload, which is not kept), and it records its changes only
 * after they are committed, so an entry is always the stored state. That holds only while one
 * process writes the alerts: SQLite, one process per file. Bounded: the oldest entries go.
 */
export class OpenAlertCache {
  readonly #entries = new Map<string, AlertState>();
  readonly #maxEntries: number;

  constructor(maxEntries = 20_000) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The stored open alert with this key, when known. */
  get(key: string): AlertState | undefined {
    return this.#entries.get(key);
  }

  /** Records alerts as just committed: resolved ones leave, the others are kept. */
  remember(alerts: readonly AlertState[]): void {
    for (const alert of alerts) {
      const key = alertKey(alert.integrationId, alert.dedupKey);
      if (alert.status === 'resolved') {
        // A new alert with the same key may already stand in its place.
        if (this.#entries.get(key)?.id === alert.id) this.#entries.delete(key);
        continue;
      }
      this.#entries.delete(key); // most recently used last
      this.#entries.set(key, alertControl(alert));
    }
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(key);
    }
  }
}
