import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { engines, postgresAdminUrl, type TestDatabase } from '../harness/engines.ts';
import { HttpClient, type TestResponse } from '../harness/http-client.ts';
import { wireService } from '../harness/intake.ts';
import { TcpProxy, type ProxyMode } from '../harness/tcp-proxy.ts';
import { ownerPassword } from '../harness/test-app.ts';

// Issue 16 §5 (RELIABILITY F4, I1, I7): with PostgreSQL refusing connections (SQLSTATE 55000)
// intake answered 500 without Retry-After; with the database black-holed each 503 took 5–15 s.
// Every availability error is now 503 + Retry-After on every route, intake answers within 2 s,
// and Steady recovers by itself once the database is back. A TCP proxy stands in front of the
// real PostgreSQL and refuses, resets or black-holes.

const postgres = engines.find((e) => e.name === 'postgres');

async function timed(work: () => Promise<TestResponse>) {
  const started = performance.now();
  const response = await work();
  return { response, ms: performance.now() - started };
}

describe(
  'postgres: the database refuses, resets, black-holes',
  { skip: postgres === undefined },
  () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let app: FastifyInstance;
    let owner: HttpClient;
    let key: string;
    const acknowledged: string[] = [];
    let n = 0;

    const alert = () => {
      const dedupKey = `pg-fault-${n++}`;
      return timed(async () => {
        const response = await new HttpClient(app).request(
          'POST',
          `/api/intake/generic/${key}`,
          undefined,
          {
            raw: JSON.stringify({ summary: `database fault ${dedupKey}`, dedup_key: dedupKey }),
            headers: { 'content-type': 'application/json' },
          },
        );
        if (response.status === 202) acknowledged.push(dedupKey);
        return response;
      });
    };

    async function expectUnavailable(mode: ProxyMode, readWithinMs: number): Promise<void> {
      for (let i = 0; i < 3; i++) {
        const { response, ms } = await alert();
        assert.equal(response.status, 503, `${mode}: intake ${response.status} ${response.text}`);
        assert.ok(Number(response.headers['retry-after']) > 0, `${mode}: intake sets Retry-After`);
        assert.ok(ms < 2000, `${mode}: intake answered in ${Math.round(ms)} ms`);
      }
      const read = await timed(() => owner.get('/api/services'));
      assert.equal(read.response.status, 503, `${mode}: API ${read.response.text}`);
      assert.ok(Number(read.response.headers['retry-after']) > 0, `${mode}: API sets Retry-After`);
      assert.ok(read.ms < readWithinMs, `${mode}: API answered in ${Math.round(read.ms)} ms`);
      const ready = await timed(() => new HttpClient(app).get('/readyz'));
      assert.equal(ready.response.status, 503);
      assert.ok(ready.ms < 2000, `${mode}: /readyz answered in ${Math.round(ready.ms)} ms`);
    }

    /** Once the fault is gone, intake is accepted again within a few seconds, without a restart. */
    async function expectRecovered(): Promise<void> {
      const deadline = performance.now() + 10_000;
      for (;;) {
        const { response } = await alert();
        if (response.status === 202) break;
        assert.equal(response.status, 503, response.text);
        assert.ok(performance.now() < deadline, 'recovered within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal((await owner.get('/api/services')).status, 200);
    }

    before(async () => {
      database = await (postgres as NonNullable<typeof postgres>).createDatabase();
      const direct = new URL(database.url);
      proxy = new TcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
      await proxy.start();
      const proxied = new URL(database.url);
      proxied.port = String(proxy.port);
      const config = loadConfig({
        env: {},
        overrides: {
          databaseUrl: proxied.toString(),
          logLevel: 'silent',
          baseUrl: 'http://steady.test',
        },
      });
      app = await buildApp(config, { logger: false });
      owner = new HttpClient(app);
      const setup = await owner.post('/api/setup/owner', {
        email: 'pg-faults@example.com',
        name: 'Olive Owner',
        password: ownerPassword,
      });
      assert.equal(setup.status, 201, setup.text);
      key = (await wireService(owner, 'pg-faults')).keys.generic;
      assert.equal((await alert()).response.status, 202);
    });

    after(async () => {
      await app.close();
      await proxy.stop();
      await database.drop();
    });

    for (const mode of ['refuse', 'reset', 'blackhole'] as const) {
      it(`answers 503 + Retry-After while the proxy is in ${mode} mode, then recovers`, async () => {
        await proxy.setMode(mode);
        try {
          // A black-holed query waits for its timeout (databaseTimeoutMs, 5 s) on the API.
          await expectUnavailable(mode, mode === 'blackhole' ? 7000 : 2000);
        } finally {
          await proxy.setMode('pass');
        }
        await expectRecovered();
      });
    }

    it('answers 503 + Retry-After while the database does not allow connections (55000)', async () => {
      const name = new URL(database.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: postgresAdminUrl });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        try {
          await expectUnavailable('refuse', 2000);
        } finally {
          await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        }
        await expectRecovered();
      } finally {
        await admin.end();
      }
    });

    it('lost nothing it acknowledged', async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ dedup_key: string }>(
          'SELECT DISTINCT dedup_key FROM alert_events',
        );
        const stored = new Set(rows.map((r) => r.dedup_key));
        const missing = acknowledged.filter((k) => !stored.has(k));
        assert.deepEqual(missing, []);
        assert.ok(acknowledged.length >= 5, `${acknowledged.length} acknowledged`);
      } finally {
        await client.end();
      }
    });
  },
);
