import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../platform/context.ts';
import { latencyBuckets } from '../../platform/metrics.ts';
import type { IntegrationService } from '../integrations/index.ts';
import { createIntakeAppender, purgeWebhookIds } from './event-log.repository.ts';
import { createHeartbeatService, heartbeatCheckJob } from './heartbeat.service.ts';
import { IntakeWriter } from './intake-writer.ts';
import { createIntakeHttpHandler, type IntakeHttpDeps } from './intake-http.ts';
import type { RouteEntry } from '../../platform/route-table.ts';
import type { EventRow } from '../pipeline/index.ts';
import { registerIntakeRoutes } from './intake.routes.ts';
import { createIntakeService } from './intake.service.ts';

export type { IntakeService, IntakeFormat, IntakeResult } from './intake.service.ts';
export type { IntakeWriter } from './intake-writer.ts';

const hourMs = 3_600_000;

/** Alert intake: every inbound format, durable before acknowledged, and heartbeat monitors. */
export function createIntakeModule(
  ctx: ModuleContext,
  deps: {
    integrations: IntegrationService;
    onCommitted: (events: number, committed?: readonly EventRow[] | null) => void;
  },
) {
  const { store, clock, log, metrics, scheduler, config } = ctx;
  const writer = new IntakeWriter({
    appender: createIntakeAppender(store),
    clock,
    log,
    onCommitted: deps.onCommitted,
    commitSeconds: metrics.histogram(
      'steady_intake_commit_seconds',
      'Time to commit one intake batch, in seconds.',
      latencyBuckets,
    ),
    batchEvents: metrics.histogram(
      'steady_intake_batch_events',
      'Events per intake commit.',
      [1, 10, 100, 1000, 5000],
    ),
  });
  metrics.gauge(
    'steady_intake_pending_events',
    'Accepted events waiting for their commit.',
    () => writer.pendingEvents,
  );
  const intake = createIntakeService({
    integrations: deps.integrations,
    writer,
    clock,
    log,
    defaultRateLimitPerMinute: config.intakeRateLimitPerMinute,
    requests: metrics.counter(
      'steady_intake_requests_total',
      'Intake requests by format and outcome.',
    ),
    events: metrics.counter('steady_intake_events_total', 'Alert events stored, by format.'),
  });
  const heartbeats = createHeartbeatService({
    store,
    clock,
    scheduler,
    integrations: deps.integrations,
    checkRate: (integration) => {
      const limited = intake.checkRate(integration);
      return limited?.kind === 'rejected'
        ? {
            ...(limited.retryAfterSeconds === undefined
              ? {}
              : { retryAfterSeconds: limited.retryAfterSeconds }),
          }
        : null;
    },
    noteUnknown: (ip) => intake.noteUnknown(ip),
    onCommitted: deps.onCommitted,
    pings: metrics.counter('steady_heartbeat_pings_total', 'Heartbeat pings by outcome.'),
  });

  scheduler.register(heartbeatCheckJob, (payload) => heartbeats.check(payload));
  scheduler.register('intake.purge_webhook_ids', async () => {
    await purgeWebhookIds(store.db, clock.now() - hourMs);
    return { rescheduleAt: clock.now() + hourMs };
  });

  return {
    intake,
    heartbeats,
    writer,
    registerRoutes: (app: FastifyInstance, routeTable: RouteEntry[]) =>
      registerIntakeRoutes(app, { heartbeats, intake, routeTable }),
    /** The handler of the alert intake routes, which runs before the framework (see intake-http.ts). */
    createHttpHandler: (http: Pick<IntakeHttpDeps, 'log' | 'metrics' | 'trustProxy'>) =>
      createIntakeHttpHandler({ intake, integrations: deps.integrations, ...http }),
    async start(): Promise<void> {
      await scheduler.schedule(store.db, {
        kind: 'intake.purge_webhook_ids',
        uniqueKey: 'intake.purge_webhook_ids',
        payload: {},
        runAt: clock.now() + hourMs,
      });
    },
  };
}
