import { useCallback, useEffect, useState } from 'react';
import type { AlertDetail } from '../../../../src/contracts/alerts.ts';
import { api } from '../../api.ts';
import { NotLoaded } from '../../components/form.tsx';
import { useLiveUpdates } from '../../components/live.ts';
import { SafeLink } from '../../components/safe-link.tsx';
import { Ago } from '../../components/time.tsx';
import { Link } from '../../router.tsx';

/** One alert: what the sender said, its labels and links, and its latest events. */
export function AlertPage({ id }: { id: string }) {
  const [detail, setDetail] = useState<AlertDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setDetail(await api<AlertDetail>('GET', `/api/alerts/${encodeURIComponent(id)}`));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => void load(), [load]);
  useLiveUpdates('/api/alerts/stream', 'alerts', () => void load());

  if (detail === null)
    return (
      <NotLoaded error={error} what="alert" back={{ to: '/alerts', label: 'Back to Alerts' }} />
    );
  const { alert, events } = detail;
  return (
    <section className="stack">
      <p>
        <Link to="/alerts">← Alerts</Link>
      </p>
      <div className="page-head">
        <h1>{alert.summary}</h1>
      </div>
      <div>
        <span className={`badge badge-${alert.status}`}>{alert.status}</span>{' '}
        <span className={`severity severity-${alert.severity}`}>{alert.severity}</span>{' '}
        <span className="muted">
          {alert.eventCount} event{alert.eventCount === 1 ? '' : 's'} · first{' '}
          <Ago iso={alert.firstSeenAt} /> · last <Ago iso={alert.lastSeenAt} />
        </span>
      </div>
      <section className="card">
        <h2>Details</h2>
        <dl className="facts">
          <dt>Source</dt>
          <dd>{alert.source ?? '—'}</dd>
          <dt>Component</dt>
          <dd>{alert.component ?? '—'}</dd>
          <dt>Class</dt>
          <dd>{alert.class ?? '—'}</dd>
          <dt>Dedup key</dt>
          <dd>
            <code>{alert.dedupKey}</code>
          </dd>
        </dl>
        {alert.links.length > 0 && (
          <>
            <h3>Links</h3>
            <ul className="plain">
              {alert.links.map((l, i) => (
                <li key={i}>
                  <SafeLink href={l.href}>{l.text}</SafeLink>
                </li>
              ))}
            </ul>
          </>
        )}
        {Object.keys(alert.labels).length > 0 && (
          <>
            <h3>Labels</h3>
            <div className="labels">
              {Object.entries(alert.labels).map(([k, v]) => (
                <span key={k} className="label">
                  {k}={v}
                </span>
              ))}
            </div>
          </>
        )}
        {alert.details !== null && (
          <>
            <h3>Sender's details</h3>
            <pre className="code">{JSON.stringify(alert.details, null, 2)}</pre>
          </>
        )}
      </section>
      <section className="card">
        <h2>Events</h2>
        <table className="table" aria-label="Events">
          <thead>
            <tr>
              <th>Received</th>
              <th>Action</th>
              <th>Summary</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>
                  <Ago iso={e.receivedAt} />
                </td>
                <td>{e.action}</td>
                <td>{e.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
