package httpapi_test

// The cycle event stream: who may follow it, an event of every type from a
// real write through the API, resuming with Last-Event-ID, the heartbeat,
// the ends (token expiry, sign-out, a graceful stop), the server's write
// and read timeouts, and on PostgreSQL two servers with their own buses on
// one database. Waits have deadlines; none is an assertion of speed.

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"calibrate/internal/testkit"
)

const (
	demoOmarEMErin = "erin@acme.test"
	demoOmarEMFinn = "finn@acme.test"
	demoDee        = "dee@acme.test"
	demoAdmin      = "admin@acme.test"
	// within is how long a test waits for an event that must come.
	within = 5 * time.Second
)

// omarsCycle is a draft cycle of Omar's EMs, co-owned by Dana.
func omarsCycle(t *testing.T) *cycleFixture {
	e := newCycleEnv(t)
	return e.newCycle(demoOmar, []string{demoOmarEMErin, demoOmarEMFinn},
		map[string]any{"co_owner_ids": []string{e.ID(demoDana)}})
}

func (f *cycleFixture) stream(as string, header http.Header) *testkit.Stream {
	f.t.Helper()
	return f.OpenStream(f.tok(as), f.path("events"), header)
}

// wantEvent reads the next event of s and checks it.
func wantEvent(t *testing.T, s *testkit.Stream, typ, cycleID, emID, actorID string) testkit.Event {
	t.Helper()
	ev := s.NextEvent(within)
	if ev.Type != typ || ev.CycleID != cycleID || deref(ev.EMID) != emID || deref(ev.ActorID) != actorID {
		t.Fatalf("event %+v (em %q, actor %q), want %s about em %q by actor %q", ev, deref(ev.EMID), deref(ev.ActorID),
			typ, emID, actorID)
	}
	if _, err := time.Parse(time.RFC3339, ev.At); err != nil {
		t.Errorf("event at %q: %v", ev.At, err)
	}
	return ev
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestEventStreamAccess(t *testing.T) {
	f := omarsCycle(t)
	f.addUser(demoAdmin, "tess@acme.test", "Tess Varga", "director", "")
	f.request(demoOmar, demoOmarEMErin, demoPat)
	path := f.path("events")
	for _, c := range []struct {
		who    string
		status int
		code   string
	}{
		{demoOmar, http.StatusOK, ""},                           // the lead
		{demoDana, http.StatusOK, ""},                           // a co-owner
		{demoAdmin, http.StatusOK, ""},                          // an admin of the organisation
		{demoOmarEMErin, http.StatusForbidden, "forbidden"},     // an EM of the cycle
		{demoPat, http.StatusForbidden, "forbidden"},            // a peer asked about one of its EMs
		{"tess@acme.test", http.StatusNotFound, "not_found"},    // a director who does not own it
		{"admin@globex.test", http.StatusNotFound, "not_found"}, // another organisation
	} {
		res := f.Get(f.tok(c.who), path)
		if c.code != "" {
			wantError(t, res, c.status, c.code)
			continue
		}
		wantStatus(t, res, c.status)
		h := res.Header
		if h.Get("Content-Type") != "text/event-stream" || h.Get("Cache-Control") != "no-cache" || h.Get("X-Accel-Buffering") != "no" {
			t.Errorf("%s: headers %v", c.who, h)
		}
		if string(res.Body) != ": connected\n\n" {
			t.Errorf("%s: the stream began %q", c.who, res.Body)
		}
	}
	wantError(t, f.Get("", path), http.StatusUnauthorized, "unauthenticated")
	wantError(t, f.Get("not-a-token", path), http.StatusUnauthorized, "unauthenticated")
	wantError(t, f.Get(f.tok(demoOmar), "/api/v1/cycles/no-such-cycle/events"), http.StatusNotFound, "not_found")
	for _, bad := range []string{"abc", "-1", "12 ", "1e3", "99999999999999999999"} {
		res := f.Do(testkit.Request{Method: http.MethodGet, Path: path, Token: f.tok(demoOmar),
			Header: http.Header{"Last-Event-ID": {bad}}})
		wantError(t, res, http.StatusBadRequest, "bad_request")
	}
}

// Every event type, from a real write through the API, reaches an owner's
// and an admin's stream, with the actor only when they own the cycle or
// are an admin, and nothing private.
func TestEventStreamTypes(t *testing.T) {
	f := omarsCycle(t)
	omar, dana, admin, erin, finn := f.ID(demoOmar), f.ID(demoDana), f.ID(demoAdmin), f.ID(demoOmarEMErin), f.ID(demoOmarEMFinn)
	lead := f.stream(demoOmar, nil)
	watcher := f.stream(demoAdmin, nil)
	both := func(typ, em, actor string) {
		t.Helper()
		wantEvent(t, lead, typ, f.id, em, actor)
		wantEvent(t, watcher, typ, f.id, em, actor)
	}

	wantStatus(t, f.Patch(f.tok(demoOmar), f.path(), map[string]any{"name": "Omar's calibration, renamed"}), http.StatusOK)
	both("cycle.changed", "", omar)
	toPat := f.request(demoOmar, demoOmarEMErin, demoPat)
	both("request.changed", erin, omar)
	toDee := f.request(demoOmarEMFinn, demoOmarEMFinn, demoDee) // the EM nominates a peer
	both("request.changed", finn, "")
	f.moveTo("input_open")
	both("cycle.changed", "", omar)
	f.selfRate(demoOmarEMErin, 3, 0)
	both("assessment.changed", erin, "")
	f.note(demoPat, toPat, "strong", "Runs the platform migration across three teams without drama.", "autonomy")
	both("note.changed", erin, "")
	wantStatus(t, f.Post(f.tok(demoDee), "/api/v1/peer-requests/"+toDee+"/decline", nil), http.StatusOK)
	both("request.changed", finn, "")
	f.rate(demoOmarEMErin, 3, 0, "private: worried about the reorg")
	both("assessment.changed", erin, omar)
	f.moveTo("calibrating")
	both("cycle.changed", "", omar)
	wantStatus(t, f.Put(f.tok(demoDana), f.emPath(demoOmarEMErin, "preread"), map[string]any{"stance": "question",
		"comment": "Is this sustained?"}), http.StatusOK)
	both("preread.changed", erin, dana)
	f.decide(demoOmarEMErin, "ready_6_12_months", 0)
	both("decision.changed", erin, omar)
	// An admin moves a participant to another manager: the cycle's members
	// changed under it.
	wantStatus(t, f.Patch(f.tok(demoAdmin), "/api/v1/users/"+finn, map[string]any{"manager_id": dana}), http.StatusOK)
	both("cycle.changed", "", admin)

	// Writes that are not about the cycle are no events of it.
	wantStatus(t, f.Patch(f.tok(demoOmar), "/api/v1/me", map[string]any{"name": "Omar Renamed"}), http.StatusOK)
	lead.Quiet(300 * time.Millisecond)
}

// Last-Event-ID replays the cycle's events after it from the last hour,
// then the stream goes on live.
func TestEventStreamResume(t *testing.T) {
	f := omarsCycle(t)
	first := f.stream(demoOmar, nil)
	var ids []string
	for i := range 3 {
		wantStatus(t, f.Patch(f.tok(demoOmar), f.path(), map[string]any{"name": "Rename " + strconv.Itoa(i)}), http.StatusOK)
		ids = append(ids, wantEvent(t, first, "cycle.changed", f.id, "", f.ID(demoOmar)).ID)
	}
	first.Close()

	resumed := f.stream(demoDana, http.Header{"Last-Event-ID": {ids[0]}})
	for _, id := range ids[1:] {
		if ev := resumed.NextEvent(within); ev.ID != id {
			t.Fatalf("replayed %s, want %s", ev.ID, id)
		}
	}
	wantStatus(t, f.Patch(f.tok(demoOmar), f.path(), map[string]any{"name": "Live again"}), http.StatusOK)
	live := wantEvent(t, resumed, "cycle.changed", f.id, "", f.ID(demoOmar))
	if n, _ := strconv.ParseInt(live.ID, 10, 64); n <= mustInt(t, ids[2]) {
		t.Errorf("the live event's id %s is not after the replayed %s", live.ID, ids[2])
	}
	resumed.Close()

	// An hour later, only what happened in the last hour is replayed.
	f.Clock.Advance(61 * time.Minute)
	fresh := f.Token(demoOmar) // the first token has expired
	wantStatus(t, f.Patch(fresh, f.path(), map[string]any{"name": "After the break"}), http.StatusOK)
	late := f.OpenStream(fresh, f.path("events"), http.Header{"Last-Event-ID": {ids[0]}})
	ev := wantEvent(t, late, "cycle.changed", f.id, "", f.ID(demoOmar))
	if mustInt(t, ev.ID) <= mustInt(t, live.ID) {
		t.Errorf("replayed %s from more than an hour ago", ev.ID)
	}
	late.Quiet(300 * time.Millisecond)

	// Resuming from the newest id replays nothing.
	quiet := f.OpenStream(fresh, f.path("events"), http.Header{"Last-Event-ID": {ev.ID}})
	quiet.Quiet(300 * time.Millisecond)
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("event id %q: %v", s, err)
	}
	return n
}

// An idle stream sends a comment at every heartbeat.
func TestEventStreamHeartbeat(t *testing.T) {
	f := omarsCycle(t)
	s := f.stream(demoOmar, nil)
	for range 2 {
		if fr := s.Next(within); fr.Comment != "ping" || fr.Data != "" {
			t.Fatalf("frame %+v, want the comment ping", fr)
		}
	}
}

// The stream ends when its access token expires, and when its session is
// revoked.
func TestEventStreamEnds(t *testing.T) {
	t.Run("token expiry", func(t *testing.T) {
		f := omarsCycle(t)
		s := f.stream(demoOmar, nil)
		s.Next(within) // a ping: the session is checked and fine
		f.Clock.Advance(11 * time.Minute)
		if !s.Ended(within) {
			t.Fatal("the stream outlived its access token")
		}
	})
	t.Run("sign-out", func(t *testing.T) {
		f := omarsCycle(t)
		tok := f.Token(demoOmar)
		s := f.OpenStream(tok, f.path("events"), nil)
		wantStatus(t, f.Post(tok, "/api/v1/auth/logout", nil), http.StatusNoContent)
		if !s.Ended(within) {
			t.Fatal("the stream outlived its session")
		}
	})
	t.Run("graceful stop", func(t *testing.T) {
		f := omarsCycle(t)
		s := f.stream(demoOmar, nil)
		f.Server.CloseStreams()
		if !s.Ended(within) {
			t.Fatal("CloseStreams left the stream open")
		}
		res := f.Get(f.tok(demoOmar), f.path("events"))
		wantError(t, res, http.StatusServiceUnavailable, "unavailable")
		if res.Header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		// Ordinary requests are not affected.
		wantStatus(t, f.Get(f.tok(demoOmar), f.path()), http.StatusOK)
	})
}

// The server's read and write timeouts, meant for ordinary requests, do
// not cut a stream: it extends its own write deadline at every write.
func TestEventStreamOutlivesServerTimeouts(t *testing.T) {
	f := omarsCycle(t)
	f.ServerConfig = func(s *http.Server) {
		s.ReadTimeout, s.WriteTimeout = 200*time.Millisecond, 200*time.Millisecond
	}
	s := f.stream(demoOmar, nil)
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		s.Next(within)
	}
	wantStatus(t, f.Patch(f.tok(demoOmar), f.path(), map[string]any{"name": "Still there"}), http.StatusOK)
	wantEvent(t, s, "cycle.changed", f.id, "", f.ID(demoOmar))
}

// On PostgreSQL, a server with its own bus and connection pool (another
// process, as far as the database can tell) streams a write made through
// the first; its LISTEN connection, terminated, comes back, and what was
// written meanwhile is delivered.
func TestEventStreamAcrossServers(t *testing.T) {
	if testkit.Dialect() != "postgres" {
		t.Skip("fan-out across processes is PostgreSQL's LISTEN/NOTIFY")
	}
	f := omarsCycle(t)
	other := f.Replica()
	s := other.OpenStream(f.tok(demoDana), f.path("events"), nil)
	wantStatus(t, f.Patch(f.tok(demoOmar), f.path(), map[string]any{"name": "Written on the first"}), http.StatusOK)
	wantEvent(t, s, "cycle.changed", f.id, "", f.ID(demoOmar))

	// Only a bus with a stream open listens: one LISTEN connection.
	// Looked for a few seconds: on a loaded machine the statistics view
	// may show the listener a moment late.
	db := f.Store.Gorm()
	var pids []int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		pids = nil
		err := db.Raw("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'").
			Scan(&pids).Error
		if err == nil && len(pids) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("LISTEN backends %v, %v; want one", pids, err)
		}
	}
	if err := db.Exec("SELECT pg_terminate_backend(?)", pids[0]).Error; err != nil {
		t.Fatal(err)
	}
	// Written while the listener is down or coming back: delivered either
	// way, by the notification or by the catch-up read after reconnecting.
	wantStatus(t, f.Patch(f.tok(demoOmar), f.path(), map[string]any{"name": "Written meanwhile"}), http.StatusOK)
	wantEvent(t, s, "cycle.changed", f.id, "", f.ID(demoOmar))
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		var again []int
		_ = db.WithContext(ctx).Raw("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'").
			Scan(&again).Error
		if len(again) == 1 && again[0] != pids[0] {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no new LISTEN connection after the first was terminated: %v", again)
		}
		time.Sleep(20 * time.Millisecond)
	}
	wantStatus(t, f.Patch(f.tok(demoOmar), f.path(), map[string]any{"name": "Written after"}), http.StatusOK)
	wantEvent(t, s, "cycle.changed", f.id, "", f.ID(demoOmar))
}
