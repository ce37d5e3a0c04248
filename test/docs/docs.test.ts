import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commands } from '../../src/cli/main.ts';
import { settings } from '../../src/config.ts';
import { errorCodes } from '../../src/contracts/errors.ts';
import { integrationTypes } from '../../src/contracts/integration-types.ts';
import { sqliteEngine } from '../harness/engines.ts';
import { repoRoot } from '../harness/server-process.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

describe('documentation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqliteEngine);
  });
  after(() => t.close());

  it('documents every error code with its status in docs/api.md', () => {
    const api = read('docs/api.md');
    for (const [code, { status }] of Object.entries(errorCodes)) {
      assert.match(api, new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'), `docs/api.md lacks a row for ${code}`);
    }
  });

  it('documents every route in docs/api.md', () => {
    const api = read('docs/api.md');
    for (const route of t.app.steady.routes) {
      assert.ok(api.includes(`\`${route.method} ${route.url}\``), `docs/api.md lacks ${route.method} ${route.url}`);
    }
  });

  it('lists every setting in the README configuration table', () => {
    const readme = read('README.md');
    for (const setting of settings) {
      assert.match(readme, new RegExp(`^\\| \`${setting.key}\` \\| \`${setting.env}\` \\|`, 'm'), `README lacks ${setting.env}`);
    }
  });

  it('documents every CLI command in docs/cli.md', () => {
    const cli = read('docs/cli.md');
    for (const command of commands) {
      assert.match(cli, new RegExp(`^## \`steady ${command.path.join(' ')}`, 'm'), `docs/cli.md lacks steady ${command.path.join(' ')}`);
    }
  });

  it('has a page for every integration type, linked from docs/integrations/README.md', () => {
    const index = read('docs/integrations/README.md');
    for (const type of integrationTypes) {
      assert.ok(read(`docs/integrations/${type}.md`).length > 500, `docs/integrations/${type}.md is missing or empty`);
      assert.ok(index.includes(`(${type}.md)`), `docs/integrations/README.md does not link ${type}.md`);
    }
  });

  it('keeps the README quickstart commands true to package.json', () => {
    const readme = read('README.md');
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    assert.match(readme, /^npm ci && npm start$/m);
    assert.match(readme, /^npm test$/m);
    assert.match(scripts.start ?? '', /src\/main\.ts serve/);
    assert.match(read('.ci/run'), /^npm test$/m, '.ci/run runs the README test command');
  });
});
