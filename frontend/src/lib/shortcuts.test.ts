import { describe, expect, it } from 'vitest';
import { MEETING_SHORTCUTS, meetingShortcut } from './shortcuts';

const on = (key: string, target: Record<string, unknown> | null = { tagName: 'BODY' }, mods = {}) => meetingShortcut({ key, target, ...mods });

describe('meetingShortcut', () => {
  it('maps each key of the table to its action', () => {
    expect(['j', 'ArrowRight', 'k', 'ArrowLeft', 'd', 'm', 'a', '?'].map((k) => on(k))).toEqual([
      'next',
      'next',
      'previous',
      'previous',
      'decision',
      'discussed',
      'activity',
      'help',
    ]);
    expect(on('J')).toBe('next'); // caps lock
    expect(on('x')).toBeNull();
    expect(on('ArrowDown')).toBeNull(); // it scrolls the page
  });

  it('leaves the keys alone while typing in a field', () => {
    for (const t of [{ tagName: 'TEXTAREA' }, { tagName: 'INPUT', type: 'text' }, { tagName: 'INPUT' }, { tagName: 'SELECT' }, { tagName: 'DIV', isContentEditable: true }]) {
      expect(on('j', t)).toBeNull();
      expect(on('?', t)).toBeNull();
      expect(on('ArrowRight', t)).toBeNull();
    }
  });

  it('on a radio or checkbox, letters act but arrows stay the control’s', () => {
    expect(on('m', { tagName: 'INPUT', type: 'radio' })).toBe('discussed');
    expect(on('ArrowRight', { tagName: 'INPUT', type: 'radio' })).toBeNull();
    expect(on('ArrowLeft', { tagName: 'INPUT', type: 'checkbox' })).toBeNull();
    expect(on('ArrowLeft', { tagName: 'DIV', role: 'tablist' })).toBeNull();
    expect(on('ArrowLeft', { tagName: 'BUTTON' })).toBe('previous');
  });

  it('never with Ctrl, Cmd or Alt', () => {
    expect(on('d', undefined, { ctrlKey: true })).toBeNull();
    expect(on('a', undefined, { metaKey: true })).toBeNull();
    expect(on('j', undefined, { altKey: true })).toBeNull();
  });

  it('every action has a shortcut the help can list', () => {
    expect(new Set(MEETING_SHORTCUTS.map((s) => s.action)).size).toBe(MEETING_SHORTCUTS.length);
    for (const s of MEETING_SHORTCUTS) expect(s.label && s.what).toBeTruthy();
  });
});

describe('meeting shortcuts and scores', () => {
  it('no key clears or changes a score: the actions only move, focus and mark discussed', () => {
    expect(MEETING_SHORTCUTS.map((s) => s.action).sort()).toEqual(['activity', 'decision', 'discussed', 'help', 'next', 'previous']);
    for (const s of MEETING_SHORTCUTS) expect(s.what).not.toMatch(/clear|score|delete|remove/i);
  });
  it('arrows on a score radio stay the score’s', () => {
    for (const key of ['ArrowRight', 'ArrowLeft']) expect(meetingShortcut({ key, target: { tagName: 'INPUT', type: 'radio' } })).toBeNull();
  });
});
