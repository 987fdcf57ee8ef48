// Language hints in a text field: the text cut into plain and hinted
// segments to draw the underlines, and hints carried over an edit until the
// next answer of POST /language-hints. Offsets count Unicode code points,
// as the API's do: a string is sliced as Array.from(text), never by UTF-16
// index, so an emoji or an accent before a word does not shift its mark.

/** What the field needs of a hint: where it is and what it says. */
export interface Span {
  start: number;
  end: number;
  message: string;
}

export interface Segment<H extends Span = Span> {
  text: string;
  /** the hint this segment is underlined for; none for plain text */
  hint?: H;
}

/**
 * The text cut at the hints' offsets, in order: plain segments between
 * hinted ones. Hints are taken by position; one that overlaps an earlier
 * one, is empty or lies outside the text is left out (and one that runs
 * past the end is cut there). Joining the segments' texts gives the text.
 */
export function hintSegments<H extends Span>(text: string, hints: readonly H[]): Segment<H>[] {
  const chars = Array.from(text);
  const sorted = [...hints].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Segment<H>[] = [];
  let at = 0;
  for (const h of sorted) {
    const start = Math.max(0, Math.trunc(h.start));
    const end = Math.min(chars.length, Math.trunc(h.end));
    if (!(start >= at && end > start)) continue;
    if (start > at) out.push({ text: chars.slice(at, start).join('') });
    out.push({ text: chars.slice(start, end).join(''), hint: h });
    at = end;
  }
  if (at < chars.length || out.length === 0) out.push({ text: chars.slice(at).join('') });
  return out;
}

/**
 * Hints of the text `from` moved onto the text `to` after an edit: the
 * ones before the changed part keep their offsets, the ones after it
 * shift by what the edit added or removed, and the ones the edit touched
 * are dropped (the next answer of the API brings them back if they still
 * hold). The changed part is what lies between the longest common prefix
 * and the longest common suffix of the two texts.
 */
export function rebaseHints<H extends Span>(hints: readonly H[], from: string, to: string): H[] {
  if (from === to) return [...hints];
  const a = Array.from(from);
  const b = Array.from(to);
  const most = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < most && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < most - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const changedEnd = a.length - suffix; // in `from`: where the unchanged tail starts
  const shift = b.length - a.length;
  const out: H[] = [];
  for (const h of hints) {
    if (h.end <= prefix) out.push(h);
    else if (h.start >= changedEnd) out.push({ ...h, start: h.start + shift, end: h.end + shift });
  }
  return out;
}
