import { Fragment, useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { roleAtLeast } from '../../../../src/contracts/access.ts';
import type {
  IncidentAlertPage,
  IncidentAlertView,
  IncidentDetail,
  IncidentView,
} from '../../../../src/contracts/incidents.ts';
import { priorities } from '../../../../src/contracts/incidents.ts';
import { api } from '../../api.ts';
import { FormError, formText, NotLoaded } from '../../components/form.tsx';
import { useLiveUpdates } from '../../components/live.ts';
import { Ago } from '../../components/time.tsx';
import { Link, navigate } from '../../router.tsx';
import { useCurrentUser } from '../../session.tsx';
import { resolutionText } from './incidents-page.tsx';

const noiseText: Record<string, string> = {
  self_resolved: 'self-resolved',
  symptom: 'symptom of upstream',
  flapping: 'flapping',
  silenced: 'silenced',
  below_threshold: 'below threshold',
};

interface MoreAlerts {
  /** The cursor that ended the first page when these were loaded. */
  after: string | null;
  alerts: IncidentAlertView[];
  cursor: string | null;
}

/**
 * One incident: what it is, its alerts and its timeline, with the actions a responder takes
 * first. The workspace (triage, hypotheses, changes) grows here.
 */
export function IncidentPage({ id }: { id: string }) {
  const user = useCurrentUser();
  const canAct = roleAtLeast(user.role, 'responder');
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Alerts after the first page, loaded on request: a storm's incident can hold thousands.
  // A live reload keeps them while the first page ends where it did (`after`).
  const [more, setMore] = useState<MoreAlerts>({ after: null, alerts: [], cursor: null });
  const load = useCallback(async () => {
    try {
      const next = await api<IncidentDetail>('GET', `/api/incidents/${encodeURIComponent(id)}`);
      setDetail(next);
      setMore((m) =>
        m.alerts.length > 0 && m.after === next.alertsNextCursor
          ? m
          : { after: next.alertsNextCursor, alerts: [], cursor: next.alertsNextCursor },
      );
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [id]);
  async function loadMoreAlerts() {
    if (detail === null || more.cursor === null) return;
    try {
      const page = await api<IncidentAlertPage>(
        'GET',
        `/api/incidents/${detail.incident.id}/alerts?cursor=${encodeURIComponent(more.cursor)}`,
      );
      setMore((m) => ({ ...m, alerts: [...m.alerts, ...page.items], cursor: page.nextCursor }));
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => void load(), [load]);
  useLiveUpdates('/api/incidents/stream', 'incidents', () => void load());

  async function act(action: 'acknowledge' | 'resolve' | 'reopen') {
    if (detail === null) return;
    setBusy(true);
    try {
      await api<IncidentView>('POST', `/api/incidents/${detail.incident.id}/${action}`, {});
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  async function update(changes: { priority?: string; title?: string }) {
    if (detail === null) return;
    try {
      await api('PATCH', `/api/incidents/${detail.incident.id}`, changes);
      await load();
    } catch (e) {
      setError(e);
    }
  }
  async function rename() {
    if (detail === null) return;
    const title = window.prompt('Incident title', detail.incident.title);
    if (title !== null && title.trim() !== '' && title !== detail.incident.title)
      await update({ title: title.trim() });
  }
  async function mergeInto(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (detail === null) return;
    const into = formText(new FormData(event.currentTarget), 'into').replace(/^#/, '').trim();
    try {
      const target = await api<IncidentView>('POST', `/api/incidents/${detail.incident.id}/merge`, {
        into,
      });
      navigate(`/incidents/${target.number}`);
    } catch (e) {
      setError(e);
    }
  }

  if (detail === null)
    return (
      <NotLoaded
        error={error}
        what="incident"
        back={{ to: '/incidents', label: 'Back to Incidents' }}
      />
    );
  const { incident, timeline, notifications } = detail;
  const alerts = [...detail.alerts, ...more.alerts];
  return (
    <section className="stack">
      <p>
        <Link to="/incidents">← Incidents</Link>
      </p>
      <div className="page-head">
        <h1>
          #{incident.number} {incident.title}
        </h1>
      </div>
      <div className="incident-summary">
        <span className={`badge badge-${incident.status}`}>{incident.status}</span>{' '}
        <span className={`priority priority-${incident.priority}`}>{incident.priority}</span>{' '}
        <span className="muted">
          opened <Ago iso={incident.openedAt} />
          {incident.acknowledgedAt !== null && (
            <>
              {' '}
              · acknowledged <Ago iso={incident.acknowledgedAt} />
            </>
          )}
          {incident.resolvedAt !== null && (
            <>
              {' '}
              · resolved <Ago iso={incident.resolvedAt} />
            </>
          )}{' '}
          · {notifications.length} notification{notifications.length === 1 ? '' : 's'} due so far
        </span>
        {incident.resolution !== null && (
          <p className="muted">{resolutionText(incident.resolution)}</p>
        )}
      </div>
      <FormError error={error} />
      {canAct && (
        <div className="actions">
          {incident.status === 'triggered' && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void act('acknowledge')}
            >
              Acknowledge
            </button>
          )}
          {incident.status !== 'resolved' && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void act('resolve')}
            >
              Resolve
            </button>
          )}
          {incident.status === 'resolved' && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void act('reopen')}
            >
              Reopen
            </button>
          )}
          <label className="inline">
            Priority{' '}
            <select
              aria-label="Priority"
              value={incident.priority}
              onChange={(e) => void update({ priority: e.target.value })}
            >
              {priorities.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button button-quiet" onClick={() => void rename()}>
            Rename
          </button>
          {incident.status !== 'resolved' && (
            <form className="inline" onSubmit={(e) => void mergeInto(e)} aria-label="Merge">
              <input name="into" aria-label="Merge into incident" placeholder="#number" size={8} />
              <button type="submit" className="button button-quiet">
                Merge into
              </button>
            </form>
          )}
        </div>
      )}
      <section className="card">
        <h2>Alerts ({incident.alertCount})</h2>
        <table className="table" aria-label="Alerts of this incident">
          <thead>
            <tr>
              <th>Status</th>
              <th>Severity</th>
              <th>Summary</th>
              <th>Noise</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id}>
                <td>
                  <span className={`badge badge-${a.status}`}>{a.status}</span>
                </td>
                <td>
                  <span className={`severity severity-${a.severity}`}>{a.severity}</span>
                </td>
                <td>
                  <Link to={`/alerts/${a.id}`}>{a.summary}</Link>
                </td>
                <td className="muted">{a.noise === null ? '' : (noiseText[a.noise] ?? a.noise)}</td>
                <td>
                  <Ago iso={a.lastSeenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {more.cursor !== null && (
          <p>
            <span className="muted">
              Showing {alerts.length} of {incident.alertCount}.
            </span>{' '}
            <button
              type="button"
              className="button button-quiet"
              onClick={() => void loadMoreAlerts()}
            >
              Show more alerts
            </button>
          </p>
        )}
      </section>
      <section className="card">
        <h2>Timeline</h2>
        <ol className="timeline" aria-label="Timeline">
          {timeline.map((entry, i) => {
            // A storm's timeline: the first entries and the latest, with the middle left out.
            const skipped = entry.sequence - (timeline[i - 1]?.sequence ?? entry.sequence - 1) - 1;
            return (
              <Fragment key={entry.sequence}>
                {skipped > 0 && (
                  <li className="timeline-gap muted">
                    {skipped.toLocaleString()} more entr{skipped === 1 ? 'y' : 'ies'} not shown
                  </li>
                )}
                <li className={`timeline-entry timeline-${entry.kind}`}>
                  <span className="muted small">
                    <Ago iso={entry.at} /> · {entry.actor}
                  </span>
                  <div>{entry.message}</div>
                </li>
              </Fragment>
            );
          })}
        </ol>
      </section>
    </section>
  );
}
