import { describe, expect, it } from 'vitest';
import type { NineBox } from '../api/rollupTypes';
import { bandRange, columnOf, keyMove, namesOf, nineBoxGrid, readinessFor, resolveMove, stepColumn } from './ninebox';

const box = (band: 'above' | 'at' | 'below', readiness: 'later' | 'ready_6_12_months' | 'ready_now', ids: string[]) => ({
  band,
  readiness,
  count: ids.length,
  percent: Math.round((ids.length / 4) * 100),
  em_ids: ids,
});

describe('nineBoxGrid', () => {
  it('places boxes by band (rows) and readiness (columns), whatever the order of the answer', () => {
    const nb: Pick<NineBox, 'boxes'> = {
      boxes: [box('below', 'later', ['sam']), box('above', 'ready_now', ['riley', 'ann']), box('at', 'ready_6_12_months', ['bo'])],
    };
    const g = nineBoxGrid(nb);
    expect(g.map((row) => row.map((c) => `${c.band}/${c.readiness}:${c.count}`))).toEqual([
      ['above/later:0', 'above/ready_6_12_months:0', 'above/ready_now:2'],
      ['at/later:0', 'at/ready_6_12_months:1', 'at/ready_now:0'],
      ['below/later:1', 'below/ready_6_12_months:0', 'below/ready_now:0'],
    ]);
    expect(g[0]![2]!.em_ids).toEqual(['riley', 'ann']);
    expect(g[0]![2]!.percent).toBe(50);
  });
});

describe('columns and moves', () => {
  it('puts not yet and 12–24 months in the later column', () => {
    expect(columnOf('not_yet')).toBe('later');
    expect(columnOf('ready_12_24_months')).toBe('later');
    expect(columnOf('ready_6_12_months')).toBe('ready_6_12_months');
    expect(columnOf('ready_now')).toBe('ready_now');
    expect(columnOf(null)).toBeNull();
  });

  it('prefills 12–24 months for the later column', () => {
    expect(readinessFor('later')).toBe('ready_12_24_months');
    expect(readinessFor('ready_now')).toBe('ready_now');
  });

  it('resolves a move to the readiness to prefill; none within the same column', () => {
    expect(resolveMove('later', 'ready_now', 'not_yet')).toBe('ready_now');
    expect(resolveMove('ready_now', 'later', 'ready_now')).toBe('ready_12_24_months');
    expect(resolveMove('later', 'later', 'not_yet')).toBeNull();
    expect(resolveMove('ready_6_12_months', 'later')).toBe('ready_12_24_months');
  });

  it('steps columns with the arrow keys, Home and End, and stops at the edges', () => {
    expect(stepColumn('later', -1)).toBeNull();
    expect(stepColumn('later', 1)).toBe('ready_6_12_months');
    expect(stepColumn('ready_now', 1)).toBeNull();
    expect(keyMove('ArrowRight', 'ready_6_12_months')).toBe('ready_now');
    expect(keyMove('ArrowLeft', 'ready_6_12_months')).toBe('later');
    expect(keyMove('ArrowLeft', 'later')).toBeNull();
    expect(keyMove('Home', 'ready_now')).toBe('later');
    expect(keyMove('Home', 'later')).toBeNull();
    expect(keyMove('End', 'later')).toBe('ready_now');
    expect(keyMove('Enter', 'later')).toBeNull();
  });
});

describe('words', () => {
  it('says what each band means against the bar', () => {
    expect(bandRange('above', 3)).toBe('composite 3.50 or more');
    expect(bandRange('at', 3)).toBe('composite 3.00 to under 3.50');
    expect(bandRange('below', 3)).toBe('composite under 3.00');
  });

  it('names EMs from the board rows, keeping the order', () => {
    const names = new Map([
      ['a', 'Riley Park'],
      ['b', 'Sam Ortiz'],
    ]);
    expect(namesOf(['b', 'x', 'a'], names)).toEqual([
      { id: 'b', name: 'Sam Ortiz' },
      { id: 'x', name: 'An EM' },
      { id: 'a', name: 'Riley Park' },
    ]);
  });
});
