import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/store.ts';
import type { ModuleContext } from '../../platform/context.ts';
import { registerServiceRoutes } from './service.routes.ts';
import { createServiceService } from './service.service.ts';

export type { ServiceService } from './service.service.ts';
export type { ServiceRow } from './service.repository.ts';
export { toServiceView } from './service.routes.ts';

/** Services: what a team runs or depends on; integrations and incidents belong to them. */
export function createServicesModule(
  ctx: ModuleContext,
  hooks: { onDeleted: (trx: Db, serviceId: string, now: number) => Promise<void> },
) {
  const services = createServiceService({
    db: ctx.store.db,
    clock: ctx.clock,
    onDeleted: hooks.onDeleted,
  });
  return {
    services,
    registerRoutes: (app: FastifyInstance) => registerServiceRoutes(app, services),
  };
}
