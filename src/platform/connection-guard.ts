import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from './logger.ts';
import type { Counter } from './metrics.ts';

/** File descriptors kept free for the database, the WAL, logs, workers and the pool. */
const reservedDescriptors = 128;

/**
 * The process's soft limit on open files, from /proc (Linux); null where it cannot be read.
 * Node raises the soft limit to the hard one at start, so this is what the process really has.
 */
export function openFileLimit(limitsText?: string): number | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (match?.[1] === undefined || match[1] === 'unlimited') return null;
  return Number(match[1]);
}

/**
 * The connection cap actually applied: the configured one, lowered so that the connections
 * and what the process itself needs fit under its open-file limit (a socket is a descriptor,
 * and running out of them fails the database and the log as well as new connections).
 */
export function effectiveConnectionCap(configured: number, fileLimit: number | null): number {
  if (fileLimit === null) return configured;
  return Math.max(16, Math.min(configured, fileLimit - reservedDescriptors));
}

export interface ConnectionGuardOptions {
  /** Most open connections; past it the longest-idle one is closed, or the new one refused. */
  maxConnections: number;
  /** A connection with no request in flight that has not sent a request by then is closed. */
  idleTimeoutMs: number;
  log: Logger;
  /** Counts closed and refused connections by reason. */
  closed?: Counter;
  now?: () => number;
  sweepMs?: number;
}

interface SocketState {
  since: number;
  active: number;
  served: number;
}

const refusal = JSON.stringify({
  error: {
    code: 'unavailable',
    message: 'Steady has too many open connections right now; retry shortly.',
  },
});
const refusalResponse =
  'HTTP/1.1 503 Service Unavailable\r\n' +
  'Content-Type: application/json; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(refusal)}\r\n` +
  'Retry-After: 1\r\n' +
  'Connection: close\r\n\r\n' +
  refusal;

/**
 * Keeps the HTTP server's connections bounded. Node closes a connection that is slow to send
 * its headers or body only once it has sent a first byte, and keeps any number of them open;
 * idle sockets alone once used up every file descriptor and brought the process down. So:
 * - a connection that has sent no request within `idleTimeoutMs` is closed (keep-alive
 *   connections between requests are Node's keepAliveTimeout's);
 * - at `maxConnections`, a new connection closes the connection idle the longest, so a
 *   sender with an alert always gets in while idle sockets hold the slots; when every
 *   connection is busy with a request, the new one is answered 503 with Retry-After.
 * Bookkeeping is two insertion-ordered sets (idle, busy): O(1) per connection and request,
 * and one sweep a second over the idle set.
 */
export class ConnectionGuard {
  readonly #options: Required<Omit<ConnectionGuardOptions, 'closed' | 'log'>> &
    Pick<ConnectionGuardOptions, 'closed'>;
  #log: Logger;
  readonly #state = new WeakMap<Socket, SocketState>();
  readonly #idle = new Set<Socket>();
  readonly #busy = new Set<Socket>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ConnectionGuardOptions) {
    this.#options = { now: () => performance.now(), sweepMs: 1000, ...options };
    this.#log = options.log;
  }

  /** Logs through `log` from now on (the server's logger exists only after the framework). */
  useLogger(log: Logger): void {
    this.#log = log;
  }

  /** Open connections now. */
  get open(): number {
    return this.#idle.size + this.#busy.size;
  }

  /** Watches `server`'s connections until it closes. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.#connected(socket));
    this.#timer = setInterval(() => {
      try {
        this.sweep();
      } catch (error) {
        this.#log.error({ err: error }, 'http: the idle-connection sweep failed');
      }
    }, this.#options.sweepMs);
    this.#timer.unref();
    server.once('close', () => clearInterval(this.#timer));
  }

  /** Marks a request as started on its socket; call from the request listener. */
  requestStarted(socket: Socket, finished: (done: () => void) => void): void {
    const state = this.#state.get(socket);
    if (state === undefined) return;
    state.active++;
    state.served++;
    this.#idle.delete(socket);
    this.#busy.add(socket);
    finished(() => {
      state.active--;
      if (state.active > 0 || socket.destroyed) return;
      state.since = this.#options.now();
      this.#busy.delete(socket);
      this.#idle.add(socket);
    });
  }

  /** Closes connections that have sent no request in time. */
  sweep(): void {
    const now = this.#options.now();
    for (const socket of this.#idle) {
      const state = this.#state.get(socket);
      if (state === undefined) continue;
      // The idle set is in order of becoming idle: everything after a recent one is recent.
      if (now - state.since < this.#options.idleTimeoutMs) break;
      if (state.served === 0) this.#close(socket, 'idle');
    }
  }

  #connected(socket: Socket): void {
    if (this.open >= this.#options.maxConnections && !this.#evictIdle()) {
      this.#options.closed?.inc({ reason: 'refused' });
      this.#log.warn(
        { open: this.open, max: this.#options.maxConnections },
        'http: at the connection limit with every connection busy; refused a new one',
      );
      socket.on('error', () => undefined);
      socket.end(refusalResponse);
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    this.#state.set(socket, { since: this.#options.now(), active: 0, served: 0 });
    this.#idle.add(socket);
    socket.once('close', () => {
      this.#idle.delete(socket);
      this.#busy.delete(socket);
    });
  }

  /** Closes the connection idle the longest; false when none is idle. */
  #evictIdle(): boolean {
    const oldest = this.#idle.values().next().value;
    if (oldest === undefined) return false;
    this.#close(oldest, 'evicted');
    return true;
  }

  #close(socket: Socket, reason: 'idle' | 'evicted'): void {
    this.#idle.delete(socket);
    this.#busy.delete(socket);
    this.#options.closed?.inc({ reason });
    socket.destroy();
  }
}
