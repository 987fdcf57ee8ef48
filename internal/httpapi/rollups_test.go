package httpapi_test

// Roll-ups: a director above the owners of several finalized cycles reads
// them side by side, changes decisions with a reason and, finalizing,
// writes the changes into the source cycles.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"calibrate/internal/testkit"
)

// rollupWorld is, in Acme, through the admin API:
//
//	ulla (director, the VP) ─┬─ ines (director) ─ ema, eli (EMs)
//	                         ├─ kofi (director) ─ kalu, kit (EMs)
//	                         └─ lena (director) ─ lou (EM)
//	otis (director) ─ oona (EM)                  outside Ulla's tree
//
// with ines's and kofi's cycles finalized, lena's released and otis's
// finalized. Every EM is rated with one score on every criterion, so their
// composite is that score: ema 3, eli 2, kalu 4, kit 2.
type rollupWorld struct {
	*cyEnv
	ines, kofi, lena, otis *cycleFixture
}

const (
	rwVP    = "ulla@acme.test"
	rwAdmin = "admin@acme.test"
	rwPeer  = "pat@acme.test"
)

func newRollupWorld(e *cyEnv) *rollupWorld { return newRollupWorldOn(e, "") }

// newRollupWorldOn builds the world with cycles on framework fw (the
// organisation's default when "").
func newRollupWorldOn(e *cyEnv, fw string) *rollupWorld {
	e.t.Helper()
	const a = rwAdmin
	e.addUser(a, rwVP, "Ulla Vance", "director", "")
	e.addUser(a, "ines@acme.test", "Ines Moreau", "director", rwVP)
	e.addUser(a, "kofi@acme.test", "Kofi Mensah", "director", rwVP)
	e.addUser(a, "lena@acme.test", "Lena Park", "director", rwVP)
	e.addUser(a, "otis@acme.test", "Otis Grant", "director", "")
	e.addUser(a, "ema@acme.test", "Ema Stone", "em", "ines@acme.test")
	e.addUser(a, "eli@acme.test", "Eli Hart", "em", "ines@acme.test")
	e.addUser(a, "kalu@acme.test", "Kalu Obi", "em", "kofi@acme.test")
	e.addUser(a, "kit@acme.test", "Kit Rowe", "em", "kofi@acme.test")
	e.addUser(a, "lou@acme.test", "Lou Chen", "em", "lena@acme.test")
	e.addUser(a, "oona@acme.test", "Oona Vale", "em", "otis@acme.test")
	w := &rollupWorld{cyEnv: e}
	run := func(lead, name string, scores map[string]int, decisions map[string]string, to string) *cycleFixture {
		var ems []string
		for _, em := range []string{"ema@acme.test", "eli@acme.test", "kalu@acme.test", "kit@acme.test", "lou@acme.test", "oona@acme.test"} {
			if _, ok := scores[em]; ok {
				ems = append(ems, em)
			}
		}
		extra := map[string]any{"name": name}
		if fw != "" {
			extra["framework_id"] = fw
		}
		f := e.newCycle(lead, ems, extra)
		f.moveTo("input_open")
		for _, em := range ems {
			f.rate(em, scores[em], 0, "")
		}
		f.moveTo("calibrating")
		for _, em := range ems {
			f.decide(em, decisions[em], 0)
		}
		f.moveTo("finalized")
		if to == "released" {
			f.moveTo("released")
		}
		return f
	}
	w.ines = run("ines@acme.test", "Platform H2", map[string]int{"ema@acme.test": 3, "eli@acme.test": 2},
		map[string]string{"ema@acme.test": "ready_6_12_months", "eli@acme.test": "not_yet"}, "finalized")
	w.kofi = run("kofi@acme.test", "Payments H2", map[string]int{"kalu@acme.test": 4, "kit@acme.test": 2},
		map[string]string{"kalu@acme.test": "ready_now", "kit@acme.test": "ready_12_24_months"}, "finalized")
	w.lena = run("lena@acme.test", "Data H2", map[string]int{"lou@acme.test": 3},
		map[string]string{"lou@acme.test": "ready_6_12_months"}, "released")
	w.otis = run("otis@acme.test", "Mobile H2", map[string]int{"oona@acme.test": 3},
		map[string]string{"oona@acme.test": "ready_6_12_months"}, "finalized")
	return w
}

type rollupDoc struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Lead    cyRef  `json:"lead"`
	Sources []struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		State string `json:"state"`
		Lead  cyRef  `json:"lead"`
	} `json:"sources"`
	DistributionGuide map[string]map[string]int `json:"distribution_guide"`
	OverrideReason    *string                   `json:"override_reason"`
	FinalizedAt       *string                   `json:"finalized_at"`
}

type rollupRowDoc struct {
	EM struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"em"`
	Composite *float64 `json:"composite"`
	Readiness struct {
		Decision *string `json:"decision"`
	} `json:"readiness"`
	Scores           map[string]json.RawMessage `json:"scores"`
	Director         cyRef                      `json:"director"`
	SourceCycle      cyRef                      `json:"source_cycle"`
	DirectorDecision *string                    `json:"director_decision"`
	RollupDecision   *string                    `json:"rollup_decision"`
	Moved            *string                    `json:"moved"`
}

type rollupBoardDoc struct {
	Rollup struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		State string `json:"state"`
	} `json:"rollup"`
	Criteria []struct {
		Key string `json:"key"`
	} `json:"criteria"`
	Rows      []rollupRowDoc `json:"rows"`
	Directors []struct {
		Director      cyRef          `json:"director"`
		EMCount       int            `json:"em_count"`
		MeanComposite *float64       `json:"mean_composite"`
		Distribution  map[string]int `json:"distribution"`
		DeltaFromMean *float64       `json:"delta_from_mean"`
	} `json:"directors"`
	Distribution map[string]int `json:"distribution"`
	Guide        *[]struct {
		Readiness string  `json:"readiness"`
		Min       int     `json:"min"`
		Max       int     `json:"max"`
		Count     int     `json:"count"`
		Percent   float64 `json:"percent"`
		Within    bool    `json:"within"`
	} `json:"guide"`
}

func (w *rollupWorld) create(as string, body map[string]any) *testkit.Response {
	w.t.Helper()
	return w.Post(w.tok(as), "/api/v1/rollups", body)
}

func (w *rollupWorld) decide(as, rollupID, em string, body map[string]any) *testkit.Response {
	w.t.Helper()
	return w.Put(w.tok(as), "/api/v1/rollups/"+rollupID+"/ems/"+w.ID(em)+"/decision", body)
}

func (w *rollupWorld) board(as, rollupID string) rollupBoardDoc {
	w.t.Helper()
	return decodeOK[rollupBoardDoc](w.t, w.Get(w.tok(as), "/api/v1/rollups/"+rollupID+"/board"), http.StatusOK)
}

func listIDs(t *testing.T, res *testkit.Response) []string {
	t.Helper()
	var l struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	wantStatus(t, res, http.StatusOK)
	res.Decode(t, &l)
	var out []string
	for _, it := range l.Items {
		out = append(out, it.ID)
	}
	return out
}

func has(ids []string, id string) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func ptrF(v float64) *float64 { return &v }

func eqF(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// TestDirectorsReadFinishedCyclesBelowThem: a director reads, and only
// reads, every finished cycle whose owners all report to them.
func TestDirectorsReadFinishedCyclesBelowThem(t *testing.T) {
	w := newRollupWorld(newCycleEnv(t))
	vp := w.tok(rwVP)
	finalized := listIDs(t, w.Get(vp, "/api/v1/cycles?state=finalized&limit=100"))
	if !has(finalized, w.ines.id) || !has(finalized, w.kofi.id) || has(finalized, w.otis.id) || has(finalized, w.lena.id) {
		t.Errorf("the VP's finalized cycles are %v; want Ines's and Kofi's only", finalized)
	}
	all := listIDs(t, w.Get(vp, "/api/v1/cycles?limit=100"))
	if len(all) != 3 || !has(all, w.lena.id) {
		t.Errorf("the VP's cycles are %v; want the three finished cycles of their tree", all)
	}
	// A draft below the VP is not theirs to read.
	draft := w.newCycle("ines@acme.test", []string{"ema@acme.test"}, map[string]any{"name": "Platform 2027 H1"})
	if has(listIDs(t, w.Get(vp, "/api/v1/cycles?limit=100")), draft.id) {
		t.Error("the VP lists a draft of a director below them")
	}
	wantError(t, w.Get(vp, draft.path()), http.StatusNotFound, "not_found")
	wantError(t, w.Get(vp, w.otis.path()), http.StatusNotFound, "not_found")
	wantError(t, w.Get(vp, w.otis.path("board")), http.StatusNotFound, "not_found")

	c := decodeOK[cycleDoc](t, w.Get(vp, w.ines.path()), http.StatusOK)
	if c.ID != w.ines.id || c.State != "finalized" {
		t.Errorf("the VP reads %+v", c)
	}
	b := decodeOK[struct {
		Rows []struct {
			Readiness struct {
				Decision *string `json:"decision"`
			} `json:"readiness"`
		} `json:"rows"`
	}](t, w.Get(vp, w.ines.path("board")), http.StatusOK)
	if len(b.Rows) != 2 {
		t.Errorf("the VP's board of Ines's cycle has %d rows, want 2", len(b.Rows))
	}
	// Reading is all: every change, and the details behind the board, are refused.
	wantError(t, w.Post(vp, w.ines.path("transition"), map[string]string{"to": "released"}), http.StatusForbidden, "forbidden")
	wantError(t, w.Patch(vp, w.ines.path(), map[string]any{"name": "Mine"}), http.StatusForbidden, "forbidden")
	wantError(t, w.Put(vp, w.ines.emPath("ema@acme.test", "decision"),
		map[string]any{"readiness": "ready_now", "rationale": "x", "version": 1}), http.StatusForbidden, "forbidden")
	wantError(t, w.Get(vp, w.ines.emPath("ema@acme.test", "assessment")), http.StatusForbidden, "forbidden")
	wantError(t, w.Get(vp, w.ines.path("activity")), http.StatusForbidden, "forbidden")

	// A peer director reads neither the other's cycle nor its board.
	ines := w.tok("ines@acme.test")
	wantError(t, w.Get(ines, w.kofi.path()), http.StatusNotFound, "not_found")
	wantError(t, w.Get(ines, w.kofi.path("board")), http.StatusNotFound, "not_found")
	if has(listIDs(t, w.Get(ines, "/api/v1/cycles?limit=100")), w.kofi.id) {
		t.Error("Ines lists Kofi's cycle")
	}
}

// TestRollupCreateRules: who may start a roll-up over which cycles, in the
// order of the checks.
func TestRollupCreateRules(t *testing.T) {
	w := newRollupWorld(newCycleEnv(t))
	body := func(ids ...string) map[string]any {
		return map[string]any{"name": "Engineering H2", "source_cycle_ids": ids}
	}
	for _, who := range []string{rwAdmin, "ema@acme.test", rwPeer} {
		wantError(t, w.create(who, body(w.ines.id)), http.StatusForbidden, "forbidden")
	}
	// Otis sees none of them; Ines sees her own cycle but is not above herself.
	wantError(t, w.create("otis@acme.test", body(w.ines.id)), http.StatusNotFound, "not_found")
	wantError(t, w.create("ines@acme.test", body(w.kofi.id)), http.StatusNotFound, "not_found")
	wantError(t, w.create("ines@acme.test", body(w.ines.id)), http.StatusForbidden, "not_above_owners")
	// 404 comes before 403: the one Ines cannot see decides.
	wantError(t, w.create("ines@acme.test", body(w.ines.id, w.kofi.id)), http.StatusNotFound, "not_found")
	wantError(t, w.create(rwVP, body(w.ines.id, w.otis.id)), http.StatusNotFound, "not_found")
	wantError(t, w.create(rwVP, body(w.ines.id, "no-such-cycle")), http.StatusNotFound, "not_found")

	// Released, or not finalized yet: not ready. The VP, above its owner,
	// knows of a draft below them, though they do not read it.
	draft := w.newCycle("ines@acme.test", []string{"ema@acme.test"}, map[string]any{"name": "Platform 2027 H1"})
	env := wantError(t, w.create(rwVP, body(w.ines.id, w.lena.id, draft.id)), http.StatusConflict, "cycle_not_ready")
	if ids, _ := env.Error.Details["cycle_ids"].([]any); len(ids) != 2 || ids[0] != w.lena.id || ids[1] != draft.id {
		t.Errorf("cycle_not_ready names %v, want [%s %s]", env.Error.Details["cycle_ids"], w.lena.id, draft.id)
	}
	wantError(t, w.create("otis@acme.test", body(draft.id)), http.StatusNotFound, "not_found")
	wantFields(t, w.create(rwVP, body()), "source_cycle_ids")
	wantFields(t, w.create(rwVP, body(w.ines.id, w.ines.id)), "source_cycle_ids[1]")
	wantFields(t, w.create(rwVP, map[string]any{"name": " ", "source_cycle_ids": []string{w.ines.id}}), "name")
	wantFields(t, w.create(rwVP, map[string]any{"name": "Bad guide", "source_cycle_ids": []string{w.ines.id},
		"distribution_guide": map[string]any{"ready_now": map[string]int{"min": 30, "max": 10}}}), "distribution_guide.ready_now")

	before := rowCount(t, w.Env, "rollups")
	r := decodeOK[rollupDoc](t, w.create(rwVP, map[string]any{"name": "Engineering H2", "source_cycle_ids": []string{w.kofi.id, w.ines.id},
		"distribution_guide": map[string]any{"ready_now": map[string]int{"min": 0, "max": 25}}}), http.StatusCreated)
	if r.State != "open" || r.Lead.ID != w.ID(rwVP) || r.Lead.Name != "Ulla Vance" || len(r.Sources) != 2 ||
		r.Sources[0].ID != w.ines.id || r.Sources[0].Lead.Name != "Ines Moreau" || r.Sources[0].State != "finalized" ||
		r.Sources[1].ID != w.kofi.id || r.DistributionGuide["ready_now"]["max"] != 25 || r.OverrideReason != nil || r.FinalizedAt != nil {
		t.Errorf("the new roll-up is %+v", r)
	}
	if n := rowCount(t, w.Env, "rollups"); n != before+1 {
		t.Errorf("%d roll-ups after one create, want %d", n, before+1)
	}
	audit := newestAudit(t, w.Env, w.tok(rwAdmin))
	if audit["action"] != "rollup.create" || audit["object_id"] != r.ID {
		t.Errorf("the newest audit entry is %v", audit)
	}
	env = wantError(t, w.create(rwVP, body(w.ines.id)), http.StatusConflict, "in_rollup")
	if env.Error.Details["rollup_id"] != r.ID {
		t.Errorf("in_rollup names %v, want %s", env.Error.Details["rollup_id"], r.ID)
	}
	// Not released while the roll-up is open.
	env = wantError(t, w.ines.transition("ines@acme.test", "released"), http.StatusConflict, "in_rollup")
	if env.Error.Details["rollup_id"] != r.ID {
		t.Errorf("the release's in_rollup names %v, want %s", env.Error.Details["rollup_id"], r.ID)
	}
}

// TestRollupReadersAndBoard: who reads a roll-up, and its board's figures.
func TestRollupReadersAndBoard(t *testing.T) {
	w := newRollupWorld(newCycleEnv(t))
	r := decodeOK[rollupDoc](t, w.create(rwVP, map[string]any{"name": "Engineering H2",
		"source_cycle_ids": []string{w.ines.id, w.kofi.id}}), http.StatusCreated)
	path := "/api/v1/rollups/" + r.ID

	for _, who := range []string{rwVP, "ines@acme.test", "kofi@acme.test", rwAdmin} {
		if ids := listIDs(t, w.Get(w.tok(who), "/api/v1/rollups")); len(ids) != 1 || ids[0] != r.ID {
			t.Errorf("%s lists roll-ups %v, want [%s]", who, ids, r.ID)
		}
		wantStatus(t, w.Get(w.tok(who), path), http.StatusOK)
		wantStatus(t, w.Get(w.tok(who), path+"/board"), http.StatusOK)
	}
	for _, who := range []string{"otis@acme.test", "lena@acme.test", rwPeer} {
		if ids := listIDs(t, w.Get(w.tok(who), "/api/v1/rollups")); len(ids) != 0 {
			t.Errorf("%s lists roll-ups %v, want none", who, ids)
		}
	}
	for _, who := range []string{"otis@acme.test", "lena@acme.test"} {
		wantError(t, w.Get(w.tok(who), path), http.StatusNotFound, "not_found")
		wantError(t, w.Get(w.tok(who), path+"/board"), http.StatusNotFound, "not_found")
	}
	wantError(t, w.Get(w.tok("ema@acme.test"), "/api/v1/rollups"), http.StatusForbidden, "forbidden")
	for _, who := range []string{"ema@acme.test", rwPeer} {
		wantError(t, w.Get(w.tok(who), path), http.StatusNotFound, "not_found")
		wantError(t, w.Get(w.tok(who), path+"/board"), http.StatusNotFound, "not_found")
	}
	wantError(t, w.Get(w.tok(rwVP), "/api/v1/rollups/no-such-rollup"), http.StatusNotFound, "not_found")

	// Ines reads Kofi's rows in the roll-up, though not his cycle.
	b := w.board("ines@acme.test", r.ID)
	if b.Rollup.ID != r.ID || b.Rollup.State != "open" || b.Rollup.Name != "Engineering H2" {
		t.Errorf("board head %+v", b.Rollup)
	}
	if len(b.Criteria) != len(criteriaKeys) || b.Criteria[0].Key != criteriaKeys[0] {
		t.Errorf("board criteria %+v, want the default framework's once", b.Criteria)
	}
	type want struct {
		em, director, source, decision string
		composite                      float64
	}
	rows := []want{
		{"Eli Hart", "Ines Moreau", "Platform H2", "not_yet", 2},
		{"Ema Stone", "Ines Moreau", "Platform H2", "ready_6_12_months", 3},
		{"Kalu Obi", "Kofi Mensah", "Payments H2", "ready_now", 4},
		{"Kit Rowe", "Kofi Mensah", "Payments H2", "ready_12_24_months", 2},
	}
	if len(b.Rows) != len(rows) {
		t.Fatalf("board has %d rows, want %d", len(b.Rows), len(rows))
	}
	for i, wr := range rows {
		got := b.Rows[i]
		if got.EM.Name != wr.em || got.Director.Name != wr.director || got.SourceCycle.Name != wr.source ||
			got.DirectorDecision == nil || *got.DirectorDecision != wr.decision || got.RollupDecision != nil || got.Moved != nil ||
			!eqF(got.Composite, ptrF(wr.composite)) || len(got.Scores) != len(criteriaKeys) {
			t.Errorf("row %d is %+v, want %+v", i, got, wr)
		}
	}
	if len(b.Directors) != 2 {
		t.Fatalf("directors %+v", b.Directors)
	}
	d0, d1 := b.Directors[0], b.Directors[1]
	if d0.Director.Name != "Ines Moreau" || d0.EMCount != 2 || !eqF(d0.MeanComposite, ptrF(2.5)) || !eqF(d0.DeltaFromMean, ptrF(-0.25)) ||
		d0.Distribution["ready_6_12_months"] != 1 || d0.Distribution["not_yet"] != 1 || d0.Distribution["ready_now"] != 0 {
		t.Errorf("Ines's figures %+v", d0)
	}
	if d1.Director.Name != "Kofi Mensah" || d1.EMCount != 2 || !eqF(d1.MeanComposite, ptrF(3)) || !eqF(d1.DeltaFromMean, ptrF(0.25)) ||
		d1.Distribution["ready_now"] != 1 || d1.Distribution["ready_12_24_months"] != 1 {
		t.Errorf("Kofi's figures %+v", d1)
	}
	wantDist := map[string]int{"ready_now": 1, "ready_6_12_months": 1, "ready_12_24_months": 1, "not_yet": 1, "undecided": 0}
	for k, v := range wantDist {
		if b.Distribution[k] != v {
			t.Errorf("distribution %v, want %v", b.Distribution, wantDist)
			break
		}
	}
	if b.Guide != nil {
		t.Errorf("a roll-up without a guide has guide %+v", *b.Guide)
	}
}

// TestRollupDecisionsAndFinalize: the lead's decisions, the guide, and
// finalizing into the source cycles, their record and what EMs read.
func TestRollupDecisionsAndFinalize(t *testing.T) {
	w := newRollupWorld(newCycleEnv(t))
	r := decodeOK[rollupDoc](t, w.create(rwVP, map[string]any{"name": "Engineering H2",
		"source_cycle_ids":   []string{w.ines.id, w.kofi.id},
		"distribution_guide": map[string]any{"ready_now": map[string]int{"min": 0, "max": 25}}}), http.StatusCreated)
	const reason = "Eli carried the platform migration; comparable EMs elsewhere are ready now"
	up := map[string]any{"readiness": "ready_now", "reason": reason, "version": 0}

	// Only the lead decides.
	wantError(t, w.decide("ines@acme.test", r.ID, "eli@acme.test", up), http.StatusForbidden, "not_lead")
	wantError(t, w.decide(rwAdmin, r.ID, "eli@acme.test", up), http.StatusForbidden, "forbidden")
	wantError(t, w.decide("ema@acme.test", r.ID, "eli@acme.test", up), http.StatusForbidden, "forbidden")
	wantError(t, w.decide("otis@acme.test", r.ID, "eli@acme.test", up), http.StatusNotFound, "not_found")
	wantError(t, w.decide(rwVP, r.ID, "oona@acme.test", up), http.StatusNotFound, "not_found")
	res := wantError(t, w.decide(rwVP, r.ID, "eli@acme.test", map[string]any{"readiness": "ready_now", "version": 0}),
		http.StatusUnprocessableEntity, "reason_required")
	if _, ok := res.Error.Fields["reason"]; !ok {
		t.Errorf("reason_required without fields.reason: %+v", res.Error)
	}
	wantFields(t, w.decide(rwVP, r.ID, "eli@acme.test", map[string]any{"readiness": "soon", "reason": "x", "version": 0}), "readiness")

	type decisionResp struct {
		EMID              string  `json:"em_id"`
		Readiness         string  `json:"readiness"`
		DirectorReadiness string  `json:"director_readiness"`
		Reason            *string `json:"reason"`
		Version           int     `json:"version"`
		DecidedBy         cyRef   `json:"decided_by"`
	}
	d := decodeOK[decisionResp](t, w.decide(rwVP, r.ID, "eli@acme.test", up), http.StatusOK)
	if d.EMID != w.ID("eli@acme.test") || d.Readiness != "ready_now" || d.DirectorReadiness != "not_yet" || d.Reason == nil ||
		*d.Reason != reason || d.Version != 1 || d.DecidedBy.Name != "Ulla Vance" {
		t.Errorf("the decision answers %+v", d)
	}
	wantError(t, w.decide(rwVP, r.ID, "eli@acme.test", up), http.StatusConflict, "stale_version")
	// Equal to the director's: stored, no reason needed, not moved.
	d = decodeOK[decisionResp](t, w.decide(rwVP, r.ID, "kit@acme.test", map[string]any{"readiness": "ready_12_24_months", "version": 0}), http.StatusOK)
	if d.Readiness != "ready_12_24_months" || d.Reason != nil || d.Version != 1 {
		t.Errorf("the equal decision answers %+v", d)
	}
	decodeOK[decisionResp](t, w.decide(rwVP, r.ID, "kalu@acme.test", map[string]any{"readiness": "ready_6_12_months",
		"reason": "One more half leading the on-call change", "version": 0}), http.StatusOK)

	b := w.board(rwVP, r.ID)
	moves := map[string]string{}
	for _, row := range b.Rows {
		m := "-"
		if row.Moved != nil {
			m = *row.Moved
		}
		rd := "-"
		if row.RollupDecision != nil {
			rd = *row.RollupDecision
		}
		moves[row.EM.Name] = rd + "/" + m
	}
	wantMoves := map[string]string{"Eli Hart": "ready_now/up", "Ema Stone": "-/-", "Kalu Obi": "ready_6_12_months/down", "Kit Rowe": "ready_12_24_months/-"}
	for k, v := range wantMoves {
		if moves[k] != v {
			t.Errorf("roll-up decisions %v, want %v", moves, wantMoves)
			break
		}
	}
	// Final: Eli ready_now, Ema 6-12, Kalu 6-12, Kit 12-24.
	if b.Distribution["ready_now"] != 1 || b.Distribution["ready_6_12_months"] != 2 || b.Distribution["ready_12_24_months"] != 1 ||
		b.Distribution["not_yet"] != 0 {
		t.Errorf("final distribution %v", b.Distribution)
	}
	if b.Guide == nil || len(*b.Guide) != 1 || (*b.Guide)[0].Count != 1 || (*b.Guide)[0].Percent != 25 || !(*b.Guide)[0].Within {
		t.Errorf("guide %+v", b.Guide)
	}
	// The directors' figures stay the directors'.
	if b.Directors[1].Distribution["ready_now"] != 1 {
		t.Errorf("Kofi's distribution %v counts the roll-up's decision", b.Directors[1].Distribution)
	}

	// Kalu back to ready now: two of four, outside the guide.
	decodeOK[decisionResp](t, w.decide(rwVP, r.ID, "kalu@acme.test", map[string]any{"readiness": "ready_now", "version": 1}), http.StatusOK)
	path := "/api/v1/rollups/" + r.ID + "/finalize"
	wantError(t, w.Post(w.tok("ines@acme.test"), path, map[string]any{}), http.StatusForbidden, "not_lead")
	wantError(t, w.Post(w.tok(rwAdmin), path, map[string]any{}), http.StatusForbidden, "forbidden")
	env := wantError(t, w.Post(w.tok(rwVP), path, map[string]any{}), http.StatusConflict, "outside_distribution_guide")
	out, _ := env.Error.Details["outside"].([]any)
	if len(out) != 1 {
		t.Fatalf("outside %v", env.Error.Details)
	}
	if line, _ := out[0].(map[string]any); line["readiness"] != "ready_now" || line["count"] != float64(2) || line["percent"] != float64(50) || line["within"] != false {
		t.Errorf("outside line %v", line)
	}
	wantFields(t, w.Post(w.tok(rwVP), path, map[string]any{"override_reason": " "}), "override_reason")
	if got := w.board(rwVP, r.ID); got.Rollup.State != "open" {
		t.Fatal("a refused finalization changed the roll-up")
	}

	const override = "Two strong halves in payments; the guide does not fit this half"
	fin := decodeOK[rollupDoc](t, w.Post(w.tok(rwVP), path, map[string]any{"override_reason": override}), http.StatusOK)
	if fin.State != "finalized" || fin.OverrideReason == nil || *fin.OverrideReason != override || fin.FinalizedAt == nil {
		t.Errorf("finalized roll-up %+v", fin)
	}
	wantError(t, w.Post(w.tok(rwVP), path, map[string]any{"override_reason": override}), http.StatusConflict, "cycle_locked")
	wantError(t, w.decide(rwVP, r.ID, "eli@acme.test", map[string]any{"readiness": "not_yet", "version": 1}), http.StatusConflict, "cycle_locked")
	// The finalized roll-up's board still tells the director's decision from its own.
	finalBoard := w.board("kofi@acme.test", r.ID)
	for _, row := range finalBoard.Rows {
		if row.EM.Name == "Eli Hart" && (row.DirectorDecision == nil || *row.DirectorDecision != "not_yet" ||
			row.RollupDecision == nil || *row.RollupDecision != "ready_now" || row.Moved == nil || *row.Moved != "up") {
			t.Errorf("Eli's row after finalizing: %+v", row)
		}
	}
	if finalBoard.Rollup.State != "finalized" || finalBoard.Directors[0].Distribution["not_yet"] != 1 || finalBoard.Distribution["ready_now"] != 2 {
		t.Errorf("the finalized board: %+v %+v", finalBoard.Rollup, finalBoard.Directors[0].Distribution)
	}

	// Written into Ines's cycle: Eli ready now, his director's rationale,
	// the version moved on; Ema untouched. The cycle stays finalized.
	if st := w.ines.state(); st != "finalized" {
		t.Errorf("the source cycle is %s", st)
	}
	eli := w.ines.decision("eli@acme.test")
	if eli.Readiness == nil || *eli.Readiness != "ready_now" || eli.Rationale == nil || *eli.Rationale != "Rationale for eli@acme.test: not_yet" || eli.Version != 2 {
		t.Errorf("Eli's decision in the source is %+v", eli)
	}
	if ema := w.ines.decision("ema@acme.test"); ema.Version != 1 || *ema.Readiness != "ready_6_12_months" {
		t.Errorf("Ema's decision in the source is %+v", ema)
	}
	if kit := w.kofi.decision("kit@acme.test"); kit.Version != 1 {
		t.Errorf("Kit's decision, unchanged by the roll-up, is at version %d", kit.Version)
	}
	if kalu := w.kofi.decision("kalu@acme.test"); kalu.Version != 1 || *kalu.Readiness != "ready_now" {
		t.Errorf("Kalu's decision, back at the director's, is %+v", kalu)
	}
	cb := decodeOK[struct {
		Rows []struct {
			EM struct {
				ID string `json:"id"`
			} `json:"em"`
			Readiness struct {
				Decision *string `json:"decision"`
			} `json:"readiness"`
		} `json:"rows"`
		Distribution map[string]int `json:"distribution"`
	}](t, w.Get(w.tok("ines@acme.test"), w.ines.path("board")), http.StatusOK)
	if cb.Distribution["ready_now"] != 1 || cb.Distribution["not_yet"] != 0 {
		t.Errorf("Ines's board distribution %v", cb.Distribution)
	}
	// The history (from the rewritten summaries) says ready now.
	h := decodeOK[struct {
		Cycles []struct {
			Cycle struct {
				ID string `json:"id"`
			} `json:"cycle"`
			Decision *string `json:"decision"`
		} `json:"cycles"`
	}](t, w.Get(w.tok("ines@acme.test"), "/api/v1/ems/"+w.ID("eli@acme.test")+"/history"), http.StatusOK)
	if len(h.Cycles) != 1 || h.Cycles[0].Decision == nil || *h.Cycles[0].Decision != "ready_now" {
		t.Errorf("Eli's history %+v", h.Cycles)
	}

	// The source cycle's record: one decision.rollup entry, on the cycle and EM.
	var entries []auditDoc
	for _, a := range w.cycleAudit(rwAdmin, w.ines.id) {
		if a.Action == "decision.rollup" {
			entries = append(entries, a)
		}
	}
	if len(entries) != 1 {
		t.Fatalf("%d decision.rollup entries on Ines's cycle, want 1", len(entries))
	}
	var before struct {
		Readiness string `json:"readiness"`
	}
	var after struct {
		Readiness  string `json:"readiness"`
		Reason     string `json:"reason"`
		Level      int    `json:"level"`
		Rollup     cyRef  `json:"rollup"`
		ProposedBy cyRef  `json:"proposed_by"`
	}
	_ = json.Unmarshal(entries[0].Before, &before)
	_ = json.Unmarshal(entries[0].After, &after)
	if before.Readiness != "not_yet" || after.Readiness != "ready_now" || after.Reason != reason || after.Level != 2 ||
		after.Rollup.ID != r.ID || after.Rollup.Name != "Engineering H2" || after.ProposedBy.Name != "Ines Moreau" ||
		entries[0].CycleID == nil || *entries[0].CycleID != w.ines.id {
		t.Errorf("decision.rollup entry %+v: before %+v after %+v", entries[0], before, after)
	}
	kofiEntries := 0
	for _, a := range w.cycleAudit(rwAdmin, w.kofi.id) {
		if a.Action == "decision.rollup" {
			kofiEntries++
		}
	}
	if kofiEntries != 0 {
		t.Errorf("%d decision.rollup entries on Kofi's cycle, whose decisions end as they were", kofiEntries)
	}

	// The activity and the packet say it for the directors.
	line := "proposed by Ines Moreau: Not yet → decided in roll-up by Ulla Vance: Ready now — " + reason
	act := w.Get(w.tok("ines@acme.test"), w.ines.path("activity")+"?limit=100")
	wantStatus(t, act, http.StatusOK)
	if !strings.Contains(string(act.Body), jsonText(line)) {
		t.Errorf("the activity does not say %q: %s", line, act.Body)
	}
	packet := w.Get(w.tok("ines@acme.test"), "/api/v1/ems/"+w.ID("eli@acme.test")+"/packet")
	wantStatus(t, packet, http.StatusOK)
	if !strings.Contains(string(packet.Body), line) {
		t.Errorf("the packet does not say %q:\n%s", line, packet.Body)
	}

	// Released now, the EM reads the final readiness and their director's
	// rationale, never the roll-up's reason.
	w.ines.moveTo("released")
	fb := w.feedbackOf("eli@acme.test")[w.ines.id]
	if fb.Decision == nil || fb.Decision.Readiness != "ready_now" || fb.Decision.Rationale != "Rationale for eli@acme.test: not_yet" {
		t.Errorf("Eli's feedback %+v", fb.Decision)
	}
	for _, p := range []string{"/api/v1/me/feedback", "/api/v1/ems/" + w.ID("eli@acme.test") + "/packet",
		"/api/v1/ems/" + w.ID("eli@acme.test") + "/history"} {
		res := w.Get(w.tok("eli@acme.test"), p)
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(string(res.Body), "platform migration") || strings.Contains(string(res.Body), "roll-up") {
			t.Errorf("%s shows the EM the roll-up: %s", p, res.Body)
		}
	}
	for _, who := range []string{"eli@acme.test", "ines@acme.test", rwVP, rwAdmin} {
		pdf := w.Get(w.tok(who), "/api/v1/ems/"+w.ID("eli@acme.test")+"/packet?format=pdf")
		wantStatus(t, pdf, http.StatusOK)
	}
}

// jsonText is s as it appears inside a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

// contractWalkRollups answers every roll-up operation with a success, for
// the contract walkthrough.
func contractWalkRollups(t *testing.T, env *testkit.Env, want func(*testkit.Response, int, string) *testkit.Response, fw string) {
	t.Helper()
	w := newRollupWorldOn(&cyEnv{Env: env, t: t, tokens: map[string]string{}}, fw)
	vp := w.tok(rwVP)
	res := want(w.create(rwVP, map[string]any{"name": "Engineering H2", "source_cycle_ids": []string{w.ines.id, w.kofi.id},
		"distribution_guide": map[string]any{"ready_now": map[string]int{"min": 0, "max": 25}}}), 201, "a roll-up")
	var r rollupDoc
	res.Decode(t, &r)
	want(w.Get(vp, "/api/v1/rollups"), 200, "roll-ups")
	want(w.Get(vp, "/api/v1/rollups/"+r.ID), 200, "a roll-up")
	want(w.decide(rwVP, r.ID, "eli@acme.test", map[string]any{"readiness": "ready_now", "reason": "Comparable EMs are ready", "version": 0}), 200, "a roll-up decision")
	want(w.Get(vp, "/api/v1/rollups/"+r.ID+"/board"), 200, "a roll-up's board")
	want(w.Get(vp, "/api/v1/rollups/"+r.ID+"/nine-box"), 200, "a roll-up's 9-box")
	want(w.Get(vp, "/api/v1/rollups/"+r.ID+"/shifts"), 200, "a roll-up's shifts")
	guests := "/api/v1/rollups/" + r.ID + "/guests"
	want(w.Post(vp, guests, map[string]any{"user_id": w.ID("pat@acme.test"), "until": "2099-12-31"}), 201, "a roll-up's guest")
	want(w.Get(vp, guests), 200, "a roll-up's guests")
	want(w.Delete(vp, guests+"/"+w.ID("pat@acme.test")), 204, "a guest removed")
	want(w.Post(vp, "/api/v1/rollups/"+r.ID+"/finalize", map[string]any{}), 409, "a roll-up outside its guide")
	want(w.Post(vp, "/api/v1/rollups/"+r.ID+"/finalize", map[string]any{"override_reason": "A strong half"}), 200, "a finalized roll-up")
	want(w.Get(w.tok("ines@acme.test"), w.ines.path("activity")), 200, "the activity of a rolled-up cycle")
}
