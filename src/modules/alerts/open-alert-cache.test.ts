import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertKey, type AlertState } from './deduplication.ts';
import { OpenAlertCache } from './open-alert-cache.ts';

function alert(id: string, dedupKey: string, status: AlertState['status'], extra = {}): AlertState {
  return {
    id,
    integrationId: 'int-1',
    serviceId: 'svc-1',
    dedupKey,
    status,
    eventCount: 1,
    firstSeenAt: 1,
    lastSeenAt: 1,
    firstEventId: 1,
    lastEventId: 1,
    acknowledgedAt: null,
    resolvedAt: null,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  };
}

const key = (dedupKey: string) => alertKey('int-1', dedupKey);

describe('OpenAlertCache', () => {
  it('keeps committed open alerts without their payload, and forgets resolved ones', () => {
    const cache = new OpenAlertCache();
    cache.remember([
      alert('a1', 'disk', 'triggered', { summary: 'Disk full', labels: '{"host":"db1"}' }),
      alert('a2', 'cpu', 'acknowledged'),
    ]);
    assert.equal(cache.get(key('disk'))?.id, 'a1');
    assert.equal(cache.get(key('disk'))?.summary, undefined);
    assert.equal(cache.get(key('cpu'))?.status, 'acknowledged');
    cache.remember([alert('a1', 'disk', 'resolved')]);
    assert.equal(cache.get(key('disk')), undefined);
    assert.equal(cache.size, 1);
  });

  it('keeps a new alert that took the key of one resolved in the same batch', () => {
    const cache = new OpenAlertCache();
    cache.remember([alert('a1', 'disk', 'triggered')]);
    // The batch's writes in order: the old alert resolved, then a trigger opened a new one.
    cache.remember([alert('a1', 'disk', 'resolved'), alert('a2', 'disk', 'triggered')]);
    assert.equal(cache.get(key('disk'))?.id, 'a2');
    // A resolve recorded after the new alert must not remove it either.
    cache.remember([alert('a2', 'disk', 'triggered'), alert('a1', 'disk', 'resolved')]);
    assert.equal(cache.get(key('disk'))?.id, 'a2');
  });

  it('copies what it keeps, so later changes to the caller objects do not leak in', () => {
    const cache = new OpenAlertCache();
    const original = alert('a1', 'disk', 'triggered');
    cache.remember([original]);
    original.eventCount = 99;
    assert.equal(cache.get(key('disk'))?.eventCount, 1);
  });

  it('drops the least recently written alerts beyond its bound', () => {
    const cache = new OpenAlertCache(3);
    cache.remember(['a', 'b', 'c'].map((k) => alert(k, k, 'triggered')));
    cache.remember([alert('a', 'a', 'triggered', { eventCount: 2 })]); // 'a' is now the newest
    cache.remember([alert('d', 'd', 'triggered')]);
    assert.equal(cache.size, 3);
    assert.equal(cache.get(key('b')), undefined);
    assert.equal(cache.get(key('a'))?.eventCount, 2);
    assert.ok(cache.get(key('c')) !== undefined && cache.get(key('d')) !== undefined);
  });
});
