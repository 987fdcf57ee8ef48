package calibration

import (
	"context"

	"calibrate/internal/domain"
)

// A cycle's guests read its board (and CSV), 9-box, agenda, activity, the
// cycle itself and its event stream; nothing else, and they write nothing.

// cycleHost is the cycle as the guest rules see it.
func cycleHost(c domain.Cycle) GuestHost {
	return GuestHost{Subject: domain.GuestSubject{Type: domain.GuestOfCycle, ID: c.ID}, CycleID: c.ID,
		Owners: c.Owners, Done: c.State.Done()}
}

// boardReader decides who reads the cycle's calibration views (the board,
// its CSV, the 9-box, the agenda): its owners and the organisation's
// admins, and its guests while their invitation lasts, each guest read
// recorded under view. An empty view admits no guest. Anyone else finds no
// cycle.
func (s *Cycles) boardReader(ctx context.Context, p domain.Principal, c domain.Cycle, view string) error {
	if p.Role != domain.RoleEM {
		a, err := s.accessTo(ctx, p, c)
		if err != nil || a != accessNone {
			return err
		}
	}
	if view != "" {
		ok, err := s.guests.Read(ctx, p, cycleHost(c), view)
		if err != nil || ok {
			return err
		}
	}
	return domain.NotFound("cycle")
}

// guestManager loads a cycle whose guests p manages: any owner. An admin,
// or a guest, who sees the cycle may not (403); anyone else finds none.
// readOnly lets admins through: they read the list.
func (s *Cycles) guestManager(ctx context.Context, p domain.Principal, id string, readOnly bool) (domain.Cycle, error) {
	c, err := s.store.Cycle(ctx, p.OrgID, id)
	if err != nil {
		return c, err
	}
	if (p.Role == domain.RoleDirector && c.IsOwner(p.UserID)) || (readOnly && p.Role == domain.RoleAdmin) {
		return c, nil
	}
	refuse := domain.Forbidden(domain.CodeForbidden, "only the cycle's owners invite and remove its guests")
	if p.Role == domain.RoleAdmin {
		return domain.Cycle{}, refuse
	}
	ok, err := s.guests.Active(ctx, p, cycleHost(c))
	if err != nil {
		return domain.Cycle{}, err
	}
	if ok {
		return domain.Cycle{}, refuse
	}
	return domain.Cycle{}, domain.NotFound("cycle")
}

// CycleGuests lists the cycle's guests (owners and admins).
func (s *Cycles) CycleGuests(ctx context.Context, p domain.Principal, id string) ([]GuestView, error) {
	c, err := s.guestManager(ctx, p, id, true)
	if err != nil {
		return nil, err
	}
	return s.guests.List(ctx, p, cycleHost(c))
}

// AddCycleGuest invites userID to read the cycle until the day `until`, or
// changes the day of a guest already invited (created false).
func (s *Cycles) AddCycleGuest(ctx context.Context, p domain.Principal, id, userID, until string) (GuestView, bool, error) {
	c, err := s.guestManager(ctx, p, id, false)
	if err != nil {
		return GuestView{}, false, err
	}
	return s.guests.Add(ctx, p, cycleHost(c), userID, until)
}

// RemoveCycleGuest ends userID's invitation to the cycle.
func (s *Cycles) RemoveCycleGuest(ctx context.Context, p domain.Principal, id, userID string) error {
	c, err := s.guestManager(ctx, p, id, false)
	if err != nil {
		return err
	}
	return s.guests.Remove(ctx, p, cycleHost(c), userID)
}
