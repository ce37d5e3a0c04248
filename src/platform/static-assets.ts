import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  contentType: string;
  etag: string;
  /** Vite puts content-hashed files under /assets/: they never change, so cache them for a year. */
  immutable: boolean;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

/**
 * The built web app, read into memory once at start. Requests are answered by looking the
 * path up in this map, so no request can name a file outside the build (no path traversal).
 */
export class StaticAssets {
  readonly #assets = new Map<string, Asset>();
  readonly #built: boolean;

  constructor(dir: string) {
    this.#built = existsSync(path.join(dir, 'index.html'));
    if (!this.#built) return;
    for (const file of listFiles(dir)) {
      const body = readFileSync(file);
      const urlPath = `/${path.relative(dir, file).split(path.sep).join('/')}`;
      const contentType = contentTypes[path.extname(file)] ?? 'application/octet-stream';
      const compressible = /text|javascript|json|svg/.test(contentType) && body.length > 1024;
      this.#assets.set(urlPath, {
        body,
        gzip: compressible ? gzipSync(body, { level: 9 }) : null,
        contentType,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        immutable: urlPath.startsWith('/assets/'),
      });
    }
  }

  /** True when the web app has been built. */
  get built(): boolean {
    return this.#built;
  }

  /**
   * Answers a GET/HEAD for a page or asset. Paths that are not files get the app's
   * index.html (client-side routing) unless they look like a file, which get 404.
   */
  serve(request: FastifyRequest, reply: FastifyReply): FastifyReply | null {
    const pathname = request.url.split('?')[0] ?? '/';
    let asset = this.#assets.get(pathname);
    if (asset === undefined) {
      if (path.posix.extname(pathname) !== '') return null;
      asset = this.#assets.get('/index.html');
      if (asset === undefined) return null;
    }
    void reply.header('etag', asset.etag);
    void reply.header(
      'cache-control',
      asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    void reply.header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    void reply.type(asset.contentType);
    const acceptsGzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
    if (asset.gzip !== null && acceptsGzip) {
      void reply.header('content-encoding', 'gzip');
      return reply.send(asset.gzip);
    }
    return reply.send(asset.body);
  }
}
