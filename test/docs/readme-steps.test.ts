import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, startServerProcess, type ServerProcess } from '../harness/server-process.ts';

// Issue 17 §1: the README's own "from the shell" step failed word for word (alert send needed
// a --format the README did not give). This test runs the README's shell block as written
// against a real server, so the README cannot drift from what Steady does.

/** The ```sh block that follows "From the shell:" in the README. */
function readmeShellSteps(): string[] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const block = /From the shell:\s*\n+```sh\n([\s\S]*?)\n```/.exec(readme)?.[1];
  assert.ok(block !== undefined, 'the README has a "From the shell:" sh block');
  return block.split('\n').filter((line) => line.trim() !== '');
}

describe('the README, word for word', () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'steady-readme-'));
    server = await startServerProcess({ STEADY_DATA_DIR: dataDir });
    // "Open the page and create the owner account": what the page's form posts.
    const owner = await fetch(`${server.url}/api/setup/owner`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'you@example.com',
        name: 'You',
        password: 'a calm night on call',
      }),
    });
    assert.equal(owner.status, 201, await owner.text());
  });
  after(() => server.stop());

  it('runs the shell steps as written: the alert they send is stored', async () => {
    const steps = readmeShellSteps();
    assert.ok(steps.some((line) => line.includes('alert send')));
    // The one thing a reader fills in is <key>, from what `integration create` printed.
    const script = [
      'set -euo pipefail',
      ...steps.map((line) =>
        line.includes('integration create')
          ? `${line} | tee "$STEPS_OUT"`
          : line.replaceAll('<key>', '"$(sed -n "s/^key: //p" "$STEPS_OUT")"'),
      ),
    ].join('\n');
    const run = spawnSync('bash', ['-c', script], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        STEADY_DATA_DIR: dataDir,
        STEADY_BASE_URL: server.url,
        STEPS_OUT: path.join(dataDir, 'steps.out'),
      },
      timeout: 60_000,
    });
    assert.equal(run.status, 0, `the README's steps failed:\n${run.stdout}\n${run.stderr}`);
    const token = /^export STEADY_TOKEN=/m.test(steps.join('\n'));
    assert.ok(token, 'the steps make an API token');
    // The alert is there, as the README says ("appears on the Alerts page at once").
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'you@example.com', password: 'a calm night on call' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    let alerts: { summary: string; severity: string }[] = [];
    for (let i = 0; i < 20 && alerts.length === 0; i++) {
      const response = await fetch(`${server.url}/api/alerts`, { headers: { cookie } });
      alerts = ((await response.json()) as { items: typeof alerts }).items;
      if (alerts.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(
      alerts.map((a) => [a.summary, a.severity]),
      [['Disk 91% full on db-1', 'warning']],
    );
  });
});
