import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { engines } from '../harness/engines.ts';

// Issue 16 §2 (RELIABILITY I7, B14): after answering 413 to an oversized body the server used
// to go on reading it: 15 GB in 45 s on one connection, with no valid key. Now it answers and
// closes the connection; the client reads the 413 and can send no more.

interface Outcome {
  statusLine: string;
  sentBytes: number;
  closedAfterMs: number;
}

/** Streams an endless chunked body; resolves once the server has closed the connection. */
function endlessBody(port: number, head: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let answeredAt = 0;
    const chunk = `10000\r\n${'x'.repeat(0x10000)}\r\n`;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server still reads after ${sent} bytes`));
    }, 10_000);
    socket.on('data', (data) => {
      if (answer === '') answeredAt = performance.now();
      answer += data.toString();
    });
    const done = () => {
      clearTimeout(giveUp);
      resolve({
        statusLine: answer.split('\r\n')[0] ?? '',
        sentBytes: sent,
        closedAfterMs: answeredAt === 0 ? -1 : performance.now() - answeredAt,
      });
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.write(head);
    const pump = () => {
      if (socket.destroyed || !socket.writable) return;
      sent += 0x10000;
      socket.write(chunk, (error) => {
        if (error === undefined || error === null) setImmediate(pump);
      });
    };
    pump();
  });
}

for (const engine of engines) {
  describe(`${engine.name}: a body that never ends`, () => {
    let t: TestApp;
    let port: number;

    before(async () => {
      t = await startTestApp(engine);
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = Number(new URL(address).port);
    });
    after(() => t.close());

    for (const [name, target] of [
      ['an intake URL with an unknown key', '/api/intake/generic/not-a-real-key-0123456789'],
      ['the PagerDuty route', '/v2/enqueue'],
      ['an API route', '/api/auth/login'],
    ] as const) {
      it(`answers 413 on ${name} and closes the connection`, async () => {
        const outcome = await endlessBody(
          port,
          `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        );
        assert.match(outcome.statusLine, /^HTTP\/1\.1 413/);
        assert.ok(
          outcome.sentBytes < 16 * 1_048_576,
          `closed after ${outcome.sentBytes} bytes (the limit is 1 MiB)`,
        );
        assert.ok(outcome.closedAfterMs < 2000, `closed ${outcome.closedAfterMs} ms after the 413`);
      });
    }
  });
}
