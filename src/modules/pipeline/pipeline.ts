import type { Db, Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Counter } from '../../platform/metrics.ts';
import { BatchPacer } from './batch-pacer.ts';
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
  /** Events committed to the log in the last second (a storm: the pipeline then paces itself). */
  inputRate?: () => number;
  name?: string;
  /**
   * Most events kept from the hand-over (events just committed, waiting for the next batch).
   * A storm's window of events must fit, or the batch reads them back from the log instead,
   * which costs several times more per event.
   */
  maxHeldEvents?: number;
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
 *
 * Scheduling (BatchPacer): an idle pipeline starts at once when events arrive. During a
 * storm (200 events a second or more) a pipeline that has caught up lets events gather for
 * half a second before the next batch, so an alert touched by many events is written once
 * per window rather than once per event; one with a backlog takes a quarter of the process
 * until it has caught up. Batches are sized to a time budget, since SQLite work is
 * synchronous and requests wait behind it. Lag is visible in /metrics.
 */
export class Pipeline {
  readonly #o: Required<Omit<PipelineOptions, 'processed'>> & Pick<PipelineOptions, 'processed'>;
  readonly #pacer: BatchPacer;
  #running: Promise<number> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #started = false;
  #stopping = false;
  /** Set while waiting out the pause after a batch during a storm. */
  #paused = false;
  /**
   * Events this process has just committed, with consecutive ids, not yet processed: the next
   * batch takes them from here instead of reading them back from the log (see offer()).
   */
  #recent: EventRow[] = [];
  #processedEvents = 0;
  /** The id of the last event of the latest batch taken (undefined before the first). */
  #taken: number | undefined;

  constructor(options: PipelineOptions) {
    this.#o = {
      name: 'main',
      maxHeldEvents: 30_000,
      leaseMs: 10_000,
      pollMs: 1000,
      inputRate: () => 0,
      ...options,
    };
    this.#pacer = new BatchPacer({
      budgetMs: 25,
      initialBatch: 1500,
      minBatch: 100,
      maxBatch: 20_000,
      backlogShare: 0.25,
      stormWindowMs: 500,
      stormRate: 200,
      pollMs: this.#o.pollMs,
    });
  }

  /** The cursor's name (for lag measurements). */
  get name(): string {
    return this.#o.name;
  }

  /** Starts processing: at once, after every wake(), and every pollMs. */
  async start(): Promise<void> {
    await ensureCursor(this.#o.store.db, this.#o.name, this.#o.clock.now());
    // One process per SQLite file: a lease found at start-up belongs to a process that died
    // (kill -9, power loss). Take over at once instead of waiting for it to expire.
    if (this.#o.store.engine === 'sqlite')
      await releaseCursor(this.#o.store.db, this.#o.name, null);
    this.#started = true;
    this.#stopping = false;
    this.wake();
  }

  /** New events were committed: run soon, unless a run is already scheduled. */
  wake(): void {
    if (!this.#started || this.#stopping || this.#immediate !== undefined || this.#running !== null)
      return;
    // A pause after a batch (busy) is kept: waking early would only make batches smaller.
    if (this.#timer !== undefined && this.#paused) return;
    this.#runSoon();
  }

  /**
   * Hands over events just committed to the log by this process, in id order. A batch uses
   * them only where they continue exactly from what it read, so they can never stand in for
   * events another writer put in between (that gap is read from the log).
   *
   * Held events form one run of consecutive ids, the tail of the log. A pipeline a little
   * behind (a storm, events from another writer) keeps the tail and reads only the gap before
   * it; a pipeline further behind than half the hand-over's capacity reads the log until it
   * catches up, and nothing is held for it meanwhile: events it could not use for a long time
   * would only grow old in memory, where garbage is the dearest to collect.
   */
  offer(events: readonly EventRow[]): void {
    const first = events[0];
    if (first === undefined) return;
    const last = this.#recent[this.#recent.length - 1];
    if (last === undefined || last.id + 1 !== first.id) {
      this.#recent = [];
      const behind = this.#taken === undefined ? 0 : first.id - this.#taken - 1;
      if (behind > this.#o.maxHeldEvents / 2) return;
    }
    for (const event of events) this.#recent.push(event);
    // A pipeline far behind (or not running here) reads the log; the memory is not kept.
    if (this.#recent.length > this.#o.maxHeldEvents) this.#recent = [];
  }

  /** Events this process has processed since it started (a running total). */
  get processedEvents(): number {
    return this.#processedEvents;
  }

  /** Events kept from the hand-over, not yet processed. */
  get heldEvents(): number {
    return this.#recent.length;
  }

  /** The events after `position` from the hand-over, when it holds the very next one. */
  #takeRecent(position: number, limit: number): EventRow[] | null {
    const recent = this.#recent;
    let start = 0;
    while (start < recent.length && (recent[start] as EventRow).id <= position) start++;
    if (start > 0) this.#recent = recent.slice(start);
    const first = this.#recent[0];
    if (first === undefined || first.id !== position + 1) return null;
    const taken = this.#recent.slice(0, limit);
    // Consecutive ids, so these are exactly the log's next `taken.length` events.
    return (taken[taken.length - 1] as EventRow).id === position + taken.length ? taken : null;
  }

  /**
   * The next events after `position`: from the hand-over when it holds the very next one;
   * when it starts a little further on, the gap read from the log and then the hand-over;
   * otherwise read from the log.
   */
  async #nextEvents(trx: Db, position: number, limit: number): Promise<EventRow[]> {
    const held = this.#takeRecent(position, limit);
    if (held !== null) return held;
    const sqlite = this.#o.store.sqlite;
    const first = this.#recent[0];
    const gap = first === undefined ? 0 : first.id - position - 1;
    if (first === undefined || gap <= 0 || gap >= limit)
      return readEventsAfter(trx, position, limit, sqlite);
    const read = await readEventsAfter(trx, position, gap, sqlite);
    // Ids with a hole in them (a rolled-back append elsewhere): the read alone is the batch.
    if (read.length !== gap || read[gap - 1]?.id !== first.id - 1) return read;
    const rest = this.#takeRecent(first.id - 1, limit - gap);
    return rest === null ? read : read.concat(rest);
  }

  /** Processes one batch. Returns the number of events processed (0: nothing to do, or not the leader). */
  async runOnce(limit: number = this.#pacer.limit): Promise<number> {
    if (this.#running !== null) return this.#running;
    this.#running = this.#runOnce(limit).finally(() => {
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
    this.#clearTimers();
    await this.#running?.catch(() => 0);
    if (this.#started)
      await releaseCursor(this.#o.store.db, this.#o.name, this.#o.owner).catch(() => undefined);
    this.#started = false;
  }

  #clearTimers(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    this.#paused = false;
  }

  #runSoon(): void {
    this.#clearTimers();
    this.#immediate = setImmediate(() => {
      this.#immediate = undefined;
      void this.#loop();
    });
  }

  #runAfter(ms: number, paused: boolean): void {
    this.#clearTimers();
    this.#paused = paused;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#paused = false;
      void this.#loop();
    }, ms);
    this.#timer.unref();
  }

  async #loop(): Promise<void> {
    const started = performance.now();
    const limit = this.#pacer.limit;
    let processed = 0;
    try {
      processed = await this.runOnce(limit);
    } catch (error) {
      this.#o.log.warn({ err: error }, 'pipeline: a batch failed; it will be retried');
    }
    if (this.#stopping) return;
    const next = this.#pacer.after({
      processed,
      limit,
      tookMs: performance.now() - started,
      inputRate: this.#o.inputRate(),
    });
    if (next.kind === 'now') this.#runSoon();
    else this.#runAfter(next.ms, next.kind === 'pause');
  }

  async #runOnce(limit: number): Promise<number> {
    const { store, clock, owner, name, leaseMs, handler } = this.#o;
    const now = clock.now();
    let after: (() => void) | undefined;
    let count = 0;
    try {
      // Relaxed durability: if a crash loses this commit, the cursor goes back with the
      // effects and the events are processed again from the durable log.
      await store.relaxedTransaction(async (trx) => {
        const position = await claimCursor(trx, name, owner, now, now + leaseMs);
        if (position === undefined) return;
        const events = await this.#nextEvents(trx, position, limit);
        if (events.length === 0) {
          this.#taken = position;
          return;
        }
        const last = events[events.length - 1] as EventRow;
        this.#taken = last.id;
        after = await handler(trx, events, now);
        if (!(await advanceCursor(trx, name, owner, last.id, now))) throw new LeaseLost();
        count = events.length;
      });
    } catch (error) {
      if (error instanceof LeaseLost) return 0;
      throw error;
    }
    if (count > 0) {
      this.#processedEvents += count;
      this.#o.processed?.inc({}, count);
      after?.();
    }
    return count;
  }
}
