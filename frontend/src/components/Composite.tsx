// A composite as the screens show it, with how many criteria it is over
// when that is not all of them: a mean of 8 of 9 criteria must not pass for
// a mean of the whole framework.
import { formatComposite, formatSignedComposite, ratedNote } from '../lib/format';

export function Composite({
  value,
  rated,
  total,
  signed,
}: {
  value: number | null | undefined;
  rated: number;
  total: number;
  /** a difference (the gap view): "+0.25", "−0.13" */
  signed?: boolean;
}) {
  const note = value == null ? '' : ratedNote(rated, total);
  return (
    <>
      {signed ? formatSignedComposite(value) : formatComposite(value)}
      {note && <span className="rated-note muted small-text"> {note}</span>}
    </>
  );
}
