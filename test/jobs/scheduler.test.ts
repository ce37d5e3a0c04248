import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { claimDueJobs, completeJob } from '../../src/jobs/job.repository.ts';
import { retryDelayMs, Scheduler } from '../../src/jobs/index.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { silentLogger as log } from '../../src/platform/logger.ts';
import type { Store } from '../../src/db/store.ts';
import { engines } from '../harness/engines.ts';
import { openTestStore } from '../harness/test-store.ts';

function scheduler(store: Store, clock: ManualClock, owner = 'a', leaseMs = 30_000): Scheduler {
  return new Scheduler({ store, clock, log, owner, pollMs: 1000, leaseMs });
}

async function jobRows(store: Store) {
  return store.db.selectFrom('jobs').selectAll().orderBy('runAt').execute();
}

for (const engine of engines) {
  describe(`job scheduler (${engine.name})`, () => {
    let handle: Awaited<ReturnType<typeof openTestStore>>;
    let clock: ManualClock;
    before(async () => {
      handle = await openTestStore(engine);
    });
    after(() => handle.close());
    beforeEach(async () => {
      clock = new ManualClock(Date.UTC(2026, 10, 22, 9));
      await handle.store.db.deleteFrom('jobs').execute();
    });

    it('runs a job once when it is due, not before, then deletes it', async () => {
      const s = scheduler(handle.store, clock);
      const seen: unknown[] = [];
      s.register('greet', (payload) => {
        seen.push(payload);
        return Promise.resolve(undefined);
      });
      await s.schedule(handle.store.db, {
        kind: 'greet',
        payload: { who: 'world' },
        runAt: clock.now() + 5000,
      });
      assert.equal(await s.runDue(), 0);
      clock.advance(4999);
      assert.equal(await s.runDue(), 0);
      clock.advance(1);
      assert.equal(await s.runDue(), 1);
      assert.deepEqual(seen, [{ who: 'world' }]);
      assert.equal(await s.runDue(), 0);
      assert.deepEqual(await jobRows(handle.store), []);
    });

    it('keeps one job per unique key however often it is scheduled', async () => {
      const s = scheduler(handle.store, clock);
      assert.equal(
        await s.schedule(handle.store.db, {
          kind: 'k',
          payload: 1,
          runAt: clock.now(),
          uniqueKey: 'once',
        }),
        true,
      );
      assert.equal(
        await s.schedule(handle.store.db, {
          kind: 'k',
          payload: 2,
          runAt: clock.now(),
          uniqueKey: 'once',
        }),
        false,
      );
      const rows = await jobRows(handle.store);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.payload, '1');
    });

    it('retries a failing job with backoff and gives up after max attempts, keeping the row', async () => {
      const s = scheduler(handle.store, clock);
      let calls = 0;
      s.register('flaky', () => {
        calls++;
        return Promise.reject(new Error(`boom ${calls}`));
      });
      await s.schedule(handle.store.db, {
        kind: 'flaky',
        payload: null,
        runAt: clock.now(),
        maxAttempts: 3,
      });
      assert.equal(await s.runDue(), 1);
      let [row] = await jobRows(handle.store);
      assert.ok(row);
      assert.equal(row.attempts, 1);
      assert.equal(row.lastError, 'boom 1');
      const wait = row.runAt - clock.now();
      assert.ok(wait >= 4000 && wait <= 6000, `first retry after ~5 s, got ${wait}`);
      assert.equal(await s.runDue(), 0, 'not before the backoff');
      clock.advance(wait);
      assert.equal(await s.runDue(), 1);
      clock.advance(60_000);
      assert.equal(await s.runDue(), 1);
      [row] = await jobRows(handle.store);
      assert.equal(calls, 3);
      assert.ok(row?.failedAt, 'marked failed after the last attempt');
      clock.advance(3_600_000);
      assert.equal(await s.runDue(), 0, 'a failed job never runs again');
    });

    it('marks a job of an unknown kind failed instead of retrying it forever', async () => {
      const s = scheduler(handle.store, clock);
      await s.schedule(handle.store.db, {
        kind: 'no-such-kind',
        payload: null,
        runAt: clock.now(),
      });
      await s.runDue();
      const [row] = await jobRows(handle.store);
      assert.ok(row);
      assert.ok(row.failedAt);
      assert.match(row.lastError ?? '', /no handler/);
    });

    it('never runs a job twice when two schedulers poll the same database at once', async () => {
      // PostgreSQL: two pools, as two replicas have. SQLite: one process shares one connection
      // (a second in-process connection would block the event loop on the first one's lock).
      const other = engine.name === 'postgres' ? handle.reopen() : handle.store;
      const a = scheduler(handle.store, clock, 'a');
      const b = scheduler(other, clock, 'b');
      const runs = new Map<number, string[]>();
      const handler = (owner: string) => async (payload: unknown) => {
        const n = payload as number;
        runs.set(n, [...(runs.get(n) ?? []), owner]);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return undefined;
      };
      a.register('work', handler('a'));
      b.register('work', handler('b'));
      for (let n = 0; n < 60; n++)
        await a.schedule(handle.store.db, { kind: 'work', payload: n, runAt: clock.now() });
      let total = 0;
      for (let round = 0; round < 5; round++) {
        const [x, y] = await Promise.all([a.runDue(), b.runDue()]);
        total += x + y;
      }
      assert.equal(total, 60);
      assert.equal(runs.size, 60);
      for (const [n, owners] of runs)
        assert.equal(owners.length, 1, `job ${n} ran ${owners.length} times`);
    });

    it('re-runs a job whose worker died once its lease expires, and refuses the dead worker’s late completion', async () => {
      const s = scheduler(handle.store, clock, 'survivor', 30_000);
      let runs = 0;
      s.register('step', () => {
        runs++;
        return Promise.resolve(undefined);
      });
      await s.schedule(handle.store.db, { kind: 'step', payload: null, runAt: clock.now() });
      // A worker claims the job and dies without finishing it.
      const [claimed] = await handle.store.db.transaction().execute((trx) =>
        claimDueJobs(trx, engine.name, {
          owner: 'dead',
          now: clock.now(),
          leaseUntil: clock.now() + 30_000,
          limit: 10,
        }),
      );
      assert.ok(claimed);
      assert.equal(await s.runDue(), 0, 'leased to someone else');
      clock.advance(30_001);
      assert.equal(await s.runDue(), 1, 'taken over after the lease');
      assert.equal(runs, 1);
      assert.equal(
        await completeJob(handle.store.db, claimed.id, claimed.fence),
        false,
        'a stale fence cannot complete',
      );
    });

    it('survives a restart: a job scheduled by one process runs in the next', async () => {
      const first = scheduler(handle.store, clock, 'before-restart');
      await first.schedule(handle.store.db, {
        kind: 'later',
        payload: { n: 1 },
        runAt: clock.now() + 60_000,
      });
      await first.stop();
      const restarted = handle.reopen();
      const second = scheduler(restarted, clock, 'after-restart');
      const seen: unknown[] = [];
      second.register('later', (p) => {
        seen.push(p);
        return Promise.resolve(undefined);
      });
      clock.advance(60_000);
      assert.equal(await second.runDue(), 1);
      assert.deepEqual(seen, [{ n: 1 }]);
    });

    it('reschedules a recurring job in place', async () => {
      const s = scheduler(handle.store, clock);
      s.register('tick', () => Promise.resolve({ rescheduleAt: clock.now() + 3_600_000 }));
      await s.schedule(handle.store.db, {
        kind: 'tick',
        payload: null,
        runAt: clock.now(),
        uniqueKey: 'tick',
      });
      await s.runDue();
      const rows = await jobRows(handle.store);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.runAt, clock.now() + 3_600_000);
      assert.equal(rows[0].attempts, 0);
      assert.equal(rows[0].leaseOwner, null);
    });

    it('hands back jobs it claimed but had not started when it stops', async () => {
      const s = new Scheduler({
        store: handle.store,
        clock,
        log,
        owner: 'stopper',
        pollMs: 1000,
        concurrency: 1,
      });
      let release: () => void = () => undefined;
      const started: number[] = [];
      s.register('slow', async (payload) => {
        started.push(payload as number);
        await new Promise<void>((resolve) => (release = resolve));
        return undefined;
      });
      for (let n = 0; n < 3; n++)
        await s.schedule(handle.store.db, { kind: 'slow', payload: n, runAt: clock.now() });
      const running = s.runDue();
      while (started.length === 0) await new Promise((r) => setTimeout(r, 5));
      const stopping = s.stop();
      release();
      await running;
      await stopping;
      const rows = await jobRows(handle.store);
      assert.equal(rows.length, 2, 'the started job finished; two were handed back');
      for (const row of rows) {
        assert.equal(row.leaseOwner, null);
        assert.equal(row.attempts, 0);
      }
    });
  });
}

describe('retry delay', () => {
  it('doubles from 5 s to at most 10 min with ±20% jitter', () => {
    assert.equal(
      retryDelayMs(1, () => 0.5),
      5000,
    );
    assert.equal(
      retryDelayMs(2, () => 0.5),
      10_000,
    );
    assert.equal(
      retryDelayMs(3, () => 0.5),
      20_000,
    );
    assert.equal(
      retryDelayMs(30, () => 0.5),
      600_000,
    );
    assert.equal(
      retryDelayMs(1, () => 0),
      4000,
    );
    assert.equal(
      retryDelayMs(1, () => 1),
      6000,
    );
  });
});
