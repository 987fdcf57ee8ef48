package events

import (
	"testing"
	"time"

	"calibrate/internal/domain"
)

// Every audit action of a cycle maps to the type a client refetches by,
// and the actor is told only when an owner or admin made the change and
// it is not a peer's own answer.
func TestEventOf(t *testing.T) {
	actor := "u1"
	for _, c := range []struct {
		action    string
		typ       string
		owner     bool
		showActor bool
	}{
		{"assessment.write", AssessmentChanged, true, true},
		{"self_assessment.write", AssessmentChanged, false, false},
		{"decision.write", DecisionChanged, true, true},
		{"preread.write", PrereadChanged, true, true},
		{"peer_note.write", NoteChanged, true, false}, // an owner asked as a peer is still not told
		{"peer_request.create", RequestChanged, true, true},
		{"peer_request.create", RequestChanged, false, false},
		{"peer_request.decline", RequestChanged, true, false},
		{"peer_request.remind", RequestChanged, true, true},
		{"meeting.write", MeetingChanged, true, true},
		{"cycle.create", CycleChanged, true, true},
		{"cycle.transition", CycleChanged, true, true},
		{domain.ActionMemberChange, CycleChanged, true, true},
		{"plan_item.create", "", true, false},
		{"user.update", "", true, false},
	} {
		ev, ok := eventOf(domain.CycleEntry{Seq: 7, Action: c.action, CycleID: "c", ActorID: &actor, ActorIsOwner: c.owner, At: time.Now()})
		if ok != (c.typ != "") || ev.Type != c.typ {
			t.Errorf("%s: %q %v, want %q", c.action, ev.Type, ok, c.typ)
			continue
		}
		if ok && (ev.ActorID != nil) != c.showActor {
			t.Errorf("%s (owner %v): actor %v, want shown %v", c.action, c.owner, ev.ActorID, c.showActor)
		}
	}
}
