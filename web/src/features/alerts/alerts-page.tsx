import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { AlertPage, AlertView } from '../../../../src/contracts/alerts.ts';
import type { ServiceList, ServiceView } from '../../../../src/contracts/services.ts';
import { api } from '../../api.ts';
import { FormError, formText } from '../../components/form.tsx';
import { useLiveUpdates } from '../../components/live.ts';
import { Ago } from '../../components/time.tsx';
import { Link, navigate, useQuery } from '../../router.tsx';

const statusFilters = [
  { value: 'open', label: 'Open' },
  { value: 'triggered', label: 'Triggered' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: '', label: 'All' },
] as const;

/** The alert list: filters in the URL, newest first, updated live. */
export function AlertsPage() {
  const query = useQuery();
  const status = query.get('status') ?? 'open';
  const serviceId = query.get('serviceId') ?? '';
  const text = query.get('q') ?? '';
  const [page, setPage] = useState<AlertPage | null>(null);
  const [more, setMore] = useState<AlertView[]>([]);
  const [services, setServices] = useState<ServiceView[]>([]);
  const [error, setError] = useState<unknown>(null);

  const params = new URLSearchParams();
  if (status !== '') params.set('status', status);
  if (serviceId !== '') params.set('serviceId', serviceId);
  if (text !== '') params.set('q', text);
  const listUrl = `/api/alerts?${params.toString()}`;

  const load = useCallback(async () => {
    try {
      setPage(await api<AlertPage>('GET', listUrl));
      setMore([]);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [listUrl]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    api<ServiceList>('GET', '/api/services').then((s) => setServices(s.items), setError);
  }, []);
  useLiveUpdates('/api/alerts/stream', 'alerts', () => void load());

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(window.location.search);
    if (value === '' && name !== 'status') next.delete(name);
    else next.set(name, value);
    navigate(`/alerts?${next.toString()}`, { replace: true });
  };

  async function loadMore() {
    const cursor = (more.length > 0 ? null : page?.nextCursor) ?? null;
    if (cursor === null) return;
    const next = await api<AlertPage>('GET', `${listUrl}&cursor=${encodeURIComponent(cursor)}`);
    setMore((m) => [...m, ...next.items]);
    setPage((p) => (p === null ? p : { ...p, nextCursor: next.nextCursor }));
  }

  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? '…';
  const rows = [...(page?.items ?? []), ...more];

  return (
    <section className="stack">
      <div className="page-head">
        <h1>Alerts</h1>
        <span className="muted live-dot" title="Updates live">
          live
        </span>
      </div>
      <div className="filters" role="search">
        <div className="segmented" role="group" aria-label="Status">
          {statusFilters.map((f) => (
            <button
              key={f.value}
              type="button"
              className={status === f.value ? 'active' : ''}
              aria-pressed={status === f.value}
              onClick={() => setFilter('status', f.value)}
            >
              {f.label}
            </button>
          ))}
        </div>
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
      <FormError error={error} />
      {page !== null && rows.length === 0 && (
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
      {page?.nextCursor != null && (
        <button type="button" className="button" onClick={() => void loadMore()}>
          Show older alerts
        </button>
      )}
    </section>
  );
}
