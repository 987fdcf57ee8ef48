package store

import "time"

// guestRow is a calibration guest of a cycle or a roll-up.
type guestRow struct {
	OrgID       string
	SubjectType string
	SubjectID   string
	UserID      string
	Until       string
	AddedBy     string
	CreatedAt   time.Time
}

func (guestRow) TableName() string { return "guests" }
