import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { ErrorBody, ErrorCode, FieldProblem } from '../contracts/errors.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import { AppError, isAppError } from './errors.ts';

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
  /** The schema the failing keyword sits in (ajv's `verbose`): where `patternHint` lives. */
  parentSchema?: Record<string, unknown>;
}

const typeWords: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

function allowedValues(schema: Record<string, unknown> | undefined): string[] | null {
  const options = (schema?.anyOf ?? schema?.enum) as unknown[] | undefined;
  if (!Array.isArray(options)) return null;
  const values = options.map((o) =>
    typeof o === 'object' && o !== null && 'const' in o ? o.const : o,
  );
  return values.every((v) => typeof v === 'string' || typeof v === 'number')
    ? values.map(String)
    : null;
}

/**
 * Turns an ajv issue into the field it names and a sentence a person can act on: never a raw
 * regex or ajv's wording. A schema with a `pattern` says in `patternHint` what the pattern
 * wants, in words.
 */
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
  const limit = Number(params.limit);
  const say = (words: string) => ({ field, message: `"${field}" ${words}.` });
  switch (issue.keyword) {
    case 'pattern': {
      const hint = issue.parentSchema?.patternHint;
      return say(typeof hint === 'string' ? hint : 'is not in the form this field takes');
    }
    case 'minLength':
      return say(limit === 1 ? 'must not be empty' : `must be at least ${limit} characters`);
    case 'maxLength':
      return say(`must be at most ${limit} characters`);
    case 'minimum':
      return say(`must be at least ${limit}`);
    case 'maximum':
      return say(`must be at most ${limit}`);
    case 'minItems':
      return say(limit === 1 ? 'needs at least one item' : `needs at least ${limit} items`);
    case 'maxItems':
      return say(`can have at most ${limit} items`);
    case 'type': {
      const type = params.type;
      const names = Array.isArray(type) ? type.map(String) : String(type).split(',');
      const wanted = names.map((t) => typeWords[t] ?? t);
      return say(`must be ${wanted.join(' or ')}`);
    }
    case 'anyOf':
    case 'enum':
    case 'const': {
      const values = allowedValues(issue.parentSchema);
      if (values !== null) return say(`must be one of ${values.join(', ')}`);
      break;
    }
  }
  return say(issue.message ?? 'is invalid');
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
  if (error.fields.length > 1) body.error.fields = [...error.fields];
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
    const part =
      error.validationContext === 'querystring'
        ? 'query string'
        : (error.validationContext ?? 'body');
    // Every field that is wrong, once each, so a form can mark them all at once.
    const fields: FieldProblem[] = [];
    for (const issue of error.validation as ValidationIssue[]) {
      // A union's branches each fail on their own; the union's own issue says it better.
      if (issue.keyword === 'const' && issue.parentSchema?.const !== undefined) continue;
      const problem = describeValidationIssue(issue, part);
      if (!fields.some((f) => f.field === problem.field)) fields.push(problem);
    }
    const first = fields[0] ?? describeValidationIssue({}, part);
    return new AppError('invalid_request', first.message, { field: first.field, fields });
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
