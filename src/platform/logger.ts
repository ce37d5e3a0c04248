import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { LogLevel } from '../config.ts';

// Secrets sit in headers, bodies and some URLs (intake keys, ping ids). Logs keep only a
// prefix of URL secrets and never the headers or bodies that carry credentials.
const secretPathPatterns: RegExp[] = [/^(\/api\/intake\/[^/]+\/)([^/?#]+)/, /^(\/ping\/)([^/?#]+)/];
// What an integration key looks like (integration-key.ts): 32 hex digits, or a heartbeat's
// UUID. A mistyped URL (`//api/intake/…`, `/API/…`, `generic%2F<key>`, `?key=<key>`) puts
// the key where no route pattern expects it, so keys are also found by their shape.
const hexKeyShape = /(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/gi;
const uuidKeyShape =
  /(?<![0-9a-f-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f-])/gi;

const shorten = (secret: string): string => `${secret.slice(0, 6)}…`;

function decoded(url: string): string {
  if (!url.includes('%')) return url;
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/**
 * The URL with secrets shortened to their first 6 characters: the secret path segment of the
 * intake and ping routes, and anything shaped like a key anywhere (percent-encoding decoded
 * first, so an encoded key is found too). UUIDs in the API's own paths are object ids and
 * stay; elsewhere a UUID may be a heartbeat key.
 */
export function redactUrl(url: string): string {
  let text = decoded(url);
  for (const pattern of secretPathPatterns) {
    const match = pattern.exec(text);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      text = `${match[1]}${shorten(match[2])}${text.slice(match[0].length)}`;
      break;
    }
  }
  text = text.replace(hexKeyShape, shorten);
  const [path = '', ...query] = text.split('?');
  const isApiPath = path.startsWith('/api/') && !path.startsWith('/api/intake/');
  return isApiPath
    ? [path, ...query.map((q) => q.replace(uuidKeyShape, shorten))].join('?')
    : text.replace(uuidKeyShape, shorten);
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
