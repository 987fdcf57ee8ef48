// Package idempotency makes the creates safe to repeat: a request sent with
// an Idempotency-Key that was already answered gets the first answer again
// instead of making a second object. Keys live in the database, per user,
// so every replica sees the same ones and a double click that lands on two
// replicas still creates once.
//
// The rules, after the IETF Idempotency-Key draft:
//   - the same key, method, path and body from the same user within TTL get
//     the first answer again (status and body);
//   - while the first request is still being answered, a repeat answers 409
//     idempotency_in_progress and does nothing;
//   - the same key with another method, path or body answers 422
//     idempotency_key_reused;
//   - only successful (2xx) answers are kept: when the first request fails
//     (invalid values, a conflict, an outage) its key is released, so the
//     client may fix the request and send it again with the same key.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync/atomic"
	"time"

	"calibrate/internal/domain"
)

// TTL is how long a key is remembered.
const TTL = 24 * time.Hour

// Lease is how long a request may hold a key without finishing before
// another request with the key may take it over: longer than any request
// may last (the database deadline is seconds), so only a server that died
// in the middle of a request leaves a key to be taken over.
const Lease = time.Minute

// sweepEvery is how often a server deletes the expired keys of everyone.
const sweepEvery = 10 * time.Minute

// Record is a key as stored.
type Record struct {
	Fingerprint string
	Done        bool
	Status      int
	Body        []byte
	// CreatedAt (microseconds since 1970) also tells one claim of a key
	// from a later one.
	CreatedAt int64
}

// Store is what the keeper needs of the database.
type Store interface {
	// ClaimIdempotencyKey records (user, key) as in progress when no row
	// holds it, or when the row it finds is older than stale (microseconds)
	// and still the one it read. It answers whether it claimed the key and
	// otherwise the row that holds it.
	ClaimIdempotencyKey(ctx context.Context, orgID, userID, key, fingerprint string, now, staleDone, staleOpen int64) (bool, Record, error)
	// FinishIdempotencyKey stores the answer of the claim made at createdAt.
	FinishIdempotencyKey(ctx context.Context, orgID, userID, key string, createdAt int64, status int, body []byte) error
	// ReleaseIdempotencyKey forgets the claim made at createdAt if it is
	// not finished.
	ReleaseIdempotencyKey(ctx context.Context, orgID, userID, key string, createdAt int64) error
	// DeleteIdempotencyKeysBefore deletes every key created before cutoff.
	DeleteIdempotencyKeysBefore(ctx context.Context, cutoff int64) error
}

// Keeper applies the rules above.
type Keeper struct {
	store     Store
	clock     domain.Clock
	lastSweep atomic.Int64
}

func New(store Store, clock domain.Clock) *Keeper { return &Keeper{store: store, clock: clock} }

// Fingerprint identifies a request: its method, path and body.
func Fingerprint(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Claim is the outcome of Begin: either an answer to give again (Replay),
// or the caller now holds the key and must Finish or Release it.
type Claim struct {
	Replay *Record
	orgID  string
	userID string
	key    string
	at     int64
}

// Begin claims key for userID's request of fingerprint, or answers the first
// answer again, or refuses with idempotency_in_progress or
// idempotency_key_reused.
func (k *Keeper) Begin(ctx context.Context, orgID, userID, key, fingerprint string) (*Claim, error) {
	now := k.clock.Now().UnixMicro()
	k.sweep(ctx, now)
	claimed, rec, err := k.store.ClaimIdempotencyKey(ctx, orgID, userID, key, fingerprint, now,
		now-TTL.Microseconds(), now-Lease.Microseconds())
	switch {
	case err != nil:
		return nil, err
	case claimed:
		return &Claim{orgID: orgID, userID: userID, key: key, at: now}, nil
	case rec.Fingerprint != fingerprint:
		return nil, &domain.Error{Kind: domain.KindValidation, Code: domain.CodeIdempotencyKeyReused,
			Message: "this Idempotency-Key was sent before with another request; use a new key for a new request",
			Fields:  map[string]string{"Idempotency-Key": "was used with another method, path or body"}}
	case !rec.Done:
		return nil, domain.Conflict(domain.CodeIdempotencyInProgress,
			"a request with this Idempotency-Key is still being answered; wait for its answer")
	}
	return &Claim{Replay: &rec}, nil
}

// Finish keeps the answer of a claimed request: a 2xx is kept to be given
// again; anything else releases the key. It is best effort: the object is
// made already, and a key that could not be finished is released by the
// lease.
func (k *Keeper) Finish(ctx context.Context, c *Claim, status int, body []byte) error {
	if status >= 200 && status < 300 {
		return k.store.FinishIdempotencyKey(ctx, c.orgID, c.userID, c.key, c.at, status, body)
	}
	return k.store.ReleaseIdempotencyKey(ctx, c.orgID, c.userID, c.key, c.at)
}

// sweep deletes the expired keys of every user, at most once per sweepEvery
// on each server; the created_at index makes it one short range delete.
// Expiry does not depend on it: Begin treats an expired key as free.
func (k *Keeper) sweep(ctx context.Context, now int64) {
	last := k.lastSweep.Load()
	if now-last < sweepEvery.Microseconds() || !k.lastSweep.CompareAndSwap(last, now) {
		return
	}
	// A failed sweep is retried at the next one; the keys stay expired.
	_ = k.store.DeleteIdempotencyKeysBefore(ctx, now-TTL.Microseconds())
}
