package httpapi_test

// The 9-box of a cycle: the demo's cycle in calibration placed by hand
// from internal/demo/cycles.go, decisions moving EMs across columns, EMs
// left unplaced, and who may read it (as the board).

import (
	"net/http"
	"reflect"
	"testing"

	"calibrate/internal/testkit"
)

type nineBoxCellDoc struct {
	Band      string   `json:"band"`
	Readiness string   `json:"readiness"`
	Count     int      `json:"count"`
	Percent   float64  `json:"percent"`
	EMIDs     []string `json:"em_ids"`
}

type guideLineDoc struct {
	Readiness string  `json:"readiness"`
	Min       int     `json:"min"`
	Max       int     `json:"max"`
	Count     int     `json:"count"`
	Percent   float64 `json:"percent"`
	Within    bool    `json:"within"`
}

type nineBoxDoc struct {
	Bar      int              `json:"bar"`
	Total    int              `json:"total"`
	Boxes    []nineBoxCellDoc `json:"boxes"`
	Unplaced []string         `json:"unplaced_em_ids"`
	Guide    []guideLineDoc   `json:"guide"`
}

// nineBoxOrder is the order of the boxes: band, then column.
var nineBoxOrder = [][2]string{
	{"above", "later"}, {"above", "ready_6_12_months"}, {"above", "ready_now"},
	{"at", "later"}, {"at", "ready_6_12_months"}, {"at", "ready_now"},
	{"below", "later"}, {"below", "ready_6_12_months"}, {"below", "ready_now"},
}

func getNineBox(t testing.TB, e *testkit.Env, tok, cycleID string) nineBoxDoc {
	t.Helper()
	return decodeOK[nineBoxDoc](t, e.Get(tok, cyclePath(cycleID, "nine-box")), http.StatusOK)
}

// wantBoxes checks all nine boxes: filled lists the EM ids of the boxes
// that are not empty, by "band/column", in order; pct their percent.
func wantBoxes(t testing.TB, n nineBoxDoc, filled map[string][]string, pct map[string]float64) {
	t.Helper()
	if len(n.Boxes) != 9 {
		t.Fatalf("%d boxes, want 9: %+v", len(n.Boxes), n.Boxes)
	}
	for i, b := range n.Boxes {
		if b.Band != nineBoxOrder[i][0] || b.Readiness != nineBoxOrder[i][1] {
			t.Fatalf("box %d is %s/%s, want %s/%s", i, b.Band, b.Readiness, nineBoxOrder[i][0], nineBoxOrder[i][1])
		}
		key := b.Band + "/" + b.Readiness
		ids := filled[key]
		if ids == nil {
			ids = []string{}
		}
		if b.Count != len(ids) || !reflect.DeepEqual(b.EMIDs, ids) || b.Percent != pct[key] {
			t.Errorf("box %s: %d %v %.1f%%, want %d %v %.1f%%", key, b.Count, b.EMIDs, b.Percent, len(ids), ids, pct[key])
		}
	}
}

// Dana's "2026 H2 calibration", from internal/demo/cycles.go (default
// framework, nine criteria of weight 1, bar 3):
//
//	Alex  4,3,3,3,4,4,3,3,3 = 30/9 = 3.33 → at;    none below the bar, and
//	      2026 H1 had none either: suggested ready_now, no decision
//	Blair 3,3,3,3,3,3,2,3,3 = 26/9 = 2.89 → below; decided ready_12_24_months → later
//	Casey 3,4,3,3,3,3,3,4,3 = 29/9 = 3.22 → at;    none below, no clean past
//	      cycle: suggested ready_6_12_months, no decision
//	Drew  3,3,3,3,3,3,3,2 (eight rated) = 23/8 = 2.88 → below; decided
//	      ready_12_24_months → later
func TestNineBoxOfTheDemoCycle(t *testing.T) {
	e := testkit.New(t)
	dana, admin := e.Token(demoDana), e.Token("admin@acme.test")
	id := calibratingCycle(t, e, dana)
	alex, blair, casey, drew := e.ID(demoAlex), e.ID(demoBlair), e.ID(demoCasey), e.ID(demoDrew)

	// The board the grid derives from says the same.
	b := getBoard(t, e, dana, id, "")
	for _, c := range []struct {
		name      string
		composite float64
	}{{"alex", 3.33}, {"blair", 2.89}, {"casey", 3.22}, {"drew", 2.88}} {
		if r := b.row(t, c.name); !ptrEq(r.Composite, c.composite) {
			t.Fatalf("%s's composite on the board is %s, want %.2f", c.name, show(r.Composite), c.composite)
		}
	}

	n := getNineBox(t, e, dana, id)
	if n.Bar != 3 || n.Total != 4 || len(n.Unplaced) != 0 || n.Guide != nil {
		t.Fatalf("bar %d total %d unplaced %v guide %v", n.Bar, n.Total, n.Unplaced, n.Guide)
	}
	wantBoxes(t, n, map[string][]string{
		"at/ready_now": {alex}, "at/ready_6_12_months": {casey}, "below/later": {blair, drew},
	}, map[string]float64{"at/ready_now": 25, "at/ready_6_12_months": 25, "below/later": 50})
	// An admin reads the same grid.
	if got := getNineBox(t, e, admin, id); !reflect.DeepEqual(got, n) {
		t.Fatalf("the admin's 9-box %+v differs from the owner's %+v", got, n)
	}

	// A decision wins over the suggestion: Alex decided 12–24 months joins
	// the later column of his band.
	decide(t, e, dana, id, alex, "ready_12_24_months", "One more half at the bar before a case.", 0)
	wantBoxes(t, getNineBox(t, e, dana, id), map[string][]string{
		"at/later": {alex}, "at/ready_6_12_months": {casey}, "below/later": {blair, drew},
	}, map[string]float64{"at/later": 25, "at/ready_6_12_months": 25, "below/later": 50})
}

// EMs without a composite, or with neither a decision nor a suggestion,
// are counted in total but left out of the grid and its percentages.
func TestNineBoxUnplaced(t *testing.T) {
	e := newCycleEnv(t)
	const omar, erin, finn = "omar@acme.test", "erin@acme.test", "finn@acme.test"
	f := e.newCycle(omar, []string{erin, finn}, nil)
	f.advanceTo("calibrating")

	n := getNineBox(t, e.Env, e.tok(omar), f.id)
	if n.Total != 2 || !reflect.DeepEqual(n.Unplaced, []string{e.ID(erin), e.ID(finn)}) {
		t.Fatalf("nobody rated: total %d unplaced %v", n.Total, n.Unplaced)
	}
	wantBoxes(t, n, nil, nil)

	// Erin rated 3 everywhere: composite 3.00, exactly the bar, and no
	// criterion below it with no past cycle: suggested ready_6_12_months.
	// Finn rated on one criterion: a composite (2.00) but no suggestion
	// until every criterion is rated, and no decision.
	f.rate(erin, 3, 0, "")
	wantStatus(t, f.putAssessment(omar, finn, map[string]any{"ratings": fullRatings(2, "finn")[:1], "version": 0}), http.StatusOK)
	n = getNineBox(t, e.Env, e.tok(omar), f.id)
	if n.Total != 2 || !reflect.DeepEqual(n.Unplaced, []string{e.ID(finn)}) {
		t.Fatalf("total %d unplaced %v, want Finn unplaced", n.Total, n.Unplaced)
	}
	wantBoxes(t, n, map[string][]string{"at/ready_6_12_months": {e.ID(erin)}}, map[string]float64{"at/ready_6_12_months": 100})

	// A decision places Finn: composite 2.00 is below the bar.
	f.decide(finn, "not_yet", 0)
	n = getNineBox(t, e.Env, e.tok(omar), f.id)
	if n.Total != 2 || len(n.Unplaced) != 0 {
		t.Fatalf("total %d unplaced %v, want everyone placed", n.Total, n.Unplaced)
	}
	wantBoxes(t, n, map[string][]string{"at/ready_6_12_months": {e.ID(erin)}, "below/later": {e.ID(finn)}},
		map[string]float64{"at/ready_6_12_months": 50, "below/later": 50})
}

// The 9-box answers whoever may read the board, and refuses the others as
// the board does.
func TestNineBoxAccess(t *testing.T) {
	e := testkit.New(t)
	dana := e.Token(demoDana)
	id := calibratingCycle(t, e, dana)
	for _, c := range []struct {
		who    string
		status int
	}{
		{demoDana, http.StatusOK},
		{"admin@acme.test", http.StatusOK},
		{demoOmar, http.StatusNotFound}, // a director who does not own the cycle
		{demoAlex, http.StatusForbidden},
		{demoPat, http.StatusNotFound}, // a peer reads it only as a guest of the cycle
		{"admin@globex.test", http.StatusNotFound},
		{"gwen@globex.test", http.StatusNotFound},
	} {
		tok := e.Token(c.who)
		board := e.Get(tok, cyclePath(id, "board"))
		nine := e.Get(tok, cyclePath(id, "nine-box"))
		if board.Status != c.status || nine.Status != c.status {
			t.Errorf("%s: board %d, 9-box %d, want %d", c.who, board.Status, nine.Status, c.status)
		}
	}
	wantError(t, e.Get(dana, cyclePath("01a21af4-bba4-7006-95df-960ccdea4a6d", "nine-box")), http.StatusNotFound, "not_found")
	wantStatus(t, e.Get("", cyclePath(id, "nine-box")), http.StatusUnauthorized)
}
