package domain

import "time"

// GuestSubject names what a calibration guest is invited to: a cycle or a
// roll-up.
type GuestSubject struct {
	Type string // GuestOfCycle or GuestOfRollup
	ID   string
}

const (
	GuestOfCycle  = "cycle"
	GuestOfRollup = "rollup"
)

// Guest is a person (typically an HR partner) who reads a cycle's or a
// roll-up's calibration, read-only, until the end of the day Until
// (YYYY-MM-DD, UTC) or the subject's finalization, whichever is first.
type Guest struct {
	OrgID     string
	Subject   GuestSubject
	UserID    string
	Until     string
	AddedBy   string
	CreatedAt time.Time
}

// Audit actions of guests: an invitation made or changed, one ended, and
// each read a guest makes (after {"view": …}).
const (
	ActionGuestAdd    = "guest.add"
	ActionGuestRemove = "guest.remove"
	ActionGuestRead   = "guest.read"
)
