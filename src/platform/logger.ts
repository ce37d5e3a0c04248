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

/** pino options for the server: JSON lines, request ids, secrets redacted. */
export function loggerOptions(level: LogLevel) {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.token',
        '*.routing_key',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
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
