package calibration

import (
	"encoding/json"
	"testing"
	"time"

	"calibrate/internal/domain"
)

func TestTenureBand(t *testing.T) {
	asOf := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	for since, want := range map[string]string{
		"2026-11-28": TenureUnder1, // a date after as-of
		"2026-11-27": TenureUnder1,
		"2025-11-28": TenureUnder1,
		"2025-11-27": Tenure1To2,
		"2024-11-28": Tenure1To2,
		"2024-11-27": Tenure2To4,
		"2022-11-28": Tenure2To4,
		"2022-11-27": Tenure4OrMore,
		"2001-01-01": Tenure4OrMore,
		"yesterday":  TenureUnknown,
	} {
		s := since
		if got := TenureBand(&s, asOf); got != want {
			t.Errorf("em_since %s: %s, want %s", since, got, want)
		}
	}
	if got := TenureBand(nil, asOf); got != TenureUnknown {
		t.Errorf("no em_since: %s", got)
	}
}

func TestAdvocateFunctions(t *testing.T) {
	at := func(m int) time.Time { return now.Add(time.Duration(m) * time.Minute) }
	people := map[string]domain.User{
		"p": {Function: domain.FunctionProduct}, "d": {Function: domain.FunctionDesign},
		"o": {Function: domain.FunctionOperations}, "x": {}, // no function: other
	}
	notes := []domain.PeerNote{
		{EMID: "a", AuthorID: "p", Advocacy: domain.AdvocacySupport, CreatedAt: at(1)},
		{EMID: "a", AuthorID: "d", Advocacy: domain.AdvocacyStrong, CreatedAt: at(2)},
		{EMID: "b", AuthorID: "o", Advocacy: domain.AdvocacyNeutral, CreatedAt: at(3)},
		{EMID: "b", AuthorID: "p", Advocacy: domain.AdvocacyNeutral, CreatedAt: at(1)},
		{EMID: "c", AuthorID: "x", Advocacy: domain.AdvocacyConcern, CreatedAt: at(1)},
		{EMID: "d", AuthorID: "o", Advocacy: domain.AdvocacyConcern, CreatedAt: at(1)},
		{EMID: "d", AuthorID: "d", Advocacy: domain.AdvocacyNeutral, CreatedAt: at(5)},
	}
	got := AdvocateFunctions(notes, people)
	want := map[string]string{"a": "design", "b": "product", "c": "other", "d": "design"}
	if len(got) != len(want) {
		t.Fatalf("%v, want %v", got, want)
	}
	for em, f := range want {
		if got[em] != f {
			t.Errorf("EM %s: %s, want %s", em, got[em], f)
		}
	}
}

func entry(seq int64, action, em string, before, after map[string]any) domain.AuditEntry {
	raw := func(v map[string]any) any {
		if v == nil {
			return nil
		}
		b, _ := json.Marshal(v)
		return json.RawMessage(b)
	}
	return domain.AuditEntry{Seq: seq, Action: action, EMID: &em, Before: raw(before), After: raw(after)}
}

// A roll-up's changes count at the rollup level; the director's session
// ends with the readiness before the roll-up first changed it.
func TestShiftsWithRollup(t *testing.T) {
	r := func(v domain.Readiness) map[string]any { return map[string]any{"readiness": v} }
	entries := []domain.AuditEntry{ // in any order
		entry(9, ActionDecisionRollup, "a", r(domain.Ready6to12), map[string]any{"readiness": domain.ReadyNow, "reason": "x", "level": 2}),
		entry(1, ActionDecisionWrite, "a", nil, r(domain.Ready12to24)),
		entry(4, ActionDecisionWrite, "a", r(domain.Ready12to24), r(domain.Ready6to12)),
		entry(2, ActionDecisionWrite, "b", nil, r(domain.ReadyNow)),
		entry(10, ActionDecisionRollup, "b", r(domain.ReadyNow), map[string]any{"readiness": domain.Ready12to24, "level": 2}),
		entry(11, ActionDecisionRollup, "b", r(domain.Ready12to24), map[string]any{"readiness": domain.Ready6to12, "level": 2}),
		entry(3, ActionDecisionWrite, "c", nil, r(domain.ReadinessNotYet)),
	}
	first, dirFinal := DecisionHistory(entries)
	if first["a"] != domain.Ready12to24 || first["b"] != domain.ReadyNow || first["c"] != domain.ReadinessNotYet {
		t.Fatalf("first %v", first)
	}
	if dirFinal["a"] != domain.Ready6to12 || dirFinal["b"] != domain.ReadyNow || len(dirFinal) != 2 {
		t.Fatalf("director's final %v", dirFinal)
	}
	dana, omar := domain.Ref{ID: "1", Name: "Dana"}, domain.Ref{ID: "2", Name: "omar"}
	since := "2020-01-01"
	items := []ShiftItem{
		{EMID: "a", Director: omar, First: first["a"], DirectorFinal: dirFinal["a"], Final: domain.ReadyNow, AdvocateFunction: "product", EMSince: &since},
		{EMID: "b", Director: dana, First: first["b"], DirectorFinal: dirFinal["b"], Final: domain.Ready6to12, AdvocateFunction: "product", EMSince: &since},
		{EMID: "c", Director: dana, First: first["c"], DirectorFinal: domain.ReadinessNotYet, Final: domain.ReadinessNotYet, EMSince: &since},
		{EMID: "d", Director: dana, First: domain.Ready6to12, DirectorFinal: domain.Ready6to12, Final: domain.Ready6to12, AdvocateFunction: "product", EMSince: &since},
		{EMID: "e", Director: omar, First: domain.ReadinessNotYet, DirectorFinal: domain.Ready12to24, Final: domain.Ready12to24, AdvocateFunction: "product", EMSince: &since},
	}
	s := CountShifts(items, now)
	if s.Total != (ShiftCounts{2, 1, 2}) {
		t.Errorf("total %+v", s.Total)
	}
	if s.Levels[0] != (LevelShifts{ShiftLevelDirectorSession, ShiftCounts{2, 0, 3}}) ||
		s.Levels[1] != (LevelShifts{ShiftLevelRollup, ShiftCounts{1, 1, 3}}) {
		t.Errorf("levels %+v", s.Levels)
	}
	if len(s.Directors) != 2 || s.Directors[0].Director != dana || s.Directors[0].ShiftCounts != (ShiftCounts{0, 1, 2}) ||
		s.Directors[1].ShiftCounts != (ShiftCounts{2, 0, 0}) {
		t.Errorf("directors %+v", s.Directors)
	}
	for _, g := range s.Groups {
		switch {
		case g.Kind == ShiftKindAdvocateFunction && g.Group == "product", g.Kind == ShiftKindTenure && g.Group == Tenure4OrMore:
			want := ShiftCounts{2, 1, 1}
			if g.Kind == ShiftKindTenure {
				want = ShiftCounts{2, 1, 2}
			}
			if g.FewerThan4 || g.Counts == nil || *g.Counts != want {
				t.Errorf("group %s/%s: %+v", g.Kind, g.Group, g)
			}
		default:
			if !g.FewerThan4 || g.Counts != nil {
				t.Errorf("group %s/%s shows counts: %+v", g.Kind, g.Group, g)
			}
		}
	}
	if len(s.Groups) != 11 {
		t.Errorf("%d groups", len(s.Groups))
	}
	empty := CountShifts(nil, now)
	if empty.Total != (ShiftCounts{}) || len(empty.Levels) != 2 || len(empty.Directors) != 0 || len(empty.Groups) != 11 {
		t.Errorf("no items: %+v", empty)
	}
}
