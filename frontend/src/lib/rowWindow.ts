// Which rows of a long table to render: those near the viewport, with
// spacers standing in for the rest. The page itself scrolls, so the window
// follows the window's scroll and size. Row heights vary (chips, notes), so
// the spacers use the mean height of the rows rendered so far.
import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';

export interface RowWindow {
  /** the first rendered row's index */
  start: number;
  /** one past the last rendered row's index */
  end: number;
  /** px standing in for the rows before start */
  before: number;
  /** px standing in for the rows from end on */
  after: number;
}

/** Rows kept rendered beyond each edge of the viewport: room for keyboard focus and fast scrolling. */
export const OVERSCAN = 12;
const ESTIMATED_ROW_PX = 44;

/** The rows [start, end) to render out of count, given where the list's top is and how tall the viewport is. */
export function windowOf(count: number, listTop: number, viewport: number, rowPx: number, overscan = OVERSCAN): RowWindow {
  const h = rowPx > 0 ? rowPx : ESTIMATED_ROW_PX;
  const first = Math.floor(-listTop / h);
  const last = Math.ceil((viewport - listTop) / h);
  const start = Math.min(Math.max(0, first - overscan), Math.max(0, count - 1));
  const end = Math.max(start, Math.min(count, Math.max(0, last + overscan)));
  return { start, end, before: start * h, after: (count - end) * h };
}

/**
 * The window of rows to render for a list of count rows inside body (a
 * tbody whose first child may be the top spacer), or all of them when
 * enabled is false.
 */
export function useRowWindow(body: RefObject<HTMLElement | null>, count: number, enabled: boolean): RowWindow {
  const rowPx = useRef(ESTIMATED_ROW_PX);
  const [win, setWin] = useState<RowWindow>(() => windowOf(count, 0, typeof window === 'undefined' ? 800 : window.innerHeight, rowPx.current));

  const update = useCallback((measure: boolean) => {
    const el = body.current;
    if (!el) return;
    const rows = measure ? el.querySelectorAll<HTMLElement>(':scope > tr[data-row]') : [];
    if (rows.length > 0) {
      let sum = 0;
      for (const r of rows) sum += r.offsetHeight;
      // Small differences are noise from which rows happen to be rendered.
      if (Math.abs(sum / rows.length - rowPx.current) > 2) rowPx.current = sum / rows.length;
    }
    const next = windowOf(count, el.getBoundingClientRect().top, window.innerHeight, rowPx.current);
    setWin((w) =>
      w.start === next.start && w.end === next.end && Math.abs(w.before - next.before) < 1 && Math.abs(w.after - next.after) < 1 ? w : next,
    );
  }, [body, count]);

  // Before paint, when the list changes length (a filter): the window from the heights known so far.
  useLayoutEffect(() => {
    if (enabled) update(false);
  }, [enabled, count, update]);

  useLayoutEffect(() => {
    if (!enabled) return;
    let frame = 0;
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), update(true)));
    };
    onScroll(); // the first rows' real heights
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
    };
  }, [enabled, update]);

  return enabled ? win : { start: 0, end: count, before: 0, after: 0 };
}
