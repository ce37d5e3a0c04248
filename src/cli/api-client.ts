import type { ErrorBody } from '../contracts/errors.ts';
import { stringOption, UsageError, type CliIo, type ParsedArgs } from './command.ts';
import { configFrom } from './command.ts';

/** Options every API command takes. */
export const apiOptions = {
  url: { type: 'string' },
  token: { type: 'string' },
} as const;

/** A failure the server reported: one line with its code and message. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
}

export interface ApiClient {
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  readonly baseUrl: string;
}

/**
 * A client for the Steady HTTP API: the server's URL from --url or the configured base URL
 * (STEADY_BASE_URL), and an API token from --token or STEADY_TOKEN when `needsToken`.
 */
export function apiClient(args: ParsedArgs, io: CliIo, needsToken: boolean): ApiClient {
  const baseUrl = (stringOption(args, 'url') ?? configFrom(args, io).baseUrl).replace(/\/$/, '');
  const token = stringOption(args, 'token') ?? io.env.STEADY_TOKEN;
  if (needsToken && (token === undefined || token === '')) {
    throw new UsageError(
      'this command needs an API token: --token <token> or STEADY_TOKEN (steady token create makes one)',
    );
  }
  return {
    baseUrl,
    async request<T>(
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      path: string,
      body?: unknown,
    ): Promise<T> {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        throw new ApiCallError(
          `cannot reach Steady at ${baseUrl} (${(error as Error).message}); is it running? set --url or STEADY_BASE_URL`,
        );
      }
      const text = await response.text();
      const data: unknown = text === '' ? undefined : JSON.parse(text);
      if (!response.ok) {
        const error = (data as Partial<ErrorBody> | undefined)?.error;
        const field = error?.field === undefined ? '' : ` (${error.field})`;
        throw new ApiCallError(
          `${response.status} ${error?.code ?? 'error'}${field}: ${error?.message ?? text.slice(0, 200)}`,
        );
      }
      return data as T;
    },
  };
}
