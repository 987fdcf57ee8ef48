// Hand-written types of the roll-up, 9-box, distribution guide, shifts and
// guest routes, until api/openapi.yaml documents them: then each becomes an
// alias of the generated schema (schema.d.ts) and the code that uses it is
// type-checked against the contract.
import type { Board, BoardRow, Criterion, Cycle, CycleState, Readiness, Ref, Role, UserFunction } from './types';

// ----------------------------------------------------- distribution guide
/** A readiness's share of the EMs the guide expects: whole percents 0..100, min ≤ max. */
export interface GuideRange {
  min: number;
  max: number;
}

/** The guide of a cycle or roll-up: a range for some (or all) readiness values. */
export type DistributionGuide = Partial<Record<Readiness, GuideRange>>;

/** One readiness against its guide: how many EMs have it, their share, and whether that is within the range. */
export interface GuideLine {
  readiness: Readiness;
  min: number;
  max: number;
  count: number;
  /** whole percent of the decided EMs */
  percent: number;
  within: boolean;
}

/** The details of a 409 outside_distribution_guide: the lines outside their range. */
export interface OutsideDetails {
  outside: GuideLine[];
}

/** What cycles gain: their guide and, once finalized outside it, the reason given. */
export interface GuideFields {
  distribution_guide?: DistributionGuide | null;
  override_reason?: string | null;
}

export type CycleWithGuide = Cycle & GuideFields;

/** The cycle board with its guide (null when the cycle has none). */
export type BoardWithGuide = Board & { guide?: GuideLine[] | null };

// ----------------------------------------------------------------- 9-box
export const BANDS = ['above', 'at', 'below'] as const;
/** Where the composite stands: below the bar, at it (up to half a point over), or above. */
export type Band = (typeof BANDS)[number];
export const NINE_BOX_COLUMNS = ['later', 'ready_6_12_months', 'ready_now'] as const;
/** The 9-box's readiness columns: `later` holds not_yet and ready_12_24_months. */
export type NineBoxColumn = (typeof NINE_BOX_COLUMNS)[number];

export interface NineBoxCell {
  band: Band;
  readiness: NineBoxColumn;
  count: number;
  /** whole percent of the placed EMs */
  percent: number;
  em_ids: string[];
}

export interface NineBox {
  bar: number;
  total: number;
  /** nine boxes: band above, at, below × readiness later, ready_6_12_months, ready_now */
  boxes: NineBoxCell[];
  /** EMs without a composite or a readiness */
  unplaced_em_ids: string[];
  guide: GuideLine[] | null;
}

// ---------------------------------------------------------------- shifts
export interface ShiftCounts {
  up: number;
  down: number;
  unchanged: number;
}

export type ShiftLevel = 'director_session' | 'rollup';

export interface ShiftGroup {
  kind: 'advocate_function' | 'tenure';
  group: string;
  /** fewer than 4 EMs: the counts are withheld */
  fewer_than_4: boolean;
  up: number | null;
  down: number | null;
  unchanged: number | null;
}

export interface Shifts {
  total: ShiftCounts;
  levels: (ShiftCounts & { level: ShiftLevel })[];
  directors: (ShiftCounts & { director: Ref })[];
  groups: ShiftGroup[];
}

// -------------------------------------------------------------- roll-ups
export type RollupState = 'open' | 'finalized';

export interface RollupSource {
  id: string;
  name: string;
  state: CycleState;
  lead: Ref;
}

export interface Rollup {
  id: string;
  name: string;
  state: RollupState;
  lead: Ref;
  sources: RollupSource[];
  distribution_guide: DistributionGuide | null;
  override_reason: string | null;
  created_at: string;
  finalized_at: string | null;
}

export interface CreateRollupRequest {
  name: string;
  source_cycle_ids: string[];
  distribution_guide?: DistributionGuide;
}

export type Move = 'up' | 'down';

export type RollupRow = Pick<BoardRow, 'em' | 'scores' | 'composite' | 'evidence_coverage' | 'readiness' | 'flags'> & {
  director: Ref;
  source_cycle: Ref;
  director_decision: Readiness | null;
  /** null until the roll-up changes it */
  rollup_decision: Readiness | null;
  /** the reason of the roll-up's decision, for those who may read it */
  rollup_reason?: string | null;
  /** the version of the roll-up's decision, 0 while there is none: what a PUT sends */
  rollup_version?: number;
  moved: Move | null;
};

export type ReadinessCounts = Record<Readiness | 'undecided', number>;

export interface DirectorComparison {
  director: Ref;
  em_count: number;
  mean_composite: number | null;
  distribution: ReadinessCounts;
  delta_from_mean: number | null;
}

export interface RollupBoard {
  rollup: { id: string; name: string; state: RollupState };
  criteria: Criterion[];
  rows: RollupRow[];
  directors: DirectorComparison[];
  distribution: Partial<ReadinessCounts>;
  guide: GuideLine[] | null;
}

export interface RollupDecisionWrite {
  readiness: Readiness;
  /** 1–500 characters; required when the readiness differs from the director's */
  reason?: string;
  version: number;
}

export interface RollupDecision {
  em_id: string;
  readiness: Readiness;
  director_readiness: Readiness | null;
  reason: string | null;
  version: number;
  decided_by: Ref;
  updated_at: string;
}

// ---------------------------------------------------------------- guests
export interface Guest {
  user: Ref;
  role: Role;
  function: UserFunction;
  /** the guest's last day, YYYY-MM-DD */
  until: string;
  added_by: Ref;
  created_at: string;
}

export interface GuestWrite {
  user_id: string;
  until: string;
}

/** Whose guests: a cycle's or a roll-up's. */
export type GuestHost = { cycleId: string } | { rollupId: string };
