import type { FastifyInstance } from 'fastify';
import { IdParams } from '../../contracts/common.ts';
import type { IntegrationType } from '../../contracts/integration-types.ts';
import {
  CreateIntegrationRequest,
  IntegrationList,
  IntegrationListQuery,
  IntegrationView,
  KeyResponse,
  RejectionList,
  RotateKeyRequest,
  UpdateIntegrationRequest,
} from '../../contracts/integrations.ts';
import { requireRole } from '../../platform/access.ts';
import type { IntegrationRow } from './integration.repository.ts';
import type { IntegrationService } from './integration.service.ts';
import { intakeUrl, toIntegrationView, toRejectionView } from './integration-views.ts';

/** Integration CRUD, key rotation and the rejected-requests list. */
export function registerIntegrationRoutes(
  app: FastifyInstance,
  deps: { integrations: IntegrationService; publicUrl: () => string },
): void {
  const { integrations, publicUrl } = deps;

  async function view(row: IntegrationRow): Promise<IntegrationView> {
    const monitors = await integrations.monitors([row.id]);
    return toIntegrationView(row, monitors.get(row.id), publicUrl());
  }

  app.get<{ Querystring: IntegrationListQuery }>(
    '/api/integrations',
    {
      config: { access: requireRole('viewer', 'integrations:read') },
      schema: { querystring: IntegrationListQuery, response: { 200: IntegrationList } },
    },
    async (request) => {
      const rows = await integrations.list(request.query.serviceId);
      const monitors = await integrations.monitors(
        rows.filter((r) => r.type === 'heartbeat').map((r) => r.id),
      );
      return { items: rows.map((r) => toIntegrationView(r, monitors.get(r.id), publicUrl())) };
    },
  );

  app.post<{ Body: CreateIntegrationRequest }>(
    '/api/integrations',
    {
      config: { access: requireRole('admin', 'integrations:write'), audit: 'integration.created' },
      schema: { body: CreateIntegrationRequest, response: { 201: KeyResponse } },
    },
    async (request, reply) => {
      const { row, key, signingSecret } = await integrations.create(request.body);
      request.auditTarget = {
        type: 'integration',
        id: row.id,
        detail: { name: row.name, type: row.type, serviceId: row.serviceId },
      };
      return reply.status(201).send({
        integration: await view(row),
        key,
        intakeUrl: intakeUrl(publicUrl(), row.type as IntegrationType, key),
        ...(signingSecret === null ? {} : { signingSecret }),
      });
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/integrations/:id',
    {
      config: { access: requireRole('viewer', 'integrations:read') },
      schema: { params: IdParams, response: { 200: IntegrationView } },
    },
    async (request) => view(await integrations.get(request.params.id)),
  );

  app.patch<{ Params: IdParams; Body: UpdateIntegrationRequest }>(
    '/api/integrations/:id',
    {
      config: { access: requireRole('admin', 'integrations:write'), audit: 'integration.updated' },
      schema: {
        params: IdParams,
        body: UpdateIntegrationRequest,
        response: { 200: IntegrationView },
      },
    },
    async (request) => {
      const { before, after } = await integrations.update(request.params.id, request.body);
      const summary = (r: IntegrationRow) => ({
        name: r.name,
        enabled: r.disabledAt === null,
        rateLimitPerMinute: r.rateLimitPerMinute,
        signed: r.signingSecret !== null,
      });
      request.auditTarget = {
        type: 'integration',
        id: after.id,
        detail: {
          before: summary(before),
          after: summary(after),
          ...(request.body.heartbeat ? { heartbeat: request.body.heartbeat } : {}),
        },
      };
      return view(after);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/integrations/:id',
    {
      config: { access: requireRole('admin', 'integrations:write'), audit: 'integration.deleted' },
      schema: { params: IdParams },
    },
    async (request, reply) => {
      const row = await integrations.remove(request.params.id);
      request.auditTarget = {
        type: 'integration',
        id: row.id,
        detail: { name: row.name, type: row.type },
      };
      return reply.status(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: RotateKeyRequest }>(
    '/api/integrations/:id/rotate-key',
    {
      config: {
        access: requireRole('admin', 'integrations:write'),
        audit: 'integration.key_rotated',
      },
      schema: { params: IdParams, body: RotateKeyRequest, response: { 200: KeyResponse } },
    },
    async (request) => {
      const overlapMinutes = request.body.overlapMinutes ?? 60;
      const { row, key } = await integrations.rotateKey(request.params.id, overlapMinutes);
      request.auditTarget = { type: 'integration', id: row.id, detail: { overlapMinutes } };
      return {
        integration: await view(row),
        key,
        intakeUrl: intakeUrl(publicUrl(), row.type as IntegrationType, key),
      };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/integrations/:id/rejections',
    {
      config: { access: requireRole('admin', 'integrations:read') },
      schema: { params: IdParams, response: { 200: RejectionList } },
    },
    async (request) => ({
      items: (await integrations.rejections(request.params.id)).map(toRejectionView),
    }),
  );
}
