package httpapi_test

// The cycle's state machine: every illegal transition, every write the
// state forbids, finalizing without every decision, and who may join or
// edit a cycle.

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"calibrate/internal/testkit"
)

func TestEveryIllegalTransition(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	for i, state := range cycleStates {
		if i > 0 {
			f.advanceTo(state)
		}
		for _, to := range cycleStates {
			if to == nextState(state) {
				continue
			}
			t.Run(state+"→"+to, func(t *testing.T) {
				done := e.noWrite(t, "admin@acme.test", f.path())
				wantError(t, f.transition(omarDir, to), http.StatusConflict, "illegal_transition")
				done()
			})
		}
	}
	// A state that does not exist is a validation error, not a move.
	wantFields(t, f.transition(omarDir, "archived"), "to")
}

// lockedWrite is a write, the states in which the cycle refuses it, and
// where (besides the cycle itself) its effect would show.
type lockedWrite struct {
	name   string
	locked []string
	shows  func(f *cycleFixture) string
	do     func(f *cycleFixture, ids lockedIDs) *testkit.Response
}

func showsAt(em, what string) func(f *cycleFixture) string {
	return func(f *cycleFixture) string { return f.emPath(em, what) }
}

func showsCycle(f *cycleFixture) string { return f.path() }

func showsInNotes(f *cycleFixture) string { return f.path("notes") }

func showsInRequests(*cycleFixture) string { return "/api/v1/peer-requests?limit=100" }

// lockedIDs are the requests the writes answer or decline.
type lockedIDs struct{ answered, open string }

var lockedWrites = []lockedWrite{
	{"self-assessment", []string{"draft", "calibrating", "finalized", "released"}, showsAt(erinEM, "self-assessment"),
		func(f *cycleFixture, _ lockedIDs) *testkit.Response {
			return f.putSelf(erinEM, map[string]any{"ratings": fullRatings(2, "late self"), "version": 0})
		}},
	{"assessment", []string{"draft", "finalized", "released"}, showsAt(finnEM, "assessment"),
		func(f *cycleFixture, _ lockedIDs) *testkit.Response {
			v := f.assessment(omarDir, finnEM).Version
			return f.putAssessment(omarDir, finnEM, map[string]any{"ratings": fullRatings(1, "late rating"), "version": v})
		}},
	{"decision", []string{"draft", "input_open", "finalized", "released"}, showsAt(finnEM, "decision"),
		func(f *cycleFixture, _ lockedIDs) *testkit.Response {
			v := f.decision(finnEM).Version
			return f.putDecision(omarDir, finnEM, map[string]any{"readiness": "ready_now", "rationale": "Changed my mind", "version": v})
		}},
	{"peer request", []string{"calibrating", "finalized", "released"}, showsInRequests,
		func(f *cycleFixture, _ lockedIDs) *testkit.Response {
			return f.postRequest(omarDir, finnEM, "otto@acme.test")
		}},
	// A note only once input is open: the attribution it is released with
	// is fixed from then on.
	{"note", []string{"draft", "finalized", "released"}, showsInNotes,
		func(f *cycleFixture, ids lockedIDs) *testkit.Response {
			return f.putNote("pat@acme.test", ids.answered, map[string]any{"advocacy": "concern", "criteria": []string{},
				"body": "A note while the cycle does not take notes."})
		}},
	{"note, the request stays open", []string{"draft"}, showsInRequests,
		func(f *cycleFixture, ids lockedIDs) *testkit.Response {
			return f.putNote("pat@acme.test", ids.answered, map[string]any{"advocacy": "strong", "criteria": []string{},
				"body": "A note while the cycle is still a draft."})
		}},
	{"decline", []string{"finalized", "released"}, showsInRequests,
		func(f *cycleFixture, ids lockedIDs) *testkit.Response {
			return f.Post(f.tok("dee@acme.test"), "/api/v1/peer-requests/"+ids.open+"/decline", nil)
		}},
	{"cycle edit", []string{"input_open", "calibrating", "finalized", "released"}, showsCycle,
		func(f *cycleFixture, _ lockedIDs) *testkit.Response {
			return f.Patch(f.tok(omarDir), f.path(), map[string]any{"name": "Renamed too late"})
		}},
	// The attribution is a promise to the peers, fixed once they can write.
	{"attribution", []string{"input_open", "calibrating", "finalized", "released"}, showsCycle,
		func(f *cycleFixture, _ lockedIDs) *testkit.Response {
			return f.Patch(f.tok(omarDir), f.path(), map[string]any{"peer_attribution": "named"})
		}},
}

func TestWritesTheStateForbids(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"peer_attribution": "anonymous"})
	// Requests may be sent in a draft; the first is answered once input opens.
	ids := lockedIDs{answered: f.request(omarDir, erinEM, "pat@acme.test"), open: f.request(omarDir, erinEM, "dee@acme.test")}

	for i, state := range cycleStates {
		if i > 0 {
			f.advanceTo(state)
		}
		for _, w := range lockedWrites {
			if !slices.Contains(w.locked, state) {
				continue
			}
			t.Run(state+"/"+w.name, func(t *testing.T) {
				done := e.noWrite(t, "admin@acme.test", f.path(), w.shows(f))
				wantError(t, w.do(f, ids), http.StatusConflict, "cycle_locked")
				done()
			})
		}
		// What the state allows goes through (and leaves something for
		// the next state's refusals to protect).
		switch state {
		case "input_open":
			f.note("pat@acme.test", ids.answered, "support", "Written once input was open, under the promised attribution.")
			f.selfRate(erinEM, 3, 0)
			f.rate(finnEM, 2, 0, "")
		case "calibrating":
			f.rate(finnEM, 3, 1, "")
			f.decide(finnEM, "not_yet", 0)
			f.note("pat@acme.test", ids.answered, "strong", "Edited while the cycle was calibrating.")
		}
	}
}

func TestFinalizingNeedsEveryDecision(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	f.advanceTo("calibrating")
	f.decide(erinEM, "ready_12_24_months", 0)

	done := e.noWrite(t, "admin@acme.test", f.path())
	env := wantError(t, f.transition(omarDir, "finalized"), http.StatusConflict, "missing_decisions")
	done()
	var missing []string
	for _, m := range env.Error.Details["missing"].([]any) {
		missing = append(missing, m.(map[string]any)["id"].(string))
	}
	if !slices.Equal(missing, []string{e.ID(finnEM)}) || !strings.Contains(env.Error.Message, "Finn Gallagher") ||
		strings.Contains(env.Error.Message, "Erin") {
		t.Fatalf("missing %v, want only Finn; message %q", missing, env.Error.Message)
	}

	f.decide(finnEM, "not_yet", 0)
	f.moveTo("finalized")
}

func TestEMInAtMostOneUnfinishedCycle(t *testing.T) {
	e := newCycleEnv(t)
	// Dana's EMs are in her calibrating demo cycle.
	dana := e.tok("dana@acme.test")
	done := e.noWrite(t, "admin@acme.test", "/api/v1/cycles?limit=100")
	env := wantError(t, e.Post(dana, "/api/v1/cycles", map[string]any{"name": "Second round",
		"em_ids": []string{e.ID("alex@acme.test")}}), http.StatusConflict, "em_in_active_cycle")
	done()
	if ids, _ := env.Error.Details["em_ids"].([]any); len(ids) != 1 || ids[0] != e.ID("alex@acme.test") {
		t.Fatalf("details %v, want Alex's id", env.Error.Details)
	}

	f := e.newCycle(omarDir, []string{erinEM}, nil)
	wantError(t, e.Post(e.tok(omarDir), "/api/v1/cycles", map[string]any{"name": "Parallel",
		"em_ids": []string{e.ID(erinEM)}}), http.StatusConflict, "em_in_active_cycle")
	other := e.newCycle(omarDir, []string{finnEM}, nil)
	done = e.noWrite(t, "admin@acme.test", other.path())
	wantError(t, e.Patch(e.tok(omarDir), other.path(), map[string]any{"em_ids": []string{e.ID(finnEM), e.ID(erinEM)}}),
		http.StatusConflict, "em_in_active_cycle")
	done()

	// Through every state until finalized the EM stays taken; then free.
	for _, s := range []string{"input_open", "calibrating"} {
		f.advanceTo(s)
		wantError(t, e.Patch(e.tok(omarDir), other.path(), map[string]any{"em_ids": []string{e.ID(finnEM), e.ID(erinEM)}}),
			http.StatusConflict, "em_in_active_cycle")
	}
	f.advanceTo("finalized")
	c := decodeOK[cycleDoc](t, e.Patch(e.tok(omarDir), other.path(),
		map[string]any{"em_ids": []string{e.ID(finnEM), e.ID(erinEM)}}), http.StatusOK)
	if len(c.Participants) != 2 {
		t.Fatalf("participants %+v after adding Erin", c.Participants)
	}
}

// Two directors racing to put the same EM in their new cycles: one wins,
// the other is told why, round after round.
func TestConcurrentCyclesForOneEM(t *testing.T) {
	e := newCycleEnv(t)
	e.addCalibrationGroup() // Vala is above Nora, so both may take Nora's EMs
	for round, em := range []string{"nate@acme.test", "nell@acme.test"} {
		create := func(lead string) func() *testkit.Response {
			tok := e.tok(lead)
			return func() *testkit.Response {
				return e.Post(tok, "/api/v1/cycles", map[string]any{"name": "Race " + lead, "em_ids": []string{e.ID(em)}})
			}
		}
		res := race(create("vala@acme.test"), create(noraDir))
		created := 0
		for i, r := range res {
			switch {
			case r.Status == http.StatusCreated:
				created++
			case r.Status == http.StatusConflict && r.ErrorCode() == "em_in_active_cycle":
			default:
				t.Fatalf("round %d, writer %d: %d %s", round, i, r.Status, r.Body)
			}
		}
		if created != 1 {
			t.Fatalf("round %d: %d cycles created for one EM, want 1", round, created)
		}
	}
}

func TestCycleEditsInDraft(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"peer_attribution": "named"})
	r := f.request(omarDir, finnEM, "pat@acme.test")

	c := decodeOK[cycleDoc](t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"name": "2027 H1 calibration",
		"input_due": "2027-01-15", "peer_attribution": "anonymous", "em_ids": []string{e.ID(erinEM)}}), http.StatusOK)
	if c.Name != "2027 H1 calibration" || c.InputDue == nil || *c.InputDue != "2027-01-15" ||
		c.PeerAttribution != "anonymous" || len(c.Participants) != 1 || c.Participants[0].ID != e.ID(erinEM) {
		t.Fatalf("patched cycle %+v", c)
	}
	// Dropping Finn drops the requests about him.
	if got := requestIDs(e.requestsOf("pat@acme.test").Items, f.id); slices.Contains(got, r) {
		t.Fatalf("the request about a dropped participant is still in the peer's inbox")
	}
	// An EM outside the owners' trees, or someone who is not an EM, cannot join.
	done := e.noWrite(t, "admin@acme.test", f.path())
	wantFields(t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"em_ids": []string{e.ID("alex@acme.test")}}), "em_ids[0]")
	wantFields(t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"em_ids": []string{e.ID(erinEM), e.ID("pat@acme.test")}}), "em_ids[1]")
	wantFields(t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"peer_attribution": "loud"}), "peer_attribution")
	wantFields(t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"input_due": "next week"}), "input_due")
	wantFields(t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"co_owner_ids": []string{e.ID("alex@acme.test")}}), "co_owner_ids[0]")
	done()
}

func TestWhoSeesWhichCycles(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	lists := map[string]bool{ // does the account list the cycle?
		omarDir: true, "admin@acme.test": true, erinEM: true, finnEM: true,
		"dana@acme.test": false, "alex@acme.test": false, "pat@acme.test": false,
		"gwen@globex.test": false, "admin@globex.test": false, "hank@globex.test": false,
	}
	for as, want := range lists {
		ids := pluck(walk(t, e.Env, e.tok(as), "/api/v1/cycles", 100), "id")
		if slices.Contains(ids, f.id) != want {
			t.Errorf("%s lists the cycle: %v, want %v", as, !want, want)
		}
	}
	// Alex is in Dana's cycle, not Omar's: the cycle does not exist for him.
	wantError(t, e.Get(e.tok("alex@acme.test"), f.path()), http.StatusNotFound, "not_found")
	wantError(t, e.Get(e.tok("alex@acme.test"), f.path("self-assessment")), http.StatusNotFound, "not_found")
	wantError(t, e.Put(e.tok("alex@acme.test"), f.path("self-assessment"),
		map[string]any{"ratings": []any{}, "version": 0}), http.StatusNotFound, "not_found")
	// Only a director creates a cycle.
	for _, as := range []string{"admin@acme.test", erinEM, "pat@acme.test"} {
		wantError(t, e.Post(e.tok(as), "/api/v1/cycles", map[string]any{"name": "Mine", "em_ids": []string{}}),
			http.StatusForbidden, "forbidden")
	}
}
