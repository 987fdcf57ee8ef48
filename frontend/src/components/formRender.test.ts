// The form pattern's pieces rendered to HTML (no browser here): the score
// with no "Not rated" radio to arrow into and its Clear button, the error
// summary's links, the counter.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Counter, ErrorSummary } from './Form';
import { ScoreChoice } from './ScoreChoice';

const scale = { min: 1, max: 4, bar: 3, labels: ['Below', 'Developing', 'At the bar', 'Above'] };

describe('ScoreChoice', () => {
  it('offers the scale values only as radios, and Clear as a button once scored', () => {
    const html = renderToStaticMarkup(createElement(ScoreChoice, { name: 's', legend: 'Score for Delivery', scale, value: 4, onChange: () => {} }));
    expect(html.match(/type="radio"/g)).toHaveLength(4);
    expect(html).not.toMatch(/value=""/);
    expect(html).toContain('aria-label="Clear score for Delivery"');
    expect(html).not.toContain('Not rated');
  });
  it('says Not rated in words when there is no score, with no Clear', () => {
    const html = renderToStaticMarkup(createElement(ScoreChoice, { name: 's', legend: 'Score for Delivery', scale, value: null, onChange: () => {} }));
    expect(html).toContain('Not rated');
    expect(html).not.toContain('Clear score');
  });
  it('marks the choice invalid and ties its error', () => {
    const html = renderToStaticMarkup(
      createElement(ScoreChoice, { name: 's', legend: 'Score for Delivery', scale, value: null, onChange: () => {}, describedBy: 'd', error: 'e' }),
    );
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('aria-describedby="d e"');
  });
  it('offers no Clear when read-only', () => {
    const html = renderToStaticMarkup(createElement(ScoreChoice, { name: 's', legend: 'Score for Delivery', scale, value: 3, onChange: () => {}, disabled: true }));
    expect(html).not.toContain('Clear score');
  });
});

describe('ErrorSummary', () => {
  it('is an alert listing each error as a link to its field', () => {
    const html = renderToStaticMarkup(
      createElement(ErrorSummary, { items: [{ target: 'f-stance', message: 'Choose where you stand' }], other: ['Something else'], focusKey: 1 }),
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain('tabindex="-1"');
    expect(html).toContain('2 things to fix before saving');
    expect(html).toContain('href="#f-stance"');
    expect(html).toContain('Something else');
  });
  it('stays in the page empty, so that what it later says is announced', () => {
    const html = renderToStaticMarkup(createElement(ErrorSummary, { items: [], focusKey: 0 }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('error-summary empty');
  });
});

describe('Counter', () => {
  it('counts, and announces only the limit', () => {
    expect(renderToStaticMarkup(createElement(Counter, { id: 'c', n: 12, max: 5000 }))).toContain('12 of 5,000 characters');
    const full = renderToStaticMarkup(createElement(Counter, { id: 'c', n: 5000, max: 5000 }));
    expect(full).toContain('Limit reached: 5,000 of 5,000 characters.');
  });
});
