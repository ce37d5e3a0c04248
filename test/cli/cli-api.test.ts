import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import { drain } from '../harness/intake.ts';
import { runSteady } from '../harness/server-process.ts';
import { setupOwner, startTestApp, type TestApp } from '../harness/test-app.ts';
import type { HttpClient } from '../harness/http-client.ts';

for (const engine of engines) {
  describe(`steady API commands (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    let env: Record<string, string>;
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
      const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { json } = await owner.post('/api/me/tokens', {
        name: 'cli',
        scopes: ['services:write', 'integrations:write'],
      });
      env = { STEADY_BASE_URL: url, STEADY_TOKEN: json.token };
    });
    after(() => t.close());

    it('scripts a setup: service, integration, a test alert and its resolve', async () => {
      const service = await runSteady(
        ['service', 'create', '--name', 'checkout-api', '--team', 'payments'],
        { env },
      );
      assert.equal(service.code, 0, service.stderr);
      assert.match(service.stdout, /^[0-9a-f-]{36}\n$/);

      const integration = await runSteady(
        ['integration', 'create', '--service', 'checkout-api', '--type', 'pagerduty'],
        { env },
      );
      assert.equal(integration.code, 0, integration.stderr);
      const key = /^key: ([0-9a-f]{32})$/m.exec(integration.stdout)?.[1];
      assert.ok(key, integration.stdout);
      assert.match(
        integration.stdout,
        /^url: http:\/\/steady\.test\/v2\/enqueue$/m,
        'the public URL the server is configured with',
      );
      assert.match(integration.stderr, /shown only now/);

      const sent = await runSteady(
        [
          'alert',
          'send',
          '--key',
          key,
          '--summary',
          'CLI test alert',
          '--severity',
          'warning',
          '--dedup-key',
          'cli-1',
        ],
        { env: { STEADY_BASE_URL: env.STEADY_BASE_URL ?? '' } },
      );
      assert.equal(sent.code, 0, sent.stderr);
      assert.equal(sent.stdout, 'cli-1\n');
      await drain(t);
      const [alert] = (await owner.get('/api/alerts?q=cli-1')).json.items;
      assert.deepEqual(
        [alert.summary, alert.severity, alert.status, alert.source],
        ['CLI test alert', 'warning', 'triggered', 'steady-cli'],
      );

      const resolved = await runSteady(
        ['alert', 'send', '--key', key, '--dedup-key', 'cli-1', '--resolve'],
        { env },
      );
      assert.equal(resolved.code, 0, resolved.stderr);
      await drain(t);
      assert.equal((await owner.get('/api/alerts?q=cli-1')).json.items[0].status, 'resolved');
    });

    it('sends generic JSON events and creates heartbeat monitors', async () => {
      const generic = await runSteady(
        [
          'integration',
          'create',
          '--service',
          'checkout-api',
          '--type',
          'generic',
          '--name',
          'scripts',
        ],
        { env },
      );
      const key = /^key: (\S+)$/m.exec(generic.stdout)?.[1] ?? '';
      const sent = await runSteady(
        ['alert', 'send', '--key', key, '--summary', 'From a script', '--class', 'script-check'],
        { env },
      );
      assert.equal(sent.code, 0, sent.stderr);
      assert.match(sent.stdout, /^[0-9a-f]{32}\n$/, 'a generated dedup key');
      // No --format: alert send asked the server what the key is for (a generic integration).
      await drain(t);
      const [fromScript] = (await owner.get('/api/alerts?q=From%20a%20script')).json.items;
      assert.equal(fromScript.summary, 'From a script');
      assert.equal(fromScript.class, 'script-check');
      const heartbeat = await runSteady(
        [
          'integration',
          'create',
          '--service',
          'checkout-api',
          '--type',
          'heartbeat',
          '--period',
          '3600',
          '--grace',
          '300',
        ],
        { env },
      );
      assert.equal(heartbeat.code, 0, heartbeat.stderr);
      assert.match(heartbeat.stdout, /^url: .*\/ping\/[0-9a-f-]{36}$/m);
    });

    it('explains what is wrong in one line: usage (2), refused by the server or unreachable (1)', async () => {
      const alertmanager = await runSteady(
        ['integration', 'create', '--service', 'checkout-api', '--type', 'alertmanager'],
        { env },
      );
      const alertmanagerKey = /^key: (\S+)$/m.exec(alertmanager.stdout)?.[1] ?? '';
      const cases: [string[], Record<string, string>, number, RegExp][] = [
        [
          ['service', 'create', '--name', 'x'],
          { STEADY_BASE_URL: env.STEADY_BASE_URL ?? '' },
          2,
          /needs an API token/,
        ],
        [
          ['integration', 'create', '--service', 'nope', '--type', 'generic'],
          env,
          1,
          /no service named nope/,
        ],
        [
          ['integration', 'create', '--service', 'checkout-api', '--type', 'smtp'],
          env,
          2,
          /--type must be one of/,
        ],
        [
          ['integration', 'create', '--service', 'checkout-api', '--type', 'sentry'],
          env,
          1,
          /400 invalid_request \(signingSecret\): A Sentry integration needs the client secret/,
        ],
        [['service', 'create', '--name', 'Bad Name'], env, 1, /400 invalid_request \(name\)/],
        [['alert', 'send', '--key', '0'.repeat(32), '--summary', 'x'], env, 1, /404 not_found/],
        [['alert', 'send', '--key', 'k', '--resolve'], env, 2, /--resolve needs --dedup-key/],
        [
          ['alert', 'send', '--key', alertmanagerKey, '--summary', 'x'],
          env,
          1,
          /belongs to a Prometheus Alertmanager integration.*--type generic/,
        ],
        [
          ['service', 'create', '--name', 'x', '--url', 'http://127.0.0.1:9'],
          env,
          1,
          /cannot reach Steady at http:\/\/127\.0\.0\.1:9/,
        ],
      ];
      for (const [args, caseEnv, code, message] of cases) {
        const result = await runSteady(args, { env: caseEnv });
        assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message, args.join(' '));
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      }
      const { json } = await owner.post('/api/me/tokens', {
        name: 'reader',
        scopes: ['services:read'],
      });
      const forbidden = await runSteady(['service', 'create', '--name', 'x'], {
        env: { ...env, STEADY_TOKEN: json.token },
      });
      assert.equal(forbidden.code, 1);
      assert.match(forbidden.stderr, /403 insufficient_scope/);
    });
  });
}
