import { migrateToLatest, openStore, type Store } from '../../src/db/store.ts';
import type { TestDatabase, TestEngine } from './engines.ts';

/** A migrated store on a fresh database, for repository and scheduler tests. */
export async function openTestStore(
  engine: TestEngine,
): Promise<{ store: Store; database: TestDatabase; reopen(): Store; close(): Promise<void> }> {
  const database = await engine.createDatabase();
  const open = () => openStore({ databaseUrl: database.url, poolMax: 5, timeoutMs: 5000 });
  const store = open();
  await migrateToLatest(store);
  const extra: Store[] = [];
  return {
    store,
    database,
    /** Another connection (pool) to the same database, as a second process would have. */
    reopen() {
      const other = open();
      extra.push(other);
      return other;
    },
    async close() {
      for (const other of extra) await other.close();
      await store.close();
      await database.drop();
    },
  };
}
