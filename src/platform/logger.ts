import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { LogLevel } from '../config.ts';

// Secrets sit in headers, bodies and some URLs (intake keys, ping ids). Logs keep only a
// prefix of URL secrets and never the headers or bodies that carry credentials.
const secretPathPatterns: RegExp[] = [/^(\/api\/intake\/[^/]+\/)([^/?#]+)/, /^(\/ping\/)([^/?#]+)/];

/** The URL with secret path segments shortened to their first 6 characters. */
export function redactUrl(url: string): string {
  for (const pattern of secretPathPatterns) {
    const match = pattern.exec(url);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      return `${match[1]}${match[2].slice(0, 6)}…${url.slice(match[0].length)}`;
    }
  }
  return url;
}

const secretKeys = new Set([
  'password',
  'currentpassword',
  'newpassword',
  'token',
  'routing_key',
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'signingsecret',
  'key',
]);

/**
 * Replaces the values of secret-looking keys, two levels deep. Requests are logged through the
 * serializer below (method, redacted URL, address: never headers or bodies), so this is a
 * backstop for objects passed to the logger by hand. It runs only for lines actually written;
 * pino's `redact` option would instead cost every request's child logger.
 */
export function scrubSecrets(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    let next = value;
    if (secretKeys.has(key.toLowerCase())) next = '[redacted]';
    else if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      !(value instanceof Error)
    ) {
      for (const inner of Object.keys(value)) {
        if (secretKeys.has(inner.toLowerCase())) {
          next = { ...(value as Record<string, unknown>) };
          for (const k of Object.keys(next as object))
            if (secretKeys.has(k.toLowerCase()))
              (next as Record<string, unknown>)[k] = '[redacted]';
          break;
        }
      }
    }
    if (next !== value) {
      copy ??= { ...object };
      copy[key] = next;
    }
  }
  return copy ?? object;
}

/** pino options for the server: JSON lines, request ids, secrets kept out. */
export function loggerOptions(level: LogLevel) {
  return {
    level,
    formatters: { log: scrubSecrets },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}

const levelRank: Partial<Record<string, number>> & Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/** True when a logger at `current` level writes lines of `level` (checked before building them). */
export function logsAt(level: LogLevel, current: string): boolean {
  return levelRank[level] >= (levelRank[current] ?? 0);
}

/** The logging calls background parts use; the Fastify logger satisfies it. */
export type Logger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

/** A logger that drops everything (tests, host commands). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
