import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../platform/context.ts';
import { ChangeFeed } from './alert-feed.ts';
import { registerAlertRoutes } from './alert.routes.ts';
import { createAlertService } from './alert.service.ts';

export type { AlertChange, AlertService } from './alert.service.ts';
export { toAlertView } from './alert.service.ts';
export { ChangeFeed } from './alert-feed.ts';
export type { AlertTransition } from './deduplication.ts';

/** Alerts: one per problem a monitoring tool reports, deduplicated by integration and key. */
export function createAlertsModule(ctx: ModuleContext) {
  const alerts = createAlertService({ store: ctx.store, log: ctx.log });
  const feed = new ChangeFeed({ db: ctx.store.db, log: ctx.log });
  return {
    alerts,
    feed,
    registerRoutes: (app: FastifyInstance) => registerAlertRoutes(app, { alerts, feed }),
  };
}
