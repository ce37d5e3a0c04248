import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const mainScript = path.join(repoRoot, 'src', 'main.ts');

/** A `steady serve` child process listening on a free port. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Every log line so far (JSON, parsed when possible). */
  logs: unknown[];
  /** What it wrote to standard error so far (the lines meant for people). */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node src/main.ts serve` with `env` and port 0; resolves once it logs its address. */
export function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 20_000,
  options: { openFileLimit?: number } = {},
): Promise<ServerProcess> {
  // A lower open-file limit is set by the shell that then becomes the server (exec).
  const [command, args] =
    options.openFileLimit === undefined
      ? [process.execPath, [mainScript, 'serve']]
      : [
          '/bin/sh',
          [
            '-c',
            `ulimit -n ${String(options.openFileLimit)} && exec "$0" "$1" serve`,
            process.execPath,
            mainScript,
          ],
        ];
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      STEADY_PORT: '0',
      STEADY_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: unknown[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`steady serve did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`steady serve exited with ${code} before listening:\n${stderr}`));
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      let entry: unknown = line;
      try {
        entry = JSON.parse(line);
      } catch {
        // not JSON: keep the raw line
      }
      logs.push(entry);
      const address = (entry as { address?: unknown }).address;
      if (typeof address === 'string') {
        clearTimeout(timer);
        resolve({
          url: address,
          child,
          logs,
          stderr: () => stderr,
          stop(signal: NodeJS.Signals = 'SIGTERM') {
            if (child.exitCode !== null) return Promise.resolve(child.exitCode);
            child.kill(signal);
            return exited;
          },
        });
      }
    });
  });
}

/** Runs `node src/main.ts <args>` to completion. */
export function runSteady(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [mainScript, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/**
 * On a fresh server: creates the owner account, a service named `name` and a generic
 * integration with a high rate limit; returns the integration's key.
 */
export async function createOwnerAndKey(url: string, name: string): Promise<string> {
  const owner = await fetch(`${url}/api/setup/owner`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${name}@example.com`,
      name: 'Process Test',
      password: 'kill dash nine test',
    }),
  });
  if (owner.status !== 201) throw new Error(`owner: ${owner.status} ${await owner.text()}`);
  const session = {
    cookie: (owner.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    'x-csrf-token': ((await owner.json()) as { csrfToken: string }).csrfToken,
  };
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...session },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  const service = await post('/api/services', { name });
  const integration = await post('/api/integrations', {
    serviceId: service.id,
    type: 'generic',
    rateLimitPerMinute: 1_000_000,
  });
  return integration.key as string;
}
