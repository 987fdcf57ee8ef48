package httpapi_test

// Validation of every cycle write: 422 with `fields` naming the field, and
// nothing written when it fails.

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"calibrate/internal/domain"
)

// invalid is a refused body and the field the 422 must name.
type invalid struct {
	name  string
	body  map[string]any
	field string
}

// withRating replaces fullRatings' first rating fields and appends extra ones.
func withRating(first map[string]any, extra ...map[string]any) []map[string]any {
	rs := fullRatings(3, "valid")
	for k, v := range first {
		rs[0][k] = v
	}
	return append(rs, extra...)
}

var ratingCases = []invalid{
	{"score 0", map[string]any{"ratings": withRating(map[string]any{"score": 0}), "version": 0}, "ratings[0].score"},
	{"score 5", map[string]any{"ratings": withRating(map[string]any{"score": 5}), "version": 0}, "ratings[0].score"},
	{"unknown criterion", map[string]any{"ratings": withRating(map[string]any{"criterion": "charisma"}), "version": 0}, "ratings[0].criterion"},
	{"criterion twice", map[string]any{"ratings": withRating(nil,
		map[string]any{"criterion": criteriaKeys[0], "score": 2, "evidence": "again"}), "version": 0}, "ratings[9].criterion"},
	{"evidence over 5000", map[string]any{"ratings": withRating(map[string]any{"evidence": strings.Repeat("é", 5001)}), "version": 0}, "ratings[0].evidence"},
	{"no version", map[string]any{"ratings": fullRatings(3, "valid")}, "version"},
}

func TestAssessmentValidation(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	f.moveTo("input_open")
	cases := slices.Concat(ratingCases, []invalid{{"private note over 5000", map[string]any{"ratings": fullRatings(3, "valid"), "version": 0,
		"private_note": strings.Repeat("p", 5001)}, "private_note"}})
	for _, c := range cases {
		t.Run("director/"+c.name, func(t *testing.T) {
			done := e.noWrite(t, "admin@acme.test", f.emPath(erinEM, "assessment"))
			wantFields(t, f.putAssessment(omarDir, erinEM, c.body), c.field)
			done()
		})
	}
	for _, c := range ratingCases {
		t.Run("self/"+c.name, func(t *testing.T) {
			done := e.noWrite(t, "admin@acme.test", f.emPath(erinEM, "self-assessment"))
			wantFields(t, f.putSelf(erinEM, c.body), c.field)
			done()
		})
	}
	// The limits themselves are allowed: scores 1 and 4, 5000 characters,
	// no evidence at all.
	wantStatus(t, f.putAssessment(omarDir, erinEM, map[string]any{"version": 0, "private_note": strings.Repeat("p", 5000),
		"ratings": []map[string]any{
			{"criterion": criteriaKeys[0], "score": 1, "evidence": strings.Repeat("é", 5000)},
			{"criterion": criteriaKeys[1], "score": 4, "evidence": ""},
		}}), http.StatusOK)
}

func TestNoteValidation(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	f.moveTo("input_open")
	r := f.request(omarDir, erinEM, "pat@acme.test")
	note := func(advocacy, body string, criteria ...string) map[string]any {
		return map[string]any{"advocacy": advocacy, "body": body, "criteria": append([]string{}, criteria...)}
	}
	ok := "Twenty characters ok"
	for _, c := range []invalid{
		{"body under 20 characters", note("support", "Too short to help."), "body"},
		{"body of spaces around a short text", note("support", "     short      text    "), "body"},
		{"body over 5000 characters", note("support", strings.Repeat("b", 5001)), "body"},
		{"unknown advocacy", note("enthusiastic", ok), "advocacy"},
		{"no advocacy", note("", ok), "advocacy"},
		{"unknown criterion", note("support", ok, "autonomy", "charisma"), "criteria[1]"},
		{"criterion twice", note("support", ok, "autonomy", "autonomy"), "criteria"},
	} {
		t.Run(c.name, func(t *testing.T) {
			done := e.noWrite(t, "admin@acme.test", f.path("notes"), "/api/v1/peer-requests?limit=100")
			wantFields(t, f.putNote("pat@acme.test", r, c.body), c.field)
			done()
		})
	}
	wantStatus(t, f.putNote("pat@acme.test", r, note("support", ok, "autonomy")), http.StatusOK)
	wantStatus(t, f.putNote("pat@acme.test", r, note("concern", strings.Repeat("b", 5000))), http.StatusOK)
}

func TestDecisionValidation(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	f.advanceTo("calibrating")
	for _, c := range []invalid{
		{"unknown readiness", map[string]any{"readiness": "promote_now", "rationale": "Because.", "version": 0}, "readiness"},
		{"no rationale", map[string]any{"readiness": "not_yet", "rationale": "   ", "version": 0}, "rationale"},
		{"rationale over 5000", map[string]any{"readiness": "not_yet", "rationale": strings.Repeat("r", 5001), "version": 0}, "rationale"},
		{"no version", map[string]any{"readiness": "not_yet", "rationale": "Because."}, "version"},
	} {
		t.Run(c.name, func(t *testing.T) {
			done := e.noWrite(t, "admin@acme.test", f.emPath(erinEM, "decision"))
			wantFields(t, f.putDecision(omarDir, erinEM, c.body), c.field)
			done()
		})
	}
}

func TestCycleCreationValidation(t *testing.T) {
	e := newCycleEnv(t)
	ems := func(emails ...string) []string {
		out := make([]string, len(emails))
		for i, m := range emails {
			out[i] = e.ID(m)
		}
		return out
	}
	for _, c := range []invalid{
		{"no name", map[string]any{"name": " ", "em_ids": ems(erinEM)}, "name"},
		{"no EMs", map[string]any{"name": "Empty"}, "em_ids"},
		{"an EM outside the owners' trees", map[string]any{"name": "Poaching", "em_ids": ems(erinEM, "alex@acme.test")}, "em_ids[1]"},
		{"an EM of another organisation", map[string]any{"name": "Abroad", "em_ids": ems("hank@globex.test")}, "em_ids[0]"},
		{"someone who is not an EM", map[string]any{"name": "Peers", "em_ids": ems("pat@acme.test")}, "em_ids[0]"},
		{"an EM listed twice", map[string]any{"name": "Twice", "em_ids": ems(erinEM, erinEM)}, "em_ids[1]"},
		{"a co-owner who is not a director", map[string]any{"name": "Group", "em_ids": ems(erinEM),
			"co_owner_ids": ems("admin@acme.test")}, "co_owner_ids[0]"},
		{"a co-owner of another organisation", map[string]any{"name": "Group", "em_ids": ems(erinEM),
			"co_owner_ids": ems("gwen@globex.test")}, "co_owner_ids[0]"},
		{"the lead as co-owner", map[string]any{"name": "Group", "em_ids": ems(erinEM),
			"co_owner_ids": ems(omarDir)}, "co_owner_ids[0]"},
		{"unknown attribution", map[string]any{"name": "Loud", "em_ids": ems(erinEM), "peer_attribution": "shouted"}, "peer_attribution"},
		{"a bad due date", map[string]any{"name": "Late", "em_ids": ems(erinEM), "input_due": "31/12/2026"}, "input_due"},
		{"a framework of another organisation", map[string]any{"name": "Foreign", "em_ids": ems(erinEM),
			"framework_id": firstFramework(t, e.Env, e.tok("admin@globex.test"))}, "framework_id"},
		{"a framework that does not exist", map[string]any{"name": "Ghost", "em_ids": ems(erinEM),
			"framework_id": domain.NewID()}, "framework_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			done := e.noWrite(t, "admin@acme.test", "/api/v1/cycles?limit=100")
			wantFields(t, e.Post(e.tok(omarDir), "/api/v1/cycles", c.body), c.field)
			done()
		})
	}
}
