import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';

type Labels = Record<string, string>;

const keyMemo = new WeakMap<Labels, string>();

function labelKey(labels: Labels): string {
  const memo = keyMemo.get(labels);
  if (memo !== undefined) return memo;
  const key = computeLabelKey(labels);
  keyMemo.set(labels, key);
  return key;
}

function computeLabelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map(
      (k) =>
        `${k}="${(labels[k] ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');
}

interface Metric {
  render(): string;
}

/** A monotonically increasing count per label set. */
export class Counter implements Metric {
  readonly #name: string;
  readonly #help: string;
  readonly #values = new Map<string, number>();
  constructor(name: string, help: string) {
    this.#name = name;
    this.#help = help;
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }
  /** The current value for a label set (tests and self-checks). */
  get(labels: Labels = {}): number {
    return this.#values.get(labelKey(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.#name} ${this.#help}`, `# TYPE ${this.#name} counter`];
    for (const [key, value] of this.#values)
      lines.push(`${this.#name}${key === '' ? '' : `{${key}}`} ${value}`);
    return lines.join('\n');
  }
}

/** A value read when /metrics is scraped. */
export class Gauge implements Metric {
  readonly #name: string;
  readonly #help: string;
  readonly #read: () => number | { labels: Labels; value: number }[];
  constructor(
    name: string,
    help: string,
    read: () => number | { labels: Labels; value: number }[],
  ) {
    this.#name = name;
    this.#help = help;
    this.#read = read;
  }
  render(): string {
    const lines = [`# HELP ${this.#name} ${this.#help}`, `# TYPE ${this.#name} gauge`];
    const value = this.#read();
    if (typeof value === 'number') lines.push(`${this.#name} ${value}`);
    else for (const v of value) lines.push(`${this.#name}{${labelKey(v.labels)}} ${v.value}`);
    return lines.join('\n');
  }
}

/** Observations bucketed per label set (cumulative buckets, as Prometheus expects). */
export class Histogram implements Metric {
  readonly #name: string;
  readonly #help: string;
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(name: string, help: string, buckets: readonly number[]) {
    this.#name = name;
    this.#help = help;
    this.#buckets = buckets;
  }
  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { counts: this.#buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    for (let i = 0; i < this.#buckets.length; i++) {
      if (value <= (this.#buckets[i] ?? Infinity)) series.counts[i] = (series.counts[i] ?? 0) + 1;
    }
    series.sum += value;
    series.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.#name} ${this.#help}`, `# TYPE ${this.#name} histogram`];
    for (const [key, series] of this.#series) {
      const prefix = key === '' ? '' : `${key},`;
      this.#buckets.forEach((le, i) =>
        lines.push(`${this.#name}_bucket{${prefix}le="${le}"} ${series.counts[i] ?? 0}`),
      );
      lines.push(`${this.#name}_bucket{${prefix}le="+Inf"} ${series.count}`);
      lines.push(`${this.#name}_sum${key === '' ? '' : `{${key}}`} ${series.sum}`);
      lines.push(`${this.#name}_count${key === '' ? '' : `{${key}}`} ${series.count}`);
    }
    return lines.join('\n');
  }
}

/** The metrics of one Steady process, rendered in the Prometheus text format. */
export class MetricsRegistry {
  readonly #metrics: Metric[] = [];
  readonly #collectors: (() => Promise<string>)[] = [];

  /** Adds metrics that need I/O to read (e.g. job counts from the database); runs on each scrape. */
  collect(collector: () => Promise<string>): void {
    this.#collectors.push(collector);
  }

  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }
  gauge(
    name: string,
    help: string,
    read: () => number | { labels: Labels; value: number }[],
  ): Gauge {
    return this.#add(new Gauge(name, help, read));
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }
  async render(): Promise<string> {
    const collected = await Promise.all(this.#collectors.map((c) => c().catch(() => '')));
    return `${[...this.#metrics.map((m) => m.render()), ...collected.filter((c) => c !== '')].join('\n')}\n`;
  }
  #add<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }
}

export const latencyBuckets = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** Registers process metrics (memory, CPU, event-loop delay) on `registry`. */
export function registerProcessMetrics(registry: MetricsRegistry): () => void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () =>
    process.memoryUsage.rss(),
  );
  registry.gauge(
    'nodejs_heap_used_bytes',
    'V8 heap in use, in bytes.',
    () => process.memoryUsage().heapUsed,
  );
  registry.gauge(
    'nodejs_heap_total_bytes',
    'V8 heap reserved, in bytes.',
    () => process.memoryUsage().heapTotal,
  );
  registry.gauge(
    'nodejs_external_memory_bytes',
    'Memory of C++ objects bound to JavaScript (buffers, SQLite statements), in bytes.',
    () => process.memoryUsage().external,
  );
  registry.gauge('process_cpu_seconds_total', 'User and system CPU time spent, in seconds.', () => {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1e6;
  });
  registry.gauge(
    'process_start_time_seconds',
    'Start time of the process since the Unix epoch, in seconds.',
    () => startSeconds,
  );
  registry.gauge(
    'nodejs_eventloop_delay_p99_seconds',
    'p99 event-loop delay since the last scrape, in seconds.',
    () => {
      const p99 = loop.percentile(99) / 1e9;
      loop.reset();
      return p99;
    },
  );
  return () => loop.disable();
}

/** Counts HTTP requests and their durations per route pattern (never the raw URL). */
export class HttpMetrics {
  readonly #requests: Counter;
  readonly #durations: Histogram;
  // Label objects per (method, route, status), made once: building them per request shows up
  // in profiles of the intake path.
  readonly #labels = new Map<string, { request: Labels; duration: Labels }>();

  constructor(registry: MetricsRegistry) {
    this.#requests = registry.counter(
      'http_requests_total',
      'HTTP requests answered, by method, route and status.',
    );
    this.#durations = registry.histogram(
      'http_request_duration_seconds',
      'Time to answer HTTP requests, in seconds.',
      latencyBuckets,
    );
  }

  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let entry = this.#labels.get(key);
    if (entry === undefined) {
      entry = {
        request: { method, route, status: String(status) },
        duration: { method, route },
      };
      this.#labels.set(key, entry);
    }
    this.#requests.inc(entry.request);
    this.#durations.observe(entry.duration, seconds);
  }
}

/** Records every request the framework answers in the HTTP metrics. */
export function registerHttpMetrics(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    metrics.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
