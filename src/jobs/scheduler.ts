import type { Store } from '../db/store.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Counter } from '../platform/metrics.ts';
import {
  claimDueJobs,
  completeJob,
  failJob,
  insertJob,
  releaseJobs,
  rescheduleJob,
  type JobRow,
  upsertJob,
  releaseAllLeases,
  type NewJob,
} from './job.repository.ts';
import type { Db } from '../db/store.ts';

/** What a handler may ask for when it finishes: nothing (done), or run again later. */
export type JobResult = { rescheduleAt: number; payload?: unknown } | undefined;

/** Runs one job. Throwing schedules a retry with backoff; handlers must be idempotent. */
export type JobHandler = (
  payload: unknown,
  job: { id: string; attempts: number; now: number },
) => Promise<JobResult>;

export interface SchedulerOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Unique name of this process, written into the leases it takes. */
  owner: string;
  pollMs: number;
  leaseMs?: number;
  batchSize?: number;
  concurrency?: number;
  runs?: Counter;
}

/** Delay before retry `attempt` (1-based): 5 s doubling to at most 10 min, with ±20% jitter. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * The durable timer loop. Jobs are rows (see job.repository.ts); the loop polls for due rows,
 * leases them, and runs their handlers. In-process timers only wake the poller early, so a
 * restart or a second replica never loses a job, and a job whose lease expired (its worker
 * died) is picked up again.
 */
export class Scheduler {
  readonly #options: Required<Omit<SchedulerOptions, 'runs'>> & { runs: Counter | undefined };
  readonly #handlers = new Map<string, JobHandler>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopping = false;
  #started = false;

  constructor(options: SchedulerOptions) {
    this.#options = {
      leaseMs: 60_000,
      batchSize: 50,
      concurrency: 4,
      ...options,
      runs: options.runs,
    };
  }

  /** Registers the handler for jobs of `kind`. */
  register(kind: string, handler: JobHandler): void {
    if (this.#handlers.has(kind))
      throw new Error(`A handler for job kind "${kind}" is registered already`);
    this.#handlers.set(kind, handler);
  }

  /** Schedules a job inside the caller's transaction, and wakes the loop if it is due soon. */
  async schedule(db: Db, job: NewJob): Promise<boolean> {
    const created = await insertJob(db, job, this.#options.clock.now());
    if (created) this.wakeAt(job.runAt);
    return created;
  }

  /** Creates or moves the timer with `job.uniqueKey` inside the caller's transaction. */
  async reschedule(db: Db, job: NewJob & { uniqueKey: string }): Promise<void> {
    await upsertJob(db, job, this.#options.clock.now());
    this.wakeAt(job.runAt);
  }

  /** Starts polling. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = false;
    // One process per SQLite file: leases found at start-up belong to a process that died.
    if (this.#options.store.engine === 'sqlite') await releaseAllLeases(this.#options.store.db);
    this.#arm(0);
  }

  /** Asks the loop to look for due jobs no later than `at` (epoch ms). */
  wakeAt(at: number): void {
    if (!this.#started || this.#stopping) return;
    const delay = Math.max(0, at - this.#options.clock.now());
    if (delay < this.#options.pollMs) this.#arm(delay);
  }

  /** Stops polling, waits for running handlers and hands back jobs it claimed but did not start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => 0);
    this.#started = false;
  }

  /** Claims and runs every job due now, once. Returns how many ran. Tests call this directly. */
  async runDue(): Promise<number> {
    if (this.#running !== undefined) return this.#running;
    this.#running = this.#runDue().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #arm(delayMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), delayMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    this.#timer = undefined;
    let ran = 0;
    try {
      ran = await this.runDue();
    } catch (error) {
      this.#options.log.warn({ err: error }, 'scheduler: could not claim due jobs');
    }
    if (!this.#stopping) this.#arm(ran >= this.#options.batchSize ? 0 : this.#options.pollMs);
  }

  async #runDue(): Promise<number> {
    const { store, clock, owner, leaseMs, batchSize, concurrency } = this.#options;
    const now = clock.now();
    const claimed = await store.db.transaction().execute((trx) =>
      claimDueJobs(trx, store.engine, {
        owner,
        now,
        leaseUntil: now + leaseMs,
        limit: batchSize,
      }),
    );
    const queue = [...claimed];
    const worker = async () => {
      while (queue.length > 0) {
        if (this.#stopping) {
          await releaseJobs(store.db, queue.splice(0));
          return;
        }
        const job = queue.shift() as JobRow;
        await this.#run(job);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
    return claimed.length;
  }

  async #run(job: JobRow): Promise<void> {
    const { store, clock, log, runs } = this.#options;
    const handler = this.#handlers.get(job.kind);
    const now = clock.now();
    if (handler === undefined) {
      await failJob(store.db, {
        id: job.id,
        fence: job.fence,
        error: `no handler for job kind "${job.kind}"`,
        retryAt: job.runAt,
        failedAt: now,
      });
      runs?.inc({ kind: job.kind, outcome: 'unknown_kind' });
      return;
    }
    try {
      const result = await handler(JSON.parse(job.payload) as unknown, {
        id: job.id,
        attempts: job.attempts,
        now,
      });
      const kept = result
        ? await rescheduleJob(store.db, job.id, job.fence, result.rescheduleAt, result.payload)
        : await completeJob(store.db, job.id, job.fence);
      if (!kept)
        log.warn({ job: job.id, kind: job.kind }, 'scheduler: lease lost while the job ran');
      runs?.inc({ kind: job.kind, outcome: 'done' });
    } catch (error) {
      const finalAttempt = job.attempts >= job.maxAttempts;
      const message = error instanceof Error ? error.message : String(error);
      log.warn(
        { err: error, job: job.id, kind: job.kind, attempt: job.attempts },
        'scheduler: job failed',
      );
      await failJob(store.db, {
        id: job.id,
        fence: job.fence,
        error: message,
        retryAt: clock.now() + retryDelayMs(job.attempts),
        failedAt: finalAttempt ? clock.now() : null,
      });
      runs?.inc({ kind: job.kind, outcome: finalAttempt ? 'failed' : 'retry' });
    }
  }
}
