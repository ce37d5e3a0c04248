import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { engines } from '../harness/engines.ts';
import { HttpClient } from '../harness/http-client.ts';
import { drain, samplePayload } from '../harness/intake.ts';
import { setupOwner, startTestApp, tokenClient, type TestApp } from '../harness/test-app.ts';

const minute = 60_000;

for (const engine of engines) {
  describe(`heartbeat monitors (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    let serviceId: string;
    before(async () => {
      t = await startTestApp(engine);
      owner = await tokenClient(t, await setupOwner(t));
      serviceId = (await owner.post('/api/services', { name: 'jobs' })).json.id;
    });
    after(() => t.close());

    async function monitor(name: string, periodSeconds = 3600, graceSeconds = 600) {
      const created = await owner.post('/api/integrations', {
        serviceId,
        type: 'heartbeat',
        name,
        heartbeat: { periodSeconds, graceSeconds },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json.intakeUrl, `http://steady.test/ping/${created.json.key}`);
      return { key: created.json.key as string, id: created.json.integration.id as string };
    }

    const ping = (path: string, method: 'GET' | 'POST' | 'HEAD' = 'GET', body?: Buffer | string) =>
      t.app.inject({
        method,
        url: `/ping/${path}`,
        ...(body === undefined ? {} : { payload: body, headers: { 'content-type': 'text/plain' } }),
      });

    async function heartbeatAlerts(integrationId: string) {
      await drain(t);
      return (await owner.get(`/api/alerts?integrationId=${integrationId}`)).json.items as {
        status: string;
        summary: string;
      }[];
    }

    async function runTimers() {
      await t.app.steady.ctx.scheduler.runDue();
      await drain(t);
    }

    it('follows the healthchecks.io ping conventions', async () => {
      const { key } = await monitor('backup');
      const conventions = samplePayload('healthchecks-ping-conventions.json') as {
        cases: {
          method: string;
          path: string;
          query: string;
          expected_status: number;
          expected_body?: string;
          note?: string;
        }[];
      };
      for (const c of conventions.cases) {
        if (!c.path.startsWith('/5bf') && !c.path.startsWith('/0000')) continue; // slug pings are not offered
        if (c.note?.includes('Only POST') === true) continue; // a per-check option Steady does not have
        const path = c.path.replace('5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278', key).slice(1);
        const response = await t.app.inject({
          method: c.method as 'GET',
          url: `/ping/${path}${c.query === '' ? '' : `?${c.query}`}`,
          ...(c.method === 'POST'
            ? { payload: 'log line', headers: { 'content-type': 'text/plain' } }
            : {}),
        });
        assert.equal(response.statusCode, c.expected_status, `${c.method} ${c.path}?${c.query}`);
        if (c.expected_body !== undefined) assert.equal(response.body, c.expected_body);
      }
      assert.equal((await ping(key, 'HEAD')).statusCode, 200);
      assert.equal((await ping(`${key}/finish`)).body, 'invalid url format');
    });

    it('answers 404 for a key of another kind of integration', async () => {
      const { json } = await owner.post('/api/integrations', { serviceId, type: 'generic' });
      const asUuid = (json.key as string).replace(
        /^(.{8})(.{4})(.{4})(.{4})(.{12})$/,
        '$1-$2-$3-$4-$5',
      );
      assert.equal((await ping(asUuid)).statusCode, 404);
    });

    it('raises nothing before the first ping, however long it waits', async () => {
      const { id } = await monitor('never-pinged');
      t.clock.advance(3 * 24 * 60 * minute);
      await runTimers();
      assert.deepEqual(await heartbeatAlerts(id), []);
    });

    it('raises "missed" when no success arrives within period + grace, and resolves on the next success', async () => {
      const { key, id } = await monitor('nightly-report', 3600, 600);
      assert.equal((await ping(key)).statusCode, 200);
      t.clock.advance(69 * minute);
      await runTimers();
      assert.deepEqual(await heartbeatAlerts(id), [], 'within period + grace');
      t.clock.advance(minute);
      await runTimers();
      const [missed] = await heartbeatAlerts(id);
      assert.equal(missed?.status, 'triggered');
      assert.equal(missed.summary, 'Heartbeat "nightly-report" missed: no success ping for 70 min');
      const view = (await owner.get(`/api/integrations/${id}`)).json.heartbeat;
      assert.equal(view.status, 'down');
      await ping(`${key}/0`);
      const [back] = await heartbeatAlerts(id);
      assert.equal(back?.status, 'resolved');
      assert.equal((await owner.get(`/api/integrations/${id}`)).json.heartbeat.status, 'up');
    });

    it('raises at once on a failure ping or a non-zero exit status', async () => {
      const { key, id } = await monitor('db-backup');
      await ping(key);
      await ping(`${key}/start`);
      await ping(`${key}/3`);
      const [failed] = await heartbeatAlerts(id);
      assert.deepEqual(
        [failed?.status, failed?.summary],
        ['triggered', 'Heartbeat "db-backup" reported a failure (exit code 3)'],
      );
      await ping(`${key}/fail`, 'POST', 'disk full');
      assert.equal((await heartbeatAlerts(id)).length, 1, 'repeats count on the same alert');
    });

    it('keeps the first 10,000 bytes of a ping body, invalid UTF-8 included, and never refuses it', async () => {
      const { key, id } = await monitor('noisy-output');
      const body = Buffer.concat([
        Buffer.from('uploaded '),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('x'.repeat(20_000)),
      ]);
      assert.equal((await ping(key, 'POST', body)).statusCode, 200);
      const row = await t.app.steady.ctx.store.db
        .selectFrom('intakeRequests')
        .select('body')
        .where('integrationId', '=', id)
        .executeTakeFirstOrThrow();
      assert.ok(row.body.startsWith('uploaded \uFFFD\uFFFD'));
      assert.ok(row.body.length <= 10_000);
    });

    it('keeps its timer across a restart', async () => {
      const { key, id } = await monitor('survives-restart', 3600, 600);
      await ping(key);
      // A second Steady on the same database (the first one is gone as far as timers go).
      const restarted = await buildApp(t.config, { clock: t.clock, logger: false });
      try {
        t.clock.advance(71 * minute);
        await restarted.steady.ctx.scheduler.runDue();
        await restarted.steady.pipeline.drain();
        const client = new HttpClient(restarted);
        client.bearer = owner.bearer;
        const [alert] = (await client.get(`/api/alerts?integrationId=${id}`)).json.items;
        assert.equal(alert?.status, 'triggered');
      } finally {
        await restarted.close();
      }
    });
  });
}
