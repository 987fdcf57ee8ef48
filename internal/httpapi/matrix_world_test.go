package httpapi_test

// The world the authorization matrix and the hostile-input suites run in:
// the demo organisations, each with the same cast and objects in every
// state a route needs, so that a route's "own object" request succeeds on
// either side and the same request from the other organisation can be
// compared with it.

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// side is one organisation of the world. Slots name its people by the part
// they play; ids name its objects.
//
//	director ── em            (calib: a cycle in calibrating; em has a plan item; peer is its guest)
//	         ├─ emOpen, emOpen2  (open: input open, with the peer requests)
//	         ├─ emDraft          (draft: stays a draft)
//	         ├─ emMove           (move: a draft the transition route moves on)
//	         └─ spare1…4         (in no cycle, for the cycles requests create)
//	otherDirector ── otherEM  (otherCycle, input open: what the main cast may not see)
type side struct {
	name  string
	slots map[string]string // slot → e-mail
	ids   map[string]string // object → id
}

func (s *side) email(slot string) string {
	e, ok := s.slots[slot]
	if !ok {
		panic("no slot " + slot + " in " + s.name)
	}
	return e
}

func (s *side) id(object string) string {
	id, ok := s.ids[object]
	if !ok {
		panic("no object " + object + " in " + s.name)
	}
	return id
}

// world is a running Calibrate with both sides built.
type world struct {
	*cyEnv
	acme, globex *side
	n            int // numbers the objects requests create, so each is new
	calls        int // requests the matrix sent
}

func (w *world) next() int { w.n++; return w.n }

// other is the organisation that is not s.
func (w *world) other(s *side) *side {
	if s == w.acme {
		return w.globex
	}
	return w.acme
}

func newWorld(t *testing.T) *world {
	w := &world{cyEnv: newCycleEnv(t)}
	w.acme = &side{name: "Acme", slots: map[string]string{
		"admin": "admin@acme.test", "director": "dana@acme.test", "em": "alex@acme.test", "peer": "pat@acme.test",
		"peer2": "otto@acme.test", "otherDirector": "omar@acme.test", "otherEM": "erin@acme.test", "otherPeer": "dee@acme.test",
	}, ids: map[string]string{"calib": calibratingCycle(t, w.Env, w.tok("dana@acme.test"))}}
	w.globex = &side{name: "Globex", slots: map[string]string{
		"admin": "admin@globex.test", "director": "gwen@globex.test", "em": "hank@globex.test", "peer": "ivy@globex.test",
	}, ids: map[string]string{}}
	g := w.globex
	for _, u := range []struct{ slot, local, name, role, manager string }{
		{"peer2", "pia", "Pia Grant", "peer", ""},
		{"otherPeer", "uma", "Uma Grant", "peer", ""},
		{"otherDirector", "odo", "Odo Grant", "director", ""},
		{"otherEM", "eli", "Eli Grant", "em", "odo@globex.test"},
	} {
		g.slots[u.slot] = u.local + "@globex.test"
		w.addUser(g.email("admin"), g.slots[u.slot], u.name, u.role, u.manager)
	}
	for _, s := range []*side{w.acme, w.globex} {
		w.build(s)
	}
	return w
}

// build adds a side's EMs, cycles, requests, plan items and frameworks.
func (w *world) build(s *side) {
	t := w.t
	t.Helper()
	domainOf := strings.ToLower(s.name) + ".test"
	surname := map[string]string{"Acme": "Ashby", "Globex": "Grant"}[s.name]
	for _, u := range []struct{ slot, first string }{{"emOpen", "Quill"}, {"emOpen2", "Rafa"}, {"emDraft", "Sol"}, {"emMove", "Tam"},
		{"spare1", "Vik"}, {"spare2", "Wes"}, {"spare3", "Xan"}, {"spare4", "Yul"}} {
		s.slots[u.slot] = strings.ToLower(u.first) + "@" + domainOf
		w.addUser(s.email("admin"), s.slots[u.slot], u.first+" "+surname, "em", s.email("director"))
	}
	named := func(name string) map[string]any { return map[string]any{"name": s.name + " " + name} }
	if s.ids["calib"] == "" {
		c := w.newCycle(s.email("director"), []string{s.email("em")}, named("calibration"))
		c.advanceTo("calibrating")
		s.ids["calib"] = c.id
	}
	open := w.newCycle(s.email("director"), []string{s.email("emOpen"), s.email("emOpen2")}, named("open cycle"))
	open.moveTo("input_open")
	s.ids["open"] = open.id
	s.ids["draft"] = w.newCycle(s.email("director"), []string{s.email("emDraft")}, named("draft cycle")).id
	s.ids["move"] = w.newCycle(s.email("director"), []string{s.email("emMove")}, named("moving cycle")).id
	other := w.newCycle(s.email("otherDirector"), []string{s.email("otherEM")}, named("other director's cycle"))
	other.moveTo("input_open")
	s.ids["otherCycle"] = other.id

	// Requests of the open cycle addressed to each role's account: one to
	// answer with a note, one to decline; one the EM made for themself.
	for _, role := range []string{"admin", "director", "em", "peer"} {
		s.ids["note:"+role] = open.request(s.email("director"), s.email("emOpen"), s.email(role))
		s.ids["decline:"+role] = open.request(s.email("director"), s.email("emOpen2"), s.email(role))
	}
	s.ids["emReq"] = open.request(s.email("emOpen"), s.email("emOpen"), s.email("peer2"))
	s.ids["otherReq"] = other.request(s.email("otherDirector"), s.email("otherEM"), s.email("otherPeer"))

	// The peer reads the calibrating cycle as its guest.
	wantStatus(t, w.Post(w.tok(s.email("director")), cyclePath(s.id("calib"), "guests"),
		map[string]any{"user_id": w.ID(s.email("peer")), "until": "2099-12-31"}), http.StatusCreated)
	wantStatus(t, w.Put(w.tok(s.email("director")), cyclePath(s.id("calib"), "ems", w.ID(s.email("em")), "preread"),
		map[string]any{"stance": "agree"}), http.StatusOK)
	s.ids["plan"] = w.planItem(s.email("director"), s.email("em"))
	s.ids["otherPlan"] = w.planItem(s.email("otherDirector"), s.email("otherEM"))
	s.ids["framework"] = firstFramework(t, w.Env, w.tok(s.email("admin")))
	fw := decodeOK[struct {
		ID string `json:"id"`
	}](t, w.Post(w.tok(s.email("admin")), "/api/v1/frameworks", map[string]any{
		"name": s.name + " probe rubric", "scale": probeScale(), "criteria": []map[string]any{{"key": "impact", "title": "Impact"}},
	}), http.StatusCreated)
	s.ids["probeFramework"] = fw.ID
	w.buildRollups(s, domainOf, surname)
	s.ids["scimToken"] = decodeOK[struct {
		ID string `json:"id"`
	}](t, w.Post(w.tok(s.email("admin")), "/api/v1/scim-tokens", map[string]any{"name": s.name + " Okta"}), http.StatusCreated).ID
}

func probeScale() map[string]any {
	return map[string]any{"min": 1, "max": 2, "bar": 2, "labels": []string{"no", "yes"}}
}

// planItem has `as` add an item to the EM's plan and returns its id.
func (w *world) planItem(as, em string) string {
	w.t.Helper()
	res := w.Post(w.tok(as), emPath(w.ID(em), "plan"), map[string]any{"criterion": "autonomy", "action": "Decide the roadmap cut without escalating."})
	return decodeOK[struct {
		ID string `json:"id"`
	}](w.t, res, http.StatusCreated).ID
}

// freeEM is an EM of the side's director who is in no unfinished cycle:
// one of the spare EMs the world made, until a cycle takes them all. A
// refused creation leaves the EM free for the next.
func (w *world) freeEM(s *side) string {
	w.t.Helper()
	var ids []string
	org, err := w.Store.OrgByName(w.t.Context(), map[string]string{"Acme": "Acme Robotics", "Globex": "Globex"}[s.name])
	if err != nil {
		w.t.Fatal(err)
	}
	err = w.Store.Gorm().Raw(`SELECT u.id FROM users u WHERE u.org_id = ? AND u.manager_id = ? AND u.role = 'em' AND u.active
		AND NOT EXISTS (SELECT 1 FROM cycle_participants p WHERE p.org_id = u.org_id AND p.em_id = u.id AND p.open) ORDER BY u.id`,
		org.ID, w.ID(s.email("director"))).Scan(&ids).Error
	if err != nil {
		w.t.Fatal(err)
	}
	if len(ids) == 0 {
		w.t.Fatalf("%s: no free EM left; give the world more spares", s.name)
	}
	return ids[0]
}

// version reads the version of a versioned object as `as` sees it.
func (w *world) version(as, path string) int {
	w.t.Helper()
	return decodeOK[struct {
		Version int `json:"version"`
	}](w.t, w.Get(w.tok(as), path), http.StatusOK).Version
}

// nameOf is a user's current name.
func (w *world) nameOf(email string) string {
	w.t.Helper()
	var name string
	// By e-mail, in whichever organisation: a look of the test's own.
	db := w.Store.Gorm().WithContext(store.Unscoped(w.t.Context(), store.ExceptTestInspection))
	if err := db.Raw("SELECT name FROM users WHERE email = ?", email).Scan(&name).Error; err != nil {
		w.t.Fatal(err)
	}
	return name
}

// forget drops a cached token (after a logout or a password change ended
// the session).
func (w *world) forget(email string) {
	w.mu.Lock()
	delete(w.tokens, email)
	w.mu.Unlock()
}

// secrets are the strings that must never reach a caller of the other
// organisation: the ids and names of its users (and their e-mail domain),
// of the organisation, its cycles, requests, plan items and frameworks.
func (w *world) secrets(s *side) []string {
	w.t.Helper()
	org, err := w.Store.OrgByName(w.t.Context(), map[string]string{"Acme": "Acme Robotics", "Globex": "Globex"}[s.name])
	if err != nil {
		w.t.Fatal(err)
	}
	out := []string{org.ID, org.Name, "@" + strings.ToLower(s.name) + ".test"}
	for _, q := range []string{
		"SELECT id FROM users WHERE org_id = ?", "SELECT name FROM users WHERE org_id = ?",
		"SELECT id FROM cycles WHERE org_id = ?", "SELECT name FROM cycles WHERE org_id = ?",
		"SELECT id FROM frameworks WHERE org_id = ?", "SELECT id FROM plan_items WHERE org_id = ?",
		"SELECT id FROM peer_requests WHERE org_id = ?",
		"SELECT id FROM decisions WHERE org_id = ?",
		"SELECT id FROM assessments WHERE org_id = ?",
	} {
		var vals []string
		if err := w.Store.Gorm().Raw(q, org.ID).Scan(&vals).Error; err != nil {
			w.t.Fatalf("%s: %v", q, err)
		}
		out = append(out, vals...)
	}
	return out
}

// leaks lists the secrets a body carries.
func leaks(body []byte, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		if s != "" && strings.Contains(string(body), s) {
			found = append(found, s)
		}
	}
	return found
}

var idPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// withFreshIDs replaces every id in a request's path and body by a new id
// that names nothing (the same new id for the same old one): the request
// an outsider would make for an object that does not exist.
func withFreshIDs(t testing.TB, r testkit.Request) testkit.Request {
	t.Helper()
	m := map[string]string{}
	swap := func(s string) string {
		return idPattern.ReplaceAllStringFunc(s, func(id string) string {
			if m[id] == "" {
				m[id] = domain.NewID()
			}
			return m[id]
		})
	}
	r.Path = swap(r.Path)
	if r.Body != nil {
		r.Body = swap(string(mustJSON(t, r.Body)))
	}
	return r
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	switch b := v.(type) {
	case string:
		return []byte(b)
	case []byte:
		return b
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// auditRows counts every audit entry in the database.
func (w *world) auditRows(t testing.TB) int64 { return rowCount(t, w.Env, "audit_log") }
