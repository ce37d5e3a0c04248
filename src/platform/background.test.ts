import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackgroundWork } from './background.ts';
import { MetricsRegistry } from './metrics.ts';

function setUp() {
  const metrics = new MetricsRegistry();
  const logged: string[] = [];
  const background = new BackgroundWork({
    failures: metrics.counter('steady_background_errors_total', 'Errors.'),
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (_object: unknown, message?: string) => {
        logged.push(message ?? '');
      },
    } as never,
  });
  return { metrics, logged, background };
}

describe('BackgroundWork', () => {
  it('reports what a guarded task throws or rejects with, and raises nothing', async () => {
    const { metrics, logged, background } = setUp();
    background.guard('sync.task', () => {
      throw new Error('boom');
    })();
    background.guard('async.task', () => Promise.reject(new Error('later')))();
    await new Promise((resolve) => setImmediate(resolve));
    const text = await metrics.render();
    assert.match(text, /^steady_background_errors_total\{task="sync.task"\} 1$/m);
    assert.match(text, /^steady_background_errors_total\{task="async.task"\} 1$/m);
    assert.deepEqual(logged, [
      'background: sync.task failed; it will run again',
      'background: async.task failed; it will run again',
    ]);
  });

  it('keeps running an interval whose every turn fails', async () => {
    const { metrics, background } = setUp();
    let turns = 0;
    const task = background.every('flaky', 2, () => {
      turns++;
      throw new Error('always');
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    task.stop();
    assert.ok(turns >= 3, `${turns} turns`);
    assert.match(
      await metrics.render(),
      /steady_background_errors_total\{task="flaky"\} [3-9]|\d{2,}/,
    );
  });

  it('survives a logger that throws', () => {
    const background = new BackgroundWork({
      log: {
        error: () => {
          throw new Error('log sink is full');
        },
      } as never,
    });
    assert.doesNotThrow(() => background.failed('task', new Error('x')));
  });
});
