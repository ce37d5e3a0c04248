import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/** An open server-sent-events stream. */
export interface EventStream {
  send(event: string, data: unknown): void;
  readonly closed: boolean;
}

let open = 0;
const maxStreams = 1000;
const keepAliveMs = 15_000;

/**
 * Turns a request into a text/event-stream. Bounded: beyond `maxStreams` open streams per
 * process the request is refused with 503. A comment every 15 s keeps proxies from closing an
 * idle stream; `onClose` runs once when the client goes away.
 */
export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  onClose: () => void,
): EventStream {
  if (open >= maxStreams)
    throw new AppError('unavailable', 'Too many live views are open; reload later.', {
      headers: { 'retry-after': '30' },
    });
  open++;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
    'x-request-id': request.id,
  });
  raw.write('retry: 5000\n\n');
  let closed = false;
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), keepAliveMs);
  keepAlive.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    open--;
    clearInterval(keepAlive);
    onClose();
  };
  request.raw.on('close', close);
  raw.on('close', close);
  return {
    send(event, data) {
      if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    get closed() {
      return closed;
    },
  };
}
