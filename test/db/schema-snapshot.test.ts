import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import { dumpSchema } from '../harness/schema-dump.ts';
import { repoRoot } from '../harness/server-process.ts';
import { openTestStore } from '../harness/test-store.ts';

// Migrations are frozen once merged: migrating an empty database must give exactly the
// committed schema. After adding a migration, refresh with `npm run schema:snapshot`.
const update = process.env.UPDATE_SNAPSHOTS === '1';

for (const engine of engines) {
  describe(`schema snapshot (${engine.name})`, () => {
    it('matches the committed snapshot after migrating an empty database', async () => {
      const handle = await openTestStore(engine);
      try {
        const actual = await dumpSchema(handle.store);
        const file = path.join(repoRoot, 'src', 'db', 'schema-snapshots', `${engine.name}.txt`);
        if (update) writeFileSync(file, actual);
        assert.equal(
          actual,
          readFileSync(file, 'utf8'),
          `schema differs from ${path.relative(repoRoot, file)}; run npm run schema:snapshot if the change is intended`,
        );
      } finally {
        await handle.close();
      }
    });
  });
}
