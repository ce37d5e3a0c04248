import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, launchBrowser, watchForProblems } from '../harness/browser.ts';
import { repoRoot, startServerProcess, type ServerProcess } from '../harness/server-process.ts';

const email = 'olive@example.com';
const screenshots = path.join(repoRoot, 'test-results');
const password = 'correct horse battery staple';

describe('first run in the browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    ensureWebBuild();
    server = await startServerProcess({
      STEADY_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'steady-browser-')),
    });
    browser = await launchBrowser();
    page = await browser.newPage();
    problems = await watchForProblems(page);
  });
  after(async () => {
    await browser.close();
    await server.stop();
  });

  it('offers owner creation on an empty Steady and signs the owner in', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/setup');
    assert.equal(
      await page.locator('html').getAttribute('data-theme'),
      'dark',
      'dark theme by default',
    );

    // Three mistakes at once: each field says what is wrong with it, in words (issue 17 §7:
    // a raw regex reached this page, and only the first mistake was shown).
    await page.getByLabel('Email').fill('olive at example');
    await page.getByLabel('Password').fill('too short');
    await page.getByRole('button', { name: 'Create the owner account' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /"password" must be at least 12 characters/ })
      .waitFor();
    await page.getByRole('alert').filter({ hasText: '"name" must not be empty.' }).waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: '"email" must be an email address, such as ada@example.com.' })
      .waitFor();
    assert.doesNotMatch((await page.locator('form').textContent()) ?? '', /pattern|\^|\\s/);
    for (const [name, width, height] of [
      ['desktop', 1440, 900],
      ['phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({
        path: path.join(screenshots, `setup-errors-${name}.png`),
        fullPage: true,
      });
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel('Your name').fill('Olive Owner');
    await page.getByLabel('Email').fill(email);

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create the owner account' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByText('Signed in as Olive Owner (owner)').waitFor();
    // What the dashboard says is read from Steady, and only built areas are offered.
    await page.getByText('No open incidents.').waitFor();
    assert.equal(await page.getByText(/coming soon|not built yet|nothing is on fire/i).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'On-call' }).count(), 0);
  });

  it('switches to the light theme and remembers it', async () => {
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  });

  it('logs out, refuses a wrong password and logs back in', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The email or password is wrong.' }).waitFor();

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('creates an API token in settings that works against the API, then revokes it', async () => {
    await page.getByRole('link', { name: 'Olive Owner' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Token name').fill('deploy script');
    await page.getByLabel('users:read', { exact: true }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent()) ?? '';
    assert.match(token, /^stdy_[0-9A-Za-z]{36}$/);

    const me = await fetch(`${server.url}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { email: string }).email, email);

    const row = page.getByRole('row').filter({ hasText: 'deploy script' });
    await row.getByText(`${token.slice(0, 11)}…`).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('revoked').waitFor();
    assert.equal(
      (await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
      401,
    );
  });

  it('shows a page per area in the navigation', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Incidents' })
      .click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/incidents');
    await page.goBack();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
  });

  it('says plainly when a page or a record does not exist, with a way back', async () => {
    await page.goto(`${server.url}/nowhere`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    assert.equal(await page.title(), 'Not found · Steady', 'not "Steady · Steady"');
    await page.goto(`${server.url}/incidents/9999`);
    await page.getByRole('heading', { name: 'No such incident' }).waitFor();
    for (const [name, width, height] of [
      ['desktop', 1440, 900],
      ['phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(screenshots, `incident-missing-${name}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: 'Back to Incidents' }).click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await page.goto(`${server.url}/settings`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
  });

  it('loaded nothing from another origin and raised no error or CSP violation', async () => {
    const origins = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => new URL(e.name).origin),
    );
    for (const origin of origins) assert.equal(origin, new URL(server.url).origin);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: path.join(tmpdir(), 'steady-settings.png'), fullPage: true });
  });
});
