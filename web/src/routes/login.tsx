import { useState, type SubmitEvent } from 'react';
import type { SessionResponse } from '../../../src/contracts/accounts.ts';
import { api } from '../api.ts';
import { FormError, formText, TextField } from '../components/form.tsx';
import { Centered } from '../components/layout.tsx';
import { useSession } from '../session.tsx';

/** Log in with email and password. */
export function LoginPage({ expired }: { expired: boolean }) {
  const { signedIn } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      signedIn(
        await api<SessionResponse>('POST', '/api/auth/login', {
          email: formText(form, 'email'),
          password: formText(form, 'password'),
        }),
      );
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Centered title="Log in">
      {expired && (
        <div className="notice">Your session ended. Log in again to carry on where you were.</div>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Email"
          name="email"
          field="email"
          type="email"
          autoComplete="username"
          required
          error={error}
        />
        <TextField
          label="Password"
          name="password"
          field="password"
          type="password"
          autoComplete="current-password"
          required
          error={error}
        />
        <FormError error={error} fields={['email', 'password']} />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </Centered>
  );
}
