package store

import "time"

// The roll-up tables: a roll-up, its source cycles and its decisions.

type rollupRow struct {
	ID                string
	OrgID             string
	Name              string
	LeadID            string
	State             string
	DistributionGuide *string
	OverrideReason    *string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	FinalizedAt       *time.Time
}

func (rollupRow) TableName() string { return "rollups" }

type rollupSourceRow struct {
	OrgID    string
	RollupID string
	CycleID  string
	Open     bool
}

func (rollupSourceRow) TableName() string { return "rollup_sources" }

type rollupDecisionRow struct {
	OrgID             string
	RollupID          string
	EMID              string `gorm:"column:em_id"`
	CycleID           string
	DirectorReadiness string
	Readiness         string
	Reason            *string
	DecidedBy         string
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (rollupDecisionRow) TableName() string { return "rollup_decisions" }
