import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Store } from '../db/store.ts';
import type { Scheduler } from '../jobs/index.ts';
import type { BackgroundWork } from './background.ts';
import type { Clock } from './clock.ts';
import type { MetricsRegistry } from './metrics.ts';

/** What every module is built from: the one set of shared parts, passed explicitly. */
export interface ModuleContext {
  config: Config;
  store: Store;
  clock: Clock;
  log: FastifyBaseLogger;
  metrics: MetricsRegistry;
  scheduler: Scheduler;
  /** Where background work reports errors it did not expect (never fatal). */
  background: BackgroundWork;
}

/** Cookie name and flags of the login session, derived from the public URL. */
export function sessionCookieSettings(config: Config): { name: string; secure: boolean } {
  const secure = config.baseUrl.startsWith('https:');
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/.
  return { name: secure ? '__Host-steady_session' : 'steady_session', secure };
}
