package httpapi_test

// A cycle run by several directors as one calibration group: each owner
// rates and decides only for their own EMs, every owner reads everything,
// only the lead changes the cycle, and no one else sees it.

import (
	"net/http"
	"slices"
	"testing"
)

const (
	noraDir = "nora@acme.test" // the lead
	samDir  = "saul@acme.test" // the co-owner
	tessDir = "tess@acme.test" // a director outside the group
)

func TestCoOwnedCycle(t *testing.T) {
	e := newCycleEnv(t)
	e.addCalibrationGroup()
	noraEMs, samEMs := []string{"nate@acme.test", "nell@acme.test"}, []string{"sage@acme.test", "skye@acme.test"}
	f := e.newCycle(noraDir, append(slices.Clone(noraEMs), samEMs...),
		map[string]any{"co_owner_ids": []string{e.ID(samDir)}})

	// Each participant's director in the cycle is the owner above them.
	for _, em := range noraEMs {
		if f.director[em] != noraDir {
			t.Fatalf("%s's director in the cycle is %s, want Nora", em, f.director[em])
		}
	}
	for _, em := range samEMs {
		if f.director[em] != samDir {
			t.Fatalf("%s's director in the cycle is %s, want Saul", em, f.director[em])
		}
	}
	c := f.get(samDir)
	if c.Lead.ID != e.ID(noraDir) || len(c.Owners) != 2 || len(c.Participants) != 4 {
		t.Fatalf("the co-owner sees %+v", c)
	}

	// Only the lead changes the cycle; Tess finds nothing.
	wantError(t, e.Patch(e.tok(samDir), f.path(), map[string]any{"name": "Saul's now"}), http.StatusForbidden, "not_lead")
	wantError(t, f.transition(samDir, "input_open"), http.StatusForbidden, "not_lead")
	f.checkOutsider(t, tessDir)
	r := f.request(samDir, "nate@acme.test", "pat@acme.test") // any owner asks for input about anyone

	f.moveTo("input_open")
	wantError(t, f.transition(samDir, "calibrating"), http.StatusForbidden, "not_lead")
	f.note("pat@acme.test", r, "strong", "Nate ran the cross-team incident review that both groups now use.")
	for _, em := range f.ems {
		f.selfRate(em, 3, 0)
		f.rate(em, 2, 0, "private thought of "+f.director[em]+" on "+em)
	}
	// Neither owner writes for the other's EMs, even with the right version.
	for _, pair := range [][2]string{{noraDir, "sage@acme.test"}, {samDir, "nate@acme.test"}} {
		as, em := pair[0], pair[1]
		wantError(t, f.putAssessment(as, em, map[string]any{"ratings": fullRatings(4, as), "version": 1}),
			http.StatusForbidden, "not_your_em")
	}
	// Every owner (and the admin) reads everything of every participant.
	for _, as := range []string{noraDir, samDir, "admin@acme.test"} {
		for _, em := range f.ems {
			a := f.assessment(as, em)
			if a.Version != 1 || a.PrivateNote == nil || *a.PrivateNote != "private thought of "+f.director[em]+" on "+em {
				t.Fatalf("%s reads %s's assessment as %+v", as, em, a)
			}
			self := decodeOK[assessmentDoc](t, e.Get(e.tok(as), f.emPath(em, "self-assessment")), http.StatusOK)
			if self.Version != 1 || len(self.Ratings) != len(criteriaKeys) {
				t.Fatalf("%s reads %s's self-assessment as %+v", as, em, self)
			}
		}
		if n := f.notes(as); len(n) != 1 || n[0].Author.ID != e.ID("pat@acme.test") {
			t.Fatalf("%s reads notes %+v", as, n)
		}
	}
	f.checkOutsider(t, tessDir)

	f.moveTo("calibrating")
	for _, pair := range [][2]string{{noraDir, "skye@acme.test"}, {samDir, "nell@acme.test"}} {
		wantError(t, f.putDecision(pair[0], pair[1], map[string]any{"readiness": "ready_now", "rationale": "Not mine to make",
			"version": 0}), http.StatusForbidden, "not_your_em")
	}
	for _, em := range f.ems {
		f.decide(em, "ready_12_24_months", 0)
	}
	for _, as := range []string{noraDir, samDir} {
		for _, em := range f.ems {
			d := decodeOK[decisionDoc](t, e.Get(e.tok(as), f.emPath(em, "decision")), http.StatusOK)
			if d.Version != 1 || d.Readiness == nil || *d.Readiness != "ready_12_24_months" {
				t.Fatalf("%s reads %s's decision as %+v", as, em, d)
			}
		}
	}
	wantError(t, f.transition(samDir, "finalized"), http.StatusForbidden, "not_lead")
	f.moveTo("finalized")
	wantError(t, f.transition(samDir, "released"), http.StatusForbidden, "not_lead")
	f.moveTo("released")
	f.checkOutsider(t, tessDir)

	// The co-owner reads the cycle's audit log too.
	if a := e.cycleAudit(samDir, f.id); len(a) == 0 {
		t.Fatal("the co-owner reads no audit entry of the cycle")
	}
}

// The nearest owner above an EM is their director in the cycle, even when
// the lead is above that owner as well.
func TestNearestOwnerDirectsTheEM(t *testing.T) {
	e := newCycleEnv(t)
	e.addCalibrationGroup()
	f := e.newCycle("vala@acme.test", []string{"vic@acme.test", "nate@acme.test", "sage@acme.test"},
		map[string]any{"co_owner_ids": []string{e.ID(noraDir)}})
	want := map[string]string{"vic@acme.test": "vala@acme.test", "nate@acme.test": noraDir, "sage@acme.test": "vala@acme.test"}
	for em, d := range want {
		if f.director[em] != d {
			t.Fatalf("%s's director in the cycle is %s, want %s", em, f.director[em], d)
		}
	}
	f.moveTo("input_open")
	wantError(t, f.putAssessment("vala@acme.test", "nate@acme.test", map[string]any{"ratings": fullRatings(3, "vera"), "version": 0}),
		http.StatusForbidden, "not_your_em")
	f.rate("nate@acme.test", 3, 0, "")
	f.rate("sage@acme.test", 3, 0, "")

	// Saul, whose EM Sage is, does not own the cycle: he sees nothing of it.
	f.checkOutsider(t, samDir)

	// A co-owner's EMs need the co-owner in the group.
	wantFields(t, e.Post(e.tok(noraDir), "/api/v1/cycles", map[string]any{"name": "Nora alone",
		"em_ids": []string{e.ID("nell@acme.test"), e.ID("skye@acme.test")}}), "em_ids[1]")
}

// checkOutsider: a director of the organisation who does not own the cycle
// gets 404 on it and every route under it, and finds it in no list.
func (f *cycleFixture) checkOutsider(t *testing.T, director string) {
	t.Helper()
	e, tok := f.cyEnv, f.tok(director)
	for _, p := range []string{f.path(), f.path("notes")} {
		wantError(t, e.Get(tok, p), http.StatusNotFound, "not_found")
	}
	for _, em := range f.ems {
		for _, what := range []string{"assessment", "self-assessment", "decision"} {
			wantError(t, e.Get(tok, f.emPath(em, what)), http.StatusNotFound, "not_found")
		}
		wantError(t, e.Put(tok, f.emPath(em, "assessment"), map[string]any{"ratings": fullRatings(3, "outsider"), "version": 0}),
			http.StatusNotFound, "not_found")
	}
	wantError(t, e.Patch(tok, f.path(), map[string]any{"name": "Outsider"}), http.StatusNotFound, "not_found")
	wantError(t, e.Post(tok, f.path("transition"), map[string]string{"to": "calibrating"}), http.StatusNotFound, "not_found")
	if ids := pluck(walk(t, e.Env, tok, "/api/v1/cycles", 100), "id"); slices.Contains(ids, f.id) {
		t.Fatalf("%s lists the cycle", director)
	}
	if got := requestIDs(e.requestsOf(director).Items, f.id); len(got) != 0 {
		t.Fatalf("%s sees the cycle's requests %v", director, got)
	}
	wantError(t, e.Get(tok, "/api/v1/audit?cycle_id="+f.id), http.StatusNotFound, "not_found")
}
