// Package auth owns who the caller is: password hashing, access tokens
// (JWT), refresh sessions, login throttling, and the gin middleware that
// turns a bearer token into a domain.Principal.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"calibrate/internal/domain"
)

// Argon2Params are the argon2id cost settings. The defaults follow OWASP's
// recommendation (19 MiB, two passes, one lane).
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// Hasher hashes and verifies passwords. At most two hashes run at once:
// each costs MemoryKiB of memory, so a login flood cannot exhaust memory or
// starve the other requests of CPU. On a machine with two cores or fewer,
// only one of the two computes at a time (the other waits its turn), so a
// flood of logins leaves a core to everything else.
//
// Behind the two, at most HashQueue hashes wait for their turn; one more is
// refused at once with ErrBusy (503 with Retry-After) instead of joining a
// queue that would make every sign-in as slow as the flood is long.
type Hasher struct {
	params Argon2Params
	admit  chan struct{} // hashes running or waiting: the queue bound
	slots  chan struct{} // hashes admitted to memory: the memory bound
	cpus   chan struct{} // hashes computing: the CPU bound
	dummy  string        // verified against when the account does not exist
	runs   atomic.Int64  // argon2 computations done, for Runs
}

const (
	// hashSlots is how many hashes hold their memory at once.
	hashSlots = 2
	// HashQueue is how many hashes may wait for a slot. With the default
	// parameters a hash takes about 40 ms of one core, so a full queue is
	// a wait of a few tenths of a second at worst.
	HashQueue = 4
	// BusyRetryAfter is what a refused hash tells the client to wait.
	BusyRetryAfter = time.Second
)

// ErrBusy is the answer when the hasher's queue is full.
var ErrBusy = domain.Unavailable(BusyRetryAfter)

// hashingCPUs is how many hashes compute at once: two, but never every
// core the runtime has.
func hashingCPUs() int { return min(hashSlots, max(1, runtime.GOMAXPROCS(0)-1)) }

func NewHasher(p Argon2Params) *Hasher {
	h := &Hasher{params: p, admit: make(chan struct{}, hashSlots+HashQueue), slots: make(chan struct{}, hashSlots),
		cpus: make(chan struct{}, hashingCPUs())}
	// A hash of a random password, so an unknown e-mail costs the same as a
	// wrong password.
	var pw [16]byte
	_, _ = rand.Read(pw[:])
	h.dummy, _ = h.hash(string(pw[:]))
	h.runs.Store(0)
	return h
}

// acquire admits a hash: at once into the queue or not at all (ErrBusy),
// then into a slot when one frees or the request ends. An error means no
// hashing happened.
func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.admit <- struct{}{}:
	default:
		return ErrBusy
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		<-h.admit
		return ctx.Err()
	}
}

func (h *Hasher) release() {
	<-h.slots
	<-h.admit
}

// compute runs an argon2 computation when a core is free for it: an
// admitted hash waits here at most for the one before it.
func (h *Hasher) compute(f func()) {
	h.cpus <- struct{}{}
	defer func() { <-h.cpus }()
	h.runs.Add(1)
	f()
}

// Runs is how many argon2 computations the hasher has done: what tests
// read to tell how many passwords were really checked.
func (h *Hasher) Runs() int64 { return h.runs.Load() }

// Fill takes every place of the hasher, waiting for the hashes running to
// finish, so every hash answers ErrBusy until release is called: how a test
// puts the hasher in the state a flood would, without depending on timing.
func (h *Hasher) Fill() (release func()) {
	for range cap(h.admit) {
		h.admit <- struct{}{}
	}
	return func() {
		for range cap(h.admit) {
			<-h.admit
		}
	}
}

// Hash returns the PHC string of password:
// $argon2id$v=19$m=…,t=…,p=…$salt$hash (unpadded base64).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.hash(password)
}

func (h *Hasher) hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := h.params
	var key []byte
	h.compute(func() { key = argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, 32) })
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// Verify reports whether password matches the PHC string encoded. An empty
// encoded string verifies against a dummy hash and answers false, in the
// same time as a real check.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	var ok bool
	var err error
	h.compute(func() {
		if encoded == "" {
			_, _ = verifyPHC(password, h.dummy)
			return
		}
		ok, err = verifyPHC(password, encoded)
	})
	return ok, err
}

func verifyPHC(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<21 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want))) //nolint:gosec // G115: len(want) is at most 128, checked above
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
