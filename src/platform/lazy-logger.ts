import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { logsAt } from './logger.ts';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * A request logger that becomes a real pino child only when the request logs something at an
 * enabled level. Fastify makes a child logger for every request; most requests (all intake
 * requests that succeed) never log, and making the child is a measurable share of their cost.
 */
function lazyChild(
  parent: FastifyBaseLogger,
  bindings: Record<string, unknown>,
): FastifyBaseLogger {
  let real: FastifyBaseLogger | undefined;
  const child = () => (real ??= parent.child(bindings));
  const at =
    (level: Level) =>
    (...args: unknown[]): void => {
      if (!logsAt(level, (real ?? parent).level)) return;
      const logger = child();
      Reflect.apply(logger[level], logger, args);
    };
  return {
    get level() {
      return (real ?? parent).level;
    },
    set level(value: string) {
      child().level = value;
    },
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: () => undefined,
    child: (more: Record<string, unknown>) => child().child(more),
  } as FastifyBaseLogger;
}

/** Makes every request's logger lazy (see lazyChild). */
export function registerLazyRequestLoggers(app: FastifyInstance): void {
  app.setChildLoggerFactory((logger, bindings) => lazyChild(logger, bindings));
}
