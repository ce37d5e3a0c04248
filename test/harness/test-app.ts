import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import type { TestDatabase, TestEngine } from './engines.ts';
import { HttpClient } from './http-client.ts';
import { scopes } from '../../src/contracts/access.ts';

/** A Steady app on a fresh database, driven through `inject` (no port). */
export interface TestApp {
  app: FastifyInstance;
  config: Config;
  clock: ManualClock;
  database: TestDatabase;
  /** A client with its own cookie jar. */
  client(): HttpClient;
  close(): Promise<void>;
}

/** Builds a Steady app for tests: fresh database, manual clock, silent logs. */
export async function startTestApp(
  engine: TestEngine,
  overrides: Partial<Config> = {},
): Promise<TestApp> {
  const database = await engine.createDatabase();
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: database.url,
      logLevel: 'silent',
      baseUrl: 'http://steady.test',
      ...overrides,
    },
  });
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0));
  let app: FastifyInstance;
  try {
    app = await buildApp(config, { clock, logger: false });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    app,
    config,
    clock,
    database,
    client: () => new HttpClient(app),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export const ownerPassword = 'correct horse battery staple';

/** Creates the owner through first-run setup and returns a client logged in as them. */
export async function setupOwner(
  testApp: TestApp,
  email = 'owner@example.com',
): Promise<HttpClient> {
  const client = testApp.client();
  const response = await client.post('/api/setup/owner', {
    email,
    name: 'Olive Owner',
    password: ownerPassword,
  });
  if (response.status !== 201) throw new Error(`setup failed: ${response.status} ${response.text}`);
  return client;
}

/** Creates a user with `role` (as the owner) and returns a client logged in as them. */
export async function userWithRole(
  testApp: TestApp,
  owner: HttpClient,
  role: string,
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`,
): Promise<HttpClient> {
  const created = await owner.post('/api/users', {
    email,
    name: `A ${role}`,
    role,
    password: ownerPassword,
  });
  if (created.status !== 201)
    throw new Error(`user create failed: ${created.status} ${created.text}`);
  const client = testApp.client();
  const login = await client.post('/api/auth/login', { email, password: ownerPassword });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  return client;
}

/**
 * A client acting as `session`'s user through an API token with every scope. Unlike a browser
 * session it does not go idle, so tests that move the clock by days keep working.
 */
export async function tokenClient(testApp: TestApp, session: HttpClient): Promise<HttpClient> {
  const created = await session.post('/api/me/tokens', {
    name: `test ${Math.random()}`,
    scopes: [...scopes],
  });
  if (created.status !== 201)
    throw new Error(`token create failed: ${created.status} ${created.text}`);
  const client = testApp.client();
  client.bearer = created.json.token;
  return client;
}
