import { useEffect } from 'react';
import { areas, Centered, Layout } from './components/layout.tsx';
import { DashboardPage, NotFoundPage } from './routes/dashboard.tsx';
import { LoginPage } from './routes/login.tsx';
import { SettingsPage } from './routes/settings.tsx';
import { SetupPage } from './routes/setup.tsx';
import { AlertPage } from './features/alerts/alert-page.tsx';
import { AlertsPage } from './features/alerts/alerts-page.tsx';
import { IncidentPage } from './features/incidents/incident-page.tsx';
import { IncidentsPage } from './features/incidents/incidents-page.tsx';
import { SilencesPage } from './features/incidents/silences-page.tsx';
import { DependencyGraphPage } from './features/services/dependency-graph-page.tsx';
import { ServicePage } from './features/services/service-page.tsx';
import { ServicesPage } from './features/services/services-page.tsx';
import { matchPath, navigate, usePath } from './router.tsx';
import { useSession } from './session.tsx';

function SignedInApp() {
  const path = usePath();
  const area = areas.find((a) => (a.path === '/' ? path === '/' : path.startsWith(a.path)));
  const alertMatch = matchPath('/alerts/:id', path);
  const service = matchPath('/services/:id', path);
  const incident = matchPath('/incidents/:id', path);
  let page;
  if (path === '/') page = <DashboardPage />;
  else if (path === '/settings') page = <SettingsPage />;
  else if (path === '/incidents') page = <IncidentsPage />;
  else if (incident !== null) page = <IncidentPage key={incident.id} id={incident.id ?? ''} />;
  else if (path === '/silences') page = <SilencesPage />;
  else if (path === '/services/graph') page = <DependencyGraphPage />;
  else if (path === '/alerts') page = <AlertsPage />;
  else if (alertMatch !== null) page = <AlertPage key={alertMatch.id} id={alertMatch.id ?? ''} />;
  else if (path === '/services') page = <ServicesPage />;
  else if (service !== null) page = <ServicePage key={service.id} id={service.id ?? ''} />;
  else page = <NotFoundPage />;
  const known = page.type !== NotFoundPage;
  const title = !known
    ? 'Not found'
    : path === '/settings'
      ? 'Settings'
      : (area?.label ?? 'Steady');
  useEffect(() => {
    document.title = title === 'Steady' ? 'Steady' : `${title} · Steady`;
  }, [title]);
  return <Layout>{page}</Layout>;
}

/** Chooses between first-run setup, login and the signed-in app. */
export function App() {
  const { state, reload } = useSession();
  const path = usePath();
  useEffect(() => {
    if (state.status === 'needs-owner' && path !== '/setup') navigate('/setup', { replace: true });
    if (state.status !== 'needs-owner' && path === '/setup') navigate('/', { replace: true });
  }, [state.status, path]);

  switch (state.status) {
    case 'loading':
      return (
        <div className="loading" aria-busy="true">
          Loading Steady…
        </div>
      );
    case 'unreachable':
      return (
        <Centered title="Steady is not reachable">
          <p className="muted">{state.message}</p>
          <button type="button" className="button" onClick={() => void reload()}>
            Try again
          </button>
        </Centered>
      );
    case 'needs-owner':
      return <SetupPage />;
    case 'anonymous':
      return <LoginPage expired={state.expired} />;
    case 'authenticated':
      return <SignedInApp />;
  }
}
