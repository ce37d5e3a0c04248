import type { Db } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { findAlertsUpdatedSince } from './alert.repository.ts';

type Listener = (alertIds: readonly string[]) => void;

/**
 * Tells live views which alerts changed. Changes made by this process's pipeline are
 * published at once; changes made by another replica are found by a poll (only while someone
 * is listening), so every replica's views stay current.
 */
export class AlertFeed {
  readonly #listeners = new Set<Listener>();
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #since = 0;

  constructor(options: { db: Db; clock: Clock; log: Logger; pollMs?: number }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#pollMs = options.pollMs ?? 2000;
  }

  subscribe(listener: Listener): () => void {
    if (this.#listeners.size === 0) {
      this.#since = this.#clock.now();
      this.#timer = setInterval(() => void this.#poll(), this.#pollMs);
      this.#timer.unref();
    }
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Publishes changes made by this process. */
  publish(alertIds: readonly string[]): void {
    if (alertIds.length === 0) return;
    for (const listener of this.#listeners) listener(alertIds);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    try {
      const changed = await findAlertsUpdatedSince(this.#db, this.#since, 500);
      const last = changed.at(-1);
      if (last === undefined) return;
      this.#since = last.updatedAt;
      this.publish(changed.map((c) => c.id));
    } catch (error) {
      this.#log.warn({ err: error }, 'alert feed: could not poll for changes');
    }
  }
}
