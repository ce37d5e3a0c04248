import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';

// Fastify's default ajv settings strip unknown properties and coerce types everywhere, which
// would silently accept `{"role":"admin","isAdmin":true}` or `"12"` for a number. Bodies are
// validated strictly; only query strings and path parameters (always text on the wire) are
// coerced.
// allErrors, so a form learns every field that is wrong at once; verbose, so an error carries
// its schema (where a pattern's description in words is: see describeValidationIssue).
const body = new Ajv({
  coerceTypes: false,
  useDefaults: true,
  removeAdditional: false,
  allErrors: true,
  verbose: true,
  strict: false,
});
const text = new Ajv({
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: false,
  allErrors: true,
  verbose: true,
  strict: false,
});

/** Installs the strict body / coercing query-string validators on `app`. */
export function registerValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? body : text).compile(schema),
  );
}
