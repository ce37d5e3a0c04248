/**
 * The lines a person reads when Steady starts (the log itself is JSON, for machines). Pure:
 * the caller passes in what the server knows.
 */

export interface StartupFacts {
  /** Where the server listens, as the framework reports it (http://127.0.0.1:8080). */
  address: string;
  /** The configured host (STEADY_HOST). */
  host: string;
  /** The public URL links and integration URLs use (STEADY_BASE_URL or its default). */
  baseUrl: string;
  engine: 'sqlite' | 'postgres';
  /** The SQLite file, when on SQLite. */
  sqliteFile: string | null;
  /** No owner account exists yet (a new instance). */
  needsOwner: boolean;
  /** This machine's non-loopback IPv4 addresses (to suggest a base URL). */
  addresses: readonly string[];
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname) || hostname.startsWith('127.');
}

function listensEverywhere(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** What to print: one line saying where Steady is, then any warnings. */
export function startupMessage(facts: StartupFacts): { info: string[]; warnings: string[] } {
  const store = facts.engine === 'sqlite' ? `SQLite at ${facts.sqliteFile ?? '?'}` : 'PostgreSQL';
  const info = [`Steady is running at ${facts.baseUrl} (listening on ${facts.address}, ${store}).`];
  if (facts.needsOwner) info.push(`Open ${facts.baseUrl} to create the owner account.`);
  const warnings: string[] = [];
  const base = new URL(facts.baseUrl);
  if (listensEverywhere(facts.host) && isLoopbackHost(base.hostname)) {
    const port = base.port === '' ? '' : `:${base.port}`;
    const suggestion =
      facts.addresses.length === 0
        ? `http://<this machine's name or address>${port}`
        : facts.addresses.map((a) => `http://${a}${port}`).join(' or ');
    warnings.push(
      `Steady listens on every interface, but its public URL is ${facts.baseUrl}, a loopback address: ` +
        `integration URLs and links will not work from other machines. ` +
        `Set STEADY_BASE_URL to the URL others reach Steady at, e.g. ${suggestion}.`,
    );
  }
  return { info, warnings };
}
