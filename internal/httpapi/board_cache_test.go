package httpapi_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// A server keeps the boards it built and answers them again while the
// organisation's audit head and the day stay the same. Whatever is written,
// through whichever route, the board it answers next must be the board a
// server that never built one answers: each step below writes, then asks
// both.
func TestCachedBoardFollowsEveryWrite(t *testing.T) {
	e := newCycleEnv(t)
	e.addCalibrationGroup()
	f := e.newCycle("nora@acme.test", []string{"nate@acme.test", "nell@acme.test"}, nil)
	admin := e.tok("admin@acme.test")
	board := f.path("board")

	check := func(step string) {
		t.Helper()
		lead := e.tok(f.lead)
		warm := e.Get(lead, board)
		wantStatus(t, warm, http.StatusOK)
		// Twice: the second answer is the kept board.
		again := e.Get(lead, board)
		fresh := e.Replica().Get(lead, board)
		wantStatus(t, fresh, http.StatusOK)
		if !bytes.Equal(warm.Body, again.Body) || !bytes.Equal(again.Body, fresh.Body) {
			t.Fatalf("after %s the kept board differs from a board built anew:\nkept:  %s\nfresh: %s", step, again.Body, fresh.Body)
		}
	}

	check("creating the cycle")
	wantStatus(t, e.Patch(e.tok(f.lead), f.path(), map[string]any{"name": "Nora's calibration, renamed"}), http.StatusOK)
	check("the cycle renamed")
	f.moveTo(nextState("draft"))
	check("opening input")
	req := f.request(f.lead, "nate@acme.test", "pat@acme.test")
	check("a peer request")
	f.selfRate("nate@acme.test", 3, 0)
	check("a self-assessment")
	f.note("pat@acme.test", req, "strong", "Nate carried the migration.")
	check("a peer note")
	for f.state() != "calibrating" {
		f.moveTo(nextState(f.state()))
	}
	check("starting calibration")
	v := f.rate("nate@acme.test", 3, 0, "")
	check("a director's assessment")
	f.rate("nate@acme.test", 2, v, "")
	check("a changed assessment")
	// Nate's second year as an EM ends tomorrow: ready now raises
	// short_tenure today and no longer tomorrow.
	since := e.Clock.Now().AddDate(-2, 0, 1).Format(time.DateOnly)
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("nate@acme.test"), map[string]any{"em_since": since}), http.StatusOK)
	check("an admin correcting when an EM started")
	f.decide("nate@acme.test", "ready_now", 0)
	check("a decision")
	wantStatus(t, e.Put(e.tok(f.lead), f.emPath("nell@acme.test", "preread"), map[string]any{"stance": "question", "comment": "Scope?"}), http.StatusOK)
	check("a pre-read")
	wantStatus(t, e.Put(e.tok(f.lead), f.emPath("nell@acme.test", "meeting"), map[string]any{"discussed": true, "note": "", "version": 0}), http.StatusOK)
	check("a meeting mark")
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("nell@acme.test"), map[string]any{"name": "Nell Brooks-Ahn"}), http.StatusOK)
	check("an admin renaming a participant")
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("nell@acme.test"), map[string]any{"manager_id": e.ID("vala@acme.test")}), http.StatusOK)
	check("an admin moving a participant's reporting line")
	if !bytes.Contains(e.Get(e.tok(f.lead), board).Body, []byte(`"short_tenure"`)) {
		t.Fatal("short_tenure is not raised the day before the EM's second year ends")
	}
	e.Clock.Advance(24 * time.Hour)
	e.tokens = map[string]string{} // signed in again: a day outlives a token
	check("a day passing")
	f.advanceTo("finalized")
	check("finalizing")
}
