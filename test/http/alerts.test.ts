import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import { drain, send, wireService, type Wired } from '../harness/intake.ts';
import {
  ownerPassword,
  setupOwner,
  startTestApp,
  userWithRole,
  type TestApp,
} from '../harness/test-app.ts';
import type { HttpClient } from '../harness/http-client.ts';

for (const engine of engines) {
  describe(`alerts API (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    let shop: Wired;
    let billing: Wired;
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
      shop = await wireService(owner, 'shop');
      billing = await wireService(owner, 'billing');
      const event = (key: string, summary: string, status = 'trigger', severity = 'error') => ({
        summary,
        dedup_key: key,
        status,
        severity,
        source: `${key}.internal`,
      });
      for (const [i, summary] of [
        'Checkout 5xx above 5%',
        'Cart latency p99 high',
        'Disk 90% on db-1',
        '100% CPU on worker-3',
        'Search index_stale',
      ].entries()) {
        await send(t, `/api/intake/generic/${shop.keys.generic}`, event(`shop-${i}`, summary));
        t.clock.advance(1000);
      }
      await send(t, `/api/intake/generic/${shop.keys.generic}`, {
        dedup_key: 'shop-2',
        status: 'resolve',
      });
      await send(
        t,
        `/api/intake/generic/${billing.keys.generic}`,
        event('bill-0', 'Invoices failing', 'trigger', 'critical'),
      );
      await drain(t);
    });
    after(() => t.close());

    const summaries = async (query: string) =>
      ((await owner.get(`/api/alerts?${query}`)).json.items as { summary: string }[]).map(
        (a) => a.summary,
      );

    it('lists newest first and filters by status, service, integration and text', async () => {
      assert.deepEqual(await summaries(''), [
        'Invoices failing',
        'Search index_stale',
        '100% CPU on worker-3',
        'Disk 90% on db-1',
        'Cart latency p99 high',
        'Checkout 5xx above 5%',
      ]);
      assert.deepEqual(await summaries('status=resolved'), ['Disk 90% on db-1']);
      assert.equal((await summaries('status=open')).length, 5);
      assert.deepEqual(await summaries(`serviceId=${billing.serviceId}`), ['Invoices failing']);
      assert.deepEqual(await summaries(`integrationId=${shop.ids.generic}&status=triggered`), [
        'Search index_stale',
        '100% CPU on worker-3',
        'Cart latency p99 high',
        'Checkout 5xx above 5%',
      ]);
      assert.deepEqual(await summaries('q=LATENCY'), ['Cart latency p99 high'], 'case-insensitive');
      assert.deepEqual(
        await summaries(`q=${encodeURIComponent('100%')}`),
        ['100% CPU on worker-3'],
        '% is literal',
      );
      assert.deepEqual(await summaries('q=index_'), ['Search index_stale'], '_ is literal');
      assert.deepEqual(
        await summaries('q=shop-1'),
        ['Cart latency p99 high'],
        'matches the dedup key',
      );
      assert.deepEqual(await summaries('q=db-1'), ['Disk 90% on db-1'], 'matches the summary');
    });

    it('pages with cursors without repeating or skipping an alert', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response = await owner.get(
          `/api/alerts?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        seen.push(...response.json.items.map((a: { id: string }) => a.id));
        cursor = response.json.nextCursor;
        pages++;
      } while (cursor !== null);
      assert.equal(pages, 3);
      assert.equal(seen.length, 6);
      assert.equal(new Set(seen).size, 6);
      assert.equal((await owner.get('/api/alerts?cursor=nonsense')).json.error.field, 'cursor');
      assert.equal((await owner.get('/api/alerts?status=on-fire')).json.error.field, 'status');
    });

    it('shows one alert with its events, newest first', async () => {
      const [disk] = (await owner.get('/api/alerts?status=resolved')).json.items;
      const detail = await owner.get(`/api/alerts/${disk.id}`);
      assert.equal(detail.status, 200);
      assert.deepEqual(
        detail.json.events.map((e: { action: string }) => e.action),
        ['resolve', 'trigger'],
      );
      assert.equal(detail.json.alert.resolvedAt !== null, true);
      assert.equal(
        (await owner.get('/api/alerts/0192d0e0-0000-7000-8000-000000000000')).status,
        404,
      );
    });

    it('lets viewers and alerts:read tokens read alerts', async () => {
      const viewer = await userWithRole(t, owner, 'viewer');
      assert.equal((await viewer.get('/api/alerts')).status, 200);
      const { json } = await owner.post('/api/me/tokens', {
        name: 'reader',
        scopes: ['incidents:read'],
      });
      const bot = t.client();
      bot.bearer = json.token;
      assert.equal((await bot.get('/api/alerts')).json.error.code, 'insufficient_scope');
    });

    it('streams change notifications to live views (server-sent events)', async () => {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const login = await fetch(`${address}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@example.com', password: ownerPassword }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const controller = new AbortController();
      const stream = await fetch(`${address}/api/alerts/stream`, {
        headers: { cookie },
        signal: controller.signal,
      });
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let received = '';
      const waitFor = async (pattern: RegExp) => {
        while (!pattern.test(received)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${String(pattern)}:\n${received}`);
          received += decoder.decode(value);
        }
      };
      await waitFor(/event: ready/);
      await send(t, `/api/intake/generic/${shop.keys.generic}`, {
        summary: 'Live one',
        dedup_key: 'live',
      });
      await drain(t);
      await waitFor(/event: alerts\ndata: \{"ids":\["[0-9a-f-]{36}"/);
      controller.abort();
      const unauthenticated = await fetch(`${address}/api/alerts/stream`);
      assert.equal(unauthenticated.status, 401);
    });
  });
}
