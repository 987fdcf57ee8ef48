package calibration

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"calibrate/internal/domain"
)

// CycleStore is what cycles, assessments and peer input need of the database.
type CycleStore interface {
	Tx(ctx context.Context, fn func(ctx context.Context) error) error
	Audit(ctx context.Context, e domain.AuditEntry) error
	User(ctx context.Context, orgID, id string) (domain.User, error)
	UsersByID(ctx context.Context, orgID string, ids []string) (map[string]domain.User, error)
	Reports(ctx context.Context, orgID, managerID string) ([]string, error)
	Managers(ctx context.Context, orgID, userID string) ([]string, error)
	Framework(ctx context.Context, orgID, id string) (domain.Framework, error)
	LatestFramework(ctx context.Context, orgID, name string) (domain.Framework, error)

	CreateCycle(ctx context.Context, c *domain.Cycle) error
	UpdateCycle(ctx context.Context, c *domain.Cycle) error
	MoveCycle(ctx context.Context, c *domain.Cycle, from domain.State) error
	Cycle(ctx context.Context, orgID, id string) (domain.Cycle, error)
	ListCycles(ctx context.Context, f domain.CycleFilter, page domain.Page) (domain.List[domain.Cycle], error)
	OpenCycleOf(ctx context.Context, orgID string, emIDs []string, except string) (map[string]string, error)

	Assessment(ctx context.Context, orgID, cycleID, emID string, kind domain.AssessmentKind) (domain.Assessment, error)
	Assessments(ctx context.Context, orgID string, cycleIDs []string) ([]domain.Assessment, error)
	SaveAssessment(ctx context.Context, a *domain.Assessment, expect int) error
	Decision(ctx context.Context, orgID, cycleID, emID string) (domain.Decision, error)
	Decisions(ctx context.Context, orgID string, cycleIDs []string) ([]domain.Decision, error)
	SaveDecision(ctx context.Context, d *domain.Decision, expect int) error

	CreatePeerRequest(ctx context.Context, r *domain.PeerRequest) error
	CountPeerRequests(ctx context.Context, orgID, cycleID, emID string) (int64, error)
	PeerRequest(ctx context.Context, orgID, id string) (domain.PeerRequest, error)
	SetRequestStatus(ctx context.Context, orgID, id string, st domain.RequestStatus) error
	DeleteRequestsAbout(ctx context.Context, orgID, cycleID string, emIDs []string) error
	ListPeerRequests(ctx context.Context, f domain.RequestFilter, page domain.Page) (domain.List[domain.PeerRequest], error)
	PeerRequestsBy(ctx context.Context, orgID, userID string) ([]domain.PeerRequest, error)
	PeerRequestsAbout(ctx context.Context, orgID, emID string) ([]domain.PeerRequest, error)
	PeerRequestsOf(ctx context.Context, orgID string, cycleIDs []string) ([]domain.PeerRequest, error)
	Note(ctx context.Context, orgID, requestID string) (domain.PeerNote, error)
	NotesByRequest(ctx context.Context, orgID string, requestIDs []string) (map[string]domain.PeerNote, error)
	SaveNote(ctx context.Context, n *domain.PeerNote) error
	NotesOf(ctx context.Context, orgID string, cycleIDs []string) ([]domain.PeerNote, error)
	FinishedCyclesOf(ctx context.Context, orgID, emID string) ([]domain.Cycle, error)
}

// Cycles runs calibration cycles: their settings and state, assessments,
// decisions and peer input.
type Cycles struct {
	store    CycleStore
	board    BoardStore
	plans    PlanStore
	prereads PrereadStore
	meeting  MeetingStore
	activity ActivityStore
	rollups  RollupStore
	clock    domain.Clock
	boards   *boardCache
	mail     Mailer
	guests   *Guests
}

// Mailer queues the e-mail a write causes. It is called inside the write's
// transaction, so the e-mail is queued if and only if the write commits.
type Mailer interface {
	// RequestAsked: r's peer is asked for input (r was made while input is
	// open, or input opened for it).
	RequestAsked(ctx context.Context, c domain.Cycle, r domain.PeerRequest) error
	// RequestReminded: r's peer is reminded.
	RequestReminded(ctx context.Context, c domain.Cycle, r domain.PeerRequest) error
	// InputClosed: c's owners learn that input closed.
	InputClosed(ctx context.Context, c domain.Cycle) error
}

// noMail is the Mailer when no e-mail is configured.
type noMail struct{}

func (noMail) RequestAsked(context.Context, domain.Cycle, domain.PeerRequest) error    { return nil }
func (noMail) RequestReminded(context.Context, domain.Cycle, domain.PeerRequest) error { return nil }
func (noMail) InputClosed(context.Context, domain.Cycle) error                         { return nil }

// SetMailer makes the cycles queue e-mail through m. Call it before the
// first request.
func (s *Cycles) SetMailer(m Mailer) {
	if m == nil {
		m = noMail{}
	}
	s.mail = m
}

// CyclesStore is the whole of what Cycles needs: the store implements it.
type CyclesStore interface {
	CycleStore
	BoardStore
	PlanStore
	PrereadStore
	MeetingStore
	ActivityStore
	GuestStore
	RollupStore
}

func NewCycles(store CyclesStore, clock domain.Clock) *Cycles {
	return &Cycles{store: store, board: store, plans: store, prereads: store, meeting: store, activity: store, rollups: store, clock: clock,
		boards: newBoardCache(), mail: noMail{}, guests: NewGuests(store, clock)}
}

// CycleView is a cycle with the names a reader needs. For an EM it holds
// only what concerns them: no other participant.
type CycleView struct {
	domain.Cycle
	Lead         domain.Ref
	OwnerRefs    []domain.Ref
	Participants []ParticipantView
}

type ParticipantView struct {
	ID         string
	Name       string
	DirectorID string
}

// NewCycle is the input of a cycle creation.
type NewCycle struct {
	Name            string
	FrameworkID     *string
	EMIDs           []string
	CoOwnerIDs      []string
	InputDue        *string
	PeerAttribution domain.Attribution
	// DistributionGuide is nil for no guide.
	DistributionGuide domain.DistributionGuide
}

// CyclePatch changes a draft cycle; only the Set fields change.
type CyclePatch struct {
	Name       domain.Optional[string]
	EMIDs      domain.Optional[[]string]
	CoOwnerIDs domain.Optional[[]string]
	InputDue   domain.Optional[string]
	// ResultsExpectedOn, nil to clear, is the one setting the lead may
	// change after draft (until release).
	ResultsExpectedOn domain.Optional[string]
	PeerAttribution   domain.Optional[domain.Attribution]
	// DistributionGuide set to nil removes the guide.
	DistributionGuide domain.Optional[domain.DistributionGuide]
}

const maxParticipants = 500

// Create starts a draft cycle led by the calling director.
func (s *Cycles) Create(ctx context.Context, p domain.Principal, in NewCycle) (CycleView, error) {
	c := domain.Cycle{OrgID: p.OrgID, LeadID: p.UserID, State: domain.StateDraft, PeerAttribution: in.PeerAttribution}
	f := domain.Fields{}
	c.Name = checkName(f, "name", in.Name)
	if c.PeerAttribution == "" {
		c.PeerAttribution = domain.AttributionByFunction
	} else if !c.PeerAttribution.Valid() {
		f.Add("peer_attribution", "must be named, by_function or anonymous")
	}
	if in.InputDue != nil && !domain.ValidDate(*in.InputDue) {
		f.Add("input_due", "must be a date like 2026-12-01")
	}
	c.InputDue = in.InputDue
	c.DistributionGuide = checkGuide(f, in.DistributionGuide)
	if in.EMIDs == nil {
		f.Add("em_ids", "is required: the EMs to calibrate")
	}
	if err := f.Err(); err != nil {
		return CycleView{}, err
	}
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		fw, err := s.frameworkFor(ctx, p.OrgID, in.FrameworkID)
		if err != nil {
			return err
		}
		c.FrameworkID = fw.ID
		if err := s.setMembers(ctx, &c, in.CoOwnerIDs, in.EMIDs); err != nil {
			return err
		}
		if err := s.store.CreateCycle(ctx, &c); err != nil {
			return err
		}
		return s.audit(ctx, p, c.ID, "cycle.create", "cycle", c.ID, nil, auditCycle(c))
	})
	if err != nil {
		return CycleView{}, err
	}
	return s.view(ctx, p, c)
}

func (s *Cycles) frameworkFor(ctx context.Context, orgID string, id *string) (domain.Framework, error) {
	if id != nil {
		fw, err := s.store.Framework(ctx, orgID, *id)
		if domain.IsKind(err, domain.KindNotFound) {
			return fw, domain.Invalid("framework_id", "is not a framework of your organisation")
		}
		return fw, err
	}
	fw, err := s.store.LatestFramework(ctx, orgID, domain.DefaultFrameworkName)
	if domain.IsKind(err, domain.KindNotFound) {
		return fw, domain.Invalid("framework_id", "is required: your organisation has no default framework")
	}
	return fw, err
}

// setMembers validates co-owners and participants and works out each
// participant's director in the cycle: the owner nearest above them.
func (s *Cycles) setMembers(ctx context.Context, c *domain.Cycle, coOwners, emIDs []string) error {
	f := domain.Fields{}
	c.Owners = []string{c.LeadID}
	seen := map[string]bool{c.LeadID: true}
	people, err := s.store.UsersByID(ctx, c.OrgID, append(append([]string{}, coOwners...), emIDs...))
	if err != nil {
		return err
	}
	for i, id := range coOwners {
		u, ok := people[id]
		switch {
		case id == c.LeadID:
			f.Add(fmt.Sprintf("co_owner_ids[%d]", i), "is you: the lead owns the cycle already")
		case seen[id]:
			f.Add(fmt.Sprintf("co_owner_ids[%d]", i), "is listed twice")
		case !ok || !u.Active || u.Role != domain.RoleDirector:
			f.Add(fmt.Sprintf("co_owner_ids[%d]", i), "is not an active director of your organisation")
		default:
			c.Owners = append(c.Owners, id)
		}
		seen[id] = true
	}
	if len(emIDs) > maxParticipants {
		f.Add("em_ids", "must list at most %d EMs", maxParticipants)
	}
	owners := map[string]bool{}
	for _, o := range c.Owners {
		owners[o] = true
	}
	c.Participants = []domain.Participant{}
	seenEM := map[string]bool{}
	for i, id := range emIDs {
		field := fmt.Sprintf("em_ids[%d]", i)
		u, ok := people[id]
		if seenEM[id] {
			f.Add(field, "is listed twice")
			continue
		}
		seenEM[id] = true
		if !ok || !u.Active || u.Role != domain.RoleEM {
			f.Add(field, "is not an active EM of your organisation")
			continue
		}
		chain, err := s.store.Managers(ctx, c.OrgID, id)
		if err != nil {
			return err
		}
		director := ""
		for _, m := range chain {
			if owners[m] {
				director = m
				break
			}
		}
		if director == "" {
			f.Add(field, "is not in the reporting tree of an owner of the cycle")
			continue
		}
		c.Participants = append(c.Participants, domain.Participant{EMID: id, DirectorID: director})
	}
	if err := f.Err(); err != nil {
		return err
	}
	ids := make([]string, len(c.Participants))
	for i, pt := range c.Participants {
		ids[i] = pt.EMID
	}
	busy, err := s.store.OpenCycleOf(ctx, c.OrgID, ids, c.ID)
	if err != nil {
		return err
	}
	if len(busy) > 0 {
		var names, list []string
		for _, id := range ids {
			if _, ok := busy[id]; ok {
				names = append(names, people[id].Name)
				list = append(list, id)
			}
		}
		e := domain.Conflict(domain.CodeEMInActiveCycle,
			"already in a cycle that is not finalized: "+strings.Join(names, ", "))
		e.Details = map[string]any{"em_ids": list}
		return e
	}
	return nil
}

// Get returns a cycle the caller may see, or reads as its guest.
func (s *Cycles) Get(ctx context.Context, p domain.Principal, id string) (CycleView, error) {
	c, err := s.store.Cycle(ctx, p.OrgID, id)
	if err != nil {
		return CycleView{}, err
	}
	a, err := s.accessTo(ctx, p, c)
	if err != nil {
		return CycleView{}, err
	}
	if a == accessNone {
		ok, err := s.guests.Read(ctx, p, cycleHost(c), GuestViewCycle)
		if err != nil {
			return CycleView{}, err
		}
		if !ok {
			return CycleView{}, domain.NotFound("cycle")
		}
	}
	return s.view(ctx, p, c)
}

// visible loads a cycle of the caller's organisation that the caller may
// see (see accessTo). Anything else is not found.
func (s *Cycles) visible(ctx context.Context, p domain.Principal, id string) (domain.Cycle, error) {
	c, err := s.store.Cycle(ctx, p.OrgID, id)
	if err != nil {
		return c, err
	}
	a, err := s.accessTo(ctx, p, c)
	if err != nil {
		return domain.Cycle{}, err
	}
	if a == accessNone {
		return domain.Cycle{}, domain.NotFound("cycle")
	}
	return c, nil
}

// cycleAccess is how far a caller reaches into a cycle.
type cycleAccess int

const (
	// accessNone: the cycle is not found.
	accessNone cycleAccess = iota
	// accessRead: a director above every owner of a finished cycle reads
	// the cycle and its board, and changes nothing (403).
	accessRead
	// accessMember: the cycle's owners, the organisation's admins (their
	// routes only read), and its EMs (their own part).
	accessMember
)

// accessTo is the one rule of who sees a cycle: every cycle for an admin;
// for a director, the cycles they own, and every finished (finalized or
// released) cycle whose owners all report to them, directly or not, to
// read; for an EM, the cycles they take part in. The cycle list
// (store.ListCycles with ReaderID) selects the same cycles.
func (s *Cycles) accessTo(ctx context.Context, p domain.Principal, c domain.Cycle) (cycleAccess, error) {
	switch p.Role {
	case domain.RoleAdmin:
		return accessMember, nil
	case domain.RoleDirector:
		if c.IsOwner(p.UserID) {
			return accessMember, nil
		}
		if !c.State.Done() {
			return accessNone, nil
		}
		above, err := s.aboveAll(ctx, p.OrgID, p.UserID, c.Owners)
		if err != nil || !above {
			return accessNone, err
		}
		return accessRead, nil
	case domain.RoleEM:
		if _, ok := c.Participant(p.UserID); ok {
			return accessMember, nil
		}
	}
	return accessNone, nil
}

// aboveAll says every one of users reports to managerID, directly or not.
func (s *Cycles) aboveAll(ctx context.Context, orgID, managerID string, users []string) (bool, error) {
	for _, u := range users {
		chain, err := s.store.Managers(ctx, orgID, u)
		if err != nil {
			return false, err
		}
		if !slices.Contains(chain, managerID) {
			return false, nil
		}
	}
	return len(users) > 0, nil
}

// errReadOnly refuses a change, or a read beyond the cycle and its board,
// to a director who reads a finished cycle from above.
var errReadOnly = domain.Forbidden(domain.CodeForbidden,
	"you read this finished cycle and its board as a director above its owners; only its owners work in it")

// owned loads a cycle the caller owns or, for reading, an admin's. A
// director who only reads it from above is refused (403).
func (s *Cycles) owned(ctx context.Context, p domain.Principal, id string) (domain.Cycle, error) {
	c, err := s.store.Cycle(ctx, p.OrgID, id)
	if err != nil {
		return c, err
	}
	a, err := s.accessTo(ctx, p, c)
	if err != nil {
		return domain.Cycle{}, err
	}
	switch {
	case a == accessNone || p.Role == domain.RoleEM:
		return domain.Cycle{}, domain.NotFound("cycle")
	case a == accessRead:
		return domain.Cycle{}, errReadOnly
	}
	return c, nil
}

// List pages the cycles the caller may see, newest first: an admin's
// organisation's, a director's own and an EM's; directors and peers also
// get the cycles they read as guests, while their invitation lasts.
func (s *Cycles) List(ctx context.Context, p domain.Principal, state domain.State, page domain.Page) (domain.List[CycleView], error) {
	f := domain.CycleFilter{OrgID: p.OrgID, State: state}
	today := s.guests.today()
	if state != "" && !state.Valid() {
		return domain.List[CycleView]{}, domain.Invalid("state", "must be draft, input_open, calibrating, finalized or released")
	}
	switch p.Role {
	case domain.RoleAdmin:
	case domain.RoleDirector:
		f.ReaderID = p.UserID
		f.GuestID, f.GuestOn = p.UserID, today
	case domain.RoleEM:
		f.ParticipantID = p.UserID
	case domain.RolePeer:
		// Peers see their requests, and the cycles they are guests of.
		f.GuestID, f.GuestOn = p.UserID, today
	default:
		return domain.List[CycleView]{Items: []CycleView{}}, nil
	}
	l, err := s.store.ListCycles(ctx, f, page)
	if err != nil {
		return domain.List[CycleView]{}, err
	}
	views, err := s.views(ctx, p, l.Items)
	return domain.List[CycleView]{Items: views, NextCursor: l.NextCursor}, err
}

func (s *Cycles) view(ctx context.Context, p domain.Principal, c domain.Cycle) (CycleView, error) {
	vs, err := s.views(ctx, p, []domain.Cycle{c})
	if err != nil {
		return CycleView{}, err
	}
	return vs[0], nil
}

// views adds names to cycles with one user query for all of them.
func (s *Cycles) views(ctx context.Context, p domain.Principal, cs []domain.Cycle) ([]CycleView, error) {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.Owners...)
		for _, pt := range c.Participants {
			ids = append(ids, pt.EMID)
		}
	}
	people, err := s.store.UsersByID(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	ref := func(id string) domain.Ref { return domain.Ref{ID: id, Name: people[id].Name} }
	out := make([]CycleView, len(cs))
	for i, c := range cs {
		v := CycleView{Cycle: c, Lead: ref(c.LeadID), OwnerRefs: []domain.Ref{}, Participants: []ParticipantView{}}
		for _, o := range c.Owners {
			v.OwnerRefs = append(v.OwnerRefs, ref(o))
		}
		for _, pt := range c.Participants {
			if p.Role == domain.RoleEM && pt.EMID != p.UserID {
				continue
			}
			v.Participants = append(v.Participants, ParticipantView{ID: pt.EMID, Name: people[pt.EMID].Name, DirectorID: pt.DirectorID})
		}
		if p.Role == domain.RoleEM {
			v.Cycle.Participants = nil
			// Why the owners finalized outside the guide is theirs and
			// their managers'; the EM reads their own decision only.
			v.OverrideReason = nil
		}
		out[i] = v
	}
	return out, nil
}

// leadOf loads a cycle for a change only the lead may make.
func (s *Cycles) leadOf(ctx context.Context, p domain.Principal, id string) (domain.Cycle, error) {
	c, err := s.owned(ctx, p, id)
	if err != nil {
		return c, err
	}
	if c.LeadID != p.UserID {
		return domain.Cycle{}, domain.Forbidden(domain.CodeNotLead, "only the lead of the cycle can change it")
	}
	return c, nil
}

// onlyResultsDate reports whether a patch changes nothing but the date
// results are expected on.
func (patch CyclePatch) onlyResultsDate() bool {
	return patch.ResultsExpectedOn.Set && !patch.Name.Set && !patch.EMIDs.Set && !patch.CoOwnerIDs.Set &&
		!patch.InputDue.Set && !patch.PeerAttribution.Set && !patch.DistributionGuide.Set
}

// Update changes a draft cycle's settings and members (the lead only).
// After draft, until release, the lead may still set or change the date
// results are expected on, alone; every other setting is then locked.
func (s *Cycles) Update(ctx context.Context, p domain.Principal, id string, patch CyclePatch) (CycleView, error) {
	var c domain.Cycle
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.leadOf(ctx, p, id); err != nil {
			return err
		}
		before := auditCycle(c)
		f := domain.Fields{}
		if patch.ResultsExpectedOn.Set {
			if v := patch.ResultsExpectedOn.Value; v != nil && !domain.ValidDate(*v) {
				f.Add("results_expected_on", "must be a date like 2027-03-01")
			}
			c.ResultsExpectedOn = patch.ResultsExpectedOn.Value
		}
		if c.State == domain.StateReleased {
			return domain.Conflict(domain.CodeCycleLocked, "the cycle is released; its settings can no longer change")
		}
		if c.State != domain.StateDraft {
			if !patch.onlyResultsDate() {
				return domain.Conflict(domain.CodeCycleLocked, "a cycle can be edited only while it is a draft; until release only the date results are expected on can change")
			}
			if err := f.Err(); err != nil {
				return err
			}
			if err := s.store.UpdateCycle(ctx, &c); err != nil {
				return err
			}
			return s.audit(ctx, p, c.ID, "cycle.update", "cycle", c.ID, before, auditCycle(c))
		}
		promised := c.PeerAttribution
		if patch.Name.Set {
			c.Name = checkName(f, "name", deref(patch.Name.Value))
		}
		if patch.InputDue.Set {
			if v := patch.InputDue.Value; v != nil && !domain.ValidDate(*v) {
				f.Add("input_due", "must be a date like 2026-12-01")
			}
			c.InputDue = patch.InputDue.Value
		}
		if patch.PeerAttribution.Set {
			if v := patch.PeerAttribution.Value; v == nil || !v.Valid() {
				f.Add("peer_attribution", "must be named, by_function or anonymous")
			} else {
				c.PeerAttribution = *v
			}
		}
		if patch.DistributionGuide.Set {
			c.DistributionGuide = checkGuide(f, deref(patch.DistributionGuide.Value))
		}
		if patch.EMIDs.Set && patch.EMIDs.Value == nil {
			f.Add("em_ids", "must be a list")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if c.PeerAttribution != promised {
			if err := s.noNotesYet(ctx, c.OrgID, c.ID); err != nil {
				return err
			}
		}
		coOwners := c.Owners[1:]
		if patch.CoOwnerIDs.Set {
			coOwners = deref(patch.CoOwnerIDs.Value)
		}
		emIDs := make([]string, len(c.Participants))
		for i, pt := range c.Participants {
			emIDs[i] = pt.EMID
		}
		oldEMs := emIDs
		if patch.EMIDs.Set {
			emIDs = *patch.EMIDs.Value
		}
		if err := s.setMembers(ctx, &c, coOwners, emIDs); err != nil {
			return err
		}
		if err := s.store.DeleteRequestsAbout(ctx, c.OrgID, c.ID, removed(oldEMs, emIDs)); err != nil {
			return err
		}
		if err := s.store.UpdateCycle(ctx, &c); err != nil {
			return err
		}
		return s.audit(ctx, p, c.ID, "cycle.update", "cycle", c.ID, before, auditCycle(c))
	})
	if err != nil {
		return CycleView{}, err
	}
	return s.view(ctx, p, c)
}

// noNotesYet refuses to change the attribution of a cycle that has notes:
// each was written under the attribution the peers were promised. Notes
// wait for input to open, when the attribution is fixed anyway; this holds
// the promise also for notes written in a draft before that rule.
func (s *Cycles) noNotesYet(ctx context.Context, orgID, cycleID string) error {
	notes, err := s.store.NotesOf(ctx, orgID, []string{cycleID})
	if err != nil {
		return err
	}
	if len(notes) > 0 {
		return domain.Conflict(domain.CodeCycleLocked, "peers have written notes under this attribution; it can no longer change")
	}
	return nil
}

func removed(old, now []string) []string {
	keep := map[string]bool{}
	for _, id := range now {
		keep[id] = true
	}
	var out []string
	for _, id := range old {
		if !keep[id] {
			out = append(out, id)
		}
	}
	return out
}

// Transition moves the cycle to its next state (the lead only).
// Finalizing needs a decision for every participant.
func (s *Cycles) Transition(ctx context.Context, p domain.Principal, id string, to domain.State) (CycleView, error) {
	return s.TransitionOverriding(ctx, p, id, to, nil)
}

// maxOverrideReason is the longest reason for finalizing outside the guide.
const maxOverrideReason = 500

// TransitionOverriding is Transition with the reason, if any, for
// finalizing outside the cycle's distribution guide. A reason goes only
// with a move to finalized. Decisions outside the guide refuse the
// finalizing without a reason (a guide guides: the reason is all it asks);
// with one, the reason is kept on the cycle. A reason given when the
// decisions are within the guide, or when there is no guide, is not kept:
// nothing was overridden.
func (s *Cycles) TransitionOverriding(ctx context.Context, p domain.Principal, id string, to domain.State, reason *string) (CycleView, error) {
	var c domain.Cycle
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.leadOf(ctx, p, id); err != nil {
			return err
		}
		f := domain.Fields{}
		if !to.Valid() {
			f.Add("to", "must be input_open, calibrating, finalized or released")
		}
		if reason != nil {
			n := utf8.RuneCountInString(*reason)
			switch {
			case to != domain.StateFinalized:
				f.Add("override_reason", "goes only with finalizing: it says why the decisions may fall outside the distribution guide")
			case strings.TrimSpace(*reason) == "" || n > maxOverrideReason:
				f.Add("override_reason", "must be 1 to %d characters, not only spaces", maxOverrideReason)
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		from := c.State
		if !from.CanMoveTo(to) {
			msg := fmt.Sprintf("a %s cycle cannot move to %s", from, to)
			if n := from.Next(); n != "" {
				msg += fmt.Sprintf("; its next state is %s", n)
			}
			return domain.Conflict(domain.CodeIllegalTrans, msg)
		}
		after := map[string]any{"state": to}
		if to == domain.StateFinalized {
			decisions, err := s.requireDecisions(ctx, c)
			if err != nil {
				return err
			}
			if c.DistributionGuide != nil {
				lines := GuideLines(c.DistributionGuide, participantDecisions(c, decisions), len(c.Participants))
				outside := domain.Outside(lines)
				if len(outside) > 0 && reason == nil {
					return outsideGuide(outside)
				}
				c.OverrideReason = nil
				if len(outside) > 0 {
					c.OverrideReason = reason
				}
				after["guide"], after["override_reason"] = lines, c.OverrideReason
			}
		}
		if to == domain.StateReleased {
			if err := s.notInOpenRollup(ctx, c); err != nil {
				return err
			}
		}
		c.State = to
		if err := s.store.MoveCycle(ctx, &c, from); err != nil {
			return err
		}
		if err := s.mailTransition(ctx, c, from); err != nil {
			return err
		}
		return s.audit(ctx, p, c.ID, "cycle.transition", "cycle", c.ID, map[string]any{"state": from}, after)
	})
	if err != nil {
		return CycleView{}, err
	}
	return s.view(ctx, p, c)
}

// mailTransition queues the e-mail a move of c from from causes: when
// input opens, every open request's peer is asked; when it closes, the
// owners are told.
func (s *Cycles) mailTransition(ctx context.Context, c domain.Cycle, from domain.State) error {
	switch {
	case c.State == domain.StateInputOpen:
		rs, err := s.store.PeerRequestsOf(ctx, c.OrgID, []string{c.ID})
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Status != domain.RequestOpen {
				continue
			}
			if err := s.mail.RequestAsked(ctx, c, r); err != nil {
				return err
			}
		}
	case from == domain.StateInputOpen:
		return s.mail.InputClosed(ctx, c)
	}
	return nil
}

// requireDecisions returns the decisions of c's participants, or
// missing_decisions when someone has none.
func (s *Cycles) requireDecisions(ctx context.Context, c domain.Cycle) ([]domain.Decision, error) {
	ds, err := s.store.Decisions(ctx, c.OrgID, []string{c.ID})
	if err != nil {
		return nil, err
	}
	decided := map[string]bool{}
	for _, d := range ds {
		decided[d.EMID] = true
	}
	var missing []string
	for _, pt := range c.Participants {
		if !decided[pt.EMID] {
			missing = append(missing, pt.EMID)
		}
	}
	if len(missing) == 0 {
		return ds, nil
	}
	people, err := s.store.UsersByID(ctx, c.OrgID, missing)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(missing))
	refs := make([]domain.Ref, len(missing))
	for i, id := range missing {
		names[i] = people[id].Name
		refs[i] = domain.Ref{ID: id, Name: people[id].Name}
	}
	e := domain.Conflict(domain.CodeMissingDecisions, "every participant needs a decision before the cycle is finalized; missing: "+strings.Join(names, ", "))
	e.Details = map[string]any{"missing": refs}
	return nil, e
}

// audit records a write to the cycle as a whole.
func (s *Cycles) audit(ctx context.Context, p domain.Principal, cycleID, action, objType, objID string, before, after any) error {
	return s.auditEM(ctx, p, cycleID, "", action, objType, objID, before, after)
}

// auditEM records a write about one EM of the cycle (none when emID is
// empty): the cycle's record and its event stream are read per EM.
func (s *Cycles) auditEM(ctx context.Context, p domain.Principal, cycleID, emID, action, objType, objID string, before, after any) error {
	actor := p.UserID
	cid := cycleID
	var em *string
	if emID != "" {
		em = &emID
	}
	return s.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: action,
		ObjectType: objType, ObjectID: objID, CycleID: &cid, EMID: em, Before: before, After: after})
}

type auditCycleView struct {
	Name              string             `json:"name"`
	State             domain.State       `json:"state"`
	FrameworkID       string             `json:"framework_id"`
	InputDue          *string            `json:"input_due"`
	ResultsExpectedOn *string            `json:"results_expected_on"`
	PeerAttribution   domain.Attribution `json:"peer_attribution"`
	// DistributionGuide is null when the cycle has none.
	DistributionGuide domain.DistributionGuide `json:"distribution_guide"`
	Owners            []string                 `json:"owners"`
	Participants      []domain.Participant     `json:"participants"`
}

func auditCycle(c domain.Cycle) auditCycleView {
	return auditCycleView{c.Name, c.State, c.FrameworkID, c.InputDue, c.ResultsExpectedOn, c.PeerAttribution, c.DistributionGuide, c.Owners, c.Participants}
}
