// Meeting mode's keyboard shortcuts: one table, read by the key handler and
// by the help dialog, so the help lists exactly what the keys do.

export type MeetingAction = 'next' | 'previous' | 'decision' | 'discussed' | 'activity' | 'help';

export interface Shortcut {
  action: MeetingAction;
  /** KeyboardEvent.key values */
  keys: string[];
  /** the keys as the help names them */
  label: string;
  what: string;
}

// Left and Right move between EMs, not Up and Down: those keep scrolling
// the page, which a long EM panel needs.
export const MEETING_SHORTCUTS: Shortcut[] = [
  { action: 'next', keys: ['j', 'ArrowRight'], label: 'J or Right arrow', what: 'Next EM on the agenda' },
  { action: 'previous', keys: ['k', 'ArrowLeft'], label: 'K or Left arrow', what: 'Previous EM on the agenda' },
  { action: 'decision', keys: ['d'], label: 'D', what: 'Go to the decision' },
  { action: 'discussed', keys: ['m'], label: 'M', what: 'Mark the EM discussed, or not discussed' },
  { action: 'activity', keys: ['a'], label: 'A', what: 'Go to the activity' },
  { action: 'help', keys: ['?'], label: '?', what: 'Show these shortcuts' },
];

/** What a key event's target is, as far as shortcuts care. */
export interface KeyTarget {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  role?: string | null;
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  target: KeyTarget | null;
}

const TEXT_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'datetime-local', 'month', 'time', 'week']);
// Controls that arrow keys already move within.
const ARROW_ROLES = new Set(['radio', 'radiogroup', 'slider', 'listbox', 'option', 'menu', 'menuitem', 'tab', 'tablist', 'combobox', 'spinbutton', 'grid']);

/** Is the user typing (or using the arrows of a control) where the key lands? */
function ownsKey(t: KeyTarget, key: string): boolean {
  const tag = (t.tagName ?? '').toUpperCase();
  if (t.isContentEditable || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT' && TEXT_INPUTS.has((t.type ?? 'text').toLowerCase())) return true;
  if (key.startsWith('Arrow')) {
    if (tag === 'INPUT') return true; // radios and checkboxes move with the arrows
    if (t.role && ARROW_ROLES.has(t.role)) return true;
  }
  return false;
}

/**
 * The meeting action of a key press, or null: never with Ctrl, Cmd or Alt
 * (the browser's and the screen reader's own shortcuts), never while typing
 * in a field, and arrows never inside a control that uses them.
 */
export function meetingShortcut(e: KeyLike): MeetingAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.target && ownsKey(e.target, e.key)) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return MEETING_SHORTCUTS.find((s) => s.keys.includes(key))?.action ?? null;
}
