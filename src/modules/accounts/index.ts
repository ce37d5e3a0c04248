import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../platform/auth.ts';
import { sessionCookieSettings, type ModuleContext } from '../../platform/context.ts';
import { registerApiTokenRoutes } from './api-token.routes.ts';
import { createApiTokenService } from './api-token.service.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { LoginThrottle } from './login-throttle.ts';
import { createSessionService } from './session.service.ts';
import { registerUserRoutes } from './user.routes.ts';
import { createUserService } from './user.service.ts';

export { createUserService, type Actor, type UserService } from './user.service.ts';
export { createApiTokenService, type ApiTokenService } from './api-token.service.ts';
export { toUserView, toApiTokenView } from './account-views.ts';

const hourMs = 3_600_000;

/** Users, login sessions and API tokens: who can use Steady and how they prove it. */
export function createAccountsModule(ctx: ModuleContext) {
  const { store, clock, config, scheduler } = ctx;
  const users = createUserService({ db: store.db, clock });
  const sessions = createSessionService({
    db: store.db,
    clock,
    policy: {
      idleMs: config.sessionIdleMinutes * 60_000,
      maxAgeMs: config.sessionMaxDays * 24 * hourMs,
    },
  });
  const tokens = createApiTokenService({ db: store.db, clock });
  const throttle = new LoginThrottle({ clock });

  const authenticator: Authenticator = {
    fromSessionCookie: (value) => sessions.resolve(value),
    fromBearerToken: (token, request) => tokens.resolve(token, request.ip),
  };

  scheduler.register('sessions.purge', async () => {
    const purged = await sessions.purgeExpired();
    if (purged > 0) ctx.log.info({ purged }, 'expired sessions purged');
    return { rescheduleAt: clock.now() + hourMs };
  });

  return {
    users,
    sessions,
    tokens,
    authenticator,
    registerRoutes(app: FastifyInstance): void {
      const cookie = sessionCookieSettings(config);
      registerAuthRoutes(app, { users, sessions, throttle, cookie });
      registerUserRoutes(app, { users });
      registerApiTokenRoutes(app, { tokens });
    },
    /** Schedules the hourly purge of expired sessions (idempotent across restarts and replicas). */
    async start(): Promise<void> {
      await scheduler.schedule(store.db, {
        kind: 'sessions.purge',
        uniqueKey: 'sessions.purge',
        payload: {},
        runAt: clock.now() + hourMs,
      });
    },
  };
}

export type AccountsModule = ReturnType<typeof createAccountsModule>;
