import type { Db, Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Counter } from '../../platform/metrics.ts';
import {
  advanceCursor,
  claimCursor,
  ensureCursor,
  readEventsAfter,
  releaseCursor,
  type EventRow,
} from './pipeline.repository.ts';

/**
 * Processes a batch of events inside the pipeline's transaction; returns work to do once the
 * transaction has committed (publishing changes), or nothing.
 */
export type BatchHandler = (
  trx: Db,
  events: readonly EventRow[],
  now: number,
) => Promise<(() => void) | undefined>;

export interface PipelineOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  owner: string;
  handler: BatchHandler;
  name?: string;
  batchSize?: number;
  leaseMs?: number;
  pollMs?: number;
  processed?: Counter;
}

class LeaseLost extends Error {}

/**
 * The step after "durable": reads the event log in order from a stored cursor and hands each
 * batch to the handler in the same transaction that moves the cursor. A crash between an
 * event's commit and its processing loses nothing (the cursor has not moved) and processes
 * nothing twice (the cursor moves with the effects). One process holds the cursor at a time
 * through a lease; another takes over when the lease expires.
 */
export class Pipeline {
  readonly #o: Required<Omit<PipelineOptions, 'processed'>> & Pick<PipelineOptions, 'processed'>;
  #running: Promise<number> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #started = false;
  #stopping = false;

  constructor(options: PipelineOptions) {
    this.#o = { name: 'main', batchSize: 500, leaseMs: 30_000, pollMs: 1000, ...options };
  }

  /** The cursor's name (for lag measurements). */
  get name(): string {
    return this.#o.name;
  }

  /** Starts processing: at once, after every wake(), and every pollMs. */
  async start(): Promise<void> {
    await ensureCursor(this.#o.store.db, this.#o.name, this.#o.clock.now());
    this.#started = true;
    this.#stopping = false;
    this.wake();
  }

  /** Asks for a run soon (new events were committed). */
  wake(): void {
    if (!this.#started || this.#stopping || this.#immediate !== undefined) return;
    this.#immediate = setImmediate(() => {
      this.#immediate = undefined;
      void this.#loop();
    });
  }

  /** Processes one batch. Returns the number of events processed (0: nothing to do, or not the leader). */
  async runOnce(): Promise<number> {
    if (this.#running !== null) return this.#running;
    this.#running = this.#runOnce().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Processes until the log is drained (tests and benchmarks). */
  async drain(): Promise<number> {
    await ensureCursor(this.#o.store.db, this.#o.name, this.#o.clock.now());
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      if (n === 0) return total;
      total += n;
    }
  }

  /** Stops, waits for the running batch and releases the lease. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    await this.#running?.catch(() => 0);
    if (this.#started)
      await releaseCursor(this.#o.store.db, this.#o.name, this.#o.owner).catch(() => undefined);
    this.#started = false;
  }

  async #loop(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    let processed = 0;
    try {
      processed = await this.runOnce();
    } catch (error) {
      this.#o.log.warn({ err: error }, 'pipeline: a batch failed; it will be retried');
    }
    if (this.#stopping) return;
    // A full batch means more may be waiting: go again, after other work had a turn.
    if (processed >= this.#o.batchSize) this.wake();
    else {
      this.#timer = setTimeout(() => void this.#loop(), this.#o.pollMs);
      this.#timer.unref();
    }
  }

  async #runOnce(): Promise<number> {
    const { store, clock, owner, name, batchSize, leaseMs, handler } = this.#o;
    const now = clock.now();
    let after: (() => void) | undefined;
    let count = 0;
    try {
      await store.db.transaction().execute(async (trx) => {
        const position = await claimCursor(trx, name, owner, now, now + leaseMs);
        if (position === undefined) return;
        const events = await readEventsAfter(trx, store.engine, position, batchSize);
        if (events.length === 0) return;
        after = await handler(trx, events, now);
        const last = events[events.length - 1] as EventRow;
        if (!(await advanceCursor(trx, name, owner, { tx: last.txId, id: last.id }, now)))
          throw new LeaseLost();
        count = events.length;
      });
    } catch (error) {
      if (error instanceof LeaseLost) return 0;
      throw error;
    }
    if (count > 0) {
      this.#o.processed?.inc({}, count);
      after?.();
    }
    return count;
  }
}
