// What the benchmarks share: a temp directory, core pinning, starting Steady as a process,
// an owner session for the API, the load generator, and readings of CPU, memory and metrics.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const work = mkdtempSync(path.join(tmpdir(), 'steady-bench-'));
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
export const pinned = (core: number, command: string, commandArgs: string[]) =>
  (hasTaskset
    ? ['taskset', ['-c', String(core), command, ...commandArgs]]
    : [command, commandArgs]) as [string, string[]];

export interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

export function runLoad(
  url: string,
  bodies: string[],
  duration: number,
  connections: number,
  rate?: number,
): Promise<LoadResult> {
  const file = path.join(work, `bodies-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(bodies));
  const [command, commandArgs] = pinned(0, process.execPath, [
    path.join(root, 'bench', 'load.ts'),
    url,
    file,
    String(duration),
    String(connections),
    ...(rate === undefined ? [] : [String(rate)]),
  ]);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      rmSync(file, { force: true });
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out.trim()) as LoadResult);
    }),
  );
}

/** CPU time (user + system) the process has used so far, in ms, including all its threads. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

export function memory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

/**
 * The Node flags and environment `npm start` gives the server, read from its script in
 * package.json (`… && NAME=value node --flag … src/main.ts serve`), so the benchmarks measure
 * the same and the two never drift apart.
 */
function startCommand(): { flags: string[]; environment: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const words = (pkg.scripts.start.split('&&').pop() ?? '').trim().split(/\s+/);
  const node = words.indexOf('node');
  const main = words.indexOf('src/main.ts');
  const assignments = words.slice(0, node);
  if (node === -1 || main < node || assignments.some((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w)))
    throw new Error('package.json: start script not understood');
  return {
    flags: words.slice(node + 1, main),
    environment: Object.fromEntries(
      assignments.map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
    ),
  };
}

export const { flags: serverNodeFlags, environment: serverEnvironment } = startCommand();

export async function startSteady(
  databaseUrl: string,
): Promise<{ child: ChildProcess; url: string }> {
  // STEADY_BENCH_PROFILE=<dir> writes a V8 CPU profile of the server (for finding hot spots).
  const profile = process.env.STEADY_BENCH_PROFILE;
  // STEADY_BENCH_NODE_FLAGS="--flag …" passes V8/Node flags to the server (memory experiments).
  const nodeArgs = [
    ...serverNodeFlags,
    ...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`]),
    ...(process.env.STEADY_BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== ''),
  ];
  const [command, commandArgs] = pinned(1, process.execPath, [
    ...nodeArgs,
    path.join(root, 'src', 'main.ts'),
    'serve',
  ]);
  const child = spawn(command, commandArgs, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      STEADY_PORT: '0',
      STEADY_DATA_DIR: work,
      STEADY_DATABASE_URL: databaseUrl,
      STEADY_LOG_LEVEL: 'info',
      STEADY_DATABASE_POOL_MAX: '10',
      ...serverEnvironment,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`steady exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const entry = JSON.parse(line) as { address?: string; msg?: string };
      // The server's own account of giving memory back (see memory-trim.ts).
      if (entry.msg?.startsWith('memory:') === true) log(`steady: ${line}`);
      const address = entry.address;
      if (address !== undefined) resolve(address);
    });
  });
  return { child, url };
}

export async function api(
  base: string,
  method: string,
  url: string,
  body: unknown,
  session: { cookie: string; csrf: string },
): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      'content-type': 'application/json',
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

export async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  // A name may carry labels (`…_bucket{le="0.25"}`): its braces and dots are literal here.
  const literal = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return Number(new RegExp(`^${literal} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
}

/**
 * Intake commits so far that took longer than 0.25 s (a disk flush that stalled: every request
 * of the batch waited for it). Read from the commit-time histogram.
 */
export async function slowCommits(base: string): Promise<number> {
  const all = await metric(base, 'steady_intake_commit_seconds_count');
  const quick = await metric(base, 'steady_intake_commit_seconds_bucket{le="0.25"}');
  return Number.isNaN(all) ? 0 : all - (Number.isNaN(quick) ? 0 : quick);
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** Creates the owner of a fresh Steady and returns their session for API calls. */
export async function ownerSession(base: string): Promise<Session> {
  const owner = await fetch(`${base}/api/setup/owner`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'bench@example.com',
      name: 'Bench',
      password: 'load test passphrase 42',
    }),
  });
  if (owner.status !== 201) throw new Error(`owner setup: ${owner.status} ${await owner.text()}`);
  return {
    cookie: (owner.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    csrf: ((await owner.json()) as { csrfToken: string }).csrfToken,
  };
}

/** A fresh database for one benchmark run: a SQLite file in the temp dir, or a PostgreSQL database. */
export async function benchDatabase(
  engine: string,
): Promise<{ databaseUrl: string; drop: () => Promise<void> }> {
  if (engine !== 'postgres')
    return { databaseUrl: `sqlite:${path.join(work, 'steady.db')}`, drop: () => Promise.resolve() };
  const admin = 'postgres://postgres@127.0.0.1:5432/test';
  const name = `steady_bench_${process.pid}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  await run(`CREATE DATABASE ${name}`);
  return {
    databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
