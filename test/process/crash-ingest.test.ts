import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/db/store.ts';
import { engines, type TestDatabase } from '../harness/engines.ts';
import {
  createOwnerAndKey,
  startServerProcess,
  type ServerProcess,
} from '../harness/server-process.ts';

// RELIABILITY F1: kill -9 during ingest loses nothing that was acknowledged. Eight clients
// send alerts with unique dedup keys; the server is SIGKILLed after a random number of them
// were acknowledged, restarted, and the clients resend what was not acknowledged (plus some
// that were). Every alert that ever got a 2xx must be stored, exactly one alert per key.

const total = 2000;
const clients = 8;
const seed = Number(process.env.SEED ?? Date.now() % 100_000);

function random(state: { s: number }): number {
  state.s = (state.s * 1_103_515_245 + 12_345) % 2_147_483_648;
  return state.s / 2_147_483_648;
}

/** Sends the keys in `queue` from `clients` connections until the queue is empty or the server dies. */
async function send(
  url: string,
  key: string,
  queue: number[],
  acknowledged: Set<number>,
  onAck: () => void,
): Promise<void> {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        try {
          const response = await fetch(`${url}/api/intake/generic/${key}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ summary: `crash test ${i}`, dedup_key: `crash-${i}` }),
          });
          await response.arrayBuffer();
          if (response.status === 202) {
            acknowledged.add(i);
            onAck();
          }
        } catch {
          return; // the server is gone; what is left in the queue is resent after the restart
        }
      }
    }),
  );
}

for (const engine of engines) {
  describe(`kill -9 during ingest (${engine.name}, seed ${seed})`, () => {
    let database: TestDatabase;
    let env: Record<string, string>;
    let store: Store | undefined;
    before(async () => {
      database = await engine.createDatabase();
      env = {
        STEADY_DATABASE_URL: database.url,
        STEADY_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'steady-crash-')),
      };
    });
    after(async () => {
      await store?.close();
      await database.drop();
    });

    it('keeps every acknowledged alert across three SIGKILLs, with one alert per key', async () => {
      const state = { s: seed };
      const acknowledged = new Set<number>();
      let server: ServerProcess = await startServerProcess(env);
      const key = await createOwnerAndKey(server.url, 'crash');
      let pending = Array.from({ length: total }, (_, i) => i);
      for (let kill = 0; kill < 3; kill++) {
        const killAfter = acknowledged.size + 100 + Math.floor(random(state) * 400);
        const queue = [...pending];
        const victim = server;
        await send(victim.url, key, queue, acknowledged, () => {
          if (acknowledged.size >= killAfter && victim.child.exitCode === null)
            victim.child.kill('SIGKILL');
        });
        await victim.stop('SIGKILL');
        // Resend what was not acknowledged, and a tenth of what was (a sender retrying after a timeout).
        pending = Array.from({ length: total }, (_, i) => i).filter(
          (i) => !acknowledged.has(i) || random(state) < 0.1,
        );
        server = await startServerProcess(env);
      }
      await send(server.url, key, [...pending], acknowledged, () => undefined);
      assert.equal(acknowledged.size, total, 'every alert was acknowledged in the end');

      // Let the pipeline catch up, then check the database directly.
      for (let i = 0; i < 200; i++) {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        if (/^steady_pipeline_lag_events 0$/m.test(text)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await server.stop('SIGTERM');
      store = openStore({ databaseUrl: database.url, poolMax: 2, timeoutMs: 5000 });
      const db = store.db;
      const events = await db
        .selectFrom('alertEvents')
        .select('dedupKey')
        .where('dedupKey', 'like', 'crash-%')
        .execute();
      const storedKeys = new Set(events.map((e) => e.dedupKey));
      for (let i = 0; i < total; i++)
        assert.ok(
          storedKeys.has(`crash-${i}`),
          `alert crash-${i} was acknowledged but is not stored`,
        );
      const alerts = await db
        .selectFrom('alerts')
        .select(['dedupKey', 'eventCount'])
        .where('dedupKey', 'like', 'crash-%')
        .execute();
      assert.equal(alerts.length, total, 'one alert per key, none duplicated');
      assert.equal(
        alerts.reduce((n, a) => n + a.eventCount, 0),
        events.length,
        'every stored event was processed exactly once',
      );
    });
  });
}
