import type { IncidentView } from '../../../src/contracts/incidents.ts';
import { priorities } from '../../../src/contracts/incidents.ts';
import { areas } from '../components/layout.tsx';
import { FormError } from '../components/form.tsx';
import { usePagedList } from '../components/paged-list.tsx';
import { Ago } from '../components/time.tsx';
import { Link } from '../router.tsx';
import { useCurrentUser } from '../session.tsx';

const shown = 5;

/** Triggered before acknowledged, then the most urgent priority, then the newest. */
function byUrgency(a: IncidentView, b: IncidentView): number {
  if (a.status !== b.status) return a.status === 'triggered' ? -1 : 1;
  if (a.priority !== b.priority)
    return priorities.indexOf(a.priority) - priorities.indexOf(b.priority);
  return b.openedAt.localeCompare(a.openedAt);
}

/**
 * The landing page after login: the open incidents as they are (read from the API and kept
 * live), never a reassurance Steady cannot back.
 */
export function DashboardPage() {
  const user = useCurrentUser();
  const open = usePagedList<IncidentView>('/api/incidents?status=open&limit=200', {
    url: '/api/incidents/stream',
    event: 'incidents',
  });
  const rows = [...open.rows].sort(byUrgency);
  const triggered = rows.filter((i) => i.status === 'triggered').length;
  const count = `${rows.length}${open.hasMore ? '+' : ''}`;
  const byPriority = priorities
    .map((p) => [p, rows.filter((i) => i.priority === p).length] as const)
    .filter(([, n]) => n > 0);
  return (
    <section className="stack">
      <h1>Dashboard</h1>
      <p className="muted">
        Signed in as {user.name} ({user.role}).
      </p>
      <FormError error={open.error} />
      <section className="card" aria-labelledby="open-incidents">
        <h2 id="open-incidents">Open incidents</h2>
        {!open.loaded ? (
          <p className="muted" aria-busy="true">
            Loading…
          </p>
        ) : rows.length === 0 ? (
          <p>No open incidents.</p>
        ) : (
          <>
            <p data-testid="open-summary">
              {count} open: {triggered} triggered, {rows.length - triggered} acknowledged
              {byPriority.length > 0 && ` · ${byPriority.map(([p, n]) => `${n} ${p}`).join(', ')}`}
            </p>
            <ul className="plain-list">
              {rows.slice(0, shown).map((incident) => (
                <li key={incident.id}>
                  <span className={`badge badge-${incident.status}`}>{incident.status}</span>{' '}
                  <span className="badge">{incident.priority}</span>{' '}
                  <Link to={`/incidents/${incident.id}`}>{incident.title}</Link>{' '}
                  <span className="muted small">
                    opened <Ago iso={incident.openedAt} />
                  </span>
                </li>
              ))}
            </ul>
            {rows.length > shown && <Link to="/incidents">All {count} open incidents</Link>}
          </>
        )}
      </section>
      <div className="grid">
        {areas
          .filter((a) => a.path !== '/')
          .map((area) => (
            <Link key={area.path} to={area.path} className="card card-link">
              <h2>{area.label}</h2>
            </Link>
          ))}
      </div>
    </section>
  );
}

/** An unknown path. */
export function NotFoundPage() {
  return (
    <section>
      <h1>Not found</h1>
      <p className="muted">
        No page here. <Link to="/">Back to the dashboard</Link>.
      </p>
    </section>
  );
}
