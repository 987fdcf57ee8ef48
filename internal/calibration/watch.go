package calibration

import (
	"context"

	"calibrate/internal/domain"
)

// Watch checks that the caller may follow the cycle's event stream, and
// names the cycle to follow. The stream says who changed what while the
// cycle is calibrated, so it is for those who read the whole cycle, as the
// meeting record is; its guests follow it too.
func (s *Cycles) Watch(ctx context.Context, p domain.Principal, id string) (domain.CycleRef, error) {
	c, err := s.wholeCycleReader(ctx, p, id, GuestViewEvents)
	if err != nil {
		return domain.CycleRef{}, err
	}
	return domain.CycleRef{OrgID: c.OrgID, CycleID: c.ID}, nil
}
