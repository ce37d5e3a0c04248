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
    function recordingPipeline(clock: ManualClock, seen: EventRow[]): Pipeline {
      return new Pipeline({
        store: handle.store,
        clock,
        log,
        owner: 'test',
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

    it('keeps no hand-over it cannot use yet: a pipeline behind reads the log instead', async () => {
      const { store } = handle;
      const clock = new ManualClock(Date.UTC(2026, 10, 22, 10));
      const seen: EventRow[] = [];
      const pipeline = recordingPipeline(clock, seen);
      await pipeline.drain();
      const appender = createIntakeAppender(store);
      const append = async (key: string) =>
        (await appender.append([record(key, clock.now())], clock.now())).events;

      // The pipeline has not taken 'behind' yet, so 'ahead' cannot be its next batch: held,
      // it would wait in memory until the pipeline had read its way up to it.
      await append('behind');
      const ahead = await append('ahead');
      if (ahead !== null) pipeline.offer(ahead);
      assert.equal(pipeline.heldEvents, 0);
      assert.equal(await pipeline.drain(), 2);

      // Caught up: the next events are kept and used.
      const next = await append('next');
      if (next !== null) {
        pipeline.offer(next);
        assert.equal(pipeline.heldEvents, 1);
      }
      assert.equal(await pipeline.drain(), 1);
      assert.equal(pipeline.heldEvents, 0);
      assert.deepEqual(
        seen.map((e) => e.dedupKey),
        ['behind', 'ahead', 'next'],
      );
      await pipeline.stop();
    });
  });
}
