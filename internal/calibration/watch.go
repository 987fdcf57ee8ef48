package calibration

import (
	"context"

	"calibrate/internal/domain"
)

// Watch checks that the caller may follow the cycle's event stream, and
// names the cycle to follow. The stream says who changed what while the
// cycle is calibrated, so it is for those who read the whole cycle: its
// owners and the organisation's admins. The route refuses every other role
// (403); a cycle the caller does not own is not found, as everywhere.
func (s *Cycles) Watch(ctx context.Context, p domain.Principal, id string) (domain.CycleRef, error) {
	if !p.Is(domain.RoleAdmin, domain.RoleDirector) {
		return domain.CycleRef{}, domain.Forbidden(domain.CodeForbidden, "only the cycle's owners and admins follow its changes")
	}
	c, err := s.owned(ctx, p, id)
	if err != nil {
		return domain.CycleRef{}, err
	}
	return domain.CycleRef{OrgID: c.OrgID, CycleID: c.ID}, nil
}
