// Ingest benchmark: Steady against Prometheus Alertmanager on the same alerts.
//
//   node bench/ingest.ts [--engine sqlite|postgres] [--seconds 10] [--connections 64]
//                        [--no-alertmanager] [--million]
//
// Each server is pinned to core 1 and the load generator (bench/load.ts) to core 0. Steady
// commits every alert durably before answering; Alertmanager keeps alerts in memory. A Steady
// run counts only if every accepted alert is in the database afterwards. Steady and
// Alertmanager runs alternate (Steady, Alertmanager, Steady, …) and the ratio is the median of
// the pairs' ratios: this machine's speed drifts by a third over minutes, and runs of one
// server minutes apart from the other's would measure the drift. Prints accepted
// alerts/s for Alertmanager-format requests of 1, 10 and 100 alerts and for single PagerDuty
// events, p50/p99/max latency (a stall of a second shows in max long before it moves p99),
// the Steady ÷ Alertmanager ratio, p99 at 80% of the peak single-event rate, pipeline
// catch-up, and peak RSS (with --million: RSS right after 1,000,000 alerts, and once Steady has
// given memory back after the storm).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, type Store } from '../src/db/store.ts';
import {
  api,
  benchDatabase,
  cpuMs,
  fmt,
  hasTaskset,
  log,
  memory,
  metric,
  ownerSession,
  pinned,
  runLoad,
  slowCommits,
  startSteady,
  work,
  type LoadResult,
} from './harness.ts';
import { alertmanagerApiBodies, alertmanagerWebhooks, pagerDutyEvents } from './payloads.ts';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'sqlite' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
    'no-alertmanager': { type: 'boolean', default: false },
    million: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const runs = Number(args.runs);
const pool = 2000;

/** The run with the median throughput of several, with CPU per alert over all of them. */
function median(
  results: readonly LoadResult[],
  cpuUsPerAlert: number,
): LoadResult & { cpuUsPerAlert: number } {
  const sorted = [...results].sort((a, b) => a.ok / a.seconds - b.ok / b.seconds);
  return { ...(sorted[Math.floor(sorted.length / 2)] as LoadResult), cpuUsPerAlert };
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Alertmanager, started once and kept running beside Steady so their runs can alternate. */
interface AlertmanagerTarget {
  url: string;
  pid: number;
  /** Stops it and waits until it has exited (it writes to its storage directory until then). */
  stop(): Promise<void>;
}

async function startAlertmanager(): Promise<AlertmanagerTarget> {
  const config = path.join(work, 'alertmanager.yml');
  writeFileSync(config, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
  const port = 19_000 + Math.floor(Math.random() * 1000);
  const [command, commandArgs] = pinned(1, 'prometheus-alertmanager', [
    `--config.file=${config}`,
    `--storage.path=${path.join(work, 'am')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  const child = spawn(command, commandArgs, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`${url}/-/ready`).catch(() => null))?.ok === true) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await runLoad(`${url}/api/v2/alerts`, alertmanagerApiBodies(200, 10), 3, connections);
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function setup(
  base: string,
): Promise<{ amKey: string; pdKey: string; amId: string; pdId: string }> {
  const session = await ownerSession(base);
  const service = await api(base, 'POST', '/api/services', { name: 'bench' }, session);
  const am = await api(
    base,
    'POST',
    '/api/integrations',
    { serviceId: service.id, type: 'alertmanager', rateLimitPerMinute: 100_000_000 },
    session,
  );
  const pdi = await api(
    base,
    'POST',
    '/api/integrations',
    { serviceId: service.id, type: 'pagerduty', rateLimitPerMinute: 100_000_000 },
    session,
  );
  return {
    amKey: am.key as string,
    pdKey: pdi.key as string,
    amId: (am.integration as { id: string }).id,
    pdId: (pdi.integration as { id: string }).id,
  };
}

async function countEvents(store: Store, integrationId: string): Promise<number> {
  const row = await store.db
    .selectFrom('alertEvents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('integrationId', '=', integrationId)
    .executeTakeFirstOrThrow();
  return row.n;
}

interface Row {
  scenario: string;
  size: number;
  steady: LoadResult & { alertsPerSecond: number; verified: boolean; cpuUsPerAlert: number };
  alertmanager?: LoadResult & { alertsPerSecond: number; cpuUsPerAlert: number };
  /** Steady ÷ Alertmanager per pair of back-to-back runs. */
  ratios?: number[];
}

async function benchSteady(
  am: AlertmanagerTarget | null,
): Promise<{ rows: Row[]; extra: string[] }> {
  const { databaseUrl, drop: dropDatabase } = await benchDatabase(args.engine);

  const { child, url } = await startSteady(databaseUrl);
  log(`Steady on ${url} (${args.engine})`);
  const pid = child.pid ?? 0;
  const keys = await setup(url).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  log('owner, service and integrations created');
  const store = openStore({ databaseUrl, poolMax: 2, timeoutMs: 30_000 });
  const rows: Row[] = [];
  const extra: string[] = [];
  let expectedAm = 0;
  let expectedPd = 0;
  try {
    // Warm up the JIT and the database files; counted toward the expected totals, not the figures.
    const warm = await runLoad(
      `${url}/api/intake/alertmanager/${keys.amKey}`,
      alertmanagerWebhooks(200, 10),
      3,
      connections,
    );
    expectedAm += warm.ok * 10;
    const all: [string, number][] = [
      ['Alertmanager, 1 alert/request', 1],
      ['Alertmanager, 10 alerts/request', 10],
      ['Alertmanager, 100 alerts/request', 100],
      ['PagerDuty, 1 event/request', 1],
    ];
    // STEADY_BENCH_ONLY=<text> runs only the scenarios whose name contains it.
    if (process.env.STEADY_BENCH_ORDER === 'reverse') all.reverse();
    const scenarios = all.filter(
      ([name]) =>
        process.env.STEADY_BENCH_ONLY === undefined || name.includes(process.env.STEADY_BENCH_ONLY),
    );
    for (const [scenario, size] of scenarios) {
      const pagerDuty = scenario.startsWith('PagerDuty');
      const bodies = pagerDuty
        ? pagerDutyEvents(pool, keys.pdKey)
        : alertmanagerWebhooks(pool, size);
      log(`running ${scenario}`);
      const target = pagerDuty
        ? `${url}/v2/enqueue`
        : `${url}/api/intake/alertmanager/${keys.amKey}`;
      // Warm this path up (JIT, caches) before measuring it; counted toward the totals only.
      const warmRun = await runLoad(target, bodies, 2, connections);
      if (pagerDuty) expectedPd += warmRun.ok;
      else expectedAm += warmRun.ok * size;
      const caughtUp = async () => {
        while ((await metric(url, 'steady_pipeline_lag_events')) > 0)
          await new Promise((r) => setTimeout(r, 100));
      };
      await caughtUp();
      const compare = pagerDuty ? null : am;
      const amBodies = alertmanagerApiBodies(pool, size);
      if (compare !== null) await runLoad(`${compare.url}/api/v2/alerts`, amBodies, 2, connections);
      const steadyRuns: LoadResult[] = [];
      const amRuns: LoadResult[] = [];
      const ratios: number[] = [];
      let steadyCpu = 0;
      let amCpu = 0;
      let maxBehind = 0;
      let maxCatchUpMs = 0;
      const slowBefore = await slowCommits(url);
      for (let i = 0; i < runs; i++) {
        const before = cpuMs(pid);
        const run = await runLoad(target, bodies, seconds, connections);
        // The pipeline's catch-up after the run is Steady's work too: it counts in the CPU per
        // alert, and it is done before Alertmanager's turn so the two never share the core.
        maxBehind = Math.max(maxBehind, await metric(url, 'steady_pipeline_lag_events'));
        const drainStarted = performance.now();
        await caughtUp();
        maxCatchUpMs = Math.max(maxCatchUpMs, performance.now() - drainStarted);
        steadyCpu += cpuMs(pid) - before;
        if (pagerDuty) expectedPd += run.ok;
        else expectedAm += run.ok * size;
        steadyRuns.push(run);
        if (compare === null) continue;
        const amBefore = cpuMs(compare.pid);
        const amRun = await runLoad(`${compare.url}/api/v2/alerts`, amBodies, seconds, connections);
        amCpu += cpuMs(compare.pid) - amBefore;
        amRuns.push(amRun);
        ratios.push(run.ok / run.seconds / (amRun.ok / amRun.seconds));
      }
      const perAlert = (cpu: number, results: LoadResult[]) =>
        (cpu * 1000) /
        Math.max(
          1,
          results.reduce((n, r) => n + r.ok * size, 0),
        );
      const result = median(steadyRuns, perAlert(steadyCpu, steadyRuns));
      // Every acknowledged alert must be stored. Requests in flight when a run's time is up may
      // be stored without being counted as acknowledged, so stored ≥ acknowledged.
      const stored = pagerDuty
        ? await countEvents(store, keys.pdId)
        : await countEvents(store, keys.amId);
      const verified = stored >= (pagerDuty ? expectedPd : expectedAm);
      const amResult = amRuns.length === 0 ? null : median(amRuns, perAlert(amCpu, amRuns));
      rows.push({
        scenario,
        size,
        steady: { ...result, alertsPerSecond: (result.ok * size) / result.seconds, verified },
        ...(amResult === null
          ? {}
          : {
              alertmanager: {
                ...amResult,
                alertsPerSecond: (amResult.ok * size) / amResult.seconds,
              },
              ratios,
            }),
      });
      extra.push(
        `after a run of "${scenario}": pipeline at most ${fmt(maxBehind)} events behind, caught up within ${(maxCatchUpMs / 1000).toFixed(1)} s; intake commits over 0.25 s: ${fmt((await slowCommits(url)) - slowBefore)}`,
      );
    }
    // p99 at 80% of the peak single-event rate.
    const peak = rows.find((r) => r.scenario.startsWith('PagerDuty'))?.steady;
    if (peak !== undefined) {
      const rate = Math.round((peak.ok / peak.seconds) * 0.8);
      const slowBefore = await slowCommits(url);
      const at80 = await runLoad(
        `${url}/v2/enqueue`,
        pagerDutyEvents(pool, keys.pdKey),
        seconds,
        connections,
        rate,
      );
      expectedPd += at80.ok;
      extra.push(
        `PagerDuty events at 80% of peak (${rate}/s): p50 ${at80.p50} ms, p99 ${at80.p99} ms, max ${at80.max} ms, ${at80.failed} failed; intake commits over 0.25 s: ${fmt((await slowCommits(url)) - slowBefore)}`,
      );
    }
    if (args.million) {
      const started = performance.now();
      const million = await runLoadCount(
        `${url}/api/intake/alertmanager/${keys.amKey}`,
        alertmanagerWebhooks(pool, 100),
        10_000,
      );
      expectedAm += million * 100;
      extra.push(
        `1,000,000 alerts in requests of 100: ${((million * 100) / ((performance.now() - started) / 1000)).toFixed(0)} alerts/s; RSS after: ${memory(pid).rssMb} MB`,
      );
    }
    // Let the pipeline catch up, then check the totals once more.
    const catchUp = performance.now();
    while ((await metric(url, 'steady_pipeline_lag_events')) > 0)
      await new Promise((r) => setTimeout(r, 250));
    extra.push(
      `pipeline caught up ${((performance.now() - catchUp) / 1000).toFixed(1)} s after the last request; events processed: ${await metric(url, 'steady_pipeline_events_total')}`,
    );
    const finalAm = await countEvents(store, keys.amId);
    const finalPd = await countEvents(store, keys.pdId);
    extra.push(
      `every acknowledged alert stored: ${finalAm >= expectedAm && finalPd >= expectedPd ? 'yes' : 'NO'} (alertmanager format ${fmt(finalAm)} stored of ${fmt(expectedAm)} acknowledged, PagerDuty ${fmt(finalPd)} of ${fmt(expectedPd)})`,
    );
    const commits = await metric(url, 'steady_intake_commit_seconds_count');
    const commitSeconds = await metric(url, 'steady_intake_commit_seconds_sum');
    const batchEvents = await metric(url, 'steady_intake_batch_events_sum');
    extra.push(
      `intake commits: ${fmt(commits)}, ${(batchEvents / commits).toFixed(1)} events and ${((commitSeconds / commits) * 1000).toFixed(2)} ms each on average`,
    );
    extra.push(
      `Steady heap: used ${Math.round((await metric(url, 'nodejs_heap_used_bytes')) / 1048576)} MB of ${Math.round((await metric(url, 'nodejs_heap_total_bytes')) / 1048576)} MB, external ${Math.round((await metric(url, 'nodejs_external_memory_bytes')) / 1048576)} MB`,
    );
    // Once intake and the pipeline have been quiet for two readings, Steady gives memory back
    // (memory-trim.ts): wait up to 20 s for the next trim. The counter is absent from /metrics
    // until the first.
    const trims = async () => {
      const n = await metric(url, 'steady_memory_trims_total');
      return Number.isNaN(n) ? 0 : n;
    };
    const trimsBefore = await trims();
    const quietSince = performance.now();
    while (performance.now() - quietSince < 20_000 && (await trims()) === trimsBefore)
      await new Promise((r) => setTimeout(r, 500));
    const mem = memory(pid);
    extra.push(
      `Steady memory: RSS ${mem.rssMb} MB ${((performance.now() - quietSince) / 1000).toFixed(0)} s after the pipeline caught up (trims so far: ${await trims()}), peak ${mem.peakMb} MB`,
    );
  } finally {
    await store.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await dropDatabase();
  }
  return { rows, extra };
}

/** Sends exactly `requests` requests as fast as possible; returns how many got a 2xx. */
async function runLoadCount(url: string, bodies: string[], requests: number): Promise<number> {
  let ok = 0;
  const rounds = Math.ceil(requests / bodies.length);
  for (let i = 0; i < rounds; i++) {
    const n = Math.min(bodies.length, requests - i * bodies.length);
    const batch = bodies.slice(0, n);
    const queue = [...batch];
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let body = queue.pop(); body !== undefined; body = queue.pop()) {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          if (response.ok) ok++;
          await response.arrayBuffer();
        }
      }),
    );
  }
  return ok;
}

const alertmanager = args['no-alertmanager'] ? null : await startAlertmanager();
let result: { rows: Row[]; extra: string[] };
try {
  result = await benchSteady(alertmanager);
} finally {
  await alertmanager?.stop();
}
const { rows, extra } = result;
rmSync(work, { recursive: true, force: true, maxRetries: 5 });

console.log(
  `\nSteady ingest on ${args.engine} (median of ${runs} runs of ${seconds} s, Steady and Alertmanager alternating, ${connections} connections${hasTaskset ? ', server on core 1, load on core 0' : ', NOT pinned: taskset missing'})\n`,
);
console.log(
  [
    'scenario'.padEnd(34),
    'Steady alerts/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'CPU µs/alert',
    'stored',
    'Alertmanager alerts/s',
    'p99 ms',
    'CPU µs/alert',
    'ratio (median of pairs)',
    'pairs',
  ].join(' | '),
);
for (const row of rows) {
  const am = row.alertmanager;
  console.log(
    [
      row.scenario.padEnd(34),
      fmt(row.steady.alertsPerSecond).padStart(15),
      String(row.steady.p50).padStart(6),
      String(row.steady.p99).padStart(6),
      String(row.steady.max).padStart(6),
      row.steady.cpuUsPerAlert.toFixed(1).padStart(12),
      (row.steady.verified ? 'all' : 'LOST').padStart(6),
      (am === undefined ? '-' : fmt(am.alertsPerSecond)).padStart(21),
      (am === undefined ? '-' : String(am.p99)).padStart(6),
      (am === undefined ? '-' : am.cpuUsPerAlert.toFixed(1)).padStart(12),
      (row.ratios === undefined ? '-' : middle(row.ratios).toFixed(2)).padStart(23),
      row.ratios === undefined ? '-' : row.ratios.map((r) => r.toFixed(2)).join(' '),
    ].join(' | '),
  );
}
console.log('');
for (const line of extra) console.log(line);
