package httpapi_test

// The calibration board on the demo's "2026 H2 calibration"
// and on synthetic organisations: its shape, its flags, sorting and
// filtering, decisions feeding back into it, the agenda built from it, and
// the fixed number of SQL statements one board costs.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/testkit"
)

const (
	demoDana  = "dana@acme.test"
	demoOmar  = "omar@acme.test"
	demoAlex  = "alex@acme.test"
	demoBlair = "blair@acme.test"
	demoCasey = "casey@acme.test"
	demoDrew  = "drew@acme.test"
	demoPat   = "pat@acme.test"
)

// boardCriteria are the default framework's keys, in its order.
var boardCriteria = func() []string {
	var keys []string
	for _, c := range domain.DefaultFramework().Criteria {
		keys = append(keys, c.Key)
	}
	return keys
}()

type boardScoreDoc struct {
	Director *int           `json:"director"`
	Self     *int           `json:"self"`
	Peer     map[string]int `json:"peer"`
}

type boardFlagDoc struct {
	Code      string  `json:"code"`
	Criterion *string `json:"criterion"`
	Message   string  `json:"message"`
}

type boardRowDoc struct {
	EM struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		DirectorID string `json:"director_id"`
	} `json:"em"`
	Scores           map[string]boardScoreDoc `json:"scores"`
	Composite        *float64                 `json:"composite"`
	EvidenceCoverage *float64                 `json:"evidence_coverage"`
	Readiness        struct {
		Suggested *string `json:"suggested"`
		Decision  *string `json:"decision"`
		Previous  *string `json:"previous"`
	} `json:"readiness"`
	Flags   []boardFlagDoc `json:"flags"`
	Meeting struct {
		Discussed bool `json:"discussed"`
	} `json:"meeting"`
}

type boardDoc struct {
	Cycle struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		State string `json:"state"`
	} `json:"cycle"`
	Criteria []struct {
		Key    string  `json:"key"`
		Title  string  `json:"title"`
		Weight float64 `json:"weight"`
	} `json:"criteria"`
	Rows         []boardRowDoc  `json:"rows"`
	Distribution map[string]int `json:"distribution"`
	Raters       []struct {
		Director cyRef    `json:"director"`
		Mean     *float64 `json:"mean"`
		Stdev    *float64 `json:"stdev"`
		Count    int      `json:"count"`
	} `json:"raters"`
	OrgMean *float64 `json:"org_mean"`
}

// row is the board row of the EM with that name (or e-mail local part).
func (b boardDoc) row(t testing.TB, name string) boardRowDoc {
	t.Helper()
	for _, r := range b.Rows {
		if strings.HasPrefix(strings.ToLower(r.EM.Name), strings.ToLower(name)) {
			return r
		}
	}
	t.Fatalf("no board row for %s", name)
	return boardRowDoc{}
}

// firstNames are the rows' first names, in the board's order.
func (b boardDoc) firstNames() []string {
	out := make([]string, len(b.Rows))
	for i, r := range b.Rows {
		out[i] = strings.Fields(r.EM.Name)[0]
	}
	return out
}

// flagKeys are a row's flags as "code" or "code:criterion".
func (r boardRowDoc) flagKeys() []string {
	out := []string{}
	for _, f := range r.Flags {
		k := f.Code
		if f.Criterion != nil {
			k += ":" + *f.Criterion
		}
		out = append(out, k)
	}
	return out
}

func calibratingCycle(t testing.TB, e *testkit.Env, tok string) string {
	t.Helper()
	res := e.Get(tok, "/api/v1/cycles?state=calibrating")
	var l struct {
		Items []cyRef `json:"items"`
	}
	wantStatus(t, res, http.StatusOK)
	res.Decode(t, &l)
	if len(l.Items) != 1 {
		t.Fatalf("want one cycle in calibrating, got %s", res.Body)
	}
	return l.Items[0].ID
}

func cyclePath(id string, parts ...string) string {
	return "/api/v1/cycles/" + strings.Join(append([]string{id}, parts...), "/")
}

func emPath(id string, parts ...string) string {
	return "/api/v1/ems/" + strings.Join(append([]string{id}, parts...), "/")
}

func getBoard(t testing.TB, e *testkit.Env, tok, cycleID, query string) boardDoc {
	t.Helper()
	p := cyclePath(cycleID, "board")
	if query != "" {
		p += "?" + query
	}
	res := e.Get(tok, p)
	wantStatus(t, res, http.StatusOK)
	var b boardDoc
	res.Decode(t, &b)
	return b
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func ptrEq[T comparable](p *T, v T) bool { return p != nil && *p == v }

func show[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// seedOrg adds a synthetic organisation; its accounts are
// local@slug.test with the demo password.
func seedOrg(t testing.TB, e *testkit.Env, org string, ems, cycles, directors int) demo.SeedResult {
	t.Helper()
	r, err := demo.Seed(context.Background(), e.Store, e.Hasher,
		demo.SeedOptions{Org: org, EMs: ems, Cycles: cycles, Directors: directors, Now: e.Clock.Now()})
	if err != nil {
		t.Fatalf("seeding %s: %v", org, err)
	}
	return r
}

// userID finds any user by e-mail (seeded ones are not in e.Users).
func userID(t testing.TB, e *testkit.Env, email string) string {
	t.Helper()
	u, err := e.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u.ID
}

// decide records a readiness decision through the API.
func decide(t testing.TB, e *testkit.Env, tok, cycleID, emID, readiness, rationale string, version int) {
	t.Helper()
	wantStatus(t, e.Put(tok, cyclePath(cycleID, "ems", emID, "decision"),
		map[string]any{"readiness": readiness, "rationale": rationale, "version": version}), http.StatusOK)
}

// The demo board, as the contract describes it, checked value by value.
func TestBoardShapeAndDemoFlags(t *testing.T) {
	e := testkit.New(t)
	dana := e.Token(demoDana)
	id := calibratingCycle(t, e, dana)
	res := e.Get(dana, cyclePath(id, "board"))
	wantStatus(t, res, http.StatusOK)
	var b boardDoc
	res.Decode(t, &b)

	if b.Cycle.ID != id || b.Cycle.Name != "2026 H2 calibration" || b.Cycle.State != "calibrating" {
		t.Fatalf("cycle %+v", b.Cycle)
	}
	if len(b.Criteria) != len(boardCriteria) {
		t.Fatalf("%d criteria, want %d", len(b.Criteria), len(boardCriteria))
	}
	for i, c := range b.Criteria {
		if c.Key != boardCriteria[i] || c.Title == "" || c.Weight != 1 {
			t.Fatalf("criterion %d: %+v", i, c)
		}
	}
	if got := b.firstNames(); !slices.Equal(got, []string{"Alex", "Blair", "Casey", "Drew"}) {
		t.Fatalf("rows %v, want every participant by name", got)
	}
	checkRowsShape(t, res.Body)

	// Scores: director and self as rated (demo/cycles.go), peer notes
	// counted by advocacy on the criteria they are tagged with.
	director := map[string][]int{
		"Alex": {4, 3, 3, 3, 4, 4, 3, 3, 3}, "Blair": {3, 3, 3, 3, 3, 3, 2, 3, 3},
		"Casey": {3, 4, 3, 3, 3, 3, 3, 4, 3}, "Drew": {3, 3, 3, 3, 3, 3, 3, 2},
	}
	self := map[string][]int{
		"Alex": {4, 4, 3, 3, 4, 4, 3, 3, 4}, "Blair": {3, 3, 3, 3, 3, 3, 4, 3, 3},
		"Casey": {3, 3, 3, 3, 3, 3, 3, 3, 3}, "Drew": {3, 3, 3, 3, 3, 3, 3, 3, 3},
	}
	for name, scores := range director {
		r := b.row(t, name)
		sum := 0
		for i, key := range boardCriteria {
			s := r.Scores[key]
			if i < len(scores) {
				sum += scores[i]
				if !ptrEq(s.Director, scores[i]) {
					t.Errorf("%s %s: director %s, want %d", name, key, show(s.Director), scores[i])
				}
			} else if s.Director != nil {
				t.Errorf("%s %s: director %d, want null (unrated)", name, key, *s.Director)
			}
			if !ptrEq(s.Self, self[name][i]) {
				t.Errorf("%s %s: self %s, want %d", name, key, show(s.Self), self[name][i])
			}
		}
		if want := round2(float64(sum) / float64(len(scores))); !ptrEq(r.Composite, want) {
			t.Errorf("%s: composite %s, want %.2f", name, show(r.Composite), want)
		}
		// Coverage is over all nine criteria: Drew, unrated on one, is at 8/9.
		if want := round2(float64(len(scores)) / float64(len(boardCriteria))); !ptrEq(r.EvidenceCoverage, want) {
			t.Errorf("%s: evidence coverage %s, want %.2f", name, show(r.EvidenceCoverage), want)
		}
		if r.EM.DirectorID != e.ID(demoDana) {
			t.Errorf("%s: director_id %s, want Dana", name, r.EM.DirectorID)
		}
	}
	peer := map[string]map[string]map[string]int{
		"Alex": {"cross_functional_partnership": {"strong": 1}, "strategic_thinking": {"strong": 1},
			"manager_mentoring": {"strong": 1}, "org_leverage": {"strong": 1}},
		"Blair": {"leadership_visibility": {"support": 1}, "autonomy": {"support": 1}},
		"Casey": {},
		"Drew":  {"cross_team_collaboration": {"concern": 1}},
	}
	for name, want := range peer {
		r := b.row(t, name)
		for _, key := range boardCriteria {
			for _, adv := range []string{"strong", "support", "neutral", "concern"} {
				if got, ok := r.Scores[key].Peer[adv]; !ok || got != want[key][adv] {
					t.Errorf("%s %s peer %s: %d (present %v), want %d", name, key, adv, got, ok, want[key][adv])
				}
			}
		}
	}

	// Readiness and flags as the demo sets them up.
	type want struct {
		suggested, decision, previous *string
		flags                         []string
	}
	s := func(v string) *string { return &v }
	wants := map[string]want{
		"Alex":  {s("ready_now"), nil, s("ready_6_12_months"), []string{}},
		"Blair": {s("ready_12_24_months"), s("ready_12_24_months"), s("ready_12_24_months"), []string{"self_gap:leadership_visibility"}},
		"Casey": {s("ready_6_12_months"), nil, s("not_yet"), []string{"no_peer_input"}},
		"Drew": {nil, s("ready_12_24_months"), s("ready_12_24_months"),
			[]string{"peer_divergence:cross_team_collaboration", "incomplete", "stalled"}},
	}
	for name, w := range wants {
		r := b.row(t, name)
		rd := r.Readiness
		if show(rd.Suggested) != show(w.suggested) || show(rd.Decision) != show(w.decision) || show(rd.Previous) != show(w.previous) {
			t.Errorf("%s readiness {%s %s %s}, want {%s %s %s}", name, show(rd.Suggested), show(rd.Decision),
				show(rd.Previous), show(w.suggested), show(w.decision), show(w.previous))
		}
		got := r.flagKeys()
		slices.Sort(got)
		slices.Sort(w.flags)
		if !slices.Equal(got, w.flags) {
			t.Errorf("%s flags %v, want %v", name, got, w.flags)
		}
		for _, f := range r.Flags {
			if f.Message == "" {
				t.Errorf("%s: flag %s without a message", name, f.Code)
			}
		}
	}

	// Distribution counts decisions, and the rest as undecided.
	if want := map[string]int{"ready_now": 0, "ready_6_12_months": 0, "ready_12_24_months": 2, "not_yet": 0, "undecided": 2}; !mapsEqual(b.Distribution, want) {
		t.Errorf("distribution %v, want %v", b.Distribution, want)
	}
	checkRaters(t, b)
	if b.Raters[0].Director.ID != e.ID(demoDana) || b.Raters[0].Count != 35 {
		t.Errorf("raters %+v, want Dana with 35 scores", b.Raters)
	}
	// The organisation's mean over the last twelve months: all three of
	// Dana's cycles (the first was finalized on 2025-11-28).
	all := 0
	n := 0
	for _, scores := range director {
		for _, v := range scores {
			all, n = all+v, n+1
		}
	}
	hist := map[string][][]int{ // the finished cycles of the organisation, from demo/cycles.go
		"Alex":  {{3, 3, 2, 3, 3, 3, 2, 3, 3}, {3, 3, 3, 3, 3, 4, 3, 3, 3}},
		"Blair": {{2, 3, 2, 2, 3, 2, 2, 3, 3}, {3, 3, 2, 3, 3, 2, 2, 3, 3}},
		"Casey": {{2, 2, 1, 2, 2, 2, 1, 2, 2}, {2, 3, 2, 2, 3, 2, 2, 3, 2}},
		"Drew":  {{3, 2, 3, 3, 2, 3, 3, 2, 3}, {3, 2, 3, 3, 2, 3, 3, 3, 3}},
		"Riley": {{3, 3, 3, 4, 3, 3, 3, 3, 3}}, // Quinn's finalized cycle
		"Sam":   {{3, 3, 2, 3, 3, 2, 3, 3, 3}},
	}
	for _, cs := range hist {
		for _, scores := range cs {
			for _, v := range scores {
				all, n = all+v, n+1
			}
		}
	}
	if want := round2(float64(all) / float64(n)); !ptrEq(b.OrgMean, want) {
		t.Errorf("org_mean %s, want %.2f", show(b.OrgMean), want)
	}
}

// checkRowsShape checks every row carries every key of the board, nulls
// included, and every criterion.
func checkRowsShape(t testing.TB, body []byte) {
	t.Helper()
	var raw struct {
		Rows []map[string]json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for i, r := range raw.Rows {
		for _, k := range []string{"em", "scores", "composite", "evidence_coverage", "readiness", "flags"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("row %d lacks %q", i, k)
			}
		}
		var scores map[string]map[string]json.RawMessage
		if err := json.Unmarshal(r["scores"], &scores); err != nil {
			t.Fatal(err)
		}
		for _, key := range boardCriteria {
			for _, k := range []string{"director", "self", "peer"} {
				if _, ok := scores[key][k]; !ok {
					t.Fatalf("row %d: scores.%s lacks %q", i, key, k)
				}
			}
		}
		var rd map[string]json.RawMessage
		if err := json.Unmarshal(r["readiness"], &rd); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"suggested", "decision", "previous"} {
			if _, ok := rd[k]; !ok {
				t.Fatalf("row %d: readiness lacks %q", i, k)
			}
		}
		if string(r["composite"]) != "null" {
			// A JSON number with at most two decimals.
			if s := string(r["composite"]); strings.Contains(s, ".") && len(s[strings.Index(s, ".")+1:]) > 2 {
				t.Fatalf("row %d: composite %s has more than two decimals", i, s)
			}
		}
	}
}

// checkRaters recomputes each owner's mean and spread from the rows.
func checkRaters(t testing.TB, b boardDoc) {
	t.Helper()
	if len(b.Raters) == 0 {
		t.Fatal("no raters")
	}
	for _, rt := range b.Raters {
		var xs []float64
		for _, r := range b.Rows {
			if r.EM.DirectorID != rt.Director.ID {
				continue
			}
			for _, s := range r.Scores {
				if s.Director != nil {
					xs = append(xs, float64(*s.Director))
				}
			}
		}
		if rt.Count != len(xs) || rt.Director.Name == "" {
			t.Errorf("rater %+v: count %d, want %d", rt.Director, rt.Count, len(xs))
			continue
		}
		if len(xs) == 0 {
			if rt.Mean != nil || rt.Stdev != nil {
				t.Errorf("rater %s without scores has a mean", rt.Director.Name)
			}
			continue
		}
		var sum, sq float64
		for _, x := range xs {
			sum += x
		}
		mean := sum / float64(len(xs))
		for _, x := range xs {
			sq += (x - mean) * (x - mean)
		}
		sd := math.Sqrt(sq / float64(len(xs)))
		if !ptrEq(rt.Mean, round2(mean)) || !ptrEq(rt.Stdev, round2(sd)) {
			t.Errorf("rater %s: mean %s stdev %s, want %.2f %.2f", rt.Director.Name, show(rt.Mean), show(rt.Stdev), mean, sd)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestBoardSortAndFilter(t *testing.T) {
	e := testkit.New(t)
	dana := e.Token(demoDana)
	id := calibratingCycle(t, e, dana)
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"Alex", "Blair", "Casey", "Drew"}},
		{"sort=name", []string{"Alex", "Blair", "Casey", "Drew"}},
		{"sort=composite", []string{"Drew", "Blair", "Casey", "Alex"}}, // 2.88 2.89 3.22 3.33
		{"sort=-composite", []string{"Alex", "Casey", "Blair", "Drew"}},
		{"sort=flags", []string{"Drew", "Blair", "Casey", "Alex"}},     // 3, 1, 1 (by name), 0
		{"sort=readiness", []string{"Alex", "Casey", "Blair", "Drew"}}, // decided, else suggested
		{"flag=self_gap", []string{"Blair"}},
		{"flag=peer_divergence", []string{"Drew"}},
		{"flag=stalled&sort=-composite", []string{"Drew"}},
		{"flag=no_peer_input", []string{"Casey"}},
		{"flag=short_tenure", []string{}},
		{"readiness=ready_12_24_months", []string{"Blair", "Drew"}},
		{"readiness=ready_now", []string{"Alex"}}, // suggested, not decided
		// As api/openapi.yaml documents it: a row without a decision is
		// filtered by its suggestion, and "undecided" keeps the rows without
		// a decision, as the distribution counts them.
		{"readiness=undecided", []string{"Alex", "Casey"}},
		{"readiness=ready_6_12_months&sort=-composite", []string{"Casey"}},
		{"readiness=not_yet", []string{}},
	}
	for _, c := range cases {
		b := getBoard(t, e, dana, id, c.query)
		if got := b.firstNames(); !slices.Equal(got, c.want) {
			t.Errorf("?%s: rows %v, want %v", c.query, got, c.want)
		}
		// Filters pick rows; the summary stays the whole cycle's.
		if b.Distribution["undecided"] != 2 || len(b.Raters) != 1 {
			t.Errorf("?%s: distribution %v raters %d changed with the filter", c.query, b.Distribution, len(b.Raters))
		}
	}
	for _, route := range []string{"board", "board.csv"} {
		for _, bad := range []struct{ query, field string }{
			{"sort=age", "sort"}, {"sort=COMPOSITE", "sort"}, {"flag=loud", "flag"},
			{"readiness=soon", "readiness"}, {"readiness=decided", "readiness"},
		} {
			wantParam(t, e.Get(dana, cyclePath(id, route)+"?"+bad.query), bad.field)
		}
	}
}

// A decision recorded on the board's cycle moves the distribution and
// the row, and raises the flags it implies.
func TestDecisionFeedsTheBoard(t *testing.T) {
	e := testkit.New(t)
	dana := e.Token(demoDana)
	id := calibratingCycle(t, e, dana)

	decide(t, e, dana, id, e.ID(demoAlex), "ready_now", "At the bar everywhere two cycles running.", 0)
	b := getBoard(t, e, dana, id, "")
	alex := b.row(t, "Alex")
	if !ptrEq(alex.Readiness.Decision, "ready_now") || !ptrEq(alex.Readiness.Suggested, "ready_now") || len(alex.Flags) != 0 {
		t.Fatalf("Alex after the decision: %+v flags %v", alex.Readiness, alex.flagKeys())
	}
	if want := map[string]int{"ready_now": 1, "ready_6_12_months": 0, "ready_12_24_months": 2, "not_yet": 0, "undecided": 1}; !mapsEqual(b.Distribution, want) {
		t.Fatalf("distribution %v, want %v", b.Distribution, want)
	}

	// Casey: not_yet last time, ready_now now, an EM since 2025: a big
	// move and a short tenure.
	decide(t, e, dana, id, e.ID(demoCasey), "ready_now", "Every criterion at the bar this half.", 0)
	b = getBoard(t, e, dana, id, "")
	casey := b.row(t, "Casey")
	got := casey.flagKeys()
	slices.Sort(got)
	if !ptrEq(casey.Readiness.Decision, "ready_now") || !slices.Equal(got, []string{"big_move", "no_peer_input", "short_tenure"}) {
		t.Fatalf("Casey after the decision: %+v flags %v", casey.Readiness, got)
	}
	if want := map[string]int{"ready_now": 2, "ready_6_12_months": 0, "ready_12_24_months": 2, "not_yet": 0, "undecided": 0}; !mapsEqual(b.Distribution, want) {
		t.Fatalf("distribution %v, want %v", b.Distribution, want)
	}
	if got := getBoard(t, e, dana, id, "readiness=undecided").firstNames(); len(got) != 0 {
		t.Fatalf("undecided rows %v after every decision", got)
	}

	// Changing a decision moves it between buckets; one step from the
	// previous one is no big move.
	decide(t, e, dana, id, e.ID(demoCasey), "ready_12_24_months", "On reflection, the gaps need a year to close.", 1)
	b = getBoard(t, e, dana, id, "")
	if b.Distribution["ready_now"] != 1 || b.Distribution["ready_12_24_months"] != 3 || !ptrEq(b.row(t, "Casey").Readiness.Decision, "ready_12_24_months") {
		t.Fatalf("distribution %v after changing Casey's decision", b.Distribution)
	}
	if slices.Contains(b.row(t, "Casey").flagKeys(), "big_move") {
		t.Fatalf("not_yet → ready_12_24_months is one step, yet %v", b.row(t, "Casey").flagKeys())
	}
}

// A co-owned synthetic cycle: every participant, each owner's statistics,
// composites and coverage consistent with the ratings.
func TestBoardOfCoOwnedSeed(t *testing.T) {
	e := testkit.New(t)
	seedOrg(t, e, "Coown", 6, 1, 2)
	lead, co := e.Token("director@coown.test"), e.Token("director2@coown.test")
	id := calibratingCycle(t, e, lead)
	b := getBoard(t, e, co, id, "")
	if len(b.Rows) != 6 || len(b.Raters) != 2 {
		t.Fatalf("%d rows, %d raters; want 6 and 2", len(b.Rows), len(b.Raters))
	}
	checkRaters(t, b)
	for _, rt := range b.Raters {
		if rt.Count != 27 {
			t.Errorf("%s rated %d criteria, want 3 EMs × 9", rt.Director.Name, rt.Count)
		}
	}
	decided := 0
	for _, r := range b.Rows {
		sum, n := 0, 0
		for _, s := range r.Scores {
			if s.Director != nil {
				sum, n = sum+*s.Director, n+1
			}
		}
		if !ptrEq(r.Composite, round2(float64(sum)/float64(n))) {
			t.Errorf("%s: composite %s of %d/%d", r.EM.Name, show(r.Composite), sum, n)
		}
		if r.EvidenceCoverage == nil || *r.EvidenceCoverage < 0 || *r.EvidenceCoverage > 1 {
			t.Errorf("%s: evidence coverage %s", r.EM.Name, show(r.EvidenceCoverage))
		}
		short := slices.ContainsFunc(r.Flags, func(f boardFlagDoc) bool { return f.Code == "missing_evidence" || f.Code == "incomplete" })
		if (*r.EvidenceCoverage < 1) != short {
			t.Errorf("%s: coverage %v but flags %v", r.EM.Name, *r.EvidenceCoverage, r.flagKeys())
		}
		if r.Readiness.Decision != nil {
			decided++
		}
	}
	total := 0
	for _, v := range b.Distribution {
		total += v
	}
	if total != 6 || b.Distribution["undecided"] != 6-decided {
		t.Fatalf("distribution %v for 6 rows, %d decided", b.Distribution, decided)
	}
}

// One board costs the same statements whatever the number of
// participants (no query per row).
func TestBoardCostIsFixed(t *testing.T) {
	e := testkit.New(t)
	counter := testkit.CountStatements(t, e.Store.Gorm())
	counts := map[int]int{}
	for _, n := range []int{5, 50} {
		org := fmt.Sprintf("Cost%d", n)
		seedOrg(t, e, org, n, 3, 2)
		tok := e.Token(fmt.Sprintf("director@cost%d.test", n))
		id := calibratingCycle(t, e, tok)
		var b boardDoc
		counts[n] = counter.During(func() {
			res := e.Get(tok, cyclePath(id, "board")+"?limit=10") // the board is not a list
			wantStatus(t, res, http.StatusOK)
			res.Decode(t, &b)
		})
		if len(b.Rows) != n {
			t.Fatalf("%d EMs: the board has %d rows", n, len(b.Rows))
		}
	}
	t.Logf("SQL statements of one GET /board: %d with 5 EMs, %d with 50 EMs", counts[5], counts[50])
	if counts[5] == 0 || counts[5] != counts[50] {
		t.Fatalf("GET /board ran %d statements with 5 EMs and %d with 50", counts[5], counts[50])
	}
}

// The board of a finished cycle reads only the cycles finished before it:
// a later cycle is never its "previous" one, nor what makes it sustained
// or stalled.
func TestBoardOfFinishedCycles(t *testing.T) {
	e := testkit.New(t)
	dana := e.Token(demoDana)
	id := calibratingCycle(t, e, dana)
	past := getHistory(t, e, dana, e.ID(demoAlex))
	h25, h26 := past.Cycles[0].Cycle.ID, past.Cycles[1].Cycle.ID
	previous := func(cycleID string) map[string]string {
		out := map[string]string{}
		for _, r := range getBoard(t, e, dana, cycleID, "").Rows {
			out[strings.Fields(r.EM.Name)[0]] = show(r.Readiness.Previous)
		}
		return out
	}
	check := func(when string) {
		t.Helper()
		if got := previous(h25); !maps.Equal(got, map[string]string{"Alex": "null", "Blair": "null", "Casey": "null", "Drew": "null"}) {
			t.Errorf("%s: the first cycle's previous readiness %v, want none", when, got)
		}
		want := map[string]string{"Alex": "ready_12_24_months", "Blair": "not_yet", "Casey": "not_yet", "Drew": "ready_12_24_months"}
		if got := previous(h26); !maps.Equal(got, want) {
			t.Errorf("%s: 2026 H1's previous readiness %v, want %v", when, got, want)
		}
		b := getBoard(t, e, dana, h26, "")
		if alex := b.row(t, "Alex"); !ptrEq(alex.Readiness.Suggested, "ready_6_12_months") {
			t.Errorf("%s: Alex's suggestion in 2026 H1 is %s, want ready_6_12_months (not yet sustained then)", when, show(alex.Readiness.Suggested))
		}
		if drew := b.row(t, "Drew"); slices.Contains(drew.flagKeys(), "stalled") {
			t.Errorf("%s: Drew is stalled in 2026 H1, his second cycle", when)
		}
	}
	check("before the third cycle is finalized")
	finishDanasCycle(t, e, dana, id)
	check("after the third cycle is finalized")
	b := getBoard(t, e, dana, id, "")
	if drew := b.row(t, "Drew"); !ptrEq(drew.Readiness.Previous, "ready_12_24_months") || !slices.Contains(drew.flagKeys(), "stalled") {
		t.Errorf("the finalized cycle: Drew previous %s flags %v", show(drew.Readiness.Previous), drew.flagKeys())
	}
	if alex := b.row(t, "Alex"); !ptrEq(alex.Readiness.Previous, "ready_6_12_months") {
		t.Errorf("the finalized cycle: Alex's previous %s, want ready_6_12_months", show(alex.Readiness.Previous))
	}
}
