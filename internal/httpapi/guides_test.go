package httpapi_test

// Distribution guides on cycles: set on creation and while a draft,
// validated, audited; compared with the decisions on the board; finalizing
// outside one needs an override_reason, kept on the cycle, audited and
// shown in the packets the EM's managers and admins read, never to the EM.

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

type guideCycleDoc struct {
	ID                string                    `json:"id"`
	State             string                    `json:"state"`
	DistributionGuide map[string]map[string]int `json:"distribution_guide"`
	OverrideReason    *string                   `json:"override_reason"`
}

func (f *cycleFixture) guided(as string) guideCycleDoc {
	f.t.Helper()
	return decodeOK[guideCycleDoc](f.t, f.Get(f.tok(as), f.path()), http.StatusOK)
}

func (f *cycleFixture) guideLines(as string) []guideLineDoc {
	f.t.Helper()
	var b struct {
		Guide []guideLineDoc `json:"guide"`
	}
	res := f.Get(f.tok(as), f.path("board"))
	wantStatus(f.t, res, http.StatusOK)
	res.Decode(f.t, &b)
	return b.Guide
}

// auditOf is the newest audit entry of the cycle with that action.
func (f *cycleFixture) auditOf(action string) auditDoc {
	f.t.Helper()
	for _, a := range f.cycleAudit("admin@acme.test", f.id) {
		if a.Action == action {
			return a
		}
	}
	f.t.Fatalf("no %s entry in the cycle's audit", action)
	return auditDoc{}
}

var halfGuide = map[string]any{"ready_now": map[string]int{"min": 0, "max": 50}, "not_yet": map[string]int{"min": 0, "max": 50}}

func TestGuideOnCreateAndPatch(t *testing.T) {
	e := newCycleEnv(t)
	omar := e.tok(omarDir)
	ems := []string{e.ID(erinEM), e.ID(finnEM)}

	cycles := rowCount(t, e.Env, "cycles")
	// Invalid guides: min above max (the service), out of 0..100 or an
	// unknown readiness (the contract).
	wantFields(t, e.Post(omar, "/api/v1/cycles", map[string]any{"name": "G", "em_ids": ems,
		"distribution_guide": map[string]any{"ready_now": map[string]int{"min": 30, "max": 20}}}), "distribution_guide.ready_now")
	wantStatus(t, e.Post(omar, "/api/v1/cycles", map[string]any{"name": "G", "em_ids": ems,
		"distribution_guide": map[string]any{"not_yet": map[string]int{"min": 0, "max": 101}}}), http.StatusUnprocessableEntity)
	wantStatus(t, e.Post(omar, "/api/v1/cycles", map[string]any{"name": "G", "em_ids": ems,
		"distribution_guide": map[string]any{"not_yet": map[string]int{"min": 0}}}), http.StatusUnprocessableEntity)
	if rowCount(t, e.Env, "cycles") != cycles {
		t.Fatalf("an invalid guide created a cycle")
	}

	// A cycle without a guide says null.
	plain := e.newCycle(omarDir, []string{erinEM}, nil)
	if c := plain.guided(omarDir); c.DistributionGuide != nil || c.OverrideReason != nil {
		t.Fatalf("a cycle without a guide: %+v", c)
	}
	wantStatus(t, e.Patch(omar, plain.path(), map[string]any{"em_ids": []string{}}), http.StatusOK)

	f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"distribution_guide": halfGuide})
	want := map[string]map[string]int{"ready_now": {"min": 0, "max": 50}, "not_yet": {"min": 0, "max": 50}}
	if c := f.guided(omarDir); !reflect.DeepEqual(c.DistributionGuide, want) || c.OverrideReason != nil {
		t.Fatalf("created with %+v, want %v", c, want)
	}
	if after := auditValue(t, f.auditOf("cycle.create").After); !reflect.DeepEqual(after["distribution_guide"],
		map[string]any{"ready_now": map[string]any{"min": 0.0, "max": 50.0}, "not_yet": map[string]any{"min": 0.0, "max": 50.0}}) {
		t.Fatalf("cycle.create audits the guide as %v", after["distribution_guide"])
	}

	// PATCH replaces it, validated the same way; null removes it.
	wantFields(t, e.Patch(omar, f.path(), map[string]any{"distribution_guide": map[string]any{
		"ready_6_12_months": map[string]int{"min": 60, "max": 40}, "ready_now": map[string]int{"min": 10, "max": 5}}}),
		"distribution_guide.ready_6_12_months", "distribution_guide.ready_now")
	c := decodeOK[guideCycleDoc](t, e.Patch(omar, f.path(), map[string]any{"distribution_guide": map[string]any{
		"ready_12_24_months": map[string]int{"min": 20, "max": 20}}}), http.StatusOK)
	if !reflect.DeepEqual(c.DistributionGuide, map[string]map[string]int{"ready_12_24_months": {"min": 20, "max": 20}}) {
		t.Fatalf("patched to %v", c.DistributionGuide)
	}
	up := f.auditOf("cycle.update")
	before, after := auditValue(t, up.Before), auditValue(t, up.After)
	if len(before["distribution_guide"].(map[string]any)) != 2 || len(after["distribution_guide"].(map[string]any)) != 1 {
		t.Fatalf("cycle.update audits %v → %v", before["distribution_guide"], after["distribution_guide"])
	}
	if c := decodeOK[guideCycleDoc](t, e.Patch(omar, f.path(), map[string]any{"name": "Renamed"}), http.StatusOK); c.DistributionGuide == nil {
		t.Fatal("a PATCH without the guide removed it")
	}
	if c := decodeOK[guideCycleDoc](t, e.Patch(omar, f.path(), map[string]any{"distribution_guide": nil}), http.StatusOK); c.DistributionGuide != nil {
		t.Fatalf("null left the guide %v", c.DistributionGuide)
	}
	if after := auditValue(t, f.auditOf("cycle.update").After); after["distribution_guide"] != nil {
		t.Fatalf("removing the guide audits %v", after["distribution_guide"])
	}
	// An empty guide is no guide.
	if c := decodeOK[guideCycleDoc](t, e.Patch(omar, f.path(), map[string]any{"distribution_guide": map[string]any{}}), http.StatusOK); c.DistributionGuide != nil {
		t.Fatalf("an empty guide is %v", c.DistributionGuide)
	}
	wantStatus(t, e.Patch(omar, f.path(), map[string]any{"distribution_guide": halfGuide}), http.StatusOK)

	// Only the lead, only in the draft.
	f.moveTo("input_open")
	wantError(t, e.Patch(omar, f.path(), map[string]any{"distribution_guide": nil}), http.StatusConflict, "cycle_locked")
	wantError(t, e.Patch(omar, f.path(), map[string]any{"distribution_guide": halfGuide}), http.StatusConflict, "cycle_locked")
	if c := f.guided(omarDir); !reflect.DeepEqual(c.DistributionGuide, want) {
		t.Fatalf("a locked cycle's guide changed to %v", c.DistributionGuide)
	}
	// The EM reads the guide of their cycle.
	if c := f.guided(erinEM); !reflect.DeepEqual(c.DistributionGuide, want) {
		t.Fatalf("Erin reads the guide as %v", c.DistributionGuide)
	}
}

func TestFinalizeOutsideTheGuide(t *testing.T) {
	e := newCycleEnv(t)
	omar := e.tok(omarDir)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"distribution_guide": halfGuide})

	// override_reason goes only with finalizing.
	wantFields(t, e.Post(omar, f.path("transition"), map[string]any{"to": "input_open", "override_reason": "because"}), "override_reason")
	f.moveTo("input_open")
	f.moveTo("calibrating")

	// Nobody decided: every share is 0, within both ranges (their min is 0).
	if got, want := f.guideLines(omarDir), []guideLineDoc{
		{"ready_now", 0, 50, 0, 0, true}, {"not_yet", 0, 50, 0, 0, true},
	}; !reflect.DeepEqual(got, want) {
		t.Fatalf("board guide %+v, want %+v", got, want)
	}
	// Missing decisions come first.
	wantError(t, e.Post(omar, f.path("transition"), map[string]any{"to": "finalized", "override_reason": "x"}),
		http.StatusConflict, "missing_decisions")

	f.rate(erinEM, 3, 0, "")
	f.rate(finnEM, 2, 0, "")
	f.decide(erinEM, "not_yet", 0)
	f.decide(finnEM, "not_yet", 0)
	outside := guideLineDoc{"not_yet", 0, 50, 2, 100, false}
	if got, want := f.guideLines(omarDir), []guideLineDoc{{"ready_now", 0, 50, 0, 0, true}, outside}; !reflect.DeepEqual(got, want) {
		t.Fatalf("board guide %+v, want %+v", got, want)
	}
	// A guide guides: the grid, the decisions, nothing else is blocked.
	if n := getNineBox(t, e.Env, omar, f.id); !reflect.DeepEqual(n.Guide, []guideLineDoc{{"ready_now", 0, 50, 0, 0, true}, outside}) {
		t.Fatalf("9-box guide %+v", n.Guide)
	}

	// Finalizing outside the guide without a reason: 409 with the lines outside.
	res := e.Post(omar, f.path("transition"), map[string]any{"to": "finalized"})
	env := wantError(t, res, http.StatusConflict, "outside_distribution_guide")
	var details struct {
		Error struct {
			Details struct {
				Outside []guideLineDoc `json:"outside"`
			} `json:"details"`
		} `json:"error"`
	}
	res.Decode(t, &details)
	if !reflect.DeepEqual(details.Error.Details.Outside, []guideLineDoc{outside}) || !strings.Contains(env.Error.Message, "not_yet") {
		t.Fatalf("details %+v, message %q", details.Error.Details, env.Error.Message)
	}
	if f.state() != "calibrating" {
		t.Fatal("the refused finalize moved the cycle")
	}
	// A reason must say something, in 500 characters at most.
	wantStatus(t, e.Post(omar, f.path("transition"), map[string]any{"to": "finalized", "override_reason": ""}), http.StatusUnprocessableEntity)
	wantFields(t, e.Post(omar, f.path("transition"), map[string]any{"to": "finalized", "override_reason": "   "}), "override_reason")
	wantStatus(t, e.Post(omar, f.path("transition"), map[string]any{"to": "finalized", "override_reason": strings.Repeat("r", 501)}),
		http.StatusUnprocessableEntity)
	// Another director finds no cycle.
	wantError(t, e.Post(e.tok("dana@acme.test"), f.path("transition"), map[string]any{"to": "finalized", "override_reason": "x"}),
		http.StatusNotFound, "not_found")

	// With a reason, it goes ahead; the reason is kept, returned and audited.
	const reason = "Both joined this half; the guide assumes a tenured group."
	c := decodeOK[guideCycleDoc](t, e.Post(omar, f.path("transition"), map[string]any{"to": "finalized", "override_reason": reason}), http.StatusOK)
	if c.State != "finalized" || c.OverrideReason == nil || *c.OverrideReason != reason {
		t.Fatalf("finalized as %+v", c)
	}
	if c := f.guided(omarDir); c.OverrideReason == nil || *c.OverrideReason != reason {
		t.Fatalf("the cycle reads back %+v", c)
	}
	if c := f.guided("admin@acme.test"); c.OverrideReason == nil || *c.OverrideReason != reason {
		t.Fatalf("the admin reads %+v", c)
	}
	tr := f.auditOf("cycle.transition")
	var after struct {
		State          string         `json:"state"`
		OverrideReason *string        `json:"override_reason"`
		Guide          []guideLineDoc `json:"guide"`
	}
	if err := json.Unmarshal(tr.After, &after); err != nil {
		t.Fatal(err)
	}
	if after.State != "finalized" || after.OverrideReason == nil || *after.OverrideReason != reason ||
		!reflect.DeepEqual(after.Guide, []guideLineDoc{{"ready_now", 0, 50, 0, 0, true}, outside}) {
		t.Fatalf("cycle.transition audits %s", tr.After)
	}

	// The packets of the EM's director and of admins say so; the EM never
	// reads it, neither on the cycle nor in their packet once released.
	line := "Finalized outside the distribution guide: " + reason
	for _, who := range []string{omarDir, "admin@acme.test"} {
		if p := getPacket(t, e.Env, e.tok(who), e.ID(erinEM)); !strings.Contains(p, line) {
			t.Errorf("%s's packet of Erin lacks the override:\n%s", who, p)
		}
		if p := packetPDF(t, e.Env, e.tok(who), e.ID(erinEM)); !strings.Contains(p, line) {
			t.Errorf("%s's PDF packet of Erin lacks the override:\n%s", who, p)
		}
	}
	f.moveTo("released")
	if c := f.guided(erinEM); c.OverrideReason != nil {
		t.Fatalf("Erin reads the override reason %q", *c.OverrideReason)
	}
	for _, p := range []string{getPacket(t, e.Env, e.tok(erinEM), e.ID(erinEM)), packetPDF(t, e.Env, e.tok(erinEM), e.ID(erinEM))} {
		if !strings.Contains(p, f.get(omarDir).Name) || strings.Contains(p, "distribution guide") || strings.Contains(p, reason) {
			t.Errorf("Erin's packet shows the override, or lacks the released cycle:\n%s", p)
		}
	}
	for _, cy := range e.feedbackOf(erinEM) {
		b, _ := json.Marshal(cy)
		if strings.Contains(string(b), reason) {
			t.Fatalf("Erin's feedback carries the override reason: %s", b)
		}
	}
	if c := f.guided(omarDir); c.OverrideReason == nil || *c.OverrideReason != reason {
		t.Fatalf("releasing lost the reason: %+v", c)
	}
}

// Within the guide, or without one, finalizing needs no reason, and a
// reason given is not kept: nothing was overridden.
func TestFinalizeWithinTheGuide(t *testing.T) {
	e := newCycleEnv(t)
	omar := e.tok(omarDir)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"distribution_guide": map[string]any{
		"ready_6_12_months": map[string]int{"min": 50, "max": 50}, "not_yet": map[string]int{"min": 50, "max": 100}}})
	f.advanceTo("calibrating")
	f.decide(erinEM, "ready_6_12_months", 0)
	f.decide(finnEM, "not_yet", 0)
	if got, want := f.guideLines(omarDir), []guideLineDoc{
		{"ready_6_12_months", 50, 50, 1, 50, true}, {"not_yet", 50, 100, 1, 50, true},
	}; !reflect.DeepEqual(got, want) {
		t.Fatalf("board guide %+v, want %+v", got, want)
	}
	c := decodeOK[guideCycleDoc](t, e.Post(omar, f.path("transition"), map[string]any{"to": "finalized", "override_reason": "not needed"}), http.StatusOK)
	if c.State != "finalized" || c.OverrideReason != nil {
		t.Fatalf("finalized within the guide as %+v", c)
	}
	if p := getPacket(t, e.Env, omar, e.ID(erinEM)); strings.Contains(p, "distribution guide") {
		t.Fatalf("a packet speaks of an override that did not happen:\n%s", p)
	}

	// Without a guide: the board's guide is null, and nothing is asked.
	g := e.newCycle(omarDir, []string{erinEM}, nil)
	g.advanceTo("calibrating")
	if lines := g.guideLines(omarDir); lines != nil {
		t.Fatalf("a cycle without a guide has the lines %+v", lines)
	}
	g.decide(erinEM, "ready_now", 0)
	c = decodeOK[guideCycleDoc](t, e.Post(omar, g.path("transition"), map[string]any{"to": "finalized"}), http.StatusOK)
	if c.State != "finalized" || c.OverrideReason != nil || c.DistributionGuide != nil {
		t.Fatalf("finalized without a guide as %+v", c)
	}
	// The board of the demo's cycle has no guide either.
	var b map[string]json.RawMessage
	res := e.Get(e.tok(demoDana), cyclePath(calibratingCycle(t, e.Env, e.tok(demoDana)), "board"))
	wantStatus(t, res, http.StatusOK)
	res.Decode(t, &b)
	if string(b["guide"]) != "null" {
		t.Fatalf("the demo board's guide is %s, want null", b["guide"])
	}
}
