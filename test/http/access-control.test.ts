import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scopes } from '../../src/contracts/access.ts';
import { engines } from '../harness/engines.ts';
import {
  ownerPassword,
  setupOwner,
  startTestApp,
  userWithRole,
  type TestApp,
} from '../harness/test-app.ts';
import type { HttpClient } from '../harness/http-client.ts';

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

for (const engine of engines) {
  describe(`access control (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
    });
    after(() => t.close());

    it('has an access rule on every route and an audit decision on every mutating route', () => {
      assert.ok(t.app.steady.routes.length > 10);
      for (const route of t.app.steady.routes) {
        assert.ok(route.access, `${route.method} ${route.url} declares no access`);
        if (mutating.has(route.method)) {
          assert.notEqual(
            route.audit,
            undefined,
            `${route.method} ${route.url} declares no audit action`,
          );
        }
      }
    });

    it('refuses every non-public route to anonymous callers with 401 and changes nothing', async () => {
      const anonymous = t.client();
      for (const route of t.app.steady.routes) {
        if (route.access?.kind !== 'user') continue;
        const url = route.url.replace(/:(\w+)/g, 'x');
        const response = await anonymous.request(route.method, url, route.hasBody ? {} : undefined);
        assert.equal(response.status, 401, `${route.method} ${route.url} → ${response.status}`);
        assert.equal(response.json.error.code, 'unauthenticated');
      }
    });

    it('refuses a role below the route’s role with 403 before reading the body', async () => {
      const viewer = await userWithRole(t, owner, 'viewer');
      const denied = await viewer.post('/api/users', { nonsense: true });
      assert.equal(denied.status, 403);
      assert.equal(denied.json.error.code, 'forbidden');
      assert.equal((await viewer.get('/api/users')).status, 403);
      assert.equal((await viewer.get('/api/audit-log')).status, 403);
      assert.equal((await viewer.get('/api/me')).status, 200);
    });

    it('requires the CSRF token and a same-site origin for cookie sessions', async () => {
      const client = t.client();
      await client.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      const token = client.csrfToken;
      client.csrfToken = null;
      const missing = await client.post('/api/me/tokens', { name: 'x', scopes: ['alerts:read'] });
      assert.equal(missing.status, 403);
      assert.equal(missing.json.error.code, 'csrf_failed');
      client.csrfToken = 'forged';
      assert.equal(
        (await client.post('/api/me/tokens', { name: 'x', scopes: ['alerts:read'] })).status,
        403,
      );
      client.csrfToken = token;
      const crossSite = await client.post(
        '/api/me/tokens',
        { name: 'x', scopes: ['alerts:read'] },
        { headers: { origin: 'https://evil.example' } },
      );
      assert.equal(crossSite.status, 403);
      const fetchSite = await client.post(
        '/api/me/tokens',
        { name: 'x', scopes: ['alerts:read'] },
        { headers: { 'sec-fetch-site': 'cross-site' } },
      );
      assert.equal(fetchSite.status, 403);
      const sameSite = await client.post(
        '/api/me/tokens',
        { name: 'x', scopes: ['alerts:read'] },
        { headers: { origin: 'http://steady.test', 'sec-fetch-site': 'same-origin' } },
      );
      assert.equal(sameSite.status, 201, sameSite.text);
    });

    it('creates API tokens that are shown once, stored hashed and usable as Bearer tokens', async () => {
      const created = await owner.post('/api/me/tokens', {
        name: 'deploy script',
        scopes: ['users:read'],
      });
      assert.equal(created.status, 201, created.text);
      const token: string = created.json.token;
      assert.match(token, /^stdy_[0-9A-Za-z]{36}$/);
      assert.equal(created.json.apiToken.prefix, `${token.slice(0, 11)}…`);

      const rows = await t.app.steady.ctx.store.db.selectFrom('apiTokens').selectAll().execute();
      assert.equal(JSON.stringify(rows).includes(token), false, 'the token itself is not stored');

      const listed = await owner.get('/api/me/tokens');
      assert.equal(
        JSON.stringify(listed.json).includes(token),
        false,
        'the token is never shown again',
      );

      const bot = t.client();
      bot.bearer = token;
      t.clock.advance(1000);
      const me = await bot.get('/api/me');
      assert.equal(me.status, 200);
      assert.equal(me.json.email, 'owner@example.com');
      const used = (await owner.get('/api/me/tokens')).json.items.find(
        (i: { id: string }) => i.id === created.json.apiToken.id,
      );
      assert.equal(used.lastUsedAt, new Date(t.clock.now()).toISOString());
      assert.equal(used.lastUsedIp, '127.0.0.1');
    });

    it('limits tokens to their scopes and keeps token management to login sessions', async () => {
      const { json } = await owner.post('/api/me/tokens', {
        name: 'reader',
        scopes: ['users:read'],
      });
      const bot = t.client();
      bot.bearer = json.token;
      assert.equal((await bot.get('/api/users')).status, 200);
      const write = await bot.post('/api/users', {
        email: 'b@example.com',
        name: 'B',
        role: 'viewer',
        password: ownerPassword,
      });
      assert.equal(write.status, 403);
      assert.equal(write.json.error.code, 'insufficient_scope');
      const audit = await bot.get('/api/audit-log');
      assert.equal(audit.json.error.code, 'insufficient_scope');
      const mint = await bot.post('/api/me/tokens', { name: 'more', scopes: ['users:write'] });
      assert.equal(mint.status, 403);
      assert.equal(mint.json.error.code, 'session_required');
      // No CSRF token is needed with a Bearer token: it cannot be sent by another site.
      const { json: writer } = await owner.post('/api/me/tokens', {
        name: 'writer',
        scopes: ['users:write'],
      });
      bot.bearer = writer.token;
      const made = await bot.post('/api/users', {
        email: 'bot-made@example.com',
        name: 'B',
        role: 'viewer',
        password: ownerPassword,
      });
      assert.equal(made.status, 201, made.text);
    });

    it('caps a token at its user’s role whatever its scopes', async () => {
      const viewer = await userWithRole(t, owner, 'viewer');
      const { json } = await viewer.post('/api/me/tokens', { name: 'v', scopes: ['users:write'] });
      const bot = t.client();
      bot.bearer = json.token;
      const response = await bot.post('/api/users', {
        email: 'c@example.com',
        name: 'C',
        role: 'viewer',
        password: ownerPassword,
      });
      assert.equal(response.status, 403);
      assert.equal(response.json.error.code, 'forbidden');
    });

    it('rejects revoked, expired, malformed and forged tokens with 401', async () => {
      const { json } = await owner.post('/api/me/tokens', {
        name: 'short-lived',
        scopes: ['users:read'],
        expiresInDays: 1,
      });
      const bot = t.client();
      bot.bearer = json.token;
      assert.equal((await bot.get('/api/me')).status, 200);
      t.clock.advance(86_400_000);
      assert.equal((await bot.get('/api/me')).status, 401, 'expired');
      // A day later the owner's own session has gone idle too.
      await owner.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });

      const { json: other } = await owner.post('/api/me/tokens', {
        name: 'revoke me',
        scopes: ['users:read'],
      });
      bot.bearer = other.token;
      assert.equal((await bot.get('/api/me')).status, 200);
      const revoked = await owner.delete(`/api/me/tokens/${other.apiToken.id}`);
      assert.equal(revoked.status, 200);
      assert.ok(revoked.json.revokedAt);
      assert.equal((await bot.get('/api/me')).status, 401, 'revoked');

      const last = other.token.at(-1) === 'A' ? 'B' : 'A';
      for (const bad of ['stdy_', 'nope', `${other.token.slice(0, -1)}${last}`, 'x'.repeat(5000)]) {
        bot.bearer = bad;
        const response = await bot.get('/api/me');
        assert.equal(response.status, 401, bad.slice(0, 20));
      }
      const malformedHeader = await t
        .client()
        .get('/api/me', { headers: { authorization: 'Basic abc' } });
      assert.equal(malformedHeader.status, 401);
    });

    it('rejects scopes that do not exist', async () => {
      const response = await owner.post('/api/me/tokens', { name: 'x', scopes: ['everything'] });
      assert.equal(response.status, 400);
      assert.equal(response.json.error.field, 'scopes.0');
      assert.ok(scopes.length > 5);
    });

    it('another user cannot revoke my token (no IDOR)', async () => {
      const { json } = await owner.post('/api/me/tokens', { name: 'mine', scopes: ['users:read'] });
      const admin = await userWithRole(t, owner, 'admin');
      const attempt = await admin.delete(`/api/me/tokens/${json.apiToken.id}`);
      assert.equal(attempt.status, 404);
      const bot = t.client();
      bot.bearer = json.token;
      assert.equal((await bot.get('/api/me')).status, 200);
    });
  });
}
