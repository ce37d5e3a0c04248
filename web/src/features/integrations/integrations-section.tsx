import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import {
  integrationTypeLabels,
  integrationTypes,
  type IntegrationType,
} from '../../../../src/contracts/integration-types.ts';
import type {
  CreateIntegrationRequest,
  IntegrationList,
  IntegrationView,
  KeyResponse,
  RejectionList,
  RejectionView,
} from '../../../../src/contracts/integrations.ts';
import { api } from '../../api.ts';
import { FormError, formText, TextField } from '../../components/form.tsx';
import { Ago } from '../../components/time.tsx';
import { KeyReveal } from './key-reveal.tsx';

const minutes = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;

function NewIntegration({
  serviceId,
  onCreated,
}: {
  serviceId: string;
  onCreated: (created: KeyResponse) => void;
}) {
  const [type, setType] = useState<IntegrationType>('alertmanager');
  const [error, setError] = useState<unknown>(null);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = formText(form, 'name').trim();
    const body: CreateIntegrationRequest = { serviceId, type };
    if (name !== '') body.name = name;
    if (type === 'sentry') body.signingSecret = formText(form, 'signingSecret').trim();
    if (type === 'generic' && form.get('generateSigningSecret') === 'on')
      body.generateSigningSecret = true;
    if (type === 'heartbeat') {
      body.heartbeat = {
        periodSeconds: Math.round(Number(formText(form, 'periodMinutes')) * 60),
        graceSeconds: Math.round(Number(formText(form, 'graceMinutes')) * 60),
      };
    }
    setError(null);
    try {
      const created = await api<KeyResponse>('POST', '/api/integrations', body);
      formElement.reset();
      onCreated(created);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="card">
      <h3>Add an integration</h3>
      <div className="field">
        <label htmlFor="integration-type">Type</label>
        <select
          id="integration-type"
          value={type}
          onChange={(e) => setType(e.target.value as IntegrationType)}
        >
          {integrationTypes.map((t) => (
            <option key={t} value={t}>
              {integrationTypeLabels[t]}
            </option>
          ))}
        </select>
      </div>
      <TextField
        label="Name (optional)"
        name="name"
        field="name"
        placeholder={type}
        error={error}
      />
      {type === 'sentry' && (
        <TextField
          label="Sentry client secret"
          name="signingSecret"
          field="signingSecret"
          required
          autoComplete="off"
          hint="From your Sentry internal integration. Steady checks Sentry-Hook-Signature with it."
          error={error}
        />
      )}
      {type === 'generic' && (
        <label className="check field">
          <input type="checkbox" name="generateSigningSecret" />
          Require signed requests (Standard Webhooks); Steady makes the secret
        </label>
      )}
      {type === 'heartbeat' && (
        <div className="row">
          <TextField
            label="Expected every (minutes)"
            name="periodMinutes"
            field="heartbeat"
            type="number"
            min={1}
            defaultValue={60}
            error={error}
          />
          <TextField
            label="Grace (minutes)"
            name="graceMinutes"
            type="number"
            min={1}
            defaultValue={5}
            hint="How late a ping may be before it counts as missed."
          />
        </div>
      )}
      <FormError error={error} fields={['name', 'signingSecret', 'heartbeat']} />
      <button type="submit" className="button">
        Add integration
      </button>
    </form>
  );
}

function Rejections({ integration }: { integration: IntegrationView }) {
  const [items, setItems] = useState<RejectionView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<RejectionList>('GET', `/api/integrations/${integration.id}/rejections`).then(
      (list) => setItems(list.items),
      setError,
    );
  }, [integration.id]);
  if (error !== null) return <FormError error={error} />;
  if (items === null) return <p className="muted">Loading…</p>;
  if (items.length === 0)
    return (
      <p className="muted">
        Nothing refused lately. If alerts still do not arrive, check the URL and key the sender
        uses.
      </p>
    );
  return (
    <table className="table" aria-label={`Refused requests for ${integration.name}`}>
      <thead>
        <tr>
          <th>When</th>
          <th>Status</th>
          <th>Why</th>
          <th>Body (start)</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id}>
            <td>
              <Ago iso={r.receivedAt} />
              {r.remoteIp !== null && <div className="muted small">{r.remoteIp}</div>}
            </td>
            <td>
              {r.statusCode} <span className="muted small">{r.code}</span>
            </td>
            <td>
              {r.message}
              {r.field !== null && (
                <div className="muted small">
                  field <code>{r.field}</code>
                </div>
              )}
            </td>
            <td>
              <code className="excerpt">{r.bodyExcerpt}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function IntegrationCard({
  integration,
  canWrite,
  onChanged,
  onKey,
}: {
  integration: IntegrationView;
  canWrite: boolean;
  onChanged: () => Promise<void>;
  onKey: (created: KeyResponse) => void;
}) {
  const [showRejections, setShowRejections] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heartbeat = integration.heartbeat;

  async function act(run: () => Promise<void>) {
    setError(null);
    try {
      await run();
      await onChanged();
    } catch (e) {
      setError(e);
    }
  }
  const rotate = () =>
    act(async () => {
      if (
        !window.confirm(
          `Make a new key for "${integration.name}"? The old key keeps working for 60 minutes.`,
        )
      )
        return;
      onKey(await api<KeyResponse>('POST', `/api/integrations/${integration.id}/rotate-key`, {}));
    });
  const toggle = () =>
    act(async () => {
      await api('PATCH', `/api/integrations/${integration.id}`, {
        enabled: !integration.enabled,
      });
    });
  const remove = () =>
    act(async () => {
      if (
        !window.confirm(
          `Delete "${integration.name}"? Senders using its key get 404 from now on. Its alerts stay.`,
        )
      )
        return;
      await api('DELETE', `/api/integrations/${integration.id}`);
    });

  return (
    <li>
      <section className="card" aria-labelledby={`integration-${integration.id}`}>
        <div className="page-head">
          <h3 id={`integration-${integration.id}`}>{integration.name}</h3>
          <span className="muted">{integrationTypeLabels[integration.type]}</span>
          {!integration.enabled && <span className="badge badge-disabled">disabled</span>}
          {heartbeat !== null && (
            <span className={`badge badge-heartbeat-${heartbeat.status}`}>{heartbeat.status}</span>
          )}
        </div>
        <dl className="facts">
          <dt>URL</dt>
          <dd>
            <code>{integration.intakeUrl}</code>
          </dd>
          <dt>Key</dt>
          <dd>
            <code>{integration.keyPrefix}</code>
            {integration.previousKeyExpiresAt !== null && (
              <span className="muted small">
                {' '}
                (the previous key works until{' '}
                {new Date(integration.previousKeyExpiresAt).toLocaleString()})
              </span>
            )}
          </dd>
          {integration.signed && (
            <>
              <dt>Signed</dt>
              <dd>requests must carry a valid signature</dd>
            </>
          )}
          {integration.rateLimitPerMinute !== null && (
            <>
              <dt>Rate limit</dt>
              <dd>{integration.rateLimitPerMinute} requests a minute</dd>
            </>
          )}
          {heartbeat !== null && (
            <>
              <dt>Expected</dt>
              <dd>
                every {minutes(heartbeat.periodSeconds)}, {minutes(heartbeat.graceSeconds)} grace
              </dd>
              <dt>Last ping</dt>
              <dd>
                {heartbeat.lastPingAt === null ? (
                  <span className="muted">none yet</span>
                ) : (
                  <>
                    <Ago iso={heartbeat.lastPingAt} />
                    {heartbeat.lastPingAt !== heartbeat.lastSuccessAt && ' (a failure)'}
                  </>
                )}
              </dd>
              {heartbeat.lastSuccessAt !== null &&
                heartbeat.lastSuccessAt !== heartbeat.lastPingAt && (
                  <>
                    <dt>Last success</dt>
                    <dd>
                      <Ago iso={heartbeat.lastSuccessAt} />
                    </dd>
                  </>
                )}
              {/* One line that agrees with the status: a monitor that is down waits for a
                  success, not for "the first ping". */}
              <dt>{heartbeat.status === 'down' ? 'Back up' : 'Missed after'}</dt>
              <dd>
                {heartbeat.status === 'down' ? (
                  'with the next successful ping'
                ) : heartbeat.dueAt === null ? (
                  <span className="muted">the first ping starts the clock</span>
                ) : (
                  <Ago iso={heartbeat.dueAt} />
                )}
              </dd>
            </>
          )}
        </dl>
        <FormError error={error} />
        <div className="actions">
          {canWrite && (
            <>
              <button type="button" className="button" onClick={() => void rotate()}>
                Rotate key
              </button>
              <button type="button" className="button" onClick={() => void toggle()}>
                {integration.enabled ? 'Disable' : 'Enable'}
              </button>
              <button type="button" className="button button-danger" onClick={() => void remove()}>
                Delete
              </button>
              <button
                type="button"
                className="button button-quiet"
                aria-expanded={showRejections}
                onClick={() => setShowRejections((s) => !s)}
              >
                Refused requests
              </button>
            </>
          )}
        </div>
        {showRejections && <Rejections integration={integration} />}
      </section>
    </li>
  );
}

/** A service's integrations: where each one receives, and (for admins) how to add and manage them. */
export function IntegrationsSection({
  serviceId,
  canWrite,
}: {
  serviceId: string;
  canWrite: boolean;
}) {
  const [items, setItems] = useState<IntegrationView[] | null>(null);
  const [revealed, setRevealed] = useState<KeyResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      const list = await api<IntegrationList>(
        'GET',
        `/api/integrations?serviceId=${encodeURIComponent(serviceId)}`,
      );
      setItems(list.items);
    } catch (e) {
      setError(e);
    }
  }, [serviceId]);
  useEffect(() => void load(), [load]);

  const showKey = (created: KeyResponse) => {
    setRevealed(created);
    void load();
  };

  return (
    <section className="stack" aria-labelledby="integrations-heading">
      <h2 id="integrations-heading">Integrations</h2>
      <FormError error={error} />
      {revealed !== null && <KeyReveal created={revealed} onDone={() => setRevealed(null)} />}
      {items !== null && items.length === 0 && (
        <p className="muted">
          No integrations yet. Add one for each tool that should send this service&apos;s alerts.
        </p>
      )}
      {items !== null && items.length > 0 && (
        <ul className="plain stack">
          {items.map((integration) => (
            <IntegrationCard
              key={integration.id}
              integration={integration}
              canWrite={canWrite}
              onChanged={load}
              onKey={showKey}
            />
          ))}
        </ul>
      )}
      {canWrite && <NewIntegration serviceId={serviceId} onCreated={showKey} />}
    </section>
  );
}
