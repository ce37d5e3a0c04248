import type { FastifyInstance } from 'fastify';
import {
  ApiTokenList,
  ApiTokenView,
  CreateApiTokenRequest,
  CreateApiTokenResponse,
} from '../../contracts/accounts.ts';
import { IdParams } from '../../contracts/common.ts';
import { requireSession } from '../../platform/access.ts';
import { toApiTokenView } from './account-views.ts';
import type { ApiTokenService } from './api-token.service.ts';

// Token management needs a login session: a leaked token must not be able to mint more.

/** The current user's API tokens. */
export function registerApiTokenRoutes(
  app: FastifyInstance,
  deps: { tokens: ApiTokenService },
): void {
  const { tokens } = deps;

  app.get(
    '/api/me/tokens',
    {
      config: { access: requireSession() },
      schema: { response: { 200: ApiTokenList } },
    },
    async (request) => ({
      items: (await tokens.list(request.principal?.userId ?? '')).map(toApiTokenView),
    }),
  );

  app.post<{ Body: CreateApiTokenRequest }>(
    '/api/me/tokens',
    {
      config: { access: requireSession(), audit: 'api_token.created' },
      schema: { body: CreateApiTokenRequest, response: { 201: CreateApiTokenResponse } },
    },
    async (request, reply) => {
      const { token, row } = await tokens.create(request.principal?.userId ?? '', request.body);
      request.auditTarget = {
        type: 'api_token',
        id: row.id,
        detail: { name: row.name, scopes: request.body.scopes },
      };
      return reply.status(201).send({ token, apiToken: toApiTokenView(row) });
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/me/tokens/:id',
    {
      config: { access: requireSession(), audit: 'api_token.revoked' },
      schema: { params: IdParams, response: { 200: ApiTokenView } },
    },
    async (request) => {
      const row = await tokens.revoke(request.principal?.userId ?? '', request.params.id);
      request.auditTarget = { type: 'api_token', id: row.id };
      return toApiTokenView(row);
    },
  );
}
