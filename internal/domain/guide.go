package domain

import (
	"encoding/json"
	"fmt"
	"math"
)

// GuideRange is the share of EMs, in whole percent, a distribution guide
// expects for one readiness value.
type GuideRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// DistributionGuide gives, for any subset of the readiness values, the
// share of EMs a cycle or roll-up is expected to place there. A guide
// guides: finalizing outside it needs a reason, and nobody is forced into a
// box. A nil guide is no guide.
type DistributionGuide map[Readiness]GuideRange

// Validate checks the guide's values; field paths start at prefix
// (distribution_guide).
func (g DistributionGuide) Validate(prefix string, f Fields) {
	for r, v := range g {
		path := prefix + "." + string(r)
		switch {
		case !r.Valid():
			f.Add(path, "is not a readiness value")
		case v.Min < 0 || v.Max > 100 || v.Min > v.Max:
			f.Add(path, "needs 0 ≤ min ≤ max ≤ 100")
		}
	}
}

// GuideLine is one readiness value of a guide against what was decided.
type GuideLine struct {
	Readiness Readiness `json:"readiness"`
	Min       int       `json:"min"`
	Max       int       `json:"max"`
	Count     int       `json:"count"`
	// Percent is Count over the EMs the guide applies to, rounded to one
	// decimal.
	Percent float64 `json:"percent"`
	Within  bool    `json:"within"`
}

// Against compares the guide with counts of decisions out of total EMs,
// in the order of Readinesses. Within compares the exact share, before
// rounding.
func (g DistributionGuide) Against(counts map[Readiness]int, total int) []GuideLine {
	var out []GuideLine
	for _, r := range Readinesses {
		v, ok := g[r]
		if !ok {
			continue
		}
		n := counts[r]
		pct := 0.0
		if total > 0 {
			pct = float64(n) * 100 / float64(total)
		}
		out = append(out, GuideLine{Readiness: r, Min: v.Min, Max: v.Max, Count: n,
			Percent: math.Round(pct*10) / 10, Within: pct >= float64(v.Min)-1e-9 && pct <= float64(v.Max)+1e-9})
	}
	return out
}

// Outside lists the lines of lines that are not within the guide.
func Outside(lines []GuideLine) []GuideLine {
	var out []GuideLine
	for _, l := range lines {
		if !l.Within {
			out = append(out, l)
		}
	}
	return out
}

// MarshalGuide is the guide as stored (nil for no guide).
func MarshalGuide(g DistributionGuide) *string {
	if g == nil {
		return nil
	}
	b, _ := json.Marshal(g)
	s := string(b)
	return &s
}

// UnmarshalGuide reads a stored guide.
func UnmarshalGuide(s *string) (DistributionGuide, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	var g DistributionGuide
	if err := json.Unmarshal([]byte(*s), &g); err != nil {
		return nil, fmt.Errorf("stored distribution guide: %w", err)
	}
	return g, nil
}
