import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { roleAtLeast } from '../../../../src/contracts/access.ts';
import type {
  LabelMatcher,
  SilenceList,
  SilenceView,
} from '../../../../src/contracts/incidents.ts';
import { api, ApiError } from '../../api.ts';
import { useServices } from '../../components/services.ts';
import { FormError, formText, TextField } from '../../components/form.tsx';
import { Ago } from '../../components/time.tsx';
import { Link } from '../../router.tsx';
import { useCurrentUser } from '../../session.tsx';

/** Parses `alertname=DbDown, instance=~db-.*` into matchers (Alertmanager's notation). */
export function parseMatchers(text: string): LabelMatcher[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const m = /^([^=!~\s]+)\s*(=~|!~|!=|=)\s*"?(.*?)"?$/.exec(part);
      if (m === null)
        throw new ApiError(
          400,
          'invalid_request',
          `"${part}" is not label=value, label!=value, label=~regex or label!~regex.`,
          'matchers',
        );
      return { label: m[1] ?? '', op: (m[2] ?? '=') as LabelMatcher['op'], value: m[3] ?? '' };
    });
}

const showMatchers = (matchers: readonly LabelMatcher[]) =>
  matchers.map((m) => `${m.label}${m.op}${m.value}`).join(', ');

/** Silences and maintenance windows: alerts they match are kept, shown, and page no one. */
export function SilencesPage() {
  const user = useCurrentUser();
  const canWrite = roleAtLeast(user.role, 'responder');
  const [items, setItems] = useState<SilenceView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setItems((await api<SilenceList>('GET', '/api/silences')).items);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);
  const services = useServices(setError);

  async function create(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setFormError(null);
    try {
      const hours = Number(formText(form, 'hours'));
      const serviceIds = form
        .getAll('serviceIds')
        .filter((v): v is string => typeof v === 'string' && v !== '');
      await api('POST', '/api/silences', {
        kind: formText(form, 'kind') === 'maintenance' ? 'maintenance' : 'silence',
        serviceIds,
        matchers: parseMatchers(formText(form, 'matchers')),
        endsAt: new Date(
          Date.now() + (Number.isFinite(hours) ? hours : 0) * 3_600_000,
        ).toISOString(),
        reason: formText(form, 'reason'),
      });
      formElement.reset();
      await load();
    } catch (e) {
      setFormError(e);
    }
  }
  async function expire(id: string) {
    try {
      await api('POST', `/api/silences/${id}/expire`, {});
      await load();
    } catch (e) {
      setError(e);
    }
  }
  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;

  return (
    <section className="stack">
      <p>
        <Link to="/incidents">← Incidents</Link>
      </p>
      <h1>Silences and maintenance windows</h1>
      <p className="muted">
        Matching alerts are stored and visible but page no one. When a silence ends while an alert
        still fires, the alert can page again.
      </p>
      <FormError error={error} />
      {canWrite && (
        <form className="card" onSubmit={(e) => void create(e)} noValidate aria-label="New silence">
          <h2>New silence</h2>
          <div className="field">
            <label htmlFor="silence-kind">Kind</label>
            <select id="silence-kind" name="kind" defaultValue="silence">
              <option value="silence">Silence (label matchers)</option>
              <option value="maintenance">Maintenance window (whole services)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="silence-services">Services (optional for a silence)</label>
            <select
              id="silence-services"
              name="serviceIds"
              multiple
              size={Math.min(6, Math.max(2, services.length))}
            >
              {services.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <TextField
            label="Matchers"
            name="matchers"
            field="matchers"
            error={formError}
            placeholder='alertname=DbDown, instance=~"db-.*"'
            hint="label=value, label!=value, label=~regex, label!~regex, separated by commas. Regexes match the whole value."
          />
          <TextField
            label="Hours"
            name="hours"
            type="number"
            min="0.1"
            step="0.1"
            defaultValue="2"
            field="endsAt"
            error={formError}
          />
          <TextField label="Reason" name="reason" field="reason" error={formError} required />
          <FormError error={formError} fields={['reason', 'endsAt']} />
          <div className="actions">
            <button type="submit" className="button">
              Create
            </button>
          </div>
        </form>
      )}
      {items !== null && items.length === 0 && <p className="muted">No silences yet.</p>}
      {items !== null && items.length > 0 && (
        <table className="table" aria-label="Silences">
          <thead>
            <tr>
              <th>State</th>
              <th>What</th>
              <th>Reason</th>
              <th>Ends</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <td>
                  <span
                    className={`badge badge-${s.state === 'active' ? 'acknowledged' : 'resolved'}`}
                  >
                    {s.state}
                  </span>
                </td>
                <td>
                  {s.kind === 'maintenance' ? 'Maintenance: ' : ''}
                  {s.serviceIds.map(serviceName).join(', ')}
                  {s.serviceIds.length > 0 && s.matchers.length > 0 ? ' · ' : ''}
                  <code>{showMatchers(s.matchers)}</code>
                </td>
                <td>
                  {s.reason} <span className="muted small">({s.createdBy})</span>
                </td>
                <td>
                  <Ago iso={s.endsAt} />
                </td>
                <td>
                  {canWrite && s.state !== 'expired' && (
                    <button
                      type="button"
                      className="button button-quiet"
                      onClick={() => void expire(s.id)}
                    >
                      End now
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
