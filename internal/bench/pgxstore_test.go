package bench_test

// The baseline: the board's reads hand-written with pgx (no ORM, no
// database/sql), the same SQL as internal/store, scanned straight into the
// domain types. Everything else — the service, its rules — is the same code:
// pgxStore embeds the GORM store and overrides only the board's reads.

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"calibrate/internal/domain"
	"calibrate/internal/store"
)

type pgxStore struct {
	*store.Store
	pool *pgxpool.Pool
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func newPgxStore(ctx context.Context, st *store.Store, url string) (*pgxStore, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 20
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &pgxStore{Store: st, pool: pool}, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func derefS(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *pgxStore) CycleSnapshot(ctx context.Context, orgID, id string) (domain.Cycle, map[string]domain.User, []domain.Decision, map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `
SELECT c.id, c.org_id, c.name, c.framework_id, c.lead_id, c.state, c.input_due, c.peer_attribution,
  c.created_at, c.updated_at, c.finalized_at, c.released_at,
  m.kind, m.user_id, m.director_id, u.name, u.em_since, u.function, u.role,
  d.id, d.readiness, d.rationale, d.version, d.director_id, d.updated_at, ms.discussed
FROM cycles c
LEFT JOIN (
  SELECT cycle_id, 'owner' AS kind, user_id, '' AS director_id FROM cycle_owners WHERE org_id = $1 AND cycle_id = $2
  UNION ALL
  SELECT cycle_id, 'participant' AS kind, em_id AS user_id, director_id FROM cycle_participants WHERE org_id = $1 AND cycle_id = $2
) m ON m.cycle_id = c.id
LEFT JOIN users u ON u.org_id = c.org_id AND u.id = m.user_id
LEFT JOIN decisions d ON d.org_id = c.org_id AND d.cycle_id = c.id AND d.em_id = m.user_id AND m.kind = 'participant'
LEFT JOIN meeting_states ms ON ms.org_id = c.org_id AND ms.cycle_id = c.id AND ms.em_id = m.user_id AND m.kind = 'participant'
WHERE c.org_id = $1 AND c.id = $2
ORDER BY m.kind, m.user_id`, orgID, id)
	if err != nil {
		return domain.Cycle{}, nil, nil, nil, err
	}
	defer rows.Close()
	var c domain.Cycle
	people := map[string]domain.User{}
	var decisions []domain.Decision
	discussed := map[string]bool{}
	first := true
	for rows.Next() {
		var (
			cc                                            domain.Cycle
			state, attribution                            string
			mKind, mUser, mDir, uName, uSince, uFn, uRole *string
			dID, dReadiness, dRationale, dDirector        *string
			dVersion                                      *int
			dUpdated                                      *time.Time
			mDiscussed                                    *bool
		)
		if err := rows.Scan(&cc.ID, &cc.OrgID, &cc.Name, &cc.FrameworkID, &cc.LeadID, &state, &cc.InputDue, &attribution,
			&cc.CreatedAt, &cc.UpdatedAt, &cc.FinalizedAt, &cc.ReleasedAt,
			&mKind, &mUser, &mDir, &uName, &uSince, &uFn, &uRole,
			&dID, &dReadiness, &dRationale, &dVersion, &dDirector, &dUpdated, &mDiscussed); err != nil {
			return domain.Cycle{}, nil, nil, nil, err
		}
		if first {
			first = false
			c = cc
			c.State, c.PeerAttribution = domain.State(state), domain.Attribution(attribution)
			c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
			c.FinalizedAt, c.ReleasedAt = utc(c.FinalizedAt), utc(c.ReleasedAt)
			c.Owners, c.Participants = []string{c.LeadID}, []domain.Participant{}
		}
		if mKind == nil {
			continue
		}
		u := domain.User{ID: *mUser, OrgID: orgID, Name: derefS(uName), EMSince: uSince,
			Function: domain.Function(derefS(uFn)), Role: domain.Role(derefS(uRole))}
		people[u.ID] = u
		if *mKind == "owner" {
			if u.ID != c.LeadID {
				c.Owners = append(c.Owners, u.ID)
			}
			continue
		}
		c.Participants = append(c.Participants, domain.Participant{EMID: u.ID, DirectorID: derefS(mDir)})
		if mDiscussed != nil && *mDiscussed {
			discussed[u.ID] = true
		}
		if dID != nil {
			v := 0
			if dVersion != nil {
				v = *dVersion
			}
			decisions = append(decisions, domain.Decision{ID: *dID, CycleID: c.ID, EMID: u.ID, DirectorID: derefS(dDirector),
				Readiness: domain.Readiness(derefS(dReadiness)), Rationale: derefS(dRationale), Version: v, UpdatedAt: utc(dUpdated)})
		}
	}
	if err := rows.Err(); err != nil {
		return domain.Cycle{}, nil, nil, nil, err
	}
	if first {
		return domain.Cycle{}, nil, nil, nil, domain.NotFound("cycle")
	}
	return c, people, decisions, discussed, nil
}

func (s *pgxStore) Framework(ctx context.Context, orgID, id string) (domain.Framework, error) {
	rows, err := s.pool.Query(ctx, `
SELECT f.id, f.org_id, f.name, f.version, f.based_on, f.scale_min, f.scale_max, f.bar, f.labels, f.created_at,
  EXISTS (SELECT 1 FROM cycles WHERE cycles.org_id = f.org_id AND cycles.framework_id = f.id) AS in_use,
  k.key, k.title, k.description, k.weight
FROM frameworks f LEFT JOIN criteria k ON k.org_id = f.org_id AND k.framework_id = f.id
WHERE f.org_id = $1 AND f.id = $2
ORDER BY k.position`, orgID, id)
	if err != nil {
		return domain.Framework{}, err
	}
	defer rows.Close()
	var fw domain.Framework
	first := true
	for rows.Next() {
		var (
			f                 domain.Framework
			labels            string
			key, title, descr *string
			weight            *float64
		)
		if err := rows.Scan(&f.ID, &f.OrgID, &f.Name, &f.Version, &f.BasedOn, &f.Scale.Min, &f.Scale.Max, &f.Scale.Bar,
			&labels, &f.CreatedAt, &f.InUse, &key, &title, &descr, &weight); err != nil {
			return domain.Framework{}, err
		}
		if first {
			first = false
			fw = f
			fw.CreatedAt = fw.CreatedAt.UTC()
			fw.Criteria = []domain.Criterion{}
			if err := json.Unmarshal([]byte(labels), &fw.Scale.Labels); err != nil {
				return domain.Framework{}, err
			}
		}
		if key != nil {
			var w float64
			if weight != nil {
				w = *weight
			}
			fw.Criteria = append(fw.Criteria, domain.Criterion{Key: *key, Title: derefS(title), Description: derefS(descr), Weight: w})
		}
	}
	if err := rows.Err(); err != nil {
		return domain.Framework{}, err
	}
	if first {
		return domain.Framework{}, domain.NotFound("framework")
	}
	return fw, nil
}

func (s *pgxStore) CycleRatings(ctx context.Context, orgID, cycleID string) ([]domain.RatingRow, error) {
	rows, err := s.pool.Query(ctx, `
SELECT a.em_id, a.kind, r.criterion, r.score, CASE WHEN a.kind = 'director' THEN r.evidence ELSE '' END
FROM assessments a JOIN ratings r ON r.org_id = a.org_id AND r.assessment_id = a.id
WHERE a.org_id = $1 AND a.cycle_id = $2`, orgID, cycleID)
	if err != nil {
		return nil, err
	}
	var out []domain.RatingRow
	var r domain.RatingRow
	var kind string
	_, err = pgx.ForEachRow(rows, []any{&r.EMID, &kind, &r.Criterion, &r.Score, &r.Evidence}, func() error {
		r.Kind = domain.AssessmentKind(kind)
		out = append(out, r)
		return nil
	})
	return out, err
}

func (s *pgxStore) NotesOf(ctx context.Context, orgID string, cycleIDs []string) ([]domain.PeerNote, error) {
	if len(cycleIDs) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `
SELECT request_id, cycle_id, em_id, author_id, advocacy, criteria, body, created_at, updated_at
FROM peer_notes WHERE org_id = $1 AND cycle_id = ANY($2) ORDER BY created_at, request_id`, orgID, cycleIDs)
	if err != nil {
		return nil, err
	}
	out := []domain.PeerNote{}
	var n domain.PeerNote
	var adv, crit string
	_, err = pgx.ForEachRow(rows, []any{&n.RequestID, &n.CycleID, &n.EMID, &n.AuthorID, &adv, &crit, &n.Body, &n.CreatedAt, &n.UpdatedAt}, func() error {
		x := n
		x.Advocacy = domain.Advocacy(adv)
		x.Criteria = nil
		_ = json.Unmarshal([]byte(crit), &x.Criteria)
		if x.Criteria == nil {
			x.Criteria = []string{}
		}
		x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
		out = append(out, x)
		return nil
	})
	return out, err
}

func (s *pgxStore) PastCycles(ctx context.Context, orgID string, emIDs []string, except string) ([]domain.PastCycle, error) {
	if len(emIDs) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, pastCyclesSQL, emIDs, except, orgID)
	if err != nil {
		return nil, err
	}
	return scanPast(rows)
}

func (s *pgxStore) RecentPastCycles(ctx context.Context, orgID string, emIDs []string, except string, last int) ([]domain.PastCycle, error) {
	if len(emIDs) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, recentPastCyclesSQL, emIDs, except, last, orgID)
	if err != nil {
		return nil, err
	}
	return scanPast(rows)
}

func scanPast(rows pgx.Rows) ([]domain.PastCycle, error) {
	var out []domain.PastCycle
	var p domain.PastCycle
	var state string
	var readiness *string
	_, err := pgx.ForEachRow(rows, []any{&p.EMID, &p.CycleID, &p.CycleName, &state, &p.FinalizedAt, &p.ReleasedAt, &readiness, &p.Rated, &p.Below}, func() error {
		x := p
		x.State = domain.State(state)
		x.FinalizedAt, x.ReleasedAt = utc(x.FinalizedAt), utc(x.ReleasedAt)
		x.Readiness = nil
		if readiness != nil {
			r := domain.Readiness(*readiness)
			x.Readiness = &r
		}
		out = append(out, x)
		return nil
	})
	// By EM, then oldest first, as the store sorts them.
	slices.SortFunc(out, func(a, b domain.PastCycle) int {
		if c := strings.Compare(a.EMID, b.EMID); c != 0 {
			return c
		}
		if a.FinalizedAt != nil && b.FinalizedAt != nil {
			if c := a.FinalizedAt.Compare(*b.FinalizedAt); c != 0 {
				return c
			}
		}
		return strings.Compare(a.CycleID, b.CycleID)
	})
	return out, err
}

func (s *pgxStore) Prereads(ctx context.Context, orgID, cycleID string) ([]domain.Preread, error) {
	rows, err := s.pool.Query(ctx, `
SELECT cycle_id, em_id, owner_id, stance, comment, updated_at FROM prereads WHERE org_id = $1 AND cycle_id = $2 ORDER BY em_id, owner_id`, orgID, cycleID)
	if err != nil {
		return nil, err
	}
	out := []domain.Preread{}
	var p domain.Preread
	var stance string
	_, err = pgx.ForEachRow(rows, []any{&p.CycleID, &p.EMID, &p.OwnerID, &stance, &p.Comment, &p.UpdatedAt}, func() error {
		x := p
		x.Stance = domain.Stance(stance)
		x.UpdatedAt = x.UpdatedAt.UTC()
		if p.Comment != nil {
			c := *p.Comment
			x.Comment = &c
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

func (s *pgxStore) DirectorMeanSince(ctx context.Context, orgID string, since time.Time) (*float64, error) {
	var sum, n int64
	err := s.pool.QueryRow(ctx, `
SELECT COALESCE(SUM(t.total), 0)::bigint, COALESCE(SUM(t.n), 0)::bigint FROM (
  SELECT s.score_sum AS total, s.rated AS n FROM cycle_summaries s
  JOIN cycles c ON c.org_id = s.org_id AND c.id = s.cycle_id
  WHERE s.org_id = $1 AND c.state IN ('finalized', 'released') AND COALESCE(c.finalized_at, c.created_at) >= $2
  UNION ALL
  SELECT r.score, 1 FROM ratings r
  JOIN assessments a ON a.org_id = r.org_id AND a.id = r.assessment_id
  JOIN cycles c ON c.org_id = r.org_id AND c.id = a.cycle_id
  WHERE r.org_id = $1 AND a.kind = 'director' AND c.state NOT IN ('finalized', 'released') AND c.created_at >= $2) t`,
		orgID, since).Scan(&sum, &n)
	if err != nil || n == 0 {
		return nil, err
	}
	mean := float64(sum) / float64(n)
	return &mean, nil
}

const pastCyclesSQL = `
SELECT s.em_id, c.id, c.name, c.state, c.finalized_at, c.released_at, s.readiness, s.rated, s.below
FROM cycle_summaries s
JOIN cycles c ON c.org_id = s.org_id AND c.id = s.cycle_id
WHERE s.org_id = $3 AND s.em_id = ANY($1) AND c.state IN ('finalized', 'released') AND c.id <> $2
  AND NOT EXISTS (SELECT 1 FROM cycles x WHERE x.org_id = s.org_id AND x.id = $2 AND x.finalized_at IS NOT NULL
    AND (c.finalized_at > x.finalized_at OR (c.finalized_at = x.finalized_at AND c.id > x.id)))`

const recentPastCyclesSQL = `
SELECT em_id, id, name, state, finalized_at, released_at, readiness, rated, below FROM (
  SELECT s.em_id, c.id, c.name, c.state, c.finalized_at, c.released_at, s.readiness, s.rated, s.below,
    ROW_NUMBER() OVER (PARTITION BY s.em_id
      ORDER BY CASE WHEN c.finalized_at IS NULL THEN 0 ELSE 1 END, c.finalized_at DESC, c.id DESC) AS recent,
    ROW_NUMBER() OVER (PARTITION BY s.em_id, CASE WHEN s.rated > 0 AND s.below = 0 THEN 1 ELSE 0 END
      ORDER BY CASE WHEN c.finalized_at IS NULL THEN 0 ELSE 1 END, c.finalized_at DESC, c.id DESC) AS alike
  FROM cycle_summaries s
  JOIN cycles c ON c.org_id = s.org_id AND c.id = s.cycle_id
  WHERE s.org_id = $4 AND s.em_id = ANY($1) AND c.state IN ('finalized', 'released') AND c.id <> $2
    AND NOT EXISTS (SELECT 1 FROM cycles x WHERE x.org_id = s.org_id AND x.id = $2 AND x.finalized_at IS NOT NULL
      AND (c.finalized_at > x.finalized_at OR (c.finalized_at = x.finalized_at AND c.id > x.id)))) p
WHERE recent <= $3 OR (rated > 0 AND below = 0 AND alike = 1)`
