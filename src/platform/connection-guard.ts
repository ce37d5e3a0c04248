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
  log: Logger;
  /** Counts closed and refused connections by reason. */
  closed?: Counter;
}

interface SocketState {
  /** Requests in flight on the connection. */
  active: number;
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
 * Keeps the number of the HTTP server's connections bounded. Node keeps any number of
 * connections open, and idle sockets alone once used up every file descriptor and brought the
 * process down; a silent one is closed only after the headers timeout (Node checks it for
 * connections that sent nothing too). So at `maxConnections` a new connection closes the
 * connection idle the longest (no request in flight), and a sender with an alert always gets in
 * while idle sockets hold the slots; when every connection is busy with a request, the new one
 * is answered 503 with Retry-After. Bookkeeping is two insertion-ordered sets (idle, busy):
 * O(1) per connection and per request.
 */
export class ConnectionGuard {
  readonly #options: ConnectionGuardOptions;
  #log: Logger;
  readonly #state = new WeakMap<Socket, SocketState>();
  readonly #idle = new Set<Socket>();
  readonly #busy = new Set<Socket>();

  constructor(options: ConnectionGuardOptions) {
    this.#options = options;
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

  /** Watches `server`'s connections. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.#connected(socket));
  }

  /** Marks a request as started on its socket; call from the request listener. */
  requestStarted(socket: Socket, finished: (done: () => void) => void): void {
    const state = this.#state.get(socket);
    if (state === undefined) return;
    state.active++;
    this.#idle.delete(socket);
    this.#busy.add(socket);
    finished(() => {
      state.active--;
      if (state.active > 0 || socket.destroyed) return;
      this.#busy.delete(socket);
      this.#idle.add(socket);
    });
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
    this.#state.set(socket, { active: 0 });
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

  #close(socket: Socket, reason: 'evicted'): void {
    this.#idle.delete(socket);
    this.#busy.delete(socket);
    this.#options.closed?.inc({ reason });
    socket.destroy();
  }
}
