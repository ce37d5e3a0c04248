import type { Clock } from '../../platform/clock.ts';
import { isDatabaseBusy } from '../../db/errors.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Histogram } from '../../platform/metrics.ts';
import { RecentCount } from '../../platform/recent-count.ts';
import type { EventRow } from '../pipeline/index.ts';
import type { IntakeAppender, IntakeRecord } from './event-log.repository.ts';

export type WriteResult = 'stored' | 'duplicate';

interface Pending {
  record: IntakeRecord;
  /** When it was submitted (performance.now()). */
  since: number;
  resolve: (result: WriteResult) => void;
  reject: (error: Error) => void;
}

export interface IntakeWriterOptions {
  /** Writes one batch durably (see event-log.repository.ts). */
  appender: IntakeAppender;
  clock: Clock;
  log: Logger;
  /** Most events in one transaction. */
  maxBatchEvents?: number;
  /** Most events waiting for a commit; beyond it new requests are refused with 503. */
  maxPendingEvents?: number;
  /**
   * Every request is answered within this long of its arrival: one whose commit has not
   * finished by then (a database locked by another process, unreachable, or black-holed) is
   * answered 503 with Retry-After, so the sender retries; it is never answered 2xx unless
   * committed. A commit that finishes after its requests were refused has stored them, and
   * the sender's retry is then deduplicated into the same alerts.
   */
  answerWithinMs?: number;
  commitSeconds?: Histogram;
  batchEvents?: Histogram;
  /**
   * Called after each commit with the number of events written and, where the engine hands
   * them back, the events themselves with their log ids (wakes and feeds the pipeline).
   */
  onCommitted?: (events: number, committed: readonly EventRow[] | null) => void;
}

function tooSlow(): AppError {
  return new AppError(
    'unavailable',
    'The database did not store the alert in time (it is locked or not answering); retry shortly.',
    { headers: { 'retry-after': '2' } },
  );
}

function overloaded(): AppError {
  return new AppError(
    'unavailable',
    'Steady is receiving more than it can store right now; retry shortly.',
    { headers: { 'retry-after': '2' } },
  );
}

/**
 * Group commit for intake: every request waits in a batch that is written in one transaction,
 * and each request is answered only after that transaction commits ("accepted means stored").
 * Requests that arrive while a batch is being written form the next batch, so one commit (one
 * fsync) carries many requests under load, and a lone request waits only for its own commit.
 */
export class IntakeWriter {
  readonly #options: Required<
    Omit<IntakeWriterOptions, 'commitSeconds' | 'batchEvents' | 'onCommitted'>
  > &
    Pick<IntakeWriterOptions, 'commitSeconds' | 'batchEvents' | 'onCommitted'>;
  #pending: Pending[] = [];
  #pendingEvents = 0;
  #flushing: Promise<void> | null = null;
  #scheduled = false;
  #closed = false;
  #committedEvents = 0;
  /** Events committed per tenth of a second, over the last second (a ring indexed by time). */
  readonly #recentCommits = new RecentCount(10, 100);
  /** Answers requests that waited past `answerWithinMs` (runs only while some wait). */
  #expiry: NodeJS.Timeout | undefined;

  constructor(options: IntakeWriterOptions) {
    this.#options = {
      maxBatchEvents: 5000,
      maxPendingEvents: 50_000,
      answerWithinMs: 1500,
      ...options,
    };
  }

  /** Events committed in the last second (how hard alerts are arriving right now). */
  get eventsLastSecond(): number {
    return this.#recentCommits.total(performance.now());
  }

  /** Events committed since the writer started (a running total). */
  get committedEvents(): number {
    return this.#committedEvents;
  }

  /** Events waiting to be committed (for /metrics and back-pressure). */
  get pendingEvents(): number {
    return this.#pendingEvents;
  }

  /** Stores a request and its events; resolves once they are committed. */
  submit(record: IntakeRecord): Promise<WriteResult> {
    if (this.#closed)
      return Promise.reject(
        new AppError('unavailable', 'Steady is shutting down; retry shortly.', {
          headers: { 'retry-after': '5' },
        }),
      );
    const size = Math.max(1, record.events.length);
    if (this.#pendingEvents + size > this.#options.maxPendingEvents)
      return Promise.reject(overloaded());
    return new Promise<WriteResult>((resolve, reject) => {
      this.#pending.push({ record, since: performance.now(), resolve, reject });
      this.#pendingEvents += size;
      this.#schedule();
    });
  }

  /** Refuses (503) the waiting requests that can no longer be answered in time. */
  #expire(): void {
    const limit = performance.now() - this.#options.answerWithinMs;
    let count = 0;
    while (count < this.#pending.length && (this.#pending[count] as Pending).since <= limit)
      count++;
    if (count === 0) return;
    const expired = this.#pending.splice(0, count);
    const failure = tooSlow();
    for (const p of expired) {
      this.#pendingEvents -= Math.max(1, p.record.events.length);
      p.reject(failure);
    }
  }

  /** While a commit runs, checks every 100 ms for requests that waited too long. */
  #watchWhileCommitting(): void {
    if (this.#expiry !== undefined) return;
    this.#expiry = setInterval(() => {
      this.#expire();
      if (this.#flushing === null) {
        clearInterval(this.#expiry);
        this.#expiry = undefined;
      }
    }, 100);
    this.#expiry.unref();
  }

  /** Writes whatever is waiting and resolves when it is committed (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.#pending.length > 0 || this.#flushing !== null) {
      if (this.#flushing !== null) await this.#flushing;
      else await this.#writeBatch();
    }
  }

  /** Refuses new requests and writes the waiting ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    await this.#options.appender.close();
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing !== null) return;
    this.#scheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn, so every request parsed
    // in the same turn joins this batch.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#flushing === null && this.#pending.length > 0) void this.#writeBatch();
    });
  }

  #takeBatch(): Pending[] {
    let events = 0;
    let count = 0;
    while (count < this.#pending.length) {
      const size = Math.max(1, this.#pending[count]?.record.events.length ?? 1);
      if (count > 0 && events + size > this.#options.maxBatchEvents) break;
      events += size;
      count++;
    }
    this.#pendingEvents -= events;
    return this.#pending.splice(0, count);
  }

  #writeBatch(): Promise<void> {
    this.#expire();
    const batch = this.#takeBatch();
    const flushing = this.#commit(batch).finally(() => {
      this.#flushing = null;
      if (this.#pending.length > 0) this.#schedule();
    });
    this.#flushing = flushing;
    if (batch.length > 0 && performance.now() - (batch[0] as Pending).since > 100)
      this.#watchWhileCommitting();
    return flushing;
  }

  async #commit(batch: Pending[]): Promise<void> {
    const { appender, clock, log, commitSeconds, batchEvents, onCommitted } = this.#options;
    const started = performance.now();
    const events = batch.reduce((n, p) => n + p.record.events.length, 0);
    // The batch's oldest request sets how long this commit may take.
    const oldest = batch[0]?.since ?? started;
    const remainingMs = Math.max(50, oldest + this.#options.answerWithinMs - started);
    const appended = appender.append(
      batch.map((p) => p.record),
      clock.now(),
      remainingMs,
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), remainingMs + 50);
    });
    try {
      const outcome = await Promise.race([appended, late]);
      if (outcome === 'late') {
        // The senders are answered now; the commit goes on, and the writer waits for it before
        // the next batch, so a hung database never has more than one of them open. Requests
        // arriving meanwhile are answered when their own time is up.
        for (const p of batch) p.reject(tooSlow());
        this.#watchWhileCommitting();
        log.warn(
          { requests: batch.length, events },
          'intake: a commit is late; the senders got 503',
        );
        const result = await appended.catch(() => null);
        if (result !== null && events > 0) onCommitted?.(events, result.events);
        return;
      }
      const { stored, events: committed } = outcome;
      this.#recentCommits.add(performance.now(), events);
      this.#committedEvents += events;
      commitSeconds?.observe({}, (performance.now() - started) / 1000);
      batchEvents?.observe({}, events);
      batch.forEach((p, i) => p.resolve(stored[i] === false ? 'duplicate' : 'stored'));
      if (events > 0) onCommitted?.(events, committed);
    } catch (error) {
      log.warn(
        { err: error, requests: batch.length, events },
        'intake: could not commit a batch; the senders get 503',
      );
      const failure = new AppError(
        'unavailable',
        isDatabaseBusy(error)
          ? 'The database is locked by another process; retry shortly.'
          : 'Steady could not store the alert; retry shortly.',
        { headers: { 'retry-after': isDatabaseBusy(error) ? '2' : '5' }, cause: error },
      );
      for (const p of batch) p.reject(failure);
    } finally {
      clearTimeout(timer);
    }
  }
}
