import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultNoiseRules } from '../../contracts/incidents.ts';
import { compileMatchers } from './matchers.ts';
import {
  flapWindow,
  groupKeyFor,
  isSelfResolved,
  planNotification,
  priorityForSeverity,
  thresholdWindow,
  upstreamPath,
  type BatchAlert,
  type GroupFacts,
} from './noise.ts';

const s = 1000;
const t0 = Date.UTC(2026, 10, 22, 2, 0, 0);
const rules = defaultNoiseRules; // group_wait 30 s, group_interval 5 min, repeat 4 h

const alert = (over: Partial<GroupFacts> = {}): GroupFacts => ({
  serviceId: 'svc',
  labels: { alertname: 'DbDown', instance: 'db-1' },
  class: null,
  source: null,
  component: null,
  severity: 'critical',
  ...over,
});

describe('grouping keys', () => {
  const cases: [string, GroupFacts, GroupFacts, readonly string[], boolean][] = [
    [
      'same class, other instance → same group',
      alert(),
      alert({ labels: { alertname: 'DbDown', instance: 'db-2' } }),
      ['class'],
      true,
    ],
    [
      'other class → other group',
      alert(),
      alert({ labels: { alertname: 'DiskFull' } }),
      ['class'],
      false,
    ],
    ['other service → other group', alert(), alert({ serviceId: 'other' }), ['class'], false],
    [
      'grouped by instance too',
      alert(),
      alert({ labels: { alertname: 'DbDown', instance: 'db-2' } }),
      ['class', 'instance'],
      false,
    ],
    [
      'PagerDuty class counts as class',
      alert({ labels: {}, class: 'DbDown' }),
      alert(),
      ['class'],
      true,
    ],
    [
      'no label keys → one group per service',
      alert(),
      alert({ labels: { alertname: 'X' } }),
      [],
      true,
    ],
    ['label order in groupBy does not matter', alert(), alert(), ['instance', 'class'], true],
  ];
  for (const [name, a, b, groupBy, same] of cases)
    it(name, () => assert.equal(groupKeyFor(a, groupBy) === groupKeyFor(b, groupBy), same));

  it('keeps label values apart that a naive join would merge', () => {
    const a = alert({ labels: { alertname: 'a,instance=b' } });
    const b = alert({ labels: { alertname: 'a', instance: 'b' } });
    assert.notEqual(groupKeyFor(a, ['class', 'instance']), groupKeyFor(b, ['class', 'instance']));
  });
});

describe('priority from severity', () => {
  for (const [severity, priority] of [
    ['critical', 'P1'],
    ['error', 'P2'],
    ['warning', 'P3'],
    ['info', 'P4'],
  ] as const)
    it(`${severity} → ${priority}`, () => assert.equal(priorityForSeverity(severity), priority));
});

describe('thresholds: N events within T (sliding)', () => {
  const rule = { count: 3, windowSeconds: 60 };
  const cases: [string, number[], number, boolean][] = [
    ['first event', [], t0, false],
    ['second event', [t0], t0 + s, false],
    ['third within the window', [t0, t0 + s], t0 + 2 * s, true],
    ['third after the first left the window', [t0, t0 + 30 * s], t0 + 61 * s, false],
    ['old events do not count', [t0 - 120 * s, t0 - 100 * s], t0, false],
  ];
  for (const [name, times, now, reached] of cases)
    it(name, () => assert.equal(thresholdWindow(times, now, rule).reached, reached));

  it('keeps at most N times (bounded)', () => {
    let times: number[] = [];
    for (let i = 0; i < 1000; i++) times = thresholdWindow(times, t0 + i, rule).times;
    assert.equal(times.length, 3);
  });
});

describe('flaps: more than K state changes within the window', () => {
  const r = { flapCount: 4, flapWindowSeconds: 600 };
  it('four changes are not a flap, the fifth is', () => {
    let changes: number[] = [];
    const verdicts = [];
    for (let i = 0; i < 5; i++) {
      const next = flapWindow(changes, t0 + i * 60 * s, r);
      changes = next.changes;
      verdicts.push(next.flapping);
    }
    assert.deepEqual(verdicts, [false, false, false, false, true]);
  });
  it('changes spread beyond the window are not a flap', () => {
    let changes: number[] = [];
    let flapping = false;
    for (let i = 0; i < 10; i++) ({ changes, flapping } = flapWindow(changes, t0 + i * 200 * s, r));
    assert.equal(flapping, false);
  });
});

describe('self-healing', () => {
  const cases: [string, number, number | null, boolean][] = [
    ['resolves after 20 s, never paged', 20 * s, null, true],
    ['resolves exactly at group_wait', 30 * s, null, true],
    ['resolves after group_wait', 31 * s, null, false],
    ['resolves quickly but was paged', 5 * s, t0 + s, false],
  ];
  for (const [name, after, notifiedAt, expected] of cases)
    it(name, () =>
      assert.equal(isSelfResolved({ firstSeenAt: t0, notifiedAt }, t0 + after, rules), expected),
    );
});

describe('inhibition: nearest upstream with an open incident', () => {
  const deps = new Map([
    ['checkout', ['payments', 'cdn']],
    ['payments', ['payments-provider']],
    ['orders', ['checkout']],
    ['loop-a', ['loop-b']],
    ['loop-b', ['loop-a']],
  ]);
  const cases: [string, string, string[], string[] | null][] = [
    ['direct dependency', 'checkout', ['cdn'], ['checkout', 'cdn']],
    [
      'transitive dependency',
      'checkout',
      ['payments-provider'],
      ['checkout', 'payments', 'payments-provider'],
    ],
    ['two hops up from orders', 'orders', ['payments'], ['orders', 'checkout', 'payments']],
    ['nearest wins', 'orders', ['checkout', 'payments-provider'], ['orders', 'checkout']],
    ['nothing upstream is down', 'checkout', ['orders'], null],
    ['own incident does not count', 'checkout', ['checkout'], null],
    ['cycles end', 'loop-a', [], null],
    ['no dependencies', 'cdn', ['payments'], null],
  ];
  for (const [name, from, down, path] of cases)
    it(name, () =>
      assert.deepEqual(
        upstreamPath(from, deps, (id) => down.includes(id)),
        path,
      ),
    );
});

describe('batching (group_wait, group_interval, repeat_interval)', () => {
  const firing = (id: string, over: Partial<BatchAlert> = {}): BatchAlert => ({
    id,
    status: 'triggered',
    noise: null,
    notifiedAt: null,
    keyLastPagedAt: null,
    ...over,
  });
  const open = { status: 'triggered' as const, openedAt: t0, lastNotifiedAt: null };
  const cases: [
    string,
    Parameters<typeof planNotification>[0],
    BatchAlert[],
    number,
    string | null,
    string[],
    number | null,
  ][] = [
    ['waits for group_wait', open, [firing('a')], t0 + 10 * s, null, [], t0 + 30 * s],
    [
      'one initial notification for a burst',
      open,
      [firing('a'), firing('b'), firing('c')],
      t0 + 30 * s,
      'initial',
      ['a', 'b', 'c'],
      t0 + 30 * s + 4 * 3600 * s,
    ],
    [
      'self-resolved burst pages no one',
      open,
      [firing('a', { status: 'resolved', noise: 'self_resolved' })],
      t0 + 30 * s,
      null,
      [],
      null,
    ],
    [
      'silenced, symptoms and below-threshold alerts page no one',
      open,
      [
        firing('a', { noise: 'silenced' }),
        firing('b', { noise: 'symptom' }),
        firing('c', { noise: 'below_threshold' }),
      ],
      t0 + 30 * s,
      null,
      [],
      null,
    ],
    [
      'new alert after the first page waits for group_interval',
      { ...open, lastNotifiedAt: t0 + 30 * s },
      [firing('a', { notifiedAt: t0 + 30 * s }), firing('b')],
      t0 + 60 * s,
      null,
      [],
      t0 + 330 * s,
    ],
    [
      'then one update lists the new alerts',
      { ...open, lastNotifiedAt: t0 + 30 * s },
      [firing('a', { notifiedAt: t0 + 30 * s }), firing('b')],
      t0 + 330 * s,
      'update',
      ['b'],
      t0 + 330 * s + 4 * 3600 * s,
    ],
    [
      'repeat while unacknowledged',
      { ...open, lastNotifiedAt: t0 },
      [firing('a', { notifiedAt: t0 })],
      t0 + 4 * 3600 * s,
      'repeat',
      ['a'],
      t0 + 8 * 3600 * s,
    ],
    [
      'no repeat once acknowledged',
      { ...open, status: 'acknowledged', lastNotifiedAt: t0 },
      [firing('a', { notifiedAt: t0 })],
      t0 + 4 * 3600 * s,
      null,
      [],
      null,
    ],
    [
      'nothing for a resolved incident',
      { ...open, status: 'resolved' },
      [firing('a')],
      t0 + 30 * s,
      null,
      [],
      null,
    ],
    [
      'a flapping alert pages at most once per repeat_interval',
      open,
      [firing('a', { noise: 'flapping', keyLastPagedAt: t0 - 3600 * s })],
      t0 + 30 * s,
      null,
      [],
      null,
    ],
    [
      'a flapping alert pages again after repeat_interval',
      open,
      [firing('a', { noise: 'flapping', keyLastPagedAt: t0 - 5 * 3600 * s })],
      t0 + 30 * s,
      'initial',
      ['a'],
      t0 + 30 * s + 4 * 3600 * s,
    ],
  ];
  for (const [name, incident, alerts, now, kind, ids, next] of cases)
    it(name, () => {
      const plan = planNotification(incident, alerts, now, rules);
      assert.equal(plan.notify?.kind ?? null, kind);
      assert.deepEqual(plan.notify?.alertIds ?? [], ids);
      assert.equal(plan.nextCheckAt, next);
    });
});

describe('label matchers (silences, thresholds)', () => {
  const labels = { alertname: 'DbDown', env: 'prod', instance: 'db-1:9100' };
  const cases: [string, Parameters<typeof compileMatchers>[0], boolean][] = [
    ['equality', [{ label: 'env', op: '=', value: 'prod' }], true],
    ['inequality', [{ label: 'env', op: '!=', value: 'prod' }], false],
    ['regex is anchored', [{ label: 'instance', op: '=~', value: 'db-1' }], false],
    [
      'regex matches the whole value',
      [{ label: 'instance', op: '=~', value: 'db-[0-9]+:.*' }],
      true,
    ],
    ['negative regex', [{ label: 'alertname', op: '!~', value: 'Disk.*' }], true],
    ['missing label equals empty', [{ label: 'team', op: '=', value: '' }], true],
    [
      'all must hold',
      [
        { label: 'env', op: '=', value: 'prod' },
        { label: 'alertname', op: '=', value: 'X' },
      ],
      false,
    ],
  ];
  for (const [name, matchers, expected] of cases)
    it(name, () => {
      const compiled = compileMatchers(matchers);
      assert.ok(compiled.ok);
      assert.equal(compiled.match(labels), expected);
    });

  it('runs a catastrophic-backtracking pattern in linear time', () => {
    const compiled = compileMatchers([{ label: 'x', op: '=~', value: '(a+)+b' }]);
    assert.ok(compiled.ok);
    // With a backtracking engine this input takes longer than the age of the universe.
    assert.equal(compiled.match({ x: 'a'.repeat(100_000) }), false);
  });

  for (const [pattern, reason] of [
    ['(a)\\1', /linear time/],
    ['(?=a)a', /linear time/],
    ['[', /not a valid regular expression/],
  ] as const)
    it(`refuses ${pattern}, naming the matcher`, () => {
      const compiled = compileMatchers([
        { label: 'env', op: '=', value: 'prod' },
        { label: 'x', op: '=~', value: pattern },
      ]);
      if (compiled.ok) assert.fail(`${pattern} was accepted`);
      assert.equal(compiled.index, 1);
      assert.match(compiled.message, reason);
    });
});
