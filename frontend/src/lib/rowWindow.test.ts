import { describe, expect, it } from 'vitest';
import { windowOf } from './rowWindow';

describe('windowOf', () => {
  it('renders the rows in view and the overscan around them', () => {
    // The list starts 1000 px above the viewport's top; rows of 40 px; 800 px of viewport.
    expect(windowOf(300, -1000, 800, 40, 5)).toEqual({ start: 20, end: 50, before: 800, after: 250 * 40 });
  });
  it('starts at the first row when the list is below the top', () => {
    expect(windowOf(300, 200, 800, 40, 5)).toEqual({ start: 0, end: 20, before: 0, after: 280 * 40 });
  });
  it('never runs past the last row', () => {
    const w = windowOf(300, -40 * 300, 800, 40, 5);
    expect(w.end).toBe(300);
    expect(w.start).toBeLessThan(300);
    expect(w.after).toBe(0);
  });
  it('renders nothing below a list scrolled far out of view, and keeps the totals', () => {
    const w = windowOf(300, 5000, 800, 40, 5);
    expect(w).toEqual({ start: 0, end: 0, before: 0, after: 300 * 40 });
  });
});
