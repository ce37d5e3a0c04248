export interface BatchPacerOptions {
  /** Target time of one batch, in ms: SQLite work is synchronous, and requests wait behind it. */
  budgetMs: number;
  /** The first batch limit, before any batch has been timed. */
  initialBatch: number;
  /** Smallest and largest batch limit, whatever the timings say. */
  minBatch: number;
  maxBatch: number;
  /** Share of the process the pipeline takes while working down a backlog in a storm (0–1). */
  backlogShare: number;
  /**
   * During a storm, once the pipeline has caught up: how long events gather before the
   * next batch. An alert touched by many events in one batch is written once, so a longer
   * window makes a storm cheaper; it is also how late a storm's new incidents open.
   */
  stormWindowMs: number;
  /**
   * Events a second (committed to the log over the last second) from which intake counts as a
   * storm. Below it alerts gain nothing from gathering, and wait for nothing: the next batch
   * runs as soon as they arrive.
   */
  stormRate: number;
  /** Wait before looking again when there was nothing to do. */
  pollMs: number;
}

/**
 * When to run the next batch: at once; after `ms` unless events arrive first (poll); or after
 * `ms` whatever arrives (pause: events gather, or the pipeline keeps to its share).
 */
export type NextBatch = { kind: 'now' } | { kind: 'poll' | 'pause'; ms: number };

/**
 * Paces the pipeline: how many events the next batch takes and when it runs. Pure (timings
 * come in as arguments), so the policy is tested apart from the database.
 *
 * Batch size: the cost of a batch is a fixed part (cursor, commit) plus a part per event that
 * differs a lot between events handed over in memory and events read back from the log, and
 * falls as a batch grows (an alert touched many times is written once). So no fixed count
 * keeps a batch near its time budget: after each batch that used its whole limit, the limit
 * is scaled by budget ÷ time taken (at most doubling), which settles where the batch takes
 * the budget; a batch over budget shrinks it whether or not it was full.
 *
 * Timing: idle, a batch runs as soon as events arrive. During a storm (intake at `stormRate`
 * or more) a pipeline that has caught up waits `stormWindowMs` for events to gather; one with
 * a backlog (its batch was full) pauses only in proportion to the batch's time, taking
 * `backlogShare` of the process until it has caught up. Once intake calms down it runs back to
 * back.
 */
export class BatchPacer {
  readonly #o: BatchPacerOptions;
  #limit: number;

  constructor(options: BatchPacerOptions) {
    this.#o = options;
    this.#limit = this.#clamp(options.initialBatch);
  }

  /** Most events the next batch takes. */
  get limit(): number {
    return this.#limit;
  }

  /** Records a batch (`limit` is what it was allowed) and says when to run the next. */
  after(batch: {
    processed: number;
    limit: number;
    tookMs: number;
    /** Events committed to the log in the last second. */
    inputRate: number;
  }): NextBatch {
    const { processed, limit, tookMs, inputRate } = batch;
    if (processed === 0) return { kind: 'poll', ms: this.#o.pollMs };
    const full = processed >= limit;
    const scale = this.#o.budgetMs / Math.max(tookMs, 0.001);
    if (full) this.#limit = this.#clamp(Math.round(limit * Math.min(2, scale)));
    else if (scale < 1)
      this.#limit = this.#clamp(Math.min(this.#limit, Math.round(processed * scale)));
    if (inputRate < this.#o.stormRate) return { kind: 'now' };
    if (!full) return { kind: 'pause', ms: this.#o.stormWindowMs };
    const share = this.#o.backlogShare;
    return { kind: 'pause', ms: (tookMs * (1 - share)) / share };
  }

  #clamp(n: number): number {
    return Math.min(this.#o.maxBatch, Math.max(this.#o.minBatch, n));
  }
}
