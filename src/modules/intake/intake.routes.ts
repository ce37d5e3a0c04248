import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { integrationKeyAccess } from '../../platform/access.ts';
import { toAppError } from '../../platform/error-handler.ts';
import type { RouteEntry } from '../../platform/route-table.ts';
import type { HeartbeatService, PingAnswer } from './heartbeat.service.ts';
import type { IntakeService, KeyDescription } from './intake.service.ts';
import { intakeRoutes } from './intake-http.ts';

const pingBodyLimit = 102_400;

// Intake traffic is recorded in the intake log itself, not in the audit log.
const intakeConfig = { access: integrationKeyAccess, audit: false } as const;

function sendPing(reply: FastifyReply, answer: PingAnswer): FastifyReply {
  if (answer.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(answer.retryAfterSeconds));
  return reply.status(answer.status).type('text/plain; charset=utf-8').send(answer.text);
}

/**
 * The intake routes the framework serves: heartbeat pings. The alert routes (PagerDuty Events
 * v2 and the path-keyed webhooks) are answered before the framework (intake-http.ts); they are
 * listed in the route table all the same, so access checks and the API docs cover them.
 */
export function registerIntakeRoutes(
  app: FastifyInstance,
  deps: { heartbeats: HeartbeatService; intake: IntakeService; routeTable: RouteEntry[] },
): void {
  const { heartbeats, intake } = deps;

  // What a key is for, for whoever holds it (the key is the credential, as on intake).
  app.get<{ Params: { key: string } }>(
    '/api/intake/keys/:key',
    { config: intakeConfig },
    (request): Promise<KeyDescription> => intake.describeKey(request.params.key, request.ip),
  );
  for (const url of [intakeRoutes.pagerDuty, intakeRoutes.webhook])
    deps.routeTable.push({
      method: 'POST',
      url,
      access: integrationKeyAccess,
      audit: false,
      hasBody: false,
    });

  void app.register((scope, _options, done) => {
    // Pings keep the raw bytes (the body is an optional log excerpt, any content type).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: pingBodyLimit },
      (_request, body, next) => next(null, body),
    );
    // Errors raised before the handler runs (body too large, bad Content-Length) answer as
    // pings do: a status and a line of text.
    scope.setErrorHandler(
      (error: Error & Partial<FastifyError>, request: FastifyRequest, reply: FastifyReply) => {
        const appError = toAppError(error, request);
        return sendPing(reply, { status: appError.status, text: appError.message });
      },
    );

    const ping = async (
      request: FastifyRequest<{
        Params: { key: string; signal?: string };
        Querystring: { rid?: string };
      }>,
      reply: FastifyReply,
    ) => {
      const answer = await heartbeats.ping({
        key: request.params.key,
        suffix: request.params.signal ?? '',
        method: request.method,
        runId: typeof request.query.rid === 'string' ? request.query.rid : undefined,
        body: Buffer.isBuffer(request.body) ? request.body : undefined,
        headers: request.headers,
        ip: request.ip,
      });
      return sendPing(reply, answer);
    };
    for (const url of ['/ping/:key', '/ping/:key/:signal']) {
      scope.route({
        method: ['GET', 'POST', 'HEAD'],
        url,
        bodyLimit: pingBodyLimit,
        config: intakeConfig,
        handler: ping,
      });
    }
    done();
  });
}
