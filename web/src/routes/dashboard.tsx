import { areas } from '../components/layout.tsx';
import { Link } from '../router.tsx';
import { useCurrentUser } from '../session.tsx';

/** The landing page after login. */
export function DashboardPage() {
  const user = useCurrentUser();
  return (
    <section>
      <h1>Dashboard</h1>
      <p className="muted">
        Signed in as {user.name} ({user.role}). Nothing is on fire that Steady knows of.
      </p>
      <div className="grid">
        {areas
          .filter((a) => a.path !== '/')
          .map((area) => (
            <Link key={area.path} to={area.path} className="card card-link">
              <h2>{area.label}</h2>
              <p className="muted">{area.ready ? 'Open' : 'Coming soon'}</p>
            </Link>
          ))}
      </div>
    </section>
  );
}

/** A section that a later release fills in. */
export function ComingSoonPage({ title }: { title: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <p className="muted">This area is not built yet.</p>
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
