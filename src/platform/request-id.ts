const requestIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The caller's X-Request-Id when it is safe to echo and log (short, no spaces or markup),
 * otherwise undefined (the caller then gets a fresh id).
 */
export function requestIdFrom(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && requestIdPattern.test(header) ? header : undefined;
}
