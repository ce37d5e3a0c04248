import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import type { HttpClient } from '../harness/http-client.ts';
import { drain, send } from '../harness/intake.ts';
import { setupOwner, startTestApp, type TestApp } from '../harness/test-app.ts';

// A recorded storm, replayed through HTTP: 100,000 Alertmanager events over 1,000 distinct
// alerts across 20 services. The upstream "core-db" fails first; five services depend on it,
// fourteen do not. Every alert is re-sent once a second for 100 seconds (as Alertmanager
// re-sends firing alerts); in the last round four independent services recover.
//
// What the rules imply (defaults: group by class, group_wait 30 s, repeat 4 h):
// - core-db: one incident (its 50 alerts share a class);
// - the 5 dependent services: no incidents of their own; their 250 alerts join core-db's
//   incident as symptoms, which page no one;
// - the 14 independent services: two classes each → 28 incidents;
// → 29 incidents, and exactly one notification due per incident (the initial one, listing
//   its own firing alerts), because nothing joins after group_wait and 100 s < repeat_interval.
// - the 4 recovering services' 8 incidents resolve automatically; 21 stay open.

const services = 20;
const alertsPerService = 50;
const rounds = 100;
const second = 1000;

interface Service {
  name: string;
  id: string;
  key: string;
}

function alertsFor(service: Service, status: 'firing' | 'resolved', upstream: boolean) {
  return Array.from({ length: alertsPerService }, (_, i) => ({
    status,
    labels: {
      alertname: upstream ? 'DatabaseDown' : i % 2 === 0 ? 'HighErrorRate' : 'HighLatency',
      instance: `${service.name}-${i}`,
      severity: upstream ? 'critical' : 'warning',
    },
    annotations: { summary: `${service.name} alert ${i}` },
    startsAt: '2026-11-22T09:00:00Z',
    fingerprint: `${service.name}-${i}`,
  }));
}

for (const engine of engines) {
  describe(`replay of a 100,000-event storm (${engine.name})`, { timeout: 600_000 }, () => {
    let t: TestApp;
    let owner: HttpClient;
    const all: Service[] = [];
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
      for (let i = 0; i < services; i++) {
        const name = i === 0 ? 'core-db' : `svc-${String(i).padStart(2, '0')}`;
        const service = await owner.post('/api/services', { name });
        const integration = await owner.post('/api/integrations', {
          serviceId: service.json.id,
          type: 'alertmanager',
        });
        all.push({ name, id: service.json.id, key: integration.json.key });
      }
      const [upstream] = all as [Service];
      for (const dependent of all.slice(1, 6))
        await owner.put(`/api/services/${dependent.id}/dependencies`, { dependsOn: [upstream.id] });
    });
    after(() => t.close());

    it('opens exactly the incidents and notifications the rules imply, losing and duplicating nothing', async () => {
      const [upstream] = all as [Service];
      const recovering = new Set(all.slice(16, 20).map((s) => s.id));
      const post = async (service: Service, status: 'firing' | 'resolved') => {
        const body = {
          version: '4',
          status,
          alerts: alertsFor(service, status, service === upstream),
        };
        const response = await send(t, `/api/intake/alertmanager/${service.key}`, body);
        assert.equal(response.status, 202, response.text);
      };
      // The upstream fails first; ten seconds later everything else starts alerting.
      await post(upstream, 'firing');
      await drain(t);
      t.clock.advance(10 * second);
      let events = alertsPerService;
      for (let round = 1; round <= rounds; round++) {
        for (const service of all) {
          if (round === 1 && service === upstream) continue;
          const last = round === rounds;
          await post(service, last && recovering.has(service.id) ? 'resolved' : 'firing');
          events += alertsPerService;
        }
        t.clock.advance(second);
        await drain(t);
        await t.app.steady.ctx.scheduler.runDue();
      }
      t.clock.advance(60 * second);
      await drain(t);
      await t.app.steady.ctx.scheduler.runDue();
      assert.equal(events, 100_000);

      const db = t.app.steady.ctx.store.db;
      const count = async (
        table: 'alertEvents' | 'alerts' | 'incidents' | 'incidentNotifications',
      ) =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number | string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.equal(await count('alertEvents'), 100_000, 'every event is in the log');
      assert.equal(await count('alerts'), services * alertsPerService, 'one alert per fingerprint');
      const alerts = await db
        .selectFrom('alerts')
        .select(['eventCount', 'incidentId', 'noise', 'serviceId'])
        .execute();
      assert.ok(
        alerts.every((a) => a.incidentId !== null),
        'every alert belongs to an incident',
      );
      assert.equal(alerts.filter((a) => a.noise === 'symptom').length, 5 * alertsPerService);

      const incidents = await db.selectFrom('incidents').selectAll().execute();
      assert.equal(incidents.length, 29, 'one incident per real problem');
      assert.equal(new Set(incidents.map((i) => i.groupKey)).size, 29, 'no incident duplicated');
      assert.equal(incidents.filter((i) => i.status === 'resolved').length, 8);
      assert.ok(
        incidents
          .filter((i) => i.status === 'resolved')
          .every((i) => recovering.has(i.serviceId) && i.resolution === 'auto'),
      );
      const dependents = new Set(all.slice(1, 6).map((s) => s.id));
      assert.ok(
        incidents.every((i) => !dependents.has(i.serviceId)),
        'dependents open nothing of their own',
      );

      const notifications = await db.selectFrom('incidentNotifications').selectAll().execute();
      assert.equal(notifications.length, 29, 'one notification due per incident');
      assert.ok(notifications.every((n) => n.kind === 'initial'));
      const upstreamIncident = incidents.find((i) => i.serviceId === upstream.id);
      const upstreamNote = notifications.find((n) => n.incidentId === upstreamIncident?.id);
      assert.equal(
        (JSON.parse(upstreamNote?.alertIds ?? '[]') as string[]).length,
        alertsPerService,
        'symptoms are not paged',
      );
      assert.equal(upstreamIncident?.alertCount, 6 * alertsPerService);
    });
  });
}
