package store

import (
	"context"
	"database/sql"
	"fmt"
)

// A finished (finalized or released) cycle never changes: ratings,
// decisions and participants are locked from finalization on, and admins'
// member changes touch unfinished cycles only. So what later boards read
// of it — per participant, the decision and how the director's ratings
// stood against the bar — is written once, as cycle_summaries, in the
// transaction that finalizes it, and read from there instead of being
// re-derived from every rating of every past cycle on every board.

// summaryRow is one participant's summary of a finished cycle.
type summaryRow struct {
	CycleID   string `gorm:"primaryKey"`
	EMID      string `gorm:"primaryKey;column:em_id"`
	OrgID     string `gorm:"column:org_id"`
	Readiness *string
	Rated     int
	Below     int
	ScoreSum  int
}

func (summaryRow) TableName() string { return "cycle_summaries" }

// summarizeSQL derives the summaries of finished cycles from their rows:
// the one statement behind both finalization and the backfill, so the rule
// is written once. It fills only missing rows, so running it again is
// harmless, and replicas running it together do not collide. cycleFilter
// narrows it to one organisation's cycle ("AND c.org_id = ? AND c.id =
// ?"), to one organisation, or is empty for every cycle (the backfill).
// Every join stays within the organisation of the participant row.
func summarizeSQL(cycleFilter string) string {
	return `
INSERT INTO cycle_summaries (cycle_id, em_id, org_id, readiness, rated, below, score_sum)
SELECT cp.cycle_id, cp.em_id, c.org_id, d.readiness, COUNT(r.score),
  COALESCE(SUM(CASE WHEN r.score < f.bar THEN 1 ELSE 0 END), 0), COALESCE(SUM(r.score), 0)
FROM cycle_participants cp
JOIN cycles c ON c.org_id = cp.org_id AND c.id = cp.cycle_id
JOIN frameworks f ON f.org_id = cp.org_id AND f.id = c.framework_id
LEFT JOIN decisions d ON d.org_id = cp.org_id AND d.cycle_id = cp.cycle_id AND d.em_id = cp.em_id
LEFT JOIN assessments a ON a.org_id = cp.org_id AND a.cycle_id = cp.cycle_id AND a.em_id = cp.em_id AND a.kind = 'director'
LEFT JOIN ratings r ON r.org_id = cp.org_id AND r.assessment_id = a.id
WHERE c.state IN ('finalized', 'released') ` + cycleFilter + `
  AND NOT EXISTS (SELECT 1 FROM cycle_summaries s WHERE s.org_id = cp.org_id AND s.cycle_id = cp.cycle_id AND s.em_id = cp.em_id)
GROUP BY cp.cycle_id, cp.em_id, c.org_id, d.readiness
ON CONFLICT (cycle_id, em_id) DO NOTHING`
}

// summarizeCycle writes, in the transaction of ctx, the summaries of cycle
// id of orgID, which must be finished.
func (s *Store) summarizeCycle(ctx context.Context, orgID, id string) error {
	return s.conn(ctx).Exec(summarizeSQL("AND cp.org_id = ? AND c.id = ?"), orgID, id).Error
}

// summarizeOrg writes, in the transaction of ctx, the summaries the
// organisation's finished cycles lack.
func (s *Store) summarizeOrg(ctx context.Context, orgID string) error {
	return s.conn(ctx).Exec(summarizeSQL("AND cp.org_id = ?"), orgID).Error
}

// summarizeFinished writes the summaries every finished cycle lacks: the
// backfill of the cycles finalized before summaries existed, run by
// Migrate after the migrations, on their pool (no statement timeout). It
// is Go, not SQL in the migration, so that finalization and backfill run
// one statement; once every cycle has its summaries it finds nothing to do.
func (s *Store) summarizeFinished(ctx context.Context, db *sql.DB) error {
	res, err := db.ExecContext(ctx, summarizeSQL(""))
	if err != nil {
		return fmt.Errorf("summarising finished cycles: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		s.log.Info("finished cycles summarised", "participants", n)
	}
	return nil
}
