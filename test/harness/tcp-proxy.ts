import { createServer, connect, type Server, type Socket } from 'node:net';

/** How the proxy treats connections: forward, refuse new ones, reset every one, or swallow. */
export type ProxyMode = 'pass' | 'refuse' | 'reset' | 'blackhole';

/**
 * A TCP proxy on loopback in front of a real server (RELIABILITY §2.1), whose faults a test
 * switches at will: `refuse` stops listening (connection refused), `reset` resets every open
 * connection and each new one, `blackhole` accepts and holds connections but forwards nothing
 * either way (packets dropped), `pass` forwards again.
 */
export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #pairs = new Set<{ client: Socket; upstream: Socket | null }>();
  #server: Server | null = null;
  #mode: ProxyMode = 'pass';
  #port = 0;

  constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  /** The port it listens on (kept across refuse/pass). */
  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    await this.#listen(0);
  }

  async setMode(mode: ProxyMode): Promise<void> {
    const previous = this.#mode;
    this.#mode = mode;
    if (mode === 'refuse' || mode === 'reset') {
      for (const pair of this.#pairs) {
        pair.client.resetAndDestroy();
        pair.upstream?.resetAndDestroy();
      }
      this.#pairs.clear();
    }
    if (mode === 'blackhole') {
      // Established connections stop forwarding: data already sent is never answered.
      for (const pair of this.#pairs) {
        pair.client.pause();
        pair.upstream?.pause();
      }
    }
    if (mode === 'refuse') await this.#close();
    else if (previous === 'refuse') await this.#listen(this.#port);
    if (mode === 'pass' && previous === 'blackhole') {
      // The held connections are dead to their clients by now; end them so they reconnect.
      for (const pair of this.#pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      this.#pairs.clear();
    }
  }

  async stop(): Promise<void> {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    this.#pairs.clear();
    await this.#close();
  }

  #accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.#mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const pair: { client: Socket; upstream: Socket | null } = { client, upstream: null };
    this.#pairs.add(pair);
    client.once('close', () => {
      pair.upstream?.destroy();
      this.#pairs.delete(pair);
    });
    if (this.#mode === 'blackhole') {
      client.pause();
      return;
    }
    const upstream = connect(this.#target.port, this.#target.host);
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.once('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  #listen(port: number): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        if (address !== null && typeof address === 'object') this.#port = address.port;
        resolve();
      });
    });
  }

  #close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
