// Following a cycle's event stream (GET /cycles/{id}/events) for as long as
// a screen shows the cycle. The stream is read through fetch, since
// EventSource cannot send the Authorization header, and parsed by
// lib/sse.ts. It ends on its own when its access token expires or its
// session is revoked, and breaks when the network does; each time, the
// follower opens it again through the API client, which refreshes the
// token on the 401 of an expired one, and names the last event it saw in
// Last-Event-ID so the server replays what happened meanwhile.
import { ApiError } from './client';
import { browserEnv } from '../lib/pace';
import { createSseParser } from '../lib/sse';
import type { CycleEvent } from './types';

export type StreamStatus = 'connecting' | 'live' | 'waiting' | 'stopped';

/** A connection that stayed open this long was healthy: the next failure starts the backoff over. */
export const STABLE_MS = 10_000;
/** The server sends a heartbeat at least every 20 s: this long without a byte, the connection is dead. */
export const IDLE_MS = 45_000;
/** The server replays the events of the last hour; after a longer gap what was missed is refetched instead. */
export const REPLAY_MS = 55 * 60_000;
const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before the next attempt after `failures` attempts in a
 * row ended (a healthy connection that ends counts as one): 0.5 s, 1 s,
 * 2 s, … up to 30 s, each scaled by a random 50–100 % so that many tabs
 * cut off at once do not come back at once. `random` is in [0, 1).
 */
export function reconnectDelay(failures: number, random: number): number {
  if (failures <= 0) return 0;
  const base = Math.min(MAX_DELAY_MS, 500 * 2 ** (failures - 1));
  return Math.round(base * (0.5 + random / 2));
}

/** Event ids are increasing decimal strings: is a later than b? (Anything else counts as later.) */
export function isLaterId(a: string, b: string | undefined): boolean {
  if (!b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return true;
  return a.length !== b.length ? a.length > b.length : a > b;
}

export interface FollowOptions {
  /** opens the stream: the response, or an ApiError (api.cycleEvents) */
  open: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
  onEvent: (event: CycleEvent) => void;
  /**
   * A reconnection that cannot be resumed (no event seen yet, or a gap
   * longer than the server replays): whatever may have changed meanwhile
   * is to be refetched.
   */
  onResync?: () => void;
  onStatus?: (status: StreamStatus) => void;
  /** ends the following: the open stream is cancelled */
  signal: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  idleMs?: number;
}

/**
 * Follows the stream until `signal` aborts, or until the server answers
 * that it never will serve it (401 after the refresh failed: signed out;
 * 403 or 404: not an owner of the cycle). Resolves then.
 */
export async function followEvents(opts: FollowOptions): Promise<void> {
  const { signal, onEvent } = opts;
  const sleep = opts.sleep ?? browserEnv.sleep;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const idleMs = opts.idleMs ?? IDLE_MS;
  const status = (s: StreamStatus) => opts.onStatus?.(s);

  let lastId: string | undefined;
  let failures = 0;
  let connectedBefore = false;
  let lostAt = 0;

  while (!signal.aborted) {
    const conn = new AbortController();
    const cancel = () => conn.abort(signal.reason);
    signal.addEventListener('abort', cancel, { once: true });
    let openedAt: number | null = null;
    let waitAtLeast = 0;
    let idle: ReturnType<typeof setTimeout> | undefined;
    try {
      status('connecting');
      const res = await opts.open(lastId, conn.signal);
      if (!res.body) throw new Error('the event stream has no body');
      openedAt = now();
      status('live');
      if (connectedBefore && (!lastId || openedAt - lostAt > REPLAY_MS)) opts.onResync?.();
      connectedBefore = true;

      const parser = createSseParser(
        {
          onEvent: (e) => {
            // A replay may repeat what was seen before the connection broke.
            if (e.id && !isLaterId(e.id, lastId)) return;
            if (e.id) lastId = e.id;
            let data: unknown;
            try {
              data = JSON.parse(e.data);
            } catch {
              return; // not an event of this contract
            }
            if (data && typeof data === 'object') onEvent({ ...(data as CycleEvent), type: (data as CycleEvent).type ?? e.type });
          },
        },
        lastId,
      );
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => conn.abort(new DOMException('no heartbeat', 'TimeoutError')), idleMs);
      };
      touch();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        touch();
        parser.push(decoder.decode(value, { stream: true }));
      }
      parser.end();
    } catch (err) {
      if (signal.aborted) break;
      if (err instanceof ApiError) {
        // Final answers: signed out for good, or not allowed to follow this cycle.
        if (err.status === 401 || err.status === 403 || err.status === 404) {
          status('stopped');
          return;
        }
        if (err.status === 429 && err.retryAfter) waitAtLeast = err.retryAfter * 1000;
      }
    } finally {
      clearTimeout(idle);
      signal.removeEventListener('abort', cancel);
      conn.abort();
    }
    if (signal.aborted) break;
    if (openedAt !== null) {
      lostAt = now();
      // A connection that stayed up a while was healthy: its end starts the backoff over.
      if (lostAt - openedAt >= STABLE_MS) failures = 0;
    }
    failures++;
    status('waiting');
    try {
      await sleep(Math.max(waitAtLeast, reconnectDelay(failures, random())), signal);
    } catch {
      break; // aborted while waiting
    }
  }
  status('stopped');
}
