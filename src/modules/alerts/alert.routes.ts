import type { FastifyInstance } from 'fastify';
import { AlertDetail, AlertListQuery, AlertPage } from '../../contracts/alerts.ts';
import { IdParams } from '../../contracts/common.ts';
import { requireRole } from '../../platform/access.ts';
import { openEventStream } from '../../platform/sse.ts';
import type { ChangeFeed } from './alert-feed.ts';
import type { AlertService } from './alert.service.ts';

/** Listing alerts, one alert with its events, and a live stream of changes. */
export function registerAlertRoutes(
  app: FastifyInstance,
  deps: { alerts: AlertService; feed: ChangeFeed },
): void {
  const { alerts, feed } = deps;

  app.get<{ Querystring: AlertListQuery }>(
    '/api/alerts',
    {
      config: { access: requireRole('viewer', 'alerts:read') },
      schema: { querystring: AlertListQuery, response: { 200: AlertPage } },
    },
    (request) => alerts.list(request.query),
  );

  // Server-sent events: `alerts` with { ids } whenever alerts change; clients refetch what they show.
  app.get(
    '/api/alerts/stream',
    { config: { access: requireRole('viewer', 'alerts:read') } },
    (request, reply) => {
      let unsubscribe: () => void = () => undefined;
      const stream = openEventStream(request, reply, () => unsubscribe());
      stream.send('ready', {});
      unsubscribe = feed.subscribe((ids) => stream.send('alerts', { ids }));
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/alerts/:id',
    {
      config: { access: requireRole('viewer', 'alerts:read') },
      schema: { params: IdParams, response: { 200: AlertDetail } },
    },
    (request) => alerts.get(request.params.id),
  );
}
