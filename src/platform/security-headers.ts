import type { FastifyInstance } from 'fastify';

// No inline scripts, no third-party origins: the web app is built into same-origin files.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Adds the security headers to every response (API, pages and assets alike). Intake routes
 * (monitoring tools posting alerts, never a browser) get only nosniff: the browser policies
 * mean nothing to them and cost time on the busiest path.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { hsts: boolean }): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (request.routeOptions.config.access?.kind === 'integration-key') {
      done(null, payload);
      return;
    }
    reply.header('content-security-policy', contentSecurityPolicy);
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (options.hsts)
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    done(null, payload);
  });
}
