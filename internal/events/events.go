// Package events is the cycle event bus: it tells the streams that follow a
// cycle what changed in it, as soon as the change commits.
//
// Events are read from the audit log, which records every write in its
// transaction with its cycle and EM; an entry's organisation seq is the
// event's id. After a transaction that audited entries of a cycle commits,
// the store hands the cycle to Publish (the one after-commit hook). With
// PostgreSQL, Publish sends the cycle's id with pg_notify on the channel
// calibrate_events and each process LISTENs on one connection of its own,
// so a change made through any process reaches the streams of all; on
// SQLite the bus fans out in process. Either way a process reads the audit
// log once per cycle and wake-up, and hands what it read to every stream of
// that cycle: the cost of a change does not grow with the number of
// streams.
//
// A stream never holds a database connection, and holds little memory: a
// small buffer of events. One that falls behind is dropped by the bus and
// catches up by reading the log again from its last event.
package events

import (
	"strings"
	"time"

	"calibrate/internal/domain"
)

// Channel is the PostgreSQL notification channel; a payload is a cycle id.
const Channel = "calibrate_events"

// ReplayWindow is how far back a resumed stream is replayed: a client that
// was away longer refetches what it shows rather than replaying the meeting.
const ReplayWindow = time.Hour

// The event types, one per kind of thing a client refetches.
const (
	AssessmentChanged = "assessment.changed"
	DecisionChanged   = "decision.changed"
	PrereadChanged    = "preread.changed"
	NoteChanged       = "note.changed"
	RequestChanged    = "request.changed"
	MeetingChanged    = "meeting.changed"
	CycleChanged      = "cycle.changed"
)

// Types lists every event type.
var Types = []string{AssessmentChanged, DecisionChanged, PrereadChanged, NoteChanged, RequestChanged, MeetingChanged, CycleChanged}

// Event is one change of a cycle: what changed and about whom, never the
// values, so a client refetches what it may see.
type Event struct {
	ID      int64 // the audit entry's seq in the organisation
	Type    string
	CycleID string
	EMID    *string
	// ActorID names who made the change only when they are an owner of the
	// cycle or an admin; never the writer of a peer note or the peer who
	// declined, whose identity the cycle's attribution may hide.
	ActorID *string
	At      time.Time
}

// typeOf is the event type of an audit action; false for actions that are
// not events of the cycle's stream.
func typeOf(action string) (string, bool) {
	switch {
	case action == "assessment.write", action == "self_assessment.write":
		return AssessmentChanged, true
	case action == "decision.write", action == "decision.rollup":
		// A finalized roll-up's change is a decision of the source cycle.
		return DecisionChanged, true
	case action == "preread.write":
		return PrereadChanged, true
	case action == "peer_note.write":
		return NoteChanged, true
	case strings.HasPrefix(action, "peer_request."):
		return RequestChanged, true
	case strings.HasPrefix(action, "meeting."):
		return MeetingChanged, true
	case strings.HasPrefix(action, "cycle."):
		return CycleChanged, true
	}
	return "", false
}

// eventOf is the event an audit entry makes, if any.
func eventOf(e domain.CycleEntry) (Event, bool) {
	typ, ok := typeOf(e.Action)
	if !ok {
		return Event{}, false
	}
	ev := Event{ID: e.Seq, Type: typ, CycleID: e.CycleID, EMID: e.EMID, At: e.At}
	if e.ActorIsOwner && typ != NoteChanged && e.Action != "peer_request.decline" {
		ev.ActorID = e.ActorID
	}
	return ev, true
}
