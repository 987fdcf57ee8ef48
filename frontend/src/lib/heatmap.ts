// The board's colour scales. Colour is never the only signal: every cell
// also shows its value as text. All colours keep dark text readable
// (contrast above 4.5:1 with #1b1f24).
import type { CellScores, PeerCounts, Scale } from '../api/types';
import { formatSigned } from './format';

export type HeatView = 'director' | 'self' | 'peer' | 'gap';

export const NO_VALUE = '#eef0f3';

// Below the bar: from red (lowest) to amber (just below); at and above the
// bar: from light green (at the bar) to green (the top of the scale).
const BELOW_LOW = [0xf1, 0xa9, 0x9b] as const;
const BELOW_HIGH = [0xf7, 0xdc, 0x9f] as const;
const ABOVE_LOW = [0xc8, 0xe6, 0xc3] as const;
const ABOVE_HIGH = [0x86, 0xcc, 0x97] as const;

type RGB = readonly [number, number, number];

function hex([r, g, b]: RGB): string {
  return '#' + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

function mix(a: RGB, b: RGB, t: number): RGB {
  const k = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}

/** A score's background: red→amber below the bar, light→deep green from the bar up. */
export function scoreColour(score: number | null | undefined, scale: Scale): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return NO_VALUE;
  const s = Math.min(scale.max, Math.max(scale.min, score));
  if (s < scale.bar) {
    const span = scale.bar - 1 - scale.min;
    return hex(mix(BELOW_LOW, BELOW_HIGH, span > 0 ? (s - scale.min) / span : 1));
  }
  const span = scale.max - scale.bar;
  return hex(mix(ABOVE_LOW, ABOVE_HIGH, span > 0 ? (s - scale.bar) / span : 0));
}

// Director above self: blue; director below self: orange. Two or more
// apart is the `self_gap` flag's threshold, so it gets the strong shade.
const GAP_COLOURS = {
  same: '#f6f7f9',
  upSmall: '#d6e6f7',
  upLarge: '#a9cbef',
  downSmall: '#fbe1c8',
  downLarge: '#f5bd8a',
};

/** The gap director − self: text "+1"/"−2"/"0" and its colour; null when either is missing. */
export function gapOf(director: number | null | undefined, self: number | null | undefined): number | null {
  if (director === null || director === undefined || self === null || self === undefined) return null;
  return director - self;
}

export function gapColour(gap: number | null): string {
  if (gap === null) return NO_VALUE;
  if (gap === 0) return GAP_COLOURS.same;
  if (gap > 0) return gap >= 2 ? GAP_COLOURS.upLarge : GAP_COLOURS.upSmall;
  return gap <= -2 ? GAP_COLOURS.downLarge : GAP_COLOURS.downSmall;
}

export const PEER_COLOURS = {
  none: NO_VALUE,
  positive: '#c8e6c3',
  mixed: '#f7dc9f',
  concern: '#f1a99b',
  neutral: '#e3e6ea',
};

export function peerTone(p: Partial<PeerCounts> | undefined): keyof typeof PEER_COLOURS {
  const strong = p?.strong ?? 0;
  const support = p?.support ?? 0;
  const neutral = p?.neutral ?? 0;
  const concern = p?.concern ?? 0;
  const positive = strong + support;
  if (positive + neutral + concern === 0) return 'none';
  if (concern > 0) return positive > 0 ? 'mixed' : 'concern';
  return positive > 0 ? 'positive' : 'neutral';
}

export function peerText(p: Partial<PeerCounts> | undefined): { short: string; long: string } {
  const parts: [number, string, string][] = [
    [p?.strong ?? 0, 'S', 'strong'],
    [p?.support ?? 0, '+', 'support'],
    [p?.neutral ?? 0, '=', 'neutral'],
    [p?.concern ?? 0, '!', 'concern'],
  ];
  const present = parts.filter(([n]) => n > 0);
  if (present.length === 0) return { short: '–', long: 'no peer notes' };
  return {
    short: present.map(([n, s]) => `${n}${s}`).join(' '),
    long: present.map(([n, , l]) => `${n} ${l}`).join(', '),
  };
}

export interface CellView {
  /** what the cell shows */
  text: string;
  /** the same in words (the peer view's short text needs them) */
  label: string;
  colour: string;
  /** a score under the bar, said in words next to the number */
  below?: boolean;
}

/** A board cell's scores; peer counts may leave out zeros. */
export type CellInput = Omit<CellScores, 'peer'> & { peer?: Partial<PeerCounts> };

/** One board cell in the chosen view. */
export function cellView(cell: CellInput | undefined, view: HeatView, scale: Scale): CellView {
  switch (view) {
    case 'director':
    case 'self': {
      const v = cell?.[view] ?? null;
      const who = view === 'director' ? 'director' : 'self';
      if (v === null) return { text: '–', label: `no ${who} score`, colour: NO_VALUE };
      const below = v < scale.bar;
      return { text: String(v), label: `${who} ${v}${below ? ', below the bar' : ''}`, colour: scoreColour(v, scale), below };
    }
    case 'gap': {
      const g = gapOf(cell?.director, cell?.self);
      if (g === null) return { text: '–', label: 'no gap: a score is missing', colour: NO_VALUE };
      return { text: formatSigned(g), label: `director minus self ${formatSigned(g)}`, colour: gapColour(g) };
    }
    case 'peer': {
      const t = peerText(cell?.peer);
      return { text: t.short, label: t.long, colour: PEER_COLOURS[peerTone(cell?.peer)] };
    }
  }
}
