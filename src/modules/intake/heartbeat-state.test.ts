import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyHeartbeatSignal, type MonitorState } from './heartbeat-state.ts';

const minute = 60_000;
const t0 = Date.UTC(2026, 10, 22, 3);
const fresh: MonitorState = {
  status: 'new',
  periodSeconds: 3600,
  graceSeconds: 600,
  lastSuccessAt: null,
  dueAt: null,
};

describe('heartbeat state machine', () => {
  it('starts the clock on the first success, without an alert', () => {
    const next = applyHeartbeatSignal(fresh, { kind: 'success', exitCode: null }, t0, 'backup');
    assert.equal(next.status, 'up');
    assert.equal(next.dueAt, t0 + 70 * minute);
    assert.equal(next.event, null);
  });

  it('raises nothing for a new monitor whose timer fires', () => {
    assert.equal(applyHeartbeatSignal(fresh, { kind: 'check' }, t0, 'backup').event, null);
  });

  it('triggers when no success arrives within period + grace, and resolves on the next success', () => {
    const up: MonitorState = { ...fresh, status: 'up', lastSuccessAt: t0, dueAt: t0 + 70 * minute };
    assert.equal(
      applyHeartbeatSignal(up, { kind: 'check' }, t0 + 70 * minute - 1, 'backup').event,
      null,
      'not yet due',
    );
    const missed = applyHeartbeatSignal(up, { kind: 'check' }, t0 + 70 * minute, 'backup');
    assert.equal(missed.status, 'down');
    assert.equal(missed.dueAt, null);
    assert.equal(missed.event?.action, 'trigger');
    assert.equal(missed.event.summary, 'Heartbeat "backup" missed: no success ping for 70 min');
    const back = applyHeartbeatSignal(
      { ...up, status: 'down', dueAt: null },
      { kind: 'success', exitCode: 0 },
      t0 + 80 * minute,
      'backup',
    );
    assert.equal(back.status, 'up');
    assert.equal(back.event?.action, 'resolve');
    assert.equal(back.dueAt, t0 + 150 * minute);
  });

  it('triggers at once on a failure ping, naming the exit code', () => {
    const up: MonitorState = { ...fresh, status: 'up', lastSuccessAt: t0, dueAt: t0 + 70 * minute };
    const failed = applyHeartbeatSignal(up, { kind: 'fail', exitCode: 3 }, t0 + minute, 'backup');
    assert.equal(failed.status, 'down');
    assert.equal(failed.event?.summary, 'Heartbeat "backup" reported a failure (exit code 3)');
    assert.equal(failed.lastExitCode, 3);
  });

  it('records start and log pings without changing state', () => {
    const up: MonitorState = { ...fresh, status: 'up', lastSuccessAt: t0, dueAt: t0 + 70 * minute };
    const started = applyHeartbeatSignal(up, { kind: 'start' }, t0 + minute, 'backup');
    assert.deepEqual(
      [started.status, started.dueAt, started.lastStartAt, started.event],
      ['up', up.dueAt, t0 + minute, null],
    );
    const logged = applyHeartbeatSignal(up, { kind: 'log' }, t0 + minute, 'backup');
    assert.deepEqual(
      [logged.status, logged.dueAt, logged.pingedAt, logged.event],
      ['up', up.dueAt, t0 + minute, null],
    );
  });
});
