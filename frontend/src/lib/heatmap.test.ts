import { describe, expect, it } from 'vitest';
import { cellView, gapColour, gapOf, NO_VALUE, PEER_COLOURS, peerTone, scoreColour } from './heatmap';

const scale = { min: 1, max: 4, bar: 3, labels: ['a', 'b', 'c', 'd'] };

describe('score colour scale', () => {
  it('runs red to amber below the bar and light to deep green from the bar', () => {
    expect(scoreColour(1, scale)).toBe('#f1a99b');
    expect(scoreColour(2, scale)).toBe('#f7dc9f');
    expect(scoreColour(3, scale)).toBe('#c8e6c3');
    expect(scoreColour(4, scale)).toBe('#86cc97');
  });
  it('gives no score the neutral colour', () => {
    expect(scoreColour(null, scale)).toBe(NO_VALUE);
    expect(scoreColour(undefined, scale)).toBe(NO_VALUE);
  });
  it('clamps scores outside the scale', () => {
    expect(scoreColour(0, scale)).toBe(scoreColour(1, scale));
    expect(scoreColour(9, scale)).toBe(scoreColour(4, scale));
  });
  it('interpolates on a longer scale', () => {
    const five = { min: 1, max: 5, bar: 4, labels: ['1', '2', '3', '4', '5'] };
    expect(scoreColour(1, five)).toBe('#f1a99b');
    expect(scoreColour(3, five)).toBe('#f7dc9f');
    expect(scoreColour(2, five)).toBe('#f4c39d'); // halfway between red and amber
    expect(scoreColour(4, five)).toBe('#c8e6c3');
  });
});

describe('gap colours', () => {
  it('is director minus self, null when either is missing', () => {
    expect(gapOf(3, 1)).toBe(2);
    expect(gapOf(2, 4)).toBe(-2);
    expect(gapOf(null, 3)).toBeNull();
    expect(gapOf(3, undefined)).toBeNull();
  });
  it('shades by direction and by the self_gap threshold of two', () => {
    expect(gapColour(null)).toBe(NO_VALUE);
    expect(gapColour(0)).toBe('#f6f7f9');
    expect(gapColour(1)).toBe('#d6e6f7');
    expect(gapColour(2)).toBe('#a9cbef');
    expect(gapColour(3)).toBe('#a9cbef');
    expect(gapColour(-1)).toBe('#fbe1c8');
    expect(gapColour(-2)).toBe('#f5bd8a');
  });
});

describe('peer tone', () => {
  it('tells none, positive, neutral, concern and mixed apart', () => {
    expect(peerTone(undefined)).toBe('none');
    expect(peerTone({ strong: 0, support: 0, neutral: 0, concern: 0 })).toBe('none');
    expect(peerTone({ strong: 1 })).toBe('positive');
    expect(peerTone({ neutral: 2 })).toBe('neutral');
    expect(peerTone({ concern: 1 })).toBe('concern');
    expect(peerTone({ support: 1, concern: 1 })).toBe('mixed');
  });
});

describe('cells', () => {
  const cell = { director: 2, self: 4, peer: { strong: 1, support: 0, neutral: 0, concern: 1 } };
  it('shows the value as text in every view, never colour alone', () => {
    expect(cellView(cell, 'director', scale)).toEqual({ text: '2', label: 'director 2, below the bar', colour: '#f7dc9f', below: true });
    expect(cellView(cell, 'self', scale)).toEqual({ text: '4', label: 'self 4', colour: '#86cc97', below: false });
    expect(cellView(cell, 'gap', scale)).toEqual({ text: '−2', label: 'director minus self −2', colour: '#f5bd8a' });
    expect(cellView(cell, 'peer', scale)).toEqual({ text: '1S 1!', label: '1 strong, 1 concern', colour: PEER_COLOURS.mixed });
  });
  it('shows missing values as a dash', () => {
    const empty = { director: null, self: null, peer: {} };
    expect(cellView(empty, 'director', scale)).toMatchObject({ text: '–', colour: NO_VALUE });
    expect(cellView(empty, 'gap', scale)).toMatchObject({ text: '–', colour: NO_VALUE });
    expect(cellView(undefined, 'peer', scale)).toMatchObject({ text: '–', colour: NO_VALUE });
  });
});
