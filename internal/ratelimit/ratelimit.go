// Package ratelimit keeps each user's calls to the expensive routes (the
// board, its CSV, the packet, language hints, the audit list, the people
// import) to a pace a person never reaches and a script soon does. The count lives in the
// database, so every replica on one PostgreSQL shares it.
//
// The rule is the generic cell rate algorithm, a token bucket without a
// refill job: with N calls a minute, a user may make one call per 60/N
// seconds on each route, and up to N/10 at once (six seconds' worth) after a
// pause. At the default 900: 15 calls a second sustained and 90 at once. A
// meeting followed in ten tabs, each refetching the board at most once a
// second, makes at most 10 a second and never meets it; 300 calls in a
// burst meet it after about 90.
package ratelimit

import (
	"context"
	"time"

	"calibrate/internal/domain"
)

// Store is what the limiter needs of the database: one atomic step of the
// algorithm for a (user, route), answering the wait before the next call
// would pass when this one may not.
type Store interface {
	TakeRate(ctx context.Context, userID, route string, every time.Duration, burst int) (time.Duration, error)
}

// BurstShare is the share of a minute's calls a user may make at once.
const BurstShare = 10

// Limiter applies one rate to every limited route, per user and per route.
// A nil *Limiter lets everything through (CALIBRATE_RATE_LIMIT=0).
type Limiter struct {
	store Store
	every time.Duration
	burst int
}

// New limits each user to perMinute calls a minute on each route; 0 or
// less means no limit, and New answers nil.
func New(store Store, perMinute int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	return &Limiter{store: store, every: time.Minute / time.Duration(perMinute), burst: max(1, perMinute/BurstShare)}
}

// Burst is how many calls a user may make at once on one route.
func (l *Limiter) Burst() int { return l.burst }

// Allow spends one of userID's calls on route, or answers rate_limited with
// the seconds to wait.
func (l *Limiter) Allow(ctx context.Context, userID, route string) error {
	if l == nil {
		return nil
	}
	wait, err := l.store.TakeRate(ctx, userID, route, l.every, l.burst)
	if err != nil || wait <= 0 {
		return err
	}
	return &domain.Error{Kind: domain.KindRateLimited, Code: domain.CodeRateLimited,
		Message: "too many calls to this route; try again after Retry-After seconds", RetryAfter: max(wait, time.Second)}
}
