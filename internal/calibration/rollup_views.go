package calibration

import (
	"context"

	"calibrate/internal/domain"
)

// A roll-up's 9-box, its shifts and its guests: the cycle's rules, over
// the roll-up's board. Its guests read the roll-up, its board and its
// 9-box; its lead invites them.

// rollupHost is the roll-up as the guest rules see it: its lead owns it.
func rollupHost(r domain.Rollup) GuestHost {
	return GuestHost{Subject: domain.GuestSubject{Type: domain.GuestOfRollup, ID: r.ID},
		Owners: []string{r.LeadID}, Done: r.State == domain.RollupFinalized}
}

// RollupNineBox is the roll-up's 9-box: every EM of its sources, placed
// by their composite against the bar of their own cycle's framework, and
// by the final readiness (the roll-up's decision where it changed one,
// else the director's; undecided, the suggestion). Bar is the first
// source's.
func (s *Cycles) RollupNineBox(ctx context.Context, p domain.Principal, id string) (CycleNineBox, error) {
	r, sources, err := s.readableRollup(ctx, p, id, GuestViewNineBox)
	if err != nil {
		return CycleNineBox{}, err
	}
	rb, err := s.rollupBoard(ctx, r, sources)
	if err != nil {
		return CycleNineBox{}, err
	}
	items := make([]NineBoxItem, len(rb.Rows))
	bar := 0
	for i, row := range rb.Rows {
		rd := row.Final
		if rd == nil {
			rd = row.Suggested
		}
		if i == 0 {
			bar = row.Bar
		}
		items[i] = NineBoxItem{EMID: row.EM.ID, Name: row.EM.Name, Composite: row.Composite, Bar: float64(row.Bar), Readiness: rd}
	}
	return CycleNineBox{NineBoxResult: NineBox(items), Bar: bar, Guide: rb.Guide}, nil
}

// RollupShifts counts who moved whom over the roll-up's EMs, as a cycle's
// shifts count them: from each EM's first recorded decision in their
// source cycle to the final one. While the roll-up is open its changes are
// not written into the sources yet: the `rollup` level then counts the
// director's decision → the roll-up's. Readers of the roll-up (not its
// guests) read it.
func (s *Cycles) RollupShifts(ctx context.Context, p domain.Principal, id string) (Shifts, error) {
	r, sources, err := s.readableRollup(ctx, p, id, "")
	if err != nil {
		return Shifts{}, err
	}
	pending := map[string]domain.Readiness{}
	if r.State == domain.RollupOpen {
		decisions, err := s.rollups.RollupDecisions(ctx, r.OrgID, r.ID)
		if err != nil {
			return Shifts{}, err
		}
		for _, d := range decisions {
			pending[d.EMID] = d.Readiness
		}
	}
	var items []ShiftItem
	for _, c := range sources {
		its, err := s.shiftItems(ctx, c)
		if err != nil {
			return Shifts{}, err
		}
		for _, it := range its {
			if v, ok := pending[it.EMID]; ok {
				it.Final = v
			}
			items = append(items, it)
		}
	}
	asOf := s.clock.Now()
	if r.FinalizedAt != nil {
		asOf = *r.FinalizedAt
	}
	return CountShifts(items, asOf), nil
}

// rollupGuestManager loads a roll-up whose guests p manages: its lead. Its
// other readers (the source owners, admins) and its guests may not (403;
// readOnly lets admins and the source owners read the list); anyone else
// finds none.
func (s *Cycles) rollupGuestManager(ctx context.Context, p domain.Principal, id string, readOnly bool) (domain.Rollup, error) {
	r, sources, err := s.readableRollup(ctx, p, id, "")
	if err != nil {
		return domain.Rollup{}, s.guestRefused(ctx, p, id, err, "only the roll-up's lead invites and removes its guests")
	}
	if (p.Role == domain.RoleDirector && r.LeadID == p.UserID) || (readOnly && canReadRollup(p, r, sources)) {
		return r, nil
	}
	return domain.Rollup{}, domain.Forbidden(domain.CodeForbidden, "only the roll-up's lead invites and removes its guests")
}

// RollupGuests lists the roll-up's guests (its readers).
func (s *Cycles) RollupGuests(ctx context.Context, p domain.Principal, id string) ([]GuestView, error) {
	r, err := s.rollupGuestManager(ctx, p, id, true)
	if err != nil {
		return nil, err
	}
	return s.guests.List(ctx, p, rollupHost(r))
}

// AddRollupGuest invites userID to read the roll-up until the day `until`,
// or changes the day of a guest already invited (created false).
func (s *Cycles) AddRollupGuest(ctx context.Context, p domain.Principal, id, userID, until string) (GuestView, bool, error) {
	r, err := s.rollupGuestManager(ctx, p, id, false)
	if err != nil {
		return GuestView{}, false, err
	}
	return s.guests.Add(ctx, p, rollupHost(r), userID, until)
}

// RemoveRollupGuest ends userID's invitation to the roll-up.
func (s *Cycles) RemoveRollupGuest(ctx context.Context, p domain.Principal, id, userID string) error {
	r, err := s.rollupGuestManager(ctx, p, id, false)
	if err != nil {
		return err
	}
	return s.guests.Remove(ctx, p, rollupHost(r), userID)
}
