import { errorCodes, type ErrorCode, type FieldProblem } from '../contracts/errors.ts';

interface AppErrorOptions {
  field?: string | undefined;
  fields?: readonly FieldProblem[];
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error type services throw. Routes never catch it; the error handler turns it into
 * `{ error: { code, message, field? } }` with the status that belongs to the code.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  /** Every invalid field with its message, when a request had more than one (forms mark each). */
  readonly fields: readonly FieldProblem[];
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.field = options.field;
    this.fields = options.fields ?? [];
    this.headers = options.headers ?? {};
  }
}

/** True when `value` is an AppError. */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** A request field failed validation. */
export function invalidField(field: string, message: string): AppError {
  return new AppError('invalid_request', message, { field });
}

/** A resource of `kind` with `id` does not exist (or the caller may not know it does). */
export function notFound(kind: string, id?: string): AppError {
  return new AppError(
    'not_found',
    id === undefined ? `No such ${kind}.` : `No ${kind} with id ${id}.`,
  );
}

/** The service cannot answer now; the caller should retry after `retryAfterSeconds`. */
export function unavailable(message: string, retryAfterSeconds = 5, cause?: unknown): AppError {
  return new AppError('unavailable', message, {
    headers: { 'retry-after': String(retryAfterSeconds) },
    cause,
  });
}
