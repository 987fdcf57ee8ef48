package store

import (
	"context"
	"time"

	"calibrate/internal/domain"
)

// CycleRatings returns every rating of the cycle's assessments, director
// and self, in one query.
func (s *Store) CycleRatings(ctx context.Context, cycleID string) ([]domain.RatingRow, error) {
	var rows []domain.RatingRow
	err := s.conn(ctx).Table("ratings").
		Select("assessments.em_id, assessments.kind, assessments.author_id, ratings.criterion, ratings.score, ratings.evidence").
		Joins("JOIN assessments ON assessments.id = ratings.assessment_id").
		Where("assessments.cycle_id = ?", cycleID).
		Order("assessments.em_id, ratings.criterion").Scan(&rows).Error
	return rows, err
}

// PastCycles returns, for each of emIDs, every finalized or released cycle
// they took part in before except, oldest first, with the decision and how
// the director's ratings stood against the bar — in one query. "Before"
// matters when except is itself finished: the board of an old cycle must
// not take a later cycle for the previous one. An empty except means all.
func (s *Store) PastCycles(ctx context.Context, emIDs []string, except string) ([]domain.PastCycle, error) {
	if len(emIDs) == 0 {
		return nil, nil
	}
	var rows []domain.PastCycle
	err := s.conn(ctx).Raw(`
SELECT cp.em_id, c.id AS cycle_id, c.name AS cycle_name, c.state, c.finalized_at, c.released_at, d.readiness,
  (SELECT COUNT(*) FROM ratings r JOIN assessments a ON a.id = r.assessment_id
     WHERE a.cycle_id = c.id AND a.em_id = cp.em_id AND a.kind = 'director') AS rated,
  (SELECT COUNT(*) FROM ratings r JOIN assessments a ON a.id = r.assessment_id JOIN frameworks f ON f.id = c.framework_id
     WHERE a.cycle_id = c.id AND a.em_id = cp.em_id AND a.kind = 'director' AND r.score < f.bar) AS below
FROM cycle_participants cp
JOIN cycles c ON c.id = cp.cycle_id
LEFT JOIN decisions d ON d.cycle_id = c.id AND d.em_id = cp.em_id
WHERE cp.em_id IN ? AND c.state IN ('finalized', 'released') AND c.id <> ?
  AND NOT EXISTS (SELECT 1 FROM cycles x WHERE x.id = ? AND x.finalized_at IS NOT NULL
    AND (c.finalized_at > x.finalized_at OR (c.finalized_at = x.finalized_at AND c.id > x.id)))
ORDER BY cp.em_id, c.finalized_at, c.id`, emIDs, except, except).Scan(&rows).Error
	for i := range rows {
		rows[i].FinalizedAt = utcPtr(rows[i].FinalizedAt)
		rows[i].ReleasedAt = utcPtr(rows[i].ReleasedAt)
	}
	return rows, err
}

// DirectorMeanSince is the mean of every director score of the
// organisation's cycles finalized (or, unfinished, created) since `since`.
func (s *Store) DirectorMeanSince(ctx context.Context, orgID string, since time.Time) (*float64, error) {
	var row struct{ Mean *float64 }
	err := s.conn(ctx).Raw(`
SELECT AVG(CAST(r.score AS REAL)) AS mean FROM ratings r
JOIN assessments a ON a.id = r.assessment_id
JOIN cycles c ON c.id = a.cycle_id
WHERE c.org_id = ? AND a.kind = 'director' AND COALESCE(c.finalized_at, c.created_at) >= ?`, orgID, since).Scan(&row).Error
	return row.Mean, err
}
