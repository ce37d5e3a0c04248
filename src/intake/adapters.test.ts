import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAlertmanagerWebhook } from './alertmanager.ts';
import type { NormalizedEvent, ParseContext, ParseOutcome } from './event.ts';
import { cleanText, normalizeSeverity, parseTimestamp, truncationMarker } from './fields.ts';
import { parseGenericEvents } from './generic.ts';
import { parseGrafanaWebhook } from './grafana.ts';
import { parsePagerDutyEvent } from './pagerduty.ts';
import { labelFingerprint } from './prometheus-alerts.ts';
import { parseSentryWebhook } from './sentry.ts';

const payloads = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/payloads',
);
const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(payloads, name), 'utf8')) as Record<string, unknown>;
const receivedAt = Date.UTC(2026, 8, 14, 2, 10);
const context: ParseContext = { receivedAt, newDedupKey: () => 'generated-key' };

function events(outcome: ParseOutcome): NormalizedEvent[] {
  if (!outcome.ok) assert.fail(`expected events, got ${JSON.stringify(outcome.rejection)}`);
  return outcome.events;
}

function rejected(outcome: ParseOutcome, field: string): void {
  if (outcome.ok) assert.fail('expected a rejection');
  assert.equal(outcome.rejection.status, 400);
  assert.equal(outcome.rejection.field, field);
  assert.ok(outcome.rejection.message.length > 10);
}

describe('PagerDuty Events API v2', () => {
  it('maps the sample trigger', () => {
    const [event] = events(
      parsePagerDutyEvent(sample('pagerduty-events-v2-enqueue.json'), context),
    );
    assert.ok(event);
    assert.equal(event.action, 'trigger');
    assert.equal(event.dedupKey, 'prod/checkout-api/HighErrorRate');
    assert.equal(event.summary, '[prod] checkout-api 5xx ratio 7.3% (> 5% for 5m)');
    assert.equal(event.severity, 'critical');
    assert.equal(event.source, 'checkout-api.prod.example.com');
    assert.equal(event.component, 'checkout-api');
    assert.equal(event.group, 'payments');
    assert.equal(event.class, 'http_error_rate');
    assert.equal(event.occurredAt, Date.parse('2026-09-14T02:03:41.512Z'));
    assert.deepEqual(event.labels, {
      source: 'checkout-api.prod.example.com',
      component: 'checkout-api',
      group: 'payments',
      class: 'http_error_rate',
      client: 'Prometheus Alertmanager',
    });
    assert.equal((event.details as { error_ratio: number }).error_ratio, 0.073);
    assert.deepEqual(event.links, [
      { href: 'https://runbooks.example.com/checkout-api/high-error-rate', text: 'Runbook' },
      { href: 'https://alertmanager.example.com', text: 'View in Prometheus Alertmanager' },
    ]);
    assert.equal(event.images[0]?.alt, 'checkout-api 5xx ratio');
  });

  it('generates a dedup key for a trigger without one', () => {
    const [event] = events(
      parsePagerDutyEvent(
        { event_action: 'trigger', payload: { summary: 'x', source: 's', severity: 'info' } },
        context,
      ),
    );
    assert.equal(event?.dedupKey, 'generated-key');
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['no event_action', { payload: { summary: 'x' } }, 'event_action'],
    [
      'an unknown event_action',
      { event_action: 'explode', payload: { summary: 'x' } },
      'event_action',
    ],
    ['a trigger without payload', { event_action: 'trigger' }, 'payload'],
    ['a blank summary', { event_action: 'trigger', payload: { summary: '  ' } }, 'payload.summary'],
    ['a resolve without dedup_key', { event_action: 'resolve' }, 'dedup_key'],
    ['an acknowledge without dedup_key', { event_action: 'acknowledge' }, 'dedup_key'],
    ['a numeric dedup_key', { event_action: 'resolve', dedup_key: 12 }, 'dedup_key'],
    [
      'a 256-character dedup_key',
      { event_action: 'resolve', dedup_key: 'k'.repeat(256) },
      'dedup_key',
    ],
  ];
  for (const [name, body, field] of invalid) {
    it(`refuses ${name}, naming ${field}`, () =>
      rejected(parsePagerDutyEvent(body, context), field));
  }

  it('accepts acknowledge and resolve with a dedup key and no payload', () => {
    for (const action of ['acknowledge', 'resolve']) {
      const [event] = events(
        parsePagerDutyEvent({ event_action: action, dedup_key: 'abc' }, context),
      );
      assert.equal(event?.action, action);
      assert.equal(event.dedupKey, 'abc');
    }
  });

  it('truncates a long summary with a marker, strips CR/LF from dedup keys and cleans NUL and lone surrogates', () => {
    const [event] = events(
      parsePagerDutyEvent(
        {
          event_action: 'trigger',
          dedup_key: 'a\r\nb',
          payload: {
            summary: `bad\u0000byte \ud800 ${'x'.repeat(2000)}`,
            source: 's\u0000',
            severity: 'loud',
          },
        },
        context,
      ),
    );
    assert.ok(event);
    assert.equal(event.summary.length, 1024);
    assert.ok(event.summary.endsWith(truncationMarker));
    assert.ok(event.summary.startsWith('bad\uFFFDbyte \uFFFD '));
    assert.equal(event.dedupKey, 'a b');
    assert.equal(event.source, 's\uFFFD');
    assert.equal(event.severity, 'error', 'an unknown severity gets the default');
  });

  it('keeps hostile text as data (it is escaped when shown, never evaluated)', () => {
    const summary = `<img src=x onerror=alert(1)> {{7*7}} \${process.exit()} ' OR 1=1--`;
    const [event] = events(
      parsePagerDutyEvent(
        {
          event_action: 'trigger',
          payload: { summary, source: 's', severity: 'info' },
          links: [{ href: 'javascript:alert(1)', text: 'x' }],
        },
        context,
      ),
    );
    assert.equal(event?.summary, summary);
    assert.equal(event.links[0]?.href, 'javascript:alert(1)');
  });
});

describe('Alertmanager webhook v4', () => {
  it('turns every alert of the sample into a trigger keyed by its fingerprint', () => {
    const list = events(parseAlertmanagerWebhook(sample('alertmanager-webhook-v4.json'), context));
    assert.equal(list.length, 2);
    const [first] = list;
    assert.ok(first);
    assert.equal(first.action, 'trigger');
    assert.equal(first.dedupKey, '5c2f3e1a9b7d4c10');
    assert.equal(first.summary, 'checkout-api 5xx ratio above 5% for 5m');
    assert.equal(first.severity, 'critical');
    assert.equal(first.class, 'HighErrorRate');
    assert.equal(first.source, 'checkout-api-7d9f8c6b5-2xkqz:8080');
    assert.equal(first.labels.instance, 'checkout-api-7d9f8c6b5-2xkqz:8080');
    assert.equal(first.occurredAt, Date.parse('2026-09-14T02:03:41.512Z'));
    assert.deepEqual(
      first.links.map((l) => l.text),
      ['Source', 'Runbook', 'Alert manager'],
    );
    assert.equal(list[1]?.dedupKey, 'a81e0c44d2f96b37');
  });

  it('resolves resolved alerts', () => {
    const body = sample('alertmanager-webhook-v4.json');
    const alerts = body.alerts as Record<string, unknown>[];
    alerts[0] = { ...alerts[0], status: 'resolved', endsAt: '2026-09-14T02:09:00Z' };
    const [first] = events(parseAlertmanagerWebhook(body, context));
    assert.equal(first?.action, 'resolve');
    assert.equal(first.occurredAt, Date.parse('2026-09-14T02:09:00Z'));
  });

  it('hashes the sorted labels when there is no fingerprint, whatever their order', () => {
    const a = events(
      parseAlertmanagerWebhook(
        { version: '4', alerts: [{ status: 'firing', labels: { b: '2', a: '1' } }] },
        context,
      ),
    );
    const b = events(
      parseAlertmanagerWebhook(
        { version: '4', alerts: [{ status: 'firing', labels: { a: '1', b: '2' } }] },
        context,
      ),
    );
    assert.equal(a[0]?.dedupKey, b[0]?.dedupKey);
    assert.equal(a[0]?.dedupKey, labelFingerprint({ a: '1', b: '2' }));
    assert.notEqual(
      a[0].dedupKey,
      labelFingerprint({ a: '1', b: '3' }),
      'different alerts never share a key',
    );
    assert.equal(a[0].summary, 'Alert');
  });

  it('refuses other versions, missing alerts, bad statuses and more than 1,000 labels', () => {
    rejected(parseAlertmanagerWebhook({ version: '3', alerts: [] }, context), 'version');
    rejected(parseAlertmanagerWebhook({ version: '4' }, context), 'alerts');
    rejected(
      parseAlertmanagerWebhook(
        { version: '4', alerts: [{ status: 'burning', labels: {} }] },
        context,
      ),
      'alerts[0].status',
    );
    rejected(parseAlertmanagerWebhook({ version: '4', alerts: [42] }, context), 'alerts[0]');
    rejected(
      parseAlertmanagerWebhook(
        { version: '4', alerts: [{ status: 'firing', labels: 'x' }] },
        context,
      ),
      'alerts[0].labels',
    );
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`l${i}`, 'v']));
    rejected(
      parseAlertmanagerWebhook(
        { version: '4', alerts: [{ status: 'firing', labels: many }] },
        context,
      ),
      'alerts[0].labels',
    );
    const half = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`l${i}`, 'v']));
    rejected(
      parseAlertmanagerWebhook(
        {
          version: '4',
          alerts: [
            { status: 'firing', labels: half },
            { status: 'firing', labels: half },
          ],
        },
        context,
      ),
      'alerts[1].labels',
    );
  });

  it('treats a label named like an Object property as just a label', () => {
    const [event] = events(
      parseAlertmanagerWebhook(
        {
          version: '4',
          alerts: [
            { status: 'firing', labels: { constructor: 'x', toString: 'y', hasOwnProperty: 'z' } },
          ],
        },
        context,
      ),
    );
    assert.deepEqual(event?.labels, { constructor: 'x', toString: 'y', hasOwnProperty: 'z' });
    assert.equal(event.summary, 'Alert');
  });
});

describe('Grafana alerting webhook', () => {
  it('maps the sample with dashboard, panel and silence links and the values', () => {
    const [event] = events(parseGrafanaWebhook(sample('grafana-alerting-webhook.json'), context));
    assert.ok(event);
    assert.equal(event.dedupKey, '3f0b6a7c91d2e485');
    assert.equal(event.summary, 'Disk usage on db-1 is above 85%');
    assert.equal(event.severity, 'warning');
    assert.equal(event.source, 'db-1.example.internal');
    assert.deepEqual(
      event.links.map((l) => l.text),
      ['Source', 'Runbook', 'Silence in Grafana', 'Alert manager'],
    );
    assert.deepEqual((event.details as { values: unknown }).values, { A: 88.41, C: 1 });
  });
});

describe('Sentry webhook', () => {
  it('maps the issue-alert sample to a trigger keyed by issue', () => {
    const [event] = events(
      parseSentryWebhook(sample('sentry-issue-alert-webhook.json'), 'event_alert', context),
    );
    assert.ok(event);
    assert.equal(event.action, 'trigger');
    assert.equal(event.dedupKey, 'issue:4512873390');
    assert.equal(event.summary, "TypeError: Cannot read properties of undefined (reading 'total')");
    assert.equal(event.severity, 'error');
    assert.equal(event.source, 'production');
    assert.equal(event.labels.browser, 'Chrome 128.0.0');
    assert.equal(event.labels.rule, 'Checkout errors -> incident platform');
    assert.equal(event.links[0]?.text, 'Sentry event');
  });

  it('infers the resource from the body when the header is missing', () => {
    assert.equal(
      events(parseSentryWebhook(sample('sentry-issue-alert-webhook.json'), undefined, context))
        .length,
      1,
    );
  });

  it('follows issue state and metric alerts, and ignores other resources', () => {
    const issue = (action: string) =>
      parseSentryWebhook(
        {
          action,
          data: { issue: { id: '77', title: 'Boom', level: 'fatal', web_url: 'https://s/77' } },
        },
        'issue',
        context,
      );
    assert.equal(events(issue('created'))[0]?.action, 'trigger');
    assert.equal(events(issue('created'))[0]?.severity, 'critical');
    assert.equal(events(issue('resolved'))[0]?.action, 'resolve');
    assert.equal(events(issue('ignored'))[0]?.action, 'acknowledge');
    assert.deepEqual(events(issue('assigned')), []);
    const metric = (action: string) =>
      parseSentryWebhook(
        {
          action,
          data: {
            metric_alert: { id: 9, alert_rule: { name: 'p95 latency' } },
            description_title: 'Latency high',
          },
        },
        'metric_alert',
        context,
      );
    assert.deepEqual(
      events(metric('critical')).map((e) => [e.action, e.severity, e.dedupKey]),
      [['trigger', 'critical', 'metric_alert:9']],
    );
    assert.equal(events(metric('resolved'))[0]?.action, 'resolve');
    assert.deepEqual(
      events(
        parseSentryWebhook(
          { action: 'created', data: { installation: {} } },
          'installation',
          context,
        ),
      ),
      [],
    );
    rejected(
      parseSentryWebhook(
        { action: 'triggered', data: { event: { title: 'x' } } },
        'event_alert',
        context,
      ),
      'data.event.issue_id',
    );
    rejected(parseSentryWebhook({ action: 'triggered' }, 'event_alert', context), 'data');
  });
});

describe('generic JSON', () => {
  it('accepts one event or a list, with status words from other tools', () => {
    const [one] = events(
      parseGenericEvents(
        {
          summary: 'Disk full',
          severity: 'warning',
          dedup_key: 'disk',
          source: 'db-1',
          labels: { env: 'prod' },
          links: [{ href: 'https://x', text: 'x' }],
        },
        context,
      ),
    );
    assert.deepEqual(
      [one?.action, one?.summary, one?.severity, one?.dedupKey, one?.labels.env],
      ['trigger', 'Disk full', 'warning', 'disk', 'prod'],
    );
    const list = events(
      parseGenericEvents(
        [
          { summary: 'a', dedup_key: 'a', status: 'firing' },
          { dedup_key: 'a', status: 'resolved' },
          { dedup_key: 'b', status: 'acknowledge' },
        ],
        context,
      ),
    );
    assert.deepEqual(
      list.map((e) => e.action),
      ['trigger', 'resolve', 'acknowledge'],
    );
  });

  it('refuses unknown fields, bad statuses, missing summaries and empty lists, naming the field', () => {
    rejected(parseGenericEvents({ summary: 'x', sevrity: 'critical' }, context), 'sevrity');
    rejected(
      parseGenericEvents([{ summary: 'x' }, { summary: 'y', bogus: 1 }], context),
      '[1].bogus',
    );
    rejected(parseGenericEvents({ summary: 'x', status: 'exploded' }, context), 'status');
    rejected(parseGenericEvents({ severity: 'critical' }, context), 'summary');
    rejected(parseGenericEvents({ status: 'resolve' }, context), 'dedup_key');
    rejected(parseGenericEvents([], context), 'body');
    rejected(parseGenericEvents('hello', context), 'body');
    rejected(parseGenericEvents({ summary: 'x', links: 'https://x' }, context), 'links');
    // A severity Steady cannot read was stored as "error" without a word; now it is refused.
    rejected(parseGenericEvents({ summary: 'x', severity: 'bogus' }, context), 'severity');
    rejected(parseGenericEvents({ summary: 'x', severity: 3 }, context), 'severity');
    const refusal = parseGenericEvents({ summary: 'x', severity: 'urgent!' }, context);
    assert.match(
      refusal.ok ? '' : refusal.rejection.message,
      /must be critical, error, warning or info .* not "urgent!"/,
    );
  });

  it('maps documented severity synonyms, priority levels included', () => {
    const table: [string, string][] = [
      ['P1', 'critical'],
      ['sev2', 'error'],
      ['P3', 'warning'],
      ['p5', 'info'],
      ['warn', 'warning'],
    ];
    for (const [severity, level] of table) {
      const [event] = events(parseGenericEvents({ summary: 'x', severity }, context));
      assert.equal(event?.severity, level, severity);
    }
  });
});

describe('field helpers', () => {
  it('maps severity words from many tools onto four levels', () => {
    const table: [unknown, string][] = [
      ['CRITICAL', 'critical'],
      ['fatal', 'critical'],
      ['page', 'critical'],
      ['high', 'error'],
      ['warn', 'warning'],
      ['minor', 'warning'],
      ['low', 'info'],
      ['debug', 'info'],
      ['bogus', 'error'],
      [7, 'error'],
      [undefined, 'error'],
    ];
    for (const [input, expected] of table)
      assert.equal(normalizeSeverity(input), expected, String(input));
  });

  it('reads timestamps as ISO text or epoch seconds/milliseconds and clamps them', () => {
    assert.equal(
      parseTimestamp('2026-09-14T02:03:41Z', receivedAt),
      Date.parse('2026-09-14T02:03:41Z'),
    );
    assert.equal(parseTimestamp(1789351517, receivedAt), 1789351517000);
    assert.equal(parseTimestamp(1789351517402, receivedAt), 1789351517402);
    assert.equal(parseTimestamp('9999-01-01T00:00:00Z', receivedAt), receivedAt + 86_400_000);
    assert.equal(parseTimestamp('1970-01-02T00:00:00Z', receivedAt), receivedAt - 365 * 86_400_000);
    assert.equal(parseTimestamp('0001-01-01T00:00:00Z', receivedAt), null);
    assert.equal(parseTimestamp('yesterday', receivedAt), null);
    assert.equal(parseTimestamp(Number.NaN, receivedAt), null);
  });

  it('never splits a surrogate pair into invalid text when truncating', () => {
    const text = cleanText(`${'a'.repeat(10)}🚒🚒🚒`, 12 + truncationMarker.length);
    assert.equal(text.isWellFormed(), true);
  });
});
