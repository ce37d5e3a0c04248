import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

// Issue 16 §1 (RELIABILITY B14, I7): the phases of a request are bounded (a silent connection,
// a slow head, a slow body), and so is the number of connections, with a clear answer past
// the cap. A 1-byte-every-2-s body used to get its 408 only after 88 s.

const sqlite = engines.find((e) => e.name === 'sqlite') ?? engines[0];

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Resolves with what the server sent before it closed the connection, and when. */
function untilClosed(socket: Socket): Promise<{ text: string; afterMs: number }> {
  const started = performance.now();
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString()));
  return new Promise((resolve) => {
    socket.once('close', () => resolve({ text, afterMs: performance.now() - started }));
  });
}

describe('HTTP limits: timeouts and the connection cap', () => {
  let t: TestApp;
  let port: number;

  before(async () => {
    t = await startTestApp(sqlite as NonNullable<typeof sqlite>, {
      maxConnections: 16,
      httpHeadersTimeoutMs: 1000,
      httpRequestTimeoutMs: 2000,
    });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(address).port);
  });
  after(() => t.close());

  it('closes a connection that sends nothing after the headers timeout', async () => {
    const socket = await open(port);
    const { text, afterMs } = await untilClosed(socket);
    assert.match(text, /^(HTTP\/1\.1 408 |$)/, 'closed, at most with a 408');
    assert.ok(afterMs >= 900 && afterMs < 3500, `closed after ${Math.round(afterMs)} ms`);
  });

  it('answers 408 to a body trickling in a byte at a time, at the request timeout', async () => {
    const socket = await open(port);
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
    );
    const trickle = setInterval(() => socket.writable && socket.write('{'), 500);
    const { text, afterMs } = await untilClosed(socket);
    clearInterval(trickle);
    assert.match(text, /^HTTP\/1\.1 408/);
    assert.ok(afterMs < 4500, `408 after ${Math.round(afterMs)} ms (limit 2 s, checked every 1 s)`);
  });

  it('makes room for a new connection by closing the longest-idle one', async () => {
    const idle = await Promise.all(Array.from({ length: 16 }, () => open(port)));
    const closed = idle.map((socket) => untilClosed(socket));
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(response.status, 200);
    await Promise.race([closed[0], new Promise((r) => setTimeout(r, 500))]);
    assert.ok(
      idle[0]?.destroyed === true || idle[0]?.readableEnded === true,
      'the oldest was closed',
    );
    for (const socket of idle) socket.destroy();
  });

  it('answers 503 with Retry-After past the cap when every connection is busy', async () => {
    // Sixteen requests in flight (head sent, body awaited) hold every slot.
    const busy = await Promise.all(Array.from({ length: 16 }, () => open(port)));
    for (const socket of busy)
      socket.write(
        'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n',
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const extra = await open(port);
    const { text } = await untilClosed(extra);
    assert.match(text, /^HTTP\/1\.1 503/);
    assert.match(text, /retry-after: 1/i);
    assert.match(text, /too many open connections/);
    for (const socket of busy) socket.destroy();
  });
});
