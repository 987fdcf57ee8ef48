package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/domain"
)

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

func (r rollupRow) pageKey() string { return r.ID }

func (r rollupRow) domain() domain.Rollup {
	// The store writes the guide itself, so it always reads back.
	guide, _ := domain.UnmarshalGuide(r.DistributionGuide)
	return domain.Rollup{OrgID: r.OrgID, ID: r.ID, Name: r.Name, LeadID: r.LeadID, State: domain.RollupState(r.State),
		SourceIDs: []string{}, DistributionGuide: guide, OverrideReason: r.OverrideReason,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), FinalizedAt: utcPtr(r.FinalizedAt)}
}

func (r rollupDecisionRow) domain() domain.RollupDecision {
	return domain.RollupDecision{OrgID: r.OrgID, RollupID: r.RollupID, EMID: r.EMID, CycleID: r.CycleID,
		DirectorReadiness: domain.Readiness(r.DirectorReadiness), Readiness: domain.Readiness(r.Readiness), Reason: r.Reason,
		DecidedBy: r.DecidedBy, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// CreateRollup inserts r, open, with its source cycles open in it. A
// source taken into another open roll-up meanwhile is a conflict.
func (s *Store) CreateRollup(ctx context.Context, r *domain.Rollup) error {
	now := s.clock.Now()
	r.ID, r.CreatedAt, r.UpdatedAt, r.State = domain.NewID(), now, now, domain.RollupOpen
	return s.Tx(ctx, func(ctx context.Context) error {
		row := rollupRow{ID: r.ID, OrgID: r.OrgID, Name: r.Name, LeadID: r.LeadID, State: string(r.State),
			DistributionGuide: domain.MarshalGuide(r.DistributionGuide), CreatedAt: now, UpdatedAt: now}
		if err := s.conn(ctx).Create(&row).Error; err != nil {
			return translate(err)
		}
		if len(r.SourceIDs) == 0 {
			return nil
		}
		sources := make([]rollupSourceRow, len(r.SourceIDs))
		for i, id := range r.SourceIDs {
			sources[i] = rollupSourceRow{OrgID: r.OrgID, RollupID: r.ID, CycleID: id, Open: true}
		}
		if err := s.conn(ctx).Create(&sources).Error; err != nil {
			if err := translate(err); domain.IsKind(err, domain.KindConflict) {
				return domain.Conflict(domain.CodeInRollup, "a source cycle was just taken into another roll-up; reload and try again")
			}
			return err
		}
		return nil
	})
}

// Rollup returns roll-up id of orgID with its source cycles.
func (s *Store) Rollup(ctx context.Context, orgID, id string) (domain.Rollup, error) {
	var row rollupRow
	if err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&row).Error; err != nil {
		return domain.Rollup{}, notFound(err, "roll-up")
	}
	rs, err := s.withSources(ctx, orgID, []rollupRow{row})
	if err != nil {
		return domain.Rollup{}, err
	}
	return rs[0], nil
}

func (s *Store) withSources(ctx context.Context, orgID string, rows []rollupRow) ([]domain.Rollup, error) {
	out := make([]domain.Rollup, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	index := map[string]int{}
	for i, r := range rows {
		ids[i], index[r.ID], out[i] = r.ID, i, r.domain()
	}
	var sources []rollupSourceRow
	if err := s.conn(ctx).Where("org_id = ? AND rollup_id IN ?", orgID, ids).Order("rollup_id, cycle_id").Find(&sources).Error; err != nil {
		return nil, err
	}
	for _, src := range sources {
		r := &out[index[src.RollupID]]
		r.SourceIDs = append(r.SourceIDs, src.CycleID)
	}
	return out, nil
}

// ListRollups pages the roll-ups matching f, newest first: every one of
// the organisation, or those f.ReaderID leads or owns a source cycle of.
func (s *Store) ListRollups(ctx context.Context, f domain.RollupFilter, page domain.Page) (domain.List[domain.Rollup], error) {
	db := s.conn(ctx)
	q := db.Model(&rollupRow{}).Where("org_id = ?", f.OrgID)
	var cond *gorm.DB
	if f.ReaderID != "" {
		cond = db.Where("(lead_id = ? OR id IN (?))", f.ReaderID,
			db.Model(&rollupSourceRow{}).Select("rollup_sources.rollup_id").
				Joins("JOIN cycle_owners ON cycle_owners.org_id = rollup_sources.org_id AND cycle_owners.cycle_id = rollup_sources.cycle_id").
				Where("rollup_sources.org_id = ? AND cycle_owners.user_id = ?", f.OrgID, f.ReaderID))
	}
	if f.GuestID != "" {
		guestOf := db.Model(&guestRow{}).Select("subject_id").Where("org_id = ? AND subject_type = ? AND user_id = ? AND until >= ?",
			f.OrgID, domain.GuestOfRollup, f.GuestID, f.GuestOn)
		guest := db.Where("id IN (?) AND state = ?", guestOf, string(domain.RollupOpen))
		if cond == nil {
			cond = guest
		} else {
			cond = cond.Or(guest)
		}
	}
	if cond != nil {
		q = q.Where(cond)
	}
	return paginate(q, page, newestFirst, func(rows []rollupRow) ([]domain.Rollup, error) {
		return s.withSources(ctx, f.OrgID, rows)
	})
}

// OpenRollupOf returns, for each of cycleIDs that is a source of an open
// roll-up, that roll-up's id.
func (s *Store) OpenRollupOf(ctx context.Context, orgID string, cycleIDs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(cycleIDs) == 0 {
		return out, nil
	}
	var rows []rollupSourceRow
	if err := s.conn(ctx).Where("org_id = ? AND cycle_id IN ? AND open = ?", orgID, cycleIDs, true).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.CycleID] = r.RollupID
	}
	return out, nil
}

// RollupDecisions returns the decisions of roll-up id.
func (s *Store) RollupDecisions(ctx context.Context, orgID, id string) ([]domain.RollupDecision, error) {
	var rows []rollupDecisionRow
	if err := s.conn(ctx).Where("org_id = ? AND rollup_id = ?", orgID, id).Order("em_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.RollupDecision, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// SaveRollupDecision writes d if the stored version is still expect (0:
// none stored yet), like SaveDecision.
func (s *Store) SaveRollupDecision(ctx context.Context, d *domain.RollupDecision, expect int) error {
	now := s.clock.Now()
	db := s.conn(ctx)
	if expect == 0 {
		row := rollupDecisionRow{OrgID: d.OrgID, RollupID: d.RollupID, EMID: d.EMID, CycleID: d.CycleID,
			DirectorReadiness: string(d.DirectorReadiness), Readiness: string(d.Readiness), Reason: d.Reason,
			DecidedBy: d.DecidedBy, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&row).Error; err != nil {
			if domain.IsKind(translate(err), domain.KindConflict) {
				return domain.StaleVersion("the roll-up decision")
			}
			return err
		}
		d.Version, d.CreatedAt, d.UpdatedAt = 1, now, now
		return nil
	}
	res := db.Model(&rollupDecisionRow{}).Where("org_id = ? AND rollup_id = ? AND em_id = ? AND version = ?", d.OrgID, d.RollupID, d.EMID, expect).
		Updates(map[string]any{"version": gorm.Expr("version + 1"), "readiness": string(d.Readiness), "reason": d.Reason,
			"director_readiness": string(d.DirectorReadiness), "decided_by": d.DecidedBy, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return domain.StaleVersion("the roll-up decision")
	}
	d.Version, d.UpdatedAt = expect+1, now
	return nil
}

// FinalizeRollup, in one transaction, writes each of changes (roll-up
// decisions that differ from the director's) into its source cycle's
// decision — the readiness only, the director's rationale stays — and
// rewrites those cycles' summaries, closes the sources and marks r
// finalized with its override reason. A roll-up finalized meanwhile is a
// conflict.
func (s *Store) FinalizeRollup(ctx context.Context, r *domain.Rollup, changes []domain.RollupDecision) error {
	now := s.clock.Now()
	return s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		res := db.Model(&rollupRow{}).Where("org_id = ? AND id = ? AND state = ?", r.OrgID, r.ID, string(domain.RollupOpen)).
			Updates(map[string]any{"state": string(domain.RollupFinalized), "finalized_at": now, "updated_at": now,
				"override_reason": r.OverrideReason})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Conflict(domain.CodeCycleLocked, "the roll-up was finalized in the meantime")
		}
		touched := map[string]bool{}
		for _, d := range changes {
			res := db.Model(&decisionRow{}).Where("org_id = ? AND cycle_id = ? AND em_id = ?", r.OrgID, d.CycleID, d.EMID).
				Updates(map[string]any{"version": gorm.Expr("version + 1"), "readiness": string(d.Readiness), "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return domain.NotFound("decision")
			}
			touched[d.CycleID] = true
		}
		for _, id := range r.SourceIDs {
			if !touched[id] {
				continue
			}
			if err := db.Where("org_id = ? AND cycle_id = ?", r.OrgID, id).Delete(&summaryRow{}).Error; err != nil {
				return err
			}
			if err := s.summarizeCycle(ctx, r.OrgID, id); err != nil {
				return err
			}
		}
		if err := db.Model(&rollupSourceRow{}).Where("org_id = ? AND rollup_id = ?", r.OrgID, r.ID).Update("open", false).Error; err != nil {
			return err
		}
		r.State, r.FinalizedAt, r.UpdatedAt = domain.RollupFinalized, &now, now
		return nil
	})
}

// RollupChangesOf lists the changes finalized roll-ups made to emID's
// decisions, by source cycle.
func (s *Store) RollupChangesOf(ctx context.Context, orgID, emID string) ([]domain.RollupChange, error) {
	var rows []struct {
		CycleID           string
		EMID              string `gorm:"column:em_id"`
		RollupID          string
		RollupName        string
		DecidedBy         string
		DirectorReadiness string
		Readiness         string
		Reason            *string
	}
	err := s.conn(ctx).Raw(`
SELECT d.cycle_id, d.em_id, d.rollup_id, r.name AS rollup_name, d.decided_by, d.director_readiness, d.readiness, d.reason
FROM rollup_decisions d
JOIN rollups r ON r.org_id = d.org_id AND r.id = d.rollup_id
WHERE d.org_id = ? AND d.em_id = ? AND r.state = 'finalized' AND d.readiness <> d.director_readiness
ORDER BY d.rollup_id`, orgID, emID).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]domain.RollupChange, len(rows))
	for i, r := range rows {
		out[i] = domain.RollupChange{CycleID: r.CycleID, EMID: r.EMID, Rollup: domain.Ref{ID: r.RollupID, Name: r.RollupName},
			DecidedBy: r.DecidedBy, From: domain.Readiness(r.DirectorReadiness), To: domain.Readiness(r.Readiness), Reason: deref(r.Reason)}
	}
	return out, nil
}
