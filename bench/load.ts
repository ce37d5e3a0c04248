// The load generator of the ingest benchmark, run as its own process (pinned to its own core
// by the orchestrator). It cycles through the given bodies over `connections` keep-alive
// connections for `seconds` (optionally at a fixed overall rate) and prints one JSON line.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

interface Result {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<Result>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const [url, bodiesFile, seconds, connections, rate] = process.argv.slice(2);
if (url === undefined || bodiesFile === undefined)
  throw new Error('usage: load.ts <url> <bodies.json> <seconds> <connections> [rate]');
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8')) as string[];
let next = 0;
const result = await autocannon({
  url,
  method: 'POST',
  connections: Number(connections ?? 64),
  duration: Number(seconds ?? 10),
  ...(rate === undefined ? {} : { overallRate: Number(rate) }),
  headers: { 'content-type': 'application/json' },
  requests: [
    {
      setupRequest: (request: Record<string, unknown>) => {
        request.body = bodies[next++ % bodies.length];
        return request;
      },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({ ok: result['2xx'], failed: result.non2xx + result.errors + result.timeouts, seconds: result.duration, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max })}\n`,
);
