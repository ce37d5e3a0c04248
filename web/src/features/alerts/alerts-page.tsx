import type { SubmitEvent } from 'react';
import type { AlertView } from '../../../../src/contracts/alerts.ts';
import { useServices } from '../../components/services.ts';
import { FormError, formText } from '../../components/form.tsx';
import { setListFilter, StatusSegments, usePagedList } from '../../components/paged-list.tsx';
import { Ago } from '../../components/time.tsx';
import { Link, useQuery } from '../../router.tsx';

/** The alert list: filters in the URL, newest first, updated live. */
export function AlertsPage() {
  const query = useQuery();
  const status = query.get('status') ?? 'open';
  const serviceId = query.get('serviceId') ?? '';
  const text = query.get('q') ?? '';

  const params = new URLSearchParams();
  if (status !== '') params.set('status', status);
  if (serviceId !== '') params.set('serviceId', serviceId);
  if (text !== '') params.set('q', text);
  const list = usePagedList<AlertView>(`/api/alerts?${params.toString()}`, {
    url: '/api/alerts/stream',
    event: 'alerts',
  });
  const services = useServices(list.setError);
  const setFilter = (name: string, value: string) => setListFilter('/alerts', name, value);

  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? '…';
  const rows = list.rows;

  return (
    <section className="stack">
      <div className="page-head">
        <h1>Alerts</h1>
        <span className="muted live-dot" title="Updates live">
          live
        </span>
      </div>
      <div className="filters" role="search">
        <StatusSegments status={status} onChange={(v) => setFilter('status', v)} />
        <label className="inline">
          Service{' '}
          <select value={serviceId} onChange={(e) => setFilter('serviceId', e.target.value)}>
            <option value="">All services</option>
            {services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <form
          className="inline"
          onSubmit={(e: SubmitEvent<HTMLFormElement>) => {
            e.preventDefault();
            setFilter('q', formText(new FormData(e.currentTarget), 'q'));
          }}
        >
          <input
            name="q"
            type="search"
            defaultValue={text}
            placeholder="Search summary, source or key"
            aria-label="Search alerts"
          />
        </form>
      </div>
      <FormError error={list.error} />
      {list.loaded && rows.length === 0 && (
        <p className="muted">
          No alerts here. When a monitoring tool sends one, it appears at once.
        </p>
      )}
      {rows.length > 0 && (
        <table className="table" aria-label="Alerts">
          <thead>
            <tr>
              <th>Status</th>
              <th>Severity</th>
              <th>Summary</th>
              <th>Service</th>
              <th>Count</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((alert) => (
              <tr key={alert.id}>
                <td>
                  <span className={`badge badge-${alert.status}`}>{alert.status}</span>
                </td>
                <td>
                  <span className={`severity severity-${alert.severity}`}>{alert.severity}</span>
                </td>
                <td>
                  <Link to={`/alerts/${alert.id}`}>{alert.summary}</Link>
                  {alert.source !== null && <div className="muted small">{alert.source}</div>}
                </td>
                <td>{serviceName(alert.serviceId)}</td>
                <td>{alert.eventCount}</td>
                <td>
                  <Ago iso={alert.lastSeenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" className="button" onClick={() => void list.loadMore()}>
          Show older alerts
        </button>
      )}
    </section>
  );
}
