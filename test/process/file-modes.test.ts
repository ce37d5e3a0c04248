import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startServerProcess } from '../harness/server-process.ts';

// Issue 16 §10: steady.db was created world-readable (0644) while secret.key was 0600. Every
// alert, account and session hash is in it.

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('data directory and database file modes', () => {
  it('creates the data directory 0700 and every database file 0600', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'steady-modes-')), 'data');
    const server = await startServerProcess({ STEADY_DATA_DIR: dataDir });
    try {
      assert.equal(modeOf(dataDir), '700');
      for (const file of ['steady.db', 'steady.db-wal', 'steady.db-shm', 'secret.key'])
        assert.equal(modeOf(path.join(dataDir, file)), '600', file);
      assert.doesNotMatch(JSON.stringify(server.logs), /open to other users/);
    } finally {
      await server.stop();
    }
  });

  it('warns at start about a data directory or database others can read', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'steady-modes-')), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(path.join(dataDir, 'steady.db'), '', { mode: 0o644 });
    chmodSync(path.join(dataDir, 'steady.db'), 0o644);
    const server = await startServerProcess({ STEADY_DATA_DIR: dataDir });
    try {
      const warnings = server.logs
        .filter((l) => (l as { level?: number }).level === 40)
        .map((l) => (l as { msg: string }).msg);
      assert.ok(
        warnings.some((w) => w.includes(`chmod 700 ${dataDir}`)),
        warnings.join('\n'),
      );
      assert.ok(warnings.some((w) => w.includes(`chmod 600 ${path.join(dataDir, 'steady.db')}`)));
    } finally {
      await server.stop();
    }
  });
});
