import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IdParams } from '../../contracts/common.ts';
import {
  CreateSilenceRequest,
  DependencyGraph,
  IncidentActionRequest,
  IncidentAlertPage,
  IncidentAlertsQuery,
  IncidentDetail,
  IncidentListQuery,
  IncidentPage,
  IncidentView,
  MergeIncidentRequest,
  NoiseRules,
  ServiceDependencies,
  SilenceList,
  SilenceView,
  SplitIncidentRequest,
  UpdateIncidentRequest,
  UpdateNoiseRulesRequest,
} from '../../contracts/incidents.ts';
import { requireRole } from '../../platform/access.ts';
import { openEventStream } from '../../platform/sse.ts';
import type { Actor, IncidentService } from './incident.service.ts';

interface Feed {
  subscribe(listener: (ids: readonly string[]) => void): () => void;
}

function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  return p === null ? { id: 'system', name: 'system' } : { id: p.userId, name: p.name || p.email };
}

/** Incidents, their actions, per-service noise rules and dependencies, and silences. */
export function registerIncidentRoutes(
  app: FastifyInstance,
  deps: { incidents: IncidentService; feed: Feed },
): void {
  const { incidents, feed } = deps;
  const read = requireRole('viewer', 'incidents:read');
  const write = requireRole('responder', 'incidents:write');

  app.get<{ Querystring: IncidentListQuery }>(
    '/api/incidents',
    {
      config: { access: read },
      schema: { querystring: IncidentListQuery, response: { 200: IncidentPage } },
    },
    (request) => incidents.list(request.query),
  );

  // Server-sent events: `incidents` with { ids } whenever incidents change; clients refetch.
  app.get('/api/incidents/stream', { config: { access: read } }, (request, reply) => {
    let unsubscribe: () => void = () => undefined;
    const stream = openEventStream(request, reply, () => unsubscribe());
    stream.send('ready', {});
    unsubscribe = feed.subscribe((ids) => stream.send('incidents', { ids }));
  });

  app.get<{ Params: IdParams }>(
    '/api/incidents/:id',
    { config: { access: read }, schema: { params: IdParams, response: { 200: IncidentDetail } } },
    (request) => incidents.get(request.params.id),
  );

  app.get<{ Params: IdParams; Querystring: IncidentAlertsQuery }>(
    '/api/incidents/:id/alerts',
    {
      config: { access: read },
      schema: {
        params: IdParams,
        querystring: IncidentAlertsQuery,
        response: { 200: IncidentAlertPage },
      },
    },
    (request) => incidents.alerts(request.params.id, request.query),
  );

  app.patch<{ Params: IdParams; Body: UpdateIncidentRequest }>(
    '/api/incidents/:id',
    {
      config: { access: write, audit: 'incident.updated' },
      schema: { params: IdParams, body: UpdateIncidentRequest, response: { 200: IncidentView } },
    },
    async (request) => {
      const view = await incidents.update(request.params.id, actorOf(request), request.body);
      request.auditTarget = { type: 'incident', id: view.id, detail: { ...request.body } };
      return view;
    },
  );

  const actions = {
    acknowledge: incidents.acknowledge,
    resolve: incidents.resolve,
    reopen: incidents.reopen,
  } as const;
  for (const [action, run] of Object.entries(actions)) {
    app.post<{ Params: IdParams; Body: IncidentActionRequest | undefined }>(
      `/api/incidents/:id/${action}`,
      {
        config: { access: write, audit: `incident.${action}` },
        schema: {
          params: IdParams,
          body: Type.Optional(IncidentActionRequest),
          response: { 200: IncidentView },
        },
      },
      async (request) => {
        const view = await run(request.params.id, actorOf(request), request.body?.note);
        request.auditTarget = { type: 'incident', id: view.id, detail: { number: view.number } };
        return view;
      },
    );
  }

  app.post<{ Params: IdParams; Body: MergeIncidentRequest }>(
    '/api/incidents/:id/merge',
    {
      config: { access: write, audit: 'incident.merge' },
      schema: { params: IdParams, body: MergeIncidentRequest, response: { 200: IncidentView } },
    },
    async (request) => {
      const view = await incidents.merge(request.params.id, actorOf(request), request.body);
      request.auditTarget = { type: 'incident', id: view.id, detail: { from: request.params.id } };
      return view;
    },
  );

  app.post<{ Params: IdParams; Body: SplitIncidentRequest }>(
    '/api/incidents/:id/split',
    {
      config: { access: write, audit: 'incident.split' },
      schema: { params: IdParams, body: SplitIncidentRequest, response: { 201: IncidentView } },
    },
    async (request, reply) => {
      const view = await incidents.split(request.params.id, actorOf(request), request.body);
      request.auditTarget = {
        type: 'incident',
        id: view.id,
        detail: { from: request.params.id, alertIds: request.body.alertIds },
      };
      return reply.status(201).send(view);
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/services/:id/noise-rules',
    {
      config: { access: requireRole('viewer', 'services:read') },
      schema: { params: IdParams, response: { 200: NoiseRules } },
    },
    (request) => incidents.rules(request.params.id),
  );

  app.patch<{ Params: IdParams; Body: UpdateNoiseRulesRequest }>(
    '/api/services/:id/noise-rules',
    {
      config: {
        access: requireRole('admin', 'services:write'),
        audit: 'service.noise_rules_updated',
      },
      schema: { params: IdParams, body: UpdateNoiseRulesRequest, response: { 200: NoiseRules } },
    },
    async (request) => {
      const rules = await incidents.updateRules(request.params.id, request.body);
      request.auditTarget = { type: 'service', id: request.params.id, detail: { ...request.body } };
      return rules;
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/services/:id/dependencies',
    {
      config: { access: requireRole('viewer', 'services:read') },
      schema: { params: IdParams, response: { 200: ServiceDependencies } },
    },
    async (request) => ({ dependsOn: await incidents.dependencies(request.params.id) }),
  );

  app.put<{ Params: IdParams; Body: ServiceDependencies }>(
    '/api/services/:id/dependencies',
    {
      config: {
        access: requireRole('admin', 'services:write'),
        audit: 'service.dependencies_updated',
      },
      schema: {
        params: IdParams,
        body: ServiceDependencies,
        response: { 200: ServiceDependencies },
      },
    },
    async (request) => {
      const dependsOn = await incidents.setDependencies(request.params.id, request.body.dependsOn);
      request.auditTarget = { type: 'service', id: request.params.id, detail: { dependsOn } };
      return { dependsOn };
    },
  );

  app.get(
    '/api/service-graph',
    {
      config: { access: requireRole('viewer', 'services:read') },
      schema: { response: { 200: DependencyGraph } },
    },
    () => incidents.graph(),
  );

  app.get(
    '/api/silences',
    { config: { access: read }, schema: { response: { 200: SilenceList } } },
    async () => ({ items: await incidents.listSilences() }),
  );

  app.post<{ Body: CreateSilenceRequest }>(
    '/api/silences',
    {
      config: { access: write, audit: 'silence.created' },
      schema: { body: CreateSilenceRequest, response: { 201: SilenceView } },
    },
    async (request, reply) => {
      const silence = await incidents.createSilence(request.body, actorOf(request));
      request.auditTarget = { type: 'silence', id: silence.id, detail: { reason: silence.reason } };
      return reply.status(201).send(silence);
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/silences/:id/expire',
    {
      config: { access: write, audit: 'silence.expired' },
      schema: { params: IdParams, response: { 200: SilenceView } },
    },
    async (request) => {
      const silence = await incidents.expireSilence(request.params.id);
      request.auditTarget = { type: 'silence', id: silence.id };
      return silence;
    },
  );
}
