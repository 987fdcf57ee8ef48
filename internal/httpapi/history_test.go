package httpapi_test

// An EM's history, trajectory and promotion packet: the
// directors above the EM see every finalized cycle, the EM only released
// ones, and the packet quotes peers only as the cycle's attribution allows.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"calibrate/internal/testkit"
)

type historyDoc struct {
	EM     cyRef `json:"em"`
	Cycles []struct {
		Cycle struct {
			ID          string  `json:"id"`
			Name        string  `json:"name"`
			State       string  `json:"state"`
			FinalizedAt *string `json:"finalized_at"`
		} `json:"cycle"`
		Composite *float64       `json:"composite"`
		Scores    map[string]int `json:"scores"`
		Decision  *string        `json:"decision"`
	} `json:"cycles"`
	Trajectory struct {
		AtBarStreak int     `json:"at_bar_streak"`
		Trend       *string `json:"trend"`
		Stalled     bool    `json:"stalled"`
	} `json:"trajectory"`
}

func (h historyDoc) names() []string {
	out := []string{}
	for _, c := range h.Cycles {
		out = append(out, c.Cycle.Name)
	}
	return out
}

func getHistory(t testing.TB, e *testkit.Env, tok, emID string) historyDoc {
	t.Helper()
	res := e.Get(tok, emPath(emID, "history"))
	wantStatus(t, res, http.StatusOK)
	var h historyDoc
	res.Decode(t, &h)
	return h
}

func getPacket(t testing.TB, e *testkit.Env, tok, emID string) string {
	t.Helper()
	res := e.Get(tok, emPath(emID, "packet"))
	wantStatus(t, res, http.StatusOK)
	wantType(t, res, "text/markdown")
	return string(res.Body)
}

// checkHistory recomputes what a history says from its own cycles: oldest
// first, composites of the scores, the at-bar streak and the stall.
func checkHistory(t testing.TB, h historyDoc, bar int) {
	t.Helper()
	for i, c := range h.Cycles {
		if c.Cycle.FinalizedAt == nil || (i > 0 && *c.Cycle.FinalizedAt < *h.Cycles[i-1].Cycle.FinalizedAt) {
			t.Fatalf("%s: cycles not oldest first: %v", h.EM.Name, h.names())
		}
		if c.Cycle.State != "finalized" && c.Cycle.State != "released" {
			t.Fatalf("%s: an unfinished cycle %s (%s) in the history", h.EM.Name, c.Cycle.Name, c.Cycle.State)
		}
		sum := 0
		for _, v := range c.Scores {
			sum += v
		}
		if len(c.Scores) > 0 && !ptrEq(c.Composite, round2(float64(sum)/float64(len(c.Scores)))) {
			t.Errorf("%s %s: composite %s for scores %v", h.EM.Name, c.Cycle.Name, show(c.Composite), c.Scores)
		}
	}
	streak := 0
	for i := len(h.Cycles) - 1; i >= 0; i-- {
		s := h.Cycles[i].Scores
		clean := len(s) > 0
		for _, v := range s {
			clean = clean && v >= bar
		}
		if !clean {
			break
		}
		streak++
	}
	if h.Trajectory.AtBarStreak != streak {
		t.Errorf("%s: at_bar_streak %d, want %d", h.EM.Name, h.Trajectory.AtBarStreak, streak)
	}
	stalled := false
	if n := len(h.Cycles); n >= 3 {
		last := h.Cycles[n-1].Decision
		stalled = last != nil && *last != "ready_now"
		for _, c := range h.Cycles[n-3:] {
			stalled = stalled && c.Decision != nil && *c.Decision == *last
		}
	}
	if h.Trajectory.Stalled != stalled {
		t.Errorf("%s: stalled %v, want %v", h.EM.Name, h.Trajectory.Stalled, stalled)
	}
	if tr := h.Trajectory.Trend; tr != nil {
		if len(h.Cycles) < 2 || !slices.Contains([]string{"rising", "flat", "falling"}, *tr) {
			t.Errorf("%s: trend %s over %d cycles", h.EM.Name, *tr, len(h.Cycles))
		}
	} else if len(h.Cycles) >= 2 {
		t.Errorf("%s: no trend over %d cycles", h.EM.Name, len(h.Cycles))
	}
}

// finishDanasCycle rates what Drew lacks, decides for Alex and Casey and
// finalizes the demo's calibrating cycle.
func finishDanasCycle(t testing.TB, e *testkit.Env, dana, id string) {
	t.Helper()
	res := e.Get(dana, cyclePath(id, "ems", e.ID(demoDrew), "assessment"))
	wantStatus(t, res, http.StatusOK)
	var a struct {
		Ratings []map[string]any `json:"ratings"`
		Version int              `json:"version"`
	}
	res.Decode(t, &a)
	a.Ratings = append(a.Ratings, map[string]any{"criterion": "sustained_performance", "score": 3,
		"evidence": "At the bar for three halves running, through the depot integration."})
	wantStatus(t, e.Put(dana, cyclePath(id, "ems", e.ID(demoDrew), "assessment"),
		map[string]any{"ratings": a.Ratings, "version": a.Version, "change_reason": "Sustained performance settled in the meeting."}), http.StatusOK)
	decide(t, e, dana, id, e.ID(demoAlex), "ready_now", alexH2Rationale, 0)
	decide(t, e, dana, id, e.ID(demoCasey), "ready_6_12_months", "At the bar everywhere for the first time this half.", 0)
	wantStatus(t, e.Post(dana, cyclePath(id, "transition"), map[string]any{"to": "finalized"}), http.StatusOK)
}

const alexH2Rationale = "Two halves at the bar; the roadmap review settled it."

func TestHistoryAndTrajectory(t *testing.T) {
	e := testkit.New(t)
	dana, alexTok, drewTok := e.Token(demoDana), e.Token(demoAlex), e.Token(demoDrew)
	id := calibratingCycle(t, e, dana)
	alex, drew := e.ID(demoAlex), e.ID(demoDrew)
	released := []string{"2025 H2 calibration", "2026 H1 calibration"}

	h := getHistory(t, e, dana, alex)
	checkHistory(t, h, 3)
	if h.EM.ID != alex || !slices.Equal(h.names(), released) {
		t.Fatalf("Alex's history %v, want the two released cycles oldest first", h.names())
	}
	wantScores := [][]int{{3, 3, 2, 3, 3, 3, 2, 3, 3}, {3, 3, 3, 3, 3, 4, 3, 3, 3}} // demo/cycles.go
	for i, c := range h.Cycles {
		for j, k := range boardCriteria {
			if c.Scores[k] != wantScores[i][j] {
				t.Errorf("%s %s: %d, want %d", c.Cycle.Name, k, c.Scores[k], wantScores[i][j])
			}
		}
	}
	if !ptrEq(h.Cycles[0].Composite, 2.78) || !ptrEq(h.Cycles[1].Composite, 3.11) ||
		!ptrEq(h.Cycles[0].Decision, "ready_12_24_months") || !ptrEq(h.Cycles[1].Decision, "ready_6_12_months") {
		t.Fatalf("Alex's history %+v", h.Cycles)
	}
	if tr := h.Trajectory; tr.AtBarStreak != 1 || !ptrEq(tr.Trend, "rising") || tr.Stalled {
		t.Fatalf("Alex's trajectory %+v", tr)
	}
	// Before the third cycle is finalized nobody sees it, and Drew is not
	// stalled yet.
	for _, tok := range []string{dana, drewTok} {
		h := getHistory(t, e, tok, drew)
		checkHistory(t, h, 3)
		if !slices.Equal(h.names(), released) || h.Trajectory.Stalled {
			t.Fatalf("Drew's history %v, stalled %v", h.names(), h.Trajectory.Stalled)
		}
	}

	finishDanasCycle(t, e, dana, id)
	all := append(slices.Clone(released), "2026 H2 calibration")
	// Dana sees the finalized cycle; Drew's readiness has not moved in
	// three: stalled.
	h = getHistory(t, e, dana, drew)
	checkHistory(t, h, 3)
	if !slices.Equal(h.names(), all) || h.Cycles[2].Cycle.State != "finalized" || !h.Trajectory.Stalled ||
		!ptrEq(h.Cycles[2].Decision, "ready_12_24_months") {
		t.Fatalf("Drew's history for Dana: %v, last %+v, trajectory %+v", h.names(), h.Cycles[2], h.Trajectory)
	}
	h = getHistory(t, e, dana, alex)
	checkHistory(t, h, 3)
	if h.Trajectory.AtBarStreak != 2 || !ptrEq(h.Cycles[2].Decision, "ready_now") {
		t.Fatalf("Alex after the third cycle: %+v", h.Trajectory)
	}
	// The EMs still see released cycles only.
	for _, c := range []struct{ tok, id string }{{alexTok, alex}, {drewTok, drew}} {
		h := getHistory(t, e, c.tok, c.id)
		checkHistory(t, h, 3)
		if !slices.Equal(h.names(), released) {
			t.Fatalf("%s sees %v before the release", h.EM.Name, h.names())
		}
	}

	wantStatus(t, e.Post(dana, cyclePath(id, "transition"), map[string]any{"to": "released"}), http.StatusOK)
	h = getHistory(t, e, drewTok, drew)
	checkHistory(t, h, 3)
	if !slices.Equal(h.names(), all) || !h.Trajectory.Stalled {
		t.Fatalf("Drew's own history after the release: %v, %+v", h.names(), h.Trajectory)
	}
}

// Synthetic histories: the rules hold on every EM of a seeded organisation.
func TestSeededHistories(t *testing.T) {
	e := testkit.New(t)
	seedOrg(t, e, "Hist", 12, 4, 1)
	dir := e.Token("director@hist.test")
	stalled := 0
	for i := 1; i <= 12; i++ {
		em := userID(t, e, "em"+strconv.Itoa(i)+"@hist.test")
		h := getHistory(t, e, dir, em)
		if len(h.Cycles) != 4 {
			t.Fatalf("em%d: %d cycles, want the 4 released ones", i, len(h.Cycles))
		}
		checkHistory(t, h, 3)
		if h.Trajectory.Stalled {
			stalled++
		}
		if own := getHistory(t, e, e.Token("em"+strconv.Itoa(i)+"@hist.test"), em); !slices.Equal(own.names(), h.names()) {
			t.Fatalf("em%d sees %v, the director %v", i, own.names(), h.names())
		}
	}
	t.Logf("%d of 12 seeded EMs stalled", stalled)
}

func TestPacket(t *testing.T) {
	e := testkit.New(t)
	dana, alexTok := e.Token(demoDana), e.Token(demoAlex)
	id := calibratingCycle(t, e, dana)
	alex := e.ID(demoAlex)
	h1 := getHistory(t, e, dana, alex).Cycles[1].Cycle.ID
	const privateNote = "Discuss growth path in the 1:1 before release." // demo/cycles.go
	const h2Note = "Alex ran the joint roadmap review with product"      // a by_function note of the third cycle

	// The latest released cycle is 2026 H1, a named one.
	p := getPacket(t, e, alexTok, alex)
	for _, want := range []string{"# Promotion packet: Alex Moreno", "## Latest decision (2026 H1 calibration)",
		"Ready in 6–12 months", "At the bar everywhere this cycle for the first time", "Composite 3.11",
		"— Pat Rivera (product), strong", "| 2025 H2 calibration | 2.78 |", "| 2026 H1 calibration | 3.11 |"} {
		if !strings.Contains(p, want) {
			t.Errorf("Alex's packet lacks %q:\n%s", want, p)
		}
	}
	// Every criterion with its score and the director's evidence.
	res := e.Get(dana, cyclePath(h1, "ems", alex, "assessment"))
	wantStatus(t, res, http.StatusOK)
	var a struct {
		Ratings []ratingDoc `json:"ratings"`
	}
	res.Decode(t, &a)
	if len(a.Ratings) != len(boardCriteria) {
		t.Fatalf("H1 assessment %s", res.Body)
	}
	for _, c := range getBoard(t, e, dana, id, "").Criteria {
		if !strings.Contains(p, "### "+c.Title+": ") {
			t.Errorf("the packet lacks the criterion %q", c.Title)
		}
	}
	for _, r := range a.Ratings {
		if !strings.Contains(p, r.Evidence) {
			t.Errorf("the packet lacks the evidence %q", r.Evidence)
		}
	}
	if strings.Contains(p, "2026 H2") || strings.Contains(p, privateNote) {
		t.Fatalf("Alex's packet shows the unreleased cycle or a private note:\n%s", p)
	}

	finishDanasCycle(t, e, dana, id)
	// Finalized, not released: Dana's packet moves on, Alex's does not.
	p = getPacket(t, e, alexTok, alex)
	for _, hidden := range []string{"2026 H2", alexH2Rationale, h2Note, "Ready now", privateNote} {
		if strings.Contains(p, hidden) {
			t.Fatalf("Alex's packet shows %q from the unreleased cycle:\n%s", hidden, p)
		}
	}
	p = getPacket(t, e, dana, alex)
	for _, want := range []string{"## Latest decision (2026 H2 calibration)", "**Ready now**", alexH2Rationale, h2Note,
		"a product partner", "a design partner", "| 2026 H2 calibration | 3.33 | Ready now |"} {
		if !strings.Contains(p, want) {
			t.Errorf("Dana's packet of Alex lacks %q:\n%s", want, p)
		}
	}
	// by_function: no author's name.
	for _, name := range []string{"Pat Rivera", "Dee Santos", "Otto Brandt"} {
		if strings.Contains(p, name) {
			t.Errorf("the by_function packet names %q:\n%s", name, p)
		}
	}

	wantStatus(t, e.Post(dana, cyclePath(id, "transition"), map[string]any{"to": "released"}), http.StatusOK)
	p = getPacket(t, e, alexTok, alex)
	if !strings.Contains(p, "## Latest decision (2026 H2 calibration)") || !strings.Contains(p, "a design partner") ||
		strings.Contains(p, "Dee Santos") || strings.Contains(p, privateNote) {
		t.Fatalf("Alex's packet after the release:\n%s", p)
	}
}

// A synthetic by_function cycle: the packet never names a peer; the cycle
// in calibration is on its owner's table, marked draft, and not the EM's.
func TestPacketOfSeededEM(t *testing.T) {
	e := testkit.New(t)
	seedOrg(t, e, "Pack", 6, 2, 1)
	dir := e.Token("director@pack.test")
	var peers struct {
		Items []cyRef `json:"items"`
	}
	res := e.Get(dir, "/api/v1/directory?role=peer")
	wantStatus(t, res, http.StatusOK)
	res.Decode(t, &peers)
	if len(peers.Items) == 0 {
		t.Fatal("no peers in the directory")
	}
	quoted := 0
	for i := 1; i <= 6; i++ {
		email := "em" + strconv.Itoa(i) + "@pack.test"
		id := userID(t, e, email)
		for _, tok := range []string{dir, e.Token(email)} {
			p := getPacket(t, e, tok, id)
			for _, peer := range peers.Items {
				if strings.Contains(p, peer.Name) {
					t.Fatalf("%s's packet names %s in a by_function cycle:\n%s", email, peer.Name, p)
				}
			}
			// The cycle in calibration is on its owner's table only.
			if onTable := strings.Contains(p, "## On the table: Cycle 3 (draft — not final)"); onTable != (tok == dir) {
				t.Fatalf("%s's packet, as the director %v, shows the cycle in calibration %v:\n%s", email, tok == dir, onTable, p)
			}
			if tok != dir && strings.Contains(p, "Cycle 3") {
				t.Fatalf("%s's own packet shows the cycle in calibration:\n%s", email, p)
			}
			if strings.Contains(p, " partner, ") {
				quoted++
			}
		}
	}
	if quoted == 0 {
		t.Fatal("no packet quotes a peer note")
	}
}
