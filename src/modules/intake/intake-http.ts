import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { AppError } from '../../platform/errors.ts';
import { errorBody, toAppError } from '../../platform/error-handler.ts';
import type { HttpMetrics } from '../../platform/metrics.ts';
import { logsAt, redactUrl, type Logger } from '../../platform/logger.ts';
import { requestIdFrom } from '../../platform/request-id.ts';
import type { IntegrationService } from '../integrations/index.ts';
import type { IntakeFormat, IntakeResult, IntakeService } from './intake.service.ts';

/** Largest intake body; larger ones are refused (413) before they are read. */
export const intakeBodyLimit = 1_048_576;

/** The two intake routes, as they appear in metrics, logs and the route table. */
export const intakeRoutes = {
  pagerDuty: '/v2/enqueue',
  webhook: '/api/intake/:format/:key',
} as const;

const pathFormats = new Set<string>(['alertmanager', 'grafana', 'sentry', 'generic']);
const webhookPrefix = '/api/intake/';

/** An answer ready to write: status, extra headers and a JSON body. */
export interface IntakeAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** PagerDuty's answer shapes, plus Steady's error object so the field is named. */
export function pagerDutyAnswer(result: IntakeResult, requestId: string): IntakeAnswer {
  if (result.kind === 'accepted') {
    return {
      status: 202,
      headers: {},
      body: {
        status: 'success',
        message: 'Event processed',
        dedup_key: result.dedupKeys[0] ?? null,
      },
    };
  }
  const headers: Record<string, string> =
    result.retryAfterSeconds === undefined
      ? {}
      : { 'retry-after': String(result.retryAfterSeconds) };
  const error = {
    code: result.code,
    message: result.message,
    requestId,
    ...(result.field === undefined ? {} : { field: result.field }),
  };
  if (result.status === 429) {
    return {
      status: 429,
      headers,
      body: {
        status: 'throttle event',
        message: 'Requests for this service are arriving too quickly. Please retry later.',
        error,
      },
    };
  }
  if (result.status >= 500)
    return {
      status: result.status,
      headers,
      body: {
        status: result.status === 503 ? 'unavailable' : 'error',
        message: result.message,
        error,
      },
    };
  if (result.status === 404)
    return {
      status: 404,
      headers,
      body: {
        status: 'invalid event',
        message: 'Invalid routing key',
        errors: [result.message],
        error,
      },
    };
  return {
    status: result.status,
    headers,
    body: {
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: [result.message],
      error,
    },
  };
}

/**
 * Every other format. Alertmanager drops an alert for good on a 4xx and retries only 5xx, so
 * "retry could help" (rate limit, overload, database trouble) is always 503 with Retry-After.
 */
export function webhookAnswer(
  result: IntakeResult,
  requestId: string,
  withKeys: boolean,
): IntakeAnswer {
  if (result.kind === 'accepted') {
    if (result.duplicate)
      return { status: 200, headers: {}, body: { status: 'duplicate', duplicate: true } };
    return {
      status: 202,
      headers: {},
      body: {
        status: 'accepted',
        events: result.dedupKeys.length,
        ...(withKeys ? { dedupKeys: result.dedupKeys } : {}),
      },
    };
  }
  if (result.status === 429 || result.status === 503) {
    const error = new AppError('unavailable', result.message);
    return {
      status: error.status,
      headers: { 'retry-after': String(result.retryAfterSeconds ?? 5) },
      body: errorBody(error, requestId),
    };
  }
  const error = new AppError(result.code, result.message, { field: result.field });
  return { status: error.status, headers: {}, body: errorBody(error, requestId) };
}

/** Where an intake request goes, read from its method and URL; null when it is not one. */
export function intakeTarget(
  method: string | undefined,
  url: string | undefined,
): { route: string; format: IntakeFormat | null; key: string | null; formatName: string } | null {
  if (method !== 'POST' || url === undefined) return null;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path === intakeRoutes.pagerDuty)
    return {
      route: intakeRoutes.pagerDuty,
      format: 'pagerduty',
      key: null,
      formatName: 'pagerduty',
    };
  if (!path.startsWith(webhookPrefix)) return null;
  const rest = path.slice(webhookPrefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) !== -1) return null;
  const formatName = rest.slice(0, slash);
  const key = decodeKey(rest.slice(slash + 1));
  if (key === null || key.length > 200) return null;
  return {
    route: intakeRoutes.webhook,
    format: pathFormats.has(formatName) ? (formatName as IntakeFormat) : null,
    key,
    formatName,
  };
}

function decodeKey(raw: string): string | null {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export interface IntakeHttpDeps {
  intake: IntakeService;
  integrations: IntegrationService;
  log: Logger & { level: string };
  metrics: HttpMetrics;
  /** Behind a reverse proxy: the caller's address is the first X-Forwarded-For entry. */
  trustProxy: boolean;
}

/**
 * The HTTP front door of intake: answers POST /v2/enqueue and POST /api/intake/<format>/<key>
 * straight on Node's request and response, before the web framework. These two routes carry
 * almost all of Steady's traffic during an alert storm, and the framework's generic request
 * lifecycle (hooks, request and reply objects, content-type parsing, serialisation) was a
 * large share of their cost. They keep everything the framework gave them: the body limit
 * (413 before reading), request ids, security headers, metrics and the request log line.
 *
 * Returns a handler that takes the request and returns true, or returns false for any other
 * request (the caller hands those to the framework).
 */
export function createIntakeHttpHandler(
  deps: IntakeHttpDeps,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const { intake, integrations, log, metrics } = deps;

  function callerIp(request: IncomingMessage): string {
    if (deps.trustProxy) {
      const forwarded = request.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      if (first !== undefined && first !== '') return first;
    }
    return request.socket.remoteAddress ?? '';
  }

  function send(
    request: IncomingMessage,
    response: ServerResponse,
    route: string,
    requestId: string,
    started: number,
    answer: IntakeAnswer,
  ): void {
    const text = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'x-content-type-options': 'nosniff',
      'x-request-id': requestId,
      ...answer.headers,
    });
    response.end(text);
    const seconds = (performance.now() - started) / 1000;
    metrics.record('POST', route, answer.status, seconds);
    const level = answer.status >= 500 ? 'error' : answer.status >= 400 ? 'info' : 'debug';
    if (logsAt(level, log.level)) {
      log[level](
        {
          reqId: requestId,
          req: {
            method: 'POST',
            url: redactUrl(request.url ?? ''),
            remoteAddress: callerIp(request),
          },
          statusCode: answer.status,
          ms: Math.round(seconds * 1000),
        },
        'request completed',
      );
    }
  }

  /** A refusal before the body is read (too large, length mismatch), recorded for a known key. */
  async function refuseUnread(
    request: IncomingMessage,
    target: NonNullable<ReturnType<typeof intakeTarget>>,
    error: AppError,
  ): Promise<IntakeResult> {
    const result: IntakeResult = {
      kind: 'rejected',
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
    };
    if (target.key === null || target.format === null) return result;
    const integration = await integrations.lookupByKey(target.key).catch(() => null);
    if (integration !== null) {
      await integrations
        .recordRejection(integration.id, {
          statusCode: error.status,
          code: error.code,
          message: error.message,
          field: error.field,
          contentType: request.headers['content-type'],
          body: '(not read)',
          remoteIp: callerIp(request),
        })
        .catch(() => undefined);
    }
    return result;
  }

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    target: NonNullable<ReturnType<typeof intakeTarget>>,
    requestId: string,
    started: number,
  ): Promise<void> {
    const answer = (result: IntakeResult): IntakeAnswer =>
      target.format === 'pagerduty'
        ? pagerDutyAnswer(result, requestId)
        : webhookAnswer(result, requestId, target.format === 'generic');

    if (target.format === null) {
      const error = new AppError(
        'not_found',
        `No intake format "${target.formatName}"; use alertmanager, grafana, sentry or generic (PagerDuty events go to /v2/enqueue).`,
      );
      lingerThenClose(request, response);
      send(request, response, target.route, requestId, started, {
        status: error.status,
        headers: {},
        body: errorBody(error, requestId),
      });
      return;
    }

    const body = await readBody(request);
    if (body === null) {
      // The caller went away mid-body: nothing was stored and there is no one to answer.
      response.destroy();
      return;
    }
    if (body instanceof AppError) {
      const result = await refuseUnread(request, target, body);
      // The rest of the body is read only for a moment, then the connection closes (reading
      // on let one client feed the server 15 GB in 45 s; see lingerThenClose).
      lingerThenClose(request, response);
      send(request, response, target.route, requestId, started, answer(result));
      return;
    }
    const result = await intake.receive({
      format: target.format,
      pathKey: target.key,
      body,
      headers: request.headers,
      ip: callerIp(request),
    });
    send(request, response, target.route, requestId, started, answer(result));
  }

  return (request, response) => {
    const target = intakeTarget(request.method, request.url);
    if (target === null) return false;
    const started = performance.now();
    const requestId = requestIdFrom(request.headers['x-request-id']) ?? randomUUID();
    handle(request, response, target, requestId, started).catch((error: unknown) => {
      if (response.headersSent) {
        log.error({ err: error, reqId: requestId }, 'intake: failed after answering');
        response.destroy();
        return;
      }
      // As on every other route: a database outage is 503 with Retry-After (senders retry),
      // anything else a logged 500 naming only the request id.
      const appError = toAppError(error as Error, { id: requestId, log });
      const retry = appError.headers['retry-after'];
      const result: IntakeResult = {
        kind: 'rejected',
        status: appError.status,
        code: appError.code,
        message: appError.message,
        ...(retry === undefined ? {} : { retryAfterSeconds: Number(retry) }),
      };
      send(
        request,
        response,
        target.route,
        requestId,
        started,
        target.format === 'pagerduty'
          ? pagerDutyAnswer(result, requestId)
          : webhookAnswer(result, requestId, false),
      );
    });
    return true;
  };
}

/** How long, and how much more, a refused body is read after its answer before the close. */
const lingerMs = 2000;
const lingerBytes = 1_048_576;

/**
 * Closes the connection soon after the answer to a refused body, reading (and discarding)
 * what the client still sends for at most `lingerMs` or `lingerBytes`. Closing at once would
 * reset the connection under a client still sending, and a reset can discard the answer
 * before the client reads it; reading on without a bound let one client feed the server
 * 15 GB in 45 s. The server sends its end of the connection (FIN) right after the answer, so
 * a client that reads sees the answer, then the end. As nginx's lingering close does.
 */
function lingerThenClose(request: IncomingMessage, response: ServerResponse): void {
  response.once('finish', () => {
    const socket = request.socket;
    // Requests injected in tests have no real connection to close.
    if (!(socket instanceof Socket)) return;
    let received = 0;
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > lingerBytes) socket.destroy();
    };
    socket.on('data', onData);
    socket.once('close', () => {
      clearTimeout(timer);
      socket.off('data', onData);
    });
    request.resume();
    socket.end();
  });
}

/**
 * Reads the whole body up to the intake limit. A declared length over the limit is refused
 * before a byte is read; a chunked body is refused as soon as it passes the limit.
 */
function readBody(request: IncomingMessage): Promise<Buffer | undefined | AppError | null> {
  const tooLarge = () =>
    new AppError('payload_too_large', 'The body is larger than this route accepts.');
  const declaredHeader = request.headers['content-length'];
  const declared = declaredHeader === undefined ? undefined : Number(declaredHeader);
  if (declared !== undefined && declared > intakeBodyLimit) return Promise.resolve(tooLarge());
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > intakeBodyLimit) {
        request.off('data', onData);
        request.off('end', onEnd);
        request.pause();
        resolve(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (declared !== undefined && declared !== received) {
        resolve(
          new AppError('invalid_content_length', 'Content-Length does not match the body sent.'),
        );
        return;
      }
      if (received === 0) resolve(undefined);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    // An aborted upload (the connection closed mid-body) ends the request without an answer.
    request.on('error', () => resolve(null));
  });
}
