// The types of the roll-up, 9-box, distribution guide, shifts and guest
// routes: aliases of the generated schema (schema.d.ts, `npm run gen:api`),
// so the code that uses them is type-checked against api/openapi.yaml, plus
// the few shapes only the web app needs.
import type { components, operations } from './schema';
import type { Board, Cycle } from './types';

type Schemas = components['schemas'];

// ----------------------------------------------------- distribution guide
export type GuideRange = Schemas['GuideRange'];
export type DistributionGuide = Schemas['DistributionGuide'];
export type GuideLine = Schemas['GuideLine'];

/** The details of a 409 outside_distribution_guide: the lines outside their range. */
export interface OutsideDetails {
  outside: GuideLine[];
}

/** What cycles carry: their guide and, once finalized outside it, the reason given. */
export type GuideFields = Pick<Cycle, 'distribution_guide' | 'override_reason'>;
export type CycleWithGuide = Cycle;
/** The cycle board with its guide (null when the cycle has none). */
export type BoardWithGuide = Board;

// ----------------------------------------------------------------- 9-box
export const BANDS = ['above', 'at', 'below'] as const satisfies readonly Schemas['NineBoxBand'][];
/** Where the composite stands: below the bar, at it (up to half a point over), or above. */
export type Band = Schemas['NineBoxBand'];
export const NINE_BOX_COLUMNS = ['later', 'ready_6_12_months', 'ready_now'] as const satisfies readonly Schemas['NineBoxColumn'][];
/** The 9-box's readiness columns: `later` holds not_yet and ready_12_24_months. */
export type NineBoxColumn = Schemas['NineBoxColumn'];
export type NineBoxCell = Schemas['NineBoxCell'];
export type NineBox = Schemas['NineBox'];

// ---------------------------------------------------------------- shifts
export type ShiftCounts = Schemas['ShiftCounts'];
export type Shifts = Schemas['Shifts'];
export type ShiftGroup = Shifts['groups'][number];
export type ShiftLevel = Shifts['levels'][number]['level'];

// -------------------------------------------------------------- roll-ups
export type RollupState = Schemas['RollupState'];
export type RollupSource = Schemas['RollupSource'];
export type Rollup = Schemas['Rollup'];
export type CreateRollupRequest = operations['createRollup']['requestBody']['content']['application/json'];
export type RollupRow = Schemas['RollupBoardRow'];
export type Move = NonNullable<RollupRow['moved']>;
export type ReadinessCounts = Schemas['RollupDirector']['distribution'];
export type DirectorComparison = Schemas['RollupDirector'];
export type RollupBoard = Schemas['RollupBoard'];
export type RollupDecisionWrite = Schemas['RollupDecisionRequest'];
export type RollupDecision = Schemas['RollupDecision'];

// ---------------------------------------------------------------- guests
export type Guest = Schemas['Guest'];
export type GuestWrite = operations['addCycleGuest']['requestBody']['content']['application/json'];

/** Whose guests: a cycle's or a roll-up's. */
export type GuestHost = { cycleId: string } | { rollupId: string };
