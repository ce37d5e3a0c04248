import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import { send, wireService } from '../harness/intake.ts';
import { setupOwner, startTestApp, userWithRole, type TestApp } from '../harness/test-app.ts';
import type { HttpClient } from '../harness/http-client.ts';

for (const engine of engines) {
  describe(`services and integrations (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
    });
    after(() => t.close());

    it('creates, renames, lists and deletes services, with unique live names', async () => {
      const created = await owner.post('/api/services', {
        name: 'billing',
        description: 'Invoices',
        team: 'finance',
      });
      assert.equal(created.status, 201);
      assert.deepEqual(
        [created.json.name, created.json.description, created.json.team],
        ['billing', 'Invoices', 'finance'],
      );
      const dupe = await owner.post('/api/services', { name: 'billing' });
      assert.equal(dupe.status, 409);
      assert.equal(dupe.json.error.code, 'name_taken');
      assert.equal(
        (await owner.post('/api/services', { name: 'Has Spaces' })).json.error.field,
        'name',
      );
      const renamed = await owner.patch(`/api/services/${created.json.id}`, {
        description: 'Invoices and refunds',
      });
      assert.equal(renamed.json.description, 'Invoices and refunds');
      assert.equal((await owner.get('/api/services?name=billing')).json.items.length, 1);
      assert.equal((await owner.delete(`/api/services/${created.json.id}`)).status, 204);
      assert.equal((await owner.get(`/api/services/${created.json.id}`)).status, 404);
      assert.equal(
        (await owner.post('/api/services', { name: 'billing' })).status,
        201,
        'a deleted service frees its name',
      );
    });

    it('shows an integration key once, stores only its hash, and gives the exact intake URL', async () => {
      const wired = await wireService(owner, 'shop');
      assert.match(wired.keys.alertmanager, /^[0-9a-f]{32}$/);
      assert.match(
        wired.keys.heartbeat,
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      const rows = await t.app.steady.ctx.store.db.selectFrom('integrations').selectAll().execute();
      for (const key of Object.values(wired.keys))
        assert.equal(JSON.stringify(rows).includes(key), false);
      const list = await owner.get(`/api/integrations?serviceId=${wired.serviceId}`);
      assert.equal(list.json.items.length, 6);
      assert.equal(
        JSON.stringify(list.json).includes(wired.keys.alertmanager),
        false,
        'keys are never listed',
      );
      const am = list.json.items.find((i: { type: string }) => i.type === 'alertmanager');
      assert.equal(am.intakeUrl, 'http://steady.test/api/intake/alertmanager/<key>');
      assert.equal(am.keyPrefix, `${wired.keys.alertmanager.slice(0, 6)}…`);
      const sentry = list.json.items.find((i: { type: string }) => i.type === 'sentry');
      assert.equal(sentry.signed, true);
      assert.equal(
        JSON.stringify(rows).includes('sentry-client-secret'),
        false,
        'signing secrets are encrypted at rest',
      );
    });

    it('refuses integration settings that make no sense for the type, naming the field', async () => {
      const { json: service } = await owner.post('/api/services', { name: 'validation' });
      const cases: [Record<string, unknown>, string][] = [
        [{ serviceId: service.id, type: 'sentry' }, 'signingSecret'],
        [
          { serviceId: service.id, type: 'alertmanager', signingSecret: 'whatever-secret' },
          'signingSecret',
        ],
        [{ serviceId: service.id, type: 'generic', signingSecret: 'not-a-whsec' }, 'signingSecret'],
        [
          {
            serviceId: service.id,
            type: 'grafana',
            heartbeat: { periodSeconds: 60, graceSeconds: 60 },
          },
          'heartbeat',
        ],
        [
          {
            serviceId: service.id,
            type: 'heartbeat',
            heartbeat: { periodSeconds: 5, graceSeconds: 60 },
          },
          'heartbeat.periodSeconds',
        ],
        [{ serviceId: 'nope', type: 'generic' }, 'serviceId'],
        [{ serviceId: service.id, type: 'smoke-signals' }, 'type'],
        [
          { serviceId: service.id, type: 'alertmanager', generateSigningSecret: true },
          'generateSigningSecret',
        ],
      ];
      for (const [body, field] of cases) {
        const response = await owner.post('/api/integrations', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.json.error.field, field, JSON.stringify(body));
      }
    });

    it('rotates a key with an overlap window, then the old key stops working', async () => {
      const wired = await wireService(owner, 'rotation');
      const old = wired.keys.generic;
      const rotated = await owner.post(`/api/integrations/${wired.ids.generic}/rotate-key`, {
        overlapMinutes: 10,
      });
      assert.equal(rotated.status, 200);
      const fresh: string = rotated.json.key;
      assert.notEqual(fresh, old);
      assert.equal(rotated.json.intakeUrl, `http://steady.test/api/intake/generic/${fresh}`);
      assert.ok(rotated.json.integration.previousKeyExpiresAt);
      const event = { summary: 'rotation test', dedup_key: 'r' };
      assert.equal(
        (await send(t, `/api/intake/generic/${old}`, event)).status,
        202,
        'old key inside the overlap',
      );
      assert.equal((await send(t, `/api/intake/generic/${fresh}`, event)).status, 202);
      t.clock.advance(10 * 60_000 + 5_000);
      assert.equal(
        (await send(t, `/api/intake/generic/${old}`, event)).status,
        404,
        'old key after the overlap',
      );
      assert.equal((await send(t, `/api/intake/generic/${fresh}`, event)).status, 202);
    });

    it('stops accepting a disabled, deleted or service-deleted integration at once', async () => {
      const wired = await wireService(owner, 'lifecycle');
      const event = { summary: 'x' };
      assert.equal(
        (await owner.patch(`/api/integrations/${wired.ids.generic}`, { enabled: false })).json
          .enabled,
        false,
      );
      assert.equal((await send(t, `/api/intake/generic/${wired.keys.generic}`, event)).status, 404);
      await owner.patch(`/api/integrations/${wired.ids.generic}`, { enabled: true });
      assert.equal((await send(t, `/api/intake/generic/${wired.keys.generic}`, event)).status, 202);
      assert.equal((await owner.delete(`/api/integrations/${wired.ids.generic}`)).status, 204);
      assert.equal((await send(t, `/api/intake/generic/${wired.keys.generic}`, event)).status, 404);
      await owner.delete(`/api/services/${wired.serviceId}`);
      assert.equal(
        (
          await send(t, `/api/intake/alertmanager/${wired.keys.alertmanager}`, {
            version: '4',
            alerts: [],
          })
        ).status,
        404,
      );
      assert.equal((await owner.get(`/api/integrations/${wired.ids.alertmanager}`)).status, 404);
    });

    it('lets viewers read but only admins change services and integrations', async () => {
      const viewer = await userWithRole(t, owner, 'viewer');
      assert.equal((await viewer.get('/api/services')).status, 200);
      assert.equal((await viewer.get('/api/integrations')).status, 200);
      assert.equal((await viewer.post('/api/services', { name: 'nope' })).status, 403);
      const responder = await userWithRole(t, owner, 'responder');
      assert.equal(
        (await responder.post('/api/integrations', { serviceId: 'x', type: 'generic' })).status,
        403,
      );
      const { json: service } = await owner.post('/api/services', { name: 'rejections-area' });
      const { json: integration } = await owner.post('/api/integrations', {
        serviceId: service.id,
        type: 'generic',
      });
      assert.equal(
        (await responder.get(`/api/integrations/${integration.integration.id}/rejections`)).status,
        403,
      );
    });

    it('records the change with before/after in the audit log', async () => {
      const { json: service } = await owner.post('/api/services', { name: 'audited' });
      await owner.patch(`/api/services/${service.id}`, { team: 'sre' });
      const audit = await owner.get('/api/audit-log?limit=5');
      const entry = audit.json.items.find(
        (e: { action: string }) => e.action === 'service.updated',
      );
      assert.deepEqual(entry.detail.after.team, 'sre');
      assert.deepEqual(entry.detail.before.team, '');
    });
  });
}
