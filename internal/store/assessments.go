package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/domain"
)

type assessmentRow struct {
	ID          string
	OrgID       string
	CycleID     string
	EMID        string `gorm:"column:em_id"`
	Kind        string
	AuthorID    string
	PrivateNote *string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (assessmentRow) TableName() string { return "assessments" }

type ratingRow struct {
	AssessmentID string
	OrgID        string
	Criterion    string
	Score        int
	Evidence     string
}

func (ratingRow) TableName() string { return "ratings" }

type decisionRow struct {
	ID         string
	OrgID      string
	CycleID    string
	EMID       string `gorm:"column:em_id"`
	DirectorID string
	Readiness  string
	Rationale  string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (decisionRow) TableName() string { return "decisions" }

func (r assessmentRow) domain(ratings []domain.Rating) domain.Assessment {
	at := r.UpdatedAt.UTC()
	if ratings == nil {
		ratings = []domain.Rating{}
	}
	return domain.Assessment{ID: r.ID, OrgID: r.OrgID, CycleID: r.CycleID, EMID: r.EMID, Kind: domain.AssessmentKind(r.Kind),
		AuthorID: r.AuthorID, PrivateNote: r.PrivateNote, Version: r.Version, Ratings: ratings, UpdatedAt: &at}
}

// Assessment returns the assessment of kind for emID in cycleID of orgID;
// one never written comes back empty with version 0.
func (s *Store) Assessment(ctx context.Context, orgID, cycleID, emID string, kind domain.AssessmentKind) (domain.Assessment, error) {
	var row assessmentRow
	err := s.conn(ctx).Where("org_id = ? AND cycle_id = ? AND em_id = ? AND kind = ?", orgID, cycleID, emID, string(kind)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Assessment{OrgID: orgID, CycleID: cycleID, EMID: emID, Kind: kind, Ratings: []domain.Rating{}}, nil
	}
	if err != nil {
		return domain.Assessment{}, err
	}
	var ratings []ratingRow
	if err := s.conn(ctx).Where("org_id = ? AND assessment_id = ?", orgID, row.ID).Find(&ratings).Error; err != nil {
		return domain.Assessment{}, err
	}
	return row.domain(toRatings(ratings)), nil
}

func toRatings(rows []ratingRow) []domain.Rating {
	out := make([]domain.Rating, len(rows))
	for i, r := range rows {
		out[i] = domain.Rating{Criterion: r.Criterion, Score: r.Score, Evidence: r.Evidence}
	}
	return out
}

// Assessments returns every assessment of the cycles of orgID with its
// ratings, in two queries: what the board and the release need.
func (s *Store) Assessments(ctx context.Context, orgID string, cycleIDs []string) ([]domain.Assessment, error) {
	if len(cycleIDs) == 0 {
		return nil, nil
	}
	var rows []assessmentRow
	if err := s.conn(ctx).Where("org_id = ? AND cycle_id IN ?", orgID, cycleIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	var ratings []ratingRow
	err := s.conn(ctx).Where("org_id = ? AND assessment_id IN (?)", orgID,
		s.conn(ctx).Model(&assessmentRow{}).Select("id").Where("org_id = ? AND cycle_id IN ?", orgID, cycleIDs)).
		Order("assessment_id, criterion").Find(&ratings).Error
	if err != nil {
		return nil, err
	}
	by := map[string][]ratingRow{}
	for _, r := range ratings {
		by[r.AssessmentID] = append(by[r.AssessmentID], r)
	}
	out := make([]domain.Assessment, len(rows))
	for i, r := range rows {
		out[i] = r.domain(toRatings(by[r.ID]))
	}
	return out, nil
}

// SaveAssessment writes a, replacing its ratings, if the stored version is
// still `expect` (0: nothing stored yet). The check is in the UPDATE (or
// the unique key of the INSERT) itself, so of two concurrent writers with
// the same version exactly one wins. a.Version is the new version.
func (s *Store) SaveAssessment(ctx context.Context, a *domain.Assessment, expect int) error {
	now := s.clock.Now()
	return s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		if expect == 0 {
			row := assessmentRow{ID: domain.NewID(), OrgID: a.OrgID, CycleID: a.CycleID, EMID: a.EMID, Kind: string(a.Kind),
				AuthorID: a.AuthorID, PrivateNote: a.PrivateNote, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := db.Create(&row).Error; err != nil {
				if domain.IsKind(translate(err), domain.KindConflict) {
					return domain.StaleVersion("the assessment")
				}
				return err
			}
			a.ID, a.Version = row.ID, 1
		} else {
			// One statement finds the row and checks the version (RETURNING:
			// PostgreSQL, and SQLite since 3.35).
			var ids []string
			if err := db.Raw(`UPDATE assessments SET version = version + 1, private_note = ?, author_id = ?, updated_at = ?
WHERE org_id = ? AND cycle_id = ? AND em_id = ? AND kind = ? AND version = ? RETURNING id`,
				a.PrivateNote, a.AuthorID, now, a.OrgID, a.CycleID, a.EMID, string(a.Kind), expect).Scan(&ids).Error; err != nil {
				return err
			}
			if len(ids) == 0 {
				return domain.StaleVersion("the assessment")
			}
			id := ids[0]
			if err := db.Where("org_id = ? AND assessment_id = ?", a.OrgID, id).Delete(&ratingRow{}).Error; err != nil {
				return err
			}
			a.ID, a.Version = id, expect+1
		}
		a.UpdatedAt = &now
		if len(a.Ratings) == 0 {
			return nil
		}
		rows := make([]ratingRow, len(a.Ratings))
		for i, r := range a.Ratings {
			rows[i] = ratingRow{AssessmentID: a.ID, OrgID: a.OrgID, Criterion: r.Criterion, Score: r.Score, Evidence: r.Evidence}
		}
		return db.Create(&rows).Error
	})
}

func (r decisionRow) domain() domain.Decision {
	at := r.UpdatedAt.UTC()
	return domain.Decision{ID: r.ID, OrgID: r.OrgID, CycleID: r.CycleID, EMID: r.EMID, DirectorID: r.DirectorID,
		Readiness: domain.Readiness(r.Readiness), Rationale: r.Rationale, Version: r.Version, UpdatedAt: &at}
}

// Decision returns the decision for emID in cycleID of orgID; none yet is
// version 0.
func (s *Store) Decision(ctx context.Context, orgID, cycleID, emID string) (domain.Decision, error) {
	var row decisionRow
	err := s.conn(ctx).Where("org_id = ? AND cycle_id = ? AND em_id = ?", orgID, cycleID, emID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Decision{OrgID: orgID, CycleID: cycleID, EMID: emID}, nil
	}
	if err != nil {
		return domain.Decision{}, err
	}
	return row.domain(), nil
}

// Decisions returns the decisions of the given cycles of orgID.
func (s *Store) Decisions(ctx context.Context, orgID string, cycleIDs []string) ([]domain.Decision, error) {
	if len(cycleIDs) == 0 {
		return nil, nil
	}
	var rows []decisionRow
	if err := s.conn(ctx).Where("org_id = ? AND cycle_id IN ?", orgID, cycleIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.Decision, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// SaveDecision writes d if the stored version is still expect, like
// SaveAssessment.
func (s *Store) SaveDecision(ctx context.Context, d *domain.Decision, expect int) error {
	now := s.clock.Now()
	db := s.conn(ctx)
	if expect == 0 {
		row := decisionRow{ID: domain.NewID(), OrgID: d.OrgID, CycleID: d.CycleID, EMID: d.EMID, DirectorID: d.DirectorID,
			Readiness: string(d.Readiness), Rationale: d.Rationale, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&row).Error; err != nil {
			if domain.IsKind(translate(err), domain.KindConflict) {
				return domain.StaleVersion("the decision")
			}
			return err
		}
		d.ID, d.Version, d.UpdatedAt = row.ID, 1, &now
		return nil
	}
	res := db.Model(&decisionRow{}).Where("org_id = ? AND cycle_id = ? AND em_id = ? AND version = ?", d.OrgID, d.CycleID, d.EMID, expect).
		Updates(map[string]any{"version": gorm.Expr("version + 1"), "readiness": string(d.Readiness),
			"rationale": d.Rationale, "director_id": d.DirectorID, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return domain.StaleVersion("the decision")
	}
	// The caller does not know the row's id (the audit entry names it).
	if err := db.Model(&decisionRow{}).Where("org_id = ? AND cycle_id = ? AND em_id = ?", d.OrgID, d.CycleID, d.EMID).Pluck("id", &d.ID).Error; err != nil {
		return err
	}
	d.Version, d.UpdatedAt = expect+1, &now
	return nil
}
