import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import { migrateToLatest, openStore, type Db, type Store } from './db/store.ts';
import { countJobs, Scheduler } from './jobs/index.ts';
import { createAccountsModule, type AccountsModule } from './modules/accounts/index.ts';
import { createAuditModule } from './modules/audit/index.ts';
import type { AuditService } from './modules/audit/index.ts';
import { createAlertsModule, type AlertService } from './modules/alerts/index.ts';
import { createIncidentsModule, type IncidentService } from './modules/incidents/index.ts';
import { createIntakeModule, type IntakeWriter } from './modules/intake/index.ts';
import { createIntegrationsModule, type IntegrationService } from './modules/integrations/index.ts';
import { measureLag, Pipeline } from './modules/pipeline/index.ts';
import { createServicesModule, type ServiceService } from './modules/services/index.ts';
import { registerHealthRoutes } from './modules/system/index.ts';
import { registerAuth } from './platform/auth.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { sessionCookieSettings, type ModuleContext } from './platform/context.ts';
import { registerErrorHandler } from './platform/error-handler.ts';
import { AppError } from './platform/errors.ts';
import { registerLazyRequestLoggers } from './platform/lazy-logger.ts';
import { loggerOptions, logsAt, silentLogger } from './platform/logger.ts';
import { loadSecretBox } from './platform/secret-box.ts';
import { requestIdFrom } from './platform/request-id.ts';
import {
  HttpMetrics,
  MetricsRegistry,
  registerHttpMetrics,
  registerProcessMetrics,
} from './platform/metrics.ts';
import { exposedCollector, startMemoryTrimmer } from './platform/memory-trim.ts';
import { BackgroundWork } from './platform/background.ts';
import {
  ConnectionGuard,
  effectiveConnectionCap,
  openFileLimit,
} from './platform/connection-guard.ts';
import { registerSecurityHeaders } from './platform/security-headers.ts';
import { StaticAssets } from './platform/static-assets.ts';
import { parseStrictJson } from './platform/strict-json.ts';
import { storableValue } from './platform/text.ts';
import { registerValidation } from './platform/validation.ts';
import { collectRoutes, type RouteEntry } from './platform/route-table.ts';

/** What tests and the server may swap out. */
export interface BuildOptions {
  clock?: Clock;
  /** A pino-compatible logger config, or false to silence logs (tests). */
  logger?: FastifyServerOptions['logger'];
}

/** The running parts of a Steady instance, reachable from the Fastify app as `app.steady`. */
export interface Steady {
  ctx: ModuleContext;
  accounts: AccountsModule;
  audit: AuditService;
  services: ServiceService;
  integrations: IntegrationService;
  alerts: AlertService;
  incidents: IncidentService;
  /** The group-commit writer of the intake log. */
  intakeWriter: IntakeWriter;
  /** Reads the event log into alerts (and later incidents). */
  pipeline: Pipeline;
  /** Every route with its declared access and audit action (tests walk it). */
  routes: readonly RouteEntry[];
  /**
   * The server's request handler: the intake front door, then the framework. Tests inject
   * requests through it so they take the path real requests take.
   */
  handle: NodeHandler;
  /** Starts background work (the job scheduler and module timers). Call after listen. */
  start(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    steady: Steady;
  }
}

const keepAliveTimeoutMs = 72_000;

type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The server's two handlers: intake first (true when it answered), then the framework. */
interface FrontDoor {
  intake: ((request: IncomingMessage, response: ServerResponse) => boolean) | null;
  framework: NodeHandler | null;
}

/**
 * Builds a Steady app from a config: opens (and by default migrates) the store, wires the
 * modules and registers every route. Listening is the caller's job; tests call `inject`.
 */
export async function buildApp(
  config: Config,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const store = openStore({
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    timeoutMs: config.databaseTimeoutMs,
    backgroundCheckpoints: true,
  });
  try {
    if (config.migrateOnStart) await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }

  // Alert intake is answered before the framework (see intake-http.ts); the handler is built
  // with the modules, after the framework, so the server looks it up per request.
  const front: FrontDoor = { intake: null, framework: null };
  const metrics = new MetricsRegistry();
  const background = new BackgroundWork({
    log: silentLogger,
    failures: metrics.counter(
      'steady_background_errors_total',
      'Unexpected errors in background work (timers, loops), by task; the work is retried.',
    ),
  });
  const guard = new ConnectionGuard({
    maxConnections: effectiveConnectionCap(config.maxConnections, openFileLimit()),
    log: silentLogger,
    closed: metrics.counter(
      'steady_http_connections_closed_total',
      'Connections Steady closed or refused to keep their number bounded, by reason.',
    ),
  });
  const app = Fastify({
    serverFactory: (handler) => {
      front.framework = handler;
      const server = createServer(
        {
          headersTimeout: config.httpHeadersTimeoutMs,
          requestTimeout: config.httpRequestTimeoutMs,
          keepAliveTimeout: keepAliveTimeoutMs,
          // How often Node checks the two timeouts above (its default, 30 s, let a 30 s limit
          // fire after up to a minute). The headers timeout also closes a connection that has
          // sent nothing at all.
          connectionsCheckingInterval: 1000,
        },
        (request, response) => {
          guard.requestStarted(request.socket, (done) => response.once('close', done));
          if (front.intake?.(request, response) !== true) handler(request, response);
        },
      );
      guard.attach(server);
      // Once listening, an accept that fails (out of file descriptors) is reported, never fatal.
      server.once('listening', () =>
        server.on('error', (error) => background.failed('http.accept', error)),
      );
      return server;
    },
    logger: options.logger ?? loggerOptions(config.logLevel),
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    requestTimeout: config.httpRequestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // One 'request completed' line per request, written by our onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']) ?? randomUUID(),
    routerOptions: {
      maxParamLength: 200,
      // As bodies: text in query strings is made storable on both engines (see text.ts).
      querystringParser: (query: string) => storableValue(parseQuery(query)) as ParsedUrlQuery,
    },
  });

  background.useLogger(app.log);
  guard.useLogger(app.log);
  try {
    return await assemble(app, { config, store, clock, front, metrics, background });
  } catch (error) {
    await app.close();
    await store.close();
    throw error;
  }
}

interface Parts {
  config: Config;
  store: Store;
  clock: Clock;
  front: FrontDoor;
  metrics: MetricsRegistry;
  background: BackgroundWork;
}

async function assemble(app: FastifyInstance, parts: Parts): Promise<FastifyInstance> {
  const { config, store, clock, front, metrics, background } = parts;
  const httpMetrics = new HttpMetrics(metrics);
  const stopProcessMetrics = registerProcessMetrics(metrics);
  // The name this process writes into the leases it takes (jobs, the pipeline cursor).
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const scheduler = new Scheduler({
    store,
    clock,
    log: app.log,
    owner,
    pollMs: config.jobPollMs,
    runs: metrics.counter(
      'steady_jobs_run_total',
      'Jobs run by this process, by kind and outcome.',
    ),
  });
  metrics.collect(async () => {
    const counts = await countJobs(store.db, clock.now());
    return [
      '# HELP steady_jobs Jobs in the database, by state.',
      '# TYPE steady_jobs gauge',
      `steady_jobs{state="due"} ${counts.due}`,
      `steady_jobs{state="scheduled"} ${counts.scheduled}`,
      `steady_jobs{state="failed"} ${counts.failed}`,
    ].join('\n');
  });
  const ctx: ModuleContext = {
    config,
    store,
    clock,
    log: app.log,
    metrics,
    scheduler,
    background,
  };
  const modules = createModules(ctx, owner);

  const routes = collectRoutes(app);
  registerLazyRequestLoggers(app);
  registerValidation(app);
  registerErrorHandler(app);
  registerSecurityHeaders(app, { hsts: config.baseUrl.startsWith('https:') });
  registerHttpMetrics(app, httpMetrics);
  registerJsonBodies(app);
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'info' : 'debug';
    if (!logsAt(level, request.log.level)) {
      done();
      return;
    }
    request.log[level](
      { req: request, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request completed',
    );
    done();
  });
  registerAuth(app, {
    authenticator: modules.accounts.authenticator,
    cookieName: sessionCookieSettings(config).name,
    trustedOrigins: [new URL(config.baseUrl).origin],
  });
  modules.audit.registerRecorder(app);

  registerHealthRoutes(app, { store, metrics });
  modules.accounts.registerRoutes(app);
  modules.audit.registerRoutes(app);
  modules.services.registerRoutes(app);
  modules.integrations.registerRoutes(app);
  modules.intake.registerRoutes(app, routes);
  front.intake = modules.intake.createHttpHandler({
    log: app.log,
    metrics: httpMetrics,
    trustProxy: config.trustProxy,
  });
  modules.alerts.registerRoutes(app);
  modules.incidents.registerRoutes(app);
  registerWebApp(app, config);

  let started = false;
  const memoryTrims = metrics.counter(
    'steady_memory_trims_total',
    'Times Steady gave memory back after a storm (see platform/memory-trim.ts).',
  );
  let trimmer: { stop: () => void } | undefined;
  app.decorate('steady', {
    ctx,
    accounts: modules.accounts,
    audit: modules.audit.audit,
    services: modules.services.services,
    integrations: modules.integrations.integrations,
    alerts: modules.alerts.alerts,
    incidents: modules.incidents.incidents,
    intakeWriter: modules.intake.writer,
    pipeline: modules.pipeline,
    routes,
    handle: (request, response) => {
      if (front.intake?.(request, response) !== true) front.framework?.(request, response);
    },
    async start() {
      if (started) return;
      started = true;
      await modules.accounts.start();
      await modules.intake.start();
      await modules.pipeline.start();
      await scheduler.start();
      trimmer = startMemoryTrimmer({
        background,
        collect: exposedCollector(),
        eventsHandled: () =>
          modules.intake.writer.committedEvents + modules.pipeline.processedEvents,
        log: ctx.log,
        trims: memoryTrims,
      });
    },
  } satisfies Steady);

  // Shutdown order: requests have finished (Fastify closes the server first); then flush the
  // intake log, stop the pipeline and the scheduler (handing back leases), close the database.
  app.addHook('onClose', async () => {
    trimmer?.stop();
    await modules.intake.writer.close();
    await modules.pipeline.stop();
    modules.alerts.feed.stop();
    modules.incidents.feed.stop();
    await scheduler.stop();
    stopProcessMetrics();
    await store.close();
  });
  await app.ready();
  return app;
}

/** Builds every module and connects them: who calls whom is decided here and only here. */
function createModules(ctx: ModuleContext, owner: string) {
  const { config, store, clock, metrics } = ctx;
  const secrets = loadSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir });
  const accounts = createAccountsModule(ctx);
  const audit = createAuditModule(ctx);
  // Services and integrations refer to each other only through these callbacks (no cycle).
  let onServiceDeleted: (trx: Db, serviceId: string, now: number) => Promise<void> = () =>
    Promise.resolve();
  const services = createServicesModule(ctx, {
    onDeleted: (trx, id, now) => onServiceDeleted(trx, id, now),
  });
  const integrations = createIntegrationsModule(ctx, {
    secrets,
    serviceExists: (id) => services.services.exists(id),
  });
  onServiceDeleted = (trx, id, now) => integrations.integrations.deleteForService(trx, id, now);
  const alerts = createAlertsModule(ctx);
  const incidents = createIncidentsModule(ctx, {
    serviceExists: (id) => services.services.exists(id),
  });
  let intakeRate = () => 0;
  const pipeline = new Pipeline({
    inputRate: () => intakeRate(),
    store,
    clock,
    log: ctx.log,
    owner,
    processed: metrics.counter(
      'steady_pipeline_events_total',
      'Events the pipeline has processed.',
    ),
    handler: async (trx, events) => {
      const { changes, changedIds, committed } = await alerts.alerts.applyEvents(trx, events);
      const incidentIds = await incidents.noise.applyAlertChanges(trx, changes);
      return () => {
        committed();
        alerts.feed.publish(changedIds);
        incidents.feed.publish(incidentIds);
      };
    },
  });
  metrics.collect(async () => {
    const lag = await measureLag(store.db, pipeline.name, clock.now());
    return [
      '# HELP steady_pipeline_lag_events Events committed but not yet processed (approximate).',
      '# TYPE steady_pipeline_lag_events gauge',
      `steady_pipeline_lag_events ${lag.events}`,
      '# HELP steady_pipeline_lag_seconds Age of the oldest unprocessed event, in seconds.',
      '# TYPE steady_pipeline_lag_seconds gauge',
      `steady_pipeline_lag_seconds ${lag.seconds}`,
    ].join('\n');
  });
  const intake = createIntakeModule(ctx, {
    integrations: integrations.integrations,
    onCommitted: (_events, committed) => {
      if (committed !== undefined && committed !== null) pipeline.offer(committed);
      pipeline.wake();
    },
  });
  intakeRate = () => intake.writer.eventsLastSecond;
  return { accounts, audit, services, integrations, alerts, incidents, pipeline, intake };
}

/** JSON is the only body format of the API; parse it strictly (see strict-json.ts). */
function registerJsonBodies(app: FastifyInstance): void {
  // Path parameters too: an id with a NUL in it is just an unknown id, on either engine.
  app.addHook('preValidation', (request, _reply, done) => {
    if (typeof request.params === 'object' && request.params !== null)
      storableValue(request.params);
    done();
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /charset=([^;\s]+)/i
      .exec(request.headers['content-type'] ?? '')?.[1]
      ?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new AppError('unsupported_media_type', `Send JSON as UTF-8, not ${charset}.`));
      return;
    }
    try {
      // Text is stored the same on both engines (NUL and lone surrogates become U+FFFD).
      done(null, storableValue(parseStrictJson(body as Buffer)));
    } catch (error) {
      done(error as Error);
    }
  });
}

/** Serves the built web app; unknown API paths get a JSON 404. */
function registerWebApp(app: FastifyInstance, config: Config): void {
  const assets = new StaticAssets(config.webDir);
  app.setNotFoundHandler((request, reply) => {
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/');
    if (isPage) {
      const served = assets.serve(request, reply);
      if (served !== null) return served;
      if (!assets.built) {
        return reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send(
            'The Steady web app is not built yet. Run "npm run build" (npm start does it for you).\n',
          );
      }
    }
    throw new AppError(
      'not_found',
      `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`,
    );
  });
}
