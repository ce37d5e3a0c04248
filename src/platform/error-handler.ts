import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { ErrorBody, ErrorCode } from '../contracts/errors.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import { AppError, isAppError } from './errors.ts';

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** Turns an ajv issue into the field it names and a sentence a person can act on. */
export function describeValidationIssue(
  issue: ValidationIssue,
  part: string,
): { field: string; message: string } {
  const path = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const params = issue.params ?? {};
  if (issue.keyword === 'additionalProperties') {
    const extra = String(params.additionalProperty);
    const field = path === '' ? extra : `${path}.${extra}`;
    return { field, message: `Unknown field "${field}" in the ${part}.` };
  }
  if (issue.keyword === 'required') {
    const missing = String(params.missingProperty);
    const field = path === '' ? missing : `${path}.${missing}`;
    return { field, message: `The ${part} needs the field "${field}".` };
  }
  const field = path === '' ? part : path;
  return { field, message: `"${field}" ${issue.message ?? 'is invalid'}.` };
}

// Fastify's own errors, mapped to our codes.
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

const fastifyMessages: Partial<Record<ErrorCode, string>> = {
  unsupported_media_type: 'Send the body with Content-Type: application/json.',
  payload_too_large: 'The body is larger than this route accepts.',
  empty_body: 'The request body is empty; send a JSON document.',
  invalid_content_length: 'Content-Length does not match the body sent.',
  invalid_json: 'The body is not valid JSON.',
};

/** `{ error: { code, message, field?, requestId } }`: the body of every error answer. */
export function errorBody(error: AppError, requestId: string): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.field !== undefined) body.error.field = error.field;
  return body;
}

/** Writes the error body with the error's status and headers. */
export function sendAppError(
  reply: FastifyReply,
  error: AppError,
  requestId: string,
): FastifyReply {
  const body = errorBody(error, requestId);
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  return reply.status(error.status).type('application/json; charset=utf-8').send(body);
}

/**
 * Any thrown error as an AppError: validation failures name the field, Fastify's body errors
 * get their code, database outages become 503 with Retry-After, anything else a logged 500
 * that reveals nothing but the request id.
 */
export function toAppError(
  error: Error & Partial<FastifyError>,
  request: Pick<FastifyRequest, 'id'> & { log: Pick<FastifyBaseLogger, 'warn' | 'error'> },
): AppError {
  if (isAppError(error)) {
    if (error.status >= 500) request.log.warn({ err: error.cause ?? error }, error.message);
    return error;
  }
  if (error.validation !== undefined) {
    const first = error.validation[0] as ValidationIssue | undefined;
    const part =
      error.validationContext === 'querystring'
        ? 'query string'
        : (error.validationContext ?? 'body');
    const { field, message } = describeValidationIssue(first ?? {}, part);
    return new AppError('invalid_request', message, { field });
  }
  const mapped = error.code === undefined ? undefined : fastifyCodes[error.code];
  if (mapped !== undefined) return new AppError(mapped, fastifyMessages[mapped] ?? error.message);
  if (isTransientDatabaseError(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return new AppError('unavailable', 'The database is not answering; retry shortly.', {
      headers: { 'retry-after': '5' },
    });
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('invalid_request', error.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return new AppError('internal_error', `Something failed inside Steady (request ${request.id}).`);
}

/** Maps every thrown error to `{ error: { code, message, field? } }`; internals never leak. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(
    (error: Error & Partial<FastifyError>, request: FastifyRequest, reply: FastifyReply) =>
      sendAppError(reply, toAppError(error, request), request.id),
  );
}
