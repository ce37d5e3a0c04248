import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startServerProcess } from '../harness/server-process.ts';

describe('steady serve as a process', () => {
  it('creates and migrates its SQLite file on first start, then shuts down cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'steady-serve-'));
    const server = await startServerProcess({ STEADY_DATA_DIR: dataDir });
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', engine: 'sqlite' });

    // Requests in flight when SIGTERM arrives still get their answer.
    const inFlight = Array.from({ length: 20 }, () =>
      fetch(`${server.url}/api/setup`).then((r) => r.status),
    );
    const exit = server.stop('SIGTERM');
    const statuses = await Promise.allSettled(inFlight);
    assert.equal(await exit, 0);
    for (const status of statuses) {
      if (status.status === 'fulfilled')
        assert.ok([200, 503].includes(status.value), String(status.value));
    }
    assert.ok(server.logs.some((l) => (l as { msg?: string }).msg?.startsWith('shutting down')));
    await assert.rejects(fetch(`${server.url}/healthz`), 'the port is closed');

    // A second start finds the database migrated already.
    const again = await startServerProcess({ STEADY_DATA_DIR: dataDir });
    assert.equal((await fetch(`${again.url}/api/setup`)).status, 200);
    assert.equal(await again.stop('SIGINT'), 0);
  });

  it('refuses to start with a bad setting, naming it', async () => {
    await assert.rejects(
      startServerProcess({ STEADY_DATABASE_URL: 'mysql://nope' }),
      /STEADY_DATABASE_URL: must start with sqlite: or postgres:\/\//,
    );
  });

  it('logs JSON lines with request ids and never the credentials', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'steady-serve-'));
    const server = await startServerProcess({
      STEADY_DATA_DIR: dataDir,
      STEADY_LOG_LEVEL: 'debug',
    });
    try {
      await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: 'steady_session=secret-cookie-value',
          authorization: 'Bearer stdy_secret',
        },
        body: JSON.stringify({ email: 'a@example.com', password: 'hunter2-hunter2' }),
      });
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await server.stop();
    }
    const text = JSON.stringify(server.logs);
    assert.doesNotMatch(text, /hunter2|secret-cookie-value|stdy_secret/);
    const completed = server.logs.find(
      (l) =>
        (l as { msg?: string; statusCode?: number }).msg === 'request completed' &&
        (l as { statusCode?: number }).statusCode === 401,
    ) as { reqId?: string } | undefined;
    assert.match(completed?.reqId ?? '', /^[0-9a-f-]{36}$/);
  });
});
