import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchPacer, type BatchPacerOptions } from './batch-pacer.ts';

const options: BatchPacerOptions = {
  budgetMs: 25,
  initialBatch: 1500,
  minBatch: 100,
  maxBatch: 20_000,
  backlogShare: 0.5,
  stormWindowMs: 500,
  stormRate: 200,
  pollMs: 1000,
};

/** Runs full batches whose time is `fixedMs + perEventMs × events`; returns the limits used. */
function settle(pacer: BatchPacer, fixedMs: number, perEventMs: number, rounds: number): number[] {
  const limits: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const limit = pacer.limit;
    limits.push(limit);
    pacer.after({
      processed: limit,
      limit,
      tookMs: fixedMs + perEventMs * limit,
      inputRate: 5000,
    });
  }
  return limits;
}

describe('batch pacer', () => {
  it('grows full batches that finish under budget until they take about the budget', () => {
    const pacer = new BatchPacer(options);
    // Cheap events (handed over, coalescing): 1.5 ms fixed + 3.3 µs each → ~7,100 per 25 ms.
    const limits = settle(pacer, 1.5, 0.0033, 12);
    assert.equal(limits[0], 1500);
    assert.equal(limits[1], 3000, 'at most doubles per batch');
    const last = limits[limits.length - 1] as number;
    assert.ok(Math.abs(1.5 + 0.0033 * last - 25) < 1, `settles near the budget (limit ${last})`);
  });

  it('shrinks the limit when batches take longer than the budget, and keeps it in bounds', () => {
    const pacer = new BatchPacer(options);
    // Expensive events (read back from the log): 13 µs each → ~1,800 per 25 ms.
    const last = settle(pacer, 1.5, 0.013, 12).at(-1) as number;
    assert.ok(last > 1600 && last < 1900, `limit ${last}`);
    // A pathological batch (a long GC, a slow disk) never takes the limit below the floor,
    // and very cheap events never take it past the ceiling.
    pacer.after({ processed: last, limit: last, tookMs: 10_000, inputRate: 0 });
    assert.equal(pacer.limit, options.minBatch);
    settle(pacer, 0, 0.00001, 20);
    assert.equal(pacer.limit, options.maxBatch);
  });

  it('a batch that was not full keeps its limit unless it ran over budget', () => {
    const pacer = new BatchPacer(options);
    pacer.after({ processed: 200, limit: 1500, tookMs: 2, inputRate: 0 });
    assert.equal(pacer.limit, 1500, 'a small quick batch says nothing about a full one');
    pacer.after({ processed: 1000, limit: 1500, tookMs: 50, inputRate: 0 });
    assert.equal(pacer.limit, 500, 'scaled from what the batch held, not from its limit');
  });

  it('idle or quiet: polls when there was nothing, runs back to back otherwise', () => {
    const pacer = new BatchPacer(options);
    assert.deepEqual(pacer.after({ processed: 0, limit: 1500, tookMs: 1, inputRate: 5000 }), {
      kind: 'poll',
      ms: 1000,
    });
    assert.deepEqual(pacer.after({ processed: 1500, limit: 1500, tookMs: 20, inputRate: 0 }), {
      kind: 'now',
    });
    assert.deepEqual(pacer.after({ processed: 10, limit: 3000, tookMs: 1, inputRate: 0 }), {
      kind: 'now',
    });
  });

  it('during a storm: gathers for the window once caught up, keeps to its share with a backlog', () => {
    const pacer = new BatchPacer(options);
    // A few alerts a second is no storm: nothing to gather.
    assert.deepEqual(pacer.after({ processed: 3, limit: 1500, tookMs: 1, inputRate: 150 }), {
      kind: 'now',
    });
    assert.deepEqual(pacer.after({ processed: 900, limit: 1500, tookMs: 5, inputRate: 5000 }), {
      kind: 'pause',
      ms: 500,
    });
    // Full batch of 20 ms at a share of one half: as long again for intake.
    assert.deepEqual(pacer.after({ processed: 1500, limit: 1500, tookMs: 20, inputRate: 5000 }), {
      kind: 'pause',
      ms: 20,
    });
    const quarter = new BatchPacer({ ...options, backlogShare: 0.25 });
    assert.deepEqual(quarter.after({ processed: 1500, limit: 1500, tookMs: 20, inputRate: 5000 }), {
      kind: 'pause',
      ms: 60,
    });
  });
});
