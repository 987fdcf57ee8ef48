// The one API client of the app: every request to /api/v1 goes through it,
// and components reach it only through the TanStack Query hooks in
// queries.ts. It keeps the session: the access token lives in memory only
// (never in storage), and the refresh token is the server's HttpOnly cookie,
// which scripts never see. On load, and on any 401, it trades the cookie for
// a new access token once and retries; concurrent 401s share one refresh.
import type {
  ActivityPage,
  Agenda,
  Assessment,
  AssessmentWrite,
  AuditEntry,
  AuditQuery,
  BoardQuery,
  CreateCycleRequest,
  CreateFrameworkRequest,
  CreateUserRequest,
  CreatedScimToken,
  Cycle,
  CycleNote,
  CycleState,
  Decision,
  DecisionWrite,
  ErrorBody,
  Feedback,
  Framework,
  Hint,
  History,
  ImportResult,
  Me,
  MeetingState,
  MeetingStateWrite,
  NoteWrite,
  OwnNote,
  Page,
  PatchUserRequest,
  AuthProviders,
  OrgSettings,
  PatchOrgRequest,
  PeerRequest,
  PeerRequestPage,
  Person,
  PlanItem,
  PlanItemWrite,
  NewPlanItem,
  Preread,
  PrereadWrite,
  Role,
  ScimToken,
  SelfAssessment,
  TokenResponse,
  User,
  UserFunction,
} from './types';
import type {
  BoardWithGuide,
  CreateRollupRequest,
  CycleWithGuide,
  DistributionGuide,
  Guest,
  GuestHost,
  GuestWrite,
  NineBox,
  Rollup,
  RollupBoard,
  RollupDecision,
  RollupDecisionWrite,
  Shifts,
} from './rollupTypes';

const BASE = '/api/v1';

/** An error answer of the API, in the shape of its Error schema. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    fields: Record<string, string> = {},
    details?: Record<string, unknown>,
    retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

export type SessionStatus = 'unknown' | 'signed_in' | 'signed_out';

export interface SessionState {
  status: SessionStatus;
  user: Me | null;
}

type Query = Record<string, string | number | undefined | null>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** false for the auth routes, which never refresh-and-retry */
  retry?: boolean;
  /** the Idempotency-Key of a create: the same for every retry of one submission */
  key?: string;
  /** a body sent as is, in its own media type (the CSV of a people import) */
  text?: { type: string; body: string };
  /** more request headers (they override the defaults, e.g. Accept) */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Download {
  blob: Blob;
  filename: string;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function errorOf(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('Retry-After')) || undefined;
  try {
    const body = (await res.json()) as ErrorBody;
    const e = body.error;
    return new ApiError(res.status, e.code, e.message, e.fields ?? {}, e.details, retryAfter);
  } catch {
    return new ApiError(res.status, 'unexpected', `The server answered ${res.status} ${res.statusText}.`, {}, undefined, retryAfter);
  }
}

/**
 * A new Idempotency-Key: a random UUID. crypto.randomUUID exists only in
 * secure contexts (HTTPS, localhost); over plain HTTP the key is built from
 * getRandomValues, which exists everywhere.
 */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40; // version 4
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function filenameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = /filename="?([^";]+)"?/i.exec(cd);
  return m?.[1] ?? fallback;
}

// acrossTabs runs fn holding a lock shared by every tab of the app, where
// the browser has the Web Locks API (every current one); elsewhere (tests,
// old browsers) it simply runs fn.
function acrossTabs<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  // request() resolves with what fn's promise resolves to; its typing
  // nests the promise, hence the cast.
  return locks ? (locks.request('calibrate-refresh', fn) as Promise<unknown> as Promise<T>) : fn();
}

/**
 * Whether the server's session marker cookie is there: set and cleared with
 * the HttpOnly refresh cookie, it tells the page a session may exist without
 * revealing it. Outside a browser there is no marker to read: assume one.
 */
export function sessionMarkerPresent(): boolean {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) return true;
  return doc.cookie.split(';').some((c) => c.trim().startsWith('calibrate_session=1'));
}

export function createApiClient(
  fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init),
  mayHaveSession: () => boolean = sessionMarkerPresent,
) {
  let token: string | null = null;
  let state: SessionState = { status: 'unknown', user: null };
  let refreshing: Promise<boolean> | null = null;
  const listeners = new Set<() => void>();

  function setState(next: SessionState) {
    state = next;
    for (const l of listeners) l();
  }

  function signedIn(t: TokenResponse) {
    token = t.access_token;
    setState({ status: 'signed_in', user: t.user });
  }

  function signedOut() {
    token = null;
    if (state.status !== 'signed_out' || state.user) setState({ status: 'signed_out', user: null });
  }

  function send(method: string, path: string, opts: RequestOptions, bearer: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    if (opts.key) headers['Idempotency-Key'] = opts.key;
    Object.assign(headers, opts.headers);
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    } else if (opts.text) {
      headers['Content-Type'] = opts.text.type;
      body = opts.text.body;
    }
    const init: RequestInit = { method, headers, body, credentials: 'same-origin' };
    if (opts.signal) init.signal = opts.signal;
    return fetchImpl(BASE + withQuery(path, opts.query), init);
  }

  // One refresh at a time: callers that hit a 401 while one is running
  // wait for it instead of spending the (rotating) refresh cookie again.
  // Across tabs, which share the cookie, a Web Lock does the same: the
  // server treats a rotated cookie sent again as a stolen one and ends the
  // session, so two tabs must never refresh with the same cookie at once.
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      try {
        const res = await acrossTabs(() => send('POST', '/auth/refresh', { retry: false }, null));
        if (!res.ok) {
          signedOut();
          return false;
        }
        signedIn((await res.json()) as TokenResponse);
        return true;
      } catch {
        signedOut();
        return false;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function call(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const used = token;
    let res = await send(method, path, opts, used);
    if (res.status === 401 && opts.retry !== false) {
      // Another request may have refreshed meanwhile: then just retry.
      const fresh = token !== null && token !== used ? true : await refresh();
      if (fresh) {
        res = await send(method, path, opts, token);
        if (res.status === 401) signedOut(); // the new token is refused too: the session is gone
      }
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  async function json<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
    const res = await call(method, path, opts);
    return (await res.json()) as T;
  }

  const get = <T>(path: string, query?: Query) => json<T>('GET', path, { query });

  async function allPages<T>(path: string, query: Query = {}, max = 20): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < max; i++) {
      const page: Page<T> = await get<Page<T>>(path, { ...query, limit: 100, cursor });
      out.push(...page.items);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    return out;
  }

  const e = encodeURIComponent;

  return {
    // ---------------------------------------------------------- session
    getSession: (): SessionState => state,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /**
     * On load: a valid refresh cookie signs the user back in. Without the
     * session marker there is nothing to restore, and nothing is asked: a
     * visitor who is not signed in is the normal case, not a failed request.
     */
    restore(): Promise<boolean> {
      if (mayHaveSession()) return refresh();
      signedOut();
      return Promise.resolve(false);
    },
    async login(email: string, password: string): Promise<Me> {
      const t = await json<TokenResponse>('POST', '/auth/login', { body: { email, password }, retry: false });
      signedIn(t);
      return t.user;
    },
    /** The ways to sign in besides the password (public: asked before signing in). */
    providers: () => json<AuthProviders>('GET', '/auth/providers', { retry: false }),
    async logout(): Promise<void> {
      try {
        if (token) await call('POST', '/auth/logout');
      } catch {
        // Signed out locally either way; the server session ends with its token.
      } finally {
        signedOut();
      }
    },

    // ------------------------------------------------------- people
    me: () => get<Me>('/me'),
    directory: (q: { role?: Role; function?: UserFunction; q?: string; limit?: number }) =>
      get<Page<Person>>('/directory', q),
    users: (q: { role?: Role; q?: string } = {}) => allPages<User>('/users', q),
    createUser: (body: CreateUserRequest, key?: string) => json<User>('POST', '/users', { body, key }),
    patchUser: (id: string, body: PatchUserRequest) => json<User>('PATCH', `/users/${e(id)}`, { body }),
    /** One page of the audit log, newest first, with its filters. */
    audit: (q: AuditQuery, cursor: string | null) => get<Page<AuditEntry>>('/audit', { ...q, limit: 50, cursor }),
    /** The audit entries of the same filters as one CSV file. */
    async auditCsv(q: AuditQuery): Promise<Download> {
      const res = await call('GET', '/audit.csv', { query: { ...q } });
      return { blob: await res.blob(), filename: filenameOf(res, 'audit.csv') };
    },
    org: () => get<OrgSettings>('/org'),
    patchOrg: (body: PatchOrgRequest) => json<OrgSettings>('PATCH', '/org', { body }),
    /** People from a CSV file: a dry run answers the diff; otherwise the whole file is applied, or nothing. */
    importUsers: (csv: string, dryRun: boolean) =>
      json<ImportResult>('POST', '/users/import', {
        query: { dry_run: dryRun ? 'true' : undefined },
        text: { type: 'text/csv', body: csv },
      }),

    /** Language hints of a text (offsets in code points), for live hints while typing. */
    languageHints: (text: string) => json<{ hints: Hint[] }>('POST', '/language-hints', { body: { text } }),

    // ------------------------------------------------- SCIM tokens
    scimTokens: () => get<{ items: ScimToken[] }>('/scim-tokens').then((l) => l.items),
    /** Answers the token's secret this once. */
    createScimToken: (name: string) => json<CreatedScimToken>('POST', '/scim-tokens', { body: { name } }),
    revokeScimToken: async (id: string): Promise<void> => {
      await call('DELETE', `/scim-tokens/${e(id)}`);
    },

    // --------------------------------------------------- frameworks
    frameworks: () => allPages<Framework>('/frameworks'),
    framework: (id: string) => get<Framework>(`/frameworks/${e(id)}`),
    createFramework: (body: CreateFrameworkRequest, key?: string) =>
      json<Framework>('POST', '/frameworks', { body, key }),

    // ------------------------------------------------------- cycles
    cycles: (q: { state?: CycleState } = {}) => allPages<Cycle>('/cycles', q),
    cycle: (id: string) => get<CycleWithGuide>(`/cycles/${e(id)}`),
    createCycle: (body: CreateCycleRequest & { distribution_guide?: DistributionGuide }, key?: string) => json<CycleWithGuide>('POST', '/cycles', { body, key }),
    /** A finalize outside the cycle's distribution guide needs `override_reason` (409 outside_distribution_guide without it). */
    transition: (id: string, to: CycleState, overrideReason?: string) =>
      json<CycleWithGuide>('POST', `/cycles/${e(id)}/transition`, {
        body: overrideReason ? { to, override_reason: overrideReason } : { to },
      }),
    /** A draft's settings (its distribution guide, null removes it); until release, the results date alone. */
    patchCycle: (id: string, body: { distribution_guide: DistributionGuide | null } | { results_expected_on: string | null }) =>
      json<CycleWithGuide>('PATCH', `/cycles/${e(id)}`, { body }),
    cycleNineBox: (id: string) => get<NineBox>(`/cycles/${e(id)}/nine-box`),
    cycleShifts: (id: string) => get<Shifts>(`/cycles/${e(id)}/shifts`),
    assessment: (cycleId: string, emId: string) => get<Assessment>(`/cycles/${e(cycleId)}/ems/${e(emId)}/assessment`),
    putAssessment: (cycleId: string, emId: string, body: AssessmentWrite) =>
      json<Assessment>('PUT', `/cycles/${e(cycleId)}/ems/${e(emId)}/assessment`, { body }),
    selfAssessmentOf: (cycleId: string, emId: string) =>
      get<SelfAssessment>(`/cycles/${e(cycleId)}/ems/${e(emId)}/self-assessment`),
    decision: (cycleId: string, emId: string) => get<Decision>(`/cycles/${e(cycleId)}/ems/${e(emId)}/decision`),
    putDecision: (cycleId: string, emId: string, body: DecisionWrite) =>
      json<Decision>('PUT', `/cycles/${e(cycleId)}/ems/${e(emId)}/decision`, { body }),
    mySelfAssessment: (cycleId: string) => get<SelfAssessment>(`/cycles/${e(cycleId)}/self-assessment`),
    putMySelfAssessment: (cycleId: string, body: { ratings: SelfAssessment['ratings']; version: number }) =>
      json<SelfAssessment>('PUT', `/cycles/${e(cycleId)}/self-assessment`, { body }),
    cycleNotes: (cycleId: string) => get<Page<CycleNote>>(`/cycles/${e(cycleId)}/notes`),
    board: (cycleId: string, q: BoardQuery = {}) => get<BoardWithGuide>(`/cycles/${e(cycleId)}/board`, { ...q }),
    async boardCsv(cycleId: string, q: BoardQuery = {}): Promise<Download> {
      const res = await call('GET', `/cycles/${e(cycleId)}/board.csv`, { query: { ...q } });
      return { blob: await res.blob(), filename: filenameOf(res, 'board.csv') };
    },
    /** The whole board printed for the room: a page per director. */
    async boardPdf(cycleId: string): Promise<Download> {
      const res = await call('GET', `/cycles/${e(cycleId)}/board.pdf`);
      return { blob: await res.blob(), filename: filenameOf(res, 'board.pdf') };
    },
    agenda: (cycleId: string) => get<Agenda>(`/cycles/${e(cycleId)}/agenda`),
    /** The caller's own pre-read of a participant; null until they write one (the API answers 404). */
    async preread(cycleId: string, emId: string): Promise<Preread | null> {
      try {
        return await get<Preread>(`/cycles/${e(cycleId)}/ems/${e(emId)}/preread`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    putPreread: (cycleId: string, emId: string, body: PrereadWrite) =>
      json<Preread>('PUT', `/cycles/${e(cycleId)}/ems/${e(emId)}/preread`, { body }),

    // ------------------------------------------------ live meeting
    /**
     * Opens the cycle's event stream (text/event-stream) and answers the
     * response, whose body the caller reads (api/events.ts). Like every
     * call it carries the access token, refreshed once on a 401; a resumed
     * stream names the last event it saw in Last-Event-ID.
     */
    cycleEvents: (cycleId: string, opts: { lastEventId?: string; signal?: AbortSignal } = {}) =>
      call('GET', `/cycles/${e(cycleId)}/events`, {
        headers: {
          Accept: 'text/event-stream',
          ...(opts.lastEventId ? { 'Last-Event-ID': opts.lastEventId } : {}),
        },
        signal: opts.signal,
      }),
    /** One page of the cycle's activity since calibration began, newest first. */
    activity: (cycleId: string, q: { limit?: number; cursor?: string | null } = {}) =>
      get<ActivityPage>(`/cycles/${e(cycleId)}/activity`, q),
    meeting: (cycleId: string, emId: string) => get<MeetingState>(`/cycles/${e(cycleId)}/ems/${e(emId)}/meeting`),
    putMeeting: (cycleId: string, emId: string, body: MeetingStateWrite) =>
      json<MeetingState>('PUT', `/cycles/${e(cycleId)}/ems/${e(emId)}/meeting`, { body }),

    // --------------------------------------------------- peer input
    createPeerRequest: (cycleId: string, body: { em_id: string; peer_id: string; message?: string }, key?: string) =>
      json<PeerRequest>('POST', `/cycles/${e(cycleId)}/peer-requests`, { body, key }),
    async peerRequests(): Promise<PeerRequestPage> {
      // Every page, with the EM's per-cycle counts of the first.
      const first = await get<PeerRequestPage>('/peer-requests', { limit: 100 });
      const items = [...first.items];
      let cursor = first.next_cursor;
      for (let i = 0; cursor && i < 20; i++) {
        const page: PeerRequestPage = await get<PeerRequestPage>('/peer-requests', { limit: 100, cursor });
        items.push(...page.items);
        cursor = page.next_cursor;
      }
      return { ...first, items, next_cursor: null };
    },
    putNote: (requestId: string, body: NoteWrite) => json<OwnNote>('PUT', `/peer-requests/${e(requestId)}/note`, { body }),
    decline: (requestId: string) => json<PeerRequest>('POST', `/peer-requests/${e(requestId)}/decline`),
    remind: (requestId: string) => json<PeerRequest>('POST', `/peer-requests/${e(requestId)}/remind`),

    // --------------------------------------------------- EM records
    history: (emId: string) => get<History>(`/ems/${e(emId)}/history`),
    async packet(emId: string, format: 'md' | 'pdf' = 'md'): Promise<Download> {
      const res = await call('GET', `/ems/${e(emId)}/packet`, { query: { format } });
      return { blob: await res.blob(), filename: filenameOf(res, `promotion-packet.${format}`) };
    },
    plan: (emId: string) => allPages<PlanItem>(`/ems/${e(emId)}/plan`),
    addPlanItem: (emId: string, body: NewPlanItem, key?: string) =>
      json<PlanItem>('POST', `/ems/${e(emId)}/plan`, { body, key }),
    patchPlanItem: (emId: string, itemId: string, body: PlanItemWrite) =>
      json<PlanItem>('PATCH', `/ems/${e(emId)}/plan/${e(itemId)}`, { body }),
    deletePlanItem: async (emId: string, itemId: string): Promise<void> => {
      await call('DELETE', `/ems/${e(emId)}/plan/${e(itemId)}`);
    },
    myFeedback: () => get<Feedback>('/me/feedback'),

    // ------------------------------------------------------ roll-ups
    rollups: () => allPages<Rollup>('/rollups'),
    rollup: (id: string) => get<Rollup>(`/rollups/${e(id)}`),
    createRollup: (body: CreateRollupRequest, key?: string) => json<Rollup>('POST', '/rollups', { body, key }),
    rollupBoard: (id: string) => get<RollupBoard>(`/rollups/${e(id)}/board`),
    rollupNineBox: (id: string) => get<NineBox>(`/rollups/${e(id)}/nine-box`),
    rollupShifts: (id: string) => get<Shifts>(`/rollups/${e(id)}/shifts`),
    putRollupDecision: (id: string, emId: string, body: RollupDecisionWrite) =>
      json<RollupDecision>('PUT', `/rollups/${e(id)}/ems/${e(emId)}/decision`, { body }),
    /** A finalize outside the roll-up's guide needs `override_reason` (409 outside_distribution_guide without it). */
    finalizeRollup: (id: string, overrideReason?: string) =>
      json<Rollup>('POST', `/rollups/${e(id)}/finalize`, { body: overrideReason ? { override_reason: overrideReason } : {} }),

    // -------------------------------------------------------- guests
    guests: (host: GuestHost) => get<{ items: Guest[] }>(`${guestsPath(host)}`).then((l) => l.items),
    addGuest: (host: GuestHost, body: GuestWrite) => json<Guest>('POST', guestsPath(host), { body }),
    removeGuest: async (host: GuestHost, userId: string): Promise<void> => {
      await call('DELETE', `${guestsPath(host)}/${e(userId)}`);
    },
  };
}

/** The guests of a cycle or of a roll-up. */
function guestsPath(host: GuestHost): string {
  return 'cycleId' in host ? `/cycles/${encodeURIComponent(host.cycleId)}/guests` : `/rollups/${encodeURIComponent(host.rollupId)}/guests`;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The app's client. */
export const api = createApiClient();
