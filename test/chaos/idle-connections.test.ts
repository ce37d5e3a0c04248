import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createOwnerAndKey,
  startServerProcess,
  type ServerProcess,
} from '../harness/server-process.ts';

// Issue 16 §1 (RELIABILITY I7, I9, B14): 1,100 idle TCP connections against a server whose
// open-file limit is 1,024 used to exhaust its descriptors and kill it (EMFILE in a timer).
// Now the connection cap sits under the limit, the longest-idle connection makes room for a
// new one, silent connections are closed, and intake goes on being accepted throughout.

function openIdle(url: string, count: number): Promise<Socket[]> {
  const { hostname, port } = new URL(url);
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(Number(port), hostname, () => resolve(socket));
          socket.on('error', () => resolve(socket));
          // Reading (and discarding) is how the client sees the server close the connection.
          socket.resume();
        }),
    ),
  );
}

async function sendAlert(url: string, key: string, n: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/api/intake/generic/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ summary: `through the flood ${n}`, dedup_key: `flood-${n}` }),
    signal: AbortSignal.timeout(5000),
  });
  await response.arrayBuffer();
  assert.ok(performance.now() - started < 2000, 'intake answered within 2 s');
  return response.status;
}

describe('idle-connection flood under an open-file limit of 1,024', () => {
  let server: ServerProcess;
  let key: string;
  let sockets: Socket[] = [];

  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'steady-chaos-'));
    server = await startServerProcess(
      {
        STEADY_DATA_DIR: dir,
        STEADY_HTTP_HEADERS_TIMEOUT_MS: '3000',
      },
      20_000,
      { openFileLimit: 1024 },
    );
    key = await createOwnerAndKey(server.url, 'flood');
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  });

  it('keeps accepting intake with 1,100 idle sockets open, and closes the silent ones', async () => {
    sockets = await openIdle(server.url, 1100);
    const statuses: number[] = [];
    // Through the flood, past the memory trimmer's first readings (every 5 s) and past the
    // headers timeout that closes the silent connections.
    for (let n = 0; n < 8; n++) {
      statuses.push(await sendAlert(server.url, key, n));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.deepEqual(statuses, Array(8).fill(202));
    assert.equal(server.child.exitCode, null, 'the server is still running');
    // Closing them all takes a few sweeps; on a loaded machine a little longer.
    const closed = () => sockets.filter((s) => s.destroyed || s.readableEnded || s.closed).length;
    const deadline = performance.now() + 20_000;
    while (closed() < 1100 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(closed(), 1100, 'every silent connection was closed by the server');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /steady_http_connections_closed_total\{reason="evicted"\} \d+/);
    assert.doesNotMatch(JSON.stringify(server.logs), /EMFILE/);
  });
});
