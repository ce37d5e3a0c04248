import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alertKey,
  alertPayloadFields,
  deduplicateBatch,
  type AlertState,
  type EventFacts,
} from './deduplication.ts';

let nextEvent = 1;
function event(action: string, dedupKey: string, at: number, integrationId = 'int-1'): EventFacts {
  return {
    id: nextEvent++,
    integrationId,
    serviceId: 'svc-1',
    receivedAt: at,
    action,
    dedupKey,
    summary: `${action} ${dedupKey} at ${at}`,
    severity: 'critical',
    source: null,
    component: null,
    groupName: null,
    class: null,
    labels: '{}',
    details: null,
    links: '[]',
    images: '[]',
  };
}

function ids(): () => string {
  let n = 0;
  return () => `alert-${++n}`;
}

describe('deduplicateBatch', () => {
  it('collapses repeated triggers into one alert with a count and first/last seen', () => {
    const result = deduplicateBatch(
      [event('trigger', 'disk', 1), event('trigger', 'disk', 2), event('trigger', 'disk', 3)],
      new Map(),
      ids(),
    );
    assert.equal(result.writes.length, 1);
    const [only] = result.writes;
    assert.deepEqual(
      [
        only?.isNew,
        only?.alert.eventCount,
        only?.alert.firstSeenAt,
        only?.alert.lastSeenAt,
        only?.alert.summary,
      ],
      [true, 3, 1, 3, 'trigger disk at 3'],
    );
    assert.deepEqual(
      result.perEvent.map((p) => p.transition),
      ['created', 'retriggered', 'retriggered'],
    );
  });

  it('never merges different keys or different integrations', () => {
    const result = deduplicateBatch(
      [event('trigger', 'a', 1), event('trigger', 'b', 1), event('trigger', 'a', 1, 'int-2')],
      new Map(),
      ids(),
    );
    assert.equal(result.writes.length, 3);
  });

  it('opens a new alert when a trigger follows a resolve (PagerDuty semantics)', () => {
    const result = deduplicateBatch(
      [event('trigger', 'k', 1), event('resolve', 'k', 2), event('trigger', 'k', 3)],
      new Map(),
      ids(),
    );
    assert.deepEqual(
      result.writes.map((w) => [w.alert.id, w.alert.status, w.isNew]),
      [
        ['alert-1', 'resolved', true],
        ['alert-2', 'triggered', true],
      ],
    );
  });

  it('acknowledges, keeps the acknowledgement through repeats, then resolves', () => {
    const result = deduplicateBatch(
      [
        event('trigger', 'k', 1),
        event('acknowledge', 'k', 2),
        event('trigger', 'k', 3),
        event('resolve', 'k', 4),
      ],
      new Map(),
      ids(),
    );
    assert.deepEqual(
      result.perEvent.map((p) => p.transition),
      ['created', 'acknowledged', 'retriggered', 'resolved'],
    );
    const [alert] = result.writes;
    assert.deepEqual(
      [
        alert?.alert.status,
        alert?.alert.acknowledgedAt,
        alert?.alert.resolvedAt,
        alert?.alert.eventCount,
      ],
      ['resolved', 2, 4, 2],
    );
  });

  it('ignores acknowledge and resolve for keys with no open alert', () => {
    const result = deduplicateBatch(
      [event('resolve', 'ghost', 1), event('acknowledge', 'ghost', 2)],
      new Map(),
      ids(),
    );
    assert.deepEqual(result.writes, []);
    assert.deepEqual(
      result.perEvent.map((p) => [p.transition, p.alertId]),
      [
        ['ignored', null],
        ['ignored', null],
      ],
    );
  });

  it('continues from an alert stored by an earlier batch', () => {
    const stored: AlertState = {
      ...deduplicateBatch([event('trigger', 'k', 1)], new Map(), () => 'stored-1').writes[0]!.alert,
    };
    const result = deduplicateBatch(
      [event('trigger', 'k', 5)],
      new Map([[alertKey('int-1', 'k'), stored]]),
      ids(),
    );
    assert.deepEqual(
      result.writes.map((w) => [w.alert.id, w.isNew, w.alert.eventCount, w.alert.firstSeenAt]),
      [['stored-1', false, 2, 1]],
    );
  });

  it('marks the payload changed only when a trigger touched the alert in the batch', () => {
    const full = deduplicateBatch([event('trigger', 'k', 1)], new Map(), () => 'stored-1');
    // As the store hands it over on the hot path: identity, status and counters, no payload.
    const stored = Object.fromEntries(
      Object.entries(full.writes[0]!.alert).filter(
        ([column]) => !(alertPayloadFields as readonly string[]).includes(column),
      ),
    ) as unknown as AlertState;
    const table: [string, string[], boolean, string | undefined][] = [
      ['an acknowledge alone', ['acknowledge'], false, undefined],
      ['a resolve alone', ['resolve'], false, undefined],
      ['a repeat, then an acknowledge', ['trigger', 'acknowledge'], true, 'trigger k at 5'],
    ];
    for (const [name, actions, changed, latest] of table) {
      const result = deduplicateBatch(
        actions.map((a) => event(a, 'k', 5)),
        new Map([[alertKey('int-1', 'k'), stored]]),
        ids(),
      );
      const [write] = result.writes;
      assert.ok(write, name);
      assert.equal(write.payloadChanged, changed, name);
      assert.equal(write.isNew, false, name);
      assert.equal(write.alert.summary, latest, name);
    }
    assert.equal(full.writes[0]?.payloadChanged, true, 'a new alert');
  });
});
