// Package mail sends Calibrate's e-mail through a job queue on the
// database (River): a job is inserted in the transaction of the write that
// causes it, so a rolled-back write sends nothing and a committed one is
// never lost; jobs survive restarts, are retried with backoff and are
// worked by one server at a time however many run. A job carries ids
// only; what the e-mail says is read when it is sent, and it never says
// anything of ratings or notes.
package mail

import (
	"github.com/riverqueue/river"
)

// The kinds of e-mail; each has its own unsubscribe link.
const (
	KindAsked       = "peer_request.asked"
	KindReminded    = "peer_request.reminded"
	KindDueSoon     = "peer_request.due_soon"
	KindInputClosed = "cycle.input_closed"
)

// Kinds lists every kind of e-mail.
var Kinds = []string{KindAsked, KindReminded, KindDueSoon, KindInputClosed}

// queueName is the River queue every mail job goes to.
const queueName = "mail"

// AskedArgs: the peer of a request is asked for input (the request was
// made while input is open, or input opened for it).
type AskedArgs struct {
	OrgID     string `json:"org_id"`
	RequestID string `json:"request_id"`
}

func (AskedArgs) Kind() string { return KindAsked }

// A request is asked for once: the same job twice is one e-mail.
func (AskedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueName, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// RemindedArgs: someone reminded the peer. Every reminder is a write of
// its own, and an e-mail of its own.
type RemindedArgs struct {
	OrgID     string `json:"org_id"`
	RequestID string `json:"request_id"`
}

func (RemindedArgs) Kind() string { return KindReminded }

func (RemindedArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: queueName} }

// DueSoonArgs: three days before the due date, if the request is still
// open then.
type DueSoonArgs struct {
	OrgID     string `json:"org_id"`
	RequestID string `json:"request_id"`
}

func (DueSoonArgs) Kind() string { return KindDueSoon }

func (DueSoonArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueName, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// InputClosedArgs: one owner of a cycle learns that input closed.
type InputClosedArgs struct {
	OrgID   string `json:"org_id"`
	CycleID string `json:"cycle_id"`
	OwnerID string `json:"owner_id"`
}

func (InputClosedArgs) Kind() string { return KindInputClosed }

func (InputClosedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueName, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}
