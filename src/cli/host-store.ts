import type { Config } from '../config.ts';
import { migrateToLatest, openStore, type Store } from '../db/store.ts';

/**
 * Opens the configured database for a host command (one run on the server's machine, such as
 * `steady user create`), migrating it first when the server would.
 */
export async function openHostStore(config: Config): Promise<Store> {
  const store = openStore({
    databaseUrl: config.databaseUrl,
    poolMax: 2,
    timeoutMs: config.databaseTimeoutMs,
  });
  try {
    if (config.migrateOnStart) await migrateToLatest(store);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
