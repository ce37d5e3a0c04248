import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ChangePasswordRequest,
  LoginRequest,
  SessionList,
  SessionResponse,
  SetupOwnerRequest,
  SetupStatusResponse,
} from '../../contracts/accounts.ts';
import { IdParams } from '../../contracts/common.ts';
import { publicAccess, requireSession, type Principal } from '../../platform/access.ts';
import { expiredCookie, sessionCookie } from '../../platform/cookies.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { toSessionView, toUserView } from './account-views.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SessionService } from './session.service.ts';
import { normalizeEmail, type UserService } from './user.service.ts';
import type { UserRow } from './user.repository.ts';

interface Deps {
  users: UserService;
  sessions: SessionService;
  throttle: LoginThrottle;
  cookie: { name: string; secure: boolean };
}

function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new AppError('unauthenticated', 'Log in first.');
  return request.principal;
}

/** First-run setup, login, logout, the current session, own sessions and own password. */
export function registerAuthRoutes(app: FastifyInstance, deps: Deps): void {
  const { users, sessions, throttle, cookie } = deps;

  async function logIn(
    request: FastifyRequest,
    reply: FastifyReply,
    user: UserRow,
  ): Promise<SessionResponse> {
    // A fresh id on every login (no session fixation); the old session, if any, ends.
    const previous = request.principal;
    if (previous?.sessionId != null) await sessions.end(previous.sessionId, previous.userId);
    const { cookieValue, session } = await sessions.start(user.id, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
    void reply.header(
      'set-cookie',
      sessionCookie(cookie.name, cookieValue, {
        maxAgeSeconds: Math.floor(sessions.policy.maxAgeMs / 1000),
        secure: cookie.secure,
      }),
    );
    request.auditTarget = { type: 'user', id: user.id };
    return { user: toUserView(user), csrfToken: session.csrfToken };
  }

  app.get(
    '/api/setup',
    {
      config: { access: publicAccess },
      schema: { response: { 200: SetupStatusResponse } },
    },
    async () => ({ needsOwner: await users.needsOwner() }),
  );

  app.post<{ Body: SetupOwnerRequest }>(
    '/api/setup/owner',
    {
      config: { access: publicAccess, audit: 'setup.owner_created' },
      schema: { body: SetupOwnerRequest, response: { 201: SessionResponse } },
    },
    async (request, reply) => {
      const user = await users.setupOwner(request.body);
      const body = await logIn(request, reply, user);
      return reply.status(201).send(body);
    },
  );

  app.post<{ Body: LoginRequest }>(
    '/api/auth/login',
    {
      config: { access: publicAccess, audit: 'session.created' },
      schema: { body: LoginRequest, response: { 200: SessionResponse } },
    },
    async (request, reply) => {
      const account = normalizeEmail(request.body.email);
      const gate = throttle.attempt(request.ip, account);
      if (gate.refuseMs > 0) {
        const seconds = Math.ceil(gate.refuseMs / 1000);
        throw new AppError(
          'too_many_attempts',
          `Too many login attempts; try again in ${seconds} s.`,
          { headers: { 'retry-after': String(seconds) } },
        );
      }
      if (gate.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, gate.pauseMs));
      const user = await users.verifyCredentials(account, request.body.password);
      if (user === null) {
        throttle.failed(request.ip, account);
        throw new AppError('invalid_credentials', 'The email or password is wrong.');
      }
      throttle.succeeded(request.ip, account);
      return logIn(request, reply, user);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: requireSession(), audit: 'session.ended' },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.sessionId !== null) await sessions.end(principal.sessionId, principal.userId);
      request.auditTarget = { type: 'user', id: principal.userId };
      return reply
        .header('set-cookie', expiredCookie(cookie.name, cookie.secure))
        .status(204)
        .send();
    },
  );

  app.get(
    '/api/auth/session',
    {
      config: { access: requireSession() },
      schema: { response: { 200: SessionResponse } },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        user: toUserView(await users.get(principal.userId)),
        csrfToken: principal.csrfToken ?? '',
      };
    },
  );

  app.get(
    '/api/me/sessions',
    {
      config: { access: requireSession() },
      schema: { response: { 200: SessionList } },
    },
    async (request) => {
      const principal = principalOf(request);
      const rows = await sessions.list(principal.userId);
      return { items: rows.map((s) => toSessionView(s, principal.sessionId)) };
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/me/sessions/:id',
    {
      config: { access: requireSession(), audit: 'session.revoked' },
      schema: { params: IdParams },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!(await sessions.end(request.params.id, principal.userId)))
        throw notFound('session', request.params.id);
      request.auditTarget = { type: 'session', id: request.params.id };
      return reply.status(204).send();
    },
  );

  app.post<{ Body: ChangePasswordRequest }>(
    '/api/me/password',
    {
      config: { access: requireSession(), audit: 'user.password_changed' },
      schema: { body: ChangePasswordRequest, response: { 200: SessionResponse } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await users.changePassword(
        principal.userId,
        request.body.currentPassword,
        request.body.newPassword,
      );
      // Every session ended with the change, this one included; carry on in a new one.
      request.principal = null;
      return logIn(request, reply, await users.get(principal.userId));
    },
  );
}
