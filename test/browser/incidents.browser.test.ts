import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, postJson, signedInPage } from '../harness/browser.ts';
import { repoRoot, startServerProcess, type ServerProcess } from '../harness/server-process.ts';

describe('incidents, noise rules, silences and the dependency graph in the browser', () => {
  let dataDir: string;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let providerUrl = '';

  /** Creates a service through the Services page; leaves the browser on its page. */
  async function createService(name: string) {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Services' })
      .click();
    await page.getByRole('heading', { name: 'Services', exact: true }).waitFor();
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.getByRole('heading', { name, exact: true }).waitFor();
  }

  before(async () => {
    mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
    ensureWebBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), 'steady-browser-'));
    server = await startServerProcess({ STEADY_DATA_DIR: dataDir, STEADY_JOB_POLL_MS: '200' });
    ({ browser, page, problems } = await signedInPage(server.url));
  });
  after(async () => {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('edits a service’s noise rules, refusing a bad value with the reason', async () => {
    await createService('payments-provider');
    await page.getByLabel('Type').selectOption('generic');
    await page.getByRole('button', { name: 'Add integration' }).click();
    providerUrl = (await page.getByTestId('integration-url').textContent()) ?? '';
    assert.match(providerUrl, /\/api\/intake\/generic\//);
    await page.getByRole('button', { name: 'I have copied it' }).click();

    const rules = page.getByRole('form', { name: 'Noise rules' });
    await rules.getByLabel('Group wait (s)').fill('-5');
    await rules.getByRole('button', { name: 'Save rules' }).click();
    await rules
      .getByRole('alert')
      .filter({ hasText: /groupWaitSeconds|0/ })
      .waitFor();
    await rules.getByLabel('Group wait (s)').fill('0');
    await rules.getByRole('button', { name: 'Save rules' }).click();
    await rules.getByText('Rules saved.').waitFor();
  });

  it('declares a dependency on the provider', async () => {
    await createService('checkout');
    const deps = page.getByRole('form', { name: 'Dependencies' });
    await deps.getByLabel('payments-provider').check();
    await deps.getByRole('button', { name: 'Save dependencies' }).click();
    await page.getByText('Dependencies saved.').waitFor();
  });

  it('shows a new incident live, with its timeline and the notification due', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Incidents' })
      .click();
    await page.getByText('No incidents here.').waitFor();
    assert.equal(
      await postJson(providerUrl, {
        summary: 'Card payments timing out',
        dedup_key: 'pay-1',
        class: 'Timeouts',
        severity: 'critical',
      }),
      202,
    );
    const row = page.getByRole('row').filter({ hasText: 'Card payments timing out' });
    await row.waitFor();
    await row.getByText('P1').waitFor();
    await row.getByRole('link', { name: 'Card payments timing out' }).click();
    await page.getByRole('heading', { name: /#1 Card payments timing out/ }).waitFor();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText(/Incident opened/).waitFor();
    await timeline.getByText(/Notification due: incident opened with 1 alert/).waitFor();
  });

  it('colours the failing provider in the dependency graph', async () => {
    await page.goto(`${server.url}/services/graph`);
    const graph = page.getByRole('img', { name: 'Service dependency graph' });
    await graph.waitFor();
    assert.equal(
      await graph.locator('[data-service="payments-provider"]').getAttribute('data-open-incidents'),
      '1',
    );
    assert.equal(
      await graph.locator('[data-service="checkout"]').getAttribute('data-open-incidents'),
      '0',
    );
    assert.equal(await graph.locator('.graph-node-down').count(), 1);
    assert.equal(await graph.locator('.graph-edge').count(), 1);
    await page.screenshot({ path: path.join(tmpdir(), 'steady-graph.png'), fullPage: true });
  });

  it('renames an incident and merges another one into it', async () => {
    assert.equal(
      await postJson(providerUrl, {
        summary: 'Refunds failing',
        dedup_key: 'pay-2',
        class: 'Refunds',
        severity: 'error',
      }),
      202,
    );
    await page.goto(`${server.url}/incidents/2`);
    await page.getByRole('heading', { name: /#2 Refunds failing/ }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept('Provider outage'));
    await page.goto(`${server.url}/incidents/1`);
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: '#1 Provider outage' }).waitFor();
    await page.goto(`${server.url}/incidents/2`);
    await page.getByLabel('Merge into incident').fill('#1');
    await page.getByRole('button', { name: 'Merge into' }).click();
    await page.getByRole('heading', { name: '#1 Provider outage' }).waitFor();
    await page.getByText(/#2 merged in by Olive Owner/).waitFor();
  });

  it('acknowledges and resolves from the incident page', async () => {
    await page.goto(`${server.url}/incidents/1`);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Acknowledged by Olive Owner').waitFor();
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('Resolved by Olive Owner').waitFor();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    await page.screenshot({ path: path.join(tmpdir(), 'steady-incident.png'), fullPage: true });
  });

  it('creates and ends a silence, refusing a pattern that cannot run in linear time', async () => {
    await page.goto(`${server.url}/silences`);
    const form = page.getByRole('form', { name: 'New silence' });
    await form.getByLabel('Matchers').fill('instance=~(a)\\1');
    await form.getByLabel('Reason').fill('Provider maintenance');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByText(/linear time/).waitFor();
    await form.getByLabel('Matchers').fill('class=Timeouts');
    await form.getByRole('button', { name: 'Create' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Provider maintenance' });
    await row.getByText('active').waitFor();
    // It ends in two hours, in those words (it read "just now"), with the exact time on focus.
    const ends = row.locator('time');
    assert.equal(await ends.textContent(), 'in 2 h');
    assert.match((await ends.getAttribute('title')) ?? '', /\d{4}.*\d{1,2}:\d{2}:\d{2}/);
    await ends.focus();
    await page.screenshot({ path: path.join(tmpdir(), 'steady-silence-ends.png') });
    await row.getByRole('button', { name: 'End now' }).click();
    await row.getByText('expired').waitFor();
  });

  it('lists a storm incident’s first 100 alerts and loads the rest on request', async () => {
    assert.equal(
      await postJson(
        providerUrl,
        Array.from({ length: 130 }, (_, i) => ({
          summary: `Webhook delivery failing to partner ${i}`,
          dedup_key: `hook-${i}`,
          class: 'WebhookDelivery',
          severity: 'warning',
        })),
      ),
      202,
    );
    await page.goto(`${server.url}/incidents`);
    await page.getByRole('link', { name: /Webhook delivery failing to partner 0/ }).click();
    await page.getByRole('heading', { name: 'Alerts (130)' }).waitFor();
    const rows = page.getByRole('table', { name: 'Alerts of this incident' }).locator('tbody tr');
    assert.equal(await rows.count(), 100);
    await page.getByText('Showing 100 of 130.').waitFor();
    await page.getByRole('button', { name: 'Show more alerts' }).click();
    await page.getByRole('link', { name: 'Webhook delivery failing to partner 129' }).waitFor();
    assert.equal(await rows.count(), 130);
    assert.equal(await page.getByRole('button', { name: 'Show more alerts' }).count(), 0);
  });

  it('keeps what people did in view after a storm’s timeline passes 2,000 entries', async () => {
    for (let r = 0; r < 2; r++)
      assert.equal(
        await postJson(
          providerUrl,
          Array.from({ length: 1000 }, (_, i) => ({
            summary: `Webhook delivery failing to partner ${r}-${i}`,
            dedup_key: `hook-${r}-${i}`,
            class: 'WebhookDelivery',
            severity: 'warning',
          })),
        ),
        202,
      );
    await page.getByRole('heading', { name: 'Alerts (2130)' }).waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('Acknowledged by Olive Owner').waitFor();
    await timeline.getByText(/^[\d,]+ more entries not shown$/).waitFor();
  });

  it('shows the open incidents on the dashboard, triggered first, with links', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const summary = page.getByTestId('open-summary');
    await summary.waitFor();
    assert.match(
      (await summary.textContent()) ?? '',
      /^\d+\+? open: \d+ triggered, \d+ acknowledged/,
    );
    const open = page.getByRole('region', { name: 'Open incidents' });
    assert.ok((await open.getByRole('link').count()) >= 1, 'each open incident links to its page');
    for (const [name, width, height] of [
      ['desktop', 1440, 900],
      ['phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({
        path: path.join(repoRoot, 'test-results', `dashboard-${name}.png`),
        fullPage: true,
      });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('raised no error or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
