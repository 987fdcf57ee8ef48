// Pacing of the board's refetches. Every write invalidates the board, and a
// meeting followed in several tabs on one account refetches it in each; the
// server limits each user's calls (CALIBRATE_RATE_LIMIT, 429 beyond). So a
// tab starts at most one board request a second, and none while it is
// hidden: a waiting request that a newer one replaces (TanStack Query aborts
// it) is never sent, so a burst of changes costs one request.

/** What a pacer needs of its surroundings; the browser's by default. */
export interface PaceEnv {
  now(): number;
  /** resolves after ms, or rejects with the signal's reason once it aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  hidden(): boolean;
  /** resolves once the page is visible, or rejects when the signal aborts */
  whenVisible(signal?: AbortSignal): Promise<void>;
}

function aborted(signal?: AbortSignal): unknown {
  return signal?.reason ?? new DOMException('aborted', 'AbortError');
}

export const browserEnv: PaceEnv = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(aborted(signal));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', stop);
        resolve();
      }, ms);
      const stop = () => {
        clearTimeout(t);
        reject(aborted(signal));
      };
      signal?.addEventListener('abort', stop, { once: true });
    }),
  hidden: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
  whenVisible: (signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(aborted(signal));
      const check = () => {
        if (document.visibilityState === 'hidden') return;
        done();
        resolve();
      };
      const stop = () => {
        done();
        reject(aborted(signal));
      };
      const done = () => {
        document.removeEventListener('visibilitychange', check);
        signal?.removeEventListener('abort', stop);
      };
      document.addEventListener('visibilitychange', check);
      signal?.addEventListener('abort', stop, { once: true });
    }),
};

/**
 * A pacer lets calls start at most once per gapMs, in the order they ask,
 * and only while the page is visible. `await pace(signal)` before the
 * request; it rejects, and the request must not be sent, when the signal
 * aborts while it waits (the slot it held is given back).
 */
export function makePacer(gapMs: number, env: PaceEnv = browserEnv) {
  let next = -Infinity; // the earliest start of the next call
  return async function pace(signal?: AbortSignal): Promise<void> {
    while (env.hidden()) await env.whenVisible(signal);
    const now = env.now();
    const slot = Math.max(now, next);
    next = slot + gapMs;
    if (slot <= now) return;
    // On abort the slot is given back at once, before a replacing call asks
    // for one; only by the last to ask, as an earlier one cannot without
    // moving a later caller's start.
    const giveBack = () => {
      if (next === slot + gapMs) next = slot;
    };
    signal?.addEventListener('abort', giveBack, { once: true });
    try {
      await env.sleep(slot - now, signal);
    } finally {
      signal?.removeEventListener('abort', giveBack);
    }
  };
}

/** The board's pacer: one request a second per tab. */
export const BOARD_GAP_MS = 1000;
export const paceBoard = makePacer(BOARD_GAP_MS);
