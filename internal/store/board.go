package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"calibrate/internal/domain"
)

// The board's reads return thousands of rows at a few hundred EMs: they
// select only the columns the board uses, scan with database/sql into plain
// variables rather than through GORM's reflection, leave sorting to Go, and
// count in SQL what needs no row of its own.

// CycleRatings returns every rating of the cycle's assessments, director
// and self, in one query and in no particular order (sorting thousands of
// rows by text costs the database more than it costs the caller, which keys
// them by EM and criterion). Only what the board reads is loaded: a self
// rating's evidence comes back empty, and AuthorID is not set.
func (s *Store) CycleRatings(ctx context.Context, orgID, cycleID string) ([]domain.RatingRow, error) {
	rows, err := s.conn(ctx).Raw(`
SELECT a.em_id, a.kind, r.criterion, r.score, CASE WHEN a.kind = 'director' THEN r.evidence ELSE '' END
FROM assessments a JOIN ratings r ON r.org_id = a.org_id AND r.assessment_id = a.id
WHERE a.org_id = ? AND a.cycle_id = ?`, orgID, cycleID).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.RatingRow
	var kind string
	for rows.Next() {
		var r domain.RatingRow
		if err := rows.Scan(&r.EMID, &kind, &r.Criterion, &r.Score, &r.Evidence); err != nil {
			return nil, err
		}
		r.Kind = domain.AssessmentKind(kind)
		out = append(out, r)
	}
	return out, rows.Err()
}

// PastCycles returns, for each of emIDs (in their order as strings), every
// finalized or released cycle they took part in before except, oldest
// first, with the decision and how the director's ratings stood against
// the bar — in one query, from the cycles' summaries (what was true at
// finalization, and stays true). "Before" matters when except is itself
// finished: the board of an old cycle must not take a later cycle for the
// previous one. An empty except means all. emIDs are of orgID.
func (s *Store) PastCycles(ctx context.Context, orgID string, emIDs []string, except string) ([]domain.PastCycle, error) {
	if len(emIDs) == 0 {
		return nil, nil
	}
	rows, err := s.conn(ctx).Raw(pastCyclesSQL, orgID, emIDs, except, except).Rows()
	if err != nil {
		return nil, err
	}
	return scanPastCycles(rows)
}

// scanPastCycles reads PastCycles' rows and sorts them by EM, then oldest
// first.
func scanPastCycles(rows *sql.Rows) ([]domain.PastCycle, error) {
	defer rows.Close()
	var out []domain.PastCycle
	var state string
	var readiness sql.NullString
	var finalized, released sql.NullTime
	for rows.Next() {
		var p domain.PastCycle
		if err := rows.Scan(&p.EMID, &p.CycleID, &p.CycleName, &state, &finalized, &released, &readiness, &p.Rated, &p.Below); err != nil {
			return nil, err
		}
		p.State = domain.State(state)
		p.FinalizedAt, p.ReleasedAt = utcOf(finalized), utcOf(released)
		if readiness.Valid {
			r := domain.Readiness(readiness.String)
			p.Readiness = &r
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// By EM, then oldest first: sorted here rather than by the database,
	// through an index so that the rows themselves move once.
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := &out[i], &out[j]
		if c := strings.Compare(a.EMID, b.EMID); c != 0 {
			return c
		}
		if c := compareFinalized(a.FinalizedAt, b.FinalizedAt); c != 0 {
			return c
		}
		return strings.Compare(a.CycleID, b.CycleID)
	})
	sorted := make([]domain.PastCycle, len(out))
	for k, i := range order {
		sorted[k] = out[i]
	}
	return sorted, nil
}

// RecentPastCycles is PastCycles cut to what the readiness rules read of
// a long history: for each EM, the last `last` finished cycles before
// except and the latest clean one (rated, nothing below the bar) if it is
// older — so that a board costs the same after twenty cycles as after two.
// The cut is made in the database; the rows come as PastCycles sorts them.
func (s *Store) RecentPastCycles(ctx context.Context, orgID string, emIDs []string, except string, last int) ([]domain.PastCycle, error) {
	if len(emIDs) == 0 {
		return nil, nil
	}
	rows, err := s.conn(ctx).Raw(recentPastCyclesSQL, orgID, emIDs, except, except, last).Rows()
	if err != nil {
		return nil, err
	}
	return scanPastCycles(rows)
}

// recentPastCyclesSQL numbers each EM's past cycles newest first, once
// among all and once among those alike in being clean, and keeps the
// newest `last` and the newest clean one. A cycle without a finalization
// time counts as the newest, as compareFinalized has it.
const recentPastCyclesSQL = `
SELECT em_id, id, name, state, finalized_at, released_at, readiness, rated, below FROM (
  SELECT s.em_id, c.id, c.name, c.state, c.finalized_at, c.released_at, s.readiness, s.rated, s.below,
    ROW_NUMBER() OVER (PARTITION BY s.em_id
      ORDER BY CASE WHEN c.finalized_at IS NULL THEN 0 ELSE 1 END, c.finalized_at DESC, c.id DESC) AS recent,
    ROW_NUMBER() OVER (PARTITION BY s.em_id, CASE WHEN s.rated > 0 AND s.below = 0 THEN 1 ELSE 0 END
      ORDER BY CASE WHEN c.finalized_at IS NULL THEN 0 ELSE 1 END, c.finalized_at DESC, c.id DESC) AS alike
  FROM cycle_summaries s
  JOIN cycles c ON c.org_id = s.org_id AND c.id = s.cycle_id
  WHERE s.org_id = ? AND s.em_id IN ? AND c.state IN ('finalized', 'released') AND c.id <> ?
    AND NOT EXISTS (SELECT 1 FROM cycles x WHERE x.org_id = s.org_id AND x.id = ? AND x.finalized_at IS NOT NULL
      AND (c.finalized_at > x.finalized_at OR (c.finalized_at = x.finalized_at AND c.id > x.id)))) p
WHERE recent <= ? OR (rated > 0 AND below = 0 AND alike = 1)`

// compareFinalized orders finalization times, a missing one last.
func compareFinalized(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

// pastCyclesSQL reads the summaries of the EMs' past cycles, with what
// the cycle itself says of when it was finalized and released.
const pastCyclesSQL = `
SELECT s.em_id, c.id, c.name, c.state, c.finalized_at, c.released_at, s.readiness, s.rated, s.below
FROM cycle_summaries s
JOIN cycles c ON c.org_id = s.org_id AND c.id = s.cycle_id
WHERE s.org_id = ? AND s.em_id IN ? AND c.state IN ('finalized', 'released') AND c.id <> ?
  AND NOT EXISTS (SELECT 1 FROM cycles x WHERE x.org_id = s.org_id AND x.id = ? AND x.finalized_at IS NOT NULL
    AND (c.finalized_at > x.finalized_at OR (c.finalized_at = x.finalized_at AND c.id > x.id)))`

func utcOf(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// DirectorMeanSince is the mean of every director score of the
// organisation's cycles finalized (or, unfinished, created) since `since`:
// finished cycles count through their summaries' sums, only unfinished
// ones through their ratings. The mean is taken in Go from the exact
// integer sum and count, as AVG would.
func (s *Store) DirectorMeanSince(ctx context.Context, orgID string, since time.Time) (*float64, error) {
	var sum, n int64
	err := s.conn(ctx).Raw(`
SELECT CAST(COALESCE(SUM(t.total), 0) AS BIGINT), CAST(COALESCE(SUM(t.n), 0) AS BIGINT) FROM (
  SELECT s.score_sum AS total, s.rated AS n FROM cycle_summaries s
  JOIN cycles c ON c.org_id = s.org_id AND c.id = s.cycle_id
  WHERE s.org_id = ? AND c.state IN ('finalized', 'released') AND COALESCE(c.finalized_at, c.created_at) >= ?
  UNION ALL
  SELECT r.score, 1 FROM ratings r
  JOIN assessments a ON a.org_id = r.org_id AND a.id = r.assessment_id
  JOIN cycles c ON c.org_id = r.org_id AND c.id = a.cycle_id
  WHERE r.org_id = ? AND a.kind = 'director' AND c.state NOT IN ('finalized', 'released') AND c.created_at >= ?) t`,
		orgID, since, orgID, since).Row().Scan(&sum, &n)
	if err != nil || n == 0 {
		return nil, err
	}
	mean := float64(sum) / float64(n)
	return &mean, nil
}
