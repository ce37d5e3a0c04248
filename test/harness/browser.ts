import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './server-process.ts';

export const chromiumPath = process.env.STEADY_CHROMIUM ?? '/usr/bin/chromium';

/** Launches Debian's Chromium headless; fails with the install command when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: run "apt-get install -y chromium" (.ci/run does).`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Makes sure web/dist is current (npm test builds it first; this covers running one file). */
export function ensureWebBuild(): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build-web.ts'), '--if-stale'], {
    stdio: 'inherit',
  });
}

/** Records console errors, page errors and CSP violations on `page`, for asserting none happened. */
export async function watchForProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    // Chromium logs every 4xx fetch as an error; API refusals are part of the flows under test
    // (a 401 before login, a 400 for a short password). A failed page or asset load is not.
    const isApiRefusal =
      message.text().startsWith('Failed to load resource') &&
      new URL(message.location().url || 'http://x/').pathname.startsWith('/api/');
    if (message.type() === 'error' && !isApiRefusal)
      problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction('__reportCsp', (directive: string) =>
    problems.push(`CSP violation: ${directive}`),
  );
  // A string, not a function: it runs in the page, and the server code is typed without the DOM.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => window.__reportCsp(e.violatedDirective + ' ' + e.blockedURI));`,
  });
  return problems;
}

export const browserOwner = {
  email: 'olive@example.com',
  name: 'Olive Owner',
  password: 'correct horse battery staple',
};

/** POSTs JSON to `url` (an intake endpoint, say) and returns the status. */
export async function postJson(url: string, body: unknown): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Creates the owner of a fresh server, opens a browser page watched for problems, and logs in
 * through the login form. Leaves the page on the dashboard.
 */
export async function signedInPage(
  serverUrl: string,
): Promise<{ browser: Browser; page: Page; problems: string[] }> {
  const status = await postJson(`${serverUrl}/api/setup/owner`, browserOwner);
  if (status !== 201) throw new Error(`owner setup answered ${status}`);
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const problems = await watchForProblems(page);
  await page.goto(serverUrl);
  await page.getByLabel('Email').fill(browserOwner.email);
  await page.getByLabel('Password').fill(browserOwner.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return { browser, page, problems };
}
