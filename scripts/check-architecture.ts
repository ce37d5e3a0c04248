// Checks the dependency rules of docs/ARCHITECTURE.md on every import in the tree:
//   - a module uses another module only through its index.ts;
//   - platform/, db/, jobs/ and contracts/ never import from modules/;
//   - contracts/ imports only contracts/ (the web app bundles it);
//   - web/ imports from the server only src/contracts/;
//   - migrations import nothing from the application;
//   - no import cycles between files.
// Prints every violation and exits 1 if there is one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const importPattern =
  /^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(
      (name) =>
        /\.tsx?$/.test(name) && !name.includes('node_modules') && !name.includes(`dist${path.sep}`),
    )
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const spec = match[1] ?? match[2];
    if (spec?.startsWith('.') === true) found.push(path.resolve(path.dirname(file), spec));
  }
  return found;
}

const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
const moduleOf = (file: string) => /^src\/modules\/([^/]+)\//.exec(rel(file))?.[1];

const files = [
  ...sourceFiles(path.join(root, 'src')),
  ...sourceFiles(path.join(root, 'web', 'src')),
];
const graph = new Map<string, string[]>();
const problems: string[] = [];

for (const file of files) {
  const from = rel(file);
  const targets = relativeImports(file);
  graph.set(file, targets);
  for (const target of targets) {
    const to = rel(target);
    const fromModule = moduleOf(file);
    const toModule = moduleOf(target);
    if (
      toModule !== undefined &&
      toModule !== fromModule &&
      !to.endsWith(`modules/${toModule}/index.ts`)
    ) {
      problems.push(`${from} reaches into ${to}: use src/modules/${toModule}/index.ts`);
    }
    if (/^src\/(platform|db|jobs|contracts)\//.test(from) && to.startsWith('src/modules/')) {
      problems.push(`${from} imports ${to}: shared layers must not depend on modules`);
    }
    if (from.startsWith('src/contracts/') && !to.startsWith('src/contracts/')) {
      problems.push(`${from} imports ${to}: contracts import only contracts`);
    }
    if (from.startsWith('web/') && !to.startsWith('web/') && !to.startsWith('src/contracts/')) {
      problems.push(
        `${from} imports ${to}: the web app reaches the server only through src/contracts/`,
      );
    }
    if (from.startsWith('src/db/migrations/') && !to.startsWith('src/db/migrations/')) {
      problems.push(
        `${from} imports ${to}: migrations are frozen and import nothing from the application`,
      );
    }
  }
}

// Cycles: depth-first search over the file graph.
const state = new Map<string, 'visiting' | 'done'>();
const stack: string[] = [];
function visit(file: string): void {
  state.set(file, 'visiting');
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    if (state.get(next) === 'visiting') {
      const cycle = stack.slice(stack.indexOf(next)).map(rel);
      problems.push(`import cycle: ${[...cycle, rel(next)].join(' → ')}`);
    } else if (state.get(next) === undefined) {
      visit(next);
    }
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);

if (problems.length > 0) {
  console.error(`Architecture check failed (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.error(`Architecture check passed (${files.length} files).`);
