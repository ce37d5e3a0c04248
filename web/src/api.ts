import type { ErrorBody, ErrorCode, FieldProblem } from '../../src/contracts/errors.ts';

/** An error answer from the Steady API, with the stable code and the fields it names. */
export class ApiError extends Error {
  readonly code: ErrorCode | 'network_error';
  readonly status: number;
  readonly field: string | undefined;
  /** Every field at fault with its message (the one `field` when the server named one). */
  readonly fields: readonly FieldProblem[];
  constructor(
    status: number,
    code: ErrorCode | 'network_error',
    message: string,
    field?: string,
    fields?: readonly FieldProblem[],
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.fields = fields ?? (field === undefined ? [] : [{ field, message }]);
  }

  /** What is wrong with `field`, or null when nothing is. */
  messageFor(field: string): string | null {
    return this.fields.find((f) => f.field === field)?.message ?? null;
  }
}

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

/** Remembers the CSRF token of the current session; every state-changing request sends it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Calls `listener` whenever the API says the session is gone (401). */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** Calls the Steady API and returns its JSON, or throws ApiError. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'Steady is not reachable. Check your connection; retrying is safe.',
    );
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const error = (data as ErrorBody | undefined)?.error;
    if (response.status === 401 && !path.startsWith('/api/auth/login')) {
      for (const listener of unauthenticatedListeners) listener();
    }
    throw new ApiError(
      response.status,
      error?.code ?? 'internal_error',
      error?.message ?? `Request failed (${response.status}).`,
      error?.field,
      error?.fields,
    );
  }
  return data as T;
}
