// TanStack Query hooks over the API client: the only way screens read and
// write API data. Query keys start with the resource so a write can
// invalidate everything that shows it.
import { useEffect, useRef, useState } from 'react';
import { QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient, keepPreviousData } from '@tanstack/react-query';
import { api, ApiError, newIdempotencyKey } from './client';
import { paceBoard } from '../lib/pace';
import type {
  AssessmentWrite,
  AuditQuery,
  BoardQuery,
  CreateCycleRequest,
  CreateFrameworkRequest,
  CreateUserRequest,
  CycleState,
  DecisionWrite,
  MeetingStateWrite,
  NoteWrite,
  PatchUserRequest,
  PatchOrgRequest,
  PlanItemWrite,
  NewPlanItem,
  Hint,
  PrereadWrite,
  Rating,
  Role,
  UserFunction,
} from './types';
import type { CreateRollupRequest, DistributionGuide, GuestHost, GuestWrite, RollupDecisionWrite } from './rollupTypes';

const isRateLimited = (err: unknown): err is ApiError => err instanceof ApiError && err.status === 429;

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // 4xx answers are final, but for 429 (the server's per-user
        // limit): retry only what might pass next time, a 429 after its
        // Retry-After.
        retry: (count, err) => (!(err instanceof ApiError && err.status < 500) || isRateLimited(err)) && count < 2,
        retryDelay: (count, err) =>
          isRateLimited(err) && err.retryAfter ? err.retryAfter * 1000 : Math.min(1000 * 2 ** count, 30_000),
      },
      mutations: { retry: false },
    },
  });
}

// ------------------------------------------------------------------ reads
export const useCycles = (state?: CycleState) =>
  useQuery({ queryKey: ['cycles', state ?? 'all'], queryFn: () => api.cycles(state ? { state } : {}) });

export const useCycle = (id: string | undefined) =>
  useQuery({ queryKey: ['cycle', id], queryFn: () => api.cycle(id!), enabled: !!id });

/**
 * The board of a cycle. Every write invalidates it, so its requests are
 * paced: at most one a second per tab and none while the tab is hidden
 * (lib/pace.ts), well under the server's per-user limit even with a
 * meeting followed in ten tabs on one account.
 */
export const useBoard = (cycleId: string | undefined, q: BoardQuery = {}) =>
  useQuery({
    queryKey: ['board', cycleId, q],
    queryFn: async ({ signal }) => {
      await paceBoard(signal);
      return api.board(cycleId!, q);
    },
    enabled: !!cycleId,
    placeholderData: keepPreviousData,
  });

export const useAgenda = (cycleId: string) => useQuery({ queryKey: ['agenda', cycleId], queryFn: () => api.agenda(cycleId) });

export const useCycleNotes = (cycleId: string) =>
  useQuery({ queryKey: ['notes', cycleId], queryFn: () => api.cycleNotes(cycleId) });

export const useAssessment = (cycleId: string, emId: string) =>
  useQuery({ queryKey: ['assessment', cycleId, emId], queryFn: () => api.assessment(cycleId, emId) });

export const useSelfAssessmentOf = (cycleId: string, emId: string) =>
  useQuery({ queryKey: ['self-assessment', cycleId, emId], queryFn: () => api.selfAssessmentOf(cycleId, emId) });

export const useDecision = (cycleId: string, emId: string) =>
  useQuery({ queryKey: ['decision', cycleId, emId], queryFn: () => api.decision(cycleId, emId) });

export const useMySelfAssessment = (cycleId: string) =>
  useQuery({ queryKey: ['self-assessment', cycleId, 'me'], queryFn: () => api.mySelfAssessment(cycleId) });

export const usePeerRequests = () => useQuery({ queryKey: ['peer-requests'], queryFn: () => api.peerRequests() });

export const useFrameworks = () => useQuery({ queryKey: ['frameworks'], queryFn: () => api.frameworks() });

export const useFramework = (id: string | undefined) =>
  useQuery({ queryKey: ['framework', id], queryFn: () => api.framework(id!), enabled: !!id, staleTime: Infinity });

export const useUsers = (q: { role?: Role; q?: string } = {}) =>
  useQuery({ queryKey: ['users', q], queryFn: () => api.users(q) });

/** The audit log with its filters, newest first, a page at a time. */
export const useAudit = (q: AuditQuery) =>
  useInfiniteQuery({
    queryKey: ['audit', q],
    queryFn: ({ pageParam }) => api.audit(q, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
  });

export const useDirectory = (q: { role?: Role; function?: UserFunction; q?: string }, enabled = true) =>
  useQuery({
    queryKey: ['directory', q],
    queryFn: () => api.directory({ ...q, limit: 50 }),
    enabled,
    placeholderData: keepPreviousData,
  });

export const useHistory = (emId: string | undefined) =>
  useQuery({ queryKey: ['history', emId], queryFn: () => api.history(emId!), enabled: !!emId });

export const usePlan = (emId: string | undefined) =>
  useQuery({ queryKey: ['plan', emId], queryFn: () => api.plan(emId!), enabled: !!emId });

export const useMyFeedback = () => useQuery({ queryKey: ['feedback'], queryFn: () => api.myFeedback() });

/** The caller's own pre-read of a participant: null until they write one. */
export const usePreread = (cycleId: string, emId: string, enabled = true) =>
  useQuery({ queryKey: ['preread', cycleId, emId], queryFn: () => api.preread(cycleId, emId), enabled });

/** How many changes of the activity one page brings. */
export const ACTIVITY_PAGE = 30;

/** The cycle's activity since calibration began, newest first, a page at a time. */
export const useActivity = (cycleId: string, enabled = true) =>
  useInfiniteQuery({
    queryKey: ['activity', cycleId],
    queryFn: ({ pageParam }) => api.activity(cycleId, { limit: ACTIVITY_PAGE, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled,
  });

/** The owners' meeting state of one EM (discussed, the shared note). */
export const useMeetingState = (cycleId: string, emId: string) =>
  useQuery({ queryKey: ['meeting', cycleId, emId], queryFn: () => api.meeting(cycleId, emId) });

/** How long typing pauses before its text is sent for language hints. */
export const HINTS_DELAY_MS = 400;

/**
 * Language hints of a text being typed: the text is sent once typing
 * pauses (HINTS_DELAY_MS), and the answer comes with the text it is about
 * (`hints` of `text`), which may be a little behind the field. Failures
 * are quiet: hints never stand in the way of writing or saving.
 */
export function useLanguageHints(text: string, enabled = true) {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    if (settled === text) return;
    const t = setTimeout(() => setSettled(text), HINTS_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, settled]);
  return useQuery({
    queryKey: ['language-hints', settled],
    queryFn: async (): Promise<{ text: string; hints: Hint[] }> => ({ text: settled, hints: (await api.languageHints(settled)).hints }),
    enabled: enabled && settled.trim() !== '',
    staleTime: Infinity,
    retry: false,
    placeholderData: keepPreviousData,
  });
}

/** The framework a cycle rates against (two reads: the cycle, then its framework). */
export function useCycleFramework(cycleId: string | undefined) {
  const cycle = useCycle(cycleId);
  const framework = useFramework(cycle.data?.framework_id);
  return { cycle, framework };
}

// ----------------------------------------------------------------- writes
// The writes of the meeting (assessments, decisions, the meeting state)
// answer as soon as the server does: what shows them elsewhere refetches
// behind, not awaited, since the board waits its turn (lib/pace.ts) and a
// form must not stay "Saving…" for it.
function useInvalidate() {
  const qc = useQueryClient();
  return (...keys: string[]) => Promise.all(keys.map((k) => qc.invalidateQueries({ queryKey: [k] })));
}

/**
 * A create that tolerates double clicks. While one submission is pending,
 * further submits are ignored at once (a button's disabled state arrives a
 * render later, after a fast second click). Each submission carries an
 * Idempotency-Key, kept while the body stays the same, so a retry of a
 * submission whose answer was lost creates nothing twice, and neither does a
 * second click landing after the answer but before the screen moved on (the
 * server replays the first answer); a changed body is a new submission with
 * a new key.
 */
function useCreate<B, R>(send: (body: B, key: string) => Promise<R>, onSuccess: () => unknown) {
  const pending = useRef(false);
  const submission = useRef<{ body: string; key: string } | null>(null);
  const m = useMutation({
    mutationFn: (b: B) => {
      const body = JSON.stringify(b);
      if (submission.current?.body !== body) submission.current = { body, key: newIdempotencyKey() };
      return send(b, submission.current.key);
    },
    onSuccess: () => onSuccess(),
    onSettled: () => {
      pending.current = false;
    },
  });
  const mutate: typeof m.mutate = (...args) => {
    if (pending.current) return;
    pending.current = true;
    m.mutate(...args);
  };
  return { ...m, mutate };
}

export function useCreateCycle() {
  const inv = useInvalidate();
  return useCreate((b: CreateCycleRequest & { distribution_guide?: DistributionGuide }, key) => api.createCycle(b, key), () => inv('cycles'));
}

export function useTransition(cycleId: string) {
  const inv = useInvalidate();
  return useMutation({
    /** A state, or a state with the reason for finalizing outside the distribution guide. */
    mutationFn: (to: CycleState | { to: CycleState; overrideReason: string }) =>
      typeof to === 'string' ? api.transition(cycleId, to) : api.transition(cycleId, to.to, to.overrideReason),
    onSuccess: () =>
      inv('cycles', 'cycle', 'board', 'agenda', 'peer-requests', 'history', 'activity', 'meeting', 'nine-box', 'shifts', 'rollups'),
  });
}

export function useSaveAssessment(cycleId: string, emId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (b: AssessmentWrite) => api.putAssessment(cycleId, emId, b),
    onSuccess: () => void inv('assessment', 'board', 'agenda', 'activity'),
  });
}

export function useSaveDecision(cycleId: string, emId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (b: DecisionWrite) => api.putDecision(cycleId, emId, b),
    onSuccess: () => void inv('decision', 'board', 'agenda', 'activity', 'nine-box', 'shifts'),
  });
}

export function useSaveMeeting(cycleId: string, emId: string) {
  const qc = useQueryClient();
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (b: MeetingStateWrite) => api.putMeeting(cycleId, emId, b),
    onSuccess: (m) => {
      qc.setQueryData(['meeting', cycleId, emId], m);
      void inv('board', 'activity');
    },
  });
}

export function useSaveSelfAssessment(cycleId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (b: { ratings: Rating[]; version: number }) => api.putMySelfAssessment(cycleId, b),
    onSuccess: () => inv('self-assessment'),
  });
}

export function useSavePreread(cycleId: string, emId: string) {
  const qc = useQueryClient();
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (b: PrereadWrite) => api.putPreread(cycleId, emId, b),
    onSuccess: (p) => {
      qc.setQueryData(['preread', cycleId, emId], p);
      return inv('board', 'agenda');
    },
  });
}

export function useCreatePeerRequest(cycleId: string) {
  const inv = useInvalidate();
  return useCreate(
    (b: { em_id: string; peer_id: string; message?: string }, key) => api.createPeerRequest(cycleId, b, key),
    () => inv('peer-requests', 'board'),
  );
}

export function useSaveNote(requestId: string) {
  const inv = useInvalidate();
  return useMutation({ mutationFn: (b: NoteWrite) => api.putNote(requestId, b), onSuccess: () => inv('peer-requests') });
}

export function useDecline() {
  const inv = useInvalidate();
  return useMutation({ mutationFn: (requestId: string) => api.decline(requestId), onSuccess: () => inv('peer-requests') });
}

export function useRemind() {
  const inv = useInvalidate();
  return useMutation({ mutationFn: (requestId: string) => api.remind(requestId), onSuccess: () => inv('peer-requests') });
}

export function useCreateUser() {
  const inv = useInvalidate();
  return useCreate((b: CreateUserRequest, key) => api.createUser(b, key), () => inv('users', 'directory'));
}

export function usePatchUser() {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: PatchUserRequest }) => api.patchUser(id, body),
    onSuccess: () => inv('users', 'directory'),
  });
}

/** A people import: a dry run changes nothing; an apply refreshes the people lists. */
export function useImportUsers() {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: ({ csv, dryRun }: { csv: string; dryRun: boolean }) => api.importUsers(csv, dryRun),
    onSuccess: (_res, { dryRun }) => {
      if (!dryRun) inv('users', 'directory');
    },
  });
}

export function useCreateFramework() {
  const inv = useInvalidate();
  return useCreate((b: CreateFrameworkRequest, key) => api.createFramework(b, key), () => inv('frameworks'));
}

export function useAddPlanItem(emId: string) {
  const inv = useInvalidate();
  return useCreate((b: NewPlanItem, key) => api.addPlanItem(emId, b, key), () => inv('plan'));
}

export function usePatchPlanItem(emId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: PlanItemWrite }) => api.patchPlanItem(emId, id, body),
    onSuccess: () => inv('plan'),
  });
}

export function useDeletePlanItem(emId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api.deletePlanItem(emId, id),
    onSuccess: () => inv('plan'),
  });
}

export function useDownload() {
  return useMutation({
    mutationFn: (
      kind:
        | { board: string; query?: BoardQuery }
        | { boardPdf: string }
        | { packet: string; format?: 'md' | 'pdf'; name?: string }
        | { audit: AuditQuery },
    ) =>
      'audit' in kind
        ? api.auditCsv(kind.audit)
        : 'board' in kind
        ? api.boardCsv(kind.board, kind.query)
        : 'boardPdf' in kind
          ? api.boardPdf(kind.boardPdf)
          : api.packet(kind.packet, kind.format).then((d) => ({ ...d, filename: kind.name ?? d.filename })),
  });
}

/** Every framework, by id: for screens that show several cycles' scores. */
export function useFrameworksById() {
  const q = useFrameworks();
  const byId = new Map((q.data ?? []).map((f) => [f.id, f]));
  return { ...q, byId };
}

// ------------------------------------------------------ SCIM tokens

export const useScimTokens = () => useQuery({ queryKey: ['scim-tokens'], queryFn: () => api.scimTokens() });

export function useCreateScimToken() {
  const inv = useInvalidate();
  return useMutation({ mutationFn: (name: string) => api.createScimToken(name), onSuccess: () => void inv('scim-tokens') });
}

export function useRevokeScimToken() {
  const inv = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.revokeScimToken(id), onSuccess: () => void inv('scim-tokens') });
}

/** The sign-in page's providers; a failure leaves the password form alone. */
export const useProviders = () =>
  useQuery({ queryKey: ['auth-providers'], queryFn: () => api.providers(), staleTime: 5 * 60_000, retry: false });

export const useOrg = () => useQuery({ queryKey: ['org'], queryFn: () => api.org() });

export function usePatchOrg() {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (body: PatchOrgRequest) => api.patchOrg(body),
    onSuccess: () => inv('org'),
  });
}

// ---------------------------------------- guides, 9-box, shifts, roll-ups

/** A draft cycle's distribution guide (null removes it). */
export function usePatchCycleGuide(cycleId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (guide: DistributionGuide | null) => api.patchCycle(cycleId, { distribution_guide: guide }),
    onSuccess: () => inv('cycle', 'cycles', 'board', 'nine-box'),
  });
}

/** The date the cycle's results are expected (the lead, until release; null clears it). */
export function usePatchResultsDate(cycleId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (date: string | null) => api.patchCycle(cycleId, { results_expected_on: date }),
    onSuccess: () => inv('cycle', 'cycles'),
  });
}

/** The 9-box of a cycle or of a roll-up. */
export const useNineBox = (host: { cycleId: string } | { rollupId: string }, enabled = true) =>
  useQuery({
    queryKey: ['nine-box', host],
    queryFn: () => ('cycleId' in host ? api.cycleNineBox(host.cycleId) : api.rollupNineBox(host.rollupId)),
    enabled,
  });

/** How decisions moved: in a cycle's director sessions, or in a roll-up too. */
export const useShifts = (host: { cycleId: string } | { rollupId: string }, enabled = true) =>
  useQuery({
    queryKey: ['shifts', host],
    queryFn: () => ('cycleId' in host ? api.cycleShifts(host.cycleId) : api.rollupShifts(host.rollupId)),
    enabled,
  });

export const useRollups = () => useQuery({ queryKey: ['rollups'], queryFn: () => api.rollups() });

export const useRollup = (id: string) => useQuery({ queryKey: ['rollup', id], queryFn: () => api.rollup(id) });

export const useRollupBoard = (id: string) =>
  useQuery({ queryKey: ['rollup-board', id], queryFn: () => api.rollupBoard(id), placeholderData: keepPreviousData });

export function useCreateRollup() {
  const inv = useInvalidate();
  return useCreate((b: CreateRollupRequest, key) => api.createRollup(b, key), () => inv('rollups', 'cycles'));
}

export function useSaveRollupDecision(rollupId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: ({ emId, body }: { emId: string; body: RollupDecisionWrite }) => api.putRollupDecision(rollupId, emId, body),
    onSuccess: () => inv('rollup-board', 'nine-box', 'shifts'),
  });
}

export function useFinalizeRollup(rollupId: string) {
  const inv = useInvalidate();
  return useMutation({
    mutationFn: (overrideReason?: string) => api.finalizeRollup(rollupId, overrideReason),
    onSuccess: () => inv('rollup', 'rollups', 'rollup-board', 'nine-box', 'shifts', 'cycles', 'cycle'),
  });
}

export const useGuests = (host: GuestHost) => useQuery({ queryKey: ['guests', host], queryFn: () => api.guests(host) });

export function useAddGuest(host: GuestHost) {
  const inv = useInvalidate();
  return useMutation({ mutationFn: (b: GuestWrite) => api.addGuest(host, b), onSuccess: () => inv('guests') });
}

export function useRemoveGuest(host: GuestHost) {
  const inv = useInvalidate();
  return useMutation({ mutationFn: (userId: string) => api.removeGuest(host, userId), onSuccess: () => inv('guests') });
}
