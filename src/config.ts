import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every setting Steady reads, parsed once. Nothing else in the code reads process.env.
 * Values come from (lowest to highest precedence) the defaults, an optional JSON config file
 * (STEADY_CONFIG_FILE or --config) and the environment.
 */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  databasePoolMax: number;
  databaseTimeoutMs: number;
  baseUrl: string;
  logLevel: LogLevel;
  sessionIdleMinutes: number;
  sessionMaxDays: number;
  trustProxy: boolean;
  migrateOnStart: boolean;
  jobPollMs: number;
  webDir: string;
  secretKey: string | null;
  intakeRateLimitPerMinute: number;
  maxConnections: number;
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const logLevels: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** A setting: where it comes from, its default and how to read it. The README table mirrors this list. */
interface SettingSpec<K extends keyof Config> {
  key: K;
  env: string;
  description: string;
  /** The default, computed from the settings parsed before it. */
  fallback: (partial: Partial<Config>) => Config[K];
  parse: (raw: string) => Config[K];
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function integer(min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new Error(`expected a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

function boolean(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`expected true or false, got "${raw}"`);
}

function nonEmpty(raw: string): string {
  if (raw.trim() === '') throw new Error('must not be empty');
  return raw.trim();
}

function secretKey(raw: string): string {
  const v = raw.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || Buffer.from(v, 'base64').length !== 32) {
    throw new Error('must be 32 random bytes in base64 (e.g. openssl rand -base64 32)');
  }
  return v;
}

function databaseUrl(raw: string): string {
  const v = raw.trim();
  if (/^postgres(ql)?:\/\//.test(v)) {
    new URL(v); // throws with a clear message on a malformed URL
    return v;
  }
  if (v.startsWith('sqlite:')) {
    if (v.length === 'sqlite:'.length)
      throw new Error('sqlite: needs a file path, e.g. sqlite:./data/steady.db');
    return v;
  }
  throw new Error('must start with sqlite: or postgres://');
}

function baseUrl(raw: string): string {
  const url = new URL(raw.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('must be an http or https URL');
  return url.toString().replace(/\/$/, '');
}

const specs: { [K in keyof Config]: SettingSpec<K> } = {
  host: {
    key: 'host',
    env: 'STEADY_HOST',
    description: 'Address the HTTP server listens on. Use 0.0.0.0 to listen on every interface.',
    fallback: () => '127.0.0.1',
    parse: nonEmpty,
  },
  port: {
    key: 'port',
    env: 'STEADY_PORT',
    description: 'TCP port of the HTTP server (0 picks a free port and logs it).',
    fallback: () => 8080,
    parse: integer(0, 65535),
  },
  dataDir: {
    key: 'dataDir',
    env: 'STEADY_DATA_DIR',
    description: 'Directory for the embedded SQLite database and other local state.',
    fallback: () => path.resolve('data'),
    parse: (raw) => path.resolve(nonEmpty(raw)),
  },
  databaseUrl: {
    key: 'databaseUrl',
    env: 'STEADY_DATABASE_URL',
    description:
      'sqlite:<file> for the embedded store, or postgres://user@host:port/db for PostgreSQL.',
    fallback: (c) => `sqlite:${path.join(c.dataDir ?? path.resolve('data'), 'steady.db')}`,
    parse: databaseUrl,
  },
  databasePoolMax: {
    key: 'databasePoolMax',
    env: 'STEADY_DATABASE_POOL_MAX',
    description: 'PostgreSQL only: most connections in the pool.',
    fallback: () => 10,
    parse: integer(1, 500),
  },
  databaseTimeoutMs: {
    key: 'databaseTimeoutMs',
    env: 'STEADY_DATABASE_TIMEOUT_MS',
    description: 'How long a query or a wait for the database may take before Steady answers 503.',
    fallback: () => 5000,
    parse: integer(100, 600_000),
  },
  baseUrl: {
    key: 'baseUrl',
    env: 'STEADY_BASE_URL',
    description:
      'The public URL of this Steady, used in links in notifications and integration URLs.',
    fallback: (c) =>
      `http://${c.host === '0.0.0.0' ? '127.0.0.1' : (c.host ?? '127.0.0.1')}:${c.port ?? 8080}`,
    parse: baseUrl,
  },
  logLevel: {
    key: 'logLevel',
    env: 'STEADY_LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent.',
    fallback: () => 'info',
    parse: (raw) => {
      const v = raw.trim().toLowerCase();
      const level = logLevels.find((l) => l === v);
      if (level === undefined) throw new Error(`must be one of ${logLevels.join(', ')}`);
      return level;
    },
  },
  sessionIdleMinutes: {
    key: 'sessionIdleMinutes',
    env: 'STEADY_SESSION_IDLE_MINUTES',
    description: 'A login session ends after this many minutes without a request.',
    fallback: () => 720,
    parse: integer(5, 60 * 24 * 30),
  },
  sessionMaxDays: {
    key: 'sessionMaxDays',
    env: 'STEADY_SESSION_MAX_DAYS',
    description: 'A login session ends this many days after login, however active.',
    fallback: () => 7,
    parse: integer(1, 365),
  },
  trustProxy: {
    key: 'trustProxy',
    env: 'STEADY_TRUST_PROXY',
    description: 'Trust X-Forwarded-For/-Proto from a reverse proxy in front of Steady.',
    fallback: () => false,
    parse: boolean,
  },
  migrateOnStart: {
    key: 'migrateOnStart',
    env: 'STEADY_MIGRATE_ON_START',
    description: 'Apply pending database migrations when the server starts.',
    fallback: () => true,
    parse: boolean,
  },
  jobPollMs: {
    key: 'jobPollMs',
    env: 'STEADY_JOB_POLL_MS',
    description: 'How often the scheduler looks for due jobs (timers), in milliseconds.',
    fallback: () => 1000,
    parse: integer(50, 60_000),
  },
  webDir: {
    key: 'webDir',
    env: 'STEADY_WEB_DIR',
    description: 'Directory of the built web app (npm run build writes it).',
    fallback: () => path.join(repoRoot, 'web', 'dist'),
    parse: (raw) => path.resolve(nonEmpty(raw)),
  },
  secretKey: {
    key: 'secretKey',
    env: 'STEADY_SECRET_KEY',
    description:
      'Key that encrypts stored webhook secrets (base64 of 32 bytes). Default: a key file created in the data dir.',
    fallback: () => null,
    parse: secretKey,
  },
  intakeRateLimitPerMinute: {
    key: 'intakeRateLimitPerMinute',
    env: 'STEADY_INTAKE_RATE_LIMIT_PER_MINUTE',
    description:
      'Default most requests per minute one integration may send (an integration can set its own).',
    fallback: () => 60_000,
    parse: integer(1, 100_000_000),
  },
  maxConnections: {
    key: 'maxConnections',
    env: 'STEADY_MAX_CONNECTIONS',
    description:
      'Most open HTTP connections (lowered to fit the open-file limit); past it the longest-idle one is closed.',
    fallback: () => 10_000,
    parse: integer(16, 1_000_000),
  },
  httpHeadersTimeoutMs: {
    key: 'httpHeadersTimeoutMs',
    env: 'STEADY_HTTP_HEADERS_TIMEOUT_MS',
    description:
      'A connection that has not sent a complete request head within this time is closed.',
    fallback: () => 10_000,
    parse: integer(1000, 600_000),
  },
  httpRequestTimeoutMs: {
    key: 'httpRequestTimeoutMs',
    env: 'STEADY_HTTP_REQUEST_TIMEOUT_MS',
    description: 'A request whose head and body are not received within this time gets 408.',
    fallback: () => 30_000,
    parse: integer(1000, 600_000),
  },
};

/** Settings in the order they are resolved (later defaults depend on earlier values). */
export const settings = Object.values(specs) as SettingSpec<keyof Config>[];

/** Raised when one or more settings are invalid; lists every problem at once. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file; falls back to env STEADY_CONFIG_FILE. */
  configFile?: string | undefined;
  /** Settings that win over everything else (tests and CLI flags). */
  overrides?: Partial<Config>;
}

/** Reads the config file, the environment and overrides into a Config, or throws ConfigError. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const fileValues = readConfigFile(options.configFile ?? env.STEADY_CONFIG_FILE, problems);
  const partial: Partial<Config> = {};
  const assign = <K extends keyof Config>(key: K, value: Config[K]) => {
    partial[key] = value;
  };

  for (const spec of settings) {
    const override = options.overrides?.[spec.key];
    if (override !== undefined) {
      assign(spec.key, override);
      continue;
    }
    const raw = env[spec.env] ?? fileValues[spec.key];
    if (raw === undefined || raw === '') {
      assign(spec.key, spec.fallback(partial));
      continue;
    }
    try {
      assign(spec.key, spec.parse(typeof raw === 'string' ? raw : JSON.stringify(raw)));
    } catch (error) {
      problems.push(`${spec.env}: ${(error as Error).message}`);
    }
  }
  for (const key of Object.keys(fileValues)) {
    if (!(key in specs)) problems.push(`config file: unknown setting "${key}"`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return partial as Config;
}

function readConfigFile(file: string | undefined, problems: string[]): Record<string, unknown> {
  if (file === undefined || file === '') return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problems.push(`config file ${file}: must hold a JSON object`);
      return {};
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    problems.push(`config file ${file}: ${(error as Error).message}`);
    return {};
  }
}

/** True when the configured store is PostgreSQL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}
