// Loading, empty and error states, in words.
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** The sentence to show for an error: the API's own message where there is one. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const msg = error.message.charAt(0).toUpperCase() + error.message.slice(1);
    if (error.status === 429 && error.retryAfter) return `${msg} Try again in ${error.retryAfter} seconds.`;
    return msg;
  }
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div className="error-note" role="alert">
      {title && <strong>{title} </strong>}
      {messageOf(error)}
    </div>
  );
}

/** Renders the query's states; children only once there is data. */
export function QueryState<T>({
  query,
  what,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean };
  what?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.error) return <ErrorNote error={query.error} />;
  return <Loading what={what} />;
}

/** A field's error message from an API validation error. */
export function fieldError(error: unknown, ...paths: string[]): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  for (const p of paths) if (error.fields[p]) return error.fields[p];
  return undefined;
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

/** Field errors of a list field (`em_ids`, `em_ids[2]`, …) as sentences, with the item named. */
export function listFieldErrors(error: unknown, field: string, nameOf: (index: number) => string | undefined): string[] {
  if (!(error instanceof ApiError)) return [];
  const out: string[] = [];
  for (const [path, msg] of Object.entries(error.fields)) {
    if (path === field) out.push(msg);
    const m = new RegExp(`^${field}\\[(\\d+)\\]$`).exec(path);
    if (m) out.push(`${nameOf(Number(m[1])) ?? `Item ${Number(m[1]) + 1}`} ${msg}`);
  }
  return out;
}
