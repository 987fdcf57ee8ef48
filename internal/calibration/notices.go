package calibration

import (
	"context"
	"fmt"
	"time"

	"calibrate/internal/domain"
)

// Admins manage people but never calibrate. So that an admin cannot steer
// a cycle unseen (make someone a director, move EMs under them, deactivate
// an owner), a change of role, reporting line or active flag of anyone
// who owns or takes part in an unfinished cycle is recorded against that
// cycle, and its board shows it to the owners as a notice.

// maxNotices bounds the notices a board carries, newest first.
const maxNotices = 20

// Notice kinds: which of a person's facts an admin changed.
const (
	NoticeRole    = "role"
	NoticeManager = "manager"
	NoticeActive  = "active"
)

// Notice is one admin change a cycle's owners are shown. Before and After
// are the role, the manager's name (nil for none), or "active"/"inactive".
type Notice struct {
	Kind    string
	Subject domain.Ref
	Actor   *domain.Ref
	At      time.Time
	Before  *string
	After   *string
	Message string
}

// recordMemberChange writes, in the transaction of ctx, one member-change
// audit entry per unfinished cycle that the change from was to now
// touches: a cycle the person owns or takes part in, and, when their
// reporting line moves, a cycle in which anyone below them takes part
// (their line moves too). Name, function and em_since changes touch no
// cycle.
func (s *Users) recordMemberChange(ctx context.Context, a actor, was, now domain.User) error {
	moved := deref(was.ManagerID) != deref(now.ManagerID)
	if was.Role == now.Role && was.Active == now.Active && !moved {
		return nil
	}
	participants := []string{now.ID}
	if moved {
		below, err := s.store.Reports(ctx, now.OrgID, now.ID)
		if err != nil {
			return err
		}
		participants = append(participants, below...)
	}
	cycles, err := s.store.UnfinishedCyclesTouching(ctx, now.OrgID, []string{now.ID}, participants)
	if err != nil || len(cycles) == 0 {
		return err
	}
	var managerIDs []string
	for _, m := range []*string{was.ManagerID, now.ManagerID} {
		if m != nil {
			managerIDs = append(managerIDs, *m)
		}
	}
	managers, err := s.store.UsersByID(ctx, now.OrgID, managerIDs)
	if err != nil {
		return err
	}
	before, after := memberState(was, managers), memberState(now, managers)
	after.Via = a.via
	for _, id := range cycles {
		cycleID := id
		if err := s.store.Audit(ctx, domain.AuditEntry{OrgID: now.OrgID, ActorID: a.user, Action: domain.ActionMemberChange,
			ObjectType: "user", ObjectID: now.ID, CycleID: &cycleID, Before: before, After: after}); err != nil {
			return err
		}
	}
	return nil
}

func memberState(u domain.User, managers map[string]domain.User) domain.MemberState {
	st := domain.MemberState{Name: u.Name, Role: u.Role, Active: u.Active}
	if u.ManagerID != nil {
		st.Manager = &domain.Ref{ID: *u.ManagerID, Name: managers[*u.ManagerID].Name}
	}
	return st
}

// noticesOf turns member-change entries, newest first, into the notices
// of a board: one per fact changed, at most maxNotices.
func noticesOf(changes []domain.MemberChange) []Notice {
	out := []Notice{}
	for _, c := range changes {
		subject := domain.Ref{ID: c.SubjectID, Name: c.After.Name}
		add := func(kind string, before, after *string, message string) {
			if len(out) < maxNotices {
				out = append(out, Notice{Kind: kind, Subject: subject, Actor: c.Actor, At: c.At, Before: before, After: after, Message: message})
			}
		}
		by := "an admin"
		switch {
		case c.After.Via != nil && c.After.Via.Kind == domain.ViaSCIM:
			by = fmt.Sprintf("SCIM token '%s'", c.After.Via.TokenName)
		case c.Actor != nil && c.Actor.Name != "":
			by = "admin " + c.Actor.Name
		}
		on := c.At.UTC().Format("2 Jan 2006")
		if refID(c.Before.Manager) != refID(c.After.Manager) {
			was, now := managerName(c.Before.Manager), managerName(c.After.Manager)
			add(NoticeManager, was, now, fmt.Sprintf("Reporting line of %s changed by %s on %s: now reports to %s (was %s).",
				subject.Name, by, on, orNoOne(now), orNoOne(was)))
		}
		if c.Before.Role != c.After.Role {
			was, now := string(c.Before.Role), string(c.After.Role)
			add(NoticeRole, &was, &now, fmt.Sprintf("Role of %s changed by %s on %s: %s → %s.",
				subject.Name, by, on, roleWord(c.Before.Role), roleWord(c.After.Role)))
		}
		if c.Before.Active != c.After.Active {
			was, now := activeWord(c.Before.Active), activeWord(c.After.Active)
			verb := "deactivated"
			if c.After.Active {
				verb = "reactivated"
			}
			add(NoticeActive, &was, &now, fmt.Sprintf("Account of %s %s by %s on %s.", subject.Name, verb, by, on))
		}
	}
	return out
}

func managerName(r *domain.Ref) *string {
	if r == nil {
		return nil
	}
	n := r.Name
	return &n
}

func refID(r *domain.Ref) string {
	if r == nil {
		return ""
	}
	return r.ID
}

func orNoOne(name *string) string {
	if name == nil {
		return "no one"
	}
	return *name
}

func roleWord(r domain.Role) string {
	if r == domain.RoleEM {
		return "EM"
	}
	return string(r)
}

func activeWord(active bool) string {
	if active {
		return "active"
	}
	return "inactive"
}
