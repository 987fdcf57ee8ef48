package httpapi_test

import (
	"net/http"
	"testing"
	"time"
)

type shiftCountsDoc struct {
	Up        int `json:"up"`
	Down      int `json:"down"`
	Unchanged int `json:"unchanged"`
}

type shiftGroupDoc struct {
	Kind       string `json:"kind"`
	Group      string `json:"group"`
	FewerThan4 bool   `json:"fewer_than_4"`
	Up         *int   `json:"up"`
	Down       *int   `json:"down"`
	Unchanged  *int   `json:"unchanged"`
}

type shiftsDoc struct {
	Total  shiftCountsDoc `json:"total"`
	Levels []struct {
		Level string `json:"level"`
		shiftCountsDoc
	} `json:"levels"`
	Directors []struct {
		Director cyRef `json:"director"`
		shiftCountsDoc
	} `json:"directors"`
	Groups []shiftGroupDoc `json:"groups"`
}

// TestCycleShifts: nine EMs of two co-owners, decisions changed over the
// meeting, notes from peers of three functions and tenures in every band.
func TestCycleShifts(t *testing.T) {
	e := newCycleEnv(t)
	const hana, ivo = "hana@acme.test", "ivo@acme.test"
	e.addPerson(hana, "Hana Lind", "director", "", "", "")
	e.addPerson(ivo, "Ivo Brandt", "director", "", "", "")
	e.addPerson("pp@acme.test", "Pia Product", "peer", "product", "", "")
	e.addPerson("pd@acme.test", "Dov Design", "peer", "design", "", "")
	e.addPerson("po@acme.test", "Ola Operations", "peer", "operations", "", "")
	// Tenure as of the day the cycle is finalized, 2026-11-27.
	ems := []struct{ email, director, since string }{
		{"a1@acme.test", hana, "2026-03-01"}, // under a year
		{"a2@acme.test", hana, "2025-06-01"}, // one to two
		{"a3@acme.test", hana, "2023-01-10"}, // two to four
		{"a4@acme.test", ivo, "2024-01-10"},  // two to four
		{"a5@acme.test", ivo, "2020-05-05"},  // four or more
		{"a6@acme.test", ivo, ""},            // unknown
		{"a7@acme.test", hana, "2024-06-01"}, // two to four
		{"a8@acme.test", ivo, "2024-11-27"},  // two years that very day: two to four
		{"a9@acme.test", hana, "2021-01-01"}, // never decided: left out
	}
	var emails []string
	for i, m := range ems {
		e.addPerson(m.email, "EM "+string(rune('A'+i)), "em", "", m.director, m.since)
		emails = append(emails, m.email)
	}
	f := e.newCycle(hana, emails, map[string]any{"co_owner_ids": []string{e.ID(ivo)}})
	f.moveTo("input_open")

	// Notes, one second apart so that "earliest" is well defined.
	note := func(em, peer, advocacy string) {
		t.Helper()
		id := f.request(hana, em, peer)
		e.Clock.Advance(time.Second)
		f.note(peer, id, advocacy, "A concrete example of how "+em+" worked with us this half.")
	}
	note("a1@acme.test", "pp@acme.test", "support")
	note("a1@acme.test", "pd@acme.test", "strong") // design: the strongest
	note("a2@acme.test", "pp@acme.test", "neutral")
	note("a2@acme.test", "po@acme.test", "neutral") // product: the earliest of equals
	note("a3@acme.test", "po@acme.test", "concern")
	note("a4@acme.test", "pp@acme.test", "strong")
	note("a5@acme.test", "pp@acme.test", "support")
	note("a7@acme.test", "pp@acme.test", "strong")
	note("a7@acme.test", "pd@acme.test", "strong") // product: earlier
	f.moveTo("calibrating")

	// Decisions, changed over the meeting: first → final.
	decide := func(em string, readiness ...string) {
		t.Helper()
		v := 0
		for _, r := range readiness {
			v = f.decide(em, r, v)
		}
	}
	decide("a1@acme.test", "ready_12_24_months", "ready_6_12_months")              // up
	decide("a2@acme.test", "not_yet", "ready_12_24_months", "not_yet")             // unchanged
	decide("a3@acme.test", "ready_now", "ready_6_12_months")                       // down
	decide("a4@acme.test", "ready_12_24_months", "ready_6_12_months", "ready_now") // up
	decide("a5@acme.test", "ready_6_12_months")                                    // unchanged
	decide("a6@acme.test", "not_yet", "ready_12_24_months")                        // up
	decide("a7@acme.test", "ready_6_12_months", "ready_12_24_months", "not_yet")   // down
	decide("a8@acme.test", "ready_12_24_months")                                   // unchanged

	shifts := func(as string) shiftsDoc {
		t.Helper()
		return decodeOK[shiftsDoc](t, e.Get(e.tok(as), f.path("shifts")), http.StatusOK)
	}
	n := func(v int) *int { return &v }
	check := func(got shiftsDoc) {
		t.Helper()
		if got.Total != (shiftCountsDoc{3, 2, 3}) {
			t.Errorf("total %+v, want 3 up, 2 down, 3 unchanged", got.Total)
		}
		if len(got.Levels) != 2 || got.Levels[0].Level != "director_session" || got.Levels[0].shiftCountsDoc != (shiftCountsDoc{3, 2, 3}) ||
			got.Levels[1].Level != "rollup" || got.Levels[1].shiftCountsDoc != (shiftCountsDoc{0, 0, 8}) {
			t.Errorf("levels %+v", got.Levels)
		}
		if len(got.Directors) != 2 ||
			got.Directors[0].Director != (cyRef{e.ID(hana), "Hana Lind"}) || got.Directors[0].shiftCountsDoc != (shiftCountsDoc{1, 2, 1}) ||
			got.Directors[1].Director != (cyRef{e.ID(ivo), "Ivo Brandt"}) || got.Directors[1].shiftCountsDoc != (shiftCountsDoc{2, 0, 2}) {
			t.Errorf("directors %+v", got.Directors)
		}
		small := func(kind, group string) shiftGroupDoc {
			return shiftGroupDoc{Kind: kind, Group: group, FewerThan4: true}
		}
		want := []shiftGroupDoc{
			{Kind: "advocate_function", Group: "product", Up: n(1), Down: n(1), Unchanged: n(2)}, // a2, a4, a5, a7
			small("advocate_function", "design"),                                                 // a1
			small("advocate_function", "operations"),                                             // a3
			small("advocate_function", "engineering"),                                            // nobody
			small("advocate_function", "other"),
			small("advocate_function", "none"), // a6, a8
			small("tenure", "under_1_year"),
			small("tenure", "1_to_2_years"),
			{Kind: "tenure", Group: "2_to_4_years", Up: n(1), Down: n(2), Unchanged: n(1)}, // a3, a4, a7, a8
			small("tenure", "4_years_or_more"),
			small("tenure", "unknown"),
		}
		if len(got.Groups) != len(want) {
			t.Fatalf("groups %+v", got.Groups)
		}
		for i, g := range got.Groups {
			w := want[i]
			if g.Kind != w.Kind || g.Group != w.Group || g.FewerThan4 != w.FewerThan4 ||
				!eqInt(g.Up, w.Up) || !eqInt(g.Down, w.Down) || !eqInt(g.Unchanged, w.Unchanged) {
				t.Errorf("group %d: %s/%s fewer %v %v/%v/%v, want %+v", i, g.Kind, g.Group, g.FewerThan4,
					intOrNil(g.Up), intOrNil(g.Down), intOrNil(g.Unchanged), w)
			}
		}
	}
	// While calibrating, tenure is as of today: the same day here.
	check(shifts(hana))
	// Who may read it: owners and admins; other directors find nothing.
	check(shifts(ivo))
	check(shifts("admin@acme.test"))
	wantError(t, e.Get(e.tok("dana@acme.test"), f.path("shifts")), http.StatusNotFound, "not_found")
	wantError(t, e.Get(e.tok("a1@acme.test"), f.path("shifts")), http.StatusForbidden, "forbidden")
	wantError(t, e.Get(e.tok("pp@acme.test"), f.path("shifts")), http.StatusForbidden, "forbidden")
	wantError(t, e.Get(e.tok("gwen@globex.test"), f.path("shifts")), http.StatusNotFound, "not_found")

	// Finalized, tenure stays as of the finalization: a year later a1 has
	// been an EM for over a year, but the answer does not change.
	decide("a9@acme.test", "not_yet")
	f.moveTo("finalized")
	e.Clock.Advance(400 * 24 * time.Hour)
	e.relogin()
	got := shifts(hana)
	// a9 counts now (decided once: unchanged), in hana's column, product-
	// less (none) and four years or more.
	if got.Total != (shiftCountsDoc{3, 2, 4}) || got.Directors[0].shiftCountsDoc != (shiftCountsDoc{1, 2, 2}) {
		t.Fatalf("after finalizing: total %+v, hana %+v", got.Total, got.Directors[0])
	}
	for _, g := range got.Groups {
		if g.Kind == "tenure" && g.Group == "under_1_year" && !g.FewerThan4 {
			t.Fatalf("tenure was taken as of today, not the finalization: %+v", got.Groups)
		}
		if g.Kind == "tenure" && g.Group == "2_to_4_years" && (g.FewerThan4 || *g.Up != 1 || *g.Down != 2 || *g.Unchanged != 1) {
			t.Fatalf("two to four years after finalizing: %+v", g)
		}
	}
}

func eqInt(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func intOrNil(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
