/**
 * Every error code the API can answer with, its HTTP status and what it means.
 * The web app and the CLI switch on these codes; docs/api/errors.md documents each one
 * (a test fails when one is missing there).
 */
export const errorCodes = {
  // Request shape
  invalid_request: {
    status: 400,
    meaning: 'A field is missing, has the wrong type, or is not allowed.',
  },
  invalid_json: { status: 400, meaning: 'The body is not valid JSON.' },
  invalid_utf8: { status: 400, meaning: 'The body contains bytes that are not valid UTF-8.' },
  empty_body: { status: 400, meaning: 'The request needs a JSON body and none was sent.' },
  too_deep: { status: 400, meaning: 'The JSON body nests objects or arrays deeper than allowed.' },
  too_many_keys: { status: 400, meaning: 'The JSON body has more keys than allowed.' },
  forbidden_key: { status: 400, meaning: 'The JSON body uses a reserved key such as __proto__.' },
  invalid_content_length: { status: 400, meaning: 'Content-Length does not match the body.' },
  invalid_event: {
    status: 400,
    meaning: 'An alert event lacks a required field or has a wrong value; the field is named.',
  },
  signature_invalid: {
    status: 401,
    meaning: 'The webhook signature is missing or does not match the body and the signing secret.',
  },
  timestamp_out_of_tolerance: {
    status: 401,
    meaning: 'The signed webhook timestamp is more than 5 minutes from now.',
  },
  rate_limited: {
    status: 429,
    meaning: 'This integration sends faster than its rate limit; retry after Retry-After.',
  },
  payload_too_large: { status: 413, meaning: 'The body is larger than the limit for this route.' },
  unsupported_media_type: { status: 415, meaning: 'Send the body as application/json (UTF-8).' },
  // Authentication and authorisation
  unauthenticated: { status: 401, meaning: 'Log in, or send a valid API token as a Bearer token.' },
  invalid_credentials: { status: 401, meaning: 'The email or password is wrong.' },
  csrf_failed: {
    status: 403,
    meaning: 'The request came from another site or lacks the CSRF token.',
  },
  forbidden: { status: 403, meaning: 'Your role does not allow this action.' },
  insufficient_scope: { status: 403, meaning: 'The API token lacks the scope this route needs.' },
  session_required: {
    status: 403,
    meaning: 'This action needs an interactive login, not an API token.',
  },
  access_undeclared: {
    status: 403,
    meaning: 'The route declares no access rule, so it is denied.',
  },
  too_many_attempts: {
    status: 429,
    meaning: 'Too many attempts; wait for the time in Retry-After.',
  },
  // Resources
  not_found: { status: 404, meaning: 'No such route or resource.' },
  name_taken: { status: 409, meaning: 'Another live resource has this name.' },
  conflict: { status: 409, meaning: 'The resource already exists or changed meanwhile.' },
  setup_already_done: { status: 409, meaning: 'The owner account exists already; log in instead.' },
  email_taken: { status: 409, meaning: 'Another user has this email address.' },
  last_owner: { status: 409, meaning: 'The instance must keep at least one active owner.' },
  weak_password: { status: 400, meaning: 'The password is too short or too common.' },
  // Server side
  unavailable: {
    status: 503,
    meaning:
      'Steady cannot serve this now (database unreachable or overloaded); retry after Retry-After.',
  },
  internal_error: {
    status: 500,
    meaning: 'Something failed inside Steady; the request id is in the logs.',
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof errorCodes;

/** The body of every error response. */
/** One invalid field of a request and what is wrong with it, in words. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** The (first) field at fault. */
    field?: string;
    /** Every field at fault, when more than one is (validation failures). */
    fields?: FieldProblem[];
    requestId?: string;
  };
}
