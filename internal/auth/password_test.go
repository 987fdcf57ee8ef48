package auth

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"calibrate/internal/domain"
)

var testArgon2 = Argon2Params{MemoryKiB: 1024, Time: 1, Threads: 1}

func TestHashIsPHCArgon2id(t *testing.T) {
	h := NewHasher(testArgon2)
	ctx := context.Background()
	a, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a, "$argon2id$v=19$m=1024,t=1,p=1$") || strings.Count(a, "$") != 5 {
		t.Fatalf("not a PHC argon2id string: %s", a)
	}
	b, _ := h.Hash(ctx, "correct horse battery")
	if a == b {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestVerify(t *testing.T) {
	h := NewHasher(testArgon2)
	ctx := context.Background()
	good, _ := h.Hash(ctx, "correct horse battery")
	// A hash made with other parameters still verifies: they travel in it.
	other, _ := NewHasher(Argon2Params{MemoryKiB: 2048, Time: 2, Threads: 2}).Hash(ctx, "correct horse battery")
	parts := strings.Split(good, "$")
	cases := []struct {
		name, password, encoded string
		ok                      bool
		err                     error
	}{
		{"right password", "correct horse battery", good, true, nil},
		{"hash with other parameters", "correct horse battery", other, true, nil},
		{"wrong password", "correct horse battery!", good, false, nil},
		{"empty password", "", good, false, nil},
		{"no hash: dummy work, no match", "correct horse battery", "", false, nil},
		{"not PHC", "x", "plain-text", false, errBadHash},
		{"argon2i", "x", strings.Replace(good, "argon2id", "argon2i", 1), false, errBadHash},
		{"bcrypt", "x", "$2a$10$abcdefghijklmnopqrstuu5Yh7gS8Jd3Q6mBq1b0d7F0rZ1nq8K2", false, errBadHash},
		{"other version", "x", strings.Replace(good, "v=19", "v=16", 1), false, errBadHash},
		{"zero memory", "x", strings.Replace(good, "m=1024", "m=0", 1), false, errBadHash},
		{"zero passes", "x", strings.Replace(good, "t=1", "t=0", 1), false, errBadHash},
		{"memory bomb", "x", strings.Replace(good, "m=1024", "m=4194304", 1), false, errBadHash},
		{"bad salt", "x", strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"), false, errBadHash},
		{"empty key", "x", strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], ""}, "$"), false, errBadHash},
		{"overlong key", "x", strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], strings.Repeat("A", 200)}, "$"), false, errBadHash},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, err := h.Verify(ctx, c.password, c.encoded)
			if ok != c.ok || !errors.Is(err, c.err) {
				t.Fatalf("Verify = %v, %v; want %v, %v", ok, err, c.ok, c.err)
			}
		})
	}
}

// At most two hashes run at once; a caller that cannot get a slot waits in
// a short queue, and gives up when its request does instead of queueing for
// ever. A refused or abandoned hash gives its place back.
func TestHasherSlots(t *testing.T) {
	h := NewHasher(testArgon2)
	if cap(h.slots) != 2 {
		t.Fatalf("%d hashing slots, want 2", cap(h.slots))
	}
	h.slots <- struct{}{}
	h.slots <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "correct horse battery"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash with both slots taken: %v", err)
	}
	if ok, err := h.Verify(ctx, "x", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$a2V5"); ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify with both slots taken: %v, %v", ok, err)
	}
	if len(h.admit) != 0 {
		t.Fatalf("%d queue places held by hashes that gave up", len(h.admit))
	}
	<-h.slots
	if _, err := h.Hash(context.Background(), "correct horse battery"); err != nil {
		t.Fatalf("Hash with a slot free: %v", err)
	}
	if len(h.slots) != 1 || len(h.admit) != 0 {
		t.Fatalf("%d slots and %d queue places held after Hash returned, want 1 (ours) and 0", len(h.slots), len(h.admit))
	}
	if h.Runs() != 1 {
		t.Fatalf("Runs = %d after one hash", h.Runs())
	}
}

// Past the two running hashes and the HashQueue waiting ones, a hash is
// refused at once with ErrBusy (503 unavailable, Retry-After), before it
// costs anything; the waiting ones run as places free.
func TestHasherQueueIsBounded(t *testing.T) {
	h := NewHasher(testArgon2)
	// Hold both slots, so the hashes below can only wait.
	h.slots <- struct{}{}
	h.slots <- struct{}{}
	h.admit <- struct{}{}
	h.admit <- struct{}{}
	ctx := context.Background()
	done := make(chan error, HashQueue)
	for range HashQueue {
		go func() {
			_, err := h.Hash(ctx, "correct horse battery")
			done <- err
		}()
	}
	for len(h.admit) != cap(h.admit) { // the queue fills as the goroutines start
		runtime.Gosched()
	}
	if _, err := h.Hash(ctx, "correct horse battery"); !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash with the queue full: %v, want ErrBusy", err)
	}
	if ok, err := h.Verify(ctx, "x", ""); ok || !errors.Is(err, ErrBusy) {
		t.Fatalf("Verify with the queue full: %v, %v, want ErrBusy", ok, err)
	}
	if de, ok := domain.AsError(ErrBusy); !ok || de.Kind != domain.KindUnavailable || de.RetryAfter <= 0 {
		t.Fatalf("ErrBusy is %#v, want unavailable with a Retry-After", ErrBusy)
	}
	if h.Runs() != 0 {
		t.Fatalf("%d hashes ran with no slot free", h.Runs())
	}
	<-h.slots
	<-h.slots
	<-h.admit
	<-h.admit
	for range HashQueue {
		if err := <-done; err != nil {
			t.Fatalf("a queued hash: %v", err)
		}
	}
	if h.Runs() != HashQueue {
		t.Fatalf("%d hashes ran, want the %d queued", h.Runs(), HashQueue)
	}
	release := h.Fill()
	if _, err := h.Hash(ctx, "correct horse battery"); !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash with the hasher filled: %v", err)
	}
	release()
	if _, err := h.Hash(ctx, "correct horse battery"); err != nil {
		t.Fatalf("Hash after the fill was released: %v", err)
	}
}

func TestValidatePassword(t *testing.T) {
	for _, c := range []struct {
		pw string
		ok bool
	}{
		{"", false},
		{strings.Repeat("a", 9), false},
		{strings.Repeat("a", 10), true},
		{strings.Repeat("a", 256), true},
		{strings.Repeat("a", 257), false},
	} {
		err := ValidatePassword("password", c.pw)
		if (err == nil) != c.ok {
			t.Fatalf("ValidatePassword(%d chars) = %v", len(c.pw), err)
		}
		if err != nil && !strings.Contains(err.Error(), "password") {
			t.Fatalf("the error does not name the field: %v", err)
		}
	}
}
