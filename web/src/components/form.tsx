import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { Link } from '../router.tsx';

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & {
  label: string;
  /** The API field name this input maps to, so a server error can point at it. */
  field?: string;
  error?: unknown;
  hint?: ReactNode;
};

/** A labelled input that shows the server's error when the error names this field. */
export function TextField({ label, field, error, hint, ...input }: FieldProps) {
  const id = useId();
  const message = error instanceof ApiError && field !== undefined ? error.messageFor(field) : null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={message !== null}
        aria-describedby={message !== null ? `${id}-error` : undefined}
        {...input}
      />
      {hint !== undefined && <div className="hint">{hint}</div>}
      {message !== null && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {message}
        </div>
      )}
    </div>
  );
}

/** Shows an error that is not about one field (or any error, when `always`). */
export function FormError({ error, fields = [] }: { error: unknown; fields?: readonly string[] }) {
  if (error === null || error === undefined) return null;
  // Problems with fields the form shows are shown at those fields; the rest here, each once.
  const messages =
    error instanceof ApiError && error.fields.length > 0
      ? error.fields.filter((f) => !fields.includes(f.field)).map((f) => f.message)
      : [error instanceof Error ? error.message : 'Something went wrong.'];
  if (messages.length === 0) return null;
  return (
    <div className="notice notice-error" role="alert">
      {messages.length === 1 ? (
        messages[0]
      ) : (
        <ul>
          {messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The text a form field holds ('' when absent or a file). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * A detail page whose record could not be shown: while loading a quiet line; on failure a
 * heading that says what happened, the reason, and a way back (never just a red box).
 */
export function NotLoaded({
  error,
  what,
  back,
}: {
  error: unknown;
  /** "incident", "alert", "service". */
  what: string;
  back: { to: string; label: string };
}) {
  if (error === null || error === undefined)
    return (
      <p className="muted" aria-busy="true">
        Loading the {what}…
      </p>
    );
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <section>
      <h1>{missing ? `No such ${what}` : `The ${what} could not be loaded`}</h1>
      {missing ? (
        <p className="muted">It may have been deleted, or the link is wrong.</p>
      ) : (
        <FormError error={error} />
      )}
      <p>
        <Link to={back.to}>{back.label}</Link>
      </p>
    </section>
  );
}
