import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import {
  createOwnerAndKey,
  startServerProcess,
  type ServerProcess,
} from '../harness/server-process.ts';

// Issue 16 §3 (RELIABILITY F4, I7): another process holding SQLite's write lock for 10 s used
// to freeze Steady: node:sqlite waits for a lock synchronously, on the event loop, so /healthz
// took 8.8 s, /readyz 8.6 s (and still said ready) and intake answered after up to 10 s.

/** Another process that takes the database's write lock and holds it until killed. */
function holdWriteLock(file: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const { DatabaseSync } = require('node:sqlite');
       const db = new DatabaseSync(process.argv[1]);
       db.exec('BEGIN EXCLUSIVE');
       db.exec("CREATE TABLE IF NOT EXISTS lock_probe (x)");
       console.log('locked');
       setInterval(() => {}, 1000);`,
      file,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line === 'locked') resolve(child);
    });
  });
}

async function timed(url: string, init?: RequestInit) {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  return {
    status: response.status,
    text,
    headers: response.headers,
    ms: performance.now() - started,
  };
}

describe('sqlite: another process holds the write lock', () => {
  let server: ServerProcess;
  let key: string;
  let file: string;

  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'steady-lock-'));
    file = path.join(dir, 'steady.db');
    server = await startServerProcess({ STEADY_DATA_DIR: dir });
    key = await createOwnerAndKey(server.url, 'lock');
  });
  after(() => server.stop());

  it('stays fast: /healthz answers, /readyz says "database busy", senders get 503 + Retry-After within 2 s', async () => {
    const holder = await holdWriteLock(file);
    try {
      const alert = (n: number) =>
        timed(`${server.url}/api/intake/generic/${key}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ summary: `during the lock ${n}`, dedup_key: `lock-${n}` }),
        });
      const [first, second, health, ready] = await Promise.all([
        alert(1),
        alert(2),
        timed(`${server.url}/healthz`),
        timed(`${server.url}/readyz`),
      ]);
      for (const answer of [first, second]) {
        assert.equal(answer.status, 503, answer.text);
        assert.ok(Number(answer.headers.get('retry-after')) > 0, 'Retry-After is set');
        assert.ok(answer.ms < 2000, `intake answered in ${Math.round(answer.ms)} ms`);
      }
      assert.equal(health.status, 200);
      assert.ok(health.ms < 500, `/healthz answered in ${Math.round(health.ms)} ms`);
      assert.equal(ready.status, 503);
      assert.match(ready.text, /database busy/);
      assert.ok(ready.ms < 2000, `/readyz answered in ${Math.round(ready.ms)} ms`);
      // The API as well: a write refused with 503, a read served.
      const login = await timed(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'lock@example.com', password: 'kill dash nine test' }),
      });
      assert.ok(
        login.ms < 2000,
        `login answered ${login.status} in ${Math.round(login.ms)} ms: ${login.text}`,
      );
      assert.equal(login.status, 503, login.text);
    } finally {
      holder.kill('SIGKILL');
    }
    // Once the lock is gone Steady recovers by itself.
    const later = await timed(`${server.url}/api/intake/generic/${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ summary: 'after the lock', dedup_key: 'after' }),
    });
    assert.equal(later.status, 202, later.text);
    assert.equal((await timed(`${server.url}/readyz`)).status, 200);
  });
});
