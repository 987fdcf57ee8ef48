import { describe, expect, it } from 'vitest';
import { hintSegments, rebaseHints, type Span } from './hints';

const hint = (start: number, end: number, message = 'm'): Span => ({ start, end, message });
const parts = (segs: { text: string; hint?: Span }[]) => segs.map((s) => (s.hint ? `[${s.text}]` : s.text));

describe('hintSegments', () => {
  it('cuts plain text around the hinted words', () => {
    const text = 'She is abrasive and never listens.';
    expect(parts(hintSegments(text, [hint(7, 15), hint(20, 25)]))).toEqual(['She is ', '[abrasive]', ' and ', '[never]', ' listens.']);
  });

  it('gives the whole text as one plain segment without hints, and one empty segment for no text', () => {
    expect(hintSegments('Shipped the Atlas rollout.', [])).toEqual([{ text: 'Shipped the Atlas rollout.' }]);
    expect(hintSegments('', [])).toEqual([{ text: '' }]);
  });

  it('counts code points: an emoji before a word takes one offset, not two', () => {
    // The API's offsets for "🙂 bossy": the emoji is one code point (two UTF-16 units).
    const text = '🙂 bossy, 👍🏽 always';
    const segs = hintSegments(text, [hint(2, 7), hint(12, 18)]);
    expect(parts(segs)).toEqual(['🙂 ', '[bossy]', ', 👍🏽 ', '[always]']);
    expect(segs.map((s) => s.text).join('')).toBe(text);
  });

  it('counts code points in accented text, precomposed or combining', () => {
    const precomposed = 'Zoë is émotional'; // ë and é are one code point each
    expect(parts(hintSegments(precomposed, [hint(7, 16)]))).toEqual(['Zoë is ', '[émotional]']);
    const combining = 'Zoe\u0308 is shrill'; // e + U+0308 COMBINING DIAERESIS: two code points
    expect(parts(hintSegments(combining, [hint(8, 14)]))).toEqual(['Zoe\u0308 is ', '[shrill]']);
  });

  it('puts hints in order and leaves out overlapping, empty and outside ones', () => {
    const text = 'every single time he is difficult';
    const segs = hintSegments(text, [hint(24, 33, 'b'), hint(0, 17, 'a'), hint(6, 12, 'overlaps'), hint(3, 3, 'empty'), hint(40, 45, 'outside')]);
    expect(parts(segs)).toEqual(['[every single time]', ' he is ', '[difficult]']);
    expect(segs.filter((s) => s.hint).map((s) => s.hint!.message)).toEqual(['a', 'b']);
  });

  it('cuts a hint that runs past the end of the text', () => {
    expect(parts(hintSegments('so bossy', [hint(3, 12)]))).toEqual(['so ', '[bossy]']);
  });

  it('keeps the hint objects, for their messages', () => {
    const h = { start: 0, end: 5, message: '“bossy” judges character.', kind: 'personality' as const };
    const [first] = hintSegments('bossy', [h]);
    expect(first?.hint).toBe(h);
  });
});

describe('rebaseHints', () => {
  const from = 'He is abrasive with 🙂 everyone';
  const hints = [hint(6, 14, 'abrasive'), hint(22, 30, 'everyone')];

  it('keeps the hints of an unchanged text', () => {
    expect(rebaseHints(hints, from, from)).toEqual(hints);
  });

  it('keeps hints before an edit and shifts hints after it by code points', () => {
    const to = 'He is abrasive with 👍🏽 🙂 everyone'; // inserted "👍🏽 ": three code points
    const moved = rebaseHints(hints, from, to);
    expect(moved).toEqual([hint(6, 14, 'abrasive'), hint(25, 33, 'everyone')]);
    const chars = Array.from(to);
    expect(moved.map((h) => chars.slice(h.start, h.end).join(''))).toEqual(['abrasive', 'everyone']);
  });

  it('shifts back after a deletion', () => {
    const to = 'He is abrasive 🙂 everyone';
    const moved = rebaseHints(hints, from, to);
    const chars = Array.from(to);
    expect(moved.map((h) => chars.slice(h.start, h.end).join(''))).toEqual(['abrasive', 'everyone']);
  });

  it('keeps a hint while typing on at the end of the text', () => {
    expect(rebaseHints([hint(6, 14)], 'He is abrasive', 'He is abrasive and')).toEqual([hint(6, 14)]);
  });

  it('drops a hint whose word the edit changed', () => {
    expect(rebaseHints(hints, from, 'He is abrasXive with 🙂 everyone')).toEqual([hint(23, 31, 'everyone')]);
    expect(rebaseHints(hints, from, '')).toEqual([]);
  });
});
