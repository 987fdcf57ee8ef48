import { describe, expect, it } from 'vitest';
import { makePacer, type PaceEnv } from './pace';

// A clock the test moves: sleeps resolve when it passes their end, and
// abort like the browser's.
function fakeEnv() {
  let now = 0;
  let hidden = false;
  const sleepers: { until: number; resolve: () => void }[] = [];
  const watchers: (() => void)[] = [];
  const env: PaceEnv = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const s = { until: now + ms, resolve };
        sleepers.push(s);
        signal?.addEventListener('abort', () => {
          sleepers.splice(sleepers.indexOf(s), 1);
          reject(signal.reason);
        });
      }),
    hidden: () => hidden,
    whenVisible: () => new Promise((resolve) => watchers.push(resolve)),
  };
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return {
    env,
    async advance(ms: number) {
      now += ms;
      for (const s of sleepers.filter((x) => x.until <= now)) {
        sleepers.splice(sleepers.indexOf(s), 1);
        s.resolve();
      }
      await flush();
    },
    async setHidden(h: boolean) {
      hidden = h;
      if (!h) watchers.splice(0).forEach((w) => w());
      await flush();
    },
    flush,
  };
}

describe('makePacer', () => {
  it('lets one call start a second, in order', async () => {
    const f = fakeEnv();
    const pace = makePacer(1000, f.env);
    const started: number[] = [];
    for (let i = 0; i < 3; i++) void pace().then(() => started.push(i));
    await f.flush();
    expect(started).toEqual([0]);
    await f.advance(999);
    expect(started).toEqual([0]);
    await f.advance(1);
    expect(started).toEqual([0, 1]);
    await f.advance(1000);
    expect(started).toEqual([0, 1, 2]);
  });

  it('collapses a burst of refetches into one: an aborted wait sends nothing and gives its slot back', async () => {
    const f = fakeEnv();
    const pace = makePacer(1000, f.env);
    const sent: number[] = [];
    const ask = (i: number) => {
      const c = new AbortController();
      pace(c.signal).then(
        () => sent.push(i),
        () => undefined,
      );
      return c;
    };
    ask(0);
    await f.flush();
    // Ten changes within the next second, each replacing the waiting one.
    let waiting = ask(1);
    for (let i = 2; i <= 10; i++) {
      await f.advance(50);
      waiting.abort();
      waiting = ask(i);
    }
    await f.advance(550); // one second after the first
    expect(sent).toEqual([0, 10]);
  });

  it('waits while the page is hidden', async () => {
    const f = fakeEnv();
    const pace = makePacer(1000, f.env);
    await f.setHidden(true);
    let started = false;
    void pace().then(() => (started = true));
    await f.advance(60_000);
    expect(started).toBe(false);
    await f.setHidden(false);
    expect(started).toBe(true);
  });

  it('keeps ten tabs, each paced, at ten calls a second', async () => {
    const f = fakeEnv();
    const tabs = Array.from({ length: 10 }, () => makePacer(1000, f.env));
    let calls = 0;
    // Every tab is asked for the board every 100 ms for a minute.
    for (let t = 0; t < 60_000; t += 100) {
      for (const pace of tabs) void pace().then(() => calls++);
      await f.advance(100);
    }
    expect(calls).toBeLessThanOrEqual(10 * 60 + 10);
  });
});
