import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from './logger.ts';
import { BackgroundWork } from './background.ts';
import { MetricsRegistry } from './metrics.ts';
import {
  defaultTrimPolicy,
  exposedCollector,
  startMemoryTrimmer,
  TrimDecider,
  type TrimReading,
} from './memory-trim.ts';

const MB = 1_048_576;

/** Readings 5 s apart: resident memory in MB and intake events per second. */
function readings(steps: [rssMb: number, eventsPerSecond: number][], startAt = 0): TrimReading[] {
  let events = 0;
  return steps.map(([rssMb, rate], i) => {
    events += rate * 5;
    return { rssBytes: rssMb * MB, eventsHandled: events, now: startAt + (i + 1) * 5000 };
  });
}

describe('TrimDecider', () => {
  const start = { rssBytes: 150 * MB, eventsHandled: 0, now: 0 };

  it('trims once intake has been quiet for two readings after memory grew in a storm', () => {
    const decider = new TrimDecider(defaultTrimPolicy, start);
    const decisions = readings([
      [400, 20_000], // the storm
      [600, 20_000],
      [650, 5], // quiet, once
      [650, 0], // quiet twice: trim
    ]).map((r) => decider.observe(r));
    assert.deepEqual(decisions, [false, false, false, true]);
  });

  it('does not trim while alerts keep arriving, however large memory is', () => {
    const decider = new TrimDecider(defaultTrimPolicy, start);
    for (const r of readings([
      [700, 500],
      [700, 500],
      [700, 500],
      [700, 500],
    ]))
      assert.equal(decider.observe(r), false);
  });

  it('does not trim when memory has not grown by the threshold', () => {
    const decider = new TrimDecider(defaultTrimPolicy, start);
    for (const r of readings([
      [200, 0],
      [200, 0],
      [200, 0],
    ]))
      assert.equal(decider.observe(r), false);
  });

  it('waits a minute between trims, and measures growth from what the last trim left', () => {
    const decider = new TrimDecider(defaultTrimPolicy, start);
    const [a, b] = readings([
      [600, 0],
      [600, 0],
    ]);
    decider.observe(a as TrimReading);
    assert.equal(decider.observe(b as TrimReading), true);
    // The trim freed little: 560 MB remain, the new baseline.
    decider.trimmed(560 * MB, (b as TrimReading).now);
    // Within the minute, neither 600 MB (not 64 MB above what the trim left) nor 700 MB trims.
    const later = readings(
      [
        [600, 0],
        [600, 0],
        [700, 0],
        [700, 0],
      ],
      (b as TrimReading).now,
    );
    for (const r of later) assert.equal(decider.observe(r), false);
    // Memory well past the new baseline, still quiet, a minute after the trim: trimmed again.
    const [next] = readings([[700, 0]], (b as TrimReading).now + 60_000);
    assert.equal(decider.observe(next as TrimReading), true);
  });

  it('lowers the bar when memory comes back by itself', () => {
    const decider = new TrimDecider(defaultTrimPolicy, { ...start, rssBytes: 400 * MB });
    const steps = readings([
      [200, 0], // came back on its own: the baseline is now 200 MB
      [300, 0], // 100 MB above it, quiet twice: trim
    ]);
    assert.deepEqual(
      steps.map((r) => decider.observe(r)),
      [false, true],
    );
  });
});

describe('startMemoryTrimmer', () => {
  it('collects once the decider says so and counts it', async () => {
    let rss = 150 * MB;
    let events = 0;
    let clock = 0;
    let collected = 0;
    const metrics = new MetricsRegistry();
    const trimmer = startMemoryTrimmer({
      background: new BackgroundWork({}),
      collect: () => {
        collected++;
        rss = 180 * MB;
      },
      eventsHandled: () => events,
      log: silentLogger,
      trims: metrics.counter('steady_memory_trims_total', 'Trims.'),
      intervalMs: 5,
      rssBytes: () => rss,
      now: () => clock,
    });
    // A storm, then quiet.
    events = 1_000_000;
    rss = 600 * MB;
    const tick = async () => {
      clock += 5000;
      await new Promise((resolve) => setTimeout(resolve, 15));
    };
    for (let i = 0; i < 6 && collected === 0; i++) await tick();
    trimmer.stop();
    assert.equal(collected, 1);
    assert.match(await metrics.render(), /^steady_memory_trims_total 1$/m);
    assert.equal(rss, 180 * MB);
  });

  it('reports a reading that throws (out of file descriptors), counts it and keeps reading', async () => {
    const metrics = new MetricsRegistry();
    const background = new BackgroundWork({
      failures: metrics.counter('steady_background_errors_total', 'Errors.'),
    });
    let readings = 0;
    const trimmer = startMemoryTrimmer({
      background,
      collect: () => undefined,
      eventsHandled: () => 0,
      log: silentLogger,
      intervalMs: 5,
      rssBytes: () => {
        readings++;
        // The first reading is the decider's baseline, taken at start; the timer's all throw.
        if (readings > 1)
          throw Object.assign(new Error('EMFILE: too many open files, uv_resident_set_memory'), {
            code: 'EMFILE',
          });
        return 100 * MB;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    trimmer.stop();
    assert.ok(readings >= 3, `the timer kept running after a failure (${readings} readings)`);
    assert.match(
      await metrics.render(),
      /^steady_background_errors_total\{task="memory.trim"\} [2-9]\d*$/m,
    );
  });

  it('does nothing without an exposed collector', () => {
    // This test process runs without --expose-gc.
    assert.equal(exposedCollector(), null);
    const trimmer = startMemoryTrimmer({
      background: new BackgroundWork({}),
      collect: null,
      eventsHandled: () => 0,
      log: silentLogger,
    });
    trimmer.stop();
  });
});
