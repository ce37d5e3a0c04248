import { useCallback, useEffect, useState } from 'react';
import type { IncidentPage, IncidentView } from '../../../../src/contracts/incidents.ts';
import { priorities } from '../../../../src/contracts/incidents.ts';
import type { ServiceList, ServiceView } from '../../../../src/contracts/services.ts';
import { api } from '../../api.ts';
import { FormError } from '../../components/form.tsx';
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

/** The incident list: one row per real problem, filters in the URL, updated live. */
export function IncidentsPage() {
  const query = useQuery();
  const status = query.get('status') ?? 'open';
  const serviceId = query.get('serviceId') ?? '';
  const priority = query.get('priority') ?? '';
  const [page, setPage] = useState<IncidentPage | null>(null);
  const [more, setMore] = useState<IncidentView[]>([]);
  const [services, setServices] = useState<ServiceView[]>([]);
  const [error, setError] = useState<unknown>(null);

  const params = new URLSearchParams();
  if (status !== '') params.set('status', status);
  if (serviceId !== '') params.set('serviceId', serviceId);
  if (priority !== '') params.set('priority', priority);
  const listUrl = `/api/incidents?${params.toString()}`;

  const load = useCallback(async () => {
    try {
      setPage(await api<IncidentPage>('GET', listUrl));
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
  useLiveUpdates('/api/incidents/stream', 'incidents', () => void load());

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(window.location.search);
    if (value === '' && name !== 'status') next.delete(name);
    else next.set(name, value);
    navigate(`/incidents?${next.toString()}`, { replace: true });
  };

  async function loadMore() {
    const cursor = page?.nextCursor ?? null;
    if (cursor === null) return;
    const next = await api<IncidentPage>('GET', `${listUrl}&cursor=${encodeURIComponent(cursor)}`);
    setMore((m) => [...m, ...next.items]);
    setPage((p) => (p === null ? p : { ...p, nextCursor: next.nextCursor }));
  }

  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? '…';
  const rows = [...(page?.items ?? []), ...more];

  return (
    <section className="stack">
      <div className="page-head">
        <h1>Incidents</h1>
        <span className="muted live-dot" title="Updates live">
          live
        </span>
        <Link to="/silences" className="button button-quiet">
          Silences
        </Link>
        <Link to="/services/graph" className="button button-quiet">
          Dependency graph
        </Link>
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
        <label className="inline">
          Priority{' '}
          <select value={priority} onChange={(e) => setFilter('priority', e.target.value)}>
            <option value="">Any</option>
            {priorities.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      </div>
      <FormError error={error} />
      {page !== null && rows.length === 0 && (
        <p className="muted">No incidents here. Alerts that need a person open one.</p>
      )}
      {rows.length > 0 && (
        <table className="table" aria-label="Incidents">
          <thead>
            <tr>
              <th>#</th>
              <th>Status</th>
              <th>Priority</th>
              <th>Title</th>
              <th>Service</th>
              <th>Alerts</th>
              <th>Opened</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((incident) => (
              <tr key={incident.id}>
                <td>{incident.number}</td>
                <td>
                  <span className={`badge badge-${incident.status}`}>{incident.status}</span>
                </td>
                <td>
                  <span className={`priority priority-${incident.priority}`}>
                    {incident.priority}
                  </span>
                </td>
                <td>
                  <Link to={`/incidents/${incident.number}`}>{incident.title}</Link>
                  {incident.resolution !== null && (
                    <div className="muted small">{resolutionText(incident.resolution)}</div>
                  )}
                </td>
                <td>
                  {serviceName(incident.serviceId)}
                  {incident.serviceIds.length > 1 && (
                    <span className="muted small"> +{incident.serviceIds.length - 1}</span>
                  )}
                </td>
                <td>
                  {incident.openAlertCount} open / {incident.alertCount}
                </td>
                <td>
                  <Ago iso={incident.openedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page?.nextCursor != null && (
        <button type="button" className="button button-quiet" onClick={() => void loadMore()}>
          Show older
        </button>
      )}
    </section>
  );
}

/** How an incident ended, in words. */
export function resolutionText(resolution: string): string {
  switch (resolution) {
    case 'self_healed':
      return 'Self-healed: every alert resolved before anyone was paged';
    case 'auto':
      return 'Resolved automatically when its alerts resolved';
    case 'merged':
      return 'Merged into another incident';
    default:
      return 'Resolved by a person';
  }
}
