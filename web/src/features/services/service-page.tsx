import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { roleAtLeast } from '../../../../src/contracts/access.ts';
import type { ServiceView } from '../../../../src/contracts/services.ts';
import { api } from '../../api.ts';
import { FormError, formText, NotLoaded, TextField } from '../../components/form.tsx';
import { Link, navigate } from '../../router.tsx';
import { useCurrentUser } from '../../session.tsx';
import { NoiseRulesSection } from '../incidents/noise-rules-section.tsx';
import { IntegrationsSection } from '../integrations/integrations-section.tsx';

function EditService({ service, onSaved }: { service: ServiceView; onSaved: () => void }) {
  const [error, setError] = useState<unknown>(null);
  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await api<ServiceView>('PATCH', `/api/services/${service.id}`, {
        name: formText(form, 'name').trim(),
        team: formText(form, 'team'),
        description: formText(form, 'description'),
      });
      onSaved();
    } catch (e) {
      setError(e);
    }
  }
  async function remove() {
    if (
      !window.confirm(
        `Delete the service "${service.name}"? Its integrations stop accepting alerts at once.`,
      )
    )
      return;
    setError(null);
    try {
      await api('DELETE', `/api/services/${service.id}`);
      navigate('/services');
    } catch (e) {
      setError(e);
    }
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Details</h2>
      <TextField label="Name" name="name" field="name" defaultValue={service.name} error={error} />
      <TextField
        label="Owning team"
        name="team"
        field="team"
        defaultValue={service.team}
        error={error}
      />
      <TextField
        label="Description"
        name="description"
        field="description"
        defaultValue={service.description}
        error={error}
      />
      <FormError error={error} fields={['name', 'team', 'description']} />
      <div className="actions">
        <button type="submit" className="button">
          Save
        </button>
        <button type="button" className="button button-danger" onClick={() => void remove()}>
          Delete service
        </button>
      </div>
    </form>
  );
}

/** One service: its details and its integrations. */
export function ServicePage({ id }: { id: string }) {
  const user = useCurrentUser();
  const canWrite = roleAtLeast(user.role, 'admin');
  const [service, setService] = useState<ServiceView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const load = useCallback(async () => {
    try {
      setService(await api<ServiceView>('GET', `/api/services/${encodeURIComponent(id)}`));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => void load(), [load]);

  if (service === null)
    return (
      <NotLoaded
        error={error}
        what="service"
        back={{ to: '/services', label: 'Back to Services' }}
      />
    );
  return (
    <section className="stack">
      <p>
        <Link to="/services">← Services</Link>
      </p>
      <h1>{service.name}</h1>
      <p className="muted">
        {service.team !== '' ? `Owned by ${service.team}. ` : ''}
        {service.description}{' '}
        <Link to={`/incidents?status=open&serviceId=${encodeURIComponent(service.id)}`}>
          Open incidents
        </Link>{' '}
        ·{' '}
        <Link to={`/alerts?status=open&serviceId=${encodeURIComponent(service.id)}`}>
          Open alerts
        </Link>
      </p>
      <IntegrationsSection serviceId={service.id} canWrite={canWrite} />
      <NoiseRulesSection serviceId={service.id} canWrite={canWrite} />
      {canWrite && (
        <>
          {saved && (
            <div className="notice notice-ok" role="status">
              Saved.
            </div>
          )}
          <EditService
            key={service.updatedAt}
            service={service}
            onSaved={() => {
              setSaved(true);
              void load();
            }}
          />
        </>
      )}
    </section>
  );
}
