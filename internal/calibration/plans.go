package calibration

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"calibrate/internal/domain"
)

// PlanStore is what development plans need of the database.
type PlanStore interface {
	PlanItems(ctx context.Context, orgID, emID string, page domain.Page) (domain.List[domain.PlanItem], error)
	PlanItem(ctx context.Context, orgID, emID, id string) (domain.PlanItem, error)
	SavePlanItem(ctx context.Context, p *domain.PlanItem) error
	DeletePlanItem(ctx context.Context, orgID, emID, id string) error
	CriterionKeys(ctx context.Context, orgID string) ([]string, error)
}

// An action says what the EM will do: at least minActionLen characters
// (trimmed), at most maxActionLen.
const (
	minActionLen = 10
	maxActionLen = 2000
)

// earliestRevisit is the earliest revisit date a write may set: today,
// reckoned in the time zone where today began last (UTC−12), so that
// "today" typed anywhere in the world is accepted and yesterday is not.
func (s *Cycles) earliestRevisit() string {
	return s.clock.Now().UTC().Add(-12 * time.Hour).Format(domain.DateLayout)
}

// PlanInput creates an item or, with Set fields, changes one.
type PlanInput struct {
	Criterion domain.Optional[string]
	Action    domain.Optional[string]
	RevisitOn domain.Optional[string]
	Status    domain.Optional[domain.PlanStatus]
}

// planWriter checks the caller may write the EM's plan: the EM and the
// managers above them; admins read only.
func (s *Cycles) planWriter(ctx context.Context, p domain.Principal, emID string) error {
	if _, _, err := s.emAccess(ctx, p, emID); err != nil {
		return err
	}
	if p.Role == domain.RoleAdmin {
		return domain.Forbidden(domain.CodeForbidden, "admins read development plans; the EM and their directors write them")
	}
	return nil
}

// Plan lists an EM's development plan.
func (s *Cycles) Plan(ctx context.Context, p domain.Principal, emID string, page domain.Page) (domain.List[domain.PlanItem], error) {
	if _, _, err := s.emAccess(ctx, p, emID); err != nil {
		return domain.List[domain.PlanItem]{}, err
	}
	return s.plans.PlanItems(ctx, p.OrgID, emID, page)
}

// AddPlanItem adds an item to an EM's plan.
func (s *Cycles) AddPlanItem(ctx context.Context, p domain.Principal, emID string, in PlanInput) (domain.PlanItem, error) {
	item := domain.PlanItem{OrgID: p.OrgID, EMID: emID, Status: domain.PlanOpen, CreatedBy: p.UserID}
	in.Criterion.Set, in.Action.Set = true, true
	return item, s.writePlan(ctx, p, &item, in, "plan_item.create")
}

// UpdatePlanItem changes an item of an EM's plan.
func (s *Cycles) UpdatePlanItem(ctx context.Context, p domain.Principal, emID, id string, in PlanInput) (domain.PlanItem, error) {
	var item domain.PlanItem
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		if err := s.planWriter(ctx, p, emID); err != nil {
			return err
		}
		var err error
		if item, err = s.plans.PlanItem(ctx, p.OrgID, emID, id); err != nil {
			return err
		}
		return s.writePlan(ctx, p, &item, in, "plan_item.update")
	})
	return item, err
}

// DeletePlanItem removes an item of an EM's plan: for those who may write
// the plan.
func (s *Cycles) DeletePlanItem(ctx context.Context, p domain.Principal, emID, id string) error {
	return s.store.Tx(ctx, func(ctx context.Context) error {
		if err := s.planWriter(ctx, p, emID); err != nil {
			return err
		}
		item, err := s.plans.PlanItem(ctx, p.OrgID, emID, id)
		if err != nil {
			return err
		}
		if err := s.plans.DeletePlanItem(ctx, p.OrgID, emID, id); err != nil {
			return err
		}
		actor := p.UserID
		return s.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: "plan_item.delete",
			ObjectType: "plan_item", ObjectID: item.ID, Before: item})
	})
}

func (s *Cycles) writePlan(ctx context.Context, p domain.Principal, item *domain.PlanItem, in PlanInput, action string) error {
	return s.store.Tx(ctx, func(ctx context.Context) error {
		if err := s.planWriter(ctx, p, item.EMID); err != nil {
			return err
		}
		before := *item
		f := domain.Fields{}
		if in.Criterion.Set {
			keys, err := s.plans.CriterionKeys(ctx, p.OrgID)
			if err != nil {
				return err
			}
			v := deref(in.Criterion.Value)
			known := false
			for _, k := range keys {
				known = known || k == v
			}
			if !known {
				f.Add("criterion", "is not a criterion of your organisation's frameworks")
			}
			item.Criterion = v
		}
		if in.Action.Set {
			v := strings.TrimSpace(deref(in.Action.Value))
			if n := utf8.RuneCountInString(v); n < minActionLen || n > maxActionLen {
				f.Add("action", "must say what you will do in %d to %d characters", minActionLen, maxActionLen)
			}
			item.Action = v
		}
		if in.RevisitOn.Set {
			// A date in the past is refused; a date the item already has
			// stays, so that an old item can still be completed.
			v := in.RevisitOn.Value
			switch {
			case v == nil:
			case !domain.ValidDate(*v):
				f.Add("revisit_on", "must be a date like 2027-03-01")
			case *v < s.earliestRevisit() && (item.RevisitOn == nil || *item.RevisitOn != *v):
				f.Add("revisit_on", "must be today or later, not in the past")
			}
			item.RevisitOn = in.RevisitOn.Value
		}
		if in.Status.Set {
			if v := in.Status.Value; v == nil || !v.Valid() {
				f.Add("status", "must be open, in_progress, done or dropped")
			} else {
				item.Status = *v
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := s.plans.SavePlanItem(ctx, item); err != nil {
			return err
		}
		actor := p.UserID
		var old any
		if before.ID != "" {
			old = before
		}
		return s.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: action,
			ObjectType: "plan_item", ObjectID: item.ID, Before: old, After: *item})
	})
}
