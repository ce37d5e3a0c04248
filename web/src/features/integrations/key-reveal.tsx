import type { KeyResponse } from '../../../../src/contracts/integrations.ts';
import { snippetsFor } from './snippets.ts';

function Copy({ text, label }: { text: string; label: string }) {
  return (
    <button
      type="button"
      className="button button-quiet"
      aria-label={label}
      onClick={() => void navigator.clipboard.writeText(text)}
    >
      Copy
    </button>
  );
}

/**
 * The key, the URL and ready-to-paste sender configuration, right after the key is made.
 * Steady keeps only a hash of the key, so this is the one time it can be shown.
 */
export function KeyReveal({ created, onDone }: { created: KeyResponse; onDone: () => void }) {
  const { integration, key, intakeUrl, signingSecret } = created;
  return (
    <section className="notice notice-ok stack" role="status" aria-label="New integration key">
      <p>
        <strong>{integration.name}</strong> is ready. Copy the key now: Steady stores only a hash of
        it and cannot show it again.
      </p>
      <dl className="facts">
        <dt>Key</dt>
        <dd className="secret">
          <code data-testid="integration-key">{key}</code>
          <Copy text={key} label="Copy the key" />
        </dd>
        <dt>URL</dt>
        <dd className="secret">
          <code data-testid="integration-url">{intakeUrl}</code>
          <Copy text={intakeUrl} label="Copy the URL" />
        </dd>
        {signingSecret !== undefined && (
          <>
            <dt>Signing secret</dt>
            <dd className="secret">
              <code data-testid="integration-secret">{signingSecret}</code>
              <Copy text={signingSecret} label="Copy the signing secret" />
            </dd>
          </>
        )}
      </dl>
      {snippetsFor(integration.type, intakeUrl, key).map((snippet) => (
        <div key={snippet.title}>
          <div className="snippet-head">
            <span>{snippet.title}</span>
            <Copy text={snippet.text} label={`Copy: ${snippet.title}`} />
          </div>
          <pre className="code" data-language={snippet.language}>
            {snippet.text}
          </pre>
        </div>
      ))}
      <button type="button" className="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}
