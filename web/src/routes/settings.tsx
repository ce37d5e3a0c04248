import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type {
  ApiTokenList,
  ApiTokenView,
  CreateApiTokenResponse,
  SessionList,
  SessionResponse,
} from '../../../src/contracts/accounts.ts';
import { scopes, type Scope } from '../../../src/contracts/access.ts';
import { api } from '../api.ts';
import { FormError, formText, TextField } from '../components/form.tsx';
import { useCurrentUser, useSession } from '../session.tsx';

const when = (iso: string | null) => (iso === null ? '—' : new Date(iso).toLocaleString());

function ChangePassword() {
  const { signedIn } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    setDone(false);
    try {
      const session = await api<SessionResponse>('POST', '/api/me/password', {
        currentPassword: formText(form, 'currentPassword'),
        newPassword: formText(form, 'newPassword'),
      });
      signedIn(session);
      formElement.reset();
      setDone(true);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Current password"
          name="currentPassword"
          field="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={error}
        />
        <TextField
          label="New password"
          name="newPassword"
          field="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          error={error}
          hint="At least 12 characters. Changing it logs you out everywhere else."
        />
        <FormError error={error} fields={['currentPassword', 'newPassword']} />
        {done && (
          <div className="notice notice-ok" role="status">
            Password changed. Other sessions were logged out.
          </div>
        )}
        <button type="submit" className="button">
          Change password
        </button>
      </form>
    </section>
  );
}

function NewToken({ onCreated }: { onCreated: (created: CreateApiTokenResponse) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<Set<Scope>>(new Set(['incidents:read', 'alerts:read']));

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const days = formText(form, 'expiresInDays').trim();
    setError(null);
    try {
      const created = await api<CreateApiTokenResponse>('POST', '/api/me/tokens', {
        name: formText(form, 'name'),
        scopes: [...chosen],
        ...(days === '' ? {} : { expiresInDays: Number(days) }),
      });
      formElement.reset();
      onCreated(created);
    } catch (e) {
      setError(e);
    }
  }

  const toggle = (scope: Scope) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(scope)) next.delete(scope);
      else next.add(scope);
      return next;
    });

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="stack">
      <TextField
        label="Token name"
        name="name"
        field="name"
        required
        placeholder="e.g. deploy script"
        error={error}
      />
      <fieldset>
        <legend>Scopes</legend>
        <div className="checks">
          {scopes.map((scope) => (
            <label key={scope} className="check">
              <input
                type="checkbox"
                name="scope"
                value={scope}
                checked={chosen.has(scope)}
                onChange={() => toggle(scope)}
              />
              {scope}
            </label>
          ))}
        </div>
        <div className="hint">
          A write scope includes reading the same area. The token never exceeds your role.
        </div>
      </fieldset>
      <TextField
        label="Expires after (days, optional)"
        name="expiresInDays"
        field="expiresInDays"
        type="number"
        min={1}
        max={3650}
        error={error}
      />
      <FormError error={error} fields={['name', 'expiresInDays']} />
      <button type="submit" className="button">
        Create token
      </button>
    </form>
  );
}

function ApiTokens() {
  const [tokens, setTokens] = useState<ApiTokenView[] | null>(null);
  const [created, setCreated] = useState<CreateApiTokenResponse | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setTokens((await api<ApiTokenList>('GET', '/api/me/tokens')).items);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function revoke(token: ApiTokenView) {
    if (!window.confirm(`Revoke "${token.name}"? Anything using it stops working at once.`)) return;
    try {
      await api('DELETE', `/api/me/tokens/${encodeURIComponent(token.id)}`);
      await load();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p className="muted">
        For scripts and tools. Send as <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      {created !== null && (
        <div className="notice notice-ok" role="status">
          <p>
            Token <strong>{created.apiToken.name}</strong> created. Copy it now: it is shown only
            once.
          </p>
          <div className="secret">
            <code data-testid="new-token">{created.token}</code>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => void navigator.clipboard.writeText(created.token)}
            >
              Copy
            </button>
          </div>
        </div>
      )}
      <FormError error={error} />
      {tokens !== null && tokens.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Token</th>
              <th>Scopes</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id} className={token.revokedAt !== null ? 'revoked' : undefined}>
                <td>{token.name}</td>
                <td>
                  <code>{token.prefix}</code>
                </td>
                <td>{token.scopes.join(', ')}</td>
                <td>
                  {token.lastUsedAt === null
                    ? 'never'
                    : `${when(token.lastUsedAt)} from ${token.lastUsedIp ?? '?'}`}
                </td>
                <td>{token.expiresAt === null ? 'never' : when(token.expiresAt)}</td>
                <td>
                  {token.revokedAt === null ? (
                    <button
                      type="button"
                      className="button button-danger"
                      onClick={() => void revoke(token)}
                    >
                      Revoke
                    </button>
                  ) : (
                    <span className="muted">revoked</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tokens !== null && tokens.length === 0 && <p className="muted">No tokens yet.</p>}
      <h3>New token</h3>
      <NewToken
        onCreated={(c) => {
          setCreated(c);
          void load();
        }}
      />
    </section>
  );
}

function Sessions() {
  const [sessions, setSessions] = useState<SessionList['items'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setSessions((await api<SessionList>('GET', '/api/me/sessions')).items);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function revoke(id: string) {
    try {
      await api('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`);
      await load();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are logged in</h2>
      <FormError error={error} />
      <ul className="list">
        {(sessions ?? []).map((s) => (
          <li key={s.id}>
            <span>
              {s.userAgent ?? 'Unknown browser'} · {s.ip ?? '?'} · last active {when(s.lastSeenAt)}
              {s.current && <strong> (this browser)</strong>}
            </span>
            {!s.current && (
              <button
                type="button"
                className="button button-quiet"
                onClick={() => void revoke(s.id)}
              >
                Log out
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The current user's own settings: profile, password, API tokens and sessions. */
export function SettingsPage() {
  const user = useCurrentUser();
  return (
    <section className="stack">
      <h1>Settings</h1>
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{user.role}</dd>
        </dl>
      </section>
      <ChangePassword />
      <ApiTokens />
      <Sessions />
    </section>
  );
}
