import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, postJson, signedInPage } from '../harness/browser.ts';
import { repoRoot, startServerProcess, type ServerProcess } from '../harness/server-process.ts';

describe('services, integrations and alerts in the browser', () => {
  let dataDir: string;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let intakeUrl = '';

  before(async () => {
    mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
    ensureWebBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), 'steady-browser-'));
    server = await startServerProcess({ STEADY_DATA_DIR: dataDir });
    ({ browser, page, problems } = await signedInPage(server.url));
  });
  after(async () => {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a service, refusing a bad name with the reason', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Services' })
      .click();
    await page.getByRole('heading', { name: 'Services', exact: true }).waitFor();
    await page.getByText('No services yet.').waitFor();

    await page.getByLabel('Name').fill('Checkout API');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.getByRole('alert').filter({ hasText: /name/ }).waitFor();

    await page.getByLabel('Name').fill('checkout-api');
    await page.getByLabel('Owning team').fill('payments');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.getByRole('heading', { name: 'checkout-api' }).waitFor();
    await page.getByText('Owned by payments.').waitFor();
  });

  it('adds an Alertmanager integration and shows its key, URL and receiver snippet once', async () => {
    await page.getByLabel('Type').selectOption('alertmanager');
    await page.getByRole('button', { name: 'Add integration' }).click();
    const key = (await page.getByTestId('integration-key').textContent()) ?? '';
    intakeUrl = (await page.getByTestId('integration-url').textContent()) ?? '';
    assert.ok(key.length >= 22, `a key of 128 bits or more, got ${key}`);
    assert.equal(intakeUrl, `${server.url}/api/intake/alertmanager/${key}`);
    const snippet = page.locator('pre[data-language="yaml"]').first();
    assert.match((await snippet.textContent()) ?? '', new RegExp(`url: '${intakeUrl}'`));

    await page.screenshot({ path: path.join(tmpdir(), 'steady-integration.png'), fullPage: true });
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByTestId('integration-key').waitFor({ state: 'detached' });
    const card = page.getByRole('region', { name: 'alertmanager' });
    await card.getByText('/api/intake/alertmanager/<key>').waitFor();
    assert.equal(await page.getByText(key).count(), 0, 'the key is not shown again');
    // The button is named as the docs and the API (rotate-key) name it.
    await card.getByRole('button', { name: 'Rotate key' }).waitFor();
  });

  it('lists a refused request under the integration, with the reason', async () => {
    const response = await fetch(intakeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"version":"4","alerts":[',
    });
    assert.equal(response.status, 400);
    const card = page.getByRole('region', { name: 'alertmanager' });
    await card.getByRole('button', { name: 'Refused requests' }).click();
    const table = card.getByRole('table', { name: /Refused requests/ });
    await table.getByText(/JSON/).first().waitFor();
    await table.getByText('{"version":"4","alerts":[').waitFor();
  });

  it('shows a new alert on the Alerts page without a reload', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Alerts' })
      .click();
    await page.getByText('No alerts here.').waitFor();
    const status = await postJson(intakeUrl, {
      version: '4',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' },
          annotations: { summary: 'Disk 97% full on db-1' },
          generatorURL: 'javascript:alert(1)',
          fingerprint: 'f00d',
        },
      ],
    });
    assert.equal(status, 202);
    const row = page.getByRole('row').filter({ hasText: 'Disk 97% full on db-1' });
    await row.waitFor();
    await row.getByText('triggered').waitFor();
    await row.getByText('critical').waitFor();
    await row.getByText('checkout-api').waitFor();
  });

  it('opens the alert with its labels and events, and keeps a hostile link inert', async () => {
    await page.getByRole('link', { name: 'Disk 97% full on db-1' }).click();
    await page.getByRole('heading', { name: 'Disk 97% full on db-1' }).waitFor();
    await page.getByText('instance=db-1').waitFor();
    await page.getByRole('table', { name: 'Events' }).getByText('trigger').waitFor();
    assert.equal(
      await page.locator('a[href^="javascript:"]').count(),
      0,
      'a javascript: URL from a sender never becomes a link',
    );
  });

  it('follows the resolve live and filters by status', async () => {
    const status = await postJson(intakeUrl, {
      version: '4',
      status: 'resolved',
      alerts: [
        {
          status: 'resolved',
          labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' },
          annotations: { summary: 'Disk 97% full on db-1' },
          fingerprint: 'f00d',
        },
      ],
    });
    assert.equal(status, 202);
    await page.getByText('resolved', { exact: true }).waitFor();

    await page.getByRole('link', { name: '← Alerts' }).click();
    await page.getByText('No alerts here.').waitFor();
    await page.getByRole('button', { name: 'Resolved' }).click();
    await page.getByRole('row').filter({ hasText: 'Disk 97% full on db-1' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('status'), 'resolved');
  });

  it('describes a failed heartbeat without contradicting itself', async () => {
    // After a failure the card said "down", "Last ping 6 min ago" and "the first ping starts
    // the clock" at once.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Services' })
      .click();
    await page.getByRole('link', { name: 'checkout-api' }).click();
    await page.getByLabel('Type').selectOption('heartbeat');
    await page.getByRole('button', { name: 'Add integration' }).click();
    const pingUrl = (await page.getByTestId('integration-url').textContent()) ?? '';
    await page.getByRole('button', { name: 'I have copied it' }).click();
    const card = page.getByRole('region', { name: 'heartbeat' });
    await card.getByText('the first ping starts the clock').waitFor();
    await card.getByText('none yet').waitFor();
    assert.equal((await fetch(`${pingUrl}/fail`)).status, 200);
    await page.reload();
    await card.getByText('down', { exact: true }).waitFor();
    await card.getByText('with the next successful ping').waitFor();
    await card.getByText(/\(a failure\)/).waitFor();
    assert.equal(await card.getByText('the first ping starts the clock').count(), 0);
    for (const [name, width, height] of [
      ['desktop', 1440, 900],
      ['phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await card.screenshot({
        path: path.join(repoRoot, 'test-results', `heartbeat-down-${name}.png`),
      });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('raised no error or CSP violation', async () => {
    assert.deepEqual(problems, []);
    await page.screenshot({ path: path.join(tmpdir(), 'steady-alerts.png'), fullPage: true });
  });
});
