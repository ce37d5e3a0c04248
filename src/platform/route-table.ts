import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { Access } from './access.ts';

/** One registered route and what it declares. */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access | undefined;
  audit: string | false | undefined;
  hasBody: boolean;
}

/**
 * Records every route as it is registered, and refuses to register one that declares no
 * access rule, so a forgotten declaration fails at start-up rather than in production.
 */
export function collectRoutes(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (options) => {
    const methods = ([] as HTTPMethods[]).concat(options.method);
    const access = options.config?.access;
    if (access === undefined) {
      throw new Error(
        `Route ${methods.join(',')} ${options.url} declares no access rule (config.access).`,
      );
    }
    for (const method of methods) {
      if (method === 'HEAD' && routes.some((r) => r.method === 'GET' && r.url === options.url))
        continue;
      routes.push({
        method,
        url: options.url,
        access,
        audit: options.config?.audit,
        hasBody: options.schema?.body !== undefined,
      });
    }
  });
  return routes;
}
