import { migrateToLatest, openStore } from '../db/store.ts';
import { configFrom, type Command } from './command.ts';

export const migrateCommand: Command = {
  path: ['migrate'],
  summary: 'Apply pending database migrations and exit.',
  usage: 'steady migrate [--config <file>]',
  options: {},
  async run(args, io) {
    const config = configFrom(args, io);
    const store = openStore({
      databaseUrl: config.databaseUrl,
      poolMax: 2,
      timeoutMs: config.databaseTimeoutMs,
    });
    try {
      const result = await migrateToLatest(store);
      const applied =
        result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      io.out(
        applied.length === 0
          ? `The ${store.engine} database is up to date.\n`
          : `Applied ${applied.length} migration(s) to ${store.engine}:\n${applied.map((n) => `  ${n}\n`).join('')}`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
