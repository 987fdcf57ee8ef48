package store

import (
	"context"
	"time"

	"calibrate/internal/domain"
)

type planRow struct {
	ID        string
	OrgID     string
	EMID      string `gorm:"column:em_id"`
	Criterion string
	Action    string
	RevisitOn *string
	Status    string
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (planRow) TableName() string { return "plan_items" }

func (r planRow) domain() domain.PlanItem {
	return domain.PlanItem{ID: r.ID, OrgID: r.OrgID, EMID: r.EMID, Criterion: r.Criterion, Action: r.Action,
		RevisitOn: r.RevisitOn, Status: domain.PlanStatus(r.Status), CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func planRowOf(p domain.PlanItem) planRow {
	return planRow{ID: p.ID, OrgID: p.OrgID, EMID: p.EMID, Criterion: p.Criterion, Action: p.Action,
		RevisitOn: p.RevisitOn, Status: string(p.Status), CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// PlanItems pages an EM's plan items in creation order.
func (s *Store) PlanItems(ctx context.Context, orgID, emID string, page domain.Page) (domain.List[domain.PlanItem], error) {
	q := s.conn(ctx).Where("org_id = ? AND em_id = ?", orgID, emID)
	return paginate(q, page, oldestFirst, each(planRow.domain))
}

// PlanItem returns item id of emID.
func (s *Store) PlanItem(ctx context.Context, orgID, emID, id string) (domain.PlanItem, error) {
	var row planRow
	if err := s.conn(ctx).Where("org_id = ? AND em_id = ? AND id = ?", orgID, emID, id).Take(&row).Error; err != nil {
		return domain.PlanItem{}, notFound(err, "plan item")
	}
	return row.domain(), nil
}

// SavePlanItem inserts a new item (empty ID) or updates an existing one.
func (s *Store) SavePlanItem(ctx context.Context, p *domain.PlanItem) error {
	now := s.clock.Now()
	p.UpdatedAt = now
	if p.ID == "" {
		p.ID, p.CreatedAt = domain.NewID(), now
		row := planRowOf(*p)
		return translate(s.conn(ctx).Create(&row).Error)
	}
	row := planRowOf(*p)
	return s.conn(ctx).Model(&planRow{}).Where("org_id = ? AND id = ?", p.OrgID, p.ID).
		Select("criterion", "action", "revisit_on", "status", "updated_at").Updates(&row).Error
}

// DeletePlanItem removes item id of emID.
func (s *Store) DeletePlanItem(ctx context.Context, orgID, emID, id string) error {
	return s.conn(ctx).Where("org_id = ? AND em_id = ? AND id = ?", orgID, emID, id).Delete(&planRow{}).Error
}

// CriterionKeys lists every criterion key of the organisation's frameworks.
func (s *Store) CriterionKeys(ctx context.Context, orgID string) ([]string, error) {
	var keys []string
	err := s.conn(ctx).Model(&criterionRow{}).Where("org_id = ?", orgID).
		Distinct("key").Pluck("key", &keys).Error
	return keys, err
}
