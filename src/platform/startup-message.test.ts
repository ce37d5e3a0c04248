import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startupMessage, type StartupFacts } from './startup-message.ts';

const facts: StartupFacts = {
  address: 'http://127.0.0.1:8080',
  host: '127.0.0.1',
  baseUrl: 'http://127.0.0.1:8080',
  engine: 'sqlite',
  sqliteFile: '/srv/steady/data/steady.db',
  needsOwner: false,
  addresses: ['192.0.2.10'],
};

describe('startupMessage', () => {
  it('says where Steady is in one line', () => {
    assert.deepEqual(startupMessage(facts), {
      info: [
        'Steady is running at http://127.0.0.1:8080 (listening on http://127.0.0.1:8080, SQLite at /srv/steady/data/steady.db).',
      ],
      warnings: [],
    });
  });

  it('on a new instance, says where to create the owner account', () => {
    const { info } = startupMessage({ ...facts, needsOwner: true });
    assert.equal(info[1], 'Open http://127.0.0.1:8080 to create the owner account.');
  });

  it('warns when it listens everywhere but its URL is loopback, suggesting one that works', () => {
    const { warnings } = startupMessage({
      ...facts,
      host: '0.0.0.0',
      address: 'http://0.0.0.0:8080',
    });
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /a loopback address: integration URLs and links will not work from other machines/,
    );
    assert.match(warnings[0] ?? '', /Set STEADY_BASE_URL .* e\.g\. http:\/\/192\.0\.2\.10:8080\.$/);
  });

  // [host, base URL, warns]
  const cases: [string, string, boolean][] = [
    ['0.0.0.0', 'http://localhost:8080', true],
    ['::', 'http://[::1]:8080', true],
    ['0.0.0.0', 'https://steady.example.com', false],
    ['127.0.0.1', 'http://127.0.0.1:8080', false],
    ['10.1.2.3', 'http://10.1.2.3:8080', false],
  ];
  for (const [host, baseUrl, warns] of cases) {
    it(`${warns ? 'warns' : 'does not warn'} for host ${host} and URL ${baseUrl}`, () => {
      assert.equal(startupMessage({ ...facts, host, baseUrl }).warnings.length > 0, warns);
    });
  }

  it('names PostgreSQL without its URL (which may hold a password)', () => {
    const { info } = startupMessage({ ...facts, engine: 'postgres', sqliteFile: null });
    assert.match(info[0] ?? '', /PostgreSQL\)\.$/);
  });
});
