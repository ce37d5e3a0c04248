import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import type { HttpClient } from '../harness/http-client.ts';
import { drain, send, wireService, type Wired } from '../harness/intake.ts';
import { setupOwner, startTestApp, userWithRole, type TestApp } from '../harness/test-app.ts';

const s = 1000;

interface Incident {
  id: string;
  number: number;
  status: string;
  resolution: string | null;
  alertCount: number;
  notificationCount: number;
  priority: string;
  serviceIds: string[];
}

for (const engine of engines) {
  describe(`incidents and noise control (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
    });
    after(() => t.close());

    /** Sends Steady-JSON events to a service's generic integration. */
    const fire = (svc: Wired, events: Record<string, unknown>[]) =>
      send(t, `/api/intake/generic/${svc.keys.generic}`, events).then((r) => {
        assert.equal(r.status, 202, r.text);
      });
    const runTimers = async () => {
      await drain(t);
      await t.app.steady.ctx.scheduler.runDue();
    };
    const incidentsOf = async (svc: Wired): Promise<Incident[]> =>
      (await owner.get(`/api/incidents?serviceId=${svc.serviceId}`)).json.items as Incident[];
    const detail = async (id: string | number) => (await owner.get(`/api/incidents/${id}`)).json;

    it('a routine failover (16 disconnects in 5 s, all resolved within 20 s) pages no one and self-heals', async () => {
      const db = await wireService(owner, 'orders-db');
      const start = t.clock.now();
      for (let i = 0; i < 16; i++) {
        await fire(db, [
          {
            summary: `Connection lost to db replica ${i}`,
            dedup_key: `disc-${i}`,
            class: 'DbDisconnect',
            severity: 'critical',
          },
        ]);
        t.clock.advance(300);
      }
      await runTimers();
      t.clock.set(start + 12 * s);
      for (let i = 0; i < 16; i++) {
        await fire(db, [{ status: 'resolve', dedup_key: `disc-${i}` }]);
        t.clock.advance(400);
      }
      await runTimers();
      t.clock.set(start + 31 * s);
      await runTimers();
      t.clock.set(start + 5 * 3600 * s);
      await runTimers();

      const list = await incidentsOf(db);
      assert.equal(list.length, 1, 'one visible incident');
      const [incident] = list as [Incident];
      assert.equal(incident.status, 'resolved');
      assert.equal(incident.resolution, 'self_healed');
      assert.equal(incident.alertCount, 16);
      assert.equal(incident.notificationCount, 0);
      const d = await detail(incident.number);
      assert.equal(d.notifications.length, 0, 'zero notifications due');
      assert.equal(
        d.timeline.filter((e: { kind: string }) => e.kind === 'self_resolved').length,
        16,
      );
      assert.match(d.timeline.at(-1).message, /routine failover/);
      assert.ok(d.alerts.every((a: { noise: string }) => a.noise === 'self_resolved'));
      const sequences: number[] = d.timeline.map((e: { sequence: number }) => e.sequence);
      assert.deepEqual(
        sequences,
        sequences.map((_: number, i: number) => i + 1),
      );
      assert.equal(d.timelineOmitted, 0, 'a short timeline is listed whole');
    });

    it('batches a burst into one notification, new alerts into updates, and repeats until acknowledged', async () => {
      const api = await wireService(owner, 'checkout-api');
      const start = t.clock.now();
      await fire(
        api,
        ['a', 'b', 'c'].map((k) => ({
          summary: `5xx on pod ${k}`,
          dedup_key: k,
          class: 'High5xx',
          severity: 'error',
        })),
      );
      await runTimers();
      let [incident] = (await incidentsOf(api)) as [Incident];
      assert.equal(incident.notificationCount, 0, 'nothing before group_wait');
      assert.equal(incident.priority, 'P2');

      t.clock.set(start + 30 * s);
      await runTimers();
      let d = await detail(incident.id);
      assert.equal(d.notifications.length, 1);
      assert.equal(d.notifications[0].kind, 'initial');
      assert.equal(
        d.notifications[0].alertIds.length,
        3,
        'the burst is one message listing all three',
      );

      t.clock.set(start + 60 * s);
      await fire(api, [
        { summary: '5xx on pod d', dedup_key: 'd', class: 'High5xx', severity: 'critical' },
      ]);
      await runTimers();
      d = await detail(incident.id);
      assert.equal(d.notifications.length, 1, 'the new alert waits for group_interval');
      assert.equal(d.incident.priority, 'P1', 'a critical alert raises the priority');

      t.clock.set(start + 330 * s);
      await runTimers();
      d = await detail(incident.id);
      assert.equal(d.notifications.length, 2);
      assert.equal(d.notifications[1].kind, 'update');
      assert.equal(d.notifications[1].alertIds.length, 1);

      t.clock.set(start + 330 * s + 4 * 3600 * s);
      await runTimers();
      d = await detail(incident.id);
      assert.equal(d.notifications.length, 3);
      assert.equal(d.notifications[2].kind, 'repeat');

      const ack = await owner.post(`/api/incidents/${incident.number}/acknowledge`, {
        note: 'on it',
      });
      assert.equal(ack.status, 200, ack.text);
      assert.equal(ack.json.status, 'acknowledged');
      t.clock.set(start + 330 * s + 9 * 3600 * s);
      await runTimers();
      d = await detail(incident.id);
      assert.equal(d.notifications.length, 3, 'no repeats once acknowledged');
      assert.ok(
        d.timeline.some(
          (e: { kind: string; actor: string; message: string }) =>
            e.kind === 'acknowledged' && e.actor === 'Olive Owner' && /on it/.test(e.message),
        ),
      );

      // Everything resolves: the incident resolves itself, saying why.
      await fire(
        api,
        ['a', 'b', 'c', 'd'].map((k) => ({ status: 'resolve', dedup_key: k })),
      );
      await runTimers();
      [incident] = (await incidentsOf(api)) as [Incident];
      assert.equal(incident.status, 'resolved');
      assert.equal(incident.resolution, 'auto');
      d = await detail(incident.id);
      assert.match(d.timeline.at(-1).message, /every alert has resolved/);
    });

    it('pages once for a storm of 250 alerts; the notification, the timeline and the incident name the first 100, the rest a page at a time', async () => {
      const svc = await wireService(owner, 'edge-proxy');
      const start = t.clock.now();
      await fire(
        svc,
        Array.from({ length: 250 }, (_, i) => ({
          summary: `TLS handshake failures on edge ${i}`,
          dedup_key: `edge-${i}`,
          class: 'TlsHandshake',
        })),
      );
      await runTimers();
      const [incident] = (await incidentsOf(svc)) as [Incident];
      t.clock.set(start + 30 * s);
      await runTimers();
      const d = await detail(incident.id);
      assert.equal(d.notifications.length, 1);
      assert.equal(d.notifications[0].alertCount, 250);
      assert.equal(d.notifications[0].alertIds.length, 100, 'the notification names the first 100');
      const due = d.timeline.find((e: { kind: string }) => e.kind === 'notification_due');
      assert.match(due.message, /opened with 250 alerts/);
      assert.equal(due.data.alertCount, 250);
      assert.equal(due.data.alertIds.length, 100, 'the timeline names the first 100');

      // The incident's own view: its first 100 alerts, oldest first, and a cursor for the rest.
      assert.equal(d.incident.alertCount, 250);
      assert.equal(d.alerts.length, 100);
      assert.deepEqual(
        d.alerts.map((a: { dedupKey: string }) => a.dedupKey),
        Array.from({ length: 100 }, (_, i) => `edge-${i}`),
      );
      assert.deepEqual(
        d.notifications[0].alertIds,
        d.alerts.map((a: { id: string }) => a.id),
      );
      assert.equal(typeof d.alertsNextCursor, 'string');
      const seen = d.alerts.map((a: { id: string }) => a.id);
      let cursor: string | null = d.alertsNextCursor;
      let pages = 0;
      while (cursor !== null) {
        const page = await owner.get(
          `/api/incidents/${incident.number}/alerts?limit=60&cursor=${encodeURIComponent(cursor)}`,
        );
        assert.equal(page.status, 200, page.text);
        assert.ok(page.json.items.length <= 60);
        seen.push(...page.json.items.map((a: { id: string }) => a.id));
        cursor = page.json.nextCursor;
        pages++;
      }
      assert.equal(pages, 3, '150 more alerts in pages of 60');
      assert.equal(new Set(seen).size, 250, 'every alert exactly once');
      const first = await owner.get(`/api/incidents/${incident.id}/alerts`);
      assert.deepEqual(
        first.json.items.map((a: { id: string }) => a.id),
        seen.slice(0, 100),
        'without a cursor: the first page, 100 by default',
      );
      assert.equal(first.json.items[0].noise, null);

      const badCursor = await owner.get(`/api/incidents/${incident.id}/alerts?cursor=bm9wZQ`);
      assert.equal(badCursor.status, 400);
      assert.equal(badCursor.json.error.field, 'cursor');
      const badLimit = await owner.get(`/api/incidents/${incident.id}/alerts?limit=201`);
      assert.equal(badLimit.status, 400);
      assert.match(badLimit.text, /limit/);
      const unknown = await owner.get('/api/incidents/999999/alerts');
      assert.equal(unknown.status, 404);
    });

    it('shows a storm incident’s first timeline entries and its latest, so what people did stays in view', async () => {
      const svc = await wireService(owner, 'cdn-edge');
      for (let r = 0; r < 3; r++)
        await fire(
          svc,
          Array.from({ length: 700 }, (_, i) => ({
            summary: `Origin unreachable from PoP ${r}-${i}`,
            dedup_key: `pop-${r}-${i}`,
            class: 'OriginUnreachable',
          })),
        );
      await runTimers();
      const [incident] = (await incidentsOf(svc)) as [Incident];
      assert.equal(incident.alertCount, 2100);
      const ack = await owner.post(`/api/incidents/${incident.id}/acknowledge`, {});
      assert.equal(ack.status, 200, ack.text);
      const d = await detail(incident.id);
      const sequences: number[] = d.timeline.map((e: { sequence: number }) => e.sequence);
      const omitted = d.timelineOmitted as number;
      assert.equal(d.timeline.length, 2000);
      assert.equal(d.timeline[0].kind, 'opened');
      assert.equal(d.timeline.at(-1).kind, 'acknowledged');
      assert.ok(sequences.every((n, i) => i === 0 || n > (sequences[i - 1] ?? 0)));
      assert.equal(sequences[99], 100, 'the first 100 entries');
      assert.equal(omitted, (sequences.at(-1) ?? 0) - 2000, 'the middle, counted');
      assert.equal(sequences[100], 100 + omitted + 1);
    });

    it('groups by class within a service; one open incident per group key is a database guarantee', async () => {
      const svc = await wireService(owner, 'search');
      await fire(svc, [
        { summary: 'Index stale on node 1', dedup_key: 'i1', class: 'IndexStale' },
        { summary: 'Index stale on node 2', dedup_key: 'i2', class: 'IndexStale' },
        { summary: 'Query latency high', dedup_key: 'q1', class: 'Latency' },
      ]);
      await runTimers();
      const list = await incidentsOf(svc);
      assert.deepEqual(list.map((i) => i.alertCount).sort(), [1, 2]);

      const [first] = list as [Incident];
      const row = await t.app.steady.ctx.store.db
        .selectFrom('incidents')
        .selectAll()
        .where('id', '=', first.id)
        .executeTakeFirstOrThrow();
      await assert.rejects(
        t.app.steady.ctx.store.db
          .insertInto('incidents')
          .values({ ...row, id: `${row.id.slice(0, -4)}ffff`, number: 99_999 })
          .execute(),
        /unique|UNIQUE/,
      );
    });

    it('opens a new incident for the group once the group window has passed', async () => {
      const svc = await wireService(owner, 'cron-jobs');
      await owner.patch(`/api/services/${svc.serviceId}/noise-rules`, { groupWindowSeconds: 60 });
      await fire(svc, [{ summary: 'Job failed: nightly', dedup_key: 'j1', class: 'JobFailed' }]);
      await runTimers();
      t.clock.advance(120 * s);
      await fire(svc, [{ summary: 'Job failed: hourly', dedup_key: 'j2', class: 'JobFailed' }]);
      await runTimers();
      const list = await incidentsOf(svc);
      assert.equal(list.length, 2);
      assert.ok(list.every((i) => i.status === 'triggered' && i.alertCount === 1));
      const older = await detail(list[1]?.id ?? '');
      assert.ok(older.timeline.some((e: { kind: string }) => e.kind === 'group_closed'));
    });

    it('merges one incident into another and splits alerts out into a new one', async () => {
      const svc = await wireService(owner, 'storage');
      await fire(svc, [
        { summary: 'Disk slow on s1', dedup_key: 'd1', class: 'DiskSlow' },
        { summary: 'Disk slow on s2', dedup_key: 'd2', class: 'DiskSlow' },
        { summary: 'Replication lag', dedup_key: 'r1', class: 'ReplicationLag' },
      ]);
      await runTimers();
      const [lag, slow] = (await incidentsOf(svc)) as [Incident, Incident];
      assert.equal(slow.alertCount, 2);
      const self = await owner.post(`/api/incidents/${slow.id}/merge`, {
        into: String(slow.number),
      });
      assert.equal(self.status, 400);
      assert.equal(self.json.error.field, 'into');

      const merged = await owner.post(`/api/incidents/${lag.id}/merge`, {
        into: String(slow.number),
        note: 'same root cause',
      });
      assert.equal(merged.status, 200, merged.text);
      assert.equal(merged.json.alertCount, 3);
      const source = await detail(lag.id);
      assert.equal(source.incident.status, 'resolved');
      assert.equal(source.incident.resolution, 'merged');
      assert.match(source.timeline.at(-1).message, new RegExp(`Merged into #${slow.number}`));

      const target = await detail(slow.id);
      const lagAlert = target.alerts.find(
        (a: { summary: string }) => a.summary === 'Replication lag',
      );
      const wrong = await owner.post(`/api/incidents/${slow.id}/split`, { alertIds: ['nope'] });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.json.error.field, 'alertIds[0]');
      const split = await owner.post(`/api/incidents/${slow.id}/split`, {
        alertIds: [lagAlert.id],
        title: 'Replica lag is separate',
      });
      assert.equal(split.status, 201, split.text);
      assert.equal(split.json.alertCount, 1);
      assert.equal(split.json.title, 'Replica lag is separate');
      assert.equal((await detail(slow.id)).incident.alertCount, 2);
      const all = await owner.post(`/api/incidents/${split.json.id}/split`, {
        alertIds: [lagAlert.id],
      });
      assert.equal(all.status, 400, 'cannot split out every alert');
    });

    it('holds alerts below a threshold until N events arrive within T', async () => {
      const svc = await wireService(owner, 'webhooks');
      const rules = await owner.patch(`/api/services/${svc.serviceId}/noise-rules`, {
        thresholds: [{ count: 5, windowSeconds: 120 }],
      });
      assert.equal(rules.status, 200, rules.text);
      assert.equal(rules.json.groupWaitSeconds, 30, 'other rules keep their defaults');
      for (let i = 0; i < 4; i++) {
        await fire(svc, [
          { summary: `Webhook delivery failed ${i}`, dedup_key: `w${i}`, class: 'WebhookFailed' },
        ]);
        t.clock.advance(10 * s);
      }
      await runTimers();
      assert.equal((await incidentsOf(svc)).length, 0, 'below the threshold nothing opens');
      const alerts = (await owner.get(`/api/alerts?serviceId=${svc.serviceId}`)).json.items;
      assert.equal(alerts.length, 4, 'but the alerts are visible');
      await fire(svc, [
        { summary: 'Webhook delivery failed 4', dedup_key: 'w4', class: 'WebhookFailed' },
      ]);
      await runTimers();
      const [incident] = (await incidentsOf(svc)) as [Incident];
      assert.equal(incident.alertCount, 5, 'the waiting alerts join the incident');
      const d = await detail(incident.id);
      assert.ok(d.timeline.some((e: { kind: string }) => e.kind === 'threshold_reached'));
      assert.ok(d.alerts.every((a: { noise: string | null }) => a.noise === null));
    });

    it('refuses rules that make no sense, naming the field', async () => {
      const svc = await wireService(owner, 'rules-check');
      const cases: [Record<string, unknown>, string][] = [
        [{ groupWaitSeconds: -1 }, 'groupWaitSeconds'],
        [{ groupIntervalSeconds: 90_000, repeatIntervalSeconds: 3600 }, 'groupIntervalSeconds'],
        [{ thresholds: [{ count: 1, windowSeconds: 60 }] }, 'thresholds/0/count'],
        [
          {
            thresholds: [
              {
                count: 3,
                windowSeconds: 60,
                matchers: [{ label: 'a', op: '=~', value: '(x)\\1' }],
              },
            ],
          },
          'thresholds[0].matchers[0].value',
        ],
        [{ groupBy: 'class' }, 'groupBy'],
      ];
      for (const [body, field] of cases) {
        const response = await owner.patch(`/api/services/${svc.serviceId}/noise-rules`, body);
        assert.equal(response.status, 400, JSON.stringify(body));
        const normal = (f: string) => f.replace(/\[(\d+)\]/g, '/$1').replaceAll('.', '/');
        assert.equal(
          normal(String(response.json.error.field)),
          normal(field),
          JSON.stringify(body),
        );
      }
      assert.equal(
        (await owner.get(`/api/services/${svc.serviceId}/noise-rules`)).json.groupWaitSeconds,
        30,
        'nothing changed',
      );
    });

    it('silences matching alerts (stored, visible, never paged) and lets them page when the silence ends', async () => {
      const svc = await wireService(owner, 'queue');
      const bad = await owner.post('/api/silences', {
        reason: 'x',
        endsAt: new Date(t.clock.now() + 3600 * s).toISOString(),
        matchers: [{ label: 'class', op: '=~', value: '(x)\\1' }],
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.field, 'matchers[0].value');
      for (const endsAt of ['tomorrow', '2026-02-30T25:00:00Z', '2026-11-22T10:00:00']) {
        const badDate = await owner.post('/api/silences', {
          reason: 'x',
          endsAt,
          matchers: [{ label: 'class', op: '=', value: 'X' }],
        });
        assert.equal(badDate.status, 400, endsAt);
        assert.equal(badDate.json.error.field, 'endsAt', endsAt);
      }
      const everything = await owner.post('/api/silences', {
        reason: 'x',
        endsAt: new Date(t.clock.now() + 3600 * s).toISOString(),
      });
      assert.equal(everything.status, 400, 'a silence of everything is refused');

      const silence = await owner.post('/api/silences', {
        reason: 'Broker upgrade',
        endsAt: new Date(t.clock.now() + 3600 * s).toISOString(),
        matchers: [{ label: 'class', op: '=~', value: 'Queue.*' }],
      });
      assert.equal(silence.status, 201, silence.text);
      assert.equal(silence.json.state, 'active');
      await fire(svc, [{ summary: 'Queue depth high', dedup_key: 'qd', class: 'QueueDepth' }]);
      await runTimers();
      assert.equal((await incidentsOf(svc)).length, 0);
      const [alert] = (await owner.get(`/api/alerts?serviceId=${svc.serviceId}`)).json.items;
      assert.equal(alert.status, 'triggered');

      const expired = await owner.post(`/api/silences/${silence.json.id}/expire`, {});
      assert.equal(expired.status, 200, expired.text);
      assert.equal(expired.json.state, 'expired');
      const [incident] = (await incidentsOf(svc)) as [Incident];
      assert.ok(incident, 'the alert still fires, so it opens an incident now');
      t.clock.advance(31 * s);
      await runTimers();
      assert.equal((await detail(incident.id)).notifications.length, 1);
    });

    it('a maintenance window keeps a whole service quiet until it ends (by its timer)', async () => {
      const svc = await wireService(owner, 'billing-batch');
      const window = await owner.post('/api/silences', {
        kind: 'maintenance',
        serviceIds: [svc.serviceId],
        reason: 'Monthly close',
        endsAt: new Date(t.clock.now() + 600 * s).toISOString(),
      });
      assert.equal(window.status, 201, window.text);
      await fire(svc, [{ summary: 'Batch slow', dedup_key: 'b1', class: 'Slow' }]);
      await runTimers();
      assert.equal((await incidentsOf(svc)).length, 0);
      t.clock.advance(601 * s);
      await runTimers();
      assert.equal(
        (await incidentsOf(svc)).length,
        1,
        'the end-of-window job made the alert eligible',
      );
    });

    it('alerts of services that depend on a failing upstream join its incident as symptoms', async () => {
      const provider = await wireService(owner, 'payments-provider');
      const payments = await wireService(owner, 'payments');
      const shop = await wireService(owner, 'shop');
      assert.equal(
        (
          await owner.put(`/api/services/${payments.serviceId}/dependencies`, {
            dependsOn: [provider.serviceId],
          })
        ).status,
        200,
      );
      assert.equal(
        (
          await owner.put(`/api/services/${shop.serviceId}/dependencies`, {
            dependsOn: [payments.serviceId],
          })
        ).status,
        200,
      );
      const self = await owner.put(`/api/services/${shop.serviceId}/dependencies`, {
        dependsOn: [shop.serviceId],
      });
      assert.equal(self.status, 400);
      assert.equal(self.json.error.field, 'dependsOn[0]');

      await fire(provider, [
        {
          summary: 'Provider API timeouts',
          dedup_key: 'p1',
          class: 'Timeouts',
          severity: 'critical',
        },
      ]);
      await runTimers();
      await fire(payments, [
        { summary: 'Charges failing', dedup_key: 'c1', class: 'ChargeErrors' },
      ]);
      await fire(shop, [{ summary: 'Checkout errors', dedup_key: 's1', class: 'CheckoutErrors' }]);
      await runTimers();
      assert.equal((await incidentsOf(payments)).length, 0);
      assert.equal((await incidentsOf(shop)).length, 0);
      const [incident] = (await incidentsOf(provider)) as [Incident];
      assert.equal(incident.alertCount, 3);
      assert.deepEqual(
        new Set(incident.serviceIds),
        new Set([provider.serviceId, payments.serviceId, shop.serviceId]),
      );
      const d = await detail(incident.id);
      const symptom = d.timeline.find(
        (e: { kind: string; message: string }) =>
          e.kind === 'symptom_joined' && /Checkout errors/.test(e.message),
      );
      assert.match(symptom.message, /shop → payments → payments-provider/);
      t.clock.advance(31 * s);
      await runTimers();
      const notes = (await detail(incident.id)).notifications;
      assert.equal(notes.length, 1);
      assert.equal(notes[0].alertIds.length, 1, 'symptoms do not page');

      const graph = await owner.get('/api/service-graph');
      assert.equal(graph.status, 200);
      assert.ok(
        graph.json.edges.some(
          (e: { from: string; to: string }) =>
            e.from === shop.serviceId && e.to === payments.serviceId,
        ),
      );
      assert.equal(
        graph.json.nodes.find((n: { id: string }) => n.id === provider.serviceId).openIncidents,
        1,
      );
    });

    it('marks an alert that flaps and pages for it at most once per repeat_interval', async () => {
      const svc = await wireService(owner, 'flappy');
      const start = t.clock.now();
      for (let i = 0; i < 6; i++) {
        await fire(svc, [{ summary: 'Health check failing', dedup_key: 'hc', class: 'Health' }]);
        t.clock.advance(40 * s);
        await runTimers();
        await fire(svc, [{ status: 'resolve', dedup_key: 'hc' }]);
        t.clock.advance(20 * s);
        await runTimers();
      }
      t.clock.set(start + 3600 * s);
      await runTimers();
      const list = await incidentsOf(svc);
      const notifications = list.reduce((n, i) => n + i.notificationCount, 0);
      assert.ok(
        notifications <= 5,
        `flapping stops paging (got ${notifications} notifications for 6 flaps)`,
      );
      const alerts = (await owner.get(`/api/alerts?serviceId=${svc.serviceId}`)).json.items as {
        id: string;
      }[];
      const noise = await t.app.steady.ctx.store.db
        .selectFrom('alerts')
        .select('noise')
        .where(
          'id',
          'in',
          alerts.map((a) => a.id),
        )
        .execute();
      assert.ok(noise.some((a) => a.noise === 'flapping'));
    });

    it('keeps an incident open after its alerts resolve when auto-resolve is off; people resolve and reopen', async () => {
      const svc = await wireService(owner, 'manual-close');
      await owner.patch(`/api/services/${svc.serviceId}/noise-rules`, { autoResolve: false });
      await fire(svc, [{ summary: 'Disk full', dedup_key: 'd1', class: 'Disk' }]);
      await runTimers();
      t.clock.advance(60 * s);
      await fire(svc, [{ status: 'resolve', dedup_key: 'd1' }]);
      await runTimers();
      const [incident] = (await incidentsOf(svc)) as [Incident];
      assert.equal(incident.status, 'triggered');

      const viewer = await userWithRole(t, owner, 'viewer');
      assert.equal((await viewer.post(`/api/incidents/${incident.id}/resolve`, {})).status, 403);
      const responder = await userWithRole(t, owner, 'responder');
      const resolved = await responder.post(`/api/incidents/${incident.id}/resolve`, {
        note: 'freed space',
      });
      assert.equal(resolved.status, 200, resolved.text);
      assert.equal(resolved.json.resolution, 'manual');
      assert.equal(
        (await responder.post(`/api/incidents/${incident.id}/acknowledge`, {})).status,
        409,
      );
      const reopened = await responder.post(`/api/incidents/${incident.id}/reopen`, {});
      assert.equal(reopened.json.status, 'triggered');
      const renamed = await responder.patch(`/api/incidents/${incident.id}`, {
        title: 'Disk full on db-1',
        priority: 'P0',
      });
      assert.equal(renamed.json.priority, 'P0');
      const kinds = (await detail(incident.id)).timeline.map((e: { kind: string }) => e.kind);
      for (const kind of [
        'opened',
        'alert_joined',
        'alert_resolved',
        'resolved',
        'reopened',
        'title_changed',
        'priority_changed',
      ])
        assert.ok(kinds.includes(kind), `timeline has ${kind}`);
      assert.equal((await owner.get('/api/incidents/does-not-exist')).status, 404);
      for (const [query, field] of [
        ['cursor=garbage', 'cursor'],
        ['priority=P9', 'priority'],
        ['status=bogus', 'status'],
        ['limit=100000', 'limit'],
      ] as const) {
        const response = await owner.get(`/api/incidents?${query}`);
        assert.equal(response.status, 400, query);
        assert.equal(response.json.error.field, field, query);
      }
      const unknownSilence = await owner.post(
        '/api/silences/0190c4a2-0000-7000-8000-000000000000/expire',
        {},
      );
      assert.equal(unknownSilence.status, 404);
    });
  });
}
