import type { FastifyInstance } from 'fastify';
import {
  CreateUserRequest,
  UpdateUserRequest,
  UserList,
  UserView,
} from '../../contracts/accounts.ts';
import { IdParams } from '../../contracts/common.ts';
import { requireRole, type Principal } from '../../platform/access.ts';
import { toUserView } from './account-views.ts';
import type { Actor, UserService } from './user.service.ts';

function actorOf(principal: Principal | null): Actor {
  if (principal === null) return { kind: 'system' };
  return { kind: 'user', id: principal.userId, role: principal.role };
}

/** The current user, and user management for admins. */
export function registerUserRoutes(app: FastifyInstance, deps: { users: UserService }): void {
  const { users } = deps;

  app.get(
    '/api/me',
    {
      config: { access: requireRole('viewer', 'users:read') },
      schema: { response: { 200: UserView } },
    },
    async (request) => toUserView(await users.get(request.principal?.userId ?? '')),
  );

  app.get(
    '/api/users',
    {
      config: { access: requireRole('admin', 'users:read') },
      schema: { response: { 200: UserList } },
    },
    async () => ({ items: (await users.list()).map(toUserView) }),
  );

  app.post<{ Body: CreateUserRequest }>(
    '/api/users',
    {
      config: { access: requireRole('admin', 'users:write'), audit: 'user.created' },
      schema: { body: CreateUserRequest, response: { 201: UserView } },
    },
    async (request, reply) => {
      const user = await users.createUser(actorOf(request.principal), request.body);
      request.auditTarget = {
        type: 'user',
        id: user.id,
        detail: { email: user.email, role: user.role },
      };
      return reply.status(201).send(toUserView(user));
    },
  );

  app.patch<{ Params: IdParams; Body: UpdateUserRequest }>(
    '/api/users/:id',
    {
      config: { access: requireRole('admin', 'users:write'), audit: 'user.updated' },
      schema: { params: IdParams, body: UpdateUserRequest, response: { 200: UserView } },
    },
    async (request) => {
      const before = await users.get(request.params.id);
      const after = await users.update(actorOf(request.principal), request.params.id, request.body);
      request.auditTarget = {
        type: 'user',
        id: after.id,
        detail: {
          before: { name: before.name, role: before.role, disabled: before.disabledAt !== null },
          after: { name: after.name, role: after.role, disabled: after.disabledAt !== null },
        },
      };
      return toUserView(after);
    },
  );
}
