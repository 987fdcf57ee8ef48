// Admin: provisioning from the identity provider. The SCIM base URL and the
// bearer tokens Okta or Entra ID use to keep people and reporting lines in
// step; a new token is shown once, here, and never again.
import { useId, useState, type FormEvent } from 'react';
import { useCreateScimToken, useRevokeScimToken, useScimTokens } from '../../api/queries';
import type { CreatedScimToken, ScimToken } from '../../api/types';
import { ConfirmDialog } from '../../components/Dialog';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { formatDate } from '../../lib/format';

/** The SCIM base URL an identity provider is given: this server's /scim/v2. */
export function scimBaseUrl(origin: string = window.location.origin): string {
  return `${origin}/scim/v2`;
}

export default function Provisioning() {
  const id = useId();
  const tokens = useScimTokens();
  const create = useCreateScimToken();
  const revoke = useRevokeScimToken();
  const [name, setName] = useState('');
  const [made, setMade] = useState<CreatedScimToken | null>(null);
  const [revoking, setRevoking] = useState<ScimToken | null>(null);
  const base = scimBaseUrl();

  function submit(ev: FormEvent) {
    ev.preventDefault();
    setMade(null);
    create.mutate(name.trim(), {
      onSuccess: (t) => {
        setMade(t);
        setName('');
      },
    });
  }

  return (
    <Page
      title="Provisioning"
      lead="Let your identity provider (Okta, Entra ID) keep people, roles and reporting lines up to date over SCIM 2.0."
    >
      <section className="card" aria-labelledby={`${id}-base`}>
        <h2 id={`${id}-base`}>SCIM base URL</h2>
        <p>Paste this into the identity provider's provisioning settings, with a token made below.</p>
        <p>
          <code>{base}</code> <CopyButton text={base} label="Copy the base URL" />
        </p>
      </section>

      <section className="card" aria-labelledby={`${id}-new`}>
        <h2 id={`${id}-new`}>New token</h2>
        <form onSubmit={submit} noValidate>
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={200}
            placeholder="Okta"
            onChange={(e) => setName(e.target.value)}
            aria-describedby={`${id}-name-err`}
          />
          <FieldError id={`${id}-name-err`} message={fieldError(create.error, 'name')} />
          <button type="submit" disabled={create.isPending || name.trim() === ''}>
            Make token
          </button>
        </form>
        <ErrorNote error={create.error && !fieldError(create.error, 'name') ? create.error : null} />
        {made && (
          <div className="notice" role="status">
            <p>
              <strong>Copy the token for “{made.name}” now: it is shown only this once.</strong> Anyone who has it can
              create, change and deactivate people of your organisation.
            </p>
            <p>
              <code>{made.token}</code> <CopyButton text={made.token} label="Copy the token" />
            </p>
          </div>
        )}
      </section>

      <section aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>Tokens</h2>
        <ErrorNote error={revoke.error && !revoking ? revoke.error : null} />
        <QueryState query={tokens} what="Loading tokens">
          {(list) =>
            list.length === 0 ? (
              <Empty>No tokens yet.</Empty>
            ) : (
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">SCIM tokens</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Created</th>
                      <th scope="col">Last used</th>
                      <th scope="col">Status</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((t) => (
                      <tr key={t.id} className={t.revoked_at ? 'inactive' : undefined}>
                        <th scope="row">{t.name}</th>
                        <td>{formatDate(t.created_at)}</td>
                        <td>{t.last_used_at ? formatDate(t.last_used_at) : 'Never'}</td>
                        <td>{t.revoked_at ? `Revoked ${formatDate(t.revoked_at)}` : 'Active'}</td>
                        <td>
                          {!t.revoked_at && (
                            <button
                              type="button"
                              className="secondary small"
                              onClick={() => setRevoking(t)}
                              aria-label={`Revoke ${t.name}`}
                            >
                              Revoke
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryState>
      </section>

      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke"
        danger
        busy={revoke.isPending}
        error={revoke.error}
        onCancel={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) });
        }}
      >
        <p>The identity provider using it is refused from its next request. People it made stay as they are.</p>
      </ConfirmDialog>
    </Page>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary small"
      aria-label={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setCopied(true));
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
