package httpapi_test

// What open event streams cost a process: no database connection while
// they idle, and no more of them than CALIBRATE_MAX_STREAMS, counted per
// process and not per user.

import (
	"net/http"
	"testing"
	"time"

	"calibrate/internal/testkit"
)

// untilStreams waits until the server counts want open streams: a stream a
// client closed is counted out when its handler notices, just after.
func untilStreams(t *testing.T, f *cycleFixture, want int) {
	t.Helper()
	deadline := time.Now().Add(within)
	for f.Server.OpenStreams() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d streams open, want %d", f.Server.OpenStreams(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Past the cap a new stream answers 503 unavailable with Retry-After,
// whoever asks: the count is the process's. Under it, one account may
// hold many streams (a room following the meeting on one shared account).
func TestEventStreamCap(t *testing.T) {
	f := omarsCycle(t)
	// Set before the server's first request: the handlers read it.
	f.Server.MaxStreams = 3
	tok := f.tok(demoOmar)
	tabs := []*testkit.Stream{f.stream(demoOmar, nil), f.stream(demoOmar, nil), f.stream(demoOmar, nil)}
	untilStreams(t, f, 3)

	for _, who := range []string{demoOmar, demoDana, demoAdmin} {
		res := f.Get(f.tok(who), f.path("events"))
		wantError(t, res, http.StatusServiceUnavailable, "unavailable")
		if got := res.Header.Get("Retry-After"); got != "5" {
			t.Errorf("%s past the cap: Retry-After %q, want 5", who, got)
		}
	}
	// Ordinary requests are not streams.
	wantStatus(t, f.Get(tok, f.path()), http.StatusOK)
	// A refused or forbidden request takes no place.
	wantError(t, f.Get(f.tok(demoOmarEMErin), f.path("events")), http.StatusForbidden, "forbidden")
	untilStreams(t, f, 3)

	// The streams held keep working.
	wantStatus(t, f.Patch(tok, f.path(), map[string]any{"name": "Still followed"}), http.StatusOK)
	for _, s := range tabs {
		wantEvent(t, s, "cycle.changed", f.id, "", f.ID(demoOmar))
	}

	// A stream that ends frees its place, for anyone.
	tabs[0].Close()
	untilStreams(t, f, 2)
	f.stream(demoAdmin, nil)
	untilStreams(t, f, 3)
	wantError(t, f.Get(tok, f.path("events")), http.StatusServiceUnavailable, "unavailable")
}

// An open stream holds no database connection: more streams than the pool
// has connections stay open together while every other request is served,
// and once they idle the pool has none in use. On PostgreSQL the database
// agrees: no backend of this process is busy, and the number of its
// backends does not grow with the streams.
func TestEventStreamsHoldNoConnection(t *testing.T) {
	f := omarsCycle(t)
	// No heartbeat while the test looks: its session check is the one
	// moment a stream borrows a connection, briefly.
	f.Server.Heartbeat = time.Hour
	db, err := f.Store.Gorm().DB()
	if err != nil {
		t.Fatal(err)
	}
	pool := db.Stats().MaxOpenConnections // 1 on SQLite, 20 on PostgreSQL
	idle := func(what string) {
		t.Helper()
		deadline := time.Now().Add(within)
		for db.Stats().InUse != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d pooled connections in use, want 0", what, db.Stats().InUse)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	backends := func() (busy, all int) {
		t.Helper()
		if testkit.Dialect() != "postgres" {
			return 0, 0
		}
		// This query's own backend is left out; the LISTEN connection of
		// the bus is outside the pool and idles in LISTEN.
		if err := f.Store.Gorm().Raw(`SELECT count(*) FILTER (WHERE state <> 'idle'), count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND query NOT LIKE 'LISTEN %'`).
			Row().Scan(&busy, &all); err != nil {
			t.Fatal(err)
		}
		return busy, all
	}

	first := f.stream(demoOmar, nil)
	idle("one stream")
	_, before := backends()

	n := pool + 10
	streams := []*testkit.Stream{first}
	for len(streams) < n {
		streams = append(streams, f.stream(demoOmar, nil))
	}
	idle("streams beyond the pool's size")
	busy, after := backends()
	if busy != 0 {
		t.Errorf("%d backends busy with %d streams idle, want 0", busy, n)
	}
	if after > before+1 {
		// One more is fine: the test's own query may have opened one.
		t.Errorf("%d backends with %d streams open, %d with one", after, n, before)
	}
	if f.Server.OpenStreams() != n {
		t.Errorf("%d streams counted, want %d", f.Server.OpenStreams(), n)
	}

	// Every other request is served meanwhile, and a change reaches all.
	wantStatus(t, f.Get(f.tok(demoDana), f.path("board")), http.StatusOK)
	wantStatus(t, f.Patch(f.tok(demoOmar), f.path(), map[string]any{"name": "Seen by every tab"}), http.StatusOK)
	for _, s := range streams {
		wantEvent(t, s, "cycle.changed", f.id, "", f.ID(demoOmar))
	}
	idle("after the change was delivered")
}
