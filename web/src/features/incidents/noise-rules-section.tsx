import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { NoiseRules, ServiceDependencies } from '../../../../src/contracts/incidents.ts';
import type { ServiceList, ServiceView } from '../../../../src/contracts/services.ts';
import { api } from '../../api.ts';
import { FormError, formText, TextField } from '../../components/form.tsx';

const int = (form: FormData, name: string) => Number(formText(form, name));

/** A service's noise rules and dependencies, editable by admins. */
export function NoiseRulesSection({
  serviceId,
  canWrite,
}: {
  serviceId: string;
  canWrite: boolean;
}) {
  const [rules, setRules] = useState<NoiseRules | null>(null);
  const [dependsOn, setDependsOn] = useState<string[]>([]);
  const [services, setServices] = useState<ServiceView[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setRules(await api<NoiseRules>('GET', `/api/services/${serviceId}/noise-rules`));
      setDependsOn(
        (await api<ServiceDependencies>('GET', `/api/services/${serviceId}/dependencies`))
          .dependsOn,
      );
      setServices((await api<ServiceList>('GET', '/api/services')).items);
    } catch (e) {
      setError(e);
    }
  }, [serviceId]);
  useEffect(() => void load(), [load]);

  async function saveRules(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setSaved(null);
    const count = int(form, 'thresholdCount');
    try {
      setRules(
        await api<NoiseRules>('PATCH', `/api/services/${serviceId}/noise-rules`, {
          groupBy: formText(form, 'groupBy')
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
          groupWindowSeconds: int(form, 'groupWindowSeconds'),
          groupWaitSeconds: int(form, 'groupWaitSeconds'),
          groupIntervalSeconds: int(form, 'groupIntervalSeconds'),
          repeatIntervalSeconds: int(form, 'repeatIntervalSeconds'),
          autoResolve: form.get('autoResolve') === 'on',
          flapCount: int(form, 'flapCount'),
          flapWindowSeconds: int(form, 'flapWindowSeconds'),
          thresholds:
            count > 0 ? [{ count, windowSeconds: int(form, 'thresholdWindowSeconds') }] : [],
        }),
      );
      setSaved('Rules saved.');
    } catch (e) {
      setError(e);
    }
  }
  async function saveDependencies(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setSaved(null);
    try {
      const chosen = form.getAll('dependsOn').filter((v): v is string => typeof v === 'string');
      setDependsOn(
        (
          await api<ServiceDependencies>('PUT', `/api/services/${serviceId}/dependencies`, {
            dependsOn: chosen,
          })
        ).dependsOn,
      );
      setSaved('Dependencies saved.');
    } catch (e) {
      setError(e);
    }
  }

  if (rules === null) return <FormError error={error} />;
  const threshold = rules.thresholds[0];
  const others = services.filter((s) => s.id !== serviceId);
  const fields = [
    'groupBy',
    'groupWindowSeconds',
    'groupWaitSeconds',
    'groupIntervalSeconds',
    'repeatIntervalSeconds',
    'flapCount',
    'flapWindowSeconds',
  ];
  return (
    <>
      <form
        className="card"
        onSubmit={(e) => void saveRules(e)}
        noValidate
        aria-label="Noise rules"
      >
        <h2>Noise rules</h2>
        <p className="muted">
          How alerts of this service become incidents and when a notification is due.
        </p>
        <fieldset disabled={!canWrite}>
          <TextField
            label="Group by (labels; class = alert name)"
            name="groupBy"
            field="groupBy"
            defaultValue={rules.groupBy.join(', ')}
            error={error}
          />
          <TextField
            label="Group window (s)"
            name="groupWindowSeconds"
            type="number"
            field="groupWindowSeconds"
            defaultValue={rules.groupWindowSeconds}
            error={error}
            hint="An alert joins an open incident of its group only this long after it opened."
          />
          <TextField
            label="Group wait (s)"
            name="groupWaitSeconds"
            type="number"
            field="groupWaitSeconds"
            defaultValue={rules.groupWaitSeconds}
            error={error}
            hint="Before the first notification: a burst becomes one message, a blip that resolves pages no one."
          />
          <TextField
            label="Group interval (s)"
            name="groupIntervalSeconds"
            type="number"
            field="groupIntervalSeconds"
            defaultValue={rules.groupIntervalSeconds}
            error={error}
            hint="Between notifications about new alerts joining."
          />
          <TextField
            label="Repeat interval (s)"
            name="repeatIntervalSeconds"
            type="number"
            field="repeatIntervalSeconds"
            defaultValue={rules.repeatIntervalSeconds}
            error={error}
            hint="Notify again while nobody has acknowledged."
          />
          <div className="field">
            <label>
              <input type="checkbox" name="autoResolve" defaultChecked={rules.autoResolve} />{' '}
              Resolve the incident when all its alerts resolve
            </label>
          </div>
          <TextField
            label="Threshold: events (0 = page on the first)"
            name="thresholdCount"
            type="number"
            field="thresholds/0/count"
            defaultValue={threshold?.count ?? 0}
            error={error}
          />
          <TextField
            label="Threshold: within (s)"
            name="thresholdWindowSeconds"
            type="number"
            field="thresholds/0/windowSeconds"
            defaultValue={threshold?.windowSeconds ?? 120}
            error={error}
          />
          <TextField
            label="Flapping after state changes"
            name="flapCount"
            type="number"
            field="flapCount"
            defaultValue={rules.flapCount}
            error={error}
          />
          <TextField
            label="Flap window (s)"
            name="flapWindowSeconds"
            type="number"
            field="flapWindowSeconds"
            defaultValue={rules.flapWindowSeconds}
            error={error}
          />
        </fieldset>
        <FormError error={error} fields={fields} />
        {saved !== null && (
          <div className="notice notice-ok" role="status">
            {saved}
          </div>
        )}
        {canWrite && (
          <div className="actions">
            <button type="submit" className="button">
              Save rules
            </button>
          </div>
        )}
      </form>
      <form className="card" onSubmit={(e) => void saveDependencies(e)} aria-label="Dependencies">
        <h2>Depends on</h2>
        <p className="muted">
          While a service this one depends on has an open incident, this service's alerts join that
          incident as symptoms instead of paging on their own. Vendors (payment provider, CDN) can
          be services too.
        </p>
        <fieldset disabled={!canWrite}>
          {others.length === 0 && <p className="muted">No other services yet.</p>}
          {others.map((s) => (
            <label key={s.id} className="checkbox">
              <input
                type="checkbox"
                name="dependsOn"
                value={s.id}
                defaultChecked={dependsOn.includes(s.id)}
              />{' '}
              {s.name}
            </label>
          ))}
        </fieldset>
        {canWrite && others.length > 0 && (
          <div className="actions">
            <button type="submit" className="button">
              Save dependencies
            </button>
          </div>
        )}
      </form>
    </>
  );
}
