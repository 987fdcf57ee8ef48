package domain

// DefaultFrameworkName is the rubric every organisation starts with.
const DefaultFrameworkName = "Senior Engineering Manager"

// DefaultFramework returns the senior-EM rubric every organisation starts with: a 1..4 scale
// with the bar at 3 and nine equally weighted criteria. The texts are our own
// summary of what separates a senior EM from an EM.
func DefaultFramework() Framework {
	return Framework{
		Name:    DefaultFrameworkName,
		Version: 1,
		Scale: Scale{Min: 1, Max: 4, Bar: 3, Labels: []string{
			"Not yet evident",
			"Emerging",
			"Consistently at the senior bar",
			"Role model beyond the senior bar",
		}},
		Criteria: []Criterion{
			{"org_leverage", "Organisational leverage",
				"Improves how engineering as a whole works, not only their own team: hiring process, incident standards, quality working groups.", 1},
			{"cross_team_collaboration", "Cross-team collaboration",
				"Builds working relationships with peer EMs and clears inter-team dependencies and friction before they escalate.", 1},
			{"manager_mentoring", "Mentoring managers",
				"Grows other managers, formally or informally, so that their skills transfer to others.", 1},
			{"complexity", "Handling complexity",
				"Takes on hard teams: transitions, rebuilding after attrition, work with high strategic stakes.", 1},
			{"autonomy", "Autonomy in ambiguity",
				"Forms a point of view, recommends and decides on incomplete information, and escalates only when it is truly needed.", 1},
			{"strategic_thinking", "Strategic thinking",
				"Ties the team's work to business goals, sees risks and opportunities early, proposes investments with business value.", 1},
			{"leadership_visibility", "Visibility with senior leadership",
				"Shows value where directors and VPs see it, and speaks in their terms.", 1},
			{"cross_functional_partnership", "Cross-functional partnership",
				"A reliable partner to product, design and operations leaders, who would advocate for them.", 1},
			{"sustained_performance", "Sustained senior-level performance",
				"Has operated at the senior level consistently for months, not in one burst.", 1},
		},
	}
}
