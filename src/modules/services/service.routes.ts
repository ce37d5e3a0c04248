import type { FastifyInstance } from 'fastify';
import { IdParams } from '../../contracts/common.ts';
import {
  CreateServiceRequest,
  ServiceList,
  ServiceListQuery,
  ServiceView,
  UpdateServiceRequest,
} from '../../contracts/services.ts';
import { requireRole } from '../../platform/access.ts';
import type { ServiceRow } from './service.repository.ts';
import type { ServiceService } from './service.service.ts';

/** The public view of a service. */
export function toServiceView(row: ServiceRow): ServiceView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    team: row.team,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/** Service CRUD. */
export function registerServiceRoutes(app: FastifyInstance, services: ServiceService): void {
  app.get<{ Querystring: ServiceListQuery }>(
    '/api/services',
    {
      config: { access: requireRole('viewer', 'services:read') },
      schema: { querystring: ServiceListQuery, response: { 200: ServiceList } },
    },
    async (request) => ({ items: (await services.list(request.query.name)).map(toServiceView) }),
  );

  app.post<{ Body: CreateServiceRequest }>(
    '/api/services',
    {
      config: { access: requireRole('admin', 'services:write'), audit: 'service.created' },
      schema: { body: CreateServiceRequest, response: { 201: ServiceView } },
    },
    async (request, reply) => {
      const row = await services.create(request.body);
      request.auditTarget = { type: 'service', id: row.id, detail: { name: row.name } };
      return reply.status(201).send(toServiceView(row));
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/services/:id',
    {
      config: { access: requireRole('viewer', 'services:read') },
      schema: { params: IdParams, response: { 200: ServiceView } },
    },
    async (request) => toServiceView(await services.get(request.params.id)),
  );

  app.patch<{ Params: IdParams; Body: UpdateServiceRequest }>(
    '/api/services/:id',
    {
      config: { access: requireRole('admin', 'services:write'), audit: 'service.updated' },
      schema: { params: IdParams, body: UpdateServiceRequest, response: { 200: ServiceView } },
    },
    async (request) => {
      const { before, after } = await services.update(request.params.id, request.body);
      request.auditTarget = {
        type: 'service',
        id: after.id,
        detail: {
          before: { name: before.name, description: before.description, team: before.team },
          after: { name: after.name, description: after.description, team: after.team },
        },
      };
      return toServiceView(after);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/services/:id',
    {
      config: { access: requireRole('admin', 'services:write'), audit: 'service.deleted' },
      schema: { params: IdParams },
    },
    async (request, reply) => {
      const row = await services.remove(request.params.id);
      request.auditTarget = { type: 'service', id: row.id, detail: { name: row.name } };
      return reply.status(204).send();
    },
  );
}
