import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { limits, truncationMarker } from '../../src/intake/fields.ts';
import { engines } from '../harness/engines.ts';
import {
  drain,
  samplePayload,
  send,
  sentrySecret,
  wireService,
  type Wired,
} from '../harness/intake.ts';
import { rowCounts } from '../harness/row-counts.ts';
import { setupOwner, startTestApp, type TestApp } from '../harness/test-app.ts';
import type { HttpClient } from '../harness/http-client.ts';

interface Route {
  name: string;
  url: (w: Wired) => string;
  /** A valid body (as an object) for the route. */
  valid: (w: Wired) => Record<string, unknown>;
  /** Extra headers a raw body needs (Sentry signs every body). */
  headers: (raw: Buffer) => Record<string, string>;
}

const sign = (raw: Buffer) => ({
  'sentry-hook-signature': createHmac('sha256', sentrySecret).update(raw).digest('hex'),
  'sentry-hook-resource': 'event_alert',
});
const none = () => ({});

const routes: Route[] = [
  {
    name: 'PagerDuty /v2/enqueue',
    url: () => '/v2/enqueue',
    valid: (w) => ({
      ...samplePayload('pagerduty-events-v2-enqueue.json'),
      routing_key: w.keys.pagerduty,
    }),
    headers: none,
  },
  {
    name: 'Alertmanager',
    url: (w) => `/api/intake/alertmanager/${w.keys.alertmanager}`,
    valid: () => samplePayload('alertmanager-webhook-v4.json'),
    headers: none,
  },
  {
    name: 'Grafana',
    url: (w) => `/api/intake/grafana/${w.keys.grafana}`,
    valid: () => samplePayload('grafana-alerting-webhook.json'),
    headers: none,
  },
  {
    name: 'Sentry',
    url: (w) => `/api/intake/sentry/${w.keys.sentry}`,
    valid: () => samplePayload('sentry-issue-alert-webhook.json'),
    headers: sign,
  },
  {
    name: 'generic JSON',
    url: (w) => `/api/intake/generic/${w.keys.generic}`,
    valid: () => ({ summary: 'Disk full', dedup_key: 'disk', labels: { host: 'db-1' } }),
    headers: none,
  },
];

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

interface Case {
  name: string;
  body: (valid: Record<string, unknown>) => Buffer;
  contentType?: string;
  status: number;
  code: string;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

const cases: Case[] = [
  {
    name: 'truncated JSON',
    body: (v) => json(v).subarray(0, 20),
    status: 400,
    code: 'invalid_json',
  },
  { name: 'an empty body', body: () => Buffer.alloc(0), status: 400, code: 'empty_body' },
  {
    name: 'text/plain',
    body: json,
    contentType: 'text/plain',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a form post',
    body: () => Buffer.from('a=b'),
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'no Content-Type',
    body: json,
    contentType: '',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'latin-1',
    body: json,
    contentType: 'application/json; charset=iso-8859-1',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'over 1 MiB',
    body: (v) => json({ ...v, pad: 'x'.repeat(1_048_577) }),
    status: 413,
    code: 'payload_too_large',
  },
  { name: 'nesting 33 deep', body: () => Buffer.from(nested(33)), status: 400, code: 'too_deep' },
  {
    name: 'nesting 400,000 deep (800 KB, under the size limit)',
    body: () => Buffer.from(`${'['.repeat(400_000)}${']'.repeat(400_000)}`),
    status: 400,
    code: 'too_deep',
  },
  {
    name: 'invalid UTF-8',
    body: (v) =>
      Buffer.concat([
        json(v).subarray(0, -1),
        Buffer.from(',"x":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}'),
      ]),
    status: 400,
    code: 'invalid_utf8',
  },
  {
    name: 'a __proto__ key',
    body: (v) => Buffer.from(`{"__proto__":{"polluted":true},${json(v).toString().slice(1)}`),
    status: 400,
    code: 'forbidden_key',
  },
  {
    name: 'a bare array of numbers',
    body: () => Buffer.from('[1,2,3]'),
    status: 400,
    code: 'invalid_event',
  },
];

for (const engine of engines) {
  describe(`bad input to every intake route (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    let w: Wired;
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
      w = await wireService(owner);
    });
    after(() => t.close());

    /** Row counts of everything but the rejected-requests list, which may grow. */
    async function state() {
      await t.app.steady.intakeWriter.flush();
      const counts = await rowCounts(t.app.steady.ctx.store);
      delete counts.intake_rejections;
      return counts;
    }

    for (const route of routes) {
      for (const badCase of cases) {
        // PagerDuty's key is inside the body: a body Steady cannot read has no key, so it is 400/415 either way.
        it(`${route.name}: ${badCase.name} → ${badCase.status} ${badCase.code}, nothing stored`, async () => {
          const raw = badCase.body(route.valid(w));
          const before = await state();
          const headers: Record<string, string> = { ...route.headers(raw) };
          if (badCase.contentType !== '')
            headers['content-type'] = badCase.contentType ?? 'application/json';
          const response = await t
            .client()
            .request('POST', route.url(w), undefined, { raw, headers });
          assert.equal(response.status, badCase.status, response.text.slice(0, 300));
          const error = response.json.error as { code: string; message: string };
          assert.equal(error.code, badCase.code);
          assert.ok(error.message.length > 10);
          assert.deepEqual(await state(), before);
          assert.equal(({} as Record<string, unknown>).polluted, undefined);
        });
      }
    }

    it('records refusals for a known integration in its rejected-requests list', async () => {
      const list = await owner.get(`/api/integrations/${w.ids.alertmanager}/rejections`);
      const codes = new Set(list.json.items.map((r: { code: string }) => r.code));
      for (const code of [
        'invalid_json',
        'empty_body',
        'unsupported_media_type',
        'too_deep',
        'invalid_utf8',
        'forbidden_key',
        'payload_too_large',
      ]) {
        assert.ok(codes.has(code), `expected a recorded ${code}`);
      }
    });

    it('refuses more than 1,000 labels, naming the field', async () => {
      const labels = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`l${i}`, 'v']));
      const response = await send(t, `/api/intake/alertmanager/${w.keys.alertmanager}`, {
        version: '4',
        alerts: [{ status: 'firing', labels }],
      });
      assert.equal(response.status, 400);
      assert.equal(response.json.error.field, 'alerts[0].labels');
    });

    it('stores NUL and lone surrogates as U+FFFD, the same on both engines, and never answers 500', async () => {
      const body = {
        routing_key: w.keys.pagerduty,
        event_action: 'trigger',
        dedup_key: 'nul\u0000key',
        payload: {
          summary: 'a\u0000b\ud800c\udfffd',
          source: 'x\u0000',
          severity: 'info',
          custom_details: { note: 'e\u0000f\ud800' },
        },
      };
      const response = await send(t, '/v2/enqueue', body);
      assert.equal(response.status, 202, response.text);
      await drain(t);
      const alerts = (await owner.get(`/api/alerts?integrationId=${w.ids.pagerduty}&q=nul`)).json
        .items;
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0].summary, 'a\uFFFDb\uFFFDc\uFFFDd');
      assert.equal(alerts[0].dedupKey, 'nul\uFFFDkey');
      assert.equal(alerts[0].source, 'x\uFFFD');
      assert.deepEqual(
        alerts[0].details,
        { note: 'e\u0000f\ud800' },
        'free-form details are kept exactly (stored as escaped JSON text)',
      );
      const row = await t.app.steady.ctx.store.db
        .selectFrom('alertEvents')
        .select(['summary', 'details'])
        .where('dedupKey', '=', 'nul\uFFFDkey')
        .executeTakeFirstOrThrow();
      assert.equal(row.summary, 'a\uFFFDb\uFFFDc\uFFFDd');
      assert.equal(row.details, '{"note":"e\\u0000f\\ud800"}');
    });

    it('truncates over-long fields with a marker and rejects over-long dedup keys', async () => {
      const response = await send(t, '/v2/enqueue', {
        routing_key: w.keys.pagerduty,
        event_action: 'trigger',
        dedup_key: 'long',
        payload: { summary: 's'.repeat(5000), source: 'x'.repeat(1000), severity: 'info' },
      });
      assert.equal(response.status, 202);
      await drain(t);
      const [alert] = (await owner.get(`/api/alerts?integrationId=${w.ids.pagerduty}&q=long`)).json
        .items;
      assert.equal(alert.summary.length, limits.summary);
      assert.ok(alert.summary.endsWith(truncationMarker));
      assert.equal(alert.source.length, limits.shortText);
      const tooLong = await send(t, '/v2/enqueue', {
        routing_key: w.keys.pagerduty,
        event_action: 'resolve',
        dedup_key: 'k'.repeat(256),
      });
      assert.equal(tooLong.status, 400);
      assert.equal(tooLong.json.error.field, 'dedup_key');
    });

    it('stores hostile text verbatim as data', async () => {
      const summary = `<script>window.__xss=1</script> ' OR 1=1-- {{7*7}} \${1+1} <!channel>`;
      await send(t, `/api/intake/generic/${w.keys.generic}`, { summary, dedup_key: 'xss' });
      await drain(t);
      const [alert] = (await owner.get(`/api/alerts?integrationId=${w.ids.generic}&q=xss`)).json
        .items;
      assert.equal(alert.summary, summary);
      assert.ok(
        (await rowCounts(t.app.steady.ctx.store)).users! >= 1,
        'the users table is still there',
      );
    });

    it('answers 413 to an oversized body before reading it all, on a real socket', async () => {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const status = (request: string, trickle: boolean): Promise<string> =>
        new Promise((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1');
          let answer = '';
          let sent = 0;
          socket.on('data', (chunk) => {
            answer += chunk.toString();
            if (answer.includes('\r\n')) {
              socket.destroy();
              resolve(`${answer.split('\r\n')[0] ?? ''} after ${sent} bytes`);
            }
          });
          socket.on('error', (error) => (answer === '' ? reject(error) : resolve(answer)));
          socket.write(request);
          if (!trickle) return;
          // Stream a chunked body of up to 4 MiB, a chunk at a time with a pause between, so
          // what counts is when the server answers, not how much the kernel buffers.
          const chunk = `10000\r\n${'x'.repeat(0x10000)}\r\n`;
          const pump = () => {
            if (socket.destroyed || sent >= 4 * 1_048_576) return;
            sent += 0x10000;
            socket.write(chunk, () => setTimeout(pump, 2));
          };
          pump();
        });
      const url = `/api/intake/alertmanager/${w.keys.alertmanager}`;
      const declared = await status(
        `POST ${url} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n`,
        false,
      );
      assert.match(declared, /^HTTP\/1\.1 413/);
      const chunked = await status(
        `POST ${url} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        true,
      );
      assert.match(chunked, /^HTTP\/1\.1 413/);
      const sentBytes = Number(/after (\d+) bytes/.exec(chunked)?.[1]);
      assert.ok(
        sentBytes < 4 * 1_048_576,
        `answered after ${sentBytes} bytes, before the whole body`,
      );
    });
  });
}
