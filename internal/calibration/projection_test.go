package calibration

import (
	"strings"
	"testing"

	"calibrate/internal/domain"
)

// hc is a finished cycle whose director rated every criterion with scores.
func hc(scores ...int) HistoryCycle {
	fw := domain.DefaultFramework()
	c := HistoryCycle{Framework: fw, Cycle: domain.PastCycle{Rated: len(scores)}}
	for i, s := range scores {
		c.Ratings = append(c.Ratings, domain.Rating{Criterion: fw.Criteria[i].Key, Score: s})
		if s < fw.Scale.Bar {
			c.Cycle.Below++
		}
	}
	c.Composite = Composite(fw, c.Ratings)
	return c
}

func TestProjection(t *testing.T) {
	low := []int{2, 2, 2, 2, 2, 2, 2, 2, 2}   // composite 2.00
	mid := []int{2, 2, 2, 3, 3, 3, 2, 2, 2}   // 2.33
	high := []int{2, 3, 3, 3, 3, 3, 2, 3, 3}  // 2.67
	atBar := []int{3, 3, 3, 3, 3, 3, 3, 3, 4} // all at the bar
	tests := []struct {
		name   string
		cycles []HistoryCycle
		want   *int
		says   string
	}{
		{"no cycle", nil, nil, "No finished cycle"},
		{"one cycle below the bar", []HistoryCycle{hc(low...)}, nil, "at least two"},
		{"one cycle at the bar", []HistoryCycle{hc(atBar...)}, intp(0), "at the bar already"},
		{"already at the bar after growth", []HistoryCycle{hc(low...), hc(atBar...)}, intp(0), "at the bar already"},
		// +0.33 a cycle over three cycles; the lowest criterion (2) needs 1
		// point: ceil(1 / 0.333) = 3 cycles.
		{"rising", []HistoryCycle{hc(low...), hc(mid...), hc(high...)}, intp(3), "about 3 more cycles"},
		{"only the last three count", []HistoryCycle{hc(atBar...), hc(low...), hc(mid...), hc(high...)}, intp(3), "last 3 cycles"},
		{"flat", []HistoryCycle{hc(mid...), hc(mid...), hc(mid...)}, nil, "flat"},
		{"falling", []HistoryCycle{hc(high...), hc(mid...), hc(low...)}, nil, "falling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := trajectory(tt.cycles)
			got := tr.ProjectedCyclesToReady
			if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Fatalf("projected %v, want %v (%s)", show(got), show(tt.want), tr.Projection)
			}
			if !strings.Contains(tr.Projection, tt.says) {
				t.Fatalf("projection %q does not say %q", tr.Projection, tt.says)
			}
		})
	}
}

func intp(n int) *int { return &n }

func show(p *int) any {
	if p == nil {
		return "null"
	}
	return *p
}
