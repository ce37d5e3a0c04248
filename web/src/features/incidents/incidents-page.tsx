import type { IncidentView } from '../../../../src/contracts/incidents.ts';
import { priorities } from '../../../../src/contracts/incidents.ts';
import { useServices } from '../../components/services.ts';
import { FormError } from '../../components/form.tsx';
import { setListFilter, StatusSegments, usePagedList } from '../../components/paged-list.tsx';
import { Ago } from '../../components/time.tsx';
import { Link, useQuery } from '../../router.tsx';

/** The incident list: one row per real problem, filters in the URL, updated live. */
export function IncidentsPage() {
  const query = useQuery();
  const status = query.get('status') ?? 'open';
  const serviceId = query.get('serviceId') ?? '';
  const priority = query.get('priority') ?? '';

  const params = new URLSearchParams();
  if (status !== '') params.set('status', status);
  if (serviceId !== '') params.set('serviceId', serviceId);
  if (priority !== '') params.set('priority', priority);
  const list = usePagedList<IncidentView>(`/api/incidents?${params.toString()}`, {
    url: '/api/incidents/stream',
    event: 'incidents',
  });
  const services = useServices(list.setError);
  const setFilter = (name: string, value: string) => setListFilter('/incidents', name, value);

  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? '…';
  const rows = list.rows;

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
      <FormError error={list.error} />
      {list.loaded && rows.length === 0 && (
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
      {list.hasMore && (
        <button type="button" className="button button-quiet" onClick={() => void list.loadMore()}>
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
