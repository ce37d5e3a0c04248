import type { FastifyInstance } from 'fastify';
import { AuditPage } from '../../contracts/accounts.ts';
import { PageQuery } from '../../contracts/common.ts';
import { requireRole } from '../../platform/access.ts';
import type { AuditService } from './audit.service.ts';

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Changes that happened, and refusals worth knowing about (bad credentials, missing rights,
 * throttling). Malformed requests change nothing and are not recorded, so bad input leaves
 * no trace in the database.
 */
function isAuditedStatus(status: number): boolean {
  return status < 400 || status === 401 || status === 403 || status === 429;
}

/**
 * Writes an audit entry for every answered request to a mutating route that names an audit
 * action (see isAuditedStatus for which refusals count), just before the answer is sent; a
 * failure to write is logged, never shown to the caller.
 */
export function registerAuditRecorder(app: FastifyInstance, audit: AuditService): void {
  app.decorateRequest('auditTarget', null);
  // onSend, so the entry is committed before the caller sees the answer (whoever reads the log
  // next finds it). A callback hook: most responses are not audited (reads, intake) and pass
  // straight through without a promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    const action = request.routeOptions.config.audit;
    if (
      request.is404 ||
      typeof action !== 'string' ||
      !mutating.has(request.method) ||
      !isAuditedStatus(reply.statusCode)
    ) {
      done(null, payload);
      return;
    }
    const principal = request.principal;
    const body = request.body as { email?: unknown } | undefined;
    const attemptedEmail = typeof body?.email === 'string' ? body.email : null;
    audit
      .record({
        actorType: principal === null ? 'anonymous' : principal.kind === 'token' ? 'token' : 'user',
        actorId: principal === null ? null : principal.userId,
        actorLabel: principal?.email ?? attemptedEmail,
        action,
        targetType: request.auditTarget?.type ?? null,
        targetId: request.auditTarget?.id ?? null,
        statusCode: reply.statusCode,
        requestId: request.id,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        detail: {
          ...(principal?.tokenId != null ? { tokenId: principal.tokenId } : {}),
          ...(request.auditTarget?.detail ?? {}),
        },
      })
      .catch((error: unknown) =>
        request.log.error({ err: error, action }, 'could not write the audit log'),
      )
      .finally(() => done(null, payload));
  });
}

/** Reading the audit log (admins). */
export function registerAuditRoutes(app: FastifyInstance, audit: AuditService): void {
  app.get<{ Querystring: PageQuery }>(
    '/api/audit-log',
    {
      config: { access: requireRole('admin', 'audit:read') },
      schema: { querystring: PageQuery, response: { 200: AuditPage } },
    },
    (request) => audit.list(request.query),
  );
}
