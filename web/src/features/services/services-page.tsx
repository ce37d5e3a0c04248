import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { ServiceList, ServiceView } from '../../../../src/contracts/services.ts';
import { roleAtLeast } from '../../../../src/contracts/access.ts';
import { api } from '../../api.ts';
import { FormError, formText, TextField } from '../../components/form.tsx';
import { Link, navigate } from '../../router.tsx';
import { useCurrentUser } from '../../session.tsx';

function NewService() {
  const [error, setError] = useState<unknown>(null);
  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      const created = await api<ServiceView>('POST', '/api/services', {
        name: formText(form, 'name').trim(),
        description: formText(form, 'description'),
        team: formText(form, 'team'),
      });
      navigate(`/services/${created.id}`);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section className="card" aria-labelledby="new-service-heading">
      <h2 id="new-service-heading">New service</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Name"
          name="name"
          field="name"
          required
          placeholder="checkout-api"
          hint="Lower case letters, digits, dots, dashes and underscores."
          error={error}
        />
        <TextField label="Owning team" name="team" field="team" error={error} />
        <TextField label="Description" name="description" field="description" error={error} />
        <FormError error={error} fields={['name', 'team', 'description']} />
        <button type="submit" className="button">
          Create service
        </button>
      </form>
    </section>
  );
}

/** Every service, and (for admins) a form to add one. */
export function ServicesPage() {
  const user = useCurrentUser();
  const [services, setServices] = useState<ServiceView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setServices((await api<ServiceList>('GET', '/api/services')).items);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);

  return (
    <section className="stack">
      <h1>Services</h1>
      <p className="muted">
        A service is something you run and get paged for. Its integrations are where alerts come in.{' '}
        <Link to="/services/graph">Dependency graph</Link>
      </p>
      <FormError error={error} />
      {services !== null && services.length === 0 && <p className="muted">No services yet.</p>}
      {services !== null && services.length > 0 && (
        <table className="table" aria-label="Services">
          <thead>
            <tr>
              <th>Name</th>
              <th>Team</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/services/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.team || <span className="muted">—</span>}</td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {roleAtLeast(user.role, 'admin') && <NewService />}
    </section>
  );
}
