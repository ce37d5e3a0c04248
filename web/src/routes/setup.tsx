import { useState, type SubmitEvent } from 'react';
import type { SessionResponse } from '../../../src/contracts/accounts.ts';
import { api } from '../api.ts';
import { FormError, formText, TextField } from '../components/form.tsx';
import { Centered } from '../components/layout.tsx';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

const fields = ['email', 'name', 'password'] as const;

/** First run: create the owner account. */
export function SetupPage() {
  const { signedIn } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const session = await api<SessionResponse>('POST', '/api/setup/owner', {
        email: formText(form, 'email'),
        name: formText(form, 'name'),
        password: formText(form, 'password'),
      });
      navigate('/', { replace: true });
      signedIn(session);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Centered title="Create the owner account">
      <p className="muted">
        Welcome. Steady has no users yet. The owner can invite everyone else and change any setting.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Your name"
          name="name"
          field="name"
          autoComplete="name"
          required
          error={error}
        />
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
          autoComplete="new-password"
          required
          minLength={12}
          error={error}
          hint="At least 12 characters. A passphrase of a few words is easiest to type at 2 AM."
        />
        <FormError error={error} fields={fields} />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create the owner account'}
        </button>
      </form>
    </Centered>
  );
}
