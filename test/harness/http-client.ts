import type { FastifyInstance, HTTPMethods } from 'fastify';
import inject from 'light-my-request';

/** An answer, with the JSON body parsed when there is one. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  /** The body as bytes (compressed bodies stay compressed). */
  body: Buffer;
  // Tests assert on arbitrary shapes; `any` keeps them readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

interface RequestOptions {
  headers?: Record<string, string>;
  /** A raw body sent as is (for malformed-input tests). */
  raw?: string | Buffer;
}

/**
 * Talks to an app through the server's handler (no port) like a browser would: keeps the session cookie, sends the
 * CSRF token on state-changing requests, or a Bearer token when one is set.
 */
export class HttpClient {
  readonly #app: FastifyInstance;
  cookie: string | null = null;
  csrfToken: string | null = null;
  bearer: string | null = null;

  constructor(app: FastifyInstance) {
    this.#app = app;
  }

  get(url: string, options: RequestOptions = {}): Promise<TestResponse> {
    return this.request('GET', url, undefined, options);
  }
  post(url: string, body?: unknown, options: RequestOptions = {}): Promise<TestResponse> {
    return this.request('POST', url, body, options);
  }
  patch(url: string, body?: unknown, options: RequestOptions = {}): Promise<TestResponse> {
    return this.request('PATCH', url, body, options);
  }
  put(url: string, body?: unknown, options: RequestOptions = {}): Promise<TestResponse> {
    return this.request('PUT', url, body, options);
  }
  delete(url: string, options: RequestOptions = {}): Promise<TestResponse> {
    return this.request('DELETE', url, undefined, options);
  }

  async request(
    method: HTTPMethods,
    url: string,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<TestResponse> {
    const headers: Record<string, string> = {};
    if (this.bearer !== null) headers.authorization = `Bearer ${this.bearer}`;
    else if (this.cookie !== null) headers.cookie = this.cookie;
    if (method !== 'GET' && this.csrfToken !== null && this.bearer === null)
      headers['x-csrf-token'] = this.csrfToken;
    let payload: string | Buffer | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    Object.assign(headers, options.headers);
    // Through the server's own handler, so intake requests take the front door as real ones do.
    const response = await inject(this.#app.steady.handle, {
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    const setCookie = response.headers['set-cookie'];
    for (const line of Array.isArray(setCookie)
      ? setCookie
      : setCookie === undefined
        ? []
        : [setCookie]) {
      const pair = line.split(';')[0] ?? '';
      this.cookie = /=$/.test(pair) || /Max-Age=0/.test(line) ? null : pair;
    }
    let json: unknown;
    try {
      json = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    const csrf = (json as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof csrf === 'string') this.csrfToken = csrf;
    return {
      status: response.statusCode,
      headers: response.headers,
      text: response.body,
      body: response.rawPayload,
      json,
    };
  }
}
