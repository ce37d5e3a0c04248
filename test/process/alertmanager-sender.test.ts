import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import { setupOwner, startTestApp, tokenClient, type TestApp } from '../harness/test-app.ts';
import type { HttpClient } from '../harness/http-client.ts';

// A real sender: Debian's prometheus-alertmanager delivers to Steady through its webhook
// receiver and through its PagerDuty receiver pointed at Steady's /v2/enqueue, firing and
// resolved alike. .ci/run installs the package.

const binary = '/usr/bin/prometheus-alertmanager';

async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const engine of engines) {
  describe(`Alertmanager as a real sender (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    let alertmanager: ChildProcess;
    let amUrl: string;
    let ids: { webhook: string; pagerduty: string };

    before(async () => {
      if (!existsSync(binary))
        throw new Error(
          `${binary} is missing: apt-get install -y prometheus-alertmanager (.ci/run does)`,
        );
      t = await startTestApp(engine);
      owner = await tokenClient(t, await setupOwner(t));
      const steadyUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
      await t.app.steady.start();
      const { json: service } = await owner.post('/api/services', { name: 'am-sender' });
      const webhook = (
        await owner.post('/api/integrations', { serviceId: service.id, type: 'alertmanager' })
      ).json;
      const pagerduty = (
        await owner.post('/api/integrations', { serviceId: service.id, type: 'pagerduty' })
      ).json;
      ids = { webhook: webhook.integration.id, pagerduty: pagerduty.integration.id };

      const dir = mkdtempSync(path.join(tmpdir(), 'steady-am-'));
      const config = path.join(dir, 'alertmanager.yml');
      writeFileSync(
        config,
        [
          'route:',
          '  receiver: steady',
          "  group_by: ['alertname']",
          '  group_wait: 1s',
          '  group_interval: 1s',
          '  repeat_interval: 1h',
          '  routes:',
          '    - matchers: [\'via="pagerduty"\']',
          '      receiver: steady-pagerduty',
          'receivers:',
          '  - name: steady',
          '    webhook_configs:',
          `      - url: '${webhook.intakeUrl.replace('http://steady.test', steadyUrl)}'`,
          '        send_resolved: true',
          '  - name: steady-pagerduty',
          '    pagerduty_configs:',
          `      - routing_key: '${pagerduty.key}'`,
          `        url: '${steadyUrl}/v2/enqueue'`,
          '        send_resolved: true',
          '',
        ].join('\n'),
      );
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      amUrl = `http://127.0.0.1:${port}`;
      alertmanager = spawn(
        binary,
        [
          `--config.file=${config}`,
          `--storage.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
        ],
        { stdio: 'ignore' },
      );
      await until('Alertmanager to be ready', async () =>
        (await fetch(`${amUrl}/-/ready`).catch(() => null))?.ok === true ? true : undefined,
      );
    });

    after(async () => {
      alertmanager.kill('SIGTERM');
      await t.close();
    });

    const post = (alerts: unknown[]) =>
      fetch(`${amUrl}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
    const firing = (name: string, via: string, endsAt?: string) => ({
      labels: { alertname: name, via, severity: 'critical', instance: 'db-1:9100' },
      annotations: { summary: `${name} on db-1` },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      ...(endsAt === undefined ? {} : { endsAt }),
      generatorURL: 'http://prometheus.local/graph',
    });

    async function alertsOf(integrationId: string) {
      await t.app.steady.pipeline.drain();
      return (await owner.get(`/api/alerts?integrationId=${integrationId}`)).json.items as {
        summary: string;
        status: string;
        severity: string;
      }[];
    }

    it('receives firing alerts through the webhook and the PagerDuty receiver', async () => {
      assert.equal(
        (await post([firing('DiskFull', 'webhook'), firing('HighLatency', 'pagerduty')])).status,
        200,
      );
      const [viaWebhook] = await until('the webhook alert', async () =>
        (await alertsOf(ids.webhook)).length > 0 ? alertsOf(ids.webhook) : undefined,
      );
      assert.ok(viaWebhook);
      assert.equal(viaWebhook.summary, 'DiskFull on db-1');
      assert.equal(viaWebhook.status, 'triggered');
      assert.equal(viaWebhook.severity, 'critical');
      const [viaPagerDuty] = await until('the PagerDuty alert', async () =>
        (await alertsOf(ids.pagerduty)).length > 0 ? alertsOf(ids.pagerduty) : undefined,
      );
      assert.match(viaPagerDuty?.summary ?? '', /HighLatency/);
      assert.equal(viaPagerDuty?.status, 'triggered');
    });

    it('resolves them when Alertmanager sends the resolve', async () => {
      const past = new Date(Date.now() - 1000).toISOString();
      assert.equal(
        (
          await post([
            firing('DiskFull', 'webhook', past),
            firing('HighLatency', 'pagerduty', past),
          ])
        ).status,
        200,
      );
      await until('both alerts to resolve', async () => {
        const all = [...(await alertsOf(ids.webhook)), ...(await alertsOf(ids.pagerduty))];
        return all.length === 2 && all.every((a) => a.status === 'resolved') ? true : undefined;
      });
    });
  });
}
