import type { FastifyInstance } from 'fastify';
import { isDatabaseBusy } from '../../db/errors.ts';
import { pendingMigrations, type Store } from '../../db/store.ts';
import { publicAccess } from '../../platform/access.ts';
import type { MetricsRegistry } from '../../platform/metrics.ts';

/** Rejects after `ms`, so a hung database cannot hang the readiness probe. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Liveness, readiness and Prometheus metrics for Steady itself. */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: { store: Store; metrics: MetricsRegistry },
): void {
  const { store, metrics } = deps;

  // Liveness says only that the process answers; it never touches the database, so a database
  // outage does not make an orchestrator restart every replica in a loop.
  app.get('/healthz', { config: { access: publicAccess } }, () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: publicAccess } }, async (_request, reply) => {
    let problem: string | null = null;
    try {
      await within(1500, store.ping());
      await within(1500, store.probeWriteLock(250));
      const pending = await within(1500, pendingMigrations(store));
      if (pending.length > 0) problem = `migrations pending: ${pending.join(', ')}`;
    } catch (error) {
      problem = isDatabaseBusy(error)
        ? 'database busy: another process holds its write lock, so nothing can be stored'
        : `database unreachable: ${(error as Error).message}`;
    }
    if (problem !== null) return reply.status(503).send({ status: 'not_ready', reason: problem });
    return { status: 'ready', engine: store.engine };
  });

  app.get('/metrics', { config: { access: publicAccess } }, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.render()),
  );
}
