import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import { NodeSqliteDialect } from './sqlite-dialect.ts';

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
      dialect: new NodeSqliteDialect({ file: path.join(dir, 'test.db'), busyTimeoutMs: 1000 }),
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
