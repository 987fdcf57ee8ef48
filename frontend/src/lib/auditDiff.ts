// An audit entry's before and after as a readable list of changes
// ("Role: EM → Director"), never as raw JSON.

export interface FieldChange {
  field: string;
  label: string;
  from: string;
  to: string;
}

const LABELS: Record<string, string> = {
  manager_id: 'Reports to',
  em_since: 'EM since',
  em_id: 'EM',
  active: 'Status',
  reports_moved_to: 'Reports moved to',
  reports_moved: 'Reports moved',
  co_owner_ids: 'Co-owners',
  em_ids: 'EMs',
  input_due: 'Input due',
};

/** "manager_id" → "Reports to", "rationale" → "Rationale", "scores.autonomy" → "Scores › autonomy". */
export function fieldLabel(field: string): string {
  if (LABELS[field]) return LABELS[field];
  const [head = '', ...rest] = field.split('.');
  const h = LABELS[head] ?? head.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  return rest.length ? `${h} › ${rest.join(' › ')}` : h;
}

type Flat = Map<string, unknown>;

/** Nested objects become dotted paths; arrays and scalars stay values. */
function flatten(v: unknown, prefix = '', out: Flat = new Map()): Flat {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, v);
  }
  return out;
}

/** A value as words: names for known ids, "Active" for true on the status. */
export function valueText(field: string, v: unknown, nameOf: (id: string) => string | undefined = () => undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  if (field === 'active' && typeof v === 'boolean') return v ? 'Active' : 'Deactivated';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(field, x, nameOf)).join(', ') : '—';
  if (typeof v === 'object') return JSON.stringify(v);
  const s = String(v);
  return nameOf(s) ?? s;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The fields that differ between before and after, in the order they
 * first appear; with no before (a creation) every field of after, and
 * with no after every field of before.
 */
export function auditDiff(before: unknown, after: unknown, nameOf?: (id: string) => string | undefined): FieldChange[] {
  const b = flatten(before ?? {});
  const a = flatten(after ?? {});
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  const out: FieldChange[] = [];
  for (const k of keys) {
    if (k === 'version' || k.startsWith('via.')) continue;
    const from = b.get(k);
    const to = a.get(k);
    if (before != null && after != null && same(from, to)) continue;
    out.push({ field: k, label: fieldLabel(k), from: valueText(k, from, nameOf), to: valueText(k, to, nameOf) });
  }
  return out;
}

/** "user.update" → "User changed"; unknown actions read as their words. */
const ACTIONS: Record<string, string> = {
  'user.create': 'Person added',
  'user.update': 'Person changed',
  'user.password_change': 'Password changed',
  'cycle.create': 'Cycle created',
  'cycle.update': 'Cycle changed',
  'cycle.transition': 'Cycle moved on',
  'cycle.member_change': 'Cycle member changed',
  'assessment.write': 'Assessment written',
  'self_assessment.write': 'Self-assessment written',
  'decision.write': 'Decision written',
  'preread.write': 'Pre-read written',
  'peer_request.create': 'Peer input asked',
  'peer_request.decline': 'Peer input declined',
  'peer_request.remind': 'Peer reminded',
  'peer_note.write': 'Peer note written',
  'plan_item.create': 'Plan item added',
  'plan_item.update': 'Plan item changed',
  'meeting.write': 'Meeting record written',
  'guest.add': 'Guest invited',
  'guest.remove': 'Guest removed',
  'guest.read': 'Guest read',
  'rollup.create': 'Roll-up created',
  'rollup.decision': 'Roll-up decision',
  'rollup.finalize': 'Roll-up finalized',
  'framework.create': 'Framework created',
  'org.settings': 'Organisation settings changed',
  'scim_token.create': 'Provisioning token created',
  'scim_token.revoke': 'Provisioning token revoked',
};

export const AUDIT_ACTIONS = Object.keys(ACTIONS);

export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action.replace(/[._]/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** A local calendar day (YYYY-MM-DD) as the API's inclusive bounds, in the reader's time zone. */
export function dayBounds(from: string, to: string): { from?: string; to?: string } {
  const at = (d: string, end: boolean) => {
    const [y = 0, m = 1, day = 1] = d.split('-').map(Number);
    return (end ? new Date(y, m - 1, day, 23, 59, 59, 999) : new Date(y, m - 1, day)).toISOString();
  };
  return { from: from ? at(from, false) : undefined, to: to ? at(to, true) : undefined };
}
