package httpapi_test

// One cycle from draft to released through the API, with what every
// person sees at every state: the lead, each EM, each peer, a director who
// does not own the cycle and another organisation.

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"testing"

	"calibrate/internal/testkit"
)

// flowNotes are the peer notes of the flow, by the EM they are about.
var flowNotes = map[string][]string{
	"erin@acme.test": {
		"Erin brought product into the planning of the billing migration from the first week.",
		"Erin rebuilt the on-call rota with operations after two incident-heavy months.",
	},
	"finn@acme.test": {
		"Finn's team ships what design hands over, though reviews are sometimes skipped.",
	},
}

// The demo's free director and EMs: Omar's EMs have no cycle yet.
const (
	omarDir = "omar@acme.test"
	erinEM  = "erin@acme.test"
	finnEM  = "finn@acme.test"
)

// flowFixture is the cycle under test and what must stay hidden from whom.
type flowFixture struct {
	*cycleFixture
	peers    []string
	released bool
}

func TestCycleFromDraftToReleased(t *testing.T) {
	e := newCycleEnv(t)
	f := &flowFixture{cycleFixture: e.newCycle(omarDir, []string{erinEM, finnEM}, nil),
		peers: []string{"pat@acme.test", "dee@acme.test", "otto@acme.test"}}
	if c := f.get(omarDir); c.PeerAttribution != "by_function" || c.Lead.ID != e.ID(omarDir) || len(c.Owners) != 1 {
		t.Fatalf("new cycle %+v: want by_function attribution and Omar as lead and only owner", c)
	}
	if f.director[erinEM] != omarDir || f.director[finnEM] != omarDir {
		t.Fatalf("directors in the cycle %v, want Omar for both", f.director)
	}

	// draft: the lead may already ask for peer input.
	rPatErin := f.request(omarDir, erinEM, "pat@acme.test")
	rDeeFinn := f.request(omarDir, finnEM, "dee@acme.test")
	f.checkViews(t, "draft")
	f.wantInbox(t, "pat@acme.test", rPatErin)
	f.wantInbox(t, "dee@acme.test", rDeeFinn)
	f.wantInbox(t, "otto@acme.test")

	// input_open: EMs nominate peers and assess themselves, peers write,
	// the director starts rating.
	f.moveTo("input_open")
	rOttoErin := f.request(erinEM, erinEM, "otto@acme.test")
	rPatFinn := f.request(finnEM, finnEM, "pat@acme.test")
	f.selfRate(erinEM, 3, 0)
	f.selfRate(finnEM, 2, 0)
	f.note("pat@acme.test", rPatErin, "support", flowNotes[erinEM][0], "cross_functional_partnership")
	f.note("otto@acme.test", rOttoErin, "strong", flowNotes[erinEM][1], "complexity", "org_leverage")
	f.note("dee@acme.test", rDeeFinn, "neutral", flowNotes[finnEM][0], "cross_functional_partnership")
	wantStatus(t, e.Post(e.tok("pat@acme.test"), "/api/v1/peer-requests/"+rPatFinn+"/decline", nil), http.StatusOK)
	f.rate(erinEM, 3, 0, "PRIVATE note on erinEM: discuss scope of the next role")
	f.rate(finnEM, 2, 0, "PRIVATE note on finnEM: compare with last half")

	// A peer touches only requests addressed to them.
	wantError(t, f.putNote("pat@acme.test", rDeeFinn, map[string]any{"advocacy": "concern", "criteria": []string{},
		"body": "Trying to overwrite another peer's note."}), http.StatusNotFound, "not_found")
	wantError(t, e.Post(e.tok("pat@acme.test"), "/api/v1/peer-requests/"+rOttoErin+"/decline", nil),
		http.StatusNotFound, "not_found")
	f.wantInbox(t, "pat@acme.test", rPatErin, rPatFinn)
	f.wantInbox(t, "otto@acme.test", rOttoErin)
	f.checkViews(t, "input_open")

	// The lead sees every request with its status, and every note.
	lead := e.requestsOf(omarDir)
	if got := requestIDs(lead.Items, f.id); !sameSet(got, []string{rPatErin, rDeeFinn, rOttoErin, rPatFinn}) {
		t.Fatalf("the lead's requests %v", got)
	}
	for _, r := range lead.Items {
		if r.Status == nil {
			t.Fatalf("the lead does not see the status of %s", r.ID)
		}
	}
	if n := f.notes(omarDir); len(n) != 3 {
		t.Fatalf("the lead reads %d notes, want 3", len(n))
	}

	// calibrating: ratings may still change; decisions are recorded.
	f.moveTo("calibrating")
	f.rate(erinEM, 3, 1, "PRIVATE note on erinEM: settled after the calibration meeting")
	f.decide(erinEM, "ready_6_12_months", 0)
	f.decide(finnEM, "not_yet", 0)
	f.checkViews(t, "calibrating")

	f.moveTo("finalized")
	f.checkViews(t, "finalized")

	f.moveTo("released")
	f.released = true
	f.checkViews(t, "released")

	// Each EM reads exactly their own feedback.
	for em, want := range map[string]struct {
		score     int
		readiness string
	}{erinEM: {3, "ready_6_12_months"}, finnEM: {2, "not_yet"}} {
		fb, ok := e.feedbackOf(em)[f.id]
		if !ok {
			t.Fatalf("%s has no feedback for the released cycle", em)
		}
		if len(fb.Ratings) != len(criteriaKeys) || fb.Decision == nil || fb.Decision.Readiness != want.readiness {
			t.Fatalf("%s's feedback %+v", em, fb)
		}
		for _, r := range fb.Ratings {
			if r.Score != want.score || !strings.HasPrefix(r.Evidence, "director on "+em) || r.Title == "" {
				t.Fatalf("%s's rating %+v", em, r)
			}
		}
		var bodies []string
		for _, n := range fb.Notes {
			bodies = append(bodies, n.Body)
			if n.Author != nil || n.Function == nil {
				t.Fatalf("a by_function note shows author %v, function %v", n.Author, n.Function)
			}
		}
		if !sameSet(bodies, flowNotes[em]) {
			t.Fatalf("%s reads notes %q, want %q", em, bodies, flowNotes[em])
		}
	}
}

// checkViews checks what everyone sees of the cycle in its current state.
func (f *flowFixture) checkViews(t *testing.T, state string) {
	t.Helper()
	e := f.cyEnv
	for _, as := range []string{omarDir, "admin@acme.test"} {
		if c := f.get(as); c.State != state || len(c.Participants) != 2 {
			t.Fatalf("%s sees the cycle as %+v in %s", as, c, state)
		}
		for _, em := range f.ems {
			for _, what := range []string{"assessment", "self-assessment", "decision"} {
				wantStatus(t, e.Get(e.tok(as), f.emPath(em, what)), http.StatusOK)
			}
		}
		wantStatus(t, e.Get(e.tok(as), f.path("notes")), http.StatusOK)
	}
	for _, em := range f.ems {
		f.checkEMView(t, em, state)
	}
	for _, p := range f.peers {
		f.checkPeerView(t, p)
	}
	f.checkOutsiders(t)
}

func (f *flowFixture) checkEMView(t *testing.T, em, state string) {
	t.Helper()
	e := f.cyEnv
	other := finnEM
	if em == finnEM {
		other = erinEM
	}
	tok := e.tok(em)
	var seen []*testkit.Response
	look := func(res *testkit.Response, status int) *testkit.Response {
		t.Helper()
		wantStatus(t, res, status)
		seen = append(seen, res)
		return res
	}
	c := decodeOK[cycleDoc](t, look(e.Get(tok, f.path()), http.StatusOK), http.StatusOK)
	if c.State != state || len(c.Participants) != 1 || c.Participants[0].ID != e.ID(em) {
		t.Fatalf("%s sees the cycle as %+v", em, c)
	}
	list := decodeOK[page](t, look(e.Get(tok, "/api/v1/cycles"), http.StatusOK), http.StatusOK)
	if ids := pluck(list.Items, "id"); !slices.Contains(ids, f.id) {
		t.Fatalf("%s's cycle list %v lacks the cycle", em, ids)
	}
	self := decodeOK[assessmentDoc](t, look(e.Get(tok, f.path("self-assessment")), http.StatusOK), http.StatusOK)
	if self.EMID != e.ID(em) {
		t.Fatalf("%s reads the self-assessment of %s", em, self.EMID)
	}
	for _, whose := range []string{em, other} {
		for _, what := range []string{"assessment", "self-assessment", "decision"} {
			look(e.Get(tok, f.emPath(whose, what)), http.StatusForbidden)
		}
	}
	look(e.Get(tok, f.path("notes")), http.StatusForbidden)
	reqs := decodeOK[requestListDoc](t, look(e.Get(tok, "/api/v1/peer-requests?limit=100"), http.StatusOK), http.StatusOK)
	for _, r := range reqs.Items {
		if r.RequestedBy.ID != e.ID(em) && r.Peer.ID != e.ID(em) {
			t.Fatalf("%s sees request %+v they neither made nor received", em, r)
		}
		if r.EM.ID == e.ID(other) {
			t.Fatalf("%s sees a request about %s", em, other)
		}
	}
	fb := look(e.Get(tok, "/api/v1/me/feedback"), http.StatusOK)
	_, has := e.feedbackOf(em)[f.id]
	if has != f.released {
		t.Fatalf("%s has feedback for the cycle: %v, in %s", em, has, state)
	}

	hidden := append([]string{"PRIVATE", "private_note", "director on " + other, "self " + other}, flowNotes[other]...)
	if !f.released {
		hidden = append(hidden, "director on "+em)
		hidden = append(hidden, flowNotes[em]...)
	}
	for _, res := range seen {
		noneOf(t, em, res, hidden...)
	}
	if f.released {
		if !strings.Contains(string(fb.Body), "director on "+em) {
			t.Fatalf("%s's released feedback lacks their ratings: %s", em, fb.Body)
		}
	}
}

func (f *flowFixture) checkPeerView(t *testing.T, peer string) {
	t.Helper()
	e := f.cyEnv
	tok := e.tok(peer)
	// Peers read a cycle only as its guests.
	wantError(t, e.Get(tok, f.path()), http.StatusNotFound, "not_found")
	if l := decodeOK[page](t, e.Get(tok, "/api/v1/cycles"), http.StatusOK); len(l.Items) != 0 {
		t.Fatalf("%s lists cycles: %v", peer, pluck(l.Items, "id"))
	}
	res := e.Get(tok, "/api/v1/peer-requests?limit=100")
	inbox := decodeOK[requestListDoc](t, res, http.StatusOK)
	for _, r := range inbox.Items {
		if r.Peer.ID != e.ID(peer) {
			t.Fatalf("%s sees a request addressed to %s", peer, r.Peer.Name)
		}
	}
	var own []string
	for _, r := range inbox.Items {
		if r.Note != nil {
			own = append(own, r.Note.Body)
		}
	}
	var others []string
	for _, bodies := range flowNotes {
		for _, b := range bodies {
			if !slices.Contains(own, b) {
				others = append(others, b)
			}
		}
	}
	noneOf(t, peer, res, append(others, "PRIVATE", "director on ", "self "+erinEM, "self "+finnEM)...)
}

// checkOutsiders: a director who does not own the cycle, and every role of
// another organisation, find nothing of it.
func (f *flowFixture) checkOutsiders(t *testing.T) {
	t.Helper()
	e := f.cyEnv
	reads := []string{f.path(), f.path("notes")}
	for _, em := range f.ems {
		for _, what := range []string{"assessment", "self-assessment", "decision"} {
			reads = append(reads, f.emPath(em, what))
		}
	}
	for _, as := range []string{"dana@acme.test", "gwen@globex.test", "admin@globex.test"} {
		tok := e.tok(as)
		for _, p := range reads {
			wantError(t, e.Get(tok, p), http.StatusNotFound, "not_found")
		}
		if ids := pluck(walk(t, e.Env, tok, "/api/v1/cycles", 100), "id"); slices.Contains(ids, f.id) {
			t.Fatalf("%s lists the cycle", as)
		}
		if got := requestIDs(e.requestsOf(as).Items, f.id); len(got) != 0 {
			t.Fatalf("%s sees requests %v of the cycle", as, got)
		}
		wantError(t, e.Get(tok, "/api/v1/audit?cycle_id="+f.id), http.StatusNotFound, "not_found")
	}
	for _, as := range []string{"dana@acme.test", "gwen@globex.test"} {
		tok := e.tok(as)
		for _, res := range []*testkit.Response{
			e.Patch(tok, f.path(), map[string]any{"name": "Taken over"}),
			e.Post(tok, f.path("transition"), map[string]string{"to": cmp.Or(nextState(f.state()), "draft")}),
			e.Put(tok, f.emPath(erinEM, "assessment"), map[string]any{"ratings": fullRatings(1, "outsider"), "version": 0}),
			e.Put(tok, f.emPath(erinEM, "decision"), map[string]any{"readiness": "not_yet", "rationale": "outsider", "version": 0}),
			e.Post(tok, f.path("peer-requests"), map[string]any{"em_id": e.ID(erinEM), "peer_id": e.ID("pat@acme.test")}),
		} {
			wantError(t, res, http.StatusNotFound, "not_found")
		}
	}
	// Globex's EM and peer are refused by role or find nothing.
	wantError(t, e.Get(e.tok("hank@globex.test"), f.path()), http.StatusNotFound, "not_found")
	wantError(t, e.Put(e.tok("hank@globex.test"), f.path("self-assessment"),
		map[string]any{"ratings": []any{}, "version": 0}), http.StatusNotFound, "not_found")
	if got := requestIDs(e.requestsOf("ivy@globex.test").Items, f.id); len(got) != 0 {
		t.Fatalf("Globex's peer sees requests %v of the cycle", got)
	}
}

// wantInbox checks the peer's inbox holds exactly the given requests of
// the cycle, each with the peer's own note only.
func (f *flowFixture) wantInbox(t *testing.T, peer string, ids ...string) {
	t.Helper()
	inbox := f.requestsOf(peer)
	if got := requestIDs(inbox.Items, f.id); !sameSet(got, ids) {
		t.Fatalf("%s's inbox %v, want %v", peer, got, ids)
	}
}

// requestIDs lists the ids of the requests of one cycle.
func requestIDs(rs []requestDoc, cycleID string) []string {
	out := []string{}
	for _, r := range rs {
		if r.Cycle.ID == cycleID {
			out = append(out, r.ID)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// noneOf fails when the answer carries any of the hidden strings.
func noneOf(t testing.TB, who string, res *testkit.Response, hidden ...string) {
	t.Helper()
	for _, h := range hidden {
		if h != "" && strings.Contains(string(res.Body), h) {
			t.Fatalf("%s is shown %q: %s", who, h, res.Body)
		}
	}
}
