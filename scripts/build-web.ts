// Builds the web app into web/dist. With --if-stale it first compares a hash of every input
// (web sources, the shared contracts, the lockfile) with the one recorded by the last build,
// so `npm start` and `npm test` only pay for a build when something changed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Vite from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'web', 'dist');
const stampFile = path.join(outDir, '.build-hash');
const inputs = [
  'web/src',
  'web/public',
  'web/index.html',
  'web/vite.config.ts',
  'src/contracts',
  'package-lock.json',
];

function files(entry: string): string[] {
  const full = path.join(root, entry);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(full, name))
    .filter((file) => statSync(file).isFile())
    .sort();
}

function inputHash(): string {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap(files)) {
    hash.update(path.relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

const hash = inputHash();
if (
  process.argv.includes('--if-stale') &&
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8') === hash
) {
  process.exit(0);
}

let vite: typeof Vite;
try {
  vite = await import('vite');
} catch {
  console.error(
    'Building the web app needs the dev dependencies: run "npm ci" (without --omit=dev) first.',
  );
  process.exit(1);
}
const started = performance.now();
await vite.build({ configFile: path.join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
writeFileSync(stampFile, hash);
console.error(`Built the web app into web/dist in ${Math.round(performance.now() - started)} ms.`);
