package httpapi_test

// Hostile request bodies on every write route of the router: fields a
// client may not set (mass assignment), bodies over 1 MiB, data after the
// JSON value, and text past every documented length. Each write route's
// well-formed request is the matrix's own-object request, so a new route
// is covered as soon as it has its authorization entry; every refusal is
// checked to have stored nothing.

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"calibrate/internal/domain"
	"calibrate/internal/httpapi"
	"calibrate/internal/testkit"
)

// writeRoute is a route that is not a GET, with the request the first
// role the route table lets through sends on its own object.
type writeRoute struct {
	key    string
	route  httpapi.RouteInfo
	entry  matrixEntry
	role   string
	ok     int              // the status of that request
	schema *openapi3.Schema // the documented JSON request body; nil when it takes none or text
	text   bool             // it takes a text body (the CSV of the people import)
}

func writeRoutes(t *testing.T, w *world) []writeRoute {
	t.Helper()
	ops := contractOperations(testkit.OpenAPI(t))
	var out []writeRoute
	for _, r := range w.Server.Routes() {
		if r.Method == http.MethodGet {
			continue
		}
		key := r.Method + " " + r.Path
		en, ok := matrix[key]
		if !ok {
			t.Fatalf("route %s has no authorization entry", key)
		}
		role := "admin"
		if len(r.Roles) > 0 {
			role = string(r.Roles[0])
		}
		wr := writeRoute{key: key, route: r, entry: en, role: role, ok: parseWant(t, key, en.want)[role].own}
		// A body in another media type (the people import's CSV, the
		// one-click unsubscribe's form) is not a JSON object to smuggle
		// fields into.
		if rb := ops[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")].op.RequestBody; rb != nil {
			if mt := rb.Value.Content.Get("application/json"); mt != nil {
				wr.schema = mt.Schema.Value
			} else if rb.Value.Content.Get("text/csv") != nil {
				wr.text = true
			}
		}
		out = append(out, wr)
	}
	return out
}

// request is the route's well-formed request on side s and who sends it.
func (wr writeRoute) request(t testing.TB, w *world, s *side) (testkit.Request, string) {
	t.Helper()
	tg := wr.entry.own(w, s, wr.role)
	return w.prepare(t, wr.route.Method, s, slotOf(tg, wr.role), tg, wr.entry.fresh)
}

// bodyMap is a request's JSON body as a generic object.
func bodyMap(t testing.TB, b any) map[string]any {
	t.Helper()
	m := map[string]any{}
	if b != nil {
		if err := json.Unmarshal(mustJSON(t, b), &m); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// snapshot is what the admins of both organisations read of the world:
// people, frameworks, cycles, the main assessments, decision and plan, and
// with full, the peer requests, notes and the number of audit entries.
func (w *world) snapshot(t testing.TB, full bool) string {
	t.Helper()
	var b strings.Builder
	if full {
		fmt.Fprintf(&b, "audit entries %d\n", w.auditRows(t))
	}
	for _, s := range []*side{w.acme, w.globex} {
		paths := []string{"/api/v1/users?limit=100", "/api/v1/frameworks?limit=100", "/api/v1/cycles?limit=100",
			cyclePath(s.id("calib"), "ems", w.ID(s.email("em")), "assessment"),
			cyclePath(s.id("calib"), "ems", w.ID(s.email("em")), "decision"),
			cyclePath(s.id("open"), "ems", w.ID(s.email("emOpen")), "self-assessment"),
			emPath(w.ID(s.email("em")), "plan"), "/api/v1/rollups?limit=100"}
		if full {
			paths = append(paths, "/api/v1/peer-requests?limit=100", cyclePath(s.id("open"), "notes"))
		}
		for _, p := range paths {
			// Straight to the router: these reads are checked against the
			// contract elsewhere, and checking them here, thousands of
			// times, would only slow the suite down.
			req := httptest.NewRequest(http.MethodGet, p, nil)
			req.Header.Set("Authorization", "Bearer "+w.tok(s.email("admin")))
			rec := httptest.NewRecorder()
			w.Server.ServeHTTP(rec, req)
			fmt.Fprintf(&b, "%s %d %s\n", p, rec.Code, rec.Body.Bytes())
		}
	}
	return b.String()
}

func (w *world) unchangedSince(t testing.TB, before string, full bool, what string) {
	t.Helper()
	if after := w.snapshot(t, full); after != before {
		t.Errorf("%s changed what is stored:\n%s", what, firstDifference(before, after))
	}
}

// noAudit: a refused write left no audit entry (every write leaves one).
func (w *world) noAudit(t testing.TB, before int64, what string) {
	t.Helper()
	if got := w.auditRows(t); got != before {
		t.Errorf("%s: a refused write left %d audit entries", what, got-before)
	}
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf(" before %s\n after  %s", snip([]byte(al[i])), snip([]byte(bl[i])))
		}
	}
	return " (different lengths)"
}

// Fields a client may not set, in the body of every write route, at the
// top and inside list items: 400 naming the field, and nothing stored.
// A field the route documents (a user's role for the admin's user routes,
// an assessment's version) is the route's business, tested with it. The
// routes that take no body refuse one (415) and do nothing.
func TestMassAssignment(t *testing.T) {
	w := newWorld(t)
	globex := w.ID("gwen@globex.test")
	hostile := map[string]any{
		"role": "admin", "org": map[string]any{"id": globex, "name": "Globex"}, "org_id": globex,
		"manager_id": w.ID("omar@acme.test"), "state": "released", "version": 99, "id": domain.NewID(),
		"lead_id": w.ID("omar@acme.test"), "director_id": w.ID("omar@acme.test"), "author_id": w.ID("dee@acme.test"),
		"created_at": "2001-01-01T00:00:00Z",
	}
	fields := slices.Sorted(maps.Keys(hostile))
	tried := 0
	for _, wr := range writeRoutes(t, w) {
		if wr.text {
			// A CSV's columns are fixed: columns that would set what no
			// caller may set are refused as unknown, and nothing is stored.
			req, _ := wr.request(t, w, w.acme)
			before := w.snapshot(t, true)
			req.Body = "email,name,role,org_id,password\nmallory@acme.test,Mallory,admin," + globex + ",a-long-enough-password\n"
			res := w.Do(req)
			if env := wantErrorNoFatal(t, res, http.StatusUnprocessableEntity, "validation_failed", wr.key+" with hostile columns"); env != nil {
				if _, ok := env.Error.Fields["lines[1].org_id"]; !ok {
					t.Errorf("%s with hostile columns: fields %v do not name lines[1].org_id", wr.key, env.Error.Fields)
				}
			}
			w.unchangedSince(t, before, true, wr.key+" with hostile columns")
			tried++
			continue
		}
		if wr.schema == nil {
			req, _ := wr.request(t, w, w.acme)
			before := w.snapshot(t, false)
			req.Body = hostile
			res := w.Do(req)
			if res.Status != http.StatusUnsupportedMediaType || res.ErrorCode() != "unsupported_media_type" {
				t.Errorf("%s with a hostile body: %d, want 415 unsupported_media_type; %s", wr.key, res.Status, snip(res.Body))
			}
			w.unchangedSince(t, before, false, wr.key+" with a hostile body")
			continue
		}
		before := w.snapshot(t, true)
		for _, field := range fields {
			// At the top of the body, and in the first item of each list
			// of objects.
			places := []string{""}
			req, _ := wr.request(t, w, w.acme)
			for k, v := range bodyMap(t, req.Body) {
				if items, ok := v.([]any); ok && len(items) > 0 {
					if _, isObj := items[0].(map[string]any); isObj {
						places = append(places, k)
					}
				}
			}
			sort.Strings(places)
			for _, place := range places {
				if documented(wr.schema, place, field) {
					continue
				}
				tried++
				req, email := wr.request(t, w, w.acme)
				audit := w.auditRows(t)
				b := bodyMap(t, req.Body)
				if place == "" {
					b[field] = hostile[field]
				} else {
					b[place].([]any)[0].(map[string]any)[field] = hostile[field]
				}
				req.Body = b
				res := w.Do(req)
				w.forgetIf(wr.entry.fresh, email)
				what := fmt.Sprintf("%s with %q", wr.key, strings.TrimPrefix(place+"[0]."+field, "[0]."))
				env := wantErrorNoFatal(t, res, http.StatusBadRequest, "bad_request", what)
				if env != nil && !strings.Contains(env.Error.Message, field) {
					t.Errorf("%s: the message does not name the field: %s", what, env.Error.Message)
				}
				w.noAudit(t, audit, what)
			}
		}
		w.unchangedSince(t, before, true, wr.key+" with fields a client may not set")
	}
	if tried < 100 {
		t.Errorf("only %d hostile fields tried; the write routes were not found", tried)
	}
}

// documented says whether the request schema has the field at place ("" is
// the top; otherwise the items of that list).
func documented(s *openapi3.Schema, place, field string) bool {
	if place != "" {
		p := s.Properties[place]
		if p == nil || p.Value.Items == nil {
			return false
		}
		s = p.Value.Items.Value
	}
	_, ok := s.Properties[field]
	return ok
}

func (w *world) forgetIf(fresh bool, email string) {
	if fresh {
		w.forget(email)
	}
}

// wantErrorNoFatal is wantError that reports and goes on, for loops over
// many routes.
func wantErrorNoFatal(t testing.TB, res *testkit.Response, status int, code, what string) *errorEnvelope {
	t.Helper()
	if res.Status != status {
		t.Errorf("%s: status %d, want %d; body %s", what, res.Status, status, snip(res.Body))
		return nil
	}
	env := checkErrorShape(t, res, code)
	return &env
}

// Every write route refuses a body over 1 MiB with 413, whether its length
// is declared or it is streamed, and one with data after the JSON value
// with 400; either way nothing is stored.
func TestOversizedAndTrailingBodies(t *testing.T) {
	w := newWorld(t)
	pad := strings.Repeat(" ", httpapi.MaxBodyBytes+1) // leading white space is valid JSON: only the size is wrong
	for _, wr := range writeRoutes(t, w) {
		req, email := wr.request(t, w, w.acme)
		raw := "{}"
		if req.Body != nil {
			raw = string(mustJSON(t, req.Body))
		}
		type variant struct {
			name     string
			body     string
			streamed bool
			status   int
		}
		variants := []variant{{"over 1 MiB with Content-Length", pad + raw, false, http.StatusRequestEntityTooLarge}}
		if wr.schema != nil {
			variants = append(variants,
				variant{"over 1 MiB streamed", pad + raw, true, http.StatusRequestEntityTooLarge},
				variant{"a second value", raw + " {}", false, http.StatusBadRequest},
				variant{"a second value that sets a role", raw + `{"role":"admin","org_id":"x"}`, false, http.StatusBadRequest},
				variant{"garbage", raw + "x", false, http.StatusBadRequest},
				variant{"a closing bracket", raw + "]", false, http.StatusBadRequest},
				variant{"a NUL byte", raw + "\x00", false, http.StatusBadRequest},
				variant{"garbage streamed", raw + " trailing", true, http.StatusBadRequest},
			)
		}
		before := w.snapshot(t, true)
		for _, v := range variants {
			what := wr.key + ": " + v.name
			audit := w.auditRows(t)
			var res *testkit.Response
			if v.streamed {
				res = serveStreamed(t, w.Env, req, v.body)
			} else {
				r := req
				r.Body = v.body
				res = w.Do(r)
			}
			code := map[int]string{http.StatusRequestEntityTooLarge: "too_large", http.StatusBadRequest: "bad_request"}[v.status]
			wantErrorNoFatal(t, res, v.status, code, what)
			w.noAudit(t, audit, what)
		}
		w.unchangedSince(t, before, true, wr.key+" with oversized or trailing bodies")
		w.forgetIf(wr.entry.fresh, email)
	}
}

// serveStreamed sends the request with a body of unknown length (chunked,
// as a streaming client would) and checks the answer against the contract.
func serveStreamed(t testing.TB, e *testkit.Env, r testkit.Request, body string) *testkit.Response {
	t.Helper()
	req := httptest.NewRequest(r.Method, r.Path, onlyReader{strings.NewReader(body)})
	if req.ContentLength > 0 {
		t.Fatalf("the streamed request declares Content-Length %d", req.ContentLength)
	}
	req.Header.Set("Content-Type", "application/json")
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for _, c := range r.Cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.Server.ServeHTTP(rec, req)
	res := &testkit.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	testkit.ValidateResponse(t, r.Method, r.Path, res)
	return res
}

// longField is a text field of a write route and its documented limit in
// characters. atLimit: a value of exactly the limit (of two-byte
// characters) is stored and read back unchanged.
type longField struct {
	route   string
	field   string // the path the 422 names
	limit   int
	atLimit bool
}

var longFields = []longField{
	{"POST /api/v1/auth/login", "email", 254, false},
	{"POST /api/v1/auth/login", "password", 256, false},
	{"PATCH /api/v1/me", "name", 200, true},
	{"POST /api/v1/me/password", "new_password", 256, false},
	{"POST /api/v1/users", "name", 200, true},
	{"POST /api/v1/users", "email", 254, false},
	{"POST /api/v1/users", "password", 256, false},
	{"PATCH /api/v1/users/:id", "name", 200, true},
	{"POST /api/v1/frameworks", "name", 200, false}, // a new version keeps its name: tested on the limit only
	{"POST /api/v1/frameworks", "scale.labels[0]", 200, true},
	{"POST /api/v1/frameworks", "criteria[0].key", 40, false},
	{"POST /api/v1/frameworks", "criteria[0].title", 200, true},
	{"POST /api/v1/frameworks", "criteria[0].description", 2000, true},
	{"POST /api/v1/cycles", "name", 200, true},
	{"PATCH /api/v1/cycles/:id", "name", 200, true},
	{"PUT /api/v1/cycles/:id/ems/:em_id/assessment", "ratings[0].evidence", 5000, true},
	{"PUT /api/v1/cycles/:id/ems/:em_id/assessment", "ratings[0].criterion", 40, false},
	{"PUT /api/v1/cycles/:id/ems/:em_id/assessment", "private_note", 5000, true},
	{"PUT /api/v1/cycles/:id/ems/:em_id/decision", "rationale", 5000, true},
	{"PUT /api/v1/cycles/:id/self-assessment", "ratings[0].evidence", 5000, true},
	{"POST /api/v1/cycles/:id/peer-requests", "message", 2000, true},
	{"PUT /api/v1/peer-requests/:id/note", "body", 5000, true},
	{"PUT /api/v1/peer-requests/:id/note", "criteria[0]", 40, false},
	{"POST /api/v1/ems/:em_id/plan", "action", 2000, true},
	{"POST /api/v1/ems/:em_id/plan", "criterion", 40, false},
	{"PATCH /api/v1/ems/:em_id/plan/:item_id", "action", 2000, true},
	{"POST /api/v1/language-hints", "text", 20000, false}, // analysed, not stored
	{"PUT /api/v1/cycles/:id/ems/:em_id/preread", "comment", 2000, true},
	{"PUT /api/v1/cycles/:id/ems/:em_id/meeting", "note", 5000, true},
	{"POST /api/v1/scim-tokens", "name", 200, true},
	{"POST /api/v1/rollups", "name", 200, true},
	{"POST /api/v1/rollups", "source_cycle_ids[0]", 64, false},
	{"PUT /api/v1/rollups/:id/ems/:em_id/decision", "reason", 500, true},
	{"POST /api/v1/rollups/:id/finalize", "override_reason", 500, true},
	// Kept in the audit entry, not in the answer: tested past the limit only.
	{"PUT /api/v1/cycles/:id/ems/:em_id/assessment", "change_reason", 500, false},
	// Ids, dates and enumerations are bounded in the contract too (the
	// longest id, date or value); longer ones are never valid.
	{"POST /api/v1/me/password", "current_password", 256, false},
	{"POST /api/v1/users", "role", 8, false},
	{"POST /api/v1/users", "function", 11, false},
	{"POST /api/v1/users", "manager_id", 64, false},
	{"POST /api/v1/users", "em_since", 10, false},
	{"PATCH /api/v1/users/:id", "role", 8, false},
	{"PATCH /api/v1/users/:id", "function", 11, false},
	{"PATCH /api/v1/users/:id", "manager_id", 64, false},
	{"PATCH /api/v1/users/:id", "em_since", 10, false},
	{"PATCH /api/v1/users/:id", "reassign_to", 64, false},
	{"POST /api/v1/frameworks", "based_on", 64, false},
	{"POST /api/v1/cycles", "framework_id", 64, false},
	{"POST /api/v1/cycles", "em_ids[0]", 64, false},
	{"POST /api/v1/cycles", "co_owner_ids[0]", 64, false},
	{"POST /api/v1/cycles", "input_due", 10, false},
	{"POST /api/v1/cycles", "peer_attribution", 11, false},
	{"PATCH /api/v1/cycles/:id", "em_ids[0]", 64, false},
	{"PATCH /api/v1/cycles/:id", "co_owner_ids[0]", 64, false},
	{"PATCH /api/v1/cycles/:id", "input_due", 10, false},
	{"PATCH /api/v1/cycles/:id", "results_expected_on", 10, false},
	{"PATCH /api/v1/cycles/:id", "peer_attribution", 11, false},
	{"POST /api/v1/cycles/:id/transition", "to", 11, false},
	// Not kept at the limit here: the world's move is not a finalize
	// outside a guide, the one move that keeps a reason.
	{"POST /api/v1/cycles/:id/transition", "override_reason", 500, false},
	{"POST /api/v1/cycles/:id/peer-requests", "em_id", 64, false},
	{"POST /api/v1/cycles/:id/peer-requests", "peer_id", 64, false},
	{"PUT /api/v1/cycles/:id/ems/:em_id/decision", "readiness", 18, false},
	{"POST /api/v1/cycles/:id/guests", "user_id", 64, false},
	{"POST /api/v1/cycles/:id/guests", "until", 10, false},
	{"POST /api/v1/rollups/:id/guests", "user_id", 64, false},
	{"POST /api/v1/rollups/:id/guests", "until", 10, false},
	{"PUT /api/v1/rollups/:id/ems/:em_id/decision", "readiness", 18, false},
	{"PUT /api/v1/cycles/:id/self-assessment", "ratings[0].criterion", 40, false},
	{"PUT /api/v1/peer-requests/:id/note", "advocacy", 7, false},
	{"PUT /api/v1/cycles/:id/ems/:em_id/preread", "stance", 8, false},
	{"POST /api/v1/ems/:em_id/plan", "status", 11, false},
	{"POST /api/v1/ems/:em_id/plan", "revisit_on", 10, false},
	{"PATCH /api/v1/ems/:em_id/plan/:item_id", "criterion", 40, false},
	{"PATCH /api/v1/ems/:em_id/plan/:item_id", "status", 11, false},
	{"PATCH /api/v1/ems/:em_id/plan/:item_id", "revisit_on", 10, false},
}

// Text past its limit in every text field of every write route is 422
// naming the field, however it is spelled (one-byte or two-byte
// characters, or far too long), and nothing is stored; at the limit it is
// stored as sent.
func TestLongStrings(t *testing.T) {
	w := newWorld(t)
	routes := map[string]writeRoute{}
	for _, wr := range writeRoutes(t, w) {
		routes[wr.key] = wr
	}
	checkLongFieldsCoverSpec(t, routes)
	for _, lf := range longFields {
		wr, ok := routes[lf.route]
		if !ok {
			t.Errorf("%s is not a write route", lf.route)
			continue
		}
		before := w.snapshot(t, true)
		for _, v := range []struct{ name, value string }{
			{"one over, one-byte", strings.Repeat("x", lf.limit+1)},
			{"one over, two-byte", strings.Repeat("é", lf.limit+1)},
			{"100 000 characters", strings.Repeat("x", 100_000)},
		} {
			what := fmt.Sprintf("%s %s %s", lf.route, lf.field, v.name)
			req, email := wr.request(t, w, w.acme)
			req.Body = setPath(t, bodyMap(t, req.Body), lf.field, v.value)
			audit := w.auditRows(t)
			res := w.Do(req)
			w.forgetIf(wr.entry.fresh, email)
			if env := wantErrorNoFatal(t, res, http.StatusUnprocessableEntity, "validation_failed", what); env != nil {
				if _, ok := env.Error.Fields[lf.field]; !ok || len(env.Error.Fields) != 1 {
					t.Errorf("%s: fields %v, want only %s", what, env.Error.Fields, lf.field)
				}
			}
			w.noAudit(t, audit, what)
		}
		w.unchangedSince(t, before, true, lf.route+" with a long "+lf.field)
		if lf.atLimit {
			value := strings.Repeat("é", lf.limit)
			req, email := wr.request(t, w, w.acme)
			req.Body = setPath(t, bodyMap(t, req.Body), lf.field, value)
			res := w.Do(req)
			w.forgetIf(wr.entry.fresh, email)
			if res.Status != wr.ok {
				t.Errorf("%s %s at the limit: %d, want %d; %s", lf.route, lf.field, res.Status, wr.ok, snip(res.Body))
			} else if !containsString(res.JSON(), value) {
				t.Errorf("%s %s at the limit: the answer does not carry the value as sent: %s", lf.route, lf.field, snip(res.Body))
			}
		}
	}
}

// checkLongFieldsCoverSpec: every string the contract bounds with
// maxLength in a request body is in longFields.
func checkLongFieldsCoverSpec(t *testing.T, routes map[string]writeRoute) {
	t.Helper()
	for key, wr := range routes {
		if wr.schema == nil {
			continue
		}
		for _, path := range boundedStrings(wr.schema, "") {
			if !slices.ContainsFunc(longFields, func(lf longField) bool { return lf.route == key && lf.field == path }) {
				t.Errorf("%s: %s has a maxLength in the contract but no long-string case", key, path)
			}
		}
	}
}

func boundedStrings(s *openapi3.Schema, prefix string) []string {
	var out []string
	for name, p := range s.Properties {
		v := p.Value
		path := strings.TrimPrefix(prefix+"."+name, ".")
		switch {
		case v.Type.Is("string") && v.MaxLength != nil:
			out = append(out, path)
		case v.Type.Is("array") && v.Items != nil:
			if v.Items.Value.Type.Is("string") && v.Items.Value.MaxLength != nil {
				out = append(out, path+"[0]")
			}
			out = append(out, boundedStrings(v.Items.Value, path+"[0]")...)
		case v.Type.Is("object"):
			out = append(out, boundedStrings(v, path)...)
		}
	}
	return out
}

// setPath sets a field of a generic body: "name", "scale.labels[0]",
// "ratings[0].evidence", "criteria[0]".
func setPath(t testing.TB, b map[string]any, path string, v any) map[string]any {
	t.Helper()
	var cur any = b
	parts := strings.Split(path, ".")
	for i, part := range parts {
		name, indexed := strings.CutSuffix(part, "[0]")
		obj, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: %s is not an object", path, part)
		}
		last := i == len(parts)-1
		switch {
		case last && !indexed:
			obj[name] = v
		case indexed && last:
			// An empty or absent list gets the value as its one item.
			if items, ok := obj[name].([]any); ok && len(items) > 0 {
				items[0] = v
			} else {
				obj[name] = []any{v}
			}
		case indexed:
			items, ok := obj[name].([]any)
			if !ok || len(items) == 0 {
				t.Fatalf("%s: %s is not a list with an item", path, name)
			}
			cur = items[0]
		default:
			cur = obj[name]
		}
	}
	return b
}

// containsString says whether a decoded JSON value holds s anywhere.
func containsString(v any, s string) bool {
	switch x := v.(type) {
	case string:
		return x == s
	case map[string]any:
		for _, e := range x {
			if containsString(e, s) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if containsString(e, s) {
				return true
			}
		}
	}
	return false
}
