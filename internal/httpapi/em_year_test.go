package httpapi_test

// The EM's year: when results are expected, how much input was gathered
// (counts, never who), why notes read as they do; and the rules of the
// development plan (length, dates, deletion).

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"calibrate/internal/testkit"
)

// resultsDate reads results_expected_on as `as` reads the cycle; it is
// always present, null until set.
func resultsDate(t *testing.T, f *cycleFixture, as string) *string {
	t.Helper()
	var m map[string]any
	decodeInto(t, f.Get(f.tok(as), f.path()), &m)
	v, ok := m["results_expected_on"]
	if !ok {
		t.Fatalf("the cycle %s reads has no results_expected_on: %v", as, m)
	}
	if v == nil {
		return nil
	}
	s := v.(string)
	return &s
}

func decodeInto(t *testing.T, res *testkit.Response, v any) {
	t.Helper()
	wantStatus(t, res, http.StatusOK)
	res.Decode(t, v)
}

func TestResultsExpectedOn(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	if d := resultsDate(t, f, omarDir); d != nil {
		t.Fatalf("a new cycle expects results on %v, want null", *d)
	}
	lead := e.tok(omarDir)
	patch := func(b map[string]any) *testkit.Response { return f.Patch(lead, f.path(), b) }

	// In the draft it goes with any other setting.
	wantStatus(t, patch(map[string]any{"name": "Erin's year", "results_expected_on": "2027-01-15"}), http.StatusOK)
	if d := resultsDate(t, f, omarDir); d == nil || *d != "2027-01-15" {
		t.Fatalf("draft: results expected on %v", d)
	}
	wantFields(t, patch(map[string]any{"results_expected_on": "15/01/2027"}), "results_expected_on")
	wantFields(t, patch(map[string]any{"results_expected_on": "2027-02-30"}), "results_expected_on")

	// After the draft, until release, it is the one setting that changes,
	// and only alone; the EM reads it.
	for i, state := range []string{"input_open", "calibrating", "finalized"} {
		f.advanceTo(state)
		date := []string{"2027-01-20", "2027-01-25", "2027-02-01"}[i]
		wantStatus(t, patch(map[string]any{"results_expected_on": date}), http.StatusOK)
		if d := resultsDate(t, f, erinEM); d == nil || *d != date {
			t.Fatalf("%s: Erin reads results expected on %v, want %s", state, d, date)
		}
		check := e.noWrite(t, "admin@acme.test", f.path())
		wantError(t, patch(map[string]any{"results_expected_on": date, "name": "Renamed"}), http.StatusConflict, "cycle_locked")
		wantError(t, patch(map[string]any{"name": "Renamed"}), http.StatusConflict, "cycle_locked")
		check()
	}
	// null clears it.
	wantStatus(t, patch(map[string]any{"results_expected_on": nil}), http.StatusOK)
	if d := resultsDate(t, f, omarDir); d != nil {
		t.Fatalf("cleared, the date reads %v", *d)
	}
	wantStatus(t, patch(map[string]any{"results_expected_on": "2027-02-03"}), http.StatusOK)

	// Others may not set it.
	wantError(t, f.Patch(e.tok(erinEM), f.path(), map[string]any{"results_expected_on": "2027-03-01"}), http.StatusForbidden, "forbidden")
	wantError(t, f.Patch(e.tok("admin@acme.test"), f.path(), map[string]any{"results_expected_on": "2027-03-01"}), http.StatusForbidden, "forbidden")

	// Every change is audited with the old and new value.
	var seen int
	for _, a := range e.cycleAudit("admin@acme.test", f.id) {
		if a.Action != "cycle.update" {
			continue
		}
		var after map[string]any
		if err := json.Unmarshal(a.After, &after); err != nil {
			t.Fatal(err)
		}
		if _, ok := after["results_expected_on"]; !ok {
			t.Fatalf("a cycle.update audit entry lacks results_expected_on: %s", a.After)
		}
		seen++
	}
	if seen != 6 {
		t.Fatalf("%d cycle.update entries, want 6 (draft, three states, clear, set)", seen)
	}

	// Once released, nothing changes any more.
	f.advanceTo("released")
	check := e.noWrite(t, "admin@acme.test", f.path())
	wantError(t, patch(map[string]any{"results_expected_on": "2027-03-01"}), http.StatusConflict, "cycle_locked")
	check()
	if d := resultsDate(t, f, erinEM); d == nil || *d != "2027-02-03" {
		t.Fatalf("released: results expected on %v", d)
	}
}

// TestPeerInputCounts: the EM learns how many partners were asked about
// them and how many answered, the director's requests included, and never
// who, whatever the attribution.
func TestPeerInputCounts(t *testing.T) {
	for _, mode := range []string{"anonymous", "by_function", "named"} {
		t.Run(mode, func(t *testing.T) {
			e := newCycleEnv(t)
			f := e.newCycle(omarDir, []string{erinEM}, map[string]any{"peer_attribution": mode})
			// Omar asks Pat and Dee; Erin asks Otto.
			rPat := f.request(omarDir, erinEM, "pat@acme.test")
			f.request(omarDir, erinEM, "dee@acme.test")
			f.moveTo("input_open")
			f.request(erinEM, erinEM, "otto@acme.test")
			f.note("pat@acme.test", rPat, "support", "Erin kept the roadmap honest when the launch date moved twice.")

			res := e.Get(e.tok(erinEM), "/api/v1/peer-requests?limit=100")
			wantStatus(t, res, http.StatusOK)
			var l struct {
				Summary []struct {
					CycleID         string `json:"cycle_id"`
					Requested       int    `json:"requested"`
					Answered        int    `json:"answered"`
					AskedInTotal    int    `json:"asked_in_total"`
					AnsweredInTotal int    `json:"answered_in_total"`
				} `json:"summary"`
			}
			res.Decode(t, &l)
			if len(l.Summary) != 1 || l.Summary[0].CycleID != f.id || l.Summary[0].Requested != 1 || l.Summary[0].Answered != 0 ||
				l.Summary[0].AskedInTotal != 3 || l.Summary[0].AnsweredInTotal != 1 {
				t.Fatalf("Erin's summary %+v", l.Summary)
			}
			// The director's requests are counted, not shown.
			noneOf(t, "Erin", res, "Pat Rivera", "Dee", e.ID("pat@acme.test"), e.ID("dee@acme.test"))

			f.rate(erinEM, 3, 0, "")
			f.advanceTo("released")
			res = e.Get(e.tok(erinEM), "/api/v1/me/feedback")
			wantStatus(t, res, http.StatusOK)
			var fb struct {
				Cycles []struct {
					Cycle                    cyRef  `json:"cycle"`
					PeerAttribution          string `json:"peer_attribution"`
					PeerAttributionExplained string `json:"peer_attribution_explained"`
					PeerInput                struct {
						Asked    int `json:"asked"`
						Answered int `json:"answered"`
					} `json:"peer_input"`
				} `json:"cycles"`
			}
			res.Decode(t, &fb)
			if len(fb.Cycles) != 1 {
				t.Fatalf("Erin reads %d released cycles", len(fb.Cycles))
			}
			c := fb.Cycles[0]
			if c.PeerAttribution != mode || c.PeerInput.Asked != 3 || c.PeerInput.Answered != 1 || c.PeerAttributionExplained == "" {
				t.Fatalf("Erin's cycle %+v", c)
			}
			// Who was asked is never in the answer; who answered only in a
			// named cycle, on the note itself.
			noneOf(t, "Erin", res, "Dee", e.ID("dee@acme.test"), "Otto", e.ID("otto@acme.test"))
			if mode != "named" {
				noneOf(t, "Erin", res, "Pat Rivera", e.ID("pat@acme.test"))
			}
		})
	}
}

func TestPlanRulesAndDelete(t *testing.T) {
	e := newCycleEnv(t)
	alexTok, dana, admin := e.tok(demoAlex), e.tok(demoDana), e.tok("admin@acme.test")
	alex := e.ID(demoAlex)
	today := testkit.Start.Format("2006-01-02")

	// Today is allowed; an action of ten characters is enough.
	item := decodeOK[planItemDoc](t, e.Post(alexTok, emPath(alex, "plan"),
		map[string]any{"criterion": "autonomy", "action": "Run Q1 ops", "revisit_on": today}), http.StatusCreated)

	// Too short, blank-padded to pass the schema, or a date in the past:
	// 422 at the field, and nothing written.
	check := e.noWrite(t, "admin@acme.test", emPath(alex, "plan"))
	wantFields(t, e.Post(alexTok, emPath(alex, "plan"), map[string]any{"criterion": "autonomy", "action": "x"}), "action")
	wantFields(t, e.Post(alexTok, emPath(alex, "plan"), map[string]any{"criterion": "autonomy", "action": "   Do it    "}), "action")
	wantFields(t, e.Post(alexTok, emPath(alex, "plan"),
		map[string]any{"criterion": "autonomy", "action": "Lead the incident review.", "revisit_on": "2020-01-01"}), "revisit_on")
	wantFields(t, e.Post(dana, emPath(alex, "plan"),
		map[string]any{"criterion": "autonomy", "action": "Lead the incident review.", "revisit_on": "2026-11-25"}), "revisit_on")
	wantFields(t, e.Patch(alexTok, emPath(alex, "plan", item.ID), map[string]any{"action": "short"}), "action")
	wantFields(t, e.Patch(alexTok, emPath(alex, "plan", item.ID), map[string]any{"revisit_on": "2026-01-01"}), "revisit_on")
	check()

	// Once the date has passed, the item can still be completed, with its
	// date sent back unchanged.
	e.Clock.Advance(72 * 3600 * 1e9)
	e.tokens = map[string]string{} // the old ones expired meanwhile
	alexTok, dana, admin = e.tok(demoAlex), e.tok(demoDana), e.tok("admin@acme.test")
	done := decodeOK[planItemDoc](t, e.Patch(alexTok, emPath(alex, "plan", item.ID),
		map[string]any{"status": "done", "revisit_on": today, "action": "Run Q1 ops"}), http.StatusOK)
	if done.Status != "done" || !ptrEq(done.RevisitOn, today) {
		t.Fatalf("completed %+v", done)
	}

	// Delete: the plan's writers, 204; admins and peers 403; others and
	// unknown items 404; nothing written when refused.
	check = e.noWrite(t, "admin@acme.test", emPath(alex, "plan"))
	wantError(t, e.Delete(admin, emPath(alex, "plan", item.ID)), http.StatusForbidden, "forbidden")
	wantError(t, e.Delete(e.tok("pat@acme.test"), emPath(alex, "plan", item.ID)), http.StatusForbidden, "forbidden")
	wantError(t, e.Delete(e.tok(demoBlair), emPath(alex, "plan", item.ID)), http.StatusNotFound, "not_found")
	wantError(t, e.Delete(e.tok(demoOmar), emPath(alex, "plan", item.ID)), http.StatusNotFound, "not_found")
	wantError(t, e.Delete(alexTok, emPath(alex, "plan", "no-such-item")), http.StatusNotFound, "not_found")
	wantError(t, e.Delete(e.tok(demoBlair), emPath(e.ID(demoBlair), "plan", item.ID)), http.StatusNotFound, "not_found")
	check()
	res := e.Delete(alexTok, emPath(alex, "plan", item.ID))
	wantStatus(t, res, http.StatusNoContent)
	if len(res.Body) != 0 {
		t.Fatalf("204 with a body: %s", res.Body)
	}
	wantError(t, e.Delete(alexTok, emPath(alex, "plan", item.ID)), http.StatusNotFound, "not_found")
	other := decodeOK[planItemDoc](t, e.Post(alexTok, emPath(alex, "plan"),
		map[string]any{"criterion": "autonomy", "action": "Write the Q2 reliability budget."}), http.StatusCreated)
	wantStatus(t, e.Delete(dana, emPath(alex, "plan", other.ID)), http.StatusNoContent)
	if items := planOf(t, e.Env, alexTok, alex); len(items) != 0 {
		t.Fatalf("the plan still holds %+v", items)
	}
	trail := planAudit(t, e.Env, admin, item.ID)
	if len(trail) == 0 || trail[0].Action != "plan_item.delete" || !ptrEq(trail[0].ActorID, alex) ||
		!strings.Contains(string(trail[0].Before), "Run Q1 ops") {
		t.Fatalf("the deletion's audit %+v", trail)
	}
}
