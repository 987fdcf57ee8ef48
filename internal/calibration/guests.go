package calibration

import (
	"context"
	"time"

	"calibrate/internal/domain"
)

// Calibration guests: an owner invites someone who is not part of the
// calibration (typically an HR partner) to read it, read-only, until a
// date. The rules here are the same for every kind of subject (a cycle, a
// roll-up): the subject's service says who sees the subject and who owns
// it, and hands over a GuestHost; Guests does the rest.

// MaxGuests bounds the guests of one subject.
const MaxGuests = 50

// The views a guest reads, as their reads are recorded.
const (
	GuestViewBoard    = "board"
	GuestViewBoardCSV = "board_csv"
	GuestViewNineBox  = "nine_box"
	GuestViewAgenda   = "agenda"
	GuestViewActivity = "activity"
	GuestViewCycle    = "cycle"
	GuestViewEvents   = "events"
	GuestViewRollup   = "rollup"
)

// GuestStore keeps the guests of cycles and roll-ups.
type GuestStore interface {
	Guest(ctx context.Context, orgID string, subj domain.GuestSubject, userID string) (domain.Guest, error)
	Guests(ctx context.Context, orgID string, subj domain.GuestSubject) ([]domain.Guest, error)
	SaveGuest(ctx context.Context, g *domain.Guest) (created bool, err error)
	DeleteGuest(ctx context.Context, orgID string, subj domain.GuestSubject, userID string) error
}

// guestsStore is what Guests needs of the database.
type guestsStore interface {
	GuestStore
	Tx(ctx context.Context, fn func(ctx context.Context) error) error
	Audit(ctx context.Context, e domain.AuditEntry) error
	User(ctx context.Context, orgID, id string) (domain.User, error)
	UsersByID(ctx context.Context, orgID string, ids []string) (map[string]domain.User, error)
}

// GuestHost is a subject as the guest rules see it.
type GuestHost struct {
	Subject domain.GuestSubject
	// CycleID is the cycle the audit entries name ("" for a roll-up).
	CycleID string
	// Owners manage the guests, and can never be one.
	Owners []string
	// Done: the subject is finalized (or released). No guest is added or
	// removed then, and every guest's access has ended.
	Done bool
}

// GuestView is a guest with the names a reader needs.
type GuestView struct {
	User      domain.Ref
	Role      domain.Role
	Function  domain.Function
	Until     string
	AddedBy   domain.Ref
	CreatedAt time.Time
}

// Guests applies the guest rules to any subject.
type Guests struct {
	store guestsStore
	clock domain.Clock
}

func NewGuests(store guestsStore, clock domain.Clock) *Guests {
	return &Guests{store: store, clock: clock}
}

func (g *Guests) today() string { return g.clock.Now().UTC().Format(time.DateOnly) }

// Active reports whether p reads the subject as its guest now: invited,
// a director or peer (a guest who has since become an EM or admin reads
// as their role allows), before the end of the day `until` (UTC) and
// while the subject is not finalized.
func (g *Guests) Active(ctx context.Context, p domain.Principal, h GuestHost) (bool, error) {
	if h.Done || (p.Role != domain.RoleDirector && p.Role != domain.RolePeer) {
		return false, nil
	}
	gu, err := g.store.Guest(ctx, p.OrgID, h.Subject, p.UserID)
	if domain.IsKind(err, domain.KindNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return gu.Until >= g.today(), nil
}

// Read admits p as a guest of the subject and records their read of view
// (guest.read, after {"view": view}); false when p is not an active guest,
// and nothing is recorded.
func (g *Guests) Read(ctx context.Context, p domain.Principal, h GuestHost, view string) (bool, error) {
	ok, err := g.Active(ctx, p, h)
	if err != nil || !ok {
		return false, err
	}
	return true, g.store.Tx(ctx, func(ctx context.Context) error {
		return g.audit(ctx, p, h, domain.ActionGuestRead, h.Subject.Type, h.Subject.ID, nil, map[string]string{"view": view})
	})
}

// List is the subject's guests, oldest invitation first, expired ones
// included until they are removed.
func (g *Guests) List(ctx context.Context, p domain.Principal, h GuestHost) ([]GuestView, error) {
	gs, err := g.store.Guests(ctx, p.OrgID, h.Subject)
	if err != nil {
		return nil, err
	}
	return g.views(ctx, p.OrgID, gs)
}

// Add invites userID until the day `until` (YYYY-MM-DD, today or later),
// or moves the end of their invitation when they are a guest already
// (created false). The caller is an owner (the subject's service checked).
func (g *Guests) Add(ctx context.Context, p domain.Principal, h GuestHost, userID, until string) (GuestView, bool, error) {
	var view GuestView
	var created bool
	err := g.store.Tx(ctx, func(ctx context.Context) error {
		if h.Done {
			return domain.Conflict(domain.CodeCycleLocked, "guests are invited before the calibration is finalized")
		}
		f := domain.Fields{}
		if d, err := time.Parse(time.DateOnly, until); err != nil || d.Format(time.DateOnly) != until {
			f.Add("until", "must be a date YYYY-MM-DD")
		} else if until < g.today() {
			f.Add("until", "must be today or later")
		}
		u, err := g.store.User(ctx, p.OrgID, userID)
		switch {
		case domain.IsKind(err, domain.KindNotFound):
			f.Add("user_id", "is not a user of the organisation")
		case err != nil:
			return err
		case !u.Active:
			f.Add("user_id", "is not an active user")
		case u.Role != domain.RoleDirector && u.Role != domain.RolePeer:
			f.Add("user_id", "must be a director or a peer: EMs and admins are never guests")
		case isOneOf(userID, h.Owners):
			f.Add("user_id", "is an owner, who reads the calibration already")
		}
		if err := f.Err(); err != nil {
			return err
		}
		before, err := g.store.Guest(ctx, p.OrgID, h.Subject, userID)
		existed := err == nil
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return err
		}
		if !existed {
			all, err := g.store.Guests(ctx, p.OrgID, h.Subject)
			if err != nil {
				return err
			}
			if len(all) >= MaxGuests {
				return domain.Invalid("user_id", "at most 50 guests: remove one first")
			}
		}
		gu := domain.Guest{OrgID: p.OrgID, Subject: h.Subject, UserID: userID, Until: until, AddedBy: p.UserID}
		if created, err = g.store.SaveGuest(ctx, &gu); err != nil {
			return err
		}
		var old any
		if existed {
			old = map[string]string{"until": before.Until}
		}
		if err := g.audit(ctx, p, h, domain.ActionGuestAdd, "guest", userID, old,
			map[string]string{"subject_type": h.Subject.Type, "subject_id": h.Subject.ID, "user_id": userID, "until": until}); err != nil {
			return err
		}
		vs, err := g.views(ctx, p.OrgID, []domain.Guest{gu})
		if err != nil {
			return err
		}
		view = vs[0]
		return nil
	})
	return view, created, err
}

// Remove ends userID's invitation at once; not found when they are no
// guest of the subject.
func (g *Guests) Remove(ctx context.Context, p domain.Principal, h GuestHost, userID string) error {
	return g.store.Tx(ctx, func(ctx context.Context) error {
		if h.Done {
			return domain.Conflict(domain.CodeCycleLocked, "the calibration is finalized: its guests' access has ended")
		}
		before, err := g.store.Guest(ctx, p.OrgID, h.Subject, userID)
		if err != nil {
			return err
		}
		if err := g.store.DeleteGuest(ctx, p.OrgID, h.Subject, userID); err != nil {
			return err
		}
		return g.audit(ctx, p, h, domain.ActionGuestRemove, "guest", userID,
			map[string]string{"subject_type": h.Subject.Type, "subject_id": h.Subject.ID, "user_id": userID, "until": before.Until}, nil)
	})
}

func (g *Guests) audit(ctx context.Context, p domain.Principal, h GuestHost, action, objType, objID string, before, after any) error {
	actor := p.UserID
	var cycle *string
	if h.CycleID != "" {
		cid := h.CycleID
		cycle = &cid
	}
	return g.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: action,
		ObjectType: objType, ObjectID: objID, CycleID: cycle, Before: before, After: after})
}

func (g *Guests) views(ctx context.Context, orgID string, gs []domain.Guest) ([]GuestView, error) {
	ids := make([]string, 0, 2*len(gs))
	for _, gu := range gs {
		ids = append(ids, gu.UserID, gu.AddedBy)
	}
	people, err := g.store.UsersByID(ctx, orgID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]GuestView, len(gs))
	for i, gu := range gs {
		u := people[gu.UserID]
		out[i] = GuestView{User: domain.Ref{ID: gu.UserID, Name: u.Name}, Role: u.Role, Function: u.Function,
			Until: gu.Until, AddedBy: domain.Ref{ID: gu.AddedBy, Name: people[gu.AddedBy].Name}, CreatedAt: gu.CreatedAt}
	}
	return out, nil
}

func isOneOf(id string, ids []string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
