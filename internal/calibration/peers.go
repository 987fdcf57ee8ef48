package calibration

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"calibrate/internal/domain"
)

const (
	maxRequestsPerEM = 8
	minNoteLen       = 20
	maxNoteLen       = 5000
	maxMessageLen    = 2000
)

// NewPeerRequest asks PeerID for input about EMID.
type NewPeerRequest struct {
	EMID    string
	PeerID  string
	Message *string
}

// RequestView is a peer request with the names a reader needs. Status is
// nil where the reader may not know it (an EM in a cycle whose notes are
// not named); Note is the peer's own note, for the peer's inbox.
type RequestView struct {
	domain.PeerRequest
	Cycle       CycleRef
	EM          domain.Ref
	Peer        PersonRef
	RequestedBy domain.Ref
	ShowStatus  bool
	Note        *domain.PeerNote
}

type CycleRef struct {
	ID              string
	Name            string
	State           domain.State
	InputDue        *string
	FrameworkID     string
	PeerAttribution domain.Attribution
}

type PersonRef struct {
	ID       string
	Name     string
	Function domain.Function
}

// RequestSummary counts an EM's requests in a cycle and how many were
// answered, which is all an EM learns when notes are not named.
// Requested and Answered count the requests the EM made; AskedInTotal and
// AnsweredInTotal count every request about the EM, the cycle owners'
// included, so that the EM knows input was gathered (never from whom).
type RequestSummary struct {
	CycleID         string `json:"cycle_id"`
	Requested       int    `json:"requested"`
	Answered        int    `json:"answered"`
	AskedInTotal    int    `json:"asked_in_total"`
	AnsweredInTotal int    `json:"answered_in_total"`
}

// RequestPeer asks a peer for input: an owner for any participant, an EM
// for themself, while the cycle is a draft or input is open.
func (s *Cycles) RequestPeer(ctx context.Context, p domain.Principal, cycleID string, in NewPeerRequest) (RequestView, error) {
	var r domain.PeerRequest
	var c domain.Cycle
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.visible(ctx, p, cycleID); err != nil {
			return err
		}
		if p.Role == domain.RoleEM && in.EMID != p.UserID {
			return domain.Forbidden(domain.CodeForbidden, "you can ask for input about yourself only")
		}
		if p.Role != domain.RoleEM && !c.IsOwner(p.UserID) {
			return domain.Forbidden(domain.CodeForbidden, "only the cycle's owners and its EMs ask for peer input")
		}
		if c.State != domain.StateDraft && c.State != domain.StateInputOpen {
			return domain.Conflict(domain.CodeCycleLocked, "peer input can be requested while the cycle is a draft or input is open")
		}
		f := domain.Fields{}
		if _, ok := c.Participant(in.EMID); !ok {
			f.Add("em_id", "is not a participant of this cycle")
		}
		peer, err := s.store.User(ctx, p.OrgID, in.PeerID)
		switch {
		case domain.IsKind(err, domain.KindNotFound) || (err == nil && !peer.Active):
			f.Add("peer_id", "is not an active user of your organisation")
		case err != nil:
			return err
		case in.PeerID == in.EMID:
			f.Add("peer_id", "cannot be the EM the input is about")
		}
		if in.Message != nil {
			m := strings.TrimSpace(*in.Message)
			if utf8.RuneCountInString(m) > maxMessageLen {
				f.Add("message", "must have at most %d characters", maxMessageLen)
			}
			in.Message = &m
		}
		if err := f.Err(); err != nil {
			return err
		}
		n, err := s.store.CountPeerRequests(ctx, p.OrgID, cycleID, in.EMID)
		if err != nil {
			return err
		}
		if n >= maxRequestsPerEM {
			return domain.Conflict("request_limit", fmt.Sprintf("an EM can have at most %d peer requests in a cycle", maxRequestsPerEM))
		}
		r = domain.PeerRequest{OrgID: p.OrgID, CycleID: cycleID, EMID: in.EMID, PeerID: in.PeerID, RequestedBy: p.UserID, Message: in.Message}
		if err := s.store.CreatePeerRequest(ctx, &r); err != nil {
			return err
		}
		// A request made in a draft is asked for when input opens.
		if c.State == domain.StateInputOpen {
			if err := s.mail.RequestAsked(ctx, c, r); err != nil {
				return err
			}
		}
		return s.auditEM(ctx, p, cycleID, r.EMID, "peer_request.create", "peer_request", r.ID, nil,
			map[string]any{"em_id": r.EMID, "peer_id": r.PeerID, "message": r.Message})
	})
	if err != nil {
		return RequestView{}, err
	}
	vs, err := s.requestViews(ctx, p, []domain.PeerRequest{r}, map[string]domain.Cycle{c.ID: c})
	if err != nil {
		return RequestView{}, err
	}
	// A request just made is open: saying so reveals no answer.
	vs[0].ShowStatus = true
	return vs[0], nil
}

// Requests pages the peer requests the caller may see: those addressed to
// them, plus for a director those of the cycles they own, for an EM those
// they made, for an admin every one of the organisation.
func (s *Cycles) Requests(ctx context.Context, p domain.Principal, page domain.Page) (domain.List[RequestView], []RequestSummary, error) {
	f := domain.RequestFilter{OrgID: p.OrgID, PeerID: p.UserID}
	switch p.Role {
	case domain.RoleAdmin:
		f.All = true
	case domain.RoleDirector:
		f.OwnerID = p.UserID
	case domain.RoleEM:
		f.RequestedBy = p.UserID
	}
	l, err := s.store.ListPeerRequests(ctx, f, page)
	if err != nil {
		return domain.List[RequestView]{}, nil, err
	}
	views, err := s.requestViews(ctx, p, l.Items, nil)
	if err != nil {
		return domain.List[RequestView]{}, nil, err
	}
	var summary []RequestSummary
	if p.Role == domain.RoleEM {
		// Counted over every request the EM made, not over this page: a
		// cycle's requests may straddle pages.
		about, err := s.store.PeerRequestsAbout(ctx, p.OrgID, p.UserID)
		if err != nil {
			return domain.List[RequestView]{}, nil, err
		}
		summary = summarise(about, p.UserID)
	}
	return domain.List[RequestView]{Items: views, NextCursor: l.NextCursor}, summary, nil
}

// summarise counts, per cycle, the requests about emID: those emID made
// and all of them.
func summarise(rs []domain.PeerRequest, emID string) []RequestSummary {
	var out []RequestSummary
	index := map[string]int{}
	for _, r := range rs {
		if r.EMID != emID {
			continue
		}
		i, ok := index[r.CycleID]
		if !ok {
			i = len(out)
			index[r.CycleID] = i
			out = append(out, RequestSummary{CycleID: r.CycleID})
		}
		answered := r.Status == domain.RequestAnswered
		out[i].AskedInTotal++
		if answered {
			out[i].AnsweredInTotal++
		}
		if r.RequestedBy == emID {
			out[i].Requested++
			if answered {
				out[i].Answered++
			}
		}
	}
	return out
}

// requestViews adds cycles, names and (for the requested peer) notes, with
// a fixed number of queries.
func (s *Cycles) requestViews(ctx context.Context, p domain.Principal, rs []domain.PeerRequest, cycles map[string]domain.Cycle) ([]RequestView, error) {
	if cycles == nil {
		cycles = map[string]domain.Cycle{}
	}
	var ids, mine []string
	for _, r := range rs {
		ids = append(ids, r.EMID, r.PeerID, r.RequestedBy)
		if r.PeerID == p.UserID {
			mine = append(mine, r.ID)
		}
		if _, ok := cycles[r.CycleID]; !ok {
			c, err := s.store.Cycle(ctx, p.OrgID, r.CycleID)
			if err != nil {
				return nil, err
			}
			cycles[r.CycleID] = c
		}
	}
	people, err := s.store.UsersByID(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	notes, err := s.store.NotesByRequest(ctx, p.OrgID, mine)
	if err != nil {
		return nil, err
	}
	out := make([]RequestView, len(rs))
	for i, r := range rs {
		c := cycles[r.CycleID]
		v := RequestView{PeerRequest: r,
			Cycle: CycleRef{ID: c.ID, Name: c.Name, State: c.State, InputDue: c.InputDue, FrameworkID: c.FrameworkID,
				PeerAttribution: c.PeerAttribution},
			EM:          domain.Ref{ID: r.EMID, Name: people[r.EMID].Name},
			Peer:        PersonRef{ID: r.PeerID, Name: people[r.PeerID].Name, Function: people[r.PeerID].Function},
			RequestedBy: domain.Ref{ID: r.RequestedBy, Name: people[r.RequestedBy].Name},
			ShowStatus:  !statusHidden(p, r, c),
		}
		if n, ok := notes[r.ID]; ok {
			v.Note = &n
		}
		out[i] = v
	}
	return out, nil
}

// statusHidden reports whether p may not learn whether r was answered or
// declined: an EM who is not the peer learns that only in named cycles,
// otherwise the summary's count is all they get, so that the attribution
// is not undone request by request.
func statusHidden(p domain.Principal, r domain.PeerRequest, c domain.Cycle) bool {
	return p.Role == domain.RoleEM && r.PeerID != p.UserID && c.PeerAttribution != domain.AttributionNamed
}

// NoteInput is a peer's note.
type NoteInput struct {
	Advocacy domain.Advocacy
	Criteria []string
	Body     string
}

// requestFor loads a request for its peer: someone who can see it but is
// not the requested peer is refused (403); anyone else learns nothing (404).
func (s *Cycles) requestFor(ctx context.Context, p domain.Principal, id string) (domain.PeerRequest, domain.Cycle, error) {
	r, err := s.store.PeerRequest(ctx, p.OrgID, id)
	if err != nil {
		return r, domain.Cycle{}, err
	}
	c, err := s.store.Cycle(ctx, p.OrgID, r.CycleID)
	if err != nil {
		return r, c, err
	}
	if r.PeerID == p.UserID {
		return r, c, nil
	}
	if p.Role == domain.RoleAdmin || c.IsOwner(p.UserID) || r.RequestedBy == p.UserID {
		return r, c, domain.Forbidden(domain.CodeForbidden, "only the requested peer writes or declines this")
	}
	return r, c, domain.NotFound("peer request")
}

// WriteNote creates or edits the caller's note answering request id, from
// the moment input opens until the cycle is finalized. Not in a draft: the
// attribution can still change then, and every note must be written under
// the attribution it will be released with.
func (s *Cycles) WriteNote(ctx context.Context, p domain.Principal, id string, in NoteInput) (domain.PeerNote, error) {
	var n domain.PeerNote
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		r, c, err := s.requestFor(ctx, p, id)
		if err != nil {
			return err
		}
		if c.State != domain.StateInputOpen && c.State != domain.StateCalibrating {
			return domain.Conflict(domain.CodeCycleLocked, "notes can be written once input is open and until the cycle is finalized")
		}
		fw, err := s.store.Framework(ctx, c.OrgID, c.FrameworkID)
		if err != nil {
			return err
		}
		f := domain.Fields{}
		if !in.Advocacy.Valid() {
			f.Add("advocacy", "choose where you stand: Strong advocate, Supports, Neutral or Has a concern")
		}
		if in.Criteria == nil {
			in.Criteria = []string{}
		}
		seen := map[string]bool{}
		for i, k := range in.Criteria {
			if _, ok := fw.Criterion(k); !ok {
				f.Add(fmt.Sprintf("criteria[%d]", i), "is not a criterion of the cycle's framework")
			} else if seen[k] {
				f.Add(fmt.Sprintf("criteria[%d]", i), "is listed twice")
			}
			seen[k] = true
		}
		body := strings.TrimSpace(in.Body)
		if n := utf8.RuneCountInString(body); n < minNoteLen || n > maxNoteLen {
			f.Add("body", "must have %d to %d characters", minNoteLen, maxNoteLen)
		}
		if err := f.Err(); err != nil {
			return err
		}
		before, err := s.store.Note(ctx, p.OrgID, r.ID)
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return err
		}
		n = domain.PeerNote{OrgID: p.OrgID, RequestID: r.ID, CycleID: r.CycleID, EMID: r.EMID, AuthorID: p.UserID,
			Advocacy: in.Advocacy, Criteria: in.Criteria, Body: body, CreatedAt: before.CreatedAt}
		if err := s.store.SaveNote(ctx, &n); err != nil {
			return err
		}
		if !before.CreatedAt.IsZero() {
			n.CreatedAt = before.CreatedAt
		}
		var old any
		if before.RequestID != "" {
			old = auditNote(before)
		}
		return s.auditEM(ctx, p, c.ID, r.EMID, "peer_note.write", "peer_note", r.ID, old, auditNote(n))
	})
	return n, err
}

func auditNote(n domain.PeerNote) any {
	return map[string]any{"advocacy": n.Advocacy, "criteria": n.Criteria, "body": n.Body}
}

// Decline records that the peer will not give input. A request already
// answered cannot be declined (the note stays until edited).
func (s *Cycles) Decline(ctx context.Context, p domain.Principal, id string) (RequestView, error) {
	var r domain.PeerRequest
	var c domain.Cycle
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		var err error
		if r, c, err = s.requestFor(ctx, p, id); err != nil {
			return err
		}
		if c.State.Done() {
			return domain.Conflict(domain.CodeCycleLocked, "requests can be declined until the cycle is finalized")
		}
		if r.Status == domain.RequestAnswered {
			return domain.Conflict("already_answered", "you have answered this request; edit your note instead")
		}
		if r.Status == domain.RequestDeclined {
			return nil
		}
		if err := s.store.SetRequestStatus(ctx, p.OrgID, r.ID, domain.RequestDeclined); err != nil {
			return err
		}
		r.Status = domain.RequestDeclined
		return s.auditEM(ctx, p, c.ID, r.EMID, "peer_request.decline", "peer_request", r.ID,
			map[string]any{"status": domain.RequestOpen}, map[string]any{"status": domain.RequestDeclined})
	})
	if err != nil {
		return RequestView{}, err
	}
	vs, err := s.requestViews(ctx, p, []domain.PeerRequest{r}, map[string]domain.Cycle{c.ID: c})
	if err != nil {
		return RequestView{}, err
	}
	return vs[0], nil
}

// Remind nudges the peer again: the cycle's owners and whoever made the
// request may remind until the cycle is finalized.
//
// Whoever may see the request's status gets the truthful answer: an open
// request stays open, an answered one needs no reminder (409
// already_answered), and a declined one is opened again by an owner only
// (anyone else 403). An EM who may not see the status (a cycle whose notes
// are not named) gets the same answer whatever the state, so that a
// reminder does not tell them who wrote: the request stays as it is
// (answered requests get no reminder, declined ones stay declined) and
// only the audit log records what happened.
func (s *Cycles) Remind(ctx context.Context, p domain.Principal, id string) (RequestView, error) {
	var r domain.PeerRequest
	var c domain.Cycle
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		var err error
		if r, err = s.store.PeerRequest(ctx, p.OrgID, id); err != nil {
			return err
		}
		if c, err = s.store.Cycle(ctx, p.OrgID, r.CycleID); err != nil {
			return err
		}
		owner := c.IsOwner(p.UserID)
		if !owner && r.RequestedBy != p.UserID {
			if p.Role == domain.RoleAdmin || r.PeerID == p.UserID {
				return domain.Forbidden(domain.CodeForbidden, "the cycle's owners and whoever asked remind the peer")
			}
			return domain.NotFound("peer request")
		}
		if c.State.Done() {
			return domain.Conflict(domain.CodeCycleLocked, "peers can be reminded until the cycle is finalized")
		}
		before := r.Status
		switch {
		case statusHidden(p, r, c):
			// The request stays as it is, whatever it is.
		case r.Status == domain.RequestAnswered:
			return domain.Conflict(domain.CodeAlreadyAnswered, "the peer has answered this request")
		case r.Status == domain.RequestDeclined && !owner:
			return domain.Forbidden(domain.CodeForbidden, "the peer declined; only the cycle's owners can open the request again")
		case r.Status == domain.RequestDeclined:
			if err := s.store.SetRequestStatus(ctx, p.OrgID, r.ID, domain.RequestOpen); err != nil {
				return err
			}
			r.Status = domain.RequestOpen
		}
		// Only an open request is worth a reminder; the peer of an answered
		// or declined one gets none, whatever the caller may learn.
		if r.Status == domain.RequestOpen {
			if err := s.mail.RequestReminded(ctx, c, r); err != nil {
				return err
			}
		}
		return s.auditEM(ctx, p, c.ID, r.EMID, "peer_request.remind", "peer_request", r.ID,
			map[string]any{"status": before}, map[string]any{"status": r.Status})
	})
	if err != nil {
		return RequestView{}, err
	}
	vs, err := s.requestViews(ctx, p, []domain.PeerRequest{r}, map[string]domain.Cycle{c.ID: c})
	if err != nil {
		return RequestView{}, err
	}
	return vs[0], nil
}

// NoteView is a note with its author and subject, for the owners.
type NoteView struct {
	domain.PeerNote
	Author PersonRef
	EM     domain.Ref
}

// Notes returns every note of a cycle to its owners and admins.
func (s *Cycles) Notes(ctx context.Context, p domain.Principal, cycleID string) ([]NoteView, error) {
	c, err := s.owned(ctx, p, cycleID)
	if err != nil {
		return nil, err
	}
	notes, err := s.store.NotesOf(ctx, c.OrgID, []string{c.ID})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, n := range notes {
		ids = append(ids, n.AuthorID, n.EMID)
	}
	people, err := s.store.UsersByID(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]NoteView, len(notes))
	for i, n := range notes {
		a := people[n.AuthorID]
		out[i] = NoteView{PeerNote: n, Author: PersonRef{ID: a.ID, Name: a.Name, Function: a.Function},
			EM: domain.Ref{ID: n.EMID, Name: people[n.EMID].Name}}
	}
	return out, nil
}
