import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { SqliteCheckpointer } from './sqlite-checkpointer.ts';

describe('SqliteCheckpointer', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'steady-checkpointer-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks again for a quiet moment after the main thread could not grant one', async () => {
    const file = path.join(dir, 'refused.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA wal_autocheckpoint = 0');
    db.exec('create table rows (id integer primary key, note text not null)');
    const insert = db.prepare('insert into rows (note) values (?)');
    let asked = 0;
    const connection = { held: false };
    const checkpointer = new SqliteCheckpointer(file, {
      intervalMs: 20,
      restartFrames: 8,
      // The first request finds the connection unavailable (as while it closes); later ones
      // are granted, and no write runs until the hold is released.
      holdConnection: () => {
        asked++;
        if (asked === 1) return Promise.reject(new Error('the connection is closing'));
        connection.held = true;
        return Promise.resolve(() => {
          connection.held = false;
        });
      },
      onError: (error) => assert.fail(error),
    });
    const started = performance.now();
    while (asked < 2 && performance.now() - started < 5000) {
      if (!connection.held) insert.run('x'.repeat(2000));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await checkpointer.stop();
    db.close();
    assert.ok(asked >= 2, `the checkpointer asked ${asked} time(s) in 5 s`);
  });
});
