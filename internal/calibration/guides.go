package calibration

import (
	"fmt"
	"strings"

	"calibrate/internal/domain"
)

// Distribution guides: a cycle may say what share of its EMs it expects at
// each readiness value. The board and the 9-box compare the decisions with
// it; finalizing outside it needs a reason, and nothing else is blocked.

// checkGuide validates a guide given for a cycle. A guide without any
// readiness value is no guide.
func checkGuide(f domain.Fields, g domain.DistributionGuide) domain.DistributionGuide {
	if len(g) == 0 {
		return nil
	}
	g.Validate("distribution_guide", f)
	return g
}

// GuideLines compares guide g with the decisions of a group of total EMs:
// nil without a guide, else one line per readiness value the guide names.
func GuideLines(g domain.DistributionGuide, decided []domain.Readiness, total int) []domain.GuideLine {
	if g == nil {
		return nil
	}
	counts := map[domain.Readiness]int{}
	for _, r := range decided {
		counts[r]++
	}
	lines := g.Against(counts, total)
	if lines == nil {
		lines = []domain.GuideLine{}
	}
	return lines
}

// participantDecisions are the readiness values decided for c's
// participants.
func participantDecisions(c domain.Cycle, ds []domain.Decision) []domain.Readiness {
	in := make(map[string]bool, len(c.Participants))
	for _, pt := range c.Participants {
		in[pt.EMID] = true
	}
	var out []domain.Readiness
	for _, d := range ds {
		if in[d.EMID] {
			out = append(out, d.Readiness)
		}
	}
	return out
}

// outsideGuide is the refusal to finalize decisions outside the guide
// without a reason; details.outside lists the lines outside.
func outsideGuide(outside []domain.GuideLine) error {
	parts := make([]string, len(outside))
	for i, l := range outside {
		parts[i] = fmt.Sprintf("%s %d (%.1f%%, guide %d–%d%%)", l.Readiness, l.Count, l.Percent, l.Min, l.Max)
	}
	e := domain.Conflict(domain.CodeOutsideGuide, "the decisions fall outside the distribution guide: "+
		strings.Join(parts, "; ")+"; finalize again with an override_reason to go ahead")
	e.Details = map[string]any{"outside": outside}
	return e
}
