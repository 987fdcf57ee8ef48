package domain

import "time"

// Session is one sign-in: the family of refresh tokens rotated from it.
type Session struct {
	ID        string
	OrgID     string
	UserID    string
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// RefreshOutcome says what presenting a refresh token did.
type RefreshOutcome int

const (
	RefreshRotated  RefreshOutcome = iota // the token was live and is now spent for a new one
	RefreshUnknown                        // no such token, or its session is over
	RefreshReplayed                       // it was spent before: the session is now revoked
	RefreshRaced                          // a concurrent request spent it at this moment
)
