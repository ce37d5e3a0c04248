import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signStandardWebhook } from '../../src/intake/signature.ts';
import { engines } from '../harness/engines.ts';
import {
  drain,
  samplePayload,
  send,
  sentrySecret,
  wireService,
  type Wired,
} from '../harness/intake.ts';
import { setupOwner, startTestApp, type TestApp } from '../harness/test-app.ts';
import type { HttpClient } from '../harness/http-client.ts';

for (const engine of engines) {
  describe(`alert intake (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    let w: Wired;
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
      w = await wireService(owner, 'checkout-api', { signedGeneric: true });
    });
    after(() => t.close());

    async function alertsFor(integrationId: string) {
      await drain(t);
      return (await owner.get(`/api/alerts?integrationId=${integrationId}&limit=200`)).json
        .items as {
        dedupKey: string;
        status: string;
        eventCount: number;
        summary: string;
        id: string;
      }[];
    }

    function pd(body: Record<string, unknown>) {
      return send(t, '/v2/enqueue', { ...body, routing_key: w.keys.pagerduty });
    }

    function signedGeneric(body: unknown, id = `msg_${Math.random()}`, at = t.clock.now() / 1000) {
      const raw = JSON.stringify(body);
      const secret = w.webhookSecret ?? '';
      return send(t, `/api/intake/generic/${w.keys.generic}`, raw, {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at)),
        'webhook-signature': signStandardWebhook(raw, id, Math.floor(at), secret),
      });
    }

    it('accepts the PagerDuty sample with PagerDuty’s answer shape', async () => {
      const response = await pd(samplePayload('pagerduty-events-v2-enqueue.json'));
      assert.equal(response.status, 202);
      assert.deepEqual(response.json, {
        status: 'success',
        message: 'Event processed',
        dedup_key: 'prod/checkout-api/HighErrorRate',
      });
      const [alert] = await alertsFor(w.ids.pagerduty);
      assert.equal(alert?.summary, '[prod] checkout-api 5xx ratio 7.3% (> 5% for 5m)');
    });

    it('returns a generated dedup key for a trigger without one, and accepts the follow-up resolve', async () => {
      const created = await pd({
        event_action: 'trigger',
        payload: { summary: 'no key', source: 'x', severity: 'info' },
      });
      assert.match(created.json.dedup_key, /^[0-9a-f]{32}$/);
      const resolved = await pd({ event_action: 'resolve', dedup_key: created.json.dedup_key });
      assert.equal(resolved.status, 202);
      const alert = (await alertsFor(w.ids.pagerduty)).find(
        (a) => a.dedupKey === created.json.dedup_key,
      );
      assert.equal(alert?.status, 'resolved');
    });

    it('answers PagerDuty-style 400s with the errors list and the field', async () => {
      const response = await pd({
        event_action: 'trigger',
        payload: { source: 'x', severity: 'info' },
      });
      assert.equal(response.status, 400);
      assert.equal(response.json.status, 'invalid event');
      assert.equal(response.json.message, 'Event object is invalid');
      assert.deepEqual(response.json.errors, ["'payload.summary' is missing or blank."]);
      assert.equal(response.json.error.field, 'payload.summary');
      const noKey = await send(t, '/v2/enqueue', {
        event_action: 'trigger',
        payload: { summary: 'x' },
      });
      assert.equal(noKey.status, 400);
      assert.equal(noKey.json.error.field, 'routing_key');
    });

    it('collapses 50 concurrent copies of one event into one alert with count 50', async () => {
      const body = {
        event_action: 'trigger',
        dedup_key: 'storm',
        payload: { summary: 'Same problem', source: 'db', severity: 'critical' },
      };
      const responses = await Promise.all(Array.from({ length: 50 }, () => pd(body)));
      assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([202]));
      const storm = (await alertsFor(w.ids.pagerduty)).filter((a) => a.dedupKey === 'storm');
      assert.equal(storm.length, 1);
      assert.equal(storm[0]?.eventCount, 50);
    });

    it('opens a new alert for a trigger after a resolve, and ignores acknowledge/resolve of unknown keys with 202', async () => {
      const trigger = {
        event_action: 'trigger',
        dedup_key: 'flip',
        payload: { summary: 'Flip', source: 'db', severity: 'error' },
      };
      const flips = async () =>
        (await alertsFor(w.ids.pagerduty))
          .filter((a) => a.dedupKey === 'flip')
          .map((a) => `${a.status} ${String(a.eventCount)}`)
          .sort();
      // All in one pipeline batch, then each step in a batch of its own (the pipeline keeps
      // the open alerts it wrote in memory; a resolved one must not be counted into).
      await pd(trigger);
      await pd({ event_action: 'resolve', dedup_key: 'flip' });
      await pd(trigger);
      assert.deepEqual(await flips(), ['resolved 1', 'triggered 1']);
      await pd({ event_action: 'resolve', dedup_key: 'flip' });
      assert.deepEqual(await flips(), ['resolved 1', 'resolved 1']);
      await pd(trigger);
      assert.deepEqual(await flips(), ['resolved 1', 'resolved 1', 'triggered 1']);
      await pd(trigger);
      assert.deepEqual(await flips(), ['resolved 1', 'resolved 1', 'triggered 2']);
      for (const action of ['acknowledge', 'resolve']) {
        const response = await pd({ event_action: action, dedup_key: 'never-seen' });
        assert.equal(response.status, 202);
      }
      assert.equal(
        (await alertsFor(w.ids.pagerduty)).some((a) => a.dedupKey === 'never-seen'),
        false,
      );
    });

    it('acknowledges an alert from the sender and keeps it acknowledged through repeats', async () => {
      const trigger = {
        event_action: 'trigger',
        dedup_key: 'acked',
        payload: { summary: 'Acked', source: 'db', severity: 'error' },
      };
      await pd(trigger);
      await pd({ event_action: 'acknowledge', dedup_key: 'acked' });
      await pd(trigger);
      const [alert] = (await alertsFor(w.ids.pagerduty)).filter((a) => a.dedupKey === 'acked');
      assert.deepEqual([alert?.status, alert?.eventCount], ['acknowledged', 2]);
    });

    it('keeps the latest trigger’s payload through an acknowledge and a resolve processed later, and replaces it on a new trigger', async () => {
      const trigger = (summary: string) => ({
        event_action: 'trigger',
        dedup_key: 'payload-kept',
        payload: {
          summary,
          source: 'db-1',
          severity: 'critical',
          component: 'postgres',
          custom_details: { replicas: 2 },
        },
        links: [{ href: 'https://grafana.example.com/d/db', text: 'Dashboard' }],
      });
      const detail = async () => {
        const [alert] = (await alertsFor(w.ids.pagerduty)).filter(
          (a) => a.dedupKey === 'payload-kept',
        );
        return (await owner.get(`/api/alerts/${alert?.id ?? ''}`)).json.alert as Record<
          string,
          unknown
        >;
      };
      await pd(trigger('Replica lag 40 s'));
      await pd(trigger('Replica lag 90 s'));
      const expected = {
        summary: 'Replica lag 90 s',
        severity: 'critical',
        source: 'db-1',
        component: 'postgres',
        details: { replicas: 2 },
        links: [{ href: 'https://grafana.example.com/d/db', text: 'Dashboard' }],
      };
      const pick = (a: Record<string, unknown>) =>
        Object.fromEntries(Object.keys(expected).map((k) => [k, a[k]]));
      assert.deepEqual(pick(await detail()), expected);
      // Each in its own pipeline batch: the stored alert is read back between them.
      await pd({ event_action: 'acknowledge', dedup_key: 'payload-kept' });
      const acknowledged = await detail();
      assert.deepEqual([acknowledged.status, acknowledged.eventCount], ['acknowledged', 2]);
      assert.deepEqual(pick(acknowledged), expected);
      await pd(trigger('Replica lag 300 s'));
      const repeated = await detail();
      assert.deepEqual(
        [repeated.status, repeated.eventCount, repeated.summary],
        ['acknowledged', 3, 'Replica lag 300 s'],
      );
      await pd({ event_action: 'resolve', dedup_key: 'payload-kept' });
      const resolved = await detail();
      assert.equal(resolved.status, 'resolved');
      assert.deepEqual(pick(resolved), { ...expected, summary: 'Replica lag 300 s' });
    });

    it('turns each Alertmanager alert into its own alert, and resolves it when resolved arrives', async () => {
      const body = samplePayload('alertmanager-webhook-v4.json');
      const response = await send(t, `/api/intake/alertmanager/${w.keys.alertmanager}`, body);
      assert.equal(response.status, 202);
      assert.deepEqual(response.json, { status: 'accepted', events: 2 });
      await send(t, `/api/intake/alertmanager/${w.keys.alertmanager}`, body); // Alertmanager re-sends the group
      let alerts = await alertsFor(w.ids.alertmanager);
      assert.deepEqual(alerts.map((a) => [a.dedupKey, a.eventCount, a.status]).sort(), [
        ['5c2f3e1a9b7d4c10', 2, 'triggered'],
        ['a81e0c44d2f96b37', 2, 'triggered'],
      ]);
      const resolved = structuredClone(body) as { status: string; alerts: { status: string }[] };
      resolved.status = 'resolved';
      for (const a of resolved.alerts) a.status = 'resolved';
      await send(t, `/api/intake/alertmanager/${w.keys.alertmanager}`, resolved);
      alerts = await alertsFor(w.ids.alertmanager);
      assert.deepEqual(
        alerts.map((a) => a.status),
        ['resolved', 'resolved'],
      );
    });

    it('accepts the Grafana sample', async () => {
      const response = await send(
        t,
        `/api/intake/grafana/${w.keys.grafana}`,
        samplePayload('grafana-alerting-webhook.json'),
      );
      assert.equal(response.status, 202);
      const [alert] = await alertsFor(w.ids.grafana);
      assert.equal(alert?.summary, 'Disk usage on db-1 is above 85%');
    });

    it('accepts a Sentry webhook only with a valid Sentry-Hook-Signature', async () => {
      const raw = JSON.stringify(samplePayload('sentry-issue-alert-webhook.json'));
      const good = createHmac('sha256', sentrySecret).update(raw).digest('hex');
      const headers = { 'sentry-hook-resource': 'event_alert' };
      const forged = [
        undefined,
        '',
        good.toUpperCase(),
        good.slice(0, 32),
        createHmac('sha256', 'wrong').update(raw).digest('hex'),
        `${good} ${good}`,
      ];
      for (const signature of forged) {
        const response = await send(
          t,
          `/api/intake/sentry/${w.keys.sentry}`,
          raw,
          signature === undefined ? headers : { ...headers, 'sentry-hook-signature': signature },
        );
        assert.equal(response.status, 401, String(signature));
        assert.equal(response.json.error.code, 'signature_invalid');
      }
      assert.deepEqual(await alertsFor(w.ids.sentry), [], 'nothing stored for forged requests');
      const accepted = await send(t, `/api/intake/sentry/${w.keys.sentry}`, raw, {
        ...headers,
        'sentry-hook-signature': good,
      });
      assert.equal(accepted.status, 202);
      const [alert] = await alertsFor(w.ids.sentry);
      assert.equal(alert?.dedupKey, 'issue:4512873390');
    });

    it('verifies Standard Webhooks signatures on the generic integration and ignores replays', async () => {
      const event = {
        summary: 'Queue backlog',
        severity: 'warning',
        dedup_key: 'queue',
        labels: { queue: 'emails' },
      };
      const first = await signedGeneric(event, 'msg_replay');
      assert.equal(first.status, 202);
      assert.deepEqual(first.json, { status: 'accepted', events: 1, dedupKeys: ['queue'] });
      const replay = await signedGeneric(event, 'msg_replay');
      assert.equal(replay.status, 200);
      assert.deepEqual(replay.json, { status: 'duplicate', duplicate: true });
      const [alert] = (await alertsFor(w.ids.generic)).filter((a) => a.dedupKey === 'queue');
      assert.equal(alert?.eventCount, 1, 'the replay changed nothing');

      const stale = await signedGeneric(event, 'msg_old', t.clock.now() / 1000 - 360);
      assert.equal(stale.status, 401);
      assert.equal(stale.json.error.code, 'timestamp_out_of_tolerance');
      const unsigned = await send(t, `/api/intake/generic/${w.keys.generic}`, event);
      assert.equal(unsigned.status, 401);
      assert.equal(unsigned.json.error.code, 'signature_invalid');
    });

    it('answers a database outage during the key lookup with 503 and Retry-After, an unexpected failure with 500, in the sender’s format', async () => {
      const integrations = t.app.steady.integrations;
      const lookup = integrations.lookupByKey.bind(integrations);
      const failWith = (error: Error) => {
        integrations.lookupByKey = () => Promise.reject(error);
      };
      try {
        failWith(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        // An uncached key, so the lookup reaches the (failing) database.
        const webhook = await send(t, `/api/intake/alertmanager/${'1'.repeat(32)}`, {
          version: '4',
          alerts: [],
        });
        assert.equal(webhook.status, 503, 'Alertmanager retries 5xx');
        assert.equal(webhook.headers['retry-after'], '5');
        assert.equal(webhook.json.error.code, 'unavailable');
        const pagerDuty = await send(t, '/v2/enqueue', {
          routing_key: '2'.repeat(32),
          event_action: 'trigger',
          payload: { summary: 's', source: 'x', severity: 'info' },
        });
        assert.equal(pagerDuty.status, 503);
        assert.equal(pagerDuty.json.status, 'unavailable');

        failWith(new Error('a bug'));
        const broken = await send(t, `/api/intake/generic/${'3'.repeat(32)}`, { summary: 's' });
        assert.equal(broken.status, 500);
        assert.equal(broken.json.error.code, 'internal_error');
        assert.doesNotMatch(broken.text, /a bug/, 'internals do not leak');
        assert.equal(broken.headers['x-request-id'], broken.json.error.requestId);
      } finally {
        integrations.lookupByKey = lookup;
      }
    });

    it('never refuses a valid key because of other keys’ failures from the same address', async () => {
      // Everyone behind one NAT or reverse proxy shares an address (here: every request's).
      // 100 unknown keys (a guesser, or a stale key in one Alertmanager's config) used to
      // make that address's valid generic, PagerDuty, Alertmanager and heartbeat requests 404.
      for (let i = 0; i < 100; i++) {
        const unknown = await send(t, `/api/intake/generic/stale${String(i).padStart(28, '0')}`, {
          summary: 'x',
        });
        assert.equal(unknown.status, 404);
        if (i === 60) break; // the 61st is the first over the limit
      }
      const guessed = performance.now();
      const overLimit = await send(t, `/api/intake/generic/${'9'.repeat(32)}`, { summary: 'x' });
      assert.equal(overLimit.status, 404);
      assert.ok(performance.now() - guessed >= 900, 'an unknown key past the limit waits');
      const nat = await wireService(owner, 'behind-nat');
      const started = performance.now();
      const generic = await send(t, `/api/intake/generic/${nat.keys.generic}`, {
        summary: 'still accepted',
        dedup_key: 'behind-the-nat',
      });
      assert.equal(generic.status, 202, generic.text);
      const pagerDuty = await send(t, '/v2/enqueue', {
        ...samplePayload('pagerduty-events-v2-enqueue.json'),
        routing_key: nat.keys.pagerduty,
      });
      assert.equal(pagerDuty.status, 202, pagerDuty.text);
      const alertmanager = await send(t, `/api/intake/alertmanager/${nat.keys.alertmanager}`, {
        version: '4',
        status: 'firing',
        receiver: 'steady',
        groupKey: '{}:{}',
        alerts: [{ status: 'firing', labels: { alertname: 'BehindNat' }, annotations: {} }],
      });
      assert.equal(alertmanager.status, 202, alertmanager.text);
      const ping = await t.app.inject({ method: 'GET', url: `/ping/${nat.keys.heartbeat}` });
      assert.equal(ping.statusCode, 200, ping.body);
      assert.ok(performance.now() - started < 900, 'valid keys pay no pause');
    });

    it('tells the holder of a key what it is for, and nobody else', async () => {
      const pd = await t.client().get(`/api/intake/keys/${w.keys.pagerduty}`);
      assert.equal(pd.status, 200, pd.text);
      assert.equal(pd.json.type, 'pagerduty');
      assert.equal(pd.json.intakePath, '/v2/enqueue');
      const generic = await t.client().get(`/api/intake/keys/${w.keys.generic}`);
      assert.equal(generic.json.type, 'generic');
      assert.equal(generic.json.intakePath, `/api/intake/generic/${w.keys.generic}`);
      const unknown = await t.client().get(`/api/intake/keys/${'0'.repeat(32)}`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.message, 'No integration has this key, or it is disabled.');
    });

    it('answers unknown, malformed, disabled and wrong-format keys without revealing which', async () => {
      const unknown = await send(t, `/api/intake/alertmanager/${'0'.repeat(32)}`, {
        version: '4',
        alerts: [],
      });
      const malformed = await send(t, '/api/intake/alertmanager/not-a-key', {
        version: '4',
        alerts: [],
      });
      const { json: service } = await owner.post('/api/services', { name: 'disabled-one' });
      const { json: created } = await owner.post('/api/integrations', {
        serviceId: service.id,
        type: 'alertmanager',
      });
      await owner.patch(`/api/integrations/${created.integration.id}`, { enabled: false });
      const disabled = await send(t, `/api/intake/alertmanager/${created.key}`, {
        version: '4',
        alerts: [],
      });
      const strip = (r: { status: number; json: { error: { code: string; message: string } } }) => [
        r.status,
        r.json.error.code,
        r.json.error.message,
      ];
      assert.deepEqual(strip(unknown), [
        404,
        'not_found',
        'No integration has this key, or it is disabled.',
      ]);
      assert.deepEqual(strip(malformed), strip(unknown));
      assert.deepEqual(strip(disabled), strip(unknown));
      const wrongFormat = await send(t, `/api/intake/grafana/${w.keys.alertmanager}`, {
        version: '4',
        alerts: [],
      });
      assert.equal(wrongFormat.status, 400);
      assert.match(wrongFormat.json.error.message, /send to \/api\/intake\/alertmanager\/<key>/);
      const unknownFormat = await send(t, `/api/intake/nagios/${w.keys.alertmanager}`, {});
      assert.equal(unknownFormat.status, 404);
    });

    it('limits each integration’s rate with sender-aware status codes', async () => {
      const { json: service } = await owner.post('/api/services', { name: 'noisy' });
      const amKey = (
        await owner.post('/api/integrations', {
          serviceId: service.id,
          type: 'alertmanager',
          rateLimitPerMinute: 2,
        })
      ).json.key;
      const pdKey = (
        await owner.post('/api/integrations', {
          serviceId: service.id,
          type: 'pagerduty',
          rateLimitPerMinute: 2,
        })
      ).json.key;
      const am = () => send(t, `/api/intake/alertmanager/${amKey}`, { version: '4', alerts: [] });
      const page = () =>
        send(t, '/v2/enqueue', {
          routing_key: pdKey,
          event_action: 'trigger',
          payload: { summary: 'x', source: 'y', severity: 'info' },
        });
      assert.deepEqual([(await am()).status, (await am()).status], [202, 202]);
      const limited = await am();
      assert.equal(limited.status, 503, 'Alertmanager retries only 5xx');
      assert.match(String(limited.headers['retry-after']), /^\d+$/);
      await page();
      await page();
      const throttled = await page();
      assert.equal(throttled.status, 429, 'PagerDuty senders retry 429');
      assert.equal(throttled.json.status, 'throttle event');
      t.clock.advance(60_000);
      assert.equal((await am()).status, 202, 'a new minute');
    });

    it('keeps only the newest 50 rejected requests per integration, readable by admins', async () => {
      for (let i = 0; i < 55; i++) {
        await send(t, `/api/intake/alertmanager/${w.keys.alertmanager}`, `{"broken": ${i}`);
        if (i % 15 === 14) t.clock.advance(10_000); // rejection recording is itself rate-limited
      }
      const list = await owner.get(`/api/integrations/${w.ids.alertmanager}/rejections`);
      assert.equal(list.status, 200);
      assert.equal(list.json.items.length, 50);
      assert.equal(list.json.items[0].code, 'invalid_json');
      assert.equal(list.json.items[0].bodyExcerpt, '{"broken": 54');
    });
  });
}
