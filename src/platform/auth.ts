import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roleAtLeast, scopeGrants } from '../contracts/access.ts';
import { readCookie } from './cookies.ts';
import { AppError } from './errors.ts';
import type { Access, Principal } from './access.ts';

/** Resolves credentials to a principal; implemented by the auth and api-tokens modules. */
export interface Authenticator {
  /** The principal of a live session with this cookie value, or null. */
  fromSessionCookie(value: string, request: FastifyRequest): Promise<Principal | null>;
  /** The principal of a live API token, or null. */
  fromBearerToken(token: string, request: FastifyRequest): Promise<Principal | null>;
}

interface AuthOptions {
  authenticator: Authenticator;
  cookieName: string;
  /** Origins allowed to send state-changing requests with a session cookie. */
  trustedOrigins: readonly string[];
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Enforces each route's declared access before the body is read: identifies the caller from
 * a Bearer token or the session cookie, applies CSRF defences to cookie sessions, then checks
 * role and token scope. Denies routes that declare nothing.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', null);
  // A callback hook rather than an async one: integration-key routes (the intake path) return
  // at once without the cost of a promise per request.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.is404) {
      done();
      return;
    }
    const access = request.routeOptions.config.access;
    if (access === undefined) {
      done(
        new AppError('access_undeclared', 'This route declares no access rule, so it is denied.'),
      );
      return;
    }
    if (access.kind === 'integration-key') {
      done();
      return;
    }
    authorize(request, access, options).then(() => done(), done);
  });
}

async function authorize(
  request: FastifyRequest,
  access: Exclude<Access, { kind: 'integration-key' }>,
  options: AuthOptions,
): Promise<void> {
  request.principal = await identify(request, options);
  if (access.kind === 'public') return;
  const principal = request.principal;
  if (principal === null) {
    throw new AppError(
      'unauthenticated',
      'Log in, or send an API token as "Authorization: Bearer <token>".',
    );
  }
  if (principal.kind === 'session' && !safeMethods.has(request.method)) {
    checkCsrf(request, principal, options.trustedOrigins);
  }
  if (principal.kind === 'token') {
    if (access.scope === 'session-only') {
      throw new AppError(
        'session_required',
        'This action needs a login session; API tokens cannot do it.',
      );
    }
    if (!scopeGrants(principal.scopes ?? [], access.scope)) {
      throw new AppError('insufficient_scope', `This API token lacks the "${access.scope}" scope.`);
    }
  }
  if (!roleAtLeast(principal.role, access.role)) {
    throw new AppError(
      'forbidden',
      `This needs the ${access.role} role or higher; you are ${principal.role}.`,
    );
  }
}

async function identify(request: FastifyRequest, options: AuthOptions): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] === undefined) {
      throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>".');
    }
    const principal = await options.authenticator.fromBearerToken(match[1], request);
    // A wrong token is an error even on public routes: the caller meant to authenticate.
    if (principal === null)
      throw new AppError('unauthenticated', 'The API token is unknown, revoked or expired.');
    return principal;
  }
  const cookie = readCookie(request.headers.cookie, options.cookieName);
  if (cookie === undefined || cookie === '') return null;
  return options.authenticator.fromSessionCookie(cookie, request);
}

function equalSecrets(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkCsrf(
  request: FastifyRequest,
  principal: Principal,
  trustedOrigins: readonly string[],
): void {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new AppError('csrf_failed', 'Cross-site requests may not change anything.');
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !trustedOrigins.includes(origin)) {
    const own = `${request.protocol}://${request.host}`;
    if (origin !== own)
      throw new AppError('csrf_failed', `Requests from ${origin} may not change anything.`);
  }
  const token = request.headers['x-csrf-token'];
  if (
    typeof token !== 'string' ||
    principal.csrfToken === null ||
    !equalSecrets(token, principal.csrfToken)
  ) {
    throw new AppError('csrf_failed', 'Send the X-CSRF-Token header from GET /api/auth/session.');
  }
}
