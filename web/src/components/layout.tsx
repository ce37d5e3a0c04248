import { useState, type ReactNode } from 'react';
import { Link, usePath } from '../router.tsx';
import { useCurrentUser, useSession } from '../session.tsx';
import { applyTheme, savedTheme, type Theme } from '../theme.ts';

/** The areas of Steady that are built, in the order a responder needs them. */
export const areas: readonly { path: string; label: string }[] = [
  { path: '/', label: 'Dashboard' },
  { path: '/incidents', label: 'Incidents' },
  { path: '/alerts', label: 'Alerts' },
  { path: '/services', label: 'Services' },
];

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(savedTheme());
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="button button-quiet"
      aria-label={`Switch to the ${next} theme`}
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? 'Light theme' : 'Dark theme'}
    </button>
  );
}

/** The frame around every signed-in page: navigation, theme switch, account menu. */
export function Layout({ children }: { children: ReactNode }) {
  const path = usePath();
  const user = useCurrentUser();
  const { logOut } = useSession();
  const isActive = (p: string) => (p === '/' ? path === '/' : path.startsWith(p));
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Steady home">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          Steady
        </Link>
        <nav aria-label="Main" className="nav">
          {areas.map((area) => (
            <Link
              key={area.path}
              to={area.path}
              className={isActive(area.path) ? 'nav-link active' : 'nav-link'}
              aria-current={isActive(area.path) ? 'page' : undefined}
            >
              {area.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <ThemeToggle />
          <Link to="/settings" className={isActive('/settings') ? 'nav-link active' : 'nav-link'}>
            {user.name}
          </Link>
          <button type="button" className="button button-quiet" onClick={() => void logOut()}>
            Log out
          </button>
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}

/** A centred card for the pages before login. */
export function Centered({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="centered">
      <div className="card card-narrow">
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          Steady
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
