package httpapi_test

// The fairness aids: language hints on writes and on the board, and
// pre-reads before the meeting.

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"calibrate/internal/demo"
	"calibrate/internal/testkit"
)

type prereadRowDoc struct {
	EM       cyRef          `json:"em"`
	Prereads map[string]int `json:"prereads"`
	Comments []struct {
		Owner   cyRef   `json:"owner"`
		Stance  string  `json:"stance"`
		Comment *string `json:"comment"`
	} `json:"preread_comments"`
}

func prereadRows(t *testing.T, e *testkit.Env, tok, cycleID string) map[string]prereadRowDoc {
	t.Helper()
	res := e.Get(tok, "/api/v1/cycles/"+cycleID+"/board")
	wantStatus(t, res, http.StatusOK)
	var b struct {
		Rows []prereadRowDoc `json:"rows"`
	}
	res.Decode(t, &b)
	out := map[string]prereadRowDoc{}
	for _, r := range b.Rows {
		out[strings.Fields(r.EM.Name)[0]] = r
	}
	return out
}

func TestPrereads(t *testing.T) {
	e := testkit.New(t)
	dana := e.Token("dana@acme.test")
	cycle := calibratingCycle(t, e, dana)
	alex := e.ID("alex@acme.test")
	path := "/api/v1/cycles/" + cycle + "/ems/" + alex + "/preread"

	// Before anything is written the agenda does not start with Alex.
	if first := getAgenda(t, e, dana, cycle).Items[0].EM.Name; strings.HasPrefix(first, "Alex") {
		t.Fatalf("Alex leads the agenda before any question")
	}
	wantError(t, e.Get(dana, path), http.StatusNotFound, "not_found")

	res := e.Put(dana, path, map[string]any{"stance": "question", "comment": "Is ready now sustained or one good half?"})
	wantStatus(t, res, http.StatusOK)
	if res.JSON()["stance"] != "question" {
		t.Fatalf("pre-read answer %s", res.Body)
	}
	wantStatus(t, e.Get(dana, path), http.StatusOK)

	rows := prereadRows(t, e, dana, cycle)
	if got := rows["Alex"].Prereads; got["question"] != 1 || got["agree"] != 0 || got["abstain"] != 0 {
		t.Fatalf("Alex's pre-read counts %v", got)
	}
	if c := rows["Alex"].Comments; len(c) != 1 || c[0].Owner.ID != e.ID("dana@acme.test") || c[0].Comment == nil {
		t.Fatalf("Alex's pre-read comments %+v", c)
	}
	b := getBoard(t, e, dana, cycle, "")
	if !slices.Contains(b.row(t, "Alex").flagKeys(), "questioned") {
		t.Fatalf("a questioned assessment raises no flag: %v", b.row(t, "Alex").flagKeys())
	}
	a := getAgenda(t, e, dana, cycle)
	if !strings.HasPrefix(a.Items[0].EM.Name, "Alex") || a.Items[0].Reasons[0] != "questioned" {
		t.Fatalf("the questioned participant must lead the agenda: %+v", a.Items[0])
	}

	// One pre-read per owner and participant: writing again replaces it.
	wantStatus(t, e.Put(dana, path, map[string]any{"stance": "agree"}), http.StatusOK)
	rows = prereadRows(t, e, dana, cycle)
	if got := rows["Alex"].Prereads; got["question"] != 0 || got["agree"] != 1 {
		t.Fatalf("after a second write the counts are %v", got)
	}
	if slices.Contains(getBoard(t, e, dana, cycle, "").row(t, "Alex").flagKeys(), "questioned") {
		t.Fatal("the questioned flag stays after the owner agreed")
	}

	// Only owners write; others learn nothing.
	wantError(t, e.Put(e.Token("omar@acme.test"), path, map[string]any{"stance": "agree"}), http.StatusNotFound, "not_found")
	wantError(t, e.Put(e.Token("admin@acme.test"), path, map[string]any{"stance": "agree"}), http.StatusForbidden, "forbidden")
	wantError(t, e.Put(e.Token("alex@acme.test"), path, map[string]any{"stance": "agree"}), http.StatusForbidden, "forbidden")
	wantError(t, e.Put(e.Token("gwen@globex.test"), path, map[string]any{"stance": "agree"}), http.StatusNotFound, "not_found")
	wantFields(t, e.Put(dana, path, map[string]any{"stance": "maybe"}), "stance")
	wantFields(t, e.Put(dana, path, map[string]any{"stance": "agree", "comment": strings.Repeat("x", 2001)}), "comment")
	wantError(t, e.Put(dana, "/api/v1/cycles/"+cycle+"/ems/"+e.ID("erin@acme.test")+"/preread", map[string]any{"stance": "agree"}),
		http.StatusNotFound, "not_found")

	// Only while calibrating: a draft is locked.
	omar := e.Token("omar@acme.test")
	res = e.Post(omar, "/api/v1/cycles", map[string]any{"name": "Omar's draft", "em_ids": []string{e.ID("erin@acme.test")}})
	wantStatus(t, res, http.StatusCreated)
	draft := res.JSON()["id"].(string)
	wantError(t, e.Put(omar, "/api/v1/cycles/"+draft+"/ems/"+e.ID("erin@acme.test")+"/preread", map[string]any{"stance": "agree"}),
		http.StatusConflict, "cycle_locked")
}

// In a co-owned cycle each owner has a pre-read of each participant, and
// the board counts them.
func TestPrereadsOfCoOwners(t *testing.T) {
	e := testkit.New(t)
	if _, err := demo.Seed(context.Background(), e.Store, e.Hasher, demo.SeedOptions{Org: "Pair", EMs: 4, Cycles: 1, Directors: 2, Now: e.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	lead, co := e.Token("director@pair.test"), e.Token("director2@pair.test")
	cycle := calibratingCycle(t, e, lead)
	var em string
	for name := range prereadRows(t, e, lead, cycle) {
		em = name
		break
	}
	rows := prereadRows(t, e, lead, cycle)
	id := rows[em].EM.ID
	path := "/api/v1/cycles/" + cycle + "/ems/" + id + "/preread"
	wantStatus(t, e.Put(lead, path, map[string]any{"stance": "agree"}), http.StatusOK)
	wantStatus(t, e.Put(co, path, map[string]any{"stance": "question", "comment": "Harsh on autonomy?"}), http.StatusOK)
	got := prereadRows(t, e, co, cycle)[em]
	if got.Prereads["agree"] != 1 || got.Prereads["question"] != 1 || len(got.Comments) != 2 {
		t.Fatalf("co-owned pre-reads %+v", got)
	}
}

func TestLanguageHintsOnWritesAndBoard(t *testing.T) {
	e := testkit.New(t)
	dana, pat := e.Token("dana@acme.test"), e.Token("pat@acme.test")
	cycle := calibratingCycle(t, e, dana)

	// The live route, for any signed-in user.
	res := e.Post(pat, "/api/v1/language-hints", map[string]string{"text": "She is always so abrasive."})
	wantStatus(t, res, http.StatusOK)
	var live struct {
		Hints []struct {
			Kind       string
			Start, End int
		} `json:"hints"`
	}
	res.Decode(t, &live)
	if len(live.Hints) != 2 || live.Hints[0].Kind != "absolute" || live.Hints[1].Kind != "personality" ||
		live.Hints[1].Start != 17 || live.Hints[1].End != 25 {
		t.Fatalf("hints %+v", live.Hints)
	}

	// Pat's note about Casey: saved, with its hints beside it.
	var inbox struct {
		Items []struct {
			ID string `json:"id"`
			EM cyRef  `json:"em"`
		} `json:"items"`
	}
	e.Get(pat, "/api/v1/peer-requests").Decode(t, &inbox)
	var request string
	for _, it := range inbox.Items {
		if it.EM.ID == e.ID("casey@acme.test") {
			request = it.ID
		}
	}
	res = e.Put(pat, "/api/v1/peer-requests/"+request+"/note", map[string]any{"advocacy": "concern",
		"criteria": []string{"autonomy"}, "body": "Casey is too emotional in reviews and never lets go of a decision."})
	wantStatus(t, res, http.StatusOK)
	var note struct {
		Body  string `json:"body"`
		Hints []struct {
			Field string `json:"field"`
			Kind  string `json:"kind"`
		} `json:"hints"`
	}
	res.Decode(t, &note)
	if len(note.Hints) != 2 || note.Hints[0].Field != "body" || note.Hints[0].Kind != "personality" || note.Hints[1].Kind != "absolute" {
		t.Fatalf("note hints %+v", note.Hints)
	}
	b := getBoard(t, e, dana, cycle, "")
	if !slices.Contains(b.row(t, "Casey").flagKeys(), "language:autonomy") {
		t.Fatalf("Casey's flags %v lack language:autonomy", b.row(t, "Casey").flagKeys())
	}
	if a := getAgenda(t, e, dana, cycle); !slices.ContainsFunc(a.Items, func(it struct {
		EM      cyRef    `json:"em"`
		Reasons []string `json:"reasons"`
		Minutes int      `json:"minutes"`
	}) bool {
		return strings.HasPrefix(it.EM.Name, "Casey") && slices.Contains(it.Reasons, "language")
	}) {
		t.Fatal("the agenda does not count the language flag")
	}

	// A clean, concrete note has no hints and clears nothing else.
	res = e.Put(pat, "/api/v1/peer-requests/"+request+"/note", map[string]any{"advocacy": "support",
		"criteria": []string{"autonomy"}, "body": "Casey decided the Q3 vendor switch alone and wrote up the trade-offs."})
	wantStatus(t, res, http.StatusOK)
	if h, ok := res.JSON()["hints"].([]any); !ok || len(h) != 0 {
		t.Fatalf("a clean note answers hints %v", res.JSON()["hints"])
	}
	if slices.ContainsFunc(getBoard(t, e, dana, cycle, "").row(t, "Casey").flagKeys(), func(k string) bool { return strings.HasPrefix(k, "language") }) {
		t.Fatal("the language flag stays after the note was rewritten")
	}

	// Evidence: the assessment write answers its hints per field.
	drew := e.ID("drew@acme.test")
	res = e.Get(dana, "/api/v1/cycles/"+cycle+"/ems/"+drew+"/assessment")
	version := int(res.JSON()["version"].(float64))
	res = e.Put(dana, "/api/v1/cycles/"+cycle+"/ems/"+drew+"/assessment", map[string]any{"version": version,
		"change_reason": "Autonomy evidence rewritten in the meeting.",
		"ratings":       []map[string]any{{"criterion": "autonomy", "score": 3, "evidence": "Always escalates too late; everyone notices."}}})
	wantStatus(t, res, http.StatusOK)
	var saved struct {
		Hints []struct {
			Field     string  `json:"field"`
			Criterion *string `json:"criterion"`
		} `json:"hints"`
	}
	res.Decode(t, &saved)
	if len(saved.Hints) != 2 || saved.Hints[0].Field != "ratings[0].evidence" || saved.Hints[0].Criterion == nil || *saved.Hints[0].Criterion != "autonomy" {
		t.Fatalf("assessment hints %+v", saved.Hints)
	}
	if !slices.Contains(getBoard(t, e, dana, cycle, "").row(t, "Drew").flagKeys(), "language:autonomy") {
		t.Fatal("hinted evidence raises no language flag")
	}
	// GETs carry no hints.
	if _, ok := e.Get(dana, "/api/v1/cycles/"+cycle+"/ems/"+drew+"/assessment").JSON()["hints"]; ok {
		t.Fatal("a read answers hints")
	}
}

func TestProjectionInHistoryAndPacket(t *testing.T) {
	e := testkit.New(t)
	dana := e.Token("dana@acme.test")
	res := e.Get(dana, "/api/v1/ems/"+e.ID("alex@acme.test")+"/history")
	wantStatus(t, res, http.StatusOK)
	var h struct {
		Trajectory struct {
			Projected  *int   `json:"projected_cycles_to_ready"`
			Projection string `json:"projection"`
		} `json:"trajectory"`
	}
	res.Decode(t, &h)
	// Alex's latest finished cycle (2026 H1) has every criterion at the bar.
	if h.Trajectory.Projected == nil || *h.Trajectory.Projected != 0 {
		t.Fatalf("Alex's projection %v (%s)", h.Trajectory.Projected, h.Trajectory.Projection)
	}
	// Blair rose 2.44 → 2.67 with three criteria below the bar.
	res = e.Get(dana, "/api/v1/ems/"+e.ID("blair@acme.test")+"/history")
	res.Decode(t, &h)
	if h.Trajectory.Projected == nil || *h.Trajectory.Projected < 1 || !strings.Contains(h.Trajectory.Projection, "not a promise") {
		t.Fatalf("Blair's projection %v (%s)", h.Trajectory.Projected, h.Trajectory.Projection)
	}
	packet := string(e.Get(dana, "/api/v1/ems/"+e.ID("blair@acme.test")+"/packet").Body)
	if !strings.Contains(packet, "Projection (not a promise)") {
		t.Fatalf("the packet has no projection:\n%s", packet)
	}
}
