import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createOwnerAndKey,
  startServerProcess,
  type ServerProcess,
} from '../harness/server-process.ts';

// Issue 16 §7 (RELIABILITY B9): mistyped intake URLs used to log the full integration key:
// only the exact route shapes were redacted. Every variant here is sent to a real server and
// its log is searched for the key.

describe('integration keys in mistyped URLs stay out of the log', () => {
  let server: ServerProcess;
  let key: string;
  const heartbeat = '5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278';

  before(async () => {
    server = await startServerProcess({
      STEADY_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'steady-redact-')),
    });
    key = await createOwnerAndKey(server.url, 'redact');
  });
  after(() => server.stop());

  it('logs at most a 6-character prefix of the key, whatever the URL', async () => {
    const variants = [
      `//api/intake/generic/${key}`,
      `/api//intake/generic/${key}`,
      `/API/intake/generic/${key}`,
      `/api/intake/generic%2F${key}`,
      `/api/intake/generic?key=${key}`,
      `/api/intake/generic/${key}/extra`,
      `/v2/enqueue/${key}`,
      `/v2/enqueue?routing_key=${key}`,
      `//ping/${heartbeat}`,
      `/PING/${heartbeat}`,
      `/ping//${heartbeat}`,
    ];
    for (const variant of variants) {
      const response = await fetch(`${server.url}${variant}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      await response.arrayBuffer();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const log = server.logs.map((line) => JSON.stringify(line)).join('\n');
    assert.ok(log.includes(key.slice(0, 6)), 'the requests were logged');
    assert.ok(!log.includes(key.slice(0, 12)), 'no more than 6 characters of the key');
    assert.ok(!log.includes(heartbeat.slice(0, 12)), 'no more than 6 characters of the ping key');
  });
});
