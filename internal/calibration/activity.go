package calibration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"calibrate/internal/domain"
)

// The activity of a cycle is the record of the calibration meeting: every
// change to a rating, a decision, a participant's meeting state or the
// participants themselves since the cycle entered calibrating. It is read
// from the audit log, which is the one record of every write (chained and
// tamper-evident), never from a second store of the same facts: each item
// is derived from one audit entry.
//
// One entry may yield several items (a meeting write that changes both the
// discussed mark and the note; a change of several participants). An item
// is named by its entry's id, followed by ":n" for the entry's n-th item
// after the first, and a page's cursor is the id of its last item: the next
// page starts again at that entry and skips the items already given, so no
// item is lost or repeated between pages.

// Activity kinds.
const (
	ActivityRating      = "rating"
	ActivityDecision    = "decision"
	ActivityDiscussed   = "discussed"
	ActivityMeetingNote = "meeting_note"
	ActivityParticipant = "participant"
)

// Participant states of a participant item.
const (
	ParticipantIncluded = "included"
	ParticipantRemoved  = "removed"
)

// activityActions are the audit actions the activity is derived from.
var activityActions = []string{"assessment.write", "decision.write", ActionRollupDecision, ActionMeetingWrite, "cycle.update", domain.ActionMemberChange}

// ActivityStore is what reading the activity needs beyond CycleStore.
type ActivityStore interface {
	ListAudit(ctx context.Context, f domain.AuditFilter, page domain.Page) (domain.List[domain.AuditEntry], error)
}

// ActivityItem is one change of the meeting. Before and After depend on
// Kind: for rating, the scores ({criterion: score or nil}) of the criteria
// whose score changed; for decision, the readiness (nil for none); for
// discussed, a bool; for meeting_note, the note (nil for none); for
// participant, "included" or "removed". Reason is the change reason of a
// rating, the rationale of a decision, nil otherwise.
type ActivityItem struct {
	ID     string
	At     time.Time
	Actor  *domain.Ref // nil when no signed-in user made the change
	EM     *domain.Ref
	Kind   string
	Before any
	After  any
	Reason *string
	// Rollup marks a decision a roll-up changed after the cycle was
	// finalized (Actor is the roll-up's lead, Reason the roll-up's).
	Rollup *ActivityRollup
}

// ActivityRollup is the roll-up of a decision item and the director whose
// decision it changed.
type ActivityRollup struct {
	Rollup     domain.Ref
	ProposedBy domain.Ref
}

// Activity pages the cycle's meeting record, newest first, to its owners
// and the organisation's admins. An EM or peer of the cycle may know it
// exists but not read it (403); to anyone else it is not found.
func (s *Cycles) Activity(ctx context.Context, p domain.Principal, cycleID string, page domain.Page) (domain.List[ActivityItem], error) {
	c, err := s.wholeCycleReader(ctx, p, cycleID, GuestViewActivity)
	if err != nil {
		return domain.List[ActivityItem]{}, err
	}
	items, next, err := s.activityPage(ctx, c, page)
	if err != nil {
		return domain.List[ActivityItem]{}, err
	}
	if err := s.nameActivity(ctx, c.OrgID, items); err != nil {
		return domain.List[ActivityItem]{}, err
	}
	return domain.List[ActivityItem]{Items: items, NextCursor: next}, nil
}

// wholeCycleReader checks that the caller reads the whole cycle as it is
// calibrated (its record, its event stream): its owners and the
// organisation's admins, and its guests while their invitation lasts (the
// read recorded under view). An EM or peer of the cycle may know it exists
// but not read it (403); to anyone else it is not found.
func (s *Cycles) wholeCycleReader(ctx context.Context, p domain.Principal, id, view string) (domain.Cycle, error) {
	c, err := s.store.Cycle(ctx, p.OrgID, id)
	if err != nil {
		return c, err
	}
	if p.Role == domain.RoleAdmin || (p.Role == domain.RoleDirector && c.IsOwner(p.UserID)) {
		return c, nil
	}
	if ok, err := s.guests.Read(ctx, p, cycleHost(c), view); err != nil {
		return domain.Cycle{}, err
	} else if ok {
		return c, nil
	}
	refuse := domain.Forbidden(domain.CodeForbidden, "the meeting record and changes of a cycle are for its owners and the organisation's admins")
	if a, err := s.accessTo(ctx, p, c); err != nil || a == accessRead {
		if err != nil {
			return domain.Cycle{}, err
		}
		return domain.Cycle{}, refuse
	}
	if _, ok := c.Participant(p.UserID); ok {
		return domain.Cycle{}, refuse
	}
	requests, err := s.store.PeerRequestsOf(ctx, c.OrgID, []string{c.ID})
	if err != nil {
		return domain.Cycle{}, err
	}
	for _, r := range requests {
		if r.PeerID == p.UserID {
			return domain.Cycle{}, refuse
		}
	}
	return domain.Cycle{}, domain.NotFound("cycle")
}

// calibrationStart is the place in the chain of the entry that moved the
// cycle to calibrating; false while it has not got there.
func (s *Cycles) calibrationStart(ctx context.Context, c domain.Cycle) (int64, bool, error) {
	l, err := s.activity.ListAudit(ctx, domain.AuditFilter{OrgID: c.OrgID, CycleID: c.ID, Actions: []string{"cycle.transition"}},
		domain.Page{Limit: domain.MaxPageLimit})
	if err != nil {
		return 0, false, err
	}
	for _, e := range l.Items {
		var to struct {
			State domain.State `json:"state"`
		}
		if decode(e.After, &to) && to.State == domain.StateCalibrating {
			return e.Seq, true, nil
		}
	}
	return 0, false, nil
}

// activityPage derives one page of items, reading entries in batches until
// the page is full: entries that change nothing the meeting records yield
// no item.
func (s *Cycles) activityPage(ctx context.Context, c domain.Cycle, page domain.Page) ([]ActivityItem, string, error) {
	out := []ActivityItem{}
	start, ok, err := s.calibrationStart(ctx, c)
	if err != nil || !ok {
		return out, "", err
	}
	upTo, given := splitItemID(page.Cursor)
	f := domain.AuditFilter{OrgID: c.OrgID, CycleID: c.ID, Actions: activityActions, AfterSeq: start, UpTo: upTo}
	batch := domain.Page{Limit: min(page.Limit+1, domain.MaxPageLimit)}
	for {
		l, err := s.activity.ListAudit(ctx, f, batch)
		if err != nil {
			return nil, "", err
		}
		for _, e := range l.Items {
			for i, it := range deriveItems(e, c) {
				if e.ID == upTo && i <= given {
					continue
				}
				out = append(out, it)
			}
		}
		if len(out) > page.Limit || l.NextCursor == "" {
			break
		}
		batch.Cursor = l.NextCursor
	}
	if len(out) <= page.Limit {
		return out, "", nil
	}
	out = out[:page.Limit]
	return out, out[len(out)-1].ID, nil
}

// cycleActivity is every item of the cycle's meeting record, oldest first,
// named: what the packet and the CSV summarise.
func (s *Cycles) cycleActivity(ctx context.Context, c domain.Cycle) ([]ActivityItem, error) {
	var all []ActivityItem
	page := domain.Page{Limit: domain.MaxPageLimit}
	for {
		items, next, err := s.activityPage(ctx, c, page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if next == "" {
			break
		}
		page.Cursor = next
	}
	slices.Reverse(all)
	return all, s.nameActivity(ctx, c.OrgID, all)
}

func itemID(entryID string, n int) string {
	if n == 0 {
		return entryID
	}
	return entryID + ":" + strconv.Itoa(n)
}

// splitItemID returns the entry of an item id and the item's place in it.
func splitItemID(id string) (string, int) {
	entry, n, ok := strings.Cut(id, ":")
	if !ok {
		return entry, 0
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 0 {
		return entry, 0
	}
	return entry, i
}

// decode reads a recorded before or after value into dst; false when
// there is none.
func decode(v any, dst any) bool {
	if v == nil {
		return false
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return false
	}
	return json.Unmarshal(b, dst) == nil
}

// deriveItems turns one audit entry into the meeting's items, in a fixed
// order (an item's id depends on it). Names are filled in afterwards.
func deriveItems(e domain.AuditEntry, c domain.Cycle) []ActivityItem {
	base := func(n int, kind string, em string) ActivityItem {
		it := ActivityItem{ID: itemID(e.ID, n), At: e.At, Kind: kind}
		if e.ActorID != nil {
			it.Actor = &domain.Ref{ID: *e.ActorID}
		}
		if em != "" {
			it.EM = &domain.Ref{ID: em}
		}
		return it
	}
	em := ""
	if e.EMID != nil {
		em = *e.EMID
	}
	switch e.Action {
	case "assessment.write":
		var before, after struct {
			Ratings      []domain.Rating `json:"ratings"`
			ChangeReason *string         `json:"change_reason"`
		}
		decode(e.Before, &before)
		if !decode(e.After, &after) {
			return nil
		}
		it := base(0, ActivityRating, em)
		it.Before, it.After = changedScores(before.Ratings, after.Ratings)
		it.Reason = after.ChangeReason
		return []ActivityItem{it}
	case "decision.write":
		var before, after struct {
			Readiness *domain.Readiness `json:"readiness"`
			Rationale string            `json:"rationale"`
		}
		decode(e.Before, &before)
		if !decode(e.After, &after) {
			return nil
		}
		it := base(0, ActivityDecision, em)
		it.Before, it.After = before.Readiness, after.Readiness
		reason := after.Rationale
		it.Reason = &reason
		return []ActivityItem{it}
	case ActionRollupDecision:
		var before struct {
			Readiness *domain.Readiness `json:"readiness"`
		}
		var after rollupAuditAfter
		decode(e.Before, &before)
		if !decode(e.After, &after) {
			return nil
		}
		it := base(0, ActivityDecision, em)
		to := after.Readiness
		it.Before, it.After, it.Reason = before.Readiness, &to, after.Reason
		it.Rollup = &ActivityRollup{Rollup: after.Rollup, ProposedBy: after.ProposedBy}
		return []ActivityItem{it}
	case ActionMeetingWrite:
		var before, after auditMeetingView
		decode(e.Before, &before) // none before the first write: not discussed, no note
		if !decode(e.After, &after) {
			return nil
		}
		var out []ActivityItem
		if before.Discussed != after.Discussed {
			it := base(len(out), ActivityDiscussed, em)
			it.Before, it.After = before.Discussed, after.Discussed
			out = append(out, it)
		}
		if before.Note != after.Note {
			it := base(len(out), ActivityMeetingNote, em)
			it.Before, it.After = noteOrNil(before.Note), noteOrNil(after.Note)
			out = append(out, it)
		}
		return out
	case "cycle.update":
		var before, after auditCycleView
		if !decode(e.Before, &before) || !decode(e.After, &after) {
			return nil
		}
		was, now := participantSet(before.Participants), participantSet(after.Participants)
		var ids []string
		for id := range was {
			ids = append(ids, id)
		}
		for id := range now {
			if !was[id] {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		var out []ActivityItem
		for _, id := range ids {
			if was[id] == now[id] {
				continue
			}
			it := base(len(out), ActivityParticipant, id)
			it.Before, it.After = inclusion(was[id]), inclusion(now[id])
			out = append(out, it)
		}
		return out
	case domain.ActionMemberChange:
		// An admin's change to a participant's role, reporting line or
		// account: included while they are an active EM. A move of
		// reporting line that keeps them so reads included → included.
		if _, ok := c.Participant(e.ObjectID); !ok {
			return nil
		}
		var before, after domain.MemberState
		if !decode(e.Before, &before) || !decode(e.After, &after) {
			return nil
		}
		it := base(0, ActivityParticipant, e.ObjectID)
		it.Before = inclusion(before.Active && before.Role == domain.RoleEM)
		it.After = inclusion(after.Active && after.Role == domain.RoleEM)
		return []ActivityItem{it}
	}
	return nil
}

// changedScores are the scores before and after of the criteria whose score
// changed (a criterion rated or unrated included); an evidence-only change
// gives two empty objects.
func changedScores(before, after []domain.Rating) (map[string]*int, map[string]*int) {
	score := func(rs []domain.Rating) map[string]int {
		m := map[string]int{}
		for _, r := range rs {
			m[r.Criterion] = r.Score
		}
		return m
	}
	was, now := score(before), score(after)
	b, a := map[string]*int{}, map[string]*int{}
	keys := map[string]bool{}
	for k := range was {
		keys[k] = true
	}
	for k := range now {
		keys[k] = true
	}
	for k := range keys {
		x, hadX := was[k]
		y, hasY := now[k]
		if hadX == hasY && x == y {
			continue
		}
		b[k], a[k] = nil, nil
		if hadX {
			b[k] = &x
		}
		if hasY {
			a[k] = &y
		}
	}
	return b, a
}

func noteOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func inclusion(in bool) string {
	if in {
		return ParticipantIncluded
	}
	return ParticipantRemoved
}

func participantSet(ps []domain.Participant) map[string]bool {
	m := map[string]bool{}
	for _, p := range ps {
		m[p.EMID] = true
	}
	return m
}

// nameActivity fills in the names of the actors and EMs, in one query.
func (s *Cycles) nameActivity(ctx context.Context, orgID string, items []ActivityItem) error {
	var ids []string
	for _, it := range items {
		if it.Actor != nil {
			ids = append(ids, it.Actor.ID)
		}
		if it.EM != nil {
			ids = append(ids, it.EM.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	people, err := s.store.UsersByID(ctx, orgID, ids)
	if err != nil {
		return err
	}
	for i := range items {
		if a := items[i].Actor; a != nil {
			a.Name = people[a.ID].Name
		}
		if m := items[i].EM; m != nil {
			m.Name = people[m.ID].Name
		}
	}
	return nil
}

// ChangeSummary says one item in words, with labels rather than codes:
// "Dana Whitfield: Scope 2→3 (shipped the migration)". The meeting note's
// text stays out: the summary goes into exports and packets, and the note
// is the room's working text.
func ChangeSummary(fw domain.Framework, it ActivityItem) string {
	who := "The system"
	if it.Actor != nil && it.Actor.Name != "" {
		who = it.Actor.Name
	}
	if r := it.Rollup; r != nil {
		b, _ := it.Before.(*domain.Readiness)
		a, _ := it.After.(*domain.Readiness)
		if b != nil && a != nil {
			reason := ""
			if it.Reason != nil {
				reason = *it.Reason
			}
			return RollupLine(r.ProposedBy.Name, *b, who, *a, reason)
		}
	}
	var what string
	switch it.Kind {
	case ActivityRating:
		b, _ := it.Before.(map[string]*int)
		a, _ := it.After.(map[string]*int)
		var parts []string
		for _, cr := range fw.Criteria {
			if _, ok := a[cr.Key]; ok {
				parts = append(parts, fmt.Sprintf("%s %s→%s", cr.Title, scoreWord(b[cr.Key]), scoreWord(a[cr.Key])))
			}
		}
		what = strings.Join(parts, ", ")
		if what == "" {
			what = "evidence revised"
		}
	case ActivityDecision:
		b, _ := it.Before.(*domain.Readiness)
		a, _ := it.After.(*domain.Readiness)
		switch {
		case a == nil:
			what = "decision withdrawn"
		case b == nil:
			what = "decided " + ReadinessLabel(*a)
		case *a == *b:
			what = ReadinessLabel(*a) + " (rationale revised)"
		default:
			what = ReadinessLabel(*b) + " → " + ReadinessLabel(*a)
		}
	case ActivityDiscussed:
		what = "marked discussed"
		if d, _ := it.After.(bool); !d {
			what = "marked not discussed"
		}
	case ActivityMeetingNote:
		what = "updated the meeting note"
		if it.After == nil || it.After == (*string)(nil) {
			what = "cleared the meeting note"
		}
	case ActivityParticipant:
		switch {
		case it.After == ParticipantRemoved:
			what = "removed from the cycle"
		case it.Before == ParticipantRemoved:
			what = "included in the cycle"
		default:
			what = "moved in the reporting line, still in the cycle"
		}
	}
	out := who + ": " + what
	if it.Reason != nil && *it.Reason != "" {
		out += " (" + *it.Reason + ")"
	}
	return out
}

func scoreWord(v *int) string {
	if v == nil {
		return "unrated"
	}
	return strconv.Itoa(*v)
}

// changesByEM groups the cycle's items by the EM they are about.
func changesByEM(items []ActivityItem) map[string][]ActivityItem {
	out := map[string][]ActivityItem{}
	for _, it := range items {
		if it.EM != nil {
			out[it.EM.ID] = append(out[it.EM.ID], it)
		}
	}
	return out
}
