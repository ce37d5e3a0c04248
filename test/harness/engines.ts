import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A fresh, empty database for one test file. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database engine the suite runs against. */
export interface TestEngine {
  name: 'sqlite' | 'postgres';
  createDatabase(): Promise<TestDatabase>;
}

/** The server every PostgreSQL test database is created on (trust auth on loopback). */
export const postgresAdminUrl =
  process.env.STEADY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const sqlite: TestEngine = {
  name: 'sqlite',
  createDatabase() {
    const dir = mkdtempSync(path.join(tmpdir(), 'steady-test-'));
    return Promise.resolve({
      url: `sqlite:${path.join(dir, 'steady.db')}`,
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    });
  },
};

const postgres: TestEngine = {
  name: 'postgres',
  async createDatabase() {
    const name = `steady_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(postgresAdminUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async drop() {
        const client = new pg.Client({ connectionString: postgresAdminUrl });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  },
};

/**
 * The engines to run on: both unless STEADY_TEST_ENGINES narrows it (e.g. "sqlite" while
 * iterating locally). CI runs both; an unreachable PostgreSQL fails the suite, never skips it.
 */
export const engines: readonly TestEngine[] = (process.env.STEADY_TEST_ENGINES ?? 'sqlite,postgres')
  .split(',')
  .map((name) => name.trim())
  .map((name) => {
    if (name === 'sqlite') return sqlite;
    if (name === 'postgres') return postgres;
    throw new Error(`STEADY_TEST_ENGINES: unknown engine "${name}"`);
  });

export { sqlite as sqliteEngine, postgres as postgresEngine };
