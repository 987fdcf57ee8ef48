package calibration

import (
	"context"

	"calibrate/internal/domain"
)

// AuditStore is what reading the audit log needs.
type AuditStore interface {
	ListAudit(ctx context.Context, f domain.AuditFilter, page domain.Page) (domain.List[domain.AuditEntry], error)
	OwnedCycleIDs(ctx context.Context, orgID, directorID string) ([]string, error)
	Cycle(ctx context.Context, orgID, id string) (domain.Cycle, error)
}

type AuditLog struct{ store AuditStore }

func NewAuditLog(store AuditStore) *AuditLog { return &AuditLog{store: store} }

// List pages audit entries newest first: an admin reads the organisation's
// whole log, a director the entries of the cycles they own.
func (s *AuditLog) List(ctx context.Context, p domain.Principal, cycleID string, page domain.Page) (domain.List[domain.AuditEntry], error) {
	f := domain.AuditFilter{OrgID: p.OrgID, CycleID: cycleID}
	if cycleID != "" {
		// A cycle the caller may not see is not found, as everywhere.
		c, err := s.store.Cycle(ctx, p.OrgID, cycleID)
		if err != nil {
			return domain.List[domain.AuditEntry]{}, err
		}
		if p.Role == domain.RoleDirector && !c.IsOwner(p.UserID) {
			return domain.List[domain.AuditEntry]{}, domain.NotFound("cycle")
		}
	}
	switch p.Role {
	case domain.RoleAdmin:
	case domain.RoleDirector:
		owned, err := s.store.OwnedCycleIDs(ctx, p.OrgID, p.UserID)
		if err != nil {
			return domain.List[domain.AuditEntry]{}, err
		}
		f.CycleIDs = owned
	default:
		return domain.List[domain.AuditEntry]{}, domain.Forbidden(domain.CodeForbidden, "your role may not read the audit log")
	}
	return s.store.ListAudit(ctx, f, page)
}
