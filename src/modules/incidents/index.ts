import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../platform/context.ts';
import { ChangeFeed } from '../alerts/index.ts';
import { registerIncidentRoutes } from './incident.routes.ts';
import { createIncidentService } from './incident.service.ts';
import { createNoiseService, incidentFlushJob, silenceEndJob } from './noise.service.ts';

export type { IncidentService } from './incident.service.ts';
export type { NoiseService } from './noise.service.ts';

/**
 * Incidents and noise control: the pipeline's second step (grouping, thresholds, flaps,
 * silences, inhibition), the batching timers that record notifications due, and the API.
 */
export function createIncidentsModule(
  ctx: ModuleContext,
  deps: { serviceExists: (id: string) => Promise<boolean> },
) {
  const noise = createNoiseService({ log: ctx.log, store: ctx.store });
  const feed = new ChangeFeed({ db: ctx.store.db, log: ctx.log });
  const incidents = createIncidentService({
    store: ctx.store,
    clock: ctx.clock,
    noise,
    serviceExists: deps.serviceExists,
    onChanged: (ids) => feed.publish(ids),
  });
  ctx.scheduler.register(incidentFlushJob, async (payload, job) =>
    incidents.flush((payload as { incidentId: string }).incidentId, job.now),
  );
  ctx.scheduler.register(silenceEndJob, async (_payload, job) => {
    await incidents.silenceEnded(job.now);
    return undefined;
  });
  return {
    noise,
    incidents,
    feed,
    registerRoutes: (app: FastifyInstance) => registerIncidentRoutes(app, { incidents, feed }),
  };
}
