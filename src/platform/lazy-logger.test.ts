import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerLazyRequestLoggers } from './lazy-logger.ts';

describe('lazy request loggers', () => {
  it('writes request log lines with the request id, and nothing below the level', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = Fastify({
      logger: {
        level: 'info',
        stream: {
          write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
        },
      },
      genReqId: () => 'req-1',
    });
    registerLazyRequestLoggers(app);
    app.get('/', (request) => {
      request.log.debug('hidden');
      request.log.info({ extra: 1 }, 'shown');
      return 'ok';
    });
    await app.inject('/');
    await app.close();
    const shown = lines.filter((l) => l.msg === 'shown');
    assert.equal(shown.length, 1);
    assert.equal(shown[0]?.reqId, 'req-1');
    assert.equal(shown[0].extra, 1);
    assert.equal(
      lines.some((l) => l.msg === 'hidden'),
      false,
    );
  });
});
