package httpapi_test

// Released feedback: peer notes attributed as the cycle says, and nothing
// private in it.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestFeedbackAttribution(t *testing.T) {
	patBody := "Erin brings the planning sessions to a decision every single time."
	ottoBody := "Erin rebuilt the incident rota and it has held for four months."
	for _, c := range []struct {
		mode string
		want map[string]feedbackNoteDoc // by body: what Erin reads of each note
	}{
		{"named", map[string]feedbackNoteDoc{
			patBody:  {Attribution: "Pat Rivera (product)", Author: fbPtr("Pat Rivera"), Function: fbPtr("product")},
			ottoBody: {Attribution: "Otto Brandt (operations)", Author: fbPtr("Otto Brandt"), Function: fbPtr("operations")},
		}},
		{"by_function", map[string]feedbackNoteDoc{
			patBody:  {Attribution: "a product partner", Function: fbPtr("product")},
			ottoBody: {Attribution: "an operations partner", Function: fbPtr("operations")},
		}},
		{"anonymous", map[string]feedbackNoteDoc{
			patBody:  {Attribution: "a colleague"},
			ottoBody: {Attribution: "a colleague"},
		}},
	} {
		t.Run(c.mode, func(t *testing.T) {
			e := newCycleEnv(t)
			f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"peer_attribution": c.mode})
			rPat := f.request(omarDir, erinEM, "pat@acme.test")
			f.moveTo("input_open")
			rOtto := f.request(erinEM, erinEM, "otto@acme.test")
			rDee := f.request(finnEM, finnEM, "dee@acme.test")
			f.note("pat@acme.test", rPat, "strong", patBody, "strategic_thinking")
			f.note("otto@acme.test", rOtto, "support", ottoBody, "complexity", "autonomy")
			f.note("dee@acme.test", rDee, "concern", "Finn's team skipped two design reviews this half.")
			f.selfRate(erinEM, 4, 0)
			f.rate(erinEM, 3, 0, "PRIVATE: Omar's aside on Erin")
			f.rate(finnEM, 2, 0, "PRIVATE: Omar's aside on Finn")
			f.advanceTo("calibrating")
			f.decide(erinEM, "ready_6_12_months", 0)
			f.advanceTo("finalized")
			if _, ok := e.feedbackOf(erinEM)[f.id]; ok {
				t.Fatal("feedback is readable before the cycle is released")
			}
			f.moveTo("released")

			res := e.Get(e.tok(erinEM), "/api/v1/me/feedback")
			wantStatus(t, res, http.StatusOK)
			noneOf(t, "Erin", res, "PRIVATE", "private_note", "Finn's team", "self "+erinEM)
			fb := e.feedbackOf(erinEM)[f.id]
			if fb.Decision == nil || fb.Decision.Readiness != "ready_6_12_months" || !strings.Contains(fb.Decision.Rationale, erinEM) {
				t.Fatalf("Erin's decision %+v", fb.Decision)
			}
			if fb.Composite == nil || *fb.Composite != 3 || len(fb.Ratings) != len(criteriaKeys) {
				t.Fatalf("Erin's ratings %+v, composite %v", fb.Ratings, fb.Composite)
			}
			if len(fb.Notes) != 2 {
				t.Fatalf("Erin reads %d notes, want 2", len(fb.Notes))
			}
			for _, n := range fb.Notes {
				want, ok := c.want[n.Body]
				if !ok {
					t.Fatalf("Erin reads a note she should not: %q", n.Body)
				}
				if n.Attribution != want.Attribution || !fbEqual(n.Author, want.Author) || !fbEqual(n.Function, want.Function) {
					t.Fatalf("note %q attributed %q, author %v, function %v; want %q, %v, %v", n.Body,
						n.Attribution, fbShow(n.Author), fbShow(n.Function), want.Attribution, fbShow(want.Author), fbShow(want.Function))
				}
			}
			// Hidden means absent, not merely empty: the author's name is
			// nowhere in the answer unless the cycle names authors.
			if c.mode != "named" {
				noneOf(t, "Erin", res, "Pat Rivera", "Otto Brandt", e.ID("pat@acme.test"), e.ID("otto@acme.test"))
				var raw struct {
					Cycles []struct {
						Notes []map[string]json.RawMessage `json:"notes"`
					} `json:"cycles"`
				}
				res.Decode(t, &raw)
				for _, cy := range raw.Cycles {
					for _, n := range cy.Notes {
						if _, ok := n["author"]; ok {
							t.Fatalf("a %s note carries an author key", c.mode)
						}
						if _, ok := n["function"]; ok && c.mode == "anonymous" {
							t.Fatal("an anonymous note carries a function key")
						}
					}
				}
			}
			// Finn reads only his own: Dee's note, his ratings, the default decision.
			fin := e.feedbackOf(finnEM)[f.id]
			if len(fin.Notes) != 1 || fin.Notes[0].Advocacy != "concern" || fin.Ratings[0].Score != 2 {
				t.Fatalf("Finn's feedback %+v", fin)
			}
		})
	}
}

// The demo's released cycles are Alex's feedback; the calibrating one is not.
func TestFeedbackOnlyOfReleasedCycles(t *testing.T) {
	e := newCycleEnv(t)
	var names []string
	for _, c := range e.feedbackOf("alex@acme.test") {
		names = append(names, c.Cycle.Name)
		for _, n := range c.Notes {
			if n.Attribution == "" {
				t.Fatalf("a note without an attribution line in %s", c.Cycle.Name)
			}
		}
	}
	if !sameSet(names, []string{"2025 H2 calibration", "2026 H1 calibration"}) {
		t.Fatalf("Alex's feedback covers %v", names)
	}
	for _, as := range []string{omarDir, "admin@acme.test", "pat@acme.test"} {
		wantError(t, e.Get(e.tok(as), "/api/v1/me/feedback"), http.StatusForbidden, "forbidden")
	}
}

func fbPtr(s string) *string { return &s }

func fbEqual(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func fbShow(p *string) string {
	if p == nil {
		return "<absent>"
	}
	return *p
}
