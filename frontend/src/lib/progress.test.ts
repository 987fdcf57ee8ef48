import { describe, expect, it } from 'vitest';
import { formatMinutes, loadSession, meetingProgress, progressText, SESSION_MAX_MS } from './progress';

const MIN = 60_000;
const agenda = Array.from({ length: 30 }, (_, i) => ({ id: `em${i}`, minutes: i < 10 ? 8 : 4 }));
const ids = (from: number, to: number) => agenda.slice(from, to).map((e) => e.id);

describe('meetingProgress', () => {
  it('before any decision in the session, the agenda’s minutes of the undecided EMs', () => {
    const p = meetingProgress({
      agenda,
      decided: new Set(ids(0, 2)), // decided before the meeting
      discussed: new Set(ids(0, 3)),
      session: { startedAt: 0, decidedAtStart: ids(0, 2) },
      now: 20 * MIN,
    });
    // 8 EMs of 8 minutes and 20 of 4 are left.
    expect(p).toEqual({ total: 30, decided: 2, discussed: 3, minutesLeft: 8 * 8 + 20 * 4, basis: 'agenda' });
    expect(progressText(p)).toBe("2 of 30 decided · 3 discussed · about 2 h 24 min left by the agenda's estimate");
  });

  it('after decisions in the session, the session’s pace times the undecided EMs', () => {
    const p = meetingProgress({
      agenda,
      decided: new Set(ids(0, 12)),
      discussed: new Set(ids(0, 12)),
      session: { startedAt: 0, decidedAtStart: ids(0, 2) },
      now: 50 * MIN, // 10 decisions in 50 minutes: 5 minutes each, 18 left
    });
    expect(p).toMatchObject({ decided: 12, minutesLeft: 90, basis: 'pace' });
    expect(progressText(p)).toBe('12 of 30 decided · 12 discussed · about 1 h 30 min left at the current pace');
  });

  it('rounds up to at least a minute while anyone is left, and says when all are decided', () => {
    const quick = meetingProgress({
      agenda: agenda.slice(0, 3),
      decided: new Set(ids(0, 2)),
      discussed: new Set(),
      session: { startedAt: 0, decidedAtStart: [] },
      now: 10_000,
    });
    expect(quick).toMatchObject({ minutesLeft: 1, basis: 'pace' });
    expect(progressText(quick)).toBe('2 of 3 decided · 0 discussed · about 1 minute left at the current pace');
    const done = meetingProgress({
      agenda: agenda.slice(0, 3),
      decided: new Set(ids(0, 3)),
      discussed: new Set(ids(0, 3)),
      session: { startedAt: 0, decidedAtStart: [] },
      now: 30 * MIN,
    });
    expect(done).toMatchObject({ decided: 3, minutesLeft: 0, basis: 'done' });
    expect(progressText(done)).toBe('3 of 3 decided · 3 discussed · every EM decided');
  });

  it('counts only the agenda’s EMs (a decision of someone else changes nothing)', () => {
    const p = meetingProgress({
      agenda: agenda.slice(0, 2),
      decided: new Set(['elsewhere']),
      discussed: new Set(['elsewhere']),
      session: { startedAt: 0, decidedAtStart: [] },
      now: MIN,
    });
    expect(p).toEqual({ total: 2, decided: 0, discussed: 0, minutesLeft: 16, basis: 'agenda' });
  });
});

describe('formatMinutes', () => {
  it('minutes under an hour, hours and minutes beyond', () => {
    expect([1, 45, 60, 61, 144].map(formatMinutes)).toEqual(['1 minute', '45 minutes', '1 h', '1 h 1 min', '2 h 24 min']);
  });
});

describe('loadSession', () => {
  function memory() {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  }

  it('starts a session with who is decided now, and keeps it through a reload', () => {
    const s = memory();
    expect(loadSession(s, 'c1', ['a'], 1000)).toEqual({ startedAt: 1000, decidedAtStart: ['a'] });
    expect(loadSession(s, 'c1', ['a', 'b'], 5000)).toEqual({ startedAt: 1000, decidedAtStart: ['a'] });
    expect(loadSession(s, 'c2', ['b'], 5000)).toEqual({ startedAt: 5000, decidedAtStart: ['b'] });
  });

  it('starts over after SESSION_MAX_MS, or when what is stored is unreadable', () => {
    const s = memory();
    loadSession(s, 'c1', [], 0);
    expect(loadSession(s, 'c1', ['x'], SESSION_MAX_MS)).toEqual({ startedAt: SESSION_MAX_MS, decidedAtStart: ['x'] });
    s.setItem('calibrate.meeting.c1', '{not json');
    expect(loadSession(s, 'c1', [], 7)).toEqual({ startedAt: 7, decidedAtStart: [] });
    expect(loadSession(undefined, 'c1', [], 9)).toEqual({ startedAt: 9, decidedAtStart: [] });
  });
});
