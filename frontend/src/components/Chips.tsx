import type { Flag, Readiness } from '../api/types';
import { flagLabel, readinessLabel } from '../lib/format';

/** Flag chips: the code's name, with the criterion, and the full message for those who ask. */
export function FlagChips({
  flags,
  titles,
  compact,
}: {
  flags: readonly Flag[];
  titles?: Record<string, string>;
  /** only the flag's name on the chip; the criterion and message are in its title and for screen readers */
  compact?: boolean;
}) {
  if (flags.length === 0) return <span className="muted">No flags</span>;
  return (
    <ul className="chips" aria-label="Flags">
      {flags.map((f, i) => (
        <li key={i} className={`chip flag-${f.code}`} title={f.message}>
          {flagLabel(f.code)}
          {f.criterion && !compact ? `: ${titles?.[f.criterion] ?? f.criterion}` : ''}
          <span className="visually-hidden">. {f.message}</span>
        </li>
      ))}
    </ul>
  );
}

export function ReadinessBadge({ value, empty }: { value: Readiness | null | undefined; empty?: string }) {
  return <span className={`badge readiness-${value ?? 'none'}`}>{readinessLabel(value, empty)}</span>;
}
