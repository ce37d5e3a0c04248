import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { integrationKeyAccess } from '../../platform/access.ts';
import { AppError } from '../../platform/errors.ts';
import { sendAppError, toAppError } from '../../platform/error-handler.ts';
import type { IntegrationService } from '../integrations/index.ts';
import type { HeartbeatService, PingAnswer } from './heartbeat.service.ts';
import type { IntakeFormat, IntakeResult, IntakeService } from './intake.service.ts';

const bodyLimit = 1_048_576;
const pingBodyLimit = 102_400;
const pathFormats = new Set<IntakeFormat>(['alertmanager', 'grafana', 'sentry', 'generic']);

// Intake traffic is recorded in the intake log itself, not in the audit log.
const intakeConfig = { access: integrationKeyAccess, audit: false } as const;

/** PagerDuty's answer shapes, plus Steady's error object so the field is named. */
function sendPagerDuty(reply: FastifyReply, result: IntakeResult, requestId: string): FastifyReply {
  if (result.kind === 'accepted') {
    return reply.status(202).send({
      status: 'success',
      message: 'Event processed',
      dedup_key: result.dedupKeys[0] ?? null,
    });
  }
  if (result.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(result.retryAfterSeconds));
  const error = {
    code: result.code,
    message: result.message,
    requestId,
    ...(result.field === undefined ? {} : { field: result.field }),
  };
  if (result.status === 429) {
    return reply.status(429).send({
      status: 'throttle event',
      message: 'Requests for this service are arriving too quickly. Please retry later.',
      error,
    });
  }
  if (result.status === 503)
    return reply.status(503).send({ status: 'unavailable', message: result.message, error });
  if (result.status === 404)
    return reply.status(404).send({
      status: 'invalid event',
      message: 'Invalid routing key',
      errors: [result.message],
      error,
    });
  return reply.status(result.status).send({
    status: 'invalid event',
    message: 'Event object is invalid',
    errors: [result.message],
    error,
  });
}

/**
 * Every other format. Alertmanager drops an alert for good on a 4xx and retries only 5xx, so
 * "retry could help" (rate limit, overload, database trouble) is always 503 with Retry-After.
 */
function sendWebhook(
  reply: FastifyReply,
  result: IntakeResult,
  requestId: string,
  withKeys: boolean,
): FastifyReply {
  if (result.kind === 'accepted') {
    if (result.duplicate) return reply.status(200).send({ status: 'duplicate', duplicate: true });
    return reply.status(202).send({
      status: 'accepted',
      events: result.dedupKeys.length,
      ...(withKeys ? { dedupKeys: result.dedupKeys } : {}),
    });
  }
  if (result.status === 429 || result.status === 503) {
    return sendAppError(
      reply,
      new AppError('unavailable', result.message, {
        headers: { 'retry-after': String(result.retryAfterSeconds ?? 5) },
      }),
      requestId,
    );
  }
  return sendAppError(
    reply,
    new AppError(result.code, result.message, { field: result.field }),
    requestId,
  );
}

function sendPing(reply: FastifyReply, answer: PingAnswer): FastifyReply {
  if (answer.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(answer.retryAfterSeconds));
  return reply.status(answer.status).type('text/plain; charset=utf-8').send(answer.text);
}

/** The intake endpoints: PagerDuty Events v2, the path-keyed webhooks and heartbeat pings. */
export function registerIntakeRoutes(
  app: FastifyInstance,
  deps: { intake: IntakeService; heartbeats: HeartbeatService; integrations: IntegrationService },
): void {
  const { intake, heartbeats, integrations } = deps;

  void app.register((scope, _options, done) => {
    // Intake keeps the raw bytes: signatures are computed over them, and each adapter checks
    // the content type itself so a refusal can be recorded for the integration.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, next) =>
      next(null, body),
    );

    // Errors raised before a handler runs (body too large, bad Content-Length) still answer
    // in the sender's format, and are recorded when the URL names a known integration.
    scope.setErrorHandler(
      async (
        error: Error & Partial<FastifyError>,
        request: FastifyRequest,
        reply: FastifyReply,
      ) => {
        const appError = toAppError(error, request);
        const url = request.url;
        if (url.startsWith('/ping/'))
          return sendPing(reply, { status: appError.status, text: appError.message });
        const result: IntakeResult = {
          kind: 'rejected',
          status: appError.status,
          code: appError.code,
          message: appError.message,
          ...(appError.field === undefined ? {} : { field: appError.field }),
        };
        const key = (request.params as { key?: unknown } | undefined)?.key;
        if (typeof key === 'string' && appError.status < 500) {
          const integration = await integrations.lookupByKey(key).catch(() => null);
          if (integration !== null) {
            await integrations
              .recordRejection(integration.id, {
                statusCode: appError.status,
                code: appError.code,
                message: appError.message,
                field: appError.field,
                contentType: request.headers['content-type'],
                body: '(not read)',
                remoteIp: request.ip,
              })
              .catch(() => undefined);
          }
        }
        return url.startsWith('/v2/enqueue')
          ? sendPagerDuty(reply, result, request.id)
          : sendWebhook(reply, result, request.id, false);
      },
    );

    scope.post('/v2/enqueue', { config: intakeConfig }, async (request, reply) => {
      const result = await intake.receive({
        format: 'pagerduty',
        pathKey: null,
        body: request.body as Buffer | undefined,
        headers: request.headers,
        ip: request.ip,
      });
      return sendPagerDuty(reply, result, request.id);
    });

    scope.post<{ Params: { format: string; key: string } }>(
      '/api/intake/:format/:key',
      { config: intakeConfig },
      async (request, reply) => {
        const format = request.params.format as IntakeFormat;
        if (!pathFormats.has(format)) {
          return sendAppError(
            reply,
            new AppError(
              'not_found',
              `No intake format "${request.params.format}"; use alertmanager, grafana, sentry or generic (PagerDuty events go to /v2/enqueue).`,
            ),
            request.id,
          );
        }
        const result = await intake.receive({
          format,
          pathKey: request.params.key,
          body: request.body as Buffer | undefined,
          headers: request.headers,
          ip: request.ip,
        });
        return sendWebhook(reply, result, request.id, format === 'generic');
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
