package calibration

import (
	"strings"
	"testing"
	"time"

	"calibrate/internal/domain"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// facts builds EMFacts over the default framework with the director's
// scores in criterion order (0 leaves a criterion unrated) and long enough
// evidence everywhere.
func facts(scores ...int) EMFacts {
	fw := domain.DefaultFramework()
	f := EMFacts{Framework: fw, Director: map[string]domain.Rating{}, Self: map[string]domain.Rating{}, Now: now}
	for i, s := range scores {
		if s == 0 {
			continue
		}
		k := fw.Criteria[i].Key
		f.Director[k] = domain.Rating{Criterion: k, Score: s, Evidence: strings.Repeat("e", 20)}
	}
	return f
}

func all(score int) []int {
	s := make([]int, 9)
	for i := range s {
		s[i] = score
	}
	return s
}

func ready(r domain.Readiness) *domain.Readiness { return &r }

func past(readiness domain.Readiness, below int) domain.PastCycle {
	return domain.PastCycle{Readiness: &readiness, Rated: 9, Below: below, State: domain.StateReleased}
}

func TestSuggest(t *testing.T) {
	clean := past(domain.Ready6to12, 0)
	dirty := past(domain.Ready12to24, 1)
	tests := []struct {
		name   string
		scores []int
		past   []domain.PastCycle
		want   *domain.Readiness
	}{
		{"nothing rated", make([]int, 9), nil, nil},
		{"one criterion unrated", []int{3, 3, 3, 3, 3, 3, 3, 3, 0}, nil, nil},
		{"all at the bar, first time", all(3), nil, ready(domain.Ready6to12)},
		{"all at the bar, sustained", all(3), []domain.PastCycle{clean}, ready(domain.ReadyNow)},
		{"all at the bar, previous had one below", all(3), []domain.PastCycle{dirty}, ready(domain.Ready6to12)},
		{"previous clean cycle further back still counts", all(3), []domain.PastCycle{clean, dirty}, ready(domain.ReadyNow)},
		{"previous cycle unrated is not sustained", all(3), []domain.PastCycle{{Rated: 0}}, ready(domain.Ready6to12)},
		{"two below, composite at the bar", []int{2, 2, 4, 4, 3, 3, 3, 3, 3}, nil, ready(domain.Ready6to12)},
		{"two below, composite under the bar", []int{2, 2, 3, 3, 3, 3, 3, 3, 4}, nil, ready(domain.Ready12to24)},
		{"three below, composite at the bar", []int{2, 2, 2, 4, 4, 4, 3, 3, 3}, nil, ready(domain.Ready12to24)},
		{"composite under bar - 0.5", []int{2, 2, 2, 2, 2, 3, 3, 3, 2}, nil, ready(domain.ReadinessNotYet)},
		{"all at the floor", all(1), []domain.PastCycle{clean}, ready(domain.ReadinessNotYet)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := facts(tt.scores...)
			f.Past = tt.past
			got := f.Suggest()
			if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Fatalf("Suggest() = %v, want %v", deref(got), deref(tt.want))
			}
		})
	}
}

// twoCriteria is a small framework whose composites land exactly on the
// thresholds: weights 1 and 1, bar 3.
func twoCriteria(a, b int) EMFacts {
	fw := domain.Framework{Scale: domain.Scale{Min: 1, Max: 4, Bar: 3}, Criteria: []domain.Criterion{
		{Key: "a", Title: "A", Weight: 1}, {Key: "b", Title: "B", Weight: 1}}}
	ev := strings.Repeat("e", 20)
	return EMFacts{Framework: fw, Now: now, Self: map[string]domain.Rating{}, Director: map[string]domain.Rating{
		"a": {Criterion: "a", Score: a, Evidence: ev}, "b": {Criterion: "b", Score: b, Evidence: ev}}}
}

func TestSuggestAtCompositeThresholds(t *testing.T) {
	tests := []struct {
		a, b int
		want domain.Readiness
	}{
		{2, 3, domain.Ready12to24},     // composite 2.5 = bar - 0.5, two below not needed
		{2, 2, domain.ReadinessNotYet}, // 2.0
		{2, 4, domain.Ready6to12},      // one below, composite 3.0 = bar
	}
	for _, tt := range tests {
		if got := twoCriteria(tt.a, tt.b).Suggest(); got == nil || *got != tt.want {
			t.Errorf("scores %d,%d: Suggest() = %v, want %s", tt.a, tt.b, deref(got), tt.want)
		}
	}
}

func TestCompositeWeights(t *testing.T) {
	fw := domain.Framework{Criteria: []domain.Criterion{{Key: "a", Weight: 3}, {Key: "b", Weight: 1}}}
	got := Composite(fw, []domain.Rating{{Criterion: "a", Score: 4}, {Criterion: "b", Score: 1}})
	if got == nil || *got != 3.25 {
		t.Fatalf("weighted composite = %v, want 3.25", got)
	}
	got = Composite(fw, []domain.Rating{{Criterion: "a", Score: 2}, {Criterion: "b", Score: 3}, {Criterion: "c", Score: 1}})
	if got == nil || *got != 2.25 {
		t.Fatalf("unknown criteria must not count: %v", got)
	}
	if Composite(fw, nil) != nil {
		t.Fatal("composite with nothing rated must be nil")
	}
	third := Composite(domain.Framework{Criteria: []domain.Criterion{{Key: "a", Weight: 1}, {Key: "b", Weight: 2}}},
		[]domain.Rating{{Criterion: "a", Score: 3}, {Criterion: "b", Score: 2}})
	if third == nil || *third != 2.33 {
		t.Fatalf("composite rounds to two decimals: %v", third)
	}
	if f := facts(make([]int, 9)...); f.CompositeOf() != nil || f.EvidenceCoverage() != nil || f.Suggest() != nil {
		t.Fatal("nothing rated: composite, coverage and suggestion must be nil")
	}
}

func codes(fs []Flag) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[f.Code]++
	}
	return out
}

func note(adv domain.Advocacy, criteria ...string) domain.PeerNote {
	return domain.PeerNote{Advocacy: adv, Criteria: criteria, Body: "a note long enough to count"}
}

func TestFlagsAtThresholds(t *testing.T) {
	key := domain.DefaultFramework().Criteria[0].Key // org_leverage
	withNote := func(f EMFacts) EMFacts {
		f.Notes = append(f.Notes, note(domain.AdvocacySupport))
		return f
	}
	tests := []struct {
		name  string
		build func() EMFacts
		code  string
		want  int
	}{
		{"self gap of exactly 1", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Self[key] = domain.Rating{Criterion: key, Score: 4}
			return f
		}, FlagSelfGap, 0},
		{"self gap of exactly 2", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Self[key] = domain.Rating{Criterion: key, Score: 1}
			return f
		}, FlagSelfGap, 1},
		{"evidence of 19 characters", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Director[key] = domain.Rating{Criterion: key, Score: 3, Evidence: strings.Repeat("é", 19)}
			return f
		}, FlagMissingEvidence, 1},
		{"evidence of 20 characters", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Director[key] = domain.Rating{Criterion: key, Score: 3, Evidence: strings.Repeat("é", 20)}
			return f
		}, FlagMissingEvidence, 0},
		{"at the bar with a concern", func() EMFacts {
			f := facts(all(3)...)
			f.Notes = []domain.PeerNote{note(domain.AdvocacyConcern, key)}
			return f
		}, FlagPeerDivergence, 1},
		{"below the bar with a concern", func() EMFacts {
			f := facts(append([]int{2}, all(3)[1:]...)...)
			f.Notes = []domain.PeerNote{note(domain.AdvocacyConcern, key)}
			return f
		}, FlagPeerDivergence, 0},
		{"below the bar with one strong note", func() EMFacts {
			f := facts(append([]int{2}, all(3)[1:]...)...)
			f.Notes = []domain.PeerNote{note(domain.AdvocacyStrong, key)}
			return f
		}, FlagPeerDivergence, 0},
		{"below the bar with two strong notes", func() EMFacts {
			f := facts(append([]int{2}, all(3)[1:]...)...)
			f.Notes = []domain.PeerNote{note(domain.AdvocacyStrong, key), note(domain.AdvocacyStrong, key)}
			return f
		}, FlagPeerDivergence, 1},
		{"strong notes on another criterion", func() EMFacts {
			f := facts(append([]int{2}, all(3)[1:]...)...)
			other := domain.DefaultFramework().Criteria[1].Key
			f.Notes = []domain.PeerNote{note(domain.AdvocacyStrong, other), note(domain.AdvocacyStrong, other)}
			return f
		}, FlagPeerDivergence, 0},
		{"no notes", func() EMFacts { return facts(all(3)...) }, FlagNoPeerInput, 1},
		{"one note", func() EMFacts { return withNote(facts(all(3)...)) }, FlagNoPeerInput, 0},
		{"one criterion unrated", func() EMFacts { return withNote(facts(3, 3, 3, 3, 3, 3, 3, 3, 0)) }, FlagIncomplete, 1},
		{"all rated", func() EMFacts { return withNote(facts(all(3)...)) }, FlagIncomplete, 0},
		{"a move of one step", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.Ready12to24, 1)}
			f.Decision = ready(domain.Ready6to12)
			return f
		}, FlagBigMove, 0},
		{"a move of two steps", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.ReadinessNotYet, 3)}
			f.Decision = ready(domain.Ready6to12)
			return f
		}, FlagBigMove, 1},
		{"a move of two steps down", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.ReadyNow, 0)}
			f.Decision = ready(domain.Ready12to24)
			return f
		}, FlagBigMove, 1},
		{"the same readiness twice", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.Ready12to24, 1)}
			f.Decision = ready(domain.Ready12to24)
			return f
		}, FlagStalled, 0},
		{"the third stalled cycle", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.Ready12to24, 1), past(domain.Ready12to24, 1)}
			f.Decision = ready(domain.Ready12to24)
			return f
		}, FlagStalled, 1},
		{"three times ready now is not stalled", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.ReadyNow, 0), past(domain.ReadyNow, 0)}
			f.Decision = ready(domain.ReadyNow)
			return f
		}, FlagStalled, 0},
		{"stalled needs this cycle's decision", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.Ready12to24, 1), past(domain.Ready12to24, 1)}
			return f
		}, FlagStalled, 0},
		{"ready now after 23 months as an EM", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.Ready6to12, 0)}
			since := now.AddDate(0, -23, 0).Format(domain.DateLayout)
			f.EMSince = &since
			return f
		}, FlagShortTenure, 1},
		{"ready now after 24 months as an EM", func() EMFacts {
			f := withNote(facts(all(3)...))
			f.Past = []domain.PastCycle{past(domain.Ready6to12, 0)}
			since := now.AddDate(0, -24, 0).Format(domain.DateLayout)
			f.EMSince = &since
			return f
		}, FlagShortTenure, 0},
		{"decided ready now with short tenure", func() EMFacts {
			f := withNote(facts(all(3)...))
			since := now.AddDate(0, -6, 0).Format(domain.DateLayout)
			f.EMSince = &since
			f.Decision = ready(domain.ReadyNow)
			return f
		}, FlagShortTenure, 1},
		{"short tenure but not ready now", func() EMFacts {
			f := withNote(facts(all(3)...))
			since := now.AddDate(0, -6, 0).Format(domain.DateLayout)
			f.EMSince = &since
			return f
		}, FlagShortTenure, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := codes(tt.build().Flags())[tt.code]
			if got != tt.want {
				t.Fatalf("%s raised %d times, want %d", tt.code, got, tt.want)
			}
		})
	}
}

func TestEvidenceCoverage(t *testing.T) {
	f := facts(3, 3, 3, 3, 0, 0, 0, 0, 0)
	k := domain.DefaultFramework().Criteria[0].Key
	f.Director[k] = domain.Rating{Criterion: k, Score: 3, Evidence: "short"}
	// Three of nine criteria rated with evidence: the five unrated ones and
	// the short evidence both count against it.
	if got := f.EvidenceCoverage(); got == nil || *got != 0.33 {
		t.Fatalf("coverage = %v, want 0.33 (3 of 9 criteria rated with evidence)", got)
	}
	full := facts(3, 3, 3, 3, 3, 3, 3, 3, 3)
	if got := full.EvidenceCoverage(); got == nil || *got != 1 {
		t.Fatalf("coverage = %v, want 1 (every criterion rated with evidence)", got)
	}
	delete(full.Director, k)
	if got := full.EvidenceCoverage(); got == nil || *got != 0.89 {
		t.Fatalf("coverage = %v, want 0.89 (8 of 9 criteria rated, all with evidence)", got)
	}
}

// Flag messages are read by people on the board: readiness in words, never
// the API's value.
func TestBigMoveMessageNamesThePreviousReadinessInWords(t *testing.T) {
	f := facts(all(3)...)
	f.Past = []domain.PastCycle{past(domain.ReadinessNotYet, 3)}
	f.Decision = ready(domain.Ready6to12)
	for _, fl := range f.Flags() {
		if fl.Code != FlagBigMove {
			continue
		}
		if want := "the decision is two or more steps from the previous one (Not yet)"; fl.Message != want {
			t.Fatalf("big_move message %q, want %q", fl.Message, want)
		}
		return
	}
	t.Fatal("no big_move flag")
}
