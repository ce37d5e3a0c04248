import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { roleAtLeast } from '../../../../src/contracts/access.ts';
import type { IncidentDetail, IncidentView } from '../../../../src/contracts/incidents.ts';
import { priorities } from '../../../../src/contracts/incidents.ts';
import { api } from '../../api.ts';
import { FormError, formText } from '../../components/form.tsx';
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
  const load = useCallback(async () => {
    try {
      setDetail(await api<IncidentDetail>('GET', `/api/incidents/${encodeURIComponent(id)}`));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [id]);
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

  if (detail === null) return <FormError error={error} />;
  const { incident, alerts, timeline, notifications } = detail;
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
        <h2>Alerts ({alerts.length})</h2>
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
      </section>
      <section className="card">
        <h2>Timeline</h2>
        <ol className="timeline" aria-label="Timeline">
          {timeline.map((entry) => (
            <li key={entry.sequence} className={`timeline-entry timeline-${entry.kind}`}>
              <span className="muted small">
                <Ago iso={entry.at} /> · {entry.actor}
              </span>
              <div>{entry.message}</div>
            </li>
          ))}
        </ol>
      </section>
    </section>
  );
}
