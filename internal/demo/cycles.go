package demo

import (
	"context"
	"fmt"
	"time"

	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

// clock is the demo's own clock: it walks through the dates of past cycles
// so their timestamps read as history.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// demoCycle is one demo cycle: its lead and EMs, dates, scores per EM in
// criterion order, who was asked for input, and the decisions.
type demoCycle struct {
	lead        string
	ems         []string
	name        string
	attribution domain.Attribution
	created     time.Time
	opened      time.Time
	calibrating time.Time
	finalized   time.Time // zero: the cycle stays in calibrating
	unreleased  bool      // a finalized cycle stays unreleased
	director    map[string][]int
	self        map[string][]int
	notes       []demoNote
	open        [][2]string // requests still waiting for an answer: peer, EM
	decisions   map[string]domain.Readiness
}

type demoNote struct {
	peer, em string
	advocacy domain.Advocacy
	criteria []string
	body     string
}

var (
	dana  = []string{"alex@acme.test", "blair@acme.test", "casey@acme.test", "drew@acme.test"}
	quinn = []string{"riley@acme.test", "sam@acme.test"}
)

// Criteria in the default framework's order.
var criteria = func() []string {
	var keys []string
	for _, c := range domain.DefaultFramework().Criteria {
		keys = append(keys, c.Key)
	}
	return keys
}()

var demoCycles = []demoCycle{
	{
		lead: "dana@acme.test", ems: dana,
		name: "2025 H2 calibration", attribution: domain.AttributionByFunction,
		created: at("2025-10-01T09:00:00Z"), opened: at("2025-10-06T09:00:00Z"),
		calibrating: at("2025-11-10T09:00:00Z"), finalized: at("2025-11-28T16:00:00Z"),
		director: map[string][]int{
			"alex@acme.test":  {3, 3, 2, 3, 3, 3, 2, 3, 3},
			"blair@acme.test": {2, 3, 2, 2, 3, 2, 2, 3, 3},
			"casey@acme.test": {2, 2, 1, 2, 2, 2, 1, 2, 2},
			"drew@acme.test":  {3, 2, 3, 3, 2, 3, 3, 2, 3},
		},
		self: map[string][]int{
			"alex@acme.test":  {3, 3, 3, 3, 3, 3, 3, 3, 3},
			"blair@acme.test": {3, 3, 2, 3, 3, 2, 3, 3, 3},
		},
		notes: []demoNote{
			{"pat@acme.test", "alex@acme.test", domain.AdvocacySupport, []string{"cross_functional_partnership", "strategic_thinking"},
				"Alex brought product into the planning of the fleet telemetry rewrite from the first week and traded scope openly when the launch date moved."},
			{"dee@acme.test", "blair@acme.test", domain.AdvocacyNeutral, []string{"cross_functional_partnership"},
				"Blair's team ships what design hands over, but design reviews are often skipped when the sprint is tight; I would like to be pulled in earlier."},
			{"otto@acme.test", "drew@acme.test", domain.AdvocacySupport, []string{"complexity"},
				"Drew kept the warehouse-robot rollout on track through two incident weeks and wrote the runbook operations still uses."},
		},
		decisions: map[string]domain.Readiness{
			"alex@acme.test": domain.Ready12to24, "blair@acme.test": domain.ReadinessNotYet,
			"casey@acme.test": domain.ReadinessNotYet, "drew@acme.test": domain.Ready12to24,
		},
	},
	{
		lead: "dana@acme.test", ems: dana,
		name: "2026 H1 calibration", attribution: domain.AttributionNamed,
		created: at("2026-04-01T09:00:00Z"), opened: at("2026-04-06T09:00:00Z"),
		calibrating: at("2026-05-11T09:00:00Z"), finalized: at("2026-05-29T16:00:00Z"),
		director: map[string][]int{
			"alex@acme.test":  {3, 3, 3, 3, 3, 4, 3, 3, 3},
			"blair@acme.test": {3, 3, 2, 3, 3, 2, 2, 3, 3},
			"casey@acme.test": {2, 3, 2, 2, 3, 2, 2, 3, 2},
			"drew@acme.test":  {3, 2, 3, 3, 2, 3, 3, 3, 3},
		},
		self: map[string][]int{
			"alex@acme.test":  {3, 3, 3, 3, 4, 4, 3, 3, 3},
			"blair@acme.test": {3, 3, 3, 3, 3, 3, 3, 3, 3},
			"casey@acme.test": {3, 3, 2, 3, 3, 2, 2, 3, 2},
			"drew@acme.test":  {3, 3, 3, 3, 3, 3, 3, 3, 3},
		},
		notes: []demoNote{
			{"pat@acme.test", "alex@acme.test", domain.AdvocacyStrong, []string{"strategic_thinking", "leadership_visibility"},
				"Alex framed the telemetry platform as a cost saving for the VP review, with numbers, and got the second team funded for it."},
			{"dee@acme.test", "casey@acme.test", domain.AdvocacySupport, []string{"cross_functional_partnership"},
				"Casey set up a weekly design pairing slot for the onboarding flow; the rework rate on design tickets dropped visibly."},
			{"otto@acme.test", "blair@acme.test", domain.AdvocacySupport, []string{"org_leverage"},
				"Blair drafted the on-call handover checklist that three other teams have now adopted for their rotations."},
			{"pat@acme.test", "drew@acme.test", domain.AdvocacyNeutral, []string{"autonomy"},
				"Drew delivers, but on the pricing dependency he waited for a decision from above for two weeks instead of proposing one."},
		},
		decisions: map[string]domain.Readiness{
			"alex@acme.test": domain.Ready6to12, "blair@acme.test": domain.Ready12to24,
			"casey@acme.test": domain.ReadinessNotYet, "drew@acme.test": domain.Ready12to24,
		},
	},
	{
		lead: "dana@acme.test", ems: dana,
		name: "2026 H2 calibration", attribution: domain.AttributionByFunction,
		created: at("2026-10-01T09:00:00Z"), opened: at("2026-10-05T09:00:00Z"),
		calibrating: at("2026-11-09T09:00:00Z"),
		director: map[string][]int{
			"alex@acme.test":  {4, 3, 3, 3, 4, 4, 3, 3, 3},
			"blair@acme.test": {3, 3, 3, 3, 3, 3, 2, 3, 3},
			"casey@acme.test": {3, 4, 3, 3, 3, 3, 3, 4, 3},
			"drew@acme.test":  {3, 3, 3, 3, 3, 3, 3, 2}, // sustained_performance not rated yet
		},
		self: map[string][]int{
			"alex@acme.test":  {4, 4, 3, 3, 4, 4, 3, 3, 4},
			"blair@acme.test": {3, 3, 3, 3, 3, 3, 4, 3, 3},
			"casey@acme.test": {3, 3, 3, 3, 3, 3, 3, 3, 3},
			"drew@acme.test":  {3, 3, 3, 3, 3, 3, 3, 3, 3},
		},
		notes: []demoNote{
			{"pat@acme.test", "alex@acme.test", domain.AdvocacyStrong, []string{"cross_functional_partnership", "strategic_thinking"},
				"Alex ran the joint roadmap review with product in September and cut the Q1 plan to the three bets with measured customer pull."},
			{"dee@acme.test", "alex@acme.test", domain.AdvocacyStrong, []string{"manager_mentoring", "org_leverage"},
				"Alex coached two new leads through their first performance cycle and turned the material into the guide our design managers now use too."},
			{"otto@acme.test", "drew@acme.test", domain.AdvocacyConcern, []string{"cross_team_collaboration"},
				"The hand-offs between Drew's team and the depot integration team broke down twice this half; operations had to broker the fixes."},
			{"pat@acme.test", "blair@acme.test", domain.AdvocacySupport, []string{"leadership_visibility", "autonomy"},
				"Blair presented the reliability budget at the director sync and decided the on-call split without escalating it."},
		},
		open: [][2]string{{"pat@acme.test", "casey@acme.test"}, {"dee@acme.test", "drew@acme.test"}},
		decisions: map[string]domain.Readiness{
			"blair@acme.test": domain.Ready12to24, "drew@acme.test": domain.Ready12to24,
		},
	},
	// Quinn's first cycle is finalized and not released: Vera rolls it up.
	// Quinn holds a stricter bar than the suggestions: Sam is "not yet"
	// where the rules suggest 12–24 months.
	{
		lead: "quinn@acme.test", ems: quinn,
		name: "2026 H2 calibration", attribution: domain.AttributionByFunction,
		created: at("2026-10-02T09:00:00Z"), opened: at("2026-10-06T09:00:00Z"),
		calibrating: at("2026-11-10T09:00:00Z"), finalized: at("2026-11-27T16:00:00Z"), unreleased: true,
		director: map[string][]int{
			"riley@acme.test": {3, 3, 3, 4, 3, 3, 3, 3, 3},
			"sam@acme.test":   {3, 3, 2, 3, 3, 2, 3, 3, 3},
		},
		self: map[string][]int{
			"riley@acme.test": {3, 3, 3, 4, 3, 3, 3, 3, 3},
			"sam@acme.test":   {3, 3, 3, 3, 3, 3, 3, 3, 3},
		},
		notes: []demoNote{
			{"pat@acme.test", "riley@acme.test", domain.AdvocacySupport, []string{"cross_functional_partnership"},
				"Riley made the payments migration a joint plan with product: every scope change came with the trade-off written down."},
			{"otto@acme.test", "sam@acme.test", domain.AdvocacyStrong, []string{"complexity", "autonomy"},
				"Sam rebuilt the fulfilment team after half of it left and decided the on-call model himself; operations felt no gap."},
		},
		decisions: map[string]domain.Readiness{
			"riley@acme.test": domain.Ready6to12, "sam@acme.test": domain.ReadinessNotYet,
		},
	},
}

// evidence writes a rating's evidence in our own words: what a director
// would note at, above or below the bar, tied to the EM's own work.
func evidence(criterion string, score int, project string) string {
	above := score >= 3
	switch criterion {
	case "org_leverage":
		if above {
			return fmt.Sprintf("Led the cross-team incident review standard after %s; four teams adopted it.", project)
		}
		return fmt.Sprintf("Improvements stay inside the team; %s retro actions were not shared beyond it.", project)
	case "cross_team_collaboration":
		if above {
			return fmt.Sprintf("Resolved the API contract dispute on %s with the platform EM before it reached me.", project)
		}
		return fmt.Sprintf("Dependencies on %s surfaced late; two escalations came through me.", project)
	case "manager_mentoring":
		if above {
			return "Mentors a new tech lead weekly; the lead now runs planning alone."
		}
		return "No manager or lead growing under them yet this half."
	case "complexity":
		if above {
			return fmt.Sprintf("Took over %s mid-flight after attrition and restored delivery within a quarter.", project)
		}
		return fmt.Sprintf("Needed close support when %s hit its first staffing gap.", project)
	case "autonomy":
		if above {
			return fmt.Sprintf("Made the build-versus-buy call on %s with a written recommendation, no escalation needed.", project)
		}
		return fmt.Sprintf("Waited for direction on the scope cut of %s instead of proposing one.", project)
	case "strategic_thinking":
		if above {
			return fmt.Sprintf("Tied %s to the retention goal and proposed the investment with a cost case.", project)
		}
		return fmt.Sprintf("Roadmap for %s tracks requests rather than business goals.", project)
	case "leadership_visibility":
		if above {
			return fmt.Sprintf("Presented %s results at the VP review in business terms; asked back for the next one.", project)
		}
		return "Rarely visible above my level; updates reach leadership through me."
	case "cross_functional_partnership":
		if above {
			return fmt.Sprintf("Product and design leads on %s ask for them by name.", project)
		}
		return fmt.Sprintf("Design input on %s came in after build started.", project)
	default: // sustained_performance
		if above {
			return "At this level for two halves running, through a reorg."
		}
		return "Strong quarter, but uneven across the half."
	}
}

var projects = map[string]string{
	"alex@acme.test":  "the fleet telemetry rewrite",
	"blair@acme.test": "the on-call rotation redesign",
	"casey@acme.test": "the onboarding flow",
	"drew@acme.test":  "the warehouse robot rollout",
	"riley@acme.test": "the payments migration",
	"sam@acme.test":   "the fulfilment team rebuild",
}

// loadCycles runs the demo cycles through the real services, at their
// historical dates: Dana's two released and one in calibration, Quinn's
// one finalized.
func loadCycles(ctx context.Context, cycles func(domain.Clock) *calibration.Cycles, c *clock, orgID string, ids map[string]string) error {
	as := func(email string, role domain.Role) domain.Principal {
		return domain.Principal{UserID: ids[email], OrgID: orgID, Role: role}
	}
	svc := cycles(c)
	for _, dc := range demoCycles {
		leadP := as(dc.lead, domain.RoleDirector)
		c.now = dc.created
		emIDs := make([]string, len(dc.ems))
		for i, e := range dc.ems {
			emIDs[i] = ids[e]
		}
		due := dc.calibrating.AddDate(0, 0, -3).Format(domain.DateLayout)
		cy, err := svc.Create(ctx, leadP, calibration.NewCycle{Name: dc.name, EMIDs: emIDs, InputDue: &due, PeerAttribution: dc.attribution})
		if err != nil {
			return fmt.Errorf("%s: %w", dc.name, err)
		}
		// The date results are expected: the release day of a released
		// cycle; for the others, a few weeks after the last step.
		results := dc.finalized.AddDate(0, 0, 7)
		switch {
		case dc.finalized.IsZero():
			results = dc.calibrating.AddDate(0, 0, 40)
		case dc.unreleased:
			results = dc.finalized.AddDate(0, 0, 21)
		}
		day := results.Format(domain.DateLayout)
		if _, err := svc.Update(ctx, leadP, cy.ID, calibration.CyclePatch{
			ResultsExpectedOn: domain.Optional[string]{Set: true, Value: &day}}); err != nil {
			return fmt.Errorf("%s: results date: %w", dc.name, err)
		}
		requests := map[string]string{}
		for _, n := range dc.notes {
			r, err := svc.RequestPeer(ctx, leadP, cy.ID, calibration.NewPeerRequest{EMID: ids[n.em], PeerID: ids[n.peer]})
			if err != nil {
				return fmt.Errorf("%s: request: %w", dc.name, err)
			}
			requests[n.peer+"|"+n.em] = r.ID
		}
		for _, o := range dc.open {
			if _, err := svc.RequestPeer(ctx, leadP, cy.ID, calibration.NewPeerRequest{EMID: ids[o[1]], PeerID: ids[o[0]]}); err != nil {
				return fmt.Errorf("%s: request: %w", dc.name, err)
			}
		}
		if err := step(ctx, svc, leadP, cy.ID, &c.now, dc.opened, domain.StateInputOpen); err != nil {
			return err
		}
		for _, em := range dc.ems {
			c.now = c.now.Add(time.Hour)
			if scores, ok := dc.self[em]; ok {
				if _, err := svc.SaveSelfAssessment(ctx, as(em, domain.RoleEM), cy.ID, ratings(scores, projects[em], true)); err != nil {
					return fmt.Errorf("%s: self %s: %w", dc.name, em, err)
				}
			}
		}
		for _, n := range dc.notes {
			c.now = c.now.Add(time.Hour)
			if _, err := svc.WriteNote(ctx, as(n.peer, domain.RolePeer), requests[n.peer+"|"+n.em],
				calibration.NoteInput{Advocacy: n.advocacy, Criteria: n.criteria, Body: n.body}); err != nil {
				return fmt.Errorf("%s: note: %w", dc.name, err)
			}
		}
		c.now = dc.calibrating.Add(-24 * time.Hour)
		for _, em := range dc.ems {
			c.now = c.now.Add(time.Hour)
			in := ratings(dc.director[em], projects[em], false)
			if _, err := svc.SaveAssessment(ctx, leadP, cy.ID, ids[em], in); err != nil {
				return fmt.Errorf("%s: assessment %s: %w", dc.name, em, err)
			}
		}
		if err := step(ctx, svc, leadP, cy.ID, &c.now, dc.calibrating, domain.StateCalibrating); err != nil {
			return err
		}
		for _, em := range dc.ems {
			r, ok := dc.decisions[em]
			if !ok {
				continue
			}
			c.now = c.now.Add(time.Hour)
			zero := 0
			if _, err := svc.SaveDecision(ctx, leadP, cy.ID, ids[em], calibration.DecisionInput{
				Readiness: r, Rationale: rationale(r), Version: &zero}); err != nil {
				return fmt.Errorf("%s: decision %s: %w", dc.name, em, err)
			}
		}
		if dc.finalized.IsZero() {
			continue
		}
		if err := step(ctx, svc, leadP, cy.ID, &c.now, dc.finalized, domain.StateFinalized); err != nil {
			return err
		}
		if dc.unreleased {
			continue
		}
		if err := step(ctx, svc, leadP, cy.ID, &c.now, dc.finalized.AddDate(0, 0, 7), domain.StateReleased); err != nil {
			return err
		}
	}
	return nil
}

func step(ctx context.Context, svc *calibration.Cycles, p domain.Principal, id string, now *time.Time, when time.Time, to domain.State) error {
	*now = when
	if _, err := svc.Transition(ctx, p, id, to); err != nil {
		return fmt.Errorf("moving to %s: %w", to, err)
	}
	return nil
}

func ratings(scores []int, project string, self bool) calibration.AssessmentInput {
	zero := 0
	in := calibration.AssessmentInput{Version: &zero}
	for i, s := range scores {
		ev := evidence(criteria[i], s, project)
		if self {
			ev = "In my view: " + ev
		}
		in.Ratings = append(in.Ratings, domain.Rating{Criterion: criteria[i], Score: s, Evidence: ev})
	}
	if !self {
		note := "Discuss growth path in the 1:1 before release."
		in.PrivateNote = &note
	}
	return in
}

func rationale(r domain.Readiness) string {
	switch r {
	case domain.ReadyNow:
		return "At the bar on every criterion for two cycles running; the peer input agrees."
	case domain.Ready6to12:
		return "At the bar everywhere this cycle for the first time; one more cycle to show it holds."
	case domain.Ready12to24:
		return "Close to the bar, with clear gaps named in the evidence; a development plan addresses them."
	default:
		return "Several criteria below the bar; focus this half on the two named in the plan."
	}
}
