import type { Db } from '../../db/store.ts';
import type { Logger } from '../../platform/logger.ts';

type Listener = (alertIds: readonly string[]) => void;

/**
 * Tells live views which alerts changed. Changes made by this process's pipeline are published
 * at once with their ids; while someone listens, a poll of the pipeline's cursor notices work
 * done by another replica and publishes "something changed" (no ids), so views on every replica
 * stay current without an index on the alerts' update time.
 */
export class ChangeFeed {
  readonly #listeners = new Set<Listener>();
  readonly #db: Db;
  readonly #log: Logger;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #lastPosition: string | null = null;

  constructor(options: { db: Db; log: Logger; pollMs?: number }) {
    this.#db = options.db;
    this.#log = options.log;
    this.#pollMs = options.pollMs ?? 2000;
  }

  subscribe(listener: Listener): () => void {
    if (this.#listeners.size === 0) {
      this.#lastPosition = null;
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
      const cursor = await this.#db
        .selectFrom('pipelineCursors')
        .select('position')
        .where('name', '=', 'main')
        .executeTakeFirst();
      const position = cursor === undefined ? '' : String(cursor.position);
      const changed = this.#lastPosition !== null && position !== this.#lastPosition;
      this.#lastPosition = position;
      if (changed) for (const listener of this.#listeners) listener([]);
    } catch (error) {
      this.#log.warn({ err: error }, 'alert feed: could not poll for changes');
    }
  }
}
