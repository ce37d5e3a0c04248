// Alert-storm benchmark: the whole pipeline, from intake to "notification due".
//
//   node bench/storm.ts [--engine sqlite|postgres] [--seconds 30] [--rate 5000] [--connections 32]
//
// Twenty services, 1,000 distinct alerts (50 each). The upstream "core-db" fails first; five
// services depend on it. Then single PagerDuty events for the other 950 alerts arrive at
// --rate events/s for --seconds (re-sent over and over, as monitoring tools do during an
// outage). Steady runs pinned to core 1, the load generator to core 0. Prints intake and
// pipeline events/s, pipeline lag (p50/p99/max, sampled every 250 ms), incidents and
// notifications due (and how many per incident), and peak RSS.
//
// What the default rules imply: core-db 1 incident; its 5 dependents none (their alerts are
// symptoms of core-db's); the 14 others 2 each (two alert classes) → 29 incidents and one
// notification due per incident.
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openStore } from '../src/db/store.ts';
import {
  api,
  benchDatabase,
  fmt,
  log,
  memory,
  metric,
  ownerSession,
  runLoad,
  startSteady,
  work,
  type Session,
} from './harness.ts';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'sqlite' },
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '5000' },
    connections: { type: 'string', default: '32' },
  },
});
const seconds = Number(args.seconds);
const rate = Number(args.rate);
const connections = Number(args.connections);
const services = 20;
const alertsPerService = 50;
const dependents = 5;

interface Service {
  name: string;
  id: string;
  key: string;
}

function event(service: Service, i: number, upstream: boolean): string {
  return JSON.stringify({
    routing_key: service.key,
    event_action: 'trigger',
    dedup_key: `${service.name}-${i}`,
    payload: {
      summary: `${service.name}: ${upstream ? 'database unreachable' : 'errors'} on instance ${i}`,
      source: `${service.name}-${i}.internal`,
      severity: upstream ? 'critical' : 'error',
      class: upstream ? 'DatabaseDown' : i % 2 === 0 ? 'HighErrorRate' : 'HighLatency',
    },
  });
}

async function setUp(base: string, session: Session): Promise<Service[]> {
  const all: Service[] = [];
  for (let i = 0; i < services; i++) {
    const name = i === 0 ? 'core-db' : `svc-${String(i).padStart(2, '0')}`;
    const service = await api(base, 'POST', '/api/services', { name }, session);
    const integration = await api(
      base,
      'POST',
      '/api/integrations',
      { serviceId: service.id, type: 'pagerduty', rateLimitPerMinute: 100_000_000 },
      session,
    );
    all.push({ name, id: service.id as string, key: integration.key as string });
  }
  const [upstream] = all as [Service];
  for (const dependent of all.slice(1, 1 + dependents))
    await api(
      base,
      'PUT',
      `/api/services/${dependent.id}/dependencies`,
      { dependsOn: [upstream.id] },
      session,
    );
  return all;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { databaseUrl, drop } = await benchDatabase(args.engine);
const { child, url } = await startSteady(databaseUrl);
const pid = child.pid ?? 0;
const store = openStore({ databaseUrl, timeoutMs: 10_000, poolMax: 2 });
try {
  const session = await ownerSession(url);
  const all = await setUp(url, session);
  const [upstream] = all as [Service];

  // The upstream fails first.
  for (let i = 0; i < alertsPerService; i++) {
    const response = await fetch(`${url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: event(upstream, i, true),
    });
    if (response.status !== 202) throw new Error(`upstream event: ${response.status}`);
  }
  await sleep(1000);

  const bodies = all
    .slice(1)
    .flatMap((s) => Array.from({ length: alertsPerService }, (_, i) => event(s, i, false)));
  const lagSeconds: number[] = [];
  const lagEvents: number[] = [];
  let peakRss = memory(pid).rssMb;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      lagSeconds.push(await metric(url, 'steady_pipeline_lag_seconds'));
      lagEvents.push(await metric(url, 'steady_pipeline_lag_events'));
      peakRss = Math.max(peakRss, memory(pid).rssMb);
      await sleep(250);
    }
  })();

  log(`storm: ${fmt(rate)} events/s for ${seconds} s over ${fmt(bodies.length)} alerts`);
  const processedBefore = await metric(url, 'steady_pipeline_events_total');
  const started = performance.now();
  const load = await runLoad(`${url}/v2/enqueue`, bodies, seconds, connections, rate);
  const stormSeconds = (performance.now() - started) / 1000;
  while ((await metric(url, 'steady_pipeline_lag_events')) > 0) await sleep(100);
  const drainedSeconds = (performance.now() - started) / 1000;
  const processed = (await metric(url, 'steady_pipeline_events_total')) - processedBefore;
  sampling = false;
  await sampler;

  // Batching: the first notification of each incident is due group_wait (30 s) after it opened.
  log('waiting for the batching windows to close');
  const count = async (table: 'incidents' | 'incidentNotifications' | 'alerts' | 'alertEvents') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const deadline = performance.now() + 60_000;
  let stable = 0;
  let last = -1;
  while (performance.now() < deadline && stable < 8) {
    await sleep(500);
    const now = await count('incidentNotifications');
    const incidents = await count('incidents');
    stable = now === last && now >= incidents ? stable + 1 : 0;
    last = now;
  }
  peakRss = Math.max(peakRss, memory(pid).rssMb);
  const incidents = await count('incidents');
  const notifications = await count('incidentNotifications');

  console.log(
    `\nSteady alert storm on ${args.engine} (${seconds} s at ${fmt(rate)} events/s target, ${connections} connections)\n`,
  );
  console.log(
    `events accepted:          ${fmt(load.ok)} (${fmt(load.ok / load.seconds)}/s), ${load.failed} refused; p50 ${load.p50} ms, p99 ${load.p99} ms`,
  );
  console.log(
    `pipeline:                 ${fmt(processed)} events in ${drainedSeconds.toFixed(1)} s → ${fmt(processed / drainedSeconds)} events/s (caught up ${(drainedSeconds - stormSeconds).toFixed(1)} s after the storm)`,
  );
  console.log(
    `pipeline lag:             p50 ${percentile(lagSeconds, 50).toFixed(2)} s, p99 ${percentile(lagSeconds, 99).toFixed(2)} s, max ${Math.max(0, ...lagSeconds).toFixed(2)} s (${fmt(Math.max(0, ...lagEvents))} events at most)`,
  );
  console.log(
    `alerts / events stored:   ${fmt(await count('alerts'))} / ${fmt(await count('alertEvents'))}`,
  );
  console.log(`incidents:                ${incidents} (the rules imply 29)`);
  console.log(
    `notifications due:        ${notifications} → ${(notifications / Math.max(1, incidents)).toFixed(2)} per incident`,
  );
  console.log(`peak RSS:                 ${peakRss} MB (target: under 300 MB)`);
} finally {
  await store.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await drop();
  rmSync(work, { recursive: true, force: true });
}
