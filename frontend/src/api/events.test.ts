import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from './client';
import { followEvents, isLaterId, reconnectDelay, STABLE_MS, type StreamStatus } from './events';
import type { CycleEvent } from './types';

const enc = new TextEncoder();

/** A response whose event-stream body the test writes, cut off like fetch's when its signal aborts. */
function eventStream(signal?: AbortSignal | null) {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      ctrl = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  signal?.addEventListener('abort', () => {
    cancelled = true;
    try {
      ctrl.error(signal.reason);
    } catch {
      // already closed
    }
  });
  return {
    res: new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    send: (text: string) => ctrl.enqueue(enc.encode(text)),
    end: () => ctrl.close(),
    cancelled: () => cancelled,
  };
}

const event = (id: string, type = 'decision.changed', em = 'finn') =>
  `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ id, type, cycle_id: 'c1', em_id: em, actor_id: 'omar', at: '2026-12-06T10:00:00Z' })}\n\n`;

const tick = () => new Promise((r) => setTimeout(r, 0));
/** Waits for cond, up to two seconds: a loaded test machine runs timers late. */
async function until(cond: () => boolean, what: string) {
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    if (cond()) return;
    await tick();
  }
  throw new Error(`never: ${what}`);
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('reconnectDelay', () => {
  it('doubles from half a second up to 30 s, scaled by 50–100 %', () => {
    expect([1, 2, 3, 4, 5].map((n) => reconnectDelay(n, 0.999999))).toEqual([500, 1000, 2000, 4000, 8000]);
    expect([1, 2, 3].map((n) => reconnectDelay(n, 0))).toEqual([250, 500, 1000]);
    expect(reconnectDelay(20, 0.999999)).toBe(30_000);
    expect(reconnectDelay(0, 0.5)).toBe(0);
  });
});

describe('isLaterId', () => {
  it('compares decimal ids as numbers, however long', () => {
    expect(isLaterId('10', '9')).toBe(true);
    expect(isLaterId('9', '10')).toBe(false);
    expect(isLaterId('10', '10')).toBe(false);
    expect(isLaterId('123456789012345678901', '123456789012345678900')).toBe(true);
    expect(isLaterId('5', undefined)).toBe(true);
  });
});

describe('followEvents through the API client', () => {
  it('reconnects after the stream ends with a fresh access token and the last event id', async () => {
    const user = { id: 'u1', name: 'Dana', email: 'd@x', role: 'director', function: 'engineering', org: { id: 'o', name: 'O' } };
    let valid = 't0';
    let n = 0;
    const opens: { auth: string | undefined; lastEventId: string | undefined; accept: string | undefined }[] = [];
    const streams: ReturnType<typeof eventStream>[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const h = (init?.headers ?? {}) as Record<string, string>;
      if (url.endsWith('/auth/login')) return json(200, { access_token: valid, token_type: 'Bearer', expires_in: 600, user });
      if (url.endsWith('/auth/refresh')) {
        valid = `t${++n}`;
        return json(200, { access_token: valid, token_type: 'Bearer', expires_in: 600, user });
      }
      if (url.endsWith('/cycles/c1/events')) {
        opens.push({ auth: h.Authorization, lastEventId: h['Last-Event-ID'], accept: h.Accept });
        if (h.Authorization !== `Bearer ${valid}`) return json(401, { error: { code: 'unauthenticated', message: 'expired' } });
        const s = eventStream(init?.signal);
        streams.push(s);
        return s.res;
      }
      return json(404, { error: { code: 'not_found', message: 'no' } });
    }) as typeof globalThis.fetch;
    const api = createApiClient(fetch);
    await api.login('d@x', 'pw');

    const events: CycleEvent[] = [];
    const statuses: StreamStatus[] = [];
    const stop = new AbortController();
    const done = followEvents({
      open: (lastEventId, signal) => api.cycleEvents('c1', { lastEventId, signal }),
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
      signal: stop.signal,
      sleep: async () => undefined,
    });
    await until(() => streams.length === 1, 'the first stream');
    streams[0]!.send(': connected\n\n');
    streams[0]!.send(event('10') + event('11', 'meeting.changed'));
    await until(() => events.length === 2, 'two events');
    // The access token expires: the server ends the stream.
    valid = 'expired';
    streams[0]!.end();
    await until(() => streams.length === 2, 'a second stream');
    streams[1]!.send(event('12'));
    await until(() => events.length === 3, 'the third event');
    stop.abort();
    await done;

    expect(events.map((e) => [e.id, e.type, e.em_id, e.actor_id])).toEqual([
      ['10', 'decision.changed', 'finn', 'omar'],
      ['11', 'meeting.changed', 'finn', 'omar'],
      ['12', 'decision.changed', 'finn', 'omar'],
    ]);
    expect(opens).toEqual([
      { auth: 'Bearer t0', lastEventId: undefined, accept: 'text/event-stream' },
      { auth: 'Bearer t0', lastEventId: '11', accept: 'text/event-stream' }, // refused: expired
      { auth: 'Bearer t1', lastEventId: '11', accept: 'text/event-stream' },
    ]);
    expect(streams[1]!.cancelled()).toBe(true);
    expect(statuses.at(-1)).toBe('stopped');
  });
});

describe('followEvents', () => {
  function harness(open: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>, extra: { now?: () => number; idleMs?: number } = {}) {
    const delays: number[] = [];
    const events: CycleEvent[] = [];
    const statuses: StreamStatus[] = [];
    let resyncs = 0;
    const stop = new AbortController();
    const done = followEvents({
      open,
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
      onResync: () => resyncs++,
      signal: stop.signal,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0,
      ...extra,
    });
    return { delays, events, statuses, stop, done, resyncs: () => resyncs };
  }

  it('backs off while the server cannot be reached, and starts over after a healthy connection', async () => {
    let clock = 0;
    let attempts = 0;
    const streams: ReturnType<typeof eventStream>[] = [];
    const h = harness(
      async (_id, signal) => {
        attempts++;
        if (attempts <= 4 || attempts === 6) throw new TypeError('Failed to fetch');
        const s = eventStream(signal);
        streams.push(s);
        return s.res;
      },
      { now: () => clock },
    );
    await until(() => streams.length === 1, 'a connection after four failures');
    expect(h.delays).toEqual([250, 500, 1000, 2000]);
    clock += STABLE_MS; // it stays up a while, then ends
    streams[0]!.end();
    await until(() => streams.length === 2, 'a connection after one more failure');
    // The healthy connection reset the count: its end waits 250 ms, the failure after it 500 ms.
    expect(h.delays).toEqual([250, 500, 1000, 2000, 250, 500]);
    h.stop.abort();
    await h.done;
  });

  it('waits as long as a 429 says before trying again', async () => {
    let attempts = 0;
    const h = harness(async (_id, signal) => {
      if (++attempts === 1) throw new ApiError(429, 'rate_limited', 'slow down', {}, undefined, 7);
      return eventStream(signal).res;
    });
    await until(() => attempts === 2, 'a second attempt');
    expect(h.delays).toEqual([7000]);
    h.stop.abort();
    await h.done;
  });

  for (const status of [401, 403, 404]) {
    it(`stops for good on a ${status}`, async () => {
      let attempts = 0;
      const h = harness(async () => {
        attempts++;
        throw new ApiError(status, 'x', 'no');
      });
      await h.done;
      expect(attempts).toBe(1);
      expect(h.delays).toEqual([]);
      expect(h.statuses.at(-1)).toBe('stopped');
    });
  }

  it('asks for a refetch when it reconnects without an event to resume from, and only then', async () => {
    const streams: ReturnType<typeof eventStream>[] = [];
    const h = harness(async (_id, signal) => {
      const s = eventStream(signal);
      streams.push(s);
      return s.res;
    });
    await until(() => streams.length === 1, 'a stream');
    expect(h.resyncs()).toBe(0); // the screen just loaded its data
    streams[0]!.end();
    await until(() => streams.length === 2, 'a second stream');
    expect(h.resyncs()).toBe(1); // nothing to resume from
    streams[1]!.send(event('40'));
    await until(() => h.events.length === 1, 'an event');
    streams[1]!.end();
    await until(() => streams.length === 3, 'a third stream');
    expect(h.resyncs()).toBe(1); // resumed after event 40
    h.stop.abort();
    await h.done;
  });

  it('skips events a replay repeats, and data that is not JSON', async () => {
    const streams: ReturnType<typeof eventStream>[] = [];
    const ids: (string | undefined)[] = [];
    const h = harness(async (id, signal) => {
      ids.push(id);
      const s = eventStream(signal);
      streams.push(s);
      return s.res;
    });
    await until(() => streams.length === 1, 'a stream');
    streams[0]!.send(event('7') + event('8'));
    await until(() => h.events.length === 2, 'two events');
    streams[0]!.end();
    await until(() => streams.length === 2, 'a second stream');
    streams[1]!.send(event('8') + 'id: 9\ndata: not json\n\n' + event('10'));
    await until(() => h.events.length === 3, 'the third event');
    expect(h.events.map((e) => e.id)).toEqual(['7', '8', '10']);
    expect(ids).toEqual([undefined, '8']);
    h.stop.abort();
    await h.done;
  });

  it('takes a connection without heartbeats for dead and opens another', async () => {
    const streams: ReturnType<typeof eventStream>[] = [];
    const h = harness(
      async (_id, signal) => {
        const s = eventStream(signal);
        streams.push(s);
        return s.res;
      },
      { idleMs: 20 },
    );
    await until(() => streams.length === 1, 'a stream');
    await new Promise((r) => setTimeout(r, 40));
    await until(() => streams.length === 2, 'a second stream');
    expect(streams[0]!.cancelled()).toBe(true);
    h.stop.abort();
    await h.done;
  });

  it('cancels the open stream when it is stopped', async () => {
    const streams: ReturnType<typeof eventStream>[] = [];
    const h = harness(async (_id, signal) => {
      const s = eventStream(signal);
      streams.push(s);
      return s.res;
    });
    await until(() => h.statuses.includes('live'), 'a live stream');
    h.stop.abort();
    await h.done;
    expect(streams).toHaveLength(1);
    expect(streams[0]!.cancelled()).toBe(true);
    expect(h.statuses.at(-1)).toBe('stopped');
  });
});
