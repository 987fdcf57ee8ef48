package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"calibrate/internal/domain"
)

type prereadRow struct {
	CycleID   string `gorm:"primaryKey"`
	OrgID     string
	EMID      string `gorm:"column:em_id;primaryKey"`
	OwnerID   string `gorm:"primaryKey"`
	Stance    string
	Comment   *string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (prereadRow) TableName() string { return "prereads" }

func (r prereadRow) domain() domain.Preread {
	return domain.Preread{OrgID: r.OrgID, CycleID: r.CycleID, EMID: r.EMID, OwnerID: r.OwnerID, Stance: domain.Stance(r.Stance),
		Comment: r.Comment, UpdatedAt: r.UpdatedAt.UTC()}
}

// SavePreread creates or replaces an owner's pre-read of a participant.
func (s *Store) SavePreread(ctx context.Context, p *domain.Preread) error {
	now := s.clock.Now()
	p.UpdatedAt = now
	row := prereadRow{OrgID: p.OrgID, CycleID: p.CycleID, EMID: p.EMID, OwnerID: p.OwnerID, Stance: string(p.Stance), Comment: p.Comment,
		CreatedAt: now, UpdatedAt: now}
	return s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "cycle_id"}, {Name: "em_id"}, {Name: "owner_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"stance", "comment", "updated_at"}),
	}).Create(&row).Error
}

// Preread returns an owner's pre-read of a participant, or not found.
func (s *Store) Preread(ctx context.Context, orgID, cycleID, emID, ownerID string) (domain.Preread, error) {
	var row prereadRow
	err := s.conn(ctx).Where("org_id = ? AND cycle_id = ? AND em_id = ? AND owner_id = ?", orgID, cycleID, emID, ownerID).Take(&row).Error
	if err != nil {
		return domain.Preread{}, notFound(err, "pre-read")
	}
	return row.domain(), nil
}

// Prereads returns every pre-read of a cycle of orgID.
func (s *Store) Prereads(ctx context.Context, orgID, cycleID string) ([]domain.Preread, error) {
	// Up to owners × participants rows: scanned without GORM's reflection.
	rows, err := s.conn(ctx).Raw(`
SELECT org_id, cycle_id, em_id, owner_id, stance, comment, updated_at
FROM prereads WHERE org_id = ? AND cycle_id = ? ORDER BY em_id, owner_id`, orgID, cycleID).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Preread{}
	for rows.Next() {
		var r prereadRow
		if err := rows.Scan(&r.OrgID, &r.CycleID, &r.EMID, &r.OwnerID, &r.Stance, &r.Comment, &r.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, r.domain())
	}
	return out, rows.Err()
}
