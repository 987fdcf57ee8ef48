package calibration

import (
	"context"
	"fmt"
	"math"
	"strings"

	"calibrate/internal/domain"
)

// HistoryCycle is one finished cycle of an EM.
type HistoryCycle struct {
	Cycle       domain.PastCycle
	Composite   *float64
	Scores      map[string]int
	Decision    *domain.Readiness
	Rationale   *string
	Framework   domain.Framework
	Ratings     []domain.Rating
	Attribution domain.Attribution
	// OverrideReason is why the cycle was finalized outside its
	// distribution guide: for the EM's managers and admins only, never for
	// the EM.
	OverrideReason *string
	// Rollup is the change a finalized roll-up made to the decision, for
	// the EM's directors and the admins; nil for the EM, who reads the
	// final readiness with the director's rationale only.
	Rollup *HistoryRollup
}

// HistoryRollup is a roll-up's change of a cycle's decision.
type HistoryRollup struct {
	Rollup     domain.Ref
	Lead       domain.Ref
	ProposedBy domain.Ref
	From, To   domain.Readiness
	Reason     string
}

// Line says the change in words (see RollupLine).
func (r HistoryRollup) Line() string {
	return RollupLine(r.ProposedBy.Name, r.From, r.Lead.Name, r.To, r.Reason)
}

// Trajectory summarises an EM's readiness over cycles.
type Trajectory struct {
	AtBarStreak int
	Trend       *string // rising, flat, falling; nil with fewer than two cycles
	Stalled     bool
	// ProjectedCyclesToReady is how many more cycles, at the composite's
	// recent pace, until every criterion reaches the bar: 0 when already
	// there, nil when the trend is flat or falling or there is too little
	// history. Projection explains it in a line. A projection, not a promise.
	ProjectedCyclesToReady *int
	Projection             string
}

// History is an EM's finished cycles, oldest first, and their trajectory.
type History struct {
	EM         domain.User
	Cycles     []HistoryCycle
	Trajectory Trajectory
}

// emAccess decides who may read an EM's history, packet and plan: the
// managers above the EM and the organisation's admins see every finished
// cycle; the EM sees their own released ones. Anyone else: not found.
func (s *Cycles) emAccess(ctx context.Context, p domain.Principal, emID string) (em domain.User, releasedOnly bool, err error) {
	em, err = s.store.User(ctx, p.OrgID, emID)
	if domain.IsKind(err, domain.KindNotFound) {
		// The same answer as for an EM the caller may not see, so that
		// probing ids does not tell users from ids that name nothing.
		return domain.User{}, false, domain.NotFound("EM")
	}
	if err != nil {
		return em, false, err
	}
	if em.Role != domain.RoleEM {
		return domain.User{}, false, domain.NotFound("EM")
	}
	switch p.Role {
	case domain.RoleAdmin:
		return em, false, nil
	case domain.RoleEM:
		if emID == p.UserID {
			return em, true, nil
		}
	case domain.RoleDirector:
		chain, err := s.store.Managers(ctx, p.OrgID, emID)
		if err != nil {
			return em, false, err
		}
		for _, m := range chain {
			if m == p.UserID {
				return em, false, nil
			}
		}
	}
	return domain.User{}, false, domain.NotFound("EM")
}

// History returns an EM's finished cycles with scores and decisions.
func (s *Cycles) History(ctx context.Context, p domain.Principal, emID string) (History, error) {
	em, releasedOnly, err := s.emAccess(ctx, p, emID)
	if err != nil {
		return History{}, err
	}
	past, err := s.board.PastCycles(ctx, p.OrgID, []string{emID}, "")
	if err != nil {
		return History{}, err
	}
	var ids []string
	for _, pc := range past {
		if !releasedOnly || pc.State == domain.StateReleased {
			ids = append(ids, pc.CycleID)
		}
	}
	h := History{EM: em, Cycles: []HistoryCycle{}}
	if len(ids) == 0 {
		return h, nil
	}
	assessments, err := s.store.Assessments(ctx, p.OrgID, ids)
	if err != nil {
		return History{}, err
	}
	decisions, err := s.store.Decisions(ctx, p.OrgID, ids)
	if err != nil {
		return History{}, err
	}
	rollups, err := s.historyRollups(ctx, p.OrgID, emID, releasedOnly, decisions)
	if err != nil {
		return History{}, err
	}
	frameworks := map[string]domain.Framework{}
	for _, pc := range past {
		if releasedOnly && pc.State != domain.StateReleased {
			continue
		}
		c, err := s.store.Cycle(ctx, p.OrgID, pc.CycleID)
		if err != nil {
			return History{}, err
		}
		fw, ok := frameworks[c.FrameworkID]
		if !ok {
			if fw, err = s.store.Framework(ctx, p.OrgID, c.FrameworkID); err != nil {
				return History{}, err
			}
			frameworks[c.FrameworkID] = fw
		}
		hc := HistoryCycle{Cycle: pc, Scores: map[string]int{}, Decision: pc.Readiness, Framework: fw,
			Ratings: []domain.Rating{}, Attribution: c.PeerAttribution}
		if !releasedOnly {
			hc.OverrideReason = c.OverrideReason
		}
		for _, a := range assessments {
			if a.CycleID == pc.CycleID && a.EMID == emID && a.Kind == domain.KindDirectorAssessment {
				hc.Ratings = a.Ratings
				hc.Composite = Composite(fw, a.Ratings)
				for _, r := range a.Ratings {
					hc.Scores[r.Criterion] = r.Score
				}
			}
		}
		for _, d := range decisions {
			if d.CycleID == pc.CycleID && d.EMID == emID {
				r := d.Rationale
				hc.Rationale = &r
			}
		}
		hc.Rollup = rollups[pc.CycleID]
		h.Cycles = append(h.Cycles, hc)
	}
	h.Trajectory = trajectory(h.Cycles)
	return h, nil
}

// historyRollups gives, by cycle, the changes finalized roll-ups made to
// the EM's decisions: none for the EM themself.
func (s *Cycles) historyRollups(ctx context.Context, orgID, emID string, releasedOnly bool, decisions []domain.Decision) (map[string]*HistoryRollup, error) {
	out := map[string]*HistoryRollup{}
	if releasedOnly {
		return out, nil
	}
	changes, err := s.rollups.RollupChangesOf(ctx, orgID, emID)
	if err != nil || len(changes) == 0 {
		return out, err
	}
	director := map[string]string{}
	for _, d := range decisions {
		if d.EMID == emID {
			director[d.CycleID] = d.DirectorID
		}
	}
	var ids []string
	for _, c := range changes {
		ids = append(ids, c.DecidedBy, director[c.CycleID])
	}
	people, err := s.store.UsersByID(ctx, orgID, ids)
	if err != nil {
		return nil, err
	}
	ref := func(id string) domain.Ref { return domain.Ref{ID: id, Name: people[id].Name} }
	for _, c := range changes {
		out[c.CycleID] = &HistoryRollup{Rollup: c.Rollup, Lead: ref(c.DecidedBy), ProposedBy: ref(director[c.CycleID]),
			From: c.From, To: c.To, Reason: c.Reason}
	}
	return out, nil
}

const trendThreshold = 0.1

func trajectory(cs []HistoryCycle) Trajectory {
	var t Trajectory
	for i := len(cs) - 1; i >= 0 && cs[i].Cycle.Clean(); i-- {
		t.AtBarStreak++
	}
	var comps []float64
	for _, c := range cs {
		if c.Composite != nil {
			comps = append(comps, *c.Composite)
		}
	}
	var pace float64 // composite points per cycle over the window
	window := 0
	if n := len(comps); n >= 2 {
		first := comps[max(0, n-3)]
		window = n - max(0, n-3)
		d := comps[n-1] - first
		pace = d / float64(window-1)
		trend := "flat"
		if d > trendThreshold {
			trend = "rising"
		} else if d < -trendThreshold {
			trend = "falling"
		}
		t.Trend = &trend
	}
	t.ProjectedCyclesToReady, t.Projection = project(cs, t.Trend, pace, window)
	if n := len(cs); n >= stalledCycles {
		last := cs[n-1].Decision
		t.Stalled = last != nil && *last != domain.ReadyNow
		for _, c := range cs[n-stalledCycles:] {
			if c.Decision == nil || last == nil || *c.Decision != *last {
				t.Stalled = false
			}
		}
	}
	return t
}

// project works out how many cycles at the recent pace until every
// criterion of the latest cycle reaches the bar.
func project(cs []HistoryCycle, trend *string, pace float64, window int) (*int, string) {
	if len(cs) == 0 {
		return nil, "No finished cycle yet, so nothing to project."
	}
	last := cs[len(cs)-1]
	bar := last.Framework.Scale.Bar
	lowest, rated := last.Framework.Scale.Max, 0
	for _, r := range last.Ratings {
		lowest = min(lowest, r.Score)
		rated++
	}
	if rated == len(last.Framework.Criteria) && rated > 0 && lowest >= bar {
		zero := 0
		return &zero, "Every criterion is at the bar already."
	}
	if trend == nil {
		return nil, "A projection needs at least two finished cycles."
	}
	if *trend != "rising" {
		return nil, "The composite is " + *trend + " over the last cycles, so there is no pace to project."
	}
	if rated == 0 {
		return nil, "The latest cycle has no director ratings to project from."
	}
	cycles := int(math.Ceil(float64(bar-lowest) / pace))
	return &cycles, fmt.Sprintf("At the recent pace (composite %+.2f a cycle over the last %d cycles), the lowest criterion (%d) "+
		"would reach the bar (%d) in about %d more cycles. A projection, not a promise.", pace, window, lowest, bar, cycles)
}

// ReadinessLabel is how a readiness reads in a document.
func ReadinessLabel(r domain.Readiness) string {
	switch r {
	case domain.ReadyNow:
		return "Ready now"
	case domain.Ready6to12:
		return "Ready in 6–12 months"
	case domain.Ready12to24:
		return "Ready in 12–24 months"
	}
	return "Not yet"
}

// ScoreLabel is the scale's label of a score, "" when it has none.
func ScoreLabel(fw domain.Framework, score int) string {
	if i := score - fw.Scale.Min; i >= 0 && i < len(fw.Scale.Labels) {
		return fw.Scale.Labels[i]
	}
	return ""
}

// mdEscape keeps user text from becoming Markdown structure (headings,
// links, HTML) in the packet.
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
		"<", "&lt;", ">", "&gt;", "#", `\#`, "|", `\|`, "\n", " ")
	return r.Replace(s)
}
