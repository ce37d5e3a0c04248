import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createIntakeAppender,
  type IntakeRecord,
} from '../../src/modules/intake/event-log.repository.ts';
import { Pipeline, type EventRow } from '../../src/modules/pipeline/index.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { silentLogger as log } from '../../src/platform/logger.ts';
import { uuidv7 } from '../../src/platform/uuid.ts';
import { engines } from '../harness/engines.ts';
import { openTestStore } from '../harness/test-store.ts';

const integrationId = uuidv7(0);
const serviceId = uuidv7(0);

function record(dedupKey: string, at: number): IntakeRecord {
  const requestId = uuidv7(at);
  return {
    webhookId: null,
    request: {
      id: requestId,
      integrationId,
      receivedAt: at,
      format: 'generic',
      body: '{}',
      headers: '{}',
      remoteIp: null,
      eventCount: 1,
    },
    events: [
      {
        requestId,
        integrationId,
        serviceId,
        receivedAt: at,
        action: 'trigger',
        dedupKey,
        summary: `summary of ${dedupKey}`,
        severity: 'warning',
        source: null,
        component: null,
        groupName: null,
        class: null,
        occurredAt: null,
        labels: '{}',
        details: null,
        links: '[]',
        images: '[]',
      },
    ],
  };
}

for (const engine of engines) {
  describe(`pipeline reading the event log (${engine.name})`, () => {
    let handle: Awaited<ReturnType<typeof openTestStore>>;
    before(async () => {
      handle = await openTestStore(engine);
    });
    after(() => handle.close());

    /** A pipeline on the test store that records every event it processes in `seen`. */
    function recordingPipeline(
      clock: ManualClock,
      seen: EventRow[],
      maxHeldEvents?: number,
    ): Pipeline {
      return new Pipeline({
        store: handle.store,
        clock,
        log,
        owner: 'test',
        ...(maxHeldEvents === undefined ? {} : { maxHeldEvents }),
        handler: (_trx, events) => {
          seen.push(...events);
          return Promise.resolve(undefined);
        },
      });
    }

    it('processes every event once, in log order, whether handed over or read back, across gaps', async () => {
      const { store } = handle;
      const clock = new ManualClock(Date.UTC(2026, 10, 22, 9));
      const seen: EventRow[] = [];
      const pipeline = recordingPipeline(clock, seen);
      await pipeline.drain();
      const appender = createIntakeAppender(store);
      const append = async (keys: string[]) => {
        const result = await appender.append(
          keys.map((k) => record(k, clock.now())),
          clock.now(),
        );
        assert.deepEqual(
          result.stored,
          keys.map(() => true),
        );
        // SQLite hands the committed rows back with their ids; PostgreSQL leaves them in the log.
        if (engine.name === 'sqlite') assert.equal(result.events?.length, keys.length);
        else assert.equal(result.events, null);
        return result.events;
      };

      // Handed over, continuing the cursor: used as they are.
      const first = await append(['a', 'b']);
      if (first !== null) pipeline.offer(first);
      assert.equal(await pipeline.drain(), 2);

      // Another writer's event in between (a heartbeat, another path): the hand-over no
      // longer continues the cursor, so the batch reads the log and misses nothing.
      await append(['gap']);
      const third = await append(['c']);
      if (third !== null) pipeline.offer(third);
      assert.equal(await pipeline.drain(), 2);

      // A hand-over that was never taken (the pipeline was busy) is dropped once passed.
      const fourth = await append(['d', 'e']);
      assert.equal(await pipeline.drain(), 2);
      if (fourth !== null) pipeline.offer(fourth);
      assert.equal(await pipeline.drain(), 0);

      assert.deepEqual(
        seen.map((e) => e.dedupKey),
        ['a', 'b', 'gap', 'c', 'd', 'e'],
      );
      const ids = seen.map((e) => e.id);
      assert.deepEqual(
        ids,
        [...ids].sort((x, y) => x - y),
      );
      assert.equal(new Set(ids).size, ids.length);
      // What was handed over is what the log holds.
      const fromLog = await store.db.selectFrom('alertEvents').selectAll().orderBy('id').execute();
      assert.deepEqual(
        seen.map((e) => ({ ...e })),
        fromLog.map((e) => ({ ...e })),
      );
      await pipeline.stop();
    });

    it('holds the log tail for a pipeline a little behind, reading only the gap; nothing for one far behind', async () => {
      const { store } = handle;
      const clock = new ManualClock(Date.UTC(2026, 10, 22, 10));
      const seen: EventRow[] = [];
      // Holds at most 4 events, so a tail is started only within 2 of the cursor.
      const pipeline = recordingPipeline(clock, seen, 4);
      await pipeline.drain();
      const appender = createIntakeAppender(store);
      const append = async (...keys: string[]) =>
        (
          await appender.append(
            keys.map((k) => record(k, clock.now())),
            clock.now(),
          )
        ).events;

      // One event behind ('behind' was never handed over): 'ahead' is held, and the batch
      // reads 'behind' from the log, then takes the very objects handed over.
      await append('behind');
      const ahead = await append('ahead', 'ahead-2');
      if (ahead !== null) {
        pipeline.offer(ahead);
        assert.equal(pipeline.heldEvents, 2);
      }
      assert.equal(await pipeline.drain(), 3);
      if (ahead !== null) {
        assert.equal(seen[1], ahead[0]);
        assert.equal(seen[2], ahead[1]);
      }
      assert.equal(pipeline.heldEvents, 0);

      // Three behind: more than half the capacity, so nothing is held; the log has it all.
      await append('far-1', 'far-2', 'far-3');
      const far = await append('far-ahead');
      if (far !== null) pipeline.offer(far);
      assert.equal(pipeline.heldEvents, 0);
      assert.equal(await pipeline.drain(), 4);
      if (far !== null) assert.notEqual(seen[6], far[0]);

      assert.deepEqual(
        seen.map((e) => e.dedupKey),
        ['behind', 'ahead', 'ahead-2', 'far-1', 'far-2', 'far-3', 'far-ahead'],
      );
      await pipeline.stop();
    });

    it('in a storm, events committed just after a batch wait for the window instead of running at once', async () => {
      const { store } = handle;
      const clock = new ManualClock(Date.UTC(2026, 10, 22, 11));
      const seen: EventRow[] = [];
      let rate = 0;
      const pipeline = new Pipeline({
        store,
        clock,
        log,
        owner: 'test',
        inputRate: () => rate,
        handler: (_trx, events) => {
          seen.push(...events);
          return Promise.resolve(undefined);
        },
      });
      await pipeline.drain();
      await pipeline.start();
      const appender = createIntakeAppender(store);
      const commit = async (key: string) => {
        const { events } = await appender.append([record(key, clock.now())], clock.now());
        if (events !== null) pipeline.offer(events);
        pipeline.wake();
      };
      const processed = async (key: string) => {
        for (let i = 0; i < 200 && !seen.some((e) => e.dedupKey === key); i++)
          await new Promise((r) => setTimeout(r, 10));
        return seen.some((e) => e.dedupKey === key);
      };

      // A storm (5,000 events a second): the batch that takes 'storm-1' is followed by the
      // half-second window, and a wake-up during it does not cut it short.
      rate = 5000;
      await commit('storm-1');
      assert.ok(await processed('storm-1'));
      await commit('storm-2');
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(!seen.some((e) => e.dedupKey === 'storm-2'), 'waits for the window');
      assert.ok(await processed('storm-2'), 'taken once the window has passed');
      await pipeline.stop();
    });
  });
}
