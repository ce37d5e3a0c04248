import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { engines } from '../harness/engines.ts';
import { setupOwner, startTestApp, type TestApp } from '../harness/test-app.ts';

/** A stand-in for web/dist, so these tests do not depend on the build. */
function fakeWebBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'steady-web-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><title>Steady</title><div id="root"></div>',
  );
  writeFileSync(
    path.join(dir, 'assets', 'app-abc123.js'),
    `console.log(${JSON.stringify('x'.repeat(4000))});`,
  );
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(tmpdir(), 'steady-secret.txt'), 'top secret');
  return dir;
}

for (const engine of engines) {
  describe(`system routes (${engine.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine, { webDir: fakeWebBuild() });
    });
    after(() => t.close());

    it('says it is alive on /healthz without touching the database', async () => {
      const response = await t.client().get('/healthz');
      assert.equal(response.status, 200);
      assert.deepEqual(response.json, { status: 'ok' });
    });

    it('says it is ready on /readyz when the database answers and is migrated', async () => {
      const response = await t.client().get('/readyz');
      assert.equal(response.status, 200);
      assert.deepEqual(response.json, { status: 'ready', engine: engine.name });
    });

    it('exposes Prometheus metrics: request counts by route pattern, durations, process and jobs', async () => {
      await t.client().get('/healthz');
      await t.client().patch('/api/users/abc', { name: 'x' });
      const response = await t.client().get('/metrics');
      assert.equal(response.status, 200);
      assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      const body = response.text;
      assert.match(body, /^# TYPE http_requests_total counter$/m);
      assert.match(
        body,
        /^http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m,
      );
      assert.match(
        body,
        /^http_requests_total\{method="PATCH",route="\/api\/users\/:id",status="401"\} 1$/m,
        'labels use the route pattern, not the raw URL',
      );
      assert.match(
        body,
        /^http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="0.005"\} \d+$/m,
      );
      assert.match(body, /^process_resident_memory_bytes \d+$/m);
      assert.match(body, /^nodejs_eventloop_delay_p99_seconds [\d.e-]+$/m);
      assert.match(body, /^steady_jobs\{state="scheduled"\} \d+$/m);
    });

    it('sends security headers on API answers, pages and assets', async () => {
      for (const url of ['/api/setup', '/', '/assets/app-abc123.js', '/api/nope']) {
        const response = await t.client().get(url);
        const csp = String(response.headers['content-security-policy']);
        assert.match(csp, /script-src 'self'(;|$)/, url);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
        assert.match(csp, /frame-ancestors 'none'/, url);
        assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
        assert.equal(response.headers['referrer-policy'], 'strict-origin-when-cross-origin', url);
        assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/, url);
      }
    });

    it('echoes a well-formed X-Request-Id and replaces a hostile one', async () => {
      const ok = await t.client().get('/healthz', { headers: { 'x-request-id': 'trace-123' } });
      assert.equal(ok.headers['x-request-id'], 'trace-123');
      const hostile = await t
        .client()
        .get('/healthz', { headers: { 'x-request-id': 'a\u0001b'.repeat(50) } });
      assert.match(String(hostile.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    });

    it('serves the web app: assets with long caching and gzip, pages with the app shell', async () => {
      const asset = await t
        .client()
        .get('/assets/app-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(asset.status, 200);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(asset.headers['content-encoding'], 'gzip');
      assert.match(gunzipSync(asset.body).toString(), /^console\.log/);
      const etag = String(asset.headers.etag);
      const again = await t
        .client()
        .get('/assets/app-abc123.js', { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);

      for (const page of ['/', '/incidents', '/settings', '/deep/link/42']) {
        const response = await t.client().get(page);
        assert.equal(response.status, 200, page);
        assert.match(response.text, /<div id="root">/, page);
        assert.equal(response.headers['cache-control'], 'no-cache');
      }
    });

    it('never serves a file outside the build, however the path is spelled', async () => {
      const attempts = [
        '/../../../../etc/passwd',
        '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        '/..%2f..%2f..%2fetc%2fpasswd',
        '/..%5c..%5cetc%5cpasswd',
        '/%252e%252e%252fetc%252fpasswd',
        '/assets/../../steady-secret.txt',
        '/assets/%2e%2e/%2e%2e/steady-secret.txt',
        '/etc/passwd%00.js',
        `/${tmpdir()}/steady-secret.txt`,
      ];
      for (const url of attempts) {
        const response = await t.client().get(url);
        assert.doesNotMatch(response.text, /root:|top secret/, url);
        assert.ok([200, 400, 404].includes(response.status), `${url} → ${response.status}`);
        if (response.status === 200) assert.match(response.text, /<div id="root">/, url);
      }
    });
  });

  describe(`audit log (${engine.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(() => t.close());

    it('records who changed what, including refused attempts, and lets admins page through it', async () => {
      const owner = await setupOwner(t);
      await owner.post('/api/me/tokens', { name: 'audited', scopes: ['alerts:read'] });
      await t
        .client()
        .post('/api/auth/login', { email: 'owner@example.com', password: 'wrong password!!' });
      await owner.post('/api/users', {
        email: 'x@example.com',
        name: 'X',
        role: 'viewer',
        password: 'correct horse battery staple',
      });
      await owner.post('/api/users', {
        email: 'bad',
        name: 'X',
        role: 'viewer',
        password: 'short',
      }); // 400: not recorded

      const page = await owner.get('/api/audit-log?limit=2');
      assert.equal(page.status, 200);
      assert.equal(page.json.items.length, 2);
      assert.ok(page.json.nextCursor);
      const rest = await owner.get(`/api/audit-log?cursor=${page.json.nextCursor}&limit=50`);
      const all = [...page.json.items, ...rest.json.items];
      assert.equal(rest.json.nextCursor, null);
      assert.deepEqual(
        all
          .map((e: { action: string; statusCode: number }) => `${e.action} ${e.statusCode}`)
          .reverse(),
        [
          'setup.owner_created 201',
          'api_token.created 201',
          'session.created 401',
          'user.created 201',
        ],
      );
      const created = all.find((e: { action: string }) => e.action === 'user.created');
      assert.equal(created.actorLabel, 'owner@example.com');
      assert.equal(created.actorType, 'user');
      assert.deepEqual(created.detail, { email: 'x@example.com', role: 'viewer' });
      assert.match(created.requestId, /^[0-9a-f-]{36}$/);
      const failedLogin = all.find((e: { action: string }) => e.action === 'session.created');
      assert.equal(failedLogin.actorType, 'anonymous');
      assert.equal(failedLogin.actorLabel, 'owner@example.com');
      assert.equal(
        JSON.stringify(all).includes('wrong password'),
        false,
        'passwords never reach the audit log',
      );
    });

    it('offers no way to change or delete audit entries', () => {
      const auditRoutes = t.app.steady.routes.filter((r) => r.url.startsWith('/api/audit-log'));
      assert.deepEqual(
        auditRoutes.map((r) => r.method),
        ['GET'],
      );
    });
  });
}
