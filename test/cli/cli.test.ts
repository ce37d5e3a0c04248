import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { engines, type TestDatabase } from '../harness/engines.ts';
import { HttpClient } from '../harness/http-client.ts';
import { repoRoot, runSteady } from '../harness/server-process.ts';

const password = 'correct horse battery staple';

describe('steady (no database)', () => {
  it('prints an overview with --help and exits 0', async () => {
    const { code, stdout } = await runSteady(['--help']);
    assert.equal(code, 0);
    for (const command of ['serve', 'migrate', 'user create', 'token create'])
      assert.match(stdout, new RegExp(`^  ${command} `, 'm'));
  });

  it('prints help for every command', async () => {
    for (const command of [['serve'], ['migrate'], ['user', 'create'], ['token', 'create']]) {
      const { code, stdout } = await runSteady([...command, '--help']);
      assert.equal(code, 0, command.join(' '));
      assert.match(stdout, new RegExp(`Usage: steady ${command.join(' ')}`));
    }
  });

  it('exits 2 with one line naming the problem on a usage error', async () => {
    const cases: [string[], RegExp][] = [
      [['launch'], /unknown command "launch"/],
      [['user', 'create', '--role', 'owner'], /--email is required/],
      [
        ['user', 'create', '--email', 'a@b.c', '--role', 'chief'],
        /--role must be one of viewer, responder, admin, owner/,
      ],
      [['token', 'create', '--name', 'x', '--scope', 'everything'], /unknown scope everything/],
      [
        ['token', 'create', '--name', 'x', '--scope', 'users:read', '--expires-in-days', '0'],
        /--expires-in-days must be a whole number/,
      ],
      [['migrate', '--verbose'], /Unknown option '--verbose'/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = await runSteady(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
      assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
      assert.equal(stdout, '');
    }
  });

  it('refuses a bad setting with exit 2 naming the variable', async () => {
    const { code, stderr } = await runSteady(['migrate'], { env: { STEADY_PORT: 'eighty' } });
    assert.equal(code, 2);
    assert.match(stderr, /STEADY_PORT: expected a whole number, got "eighty"/);
  });

  it('runs from the package bin (npx steady) too', () => {
    const result = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'steady.js'), '--version'],
      { encoding: 'utf8' },
    );
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

for (const engine of engines) {
  describe(`steady host commands (${engine.name})`, () => {
    let database: TestDatabase;
    let env: Record<string, string>;
    before(async () => {
      database = await engine.createDatabase();
      env = { STEADY_DATABASE_URL: database.url };
    });
    after(() => database.drop());

    it('migrates an empty database, then says it is up to date', async () => {
      const first = await runSteady(['migrate'], { env });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, new RegExp(`Applied \\d+ migration\\(s\\) to ${engine.name}`));
      const second = await runSteady(['migrate'], { env });
      assert.match(second.stdout, /is up to date/);
    });

    it('insists that the first user is the owner', async () => {
      const result = await runSteady(
        ['user', 'create', '--email', 'viewer@example.com', '--role', 'viewer', '--password-stdin'],
        { env, stdin: password },
      );
      assert.equal(result.code, 2);
      assert.match(result.stderr, /the first user must be the owner/);
    });

    it('creates the owner and a token that work against the API', async () => {
      const created = await runSteady(
        [
          'user',
          'create',
          '--email',
          'Owner@Example.com',
          '--name',
          'Olive',
          '--role',
          'owner',
          '--password-stdin',
        ],
        { env, stdin: `${password}\n` },
      );
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /^Created owner owner@example\.com \(id [0-9a-f-]{36}\)\.\n$/);

      const weak = await runSteady(
        ['user', 'create', '--email', 'r@example.com', '--role', 'responder', '--password-stdin'],
        { env, stdin: 'short' },
      );
      assert.equal(weak.code, 2);
      assert.match(weak.stderr, /at least 12 characters/);
      const dupe = await runSteady(
        ['user', 'create', '--email', 'owner@example.com', '--role', 'admin', '--password-stdin'],
        { env, stdin: password },
      );
      assert.equal(dupe.code, 2);
      assert.match(dupe.stderr, /exists already/);

      const token = await runSteady(
        ['token', 'create', '--name', 'ci', '--scope', 'users:read', '--scope', 'audit:read'],
        { env },
      );
      assert.equal(token.code, 0, token.stderr);
      assert.match(token.stdout, /^stdy_[0-9A-Za-z]{36}\n$/);
      // Captured output ($(…)) leaves stderr alone on the terminal: it must not end at a colon.
      assert.match(
        token.stderr,
        /printed on standard output\. It is shown only this once: store it safely\.\n$/,
      );

      const app = await buildApp(
        loadConfig({ env: {}, overrides: { databaseUrl: database.url, logLevel: 'silent' } }),
        { logger: false },
      );
      try {
        const bot = new HttpClient(app);
        bot.bearer = token.stdout.trim();
        const me = await bot.get('/api/me');
        assert.equal(me.json.email, 'owner@example.com');
        const audit = await bot.get('/api/audit-log');
        assert.deepEqual(
          audit.json.items.map(
            (e: { action: string; actorType: string }) => `${e.actorType} ${e.action}`,
          ),
          ['system api_token.created', 'system setup.owner_created'],
        );
        const human = new HttpClient(app);
        const login = await human.post('/api/auth/login', { email: 'owner@example.com', password });
        assert.equal(login.status, 200);
      } finally {
        await app.close();
      }
    });

    it('asks whose token it is when several owners exist', async () => {
      const second = await runSteady(
        ['user', 'create', '--email', 'second@example.com', '--role', 'owner', '--password-stdin'],
        { env, stdin: password },
      );
      assert.equal(second.code, 0, second.stderr);
      const ambiguous = await runSteady(
        ['token', 'create', '--name', 'x', '--scope', 'users:read'],
        { env },
      );
      assert.equal(ambiguous.code, 2);
      assert.match(ambiguous.stderr, /say whose token it is with --user/);
      const explicit = await runSteady(
        ['token', 'create', '--name', 'x', '--scope', 'users:read', '--user', 'second@example.com'],
        { env },
      );
      assert.equal(explicit.code, 0);
      const unknown = await runSteady(
        ['token', 'create', '--name', 'x', '--scope', 'users:read', '--user', 'ghost@example.com'],
        { env },
      );
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /no user with the email ghost@example.com/);
    });
  });
}
