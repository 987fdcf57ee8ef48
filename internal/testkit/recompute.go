package testkit

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"calibrate/internal/domain"
	"calibrate/internal/store"
)

// Recomputed is the store with the board's history read the long way: from
// every rating, decision and participant of the past cycles, as it was
// before finished cycles were summarised. A board or history built on it
// must equal the one built on the summaries.
type Recomputed struct {
	*store.Store
}

// PastCycles derives each EM's finished cycles before except from their
// raw rows.
func (r Recomputed) PastCycles(ctx context.Context, orgID string, emIDs []string, except string) ([]domain.PastCycle, error) {
	if len(emIDs) == 0 {
		return nil, nil
	}
	rows, err := r.Gorm().WithContext(ctx).Raw(`
SELECT cp.em_id, c.id, c.name, c.state, c.finalized_at, c.released_at, d.readiness,
  COUNT(r.score), COALESCE(SUM(CASE WHEN r.score < f.bar THEN 1 ELSE 0 END), 0)
FROM cycle_participants cp
JOIN cycles c ON c.org_id = cp.org_id AND c.id = cp.cycle_id
JOIN frameworks f ON f.org_id = cp.org_id AND f.id = c.framework_id
LEFT JOIN decisions d ON d.org_id = cp.org_id AND d.cycle_id = c.id AND d.em_id = cp.em_id
LEFT JOIN assessments a ON a.org_id = cp.org_id AND a.cycle_id = c.id AND a.em_id = cp.em_id AND a.kind = 'director'
LEFT JOIN ratings r ON r.org_id = cp.org_id AND r.assessment_id = a.id
WHERE cp.org_id = ? AND cp.em_id IN ? AND c.state IN ('finalized', 'released') AND c.id <> ?
  AND NOT EXISTS (SELECT 1 FROM cycles x WHERE x.org_id = cp.org_id AND x.id = ? AND x.finalized_at IS NOT NULL
    AND (c.finalized_at > x.finalized_at OR (c.finalized_at = x.finalized_at AND c.id > x.id)))
GROUP BY cp.em_id, c.id, c.name, c.state, c.finalized_at, c.released_at, d.readiness`, orgID, emIDs, except, except).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.PastCycle
	for rows.Next() {
		var p domain.PastCycle
		var state string
		var readiness sql.NullString
		var finalized, released sql.NullTime
		if err := rows.Scan(&p.EMID, &p.CycleID, &p.CycleName, &state, &finalized, &released, &readiness, &p.Rated, &p.Below); err != nil {
			return nil, err
		}
		p.State = domain.State(state)
		p.FinalizedAt, p.ReleasedAt = utc(finalized), utc(released)
		if readiness.Valid {
			v := domain.Readiness(readiness.String)
			p.Readiness = &v
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b domain.PastCycle) int {
		if c := strings.Compare(a.EMID, b.EMID); c != 0 {
			return c
		}
		switch {
		case a.FinalizedAt == nil && b.FinalizedAt != nil:
			return 1
		case a.FinalizedAt != nil && b.FinalizedAt == nil:
			return -1
		case a.FinalizedAt != nil:
			if c := a.FinalizedAt.Compare(*b.FinalizedAt); c != 0 {
				return c
			}
		}
		return strings.Compare(a.CycleID, b.CycleID)
	})
	return out, nil
}

// RecentPastCycles is every past cycle, recomputed: the rules must read
// the same of it as of the recent ones.
func (r Recomputed) RecentPastCycles(ctx context.Context, orgID string, emIDs []string, except string, _ int) ([]domain.PastCycle, error) {
	return r.PastCycles(ctx, orgID, emIDs, except)
}

// DirectorMeanSince averages every director rating of the organisation's
// cycles finalized (or, unfinished, created) since `since`.
func (r Recomputed) DirectorMeanSince(ctx context.Context, orgID string, since time.Time) (*float64, error) {
	var row struct{ Mean *float64 }
	err := r.Gorm().WithContext(ctx).Raw(`
SELECT AVG(CAST(r.score AS REAL)) AS mean FROM ratings r
JOIN assessments a ON a.org_id = r.org_id AND a.id = r.assessment_id
JOIN cycles c ON c.org_id = r.org_id AND c.id = a.cycle_id
WHERE r.org_id = ? AND a.kind = 'director' AND COALESCE(c.finalized_at, c.created_at) >= ?`, orgID, since).Scan(&row).Error
	return row.Mean, err
}

func utc(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
