import type { NormalizedEvent } from '../../intake/event.ts';

/** A heartbeat monitor as the state machine sees it. */
export interface MonitorState {
  status: 'new' | 'up' | 'down';
  periodSeconds: number;
  graceSeconds: number;
  lastSuccessAt: number | null;
  dueAt: number | null;
}

export type HeartbeatSignal =
  | { kind: 'success'; exitCode: number | null }
  | { kind: 'fail'; exitCode: number | null }
  | { kind: 'start' }
  | { kind: 'log' }
  /** The check timer fired. */
  | { kind: 'check' };

export interface HeartbeatTransition {
  status: MonitorState['status'];
  /** When the next success is due (the check timer's time), or null for no timer. */
  dueAt: number | null;
  /** Set for pings (not for the check timer). */
  pingedAt: number | null;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastStartAt: number | null;
  lastExitCode: number | null;
  /** An alert event to append to the event log, or null. */
  event: NormalizedEvent | null;
}

/** Heartbeat alerts have one dedup key: one open alert per monitor at a time. */
export const heartbeatDedupKey = 'heartbeat';

function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function event(
  action: 'trigger' | 'resolve',
  summary: string,
  name: string,
  details: Record<string, unknown>,
): NormalizedEvent {
  return {
    action,
    dedupKey: heartbeatDedupKey,
    summary,
    severity: 'error',
    source: name,
    component: null,
    group: null,
    class: 'heartbeat',
    occurredAt: null,
    labels: { heartbeat: name },
    details,
    links: [],
    images: [],
  };
}

/**
 * What a ping or the check timer does to a heartbeat monitor (healthchecks.io semantics):
 * a success marks it up and sets the next due time to now + period + grace (resolving an open
 * alert); a failure marks it down and triggers at once; the timer marks an up monitor down
 * when no success came in time. A new monitor raises nothing until its first ping.
 */
export function applyHeartbeatSignal(
  monitor: MonitorState,
  signal: HeartbeatSignal,
  now: number,
  name: string,
): HeartbeatTransition {
  const windowSeconds = monitor.periodSeconds + monitor.graceSeconds;
  const same: HeartbeatTransition = {
    status: monitor.status,
    dueAt: monitor.dueAt,
    pingedAt: signal.kind === 'check' ? null : now,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastStartAt: null,
    lastExitCode: null,
    event: null,
  };
  switch (signal.kind) {
    case 'success':
      return {
        ...same,
        status: 'up',
        dueAt: now + windowSeconds * 1000,
        lastSuccessAt: now,
        lastExitCode: signal.exitCode,
        event:
          monitor.status === 'down'
            ? event('resolve', `Heartbeat "${name}" is back: a success ping arrived`, name, {
                exitCode: signal.exitCode,
              })
            : null,
      };
    case 'fail':
      return {
        ...same,
        status: 'down',
        dueAt: null,
        lastFailureAt: now,
        lastExitCode: signal.exitCode,
        event: event(
          'trigger',
          signal.exitCode === null
            ? `Heartbeat "${name}" reported a failure`
            : `Heartbeat "${name}" reported a failure (exit code ${signal.exitCode})`,
          name,
          { exitCode: signal.exitCode },
        ),
      };
    case 'start':
      return { ...same, lastStartAt: now };
    case 'log':
      return same;
    case 'check': {
      if (monitor.status !== 'up' || monitor.dueAt === null || now < monitor.dueAt) return same;
      return {
        ...same,
        status: 'down',
        dueAt: null,
        event: event(
          'trigger',
          `Heartbeat "${name}" missed: no success ping for ${duration(windowSeconds)}`,
          name,
          {
            periodSeconds: monitor.periodSeconds,
            graceSeconds: monitor.graceSeconds,
            lastSuccessAt:
              monitor.lastSuccessAt === null ? null : new Date(monitor.lastSuccessAt).toISOString(),
          },
        ),
      };
    }
  }
}
