package httpapi_test

// Helpers of the calibration-cycle suites (flow, co-owned, states,
// versions, peers, feedback, validation, audit): a cycleFixture that creates
// a cycle through the API and moves it on, an org builder for co-owned
// cycles, and the response shapes the suites read.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/testkit"
)

// cycleStates in their only legal order.
var cycleStates = []string{"draft", "input_open", "calibrating", "finalized", "released"}

func nextState(s string) string {
	for i, st := range cycleStates[:len(cycleStates)-1] {
		if st == s {
			return cycleStates[i+1]
		}
	}
	return ""
}

// criteriaKeys are the default framework's criteria, in its order.
var criteriaKeys = func() []string {
	var keys []string
	for _, c := range domain.DefaultFramework().Criteria {
		keys = append(keys, c.Key)
	}
	return keys
}()

// fullRatings rates every criterion with score and an evidence line that
// names the tag, so a test can tell whose ratings it reads.
func fullRatings(score int, tag string) []map[string]any {
	out := make([]map[string]any, len(criteriaKeys))
	for i, k := range criteriaKeys {
		out[i] = map[string]any{"criterion": k, "score": score,
			"evidence": fmt.Sprintf("%s: concrete example for %s over the half", tag, k)}
	}
	return out
}

// Response shapes.

type cyRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type cycleDoc struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	State           string  `json:"state"`
	FrameworkID     string  `json:"framework_id"`
	Lead            cyRef   `json:"lead"`
	Owners          []cyRef `json:"owners"`
	InputDue        *string `json:"input_due"`
	PeerAttribution string  `json:"peer_attribution"`
	Participants    []struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		DirectorID string `json:"director_id"`
	} `json:"participants"`
}

type ratingDoc struct {
	Criterion string `json:"criterion"`
	Score     int    `json:"score"`
	Evidence  string `json:"evidence"`
}

type assessmentDoc struct {
	CycleID     string      `json:"cycle_id"`
	EMID        string      `json:"em_id"`
	Ratings     []ratingDoc `json:"ratings"`
	PrivateNote *string     `json:"private_note"`
	Version     int         `json:"version"`
}

type decisionDoc struct {
	EMID      string  `json:"em_id"`
	Readiness *string `json:"readiness"`
	Rationale *string `json:"rationale"`
	Version   int     `json:"version"`
}

type requestDoc struct {
	ID    string `json:"id"`
	Cycle struct {
		ID              string `json:"id"`
		Name            string `json:"name"`
		PeerAttribution string `json:"peer_attribution"`
	} `json:"cycle"`
	EM   cyRef `json:"em"`
	Peer struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Function string `json:"function"`
	} `json:"peer"`
	RequestedBy cyRef   `json:"requested_by"`
	Status      *string `json:"status"`
	Note        *struct {
		Advocacy string   `json:"advocacy"`
		Criteria []string `json:"criteria"`
		Body     string   `json:"body"`
	} `json:"note"`
}

type requestSummaryDoc struct {
	CycleID   string `json:"cycle_id"`
	Requested int    `json:"requested"`
	Answered  int    `json:"answered"`
}

type requestListDoc struct {
	Items      []requestDoc        `json:"items"`
	NextCursor *string             `json:"next_cursor"`
	Summary    []requestSummaryDoc `json:"summary"`
}

type noteDoc struct {
	RequestID string `json:"request_id"`
	EM        cyRef  `json:"em"`
	Author    cyRef  `json:"author"`
	Advocacy  string `json:"advocacy"`
	Body      string `json:"body"`
}

type feedbackNoteDoc struct {
	Attribution string   `json:"attribution"`
	Author      *string  `json:"author"`
	Function    *string  `json:"function"`
	Advocacy    string   `json:"advocacy"`
	Criteria    []string `json:"criteria"`
	Body        string   `json:"body"`
}

type feedbackCycleDoc struct {
	Cycle   cyRef `json:"cycle"`
	Ratings []struct {
		Criterion string `json:"criterion"`
		Title     string `json:"title"`
		Score     int    `json:"score"`
		Evidence  string `json:"evidence"`
	} `json:"ratings"`
	Composite *float64 `json:"composite"`
	Decision  *struct {
		Readiness string `json:"readiness"`
		Rationale string `json:"rationale"`
	} `json:"decision"`
	Notes []feedbackNoteDoc `json:"notes"`
}

type auditDoc struct {
	ID         string          `json:"id"`
	ActorID    *string         `json:"actor_id"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	CycleID    *string         `json:"cycle_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
}

// cyEnv is a running Calibrate with a token per account, signed in once.
type cyEnv struct {
	*testkit.Env
	t      *testing.T
	mu     sync.Mutex
	tokens map[string]string
}

func newCycleEnv(t *testing.T) *cyEnv {
	return &cyEnv{Env: testkit.New(t), t: t, tokens: map[string]string{}}
}

// tok is the access token of a demo account or of one a builder added.
func (e *cyEnv) tok(email string) string {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if tk, ok := e.tokens[email]; ok {
		return tk
	}
	tk := e.Token(email)
	e.tokens[email] = tk
	return tk
}

// emailOf is the reverse of ID.
func (e *cyEnv) emailOf(id string) string {
	for email, uid := range e.Users {
		if uid == id {
			return email
		}
	}
	e.t.Fatalf("no known user with id %s", id)
	return ""
}

// decodeOK checks the status and decodes the body into v.
func decodeOK[T any](t testing.TB, res *testkit.Response, status int) T {
	t.Helper()
	wantStatus(t, res, status)
	var v T
	res.Decode(t, &v)
	return v
}

// addUser creates a user in the admin's organisation with the demo
// password, so tok works for them too.
func (e *cyEnv) addUser(admin, email, name, role, managerEmail string) string {
	e.t.Helper()
	b := map[string]any{"name": name, "email": email, "role": role, "password": demoPassword}
	if managerEmail != "" {
		b["manager_id"] = e.ID(managerEmail)
	}
	if role == "em" {
		b["em_since"] = "2022-03-01"
	}
	u := decodeOK[struct {
		ID string `json:"id"`
	}](e.t, e.Post(e.tok(admin), "/api/v1/users", b), http.StatusCreated)
	e.Users[email] = u.ID
	return u.ID
}

// addCalibrationGroup adds to Acme, through the admin API, an org chart for
// co-owned cycles:
//
//	vera (director) ─┬─ nora (director) ─ nate, nell (EMs)
//	                 ├─ sam (director)  ─ sage, skye (EMs)
//	                 └─ vic (EM)
//	tess (director) ─ tara (EM)            a director outside the group
func (e *cyEnv) addCalibrationGroup() {
	e.t.Helper()
	const a = "admin@acme.test"
	e.addUser(a, "vala@acme.test", "Vala Lindgren", "director", "")
	e.addUser(a, "nora@acme.test", "Nora Quist", "director", "vala@acme.test")
	e.addUser(a, "saul@acme.test", "Saul Oduya", "director", "vala@acme.test")
	e.addUser(a, "tess@acme.test", "Tess Varga", "director", "")
	e.addUser(a, "nate@acme.test", "Nate Ibarra", "em", "nora@acme.test")
	e.addUser(a, "nell@acme.test", "Nell Brooks", "em", "nora@acme.test")
	e.addUser(a, "sage@acme.test", "Sage Tanaka", "em", "saul@acme.test")
	e.addUser(a, "skye@acme.test", "Skye Ferreira", "em", "saul@acme.test")
	e.addUser(a, "vic@acme.test", "Vic Amari", "em", "vala@acme.test")
	e.addUser(a, "tara@acme.test", "Tara Novak", "em", "tess@acme.test")
}

// cycleFixture is one cycle driven through the API.
type cycleFixture struct {
	*cyEnv
	id       string            // the cycle's; ID(email) is a user's
	lead     string            // e-mail
	ems      []string          // e-mails, as created
	director map[string]string // EM e-mail → their director's e-mail in the cycle
}

// newCycle has lead create a cycle of ems; extra adds or overrides fields
// of the body (co_owner_ids, peer_attribution, …).
func (e *cyEnv) newCycle(lead string, ems []string, extra map[string]any) *cycleFixture {
	e.t.Helper()
	ids := make([]string, len(ems))
	for i, m := range ems {
		ids[i] = e.ID(m)
	}
	b := map[string]any{"name": "Calibration of " + strings.Join(ems, ", "), "em_ids": ids}
	for k, v := range extra {
		b[k] = v
	}
	c := decodeOK[cycleDoc](e.t, e.Post(e.tok(lead), "/api/v1/cycles", b), http.StatusCreated)
	if c.State != "draft" {
		e.t.Fatalf("a new cycle is %q, want draft", c.State)
	}
	f := &cycleFixture{cyEnv: e, id: c.ID, lead: lead, ems: ems, director: map[string]string{}}
	for _, p := range c.Participants {
		f.director[e.emailOf(p.ID)] = e.emailOf(p.DirectorID)
	}
	return f
}

// path is a route under the cycle: path("ems", id, "assessment").
func (f *cycleFixture) path(parts ...string) string {
	return "/api/v1/cycles/" + strings.Join(append([]string{f.id}, parts...), "/")
}

func (f *cycleFixture) emPath(em, what string) string { return f.path("ems", f.ID(em), what) }

func (f *cycleFixture) get(as string) cycleDoc {
	f.t.Helper()
	return decodeOK[cycleDoc](f.t, f.Get(f.tok(as), f.path()), http.StatusOK)
}

func (f *cycleFixture) state() string { f.t.Helper(); return f.get(f.lead).State }

// transition asks as `as` to move the cycle to `to`.
func (f *cycleFixture) transition(as, to string) *testkit.Response {
	f.t.Helper()
	return f.Post(f.tok(as), f.path("transition"), map[string]string{"to": to})
}

// moveTo moves the cycle one step, as the lead.
func (f *cycleFixture) moveTo(to string) {
	f.t.Helper()
	c := decodeOK[cycleDoc](f.t, f.transition(f.lead, to), http.StatusOK)
	if c.State != to {
		f.t.Fatalf("after the transition the cycle is %q, want %q", c.State, to)
	}
}

// advanceTo moves the cycle on until it is in state `to`, recording a
// decision for every undecided participant before finalizing.
func (f *cycleFixture) advanceTo(to string) {
	f.t.Helper()
	for s := f.state(); s != to; s = f.state() {
		n := nextState(s)
		if n == "" {
			f.t.Fatalf("cannot advance a %s cycle to %s", s, to)
		}
		if n == "finalized" {
			for _, em := range f.ems {
				if f.decision(em).Version == 0 {
					f.decide(em, "not_yet", 0)
				}
			}
		}
		f.moveTo(n)
	}
}

func (f *cycleFixture) putAssessment(as, em string, b map[string]any) *testkit.Response {
	f.t.Helper()
	return f.Put(f.tok(as), f.emPath(em, "assessment"), b)
}

// rate writes the EM's director's assessment and returns the new version.
func (f *cycleFixture) rate(em string, score, version int, privateNote string) int {
	f.t.Helper()
	b := map[string]any{"ratings": fullRatings(score, "director on "+em), "version": version}
	if version > 0 {
		// A change during calibration says why; before, the reason is
		// taken all the same.
		b["change_reason"] = "Re-read the evidence for " + em
	}
	if privateNote != "" {
		b["private_note"] = privateNote
	}
	a := decodeOK[assessmentDoc](f.t, f.putAssessment(f.director[em], em, b), http.StatusOK)
	if a.Version != version+1 {
		f.t.Fatalf("assessment version %d after writing version %d", a.Version, version)
	}
	return a.Version
}

func (f *cycleFixture) assessment(as, em string) assessmentDoc {
	f.t.Helper()
	return decodeOK[assessmentDoc](f.t, f.Get(f.tok(as), f.emPath(em, "assessment")), http.StatusOK)
}

func (f *cycleFixture) putSelf(em string, b map[string]any) *testkit.Response {
	f.t.Helper()
	return f.Put(f.tok(em), f.path("self-assessment"), b)
}

// selfRate writes the EM's self-assessment and returns the new version.
func (f *cycleFixture) selfRate(em string, score, version int) int {
	f.t.Helper()
	a := decodeOK[assessmentDoc](f.t, f.putSelf(em, map[string]any{
		"ratings": fullRatings(score, "self "+em), "version": version}), http.StatusOK)
	return a.Version
}

func (f *cycleFixture) putDecision(as, em string, b map[string]any) *testkit.Response {
	f.t.Helper()
	return f.Put(f.tok(as), f.emPath(em, "decision"), b)
}

// decide records the EM's director's decision and returns the new version.
func (f *cycleFixture) decide(em, readiness string, version int) int {
	f.t.Helper()
	d := decodeOK[decisionDoc](f.t, f.putDecision(f.director[em], em, map[string]any{
		"readiness": readiness, "rationale": "Rationale for " + em + ": " + readiness, "version": version}), http.StatusOK)
	return d.Version
}

func (f *cycleFixture) decision(em string) decisionDoc {
	f.t.Helper()
	return decodeOK[decisionDoc](f.t, f.Get(f.tok(f.lead), f.emPath(em, "decision")), http.StatusOK)
}

func (f *cycleFixture) postRequest(as, em, peer string) *testkit.Response {
	f.t.Helper()
	return f.Post(f.tok(as), f.path("peer-requests"), map[string]any{"em_id": f.ID(em), "peer_id": f.ID(peer)})
}

// request asks peer for input about em, as `as`, and returns the request id.
func (f *cycleFixture) request(as, em, peer string) string {
	f.t.Helper()
	r := decodeOK[requestDoc](f.t, f.postRequest(as, em, peer), http.StatusCreated)
	// An EM sees the status only in named cycles.
	if r.EM.ID != f.ID(em) || r.Peer.ID != f.ID(peer) || (r.Status != nil && *r.Status != "open") {
		f.t.Fatalf("request answered %+v", r)
	}
	return r.ID
}

func (f *cycleFixture) putNote(as, requestID string, b map[string]any) *testkit.Response {
	f.t.Helper()
	return f.Put(f.tok(as), "/api/v1/peer-requests/"+requestID+"/note", b)
}

// note writes the peer's note answering requestID.
func (f *cycleFixture) note(peer, requestID, advocacy, body string, criteria ...string) {
	f.t.Helper()
	if criteria == nil {
		criteria = []string{}
	}
	wantStatus(f.t, f.putNote(peer, requestID, map[string]any{"advocacy": advocacy, "criteria": criteria, "body": body}),
		http.StatusOK)
}

func (f *cycleFixture) notes(as string) []noteDoc {
	f.t.Helper()
	return decodeOK[struct {
		Items []noteDoc `json:"items"`
	}](f.t, f.Get(f.tok(as), f.path("notes")), http.StatusOK).Items
}

// requestsOf is the caller's GET /api/v1/peer-requests (one page of 100).
func (e *cyEnv) requestsOf(as string) requestListDoc {
	e.t.Helper()
	return decodeOK[requestListDoc](e.t, e.Get(e.tok(as), "/api/v1/peer-requests?limit=100"), http.StatusOK)
}

// feedbackOf is the EM's released feedback, by cycle id.
func (e *cyEnv) feedbackOf(em string) map[string]feedbackCycleDoc {
	e.t.Helper()
	fb := decodeOK[struct {
		Cycles []feedbackCycleDoc `json:"cycles"`
	}](e.t, e.Get(e.tok(em), "/api/v1/me/feedback"), http.StatusOK)
	out := map[string]feedbackCycleDoc{}
	for _, c := range fb.Cycles {
		out[c.Cycle.ID] = c
	}
	return out
}

// cycleAudit is every audit entry of a cycle, newest first, as `as` reads it.
func (e *cyEnv) cycleAudit(as, cycleID string) []auditDoc {
	e.t.Helper()
	var out []auditDoc
	for _, it := range walk(e.t, e.Env, e.tok(as), "/api/v1/audit?cycle_id="+cycleID, 100) {
		b, _ := json.Marshal(it)
		var a auditDoc
		if err := json.Unmarshal(b, &a); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// race sends every write at the same moment and returns the answers in
// order.
func race(writes ...func() *testkit.Response) []*testkit.Response {
	res := make([]*testkit.Response, len(writes))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, w := range writes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res[i] = w()
		}()
	}
	close(start)
	wg.Wait()
	return res
}

// noWrite snapshots what a refused write must leave alone: the audit log
// of the organisation and, for each path, what the admin reads there.
// Call the returned func after the write.
func (e *cyEnv) noWrite(t testing.TB, admin string, paths ...string) func() {
	t.Helper()
	read := func() []string {
		out := []string{fmt.Sprint(auditCount(t, e.Env, e.tok(admin)))}
		for _, p := range paths {
			res := e.Get(e.tok(admin), p)
			out = append(out, fmt.Sprintf("%d %s", res.Status, res.Body))
		}
		return out
	}
	before := read()
	return func() {
		t.Helper()
		after := read()
		if after[0] != before[0] {
			t.Fatalf("the audit log grew on a refused write: %s → %s entries", before[0], after[0])
		}
		for i, p := range paths {
			if after[i+1] != before[i+1] {
				t.Fatalf("GET %s changed on a refused write:\n before %s\n after  %s", p, before[i+1], after[i+1])
			}
		}
	}
}
