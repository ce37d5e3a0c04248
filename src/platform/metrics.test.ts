import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from './metrics.ts';

describe('MetricsRegistry', () => {
  it('renders counters, gauges and cumulative histograms in the Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('things_total', 'Things.');
    counter.inc({ kind: 'a' });
    counter.inc({ kind: 'a' }, 2);
    counter.inc({ kind: 'quote"and\\slash' });
    registry.gauge('temperature', 'Heat.', () => 21.5);
    const histogram = registry.histogram('wait_seconds', 'Waits.', [0.1, 1]);
    histogram.observe({ op: 'x' }, 0.05);
    histogram.observe({ op: 'x' }, 0.5);
    histogram.observe({ op: 'x' }, 5);
    registry.collect(() => Promise.resolve('# TYPE extra gauge\nextra 1'));
    const text = await registry.render();
    assert.match(text, /^# TYPE things_total counter$/m);
    assert.match(text, /^things_total\{kind="a"\} 3$/m);
    assert.match(text, /^things_total\{kind="quote\\"and\\\\slash"\} 1$/m);
    assert.match(text, /^temperature 21\.5$/m);
    assert.match(text, /^wait_seconds_bucket\{op="x",le="0\.1"\} 1$/m);
    assert.match(text, /^wait_seconds_bucket\{op="x",le="1"\} 2$/m);
    assert.match(text, /^wait_seconds_bucket\{op="x",le="\+Inf"\} 3$/m);
    assert.match(text, /^wait_seconds_count\{op="x"\} 3$/m);
    assert.match(text, /^extra 1$/m);
    assert.ok(text.endsWith('\n'));
  });

  it('leaves out a collector that fails instead of failing the scrape', async () => {
    const registry = new MetricsRegistry();
    registry.gauge('up', 'Up.', () => 1);
    registry.collect(() => Promise.reject(new Error('database down')));
    assert.match(await registry.render(), /^up 1$/m);
  });
});
