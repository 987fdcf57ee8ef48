import { describe, expect, it } from 'vitest';
import { actionLabel, auditDiff, dayBounds, fieldLabel } from './auditDiff';

describe('auditDiff', () => {
  it('lists only the fields that changed, in words', () => {
    const names = (id: string) => ({ u1: 'Dana Whitfield', u2: 'Omar Haddad' })[id];
    const d = auditDiff(
      { name: 'Erin', role: 'em', manager_id: 'u1', active: true, em_since: null },
      { name: 'Erin', role: 'em', manager_id: 'u2', active: false, em_since: '2024-01-02' },
      names,
    );
    expect(d.map((c) => `${c.label}: ${c.from} → ${c.to}`)).toEqual([
      'Reports to: Dana Whitfield → Omar Haddad',
      'Status: Active → Deactivated',
      'EM since: — → 2024-01-02',
    ]);
  });
  it('shows every field of a creation and flattens nested values', () => {
    const d = auditDiff(null, { readiness: 'not_yet', scores: { autonomy: 3 }, version: 1 });
    expect(d.map((c) => `${c.label}: ${c.from} → ${c.to}`)).toEqual(['Readiness: — → not_yet', 'Scores › autonomy: — → 3']);
  });
  it('labels fields and actions', () => {
    expect(fieldLabel('change_reason')).toBe('Change reason');
    expect(actionLabel('user.update')).toBe('Person changed');
    expect(actionLabel('cycle.input_closed')).toBe('Cycle input closed');
  });
  it('turns local days into inclusive bounds', () => {
    const b = dayBounds('2026-11-02', '2026-11-03');
    expect(new Date(b.from!).getDate()).toBe(2);
    expect(new Date(b.to!).getDate()).toBe(3);
    expect(new Date(b.to!).getHours()).toBe(23);
    expect(dayBounds('', '')).toEqual({ from: undefined, to: undefined });
  });
});
