import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../platform/context.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import { registerIntegrationRoutes } from './integration.routes.ts';
import { createIntegrationService } from './integration.service.ts';

export type { IntegrationLookup, IntegrationService, Rejection } from './integration.service.ts';
export type { HeartbeatMonitorRow } from './integration.repository.ts';
export {
  updateHeartbeatMonitor,
  findHeartbeatMonitors,
  lockHeartbeatMonitor,
} from './integration.repository.ts';

/** Integrations: configured sources of alerts, each with a secret key, belonging to a service. */
export function createIntegrationsModule(
  ctx: ModuleContext,
  deps: { secrets: SecretBox; serviceExists: (id: string) => Promise<boolean> },
) {
  const integrations = createIntegrationService({
    db: ctx.store.db,
    clock: ctx.clock,
    secrets: deps.secrets,
    serviceExists: deps.serviceExists,
  });
  return {
    integrations,
    registerRoutes: (app: FastifyInstance) =>
      registerIntegrationRoutes(app, {
        integrations,
        // Read per request: with port 0 the server learns its own URL only once it listens.
        publicUrl: () => ctx.config.baseUrl,
      }),
  };
}
