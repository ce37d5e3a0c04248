import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';

// Fastify's default ajv settings strip unknown properties and coerce types everywhere, which
// would silently accept `{"role":"admin","isAdmin":true}` or `"12"` for a number. Bodies are
// validated strictly; only query strings and path parameters (always text on the wire) are
// coerced.
const body = new Ajv({
  coerceTypes: false,
  useDefaults: true,
  removeAdditional: false,
  allErrors: false,
  strict: false,
});
const text = new Ajv({
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: false,
  allErrors: false,
  strict: false,
});

/** Installs the strict body / coercing query-string validators on `app`. */
export function registerValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? body : text).compile(schema),
  );
}
