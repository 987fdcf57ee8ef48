import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, newIdempotencyKey } from './client';

const user = {
  id: 'u1',
  name: 'Dana Whitfield',
  email: 'dana@acme.test',
  role: 'director',
  function: 'engineering',
  org: { id: 'o1', name: 'Acme' },
  manager_id: null,
  em_since: null,
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const token = (t: string) => ({ access_token: t, token_type: 'Bearer', expires_in: 600, user });
const unauthenticated = () => json(401, { error: { code: 'unauthenticated', message: 'sign in again' } });

/** A fake server: `valid` is the access token it accepts; refresh hands out the next one. */
function fakeServer(opts: { refreshOk?: boolean; delayRefresh?: number } = {}) {
  let valid = 't0';
  let n = 0;
  const calls: { url: string; auth: string | null; credentials?: RequestCredentials }[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({ url, auth: headers.Authorization ?? null, credentials: init?.credentials });
    if (url.endsWith('/auth/login')) return json(200, token(valid));
    if (url.endsWith('/auth/refresh')) {
      if (opts.delayRefresh) await new Promise((r) => setTimeout(r, opts.delayRefresh));
      if (opts.refreshOk === false) return json(401, { error: { code: 'invalid_refresh_token', message: 'sign in again' } });
      valid = `t${++n}`;
      return json(200, token(valid));
    }
    if (url.endsWith('/auth/logout')) return new Response(null, { status: 204 });
    if (headers.Authorization !== `Bearer ${valid}`) return unauthenticated();
    return json(200, { ok: true, url, items: [], next_cursor: null });
  });
  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    calls,
    refreshes: () => calls.filter((c) => c.url.endsWith('/auth/refresh')).length,
    expire: () => {
      valid = `expired-${Math.random()}`;
    },
  };
}

describe('session and token refresh', () => {
  it('keeps the access token in memory and sends it as a bearer token', async () => {
    const s = fakeServer();
    const api = createApiClient(s.fetch);
    await api.login('dana@acme.test', 'pw');
    expect(api.getSession()).toEqual({ status: 'signed_in', user });
    await api.me();
    expect(s.calls.at(-1)?.auth).toBe('Bearer t0');
    expect(s.calls.at(-1)?.credentials).toBe('same-origin');
  });

  it('on a 401 refreshes once and retries the request', async () => {
    const s = fakeServer();
    const api = createApiClient(s.fetch);
    await api.login('dana@acme.test', 'pw');
    s.expire();
    const res = await api.me();
    expect(res).toMatchObject({ ok: true });
    expect(s.refreshes()).toBe(1);
    const me = s.calls.filter((c) => c.url.endsWith('/me'));
    expect(me.map((c) => c.auth)).toEqual(['Bearer t0', 'Bearer t1']);
  });

  it('two concurrent 401s trigger one refresh', async () => {
    const s = fakeServer({ delayRefresh: 10 });
    const api = createApiClient(s.fetch);
    await api.login('dana@acme.test', 'pw');
    s.expire();
    const [a, b, c] = await Promise.all([api.me(), api.cycles(), api.board('c1')]);
    expect(a).toMatchObject({ ok: true });
    expect(b).toEqual([]);
    expect(c).toMatchObject({ ok: true });
    expect(s.refreshes()).toBe(1);
  });

  it('a 401 that arrives after another request refreshed retries without refreshing again', async () => {
    const s = fakeServer();
    const api = createApiClient(s.fetch);
    await api.login('dana@acme.test', 'pw');
    s.expire();
    await api.me(); // refreshes to t1
    expect(s.refreshes()).toBe(1);
    await api.me();
    expect(s.refreshes()).toBe(1);
  });

  it('a failed refresh signs out and the request fails with 401', async () => {
    const s = fakeServer({ refreshOk: false });
    const api = createApiClient(s.fetch);
    await api.login('dana@acme.test', 'pw');
    const seen: string[] = [];
    api.subscribe(() => seen.push(api.getSession().status));
    s.expire();
    const err = await api.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(api.getSession()).toEqual({ status: 'signed_out', user: null });
    expect(seen).toEqual(['signed_out']);
    expect(s.refreshes()).toBe(1);
  });

  it('restore on load signs in from the refresh cookie, or settles as signed out', async () => {
    const ok = createApiClient(fakeServer().fetch);
    expect(ok.getSession().status).toBe('unknown');
    await expect(ok.restore()).resolves.toBe(true);
    expect(ok.getSession().user?.email).toBe('dana@acme.test');

    const no = createApiClient(fakeServer({ refreshOk: false }).fetch);
    await expect(no.restore()).resolves.toBe(false);
    expect(no.getSession().status).toBe('signed_out');
  });

  it('restore without the session marker asks nothing and settles as signed out', async () => {
    const fetch = vi.fn(async () => json(500, {}));
    const api = createApiClient(fetch as unknown as typeof globalThis.fetch, () => false);
    await expect(api.restore()).resolves.toBe(false);
    expect(fetch).not.toHaveBeenCalled();
    expect(api.getSession()).toEqual({ status: 'signed_out', user: null });
  });

  it('a failed login does not try to refresh', async () => {
    const fetch = vi.fn(async () => json(401, { error: { code: 'invalid_credentials', message: 'the e-mail or password is not right' } }));
    const api = createApiClient(fetch as unknown as typeof globalThis.fetch);
    const err = await api.login('x@y.z', 'nope').catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('invalid_credentials');
    expect((err as ApiError).message).toBe('the e-mail or password is not right');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('sign-out calls logout and forgets the token', async () => {
    const s = fakeServer();
    const api = createApiClient(s.fetch);
    await api.login('dana@acme.test', 'pw');
    await api.logout();
    expect(s.calls.at(-1)?.url).toBe('/api/v1/auth/logout');
    expect(s.calls.at(-1)?.auth).toBe('Bearer t0');
    expect(api.getSession().status).toBe('signed_out');
  });
});

describe('errors and query strings', () => {
  it('keeps the error message and field messages of the API', async () => {
    const fetch = vi.fn(async () =>
      json(422, { error: { code: 'validation_failed', message: 'some fields are invalid', fields: { name: 'is required' } } }),
    );
    const api = createApiClient(fetch as unknown as typeof globalThis.fetch);
    const err = (await api.createCycle({ name: '', em_ids: [] }).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(422);
    expect(err.fields).toEqual({ name: 'is required' });
  });

  it('sends board filters as query parameters and leaves out empty ones', async () => {
    const fetch = vi.fn(async () => json(200, { rows: [] }));
    const api = createApiClient(fetch as unknown as typeof globalThis.fetch);
    await api.board('c 1', { flag: 'self_gap', readiness: undefined, sort: '-composite' });
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe('/api/v1/cycles/c%201/board?flag=self_gap&sort=-composite');
  });

  it('downloads the CSV with the bearer token and the server’s file name', async () => {
    const s = fakeServer();
    const api = createApiClient(async (input, init) => {
      if (String(input).includes('board.csv')) {
        const auth = (init?.headers as Record<string, string>).Authorization;
        return new Response('name\n', { status: auth ? 200 : 401, headers: { 'Content-Disposition': 'attachment; filename="board-H2.csv"' } });
      }
      return s.fetch(input, init);
    });
    await api.login('dana@acme.test', 'pw');
    const d = await api.boardCsv('c1');
    expect(d.filename).toBe('board-H2.csv');
    expect(await d.blob.text()).toBe('name\n');
  });

  it('downloads the PDF packet and board with the server’s file names', async () => {
    const urls: string[] = [];
    const api = createApiClient(async (input) => {
      const url = String(input);
      urls.push(url);
      const name = url.includes('board.pdf') ? 'board-H2.pdf' : 'promotion-packet-Alex.pdf';
      return new Response('%PDF-1.3', { status: 200, headers: { 'Content-Disposition': `attachment; filename="${name}"` } });
    });
    const packet = await api.packet('em 1', 'pdf');
    const board = await api.boardPdf('c1');
    expect(urls).toEqual(['/api/v1/ems/em%201/packet?format=pdf', '/api/v1/cycles/c1/board.pdf']);
    expect([packet.filename, board.filename]).toEqual(['promotion-packet-Alex.pdf', 'board-H2.pdf']);
    expect(await packet.blob.text()).toBe('%PDF-1.3');
  });
});

describe('idempotency keys', () => {
  it('sends the key of a create, and sends it again when the create is retried after a refresh', async () => {
    const s = fakeServer();
    const seen: (string | null)[] = [];
    const api = createApiClient(async (input, init) => {
      if (String(input).endsWith('/cycles')) seen.push((init?.headers as Record<string, string>)['Idempotency-Key'] ?? null);
      return s.fetch(input, init);
    });
    await api.login('dana@acme.test', 'pw');
    s.expire();
    await api.createCycle({ name: 'H2', em_ids: [] }, 'k-1');
    expect(seen).toEqual(['k-1', 'k-1']);
    await api.createCycle({ name: 'H2', em_ids: [] });
    expect(seen[2]).toBeNull();
  });

  it('makes version 4 UUIDs, also where crypto.randomUUID is missing (plain HTTP)', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newIdempotencyKey()).toMatch(uuid);
    const real = globalThis.crypto;
    const getRandomValues = real.getRandomValues.bind(real);
    vi.stubGlobal('crypto', { getRandomValues });
    try {
      const a = newIdempotencyKey();
      expect(a).toMatch(uuid);
      expect(newIdempotencyKey()).not.toBe(a);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('SCIM tokens', () => {
  it('lists tokens, makes one with its name and revokes one answered 204 without a body', async () => {
    const sent: { method: string; url: string; body: unknown }[] = [];
    const tok = { id: 's1', name: 'Okta', created_by: 'u1', created_at: '2026-12-01T09:00:00Z', last_used_at: null, revoked_at: null };
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      sent.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      if (url.endsWith('/auth/login')) return json(200, token('t0'));
      if (method === 'DELETE') return new Response(null, { status: 204 });
      if (method === 'POST') return json(201, { ...tok, token: 'calscim_secret' });
      return json(200, { items: [tok] });
    }) as unknown as typeof globalThis.fetch;
    const api = createApiClient(fetch);
    await api.login('admin@acme.test', 'pw');
    expect(await api.scimTokens()).toEqual([tok]);
    expect((await api.createScimToken('Okta')).token).toBe('calscim_secret');
    await expect(api.revokeScimToken('s1')).resolves.toBeUndefined();
    expect(sent.slice(1).map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v1/scim-tokens',
      'POST /api/v1/scim-tokens',
      'DELETE /api/v1/scim-tokens/s1',
    ]);
    expect(sent[2]?.body).toEqual({ name: 'Okta' });
  });
});
