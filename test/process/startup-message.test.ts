import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startServerProcess } from '../harness/server-process.ts';

// Issue 17 §3: the log is JSON only. A person starting Steady reads one line saying where it
// is, on a new instance where to create the owner, and a warning when other machines would
// get unusable URLs.

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'steady-hello-'));

async function settled(read: () => string): Promise<string> {
  for (let i = 0; i < 20 && !read().includes('Steady is running at'); i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return read();
}

describe('the start-up message for people', () => {
  it('says where Steady is and, on a new instance, where to create the owner account', async () => {
    const server = await startServerProcess({ STEADY_DATA_DIR: dataDir() });
    try {
      const text = await settled(() => server.stderr());
      assert.match(
        text,
        new RegExp(
          `^Steady is running at ${server.url} \\(listening on ${server.url}, SQLite at .*steady\\.db\\)\\.$`,
          'm',
        ),
      );
      assert.match(text, new RegExp(`^Open ${server.url} to create the owner account\\.$`, 'm'));
      assert.doesNotMatch(text, /Warning/);
      assert.ok(
        server.logs.every((line) => typeof line === 'object'),
        'standard output stays JSON',
      );
    } finally {
      await server.stop();
    }
  });

  it('warns when it listens on every interface behind a loopback URL', async () => {
    const server = await startServerProcess({
      STEADY_DATA_DIR: dataDir(),
      STEADY_HOST: '0.0.0.0',
    });
    try {
      const text = await settled(() => server.stderr());
      assert.match(
        text,
        /^Warning: Steady listens on every interface, but its public URL is http:\/\/127\.0\.0\.1:\d+, a loopback address: integration URLs and links will not work from other machines\. Set STEADY_BASE_URL/m,
      );
    } finally {
      await server.stop();
    }
  });
});
