package calibration

import (
	"reflect"
	"testing"

	"calibrate/internal/domain"
)

func fp(v float64) *float64 { return &v }

func rp(r domain.Readiness) *domain.Readiness { return &r }

// box is the box of band and column in r.
func box(t *testing.T, r NineBoxResult, band, col string) NineBoxCell {
	t.Helper()
	for _, b := range r.Boxes {
		if b.Band == band && b.Readiness == col {
			return b
		}
	}
	t.Fatalf("no box %s/%s", band, col)
	return NineBoxCell{}
}

func TestNineBoxAlwaysNineBoxesInOrder(t *testing.T) {
	r := NineBox(nil)
	var got [][2]string
	for _, b := range r.Boxes {
		got = append(got, [2]string{b.Band, b.Readiness})
		if b.Count != 0 || b.Percent != 0 || b.EMIDs == nil || len(b.EMIDs) != 0 {
			t.Fatalf("empty grid box %+v", b)
		}
	}
	want := [][2]string{
		{"above", "later"}, {"above", "ready_6_12_months"}, {"above", "ready_now"},
		{"at", "later"}, {"at", "ready_6_12_months"}, {"at", "ready_now"},
		{"below", "later"}, {"below", "ready_6_12_months"}, {"below", "ready_now"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("boxes %v, want %v", got, want)
	}
	if r.Total != 0 || r.Unplaced == nil || len(r.Unplaced) != 0 {
		t.Fatalf("empty grid: total %d, unplaced %v", r.Total, r.Unplaced)
	}
}

func TestNineBoxBandEdges(t *testing.T) {
	cases := []struct {
		composite, bar float64
		want           string
	}{
		{2.99, 3, BandBelow},
		{3, 3, BandAt},          // exactly at the bar
		{3.49, 3, BandAt},       // just under bar + 0.5
		{3.5, 3, BandAbove},     // exactly bar + 0.5
		{4, 3, BandAbove},       // the top of the scale
		{1, 3, BandBelow},       // the bottom
		{2.5, 2, BandAbove},     // another framework's bar
		{2.49, 2, BandAt},       // under it
		{1.99, 2, BandBelow},    // below it
		{3.51, 3.01, BandAbove}, // bar + 0.5 with a bar that is not whole
	}
	for _, c := range cases {
		if got := Band(c.composite, c.bar); got != c.want {
			t.Errorf("Band(%v, %v) = %s, want %s", c.composite, c.bar, got, c.want)
		}
	}
}

func TestNineBoxColumns(t *testing.T) {
	want := map[domain.Readiness]string{domain.ReadyNow: "ready_now", domain.Ready6to12: "ready_6_12_months",
		domain.Ready12to24: "later", domain.ReadinessNotYet: "later"}
	for r, col := range want {
		if got := Column(r); got != col {
			t.Errorf("Column(%s) = %s, want %s", r, got, col)
		}
	}
}

func TestNineBoxPlacesAndCounts(t *testing.T) {
	items := []NineBoxItem{
		{EMID: "z", Name: "Zoe", Composite: fp(3), Bar: 3, Readiness: rp(domain.ReadyNow)},             // at the bar exactly
		{EMID: "a", Name: "Ann", Composite: fp(3.5), Bar: 3, Readiness: rp(domain.ReadyNow)},           // bar + 0.5: above
		{EMID: "b", Name: "bob", Composite: fp(3.49), Bar: 3, Readiness: rp(domain.ReadyNow)},          // at
		{EMID: "n", Name: "Nia", Composite: nil, Bar: 3, Readiness: rp(domain.ReadyNow)},               // no composite
		{EMID: "m", Name: "Max", Composite: fp(2.2), Bar: 3, Readiness: nil},                           // neither decision nor suggestion
		{EMID: "c", Name: "Cy", Composite: fp(2.2), Bar: 3, Readiness: rp(domain.ReadinessNotYet)},     // below, later
		{EMID: "d", Name: "Dee", Composite: fp(2.5), Bar: 2, Readiness: rp(domain.Ready12to24)},        // above its own bar
		{EMID: "e", Name: "Abe", Composite: fp(2.2), Bar: 3, Readiness: rp(domain.Ready12to24)},        // below, later, first by name
		{EMID: "f", Name: "Fay", Composite: fp(1.0), Bar: 3, Readiness: rp(domain.Ready6to12)},         // below, 6–12
		{EMID: "g", Name: "Gus", Composite: nil, Bar: 3, Readiness: nil},                               // neither
		{EMID: "h", Name: "Hal", Composite: fp(3.2), Bar: 3, Readiness: rp(domain.Readiness("bogus"))}, // not a readiness value
	}
	r := NineBox(items)
	if r.Total != 11 {
		t.Fatalf("total %d, want 11", r.Total)
	}
	if want := []string{"g", "h", "m", "n"}; !reflect.DeepEqual(r.Unplaced, want) {
		t.Fatalf("unplaced %v, want %v (by name: Gus, Hal, Max, Nia)", r.Unplaced, want)
	}
	// 7 placed.
	wantBoxes := map[[2]string]struct {
		ids []string
		pct float64
	}{
		{"above", "ready_now"}:         {[]string{"a"}, 14.3},
		{"above", "later"}:             {[]string{"d"}, 14.3},
		{"at", "ready_now"}:            {[]string{"b", "z"}, 28.6},
		{"below", "later"}:             {[]string{"e", "c"}, 28.6},
		{"below", "ready_6_12_months"}: {[]string{"f"}, 14.3},
	}
	for _, b := range r.Boxes {
		w, ok := wantBoxes[[2]string{b.Band, b.Readiness}]
		if !ok {
			w.ids = []string{}
		}
		if b.Count != len(w.ids) || b.Percent != w.pct || !reflect.DeepEqual(b.EMIDs, w.ids) {
			t.Errorf("box %s/%s: %d %v %.1f%%, want %d %v %.1f%%", b.Band, b.Readiness, b.Count, b.EMIDs, b.Percent,
				len(w.ids), w.ids, w.pct)
		}
	}
	if b := box(t, r, "above", "ready_now"); b.Percent != 14.3 {
		t.Fatalf("1 of 7 is %.1f%%", b.Percent)
	}
}

func TestNineBoxNothingPlaced(t *testing.T) {
	r := NineBox([]NineBoxItem{{EMID: "x", Name: "X", Bar: 3}, {EMID: "y", Name: "Y", Composite: fp(3), Bar: 3}})
	if r.Total != 2 || !reflect.DeepEqual(r.Unplaced, []string{"x", "y"}) {
		t.Fatalf("total %d unplaced %v", r.Total, r.Unplaced)
	}
	for _, b := range r.Boxes {
		if b.Count != 0 || b.Percent != 0 {
			t.Fatalf("box %+v with nobody placed", b)
		}
	}
}

func TestGuideLinesAgainstDecisions(t *testing.T) {
	if GuideLines(nil, []domain.Readiness{domain.ReadyNow}, 1) != nil {
		t.Fatal("no guide gives no lines")
	}
	g := domain.DistributionGuide{domain.ReadyNow: {Min: 0, Max: 25}, domain.ReadinessNotYet: {Min: 10, Max: 50}}
	lines := GuideLines(g, []domain.Readiness{domain.ReadyNow, domain.ReadyNow, domain.Ready12to24}, 4)
	want := []domain.GuideLine{
		{Readiness: domain.ReadyNow, Min: 0, Max: 25, Count: 2, Percent: 50, Within: false},
		{Readiness: domain.ReadinessNotYet, Min: 10, Max: 50, Count: 0, Percent: 0, Within: false},
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("lines %+v, want %+v", lines, want)
	}
	f := domain.Fields{}
	if checkGuide(f, domain.DistributionGuide{}) != nil || f.Err() != nil {
		t.Fatal("an empty guide is no guide")
	}
	checkGuide(f, domain.DistributionGuide{domain.Ready6to12: {Min: 30, Max: 20}})
	if f.Err() == nil {
		t.Fatal("min above max passed")
	}
}
