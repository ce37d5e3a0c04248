import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../platform/context.ts';
import { registerAuditRecorder, registerAuditRoutes } from './audit.routes.ts';
import { createAuditService } from './audit.service.ts';

export { createAuditService, type AuditEntry, type AuditService } from './audit.service.ts';

/** The append-only record of who changed what. */
export function createAuditModule(ctx: ModuleContext) {
  const audit = createAuditService({ db: ctx.store.db, clock: ctx.clock });
  return {
    audit,
    /** The recorder hook must be registered before the routes it watches. */
    registerRecorder: (app: FastifyInstance) => registerAuditRecorder(app, audit),
    registerRoutes: (app: FastifyInstance) => registerAuditRoutes(app, audit),
  };
}
