import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import { DatabaseSync } from 'node:sqlite';
import { newDatabasePageSize, NodeSqliteDialect, walRestartFramesFor } from './sqlite-dialect.ts';

/** A temporary directory for one suite's files, removed after the suite. */
function suiteDirectory(prefix: string): () => string {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

interface Row {
  id: number;
  note: string;
}

// Statements are freed as soon as they are no longer needed (one-use long statements, and
// those the bounded cache evicts). These tests pin down that freeing never breaks a later use.
describe('NodeSqliteDialect statements', () => {
  let dir: string;
  let db: Kysely<{ rows: Row }>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'steady-dialect-'));
    db = new Kysely({
      dialect: new NodeSqliteDialect({ file: path.join(dir, 'test.db'), lockWaitMs: 1000 }),
    });
    await sql`create table rows (id integer primary key, note text not null)`.execute(db);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs statements too long to cache again and again, each prepared for its one use', async () => {
    for (let round = 0; round < 20; round++) {
      const rows = Array.from({ length: 300 }, (_, i) => ({
        id: round * 300 + i + 1,
        note: `round ${round} row ${i} ${'x'.repeat(20)}`,
      }));
      await db.insertInto('rows').values(rows).execute();
      // A long read, through both the buffered and the streaming path.
      const ids = rows.map((r) => r.id);
      const read = await db.selectFrom('rows').select('id').where('id', 'in', ids).execute();
      assert.equal(read.length, 300);
      let streamed = 0;
      for await (const row of db.selectFrom('rows').selectAll().where('id', 'in', ids).stream())
        streamed += row.id > 0 ? 1 : 0;
      assert.equal(streamed, 300);
    }
    const { n } = await db
      .selectFrom('rows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(n, 6000);
  });

  it('keeps answering after the cache evicts and frees its oldest statements', async () => {
    const numbered = async (i: number) => {
      const row = await db
        .selectFrom('rows')
        .select(sql<number>`${sql.lit(i)}`.as('k'))
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      assert.equal(row.k, i);
    };
    // More distinct statements than the cache holds (500): the first ones are evicted.
    for (let i = 0; i < 700; i++) await numbered(i);
    // The evicted ones are prepared afresh on their next use; the cached ones are reused.
    for (const i of [0, 1, 2, 698, 699, 699]) await numbered(i);
  });
});

// Under writes that never pause, a passive checkpoint never catches up with the last commit,
// and SQLite rewinds the WAL only when it has. The checkpointer then asks for a moment without
// writes, so the WAL stays near its limit instead of growing with everything written.
describe('NodeSqliteDialect background checkpoints', () => {
  const dir = suiteDirectory('steady-checkpoints-');

  it('keeps the WAL bounded under continuous writes and loses no row', async () => {
    const file = path.join(dir(), 'busy.db');
    const db = new Kysely<{ rows: Row }>({
      dialect: new NodeSqliteDialect({
        file,
        lockWaitMs: 1000,
        backgroundCheckpoints: true,
        walRestartFrames: 64,
      }),
    });
    await sql`create table rows (id integer primary key, note text not null)`.execute(db);
    const note = 'x'.repeat(500);
    let written = 0;
    let largestWal = 0;
    const started = performance.now();
    // Two seconds of commits back to back: ten checkpoint rounds.
    while (performance.now() - started < 2000) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('rows')
          .values(Array.from({ length: 100 }, () => ({ note }) as Row))
          .execute();
      });
      written += 100;
      largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
      // A server's event loop turns between requests; the checkpointer's messages need it to.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { n } = await db
      .selectFrom('rows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await db.destroy();
    assert.equal(n, written);
    const bytesWritten = written * note.length;
    assert.ok(bytesWritten > 4 * 1_048_576, `wrote only ${bytesWritten} bytes`);
    // Without the rewind the WAL holds every page written, more than the bytes inserted (each
    // commit also rewrites the last, partly filled page: with 16 KB pages, transactions of
    // 50 KB keep that share small). With it, about one checkpoint round's worth (200 ms of
    // commits back to back): a third of the bytes inserted here.
    assert.ok(
      largestWal < bytesWritten / 2,
      `the WAL grew to ${largestWal} bytes for ${bytesWritten} written`,
    );
  });
});

describe('walRestartFramesFor', () => {
  it('keeps the rewind threshold at 32 MB of WAL whatever the page size', () => {
    assert.equal(walRestartFramesFor(16_384), 2048);
    assert.equal(walRestartFramesFor(4096), 8192);
    assert.equal(walRestartFramesFor(65_536), 512);
  });
});

// New databases get larger pages (fewer file-system calls per commit and checkpoint); a
// database created before keeps its own, since SQLite cannot change it in WAL mode.
describe('NodeSqliteDialect page size', () => {
  const dir = suiteDirectory('steady-page-size-');

  const pageSize = async (db: Kysely<{ rows: Row }>) =>
    (await sql<{ page_size: number }>`PRAGMA page_size`.execute(db)).rows[0]?.page_size;

  it('creates a new database with 16 KB pages', async () => {
    const db = new Kysely<{ rows: Row }>({
      dialect: new NodeSqliteDialect({ file: path.join(dir(), 'new.db'), lockWaitMs: 1000 }),
    });
    await sql`create table rows (id integer primary key, note text not null)`.execute(db);
    assert.equal(await pageSize(db), newDatabasePageSize);
    assert.equal(newDatabasePageSize, 16_384);
    await db.destroy();
  });

  it('keeps the page size of an existing database, and its rows', async () => {
    const file = path.join(dir(), 'old.db');
    const old = new DatabaseSync(file);
    old.exec('PRAGMA page_size = 4096');
    old.exec('PRAGMA journal_mode = WAL');
    old.exec('create table rows (id integer primary key, note text not null)');
    old.exec("insert into rows (note) values ('written before')");
    old.close();
    const db = new Kysely<{ rows: Row }>({
      dialect: new NodeSqliteDialect({ file, lockWaitMs: 1000, backgroundCheckpoints: true }),
    });
    assert.equal(await pageSize(db), 4096);
    await db
      .insertInto('rows')
      .values({ note: 'written after' } as Row)
      .execute();
    const notes = await db.selectFrom('rows').select('note').orderBy('id').execute();
    assert.deepEqual(
      notes.map((r) => r.note),
      ['written before', 'written after'],
    );
    await db.destroy();
  });
});
