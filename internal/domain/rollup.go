package domain

import "time"

// RollupState is where a roll-up stands: open while its lead compares and
// changes decisions, finalized once the changes are written into the
// source cycles.
type RollupState string

const (
	RollupOpen      RollupState = "open"
	RollupFinalized RollupState = "finalized"
)

// Rollup makes the outcomes of several finalized cycles comparable: a
// director above every owner of every source cycle (its lead) reads them
// side by side and may change decisions, each change with a reason.
type Rollup struct {
	// OrgID is the organisation the row belongs to; never shown.
	OrgID             string `json:"-"`
	ID                string
	Name              string
	LeadID            string
	State             RollupState
	SourceIDs         []string // the source cycles, oldest first
	DistributionGuide DistributionGuide
	OverrideReason    *string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	FinalizedAt       *time.Time
}

// RollupDecision is the roll-up's readiness for one EM of a source cycle:
// DirectorReadiness is the source's decision it started from.
type RollupDecision struct {
	OrgID             string `json:"-"`
	RollupID          string
	EMID              string
	CycleID           string
	DirectorReadiness Readiness
	Readiness         Readiness
	Reason            *string
	DecidedBy         string
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Changed says the roll-up moved the EM away from the director's decision.
func (d RollupDecision) Changed() bool { return d.Readiness != d.DirectorReadiness }

// RollupFilter selects the roll-ups of an organisation a caller may read:
// every one (ReaderID and GuestID empty, the admins), or those ReaderID
// leads or owns a source cycle of; GuestID adds the open roll-ups GuestID
// is a guest of until GuestOn (YYYY-MM-DD) or later.
type RollupFilter struct {
	OrgID    string
	ReaderID string
	GuestID  string
	GuestOn  string
}

// RollupChange is a finalized roll-up's change of an EM's decision in one
// source cycle, as the EM's directors and the admins read it.
type RollupChange struct {
	CycleID   string
	EMID      string
	Rollup    Ref
	DecidedBy string
	From      Readiness
	To        Readiness
	Reason    string
}
