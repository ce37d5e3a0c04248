import type { BackgroundWork } from './background.ts';
import type { Logger } from './logger.ts';
import type { Counter } from './metrics.ts';

/**
 * Gives memory back after an alert storm. During a storm V8 lets its heap grow to several
 * times what is live and keeps the pages freed by collections in a pool for reuse; it returns
 * them only in a memory-reducing collection, and its memory reducer did not start in Steady
 * after a storm (traced: "high alloc" every 8 s, 30 s after the last alert). So
 * resident memory stayed at the storm's high-water mark: 380–760 MB after a million alerts,
 * with about 25 MB live. One full collection that reduces memory, run once intake has been
 * quiet for a while, brought it to 200–235 MB. Quiet means few events handled: committed by
 * intake and processed by the pipeline, which keeps working at full speed after a storm.
 *
 * The collection needs Node's `--expose-gc` (`npm start` passes it). It pauses the event loop
 * while it collects and unmaps the storm's pages (130–450 ms measured after a million alerts),
 * which is why it waits for quiet and runs at most once a minute.
 */

export interface TrimPolicy {
  /** Resident memory above the level after the last trim (or the lowest seen) that is worth a trim. */
  growthBytes: number;
  /** Events handled (intake and pipeline) at or below this rate count as quiet. */
  quietEventsPerSecond: number;
  /** Consecutive quiet readings before a trim. */
  quietReadings: number;
  /** Least time between two trims. */
  minIntervalMs: number;
}

export const defaultTrimPolicy: TrimPolicy = {
  growthBytes: 64 * 1_048_576,
  quietEventsPerSecond: 20,
  quietReadings: 2,
  minIntervalMs: 60_000,
};

export interface TrimReading {
  rssBytes: number;
  /**
   * Events handled since the process started, a running total: committed by intake plus
   * processed by the pipeline, so a pipeline still catching up after a storm is not quiet.
   */
  eventsHandled: number;
  /** A monotonic time in ms. */
  now: number;
}

/** Decides, reading by reading, when a trim is due (pure: no clock, no process). */
export class TrimDecider {
  readonly #policy: TrimPolicy;
  #baseline: number;
  #lastEvents: number;
  #lastAt: number;
  #quiet = 0;
  #lastTrimAt = -Infinity;

  constructor(policy: TrimPolicy, first: TrimReading) {
    this.#policy = policy;
    this.#baseline = first.rssBytes;
    this.#lastEvents = first.eventsHandled;
    this.#lastAt = first.now;
  }

  /** Takes one reading; true when a trim should run now. */
  observe(reading: TrimReading): boolean {
    const seconds = Math.max(0.001, (reading.now - this.#lastAt) / 1000);
    const rate = (reading.eventsHandled - this.#lastEvents) / seconds;
    this.#lastEvents = reading.eventsHandled;
    this.#lastAt = reading.now;
    this.#quiet = rate <= this.#policy.quietEventsPerSecond ? this.#quiet + 1 : 0;
    // Memory that came back by itself lowers the bar for the next trim.
    this.#baseline = Math.min(this.#baseline, reading.rssBytes);
    return (
      this.#quiet >= this.#policy.quietReadings &&
      reading.rssBytes > this.#baseline + this.#policy.growthBytes &&
      reading.now - this.#lastTrimAt >= this.#policy.minIntervalMs
    );
  }

  /** Records a trim: what remains is the new baseline, so one that frees little is not repeated. */
  trimmed(rssBytesAfter: number, now: number): void {
    this.#baseline = rssBytesAfter;
    this.#lastTrimAt = now;
    this.#quiet = 0;
  }
}

export interface MemoryTrimmerOptions {
  /** Reports a failed reading (reading memory opens a file, which can fail); the next runs. */
  background: BackgroundWork;
  /** A full collection that reduces memory; null when the process was started without --expose-gc. */
  collect: (() => void) | null;
  eventsHandled: () => number;
  log: Logger;
  trims?: Counter;
  intervalMs?: number;
  policy?: TrimPolicy;
  rssBytes?: () => number;
  now?: () => number;
}

/** Node's collector as the trimmer calls it, when the process exposes it. */
export function exposedCollector(): (() => void) | null {
  const gc = globalThis.gc;
  if (gc === undefined) return null;
  return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** Reads memory and intake every `intervalMs` and trims when the decider says so. */
export function startMemoryTrimmer(options: MemoryTrimmerOptions): { stop: () => void } {
  const { collect, eventsHandled, log, trims } = options;
  if (collect === null) {
    log.info('memory: no trimming after storms (start Node with --expose-gc to enable it)');
    return { stop: () => undefined };
  }
  const rssBytes = options.rssBytes ?? (() => process.memoryUsage.rss());
  const now = options.now ?? (() => performance.now());
  const read = (): TrimReading => ({
    rssBytes: rssBytes(),
    eventsHandled: eventsHandled(),
    now: now(),
  });
  const decider = new TrimDecider(options.policy ?? defaultTrimPolicy, read());
  return options.background.every('memory.trim', options.intervalMs ?? 5000, () => {
    const reading = read();
    if (!decider.observe(reading)) return;
    const started = now();
    collect();
    const after = rssBytes();
    decider.trimmed(after, now());
    trims?.inc({});
    log.info(
      {
        rssBeforeMb: Math.round(reading.rssBytes / 1_048_576),
        rssAfterMb: Math.round(after / 1_048_576),
        ms: Math.round(now() - started),
      },
      'memory: gave memory back after a storm',
    );
  });
}
