package httpapi_test

// The contract tests keep api/openapi.yaml and the router in step: every
// route is documented and every documented operation is routed, with the
// same access rules; and every response any test gets through Env.Do is
// validated against the document (testkit/contract.go). The walkthrough
// below makes sure each operation's success shape is validated at least
// once: a new route needs a success call there.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/httpapi"
	"calibrate/internal/mail"
	"calibrate/internal/testkit"
)

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := testkit.OpenAPI(t)
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("%s: %v", testkit.SpecFile, err)
	}
}

// contractOp is one operation of the document.
type contractOp struct {
	op       *openapi3.Operation
	security openapi3.SecurityRequirements
}

func contractOperations(doc *openapi3.T) map[string]contractOp {
	ops := map[string]contractOp{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			sec := doc.Security
			if op.Security != nil {
				sec = *op.Security
			}
			ops[method+" "+path] = contractOp{op, sec}
		}
	}
	return ops
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

func TestRoutesMatchOpenAPI(t *testing.T) {
	e := testkit.New(t, testkit.Options{NoDemo: true})
	ops := contractOperations(testkit.OpenAPI(t))

	routed := map[string]bool{}
	for _, r := range e.Server.Routes() {
		key := r.Method + " " + ginParam.ReplaceAllString(r.Path, "{$1}")
		routed[key] = true
		o, ok := ops[key]
		if !ok {
			t.Errorf("route %s is not documented in %s", key, testkit.SpecFile)
			continue
		}
		bearer := slices.ContainsFunc(o.security, func(req openapi3.SecurityRequirement) bool {
			_, ok := req["bearerAuth"]
			return ok
		})
		switch {
		case r.Public && bearer:
			t.Errorf("%s is public but the document requires a bearer token (set `security: []` or another scheme)", key)
		case !r.Public && !bearer:
			t.Errorf("%s needs a signed-in caller but the document does not require bearerAuth", key)
		}
		if !r.Public && o.op.Responses.Status(http.StatusUnauthorized) == nil {
			t.Errorf("%s needs a signed-in caller but documents no 401", key)
		}
		var roles []string
		for _, role := range r.Roles {
			roles = append(roles, string(role))
		}
		documented := contractRoles(t, key, o.op)
		sort.Strings(roles)
		sort.Strings(documented)
		if !slices.Equal(roles, documented) {
			t.Errorf("%s: the route table lets roles %v call it, the document's x-roles say %v", key, roles, documented)
		}
		if len(roles) > 0 && o.op.Responses.Status(http.StatusForbidden) == nil {
			t.Errorf("%s is limited to roles %v but documents no 403", key, roles)
		}
		if r.Limited && o.op.Responses.Status(http.StatusTooManyRequests) == nil {
			t.Errorf("%s is rate-limited in the route table but documents no 429", key)
		}
		// A page a browser navigates to answers redirects and HTML, not the
		// API's JSON, and the gate lets it be: the route table and the
		// document say so together, and the document says what it answers.
		page, _ := o.op.Extensions["x-browser-navigation"].(bool)
		if page != r.Page {
			t.Errorf("%s: the route table says browser page %v, the document's x-browser-navigation %v", key, r.Page, page)
		}
		if page {
			ok := o.op.Responses.Status(http.StatusFound) != nil && o.op.Responses.Status(http.StatusFound).Value.Headers["Location"] != nil
			for st, ref := range o.op.Responses.Map() {
				if n, _ := strconv.Atoi(st); n >= 400 && ref.Value.Content.Get("text/html") == nil {
					ok = false
				}
			}
			if !ok {
				t.Errorf("%s is a browser page: it must document a 302 with Location and its refusals as text/html", key)
			}
		}
	}
	for key := range ops {
		if !routed[key] {
			t.Errorf("%s documents %s, which no route serves", testkit.SpecFile, key)
		}
	}
	// Every route the router serves is in the route table, except the SCIM
	// service: identity providers speak SCIM 2.0 (RFC 7644) there, with
	// its own media type, errors and paging, so its contract is
	// docs/scim.md, not the OpenAPI document.
	scim := 0
	for _, m := range e.Server.Mounted() {
		method, path, _ := strings.Cut(m, " ")
		if path == httpapi.SCIMPrefix || strings.HasPrefix(path, httpapi.SCIMPrefix+"/") {
			scim++
			continue
		}
		if !routed[method+" "+ginParam.ReplaceAllString(path, "{$1}")] {
			t.Errorf("the router serves %s, which is not in the route table", m)
		}
	}
	if scim == 0 {
		t.Errorf("the router serves nothing under %s", httpapi.SCIMPrefix)
	}
}

// contractRoles reads the x-roles extension: the roles allowed to call an
// operation, when not every signed-in user may.
func contractRoles(t *testing.T, key string, op *openapi3.Operation) []string {
	v, ok := op.Extensions["x-roles"]
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		t.Errorf("%s: x-roles must be a list of roles, not %T", key, v)
		return nil
	}
	var out []string
	for _, r := range list {
		out = append(out, fmt.Sprint(r))
	}
	return out
}

// TestContractWalkthrough calls every documented operation with a success,
// and the common errors, so the contract check sees each shape.
func TestContractWalkthrough(t *testing.T) {
	e := testkit.New(t)
	want := func(res *testkit.Response, status int, what string) *testkit.Response {
		t.Helper()
		if res.Status != status {
			t.Fatalf("%s: got %d, want %d: %s", what, res.Status, status, res.Body)
		}
		return res
	}

	// Health.
	want(e.Get("", "/healthz"), 200, "healthz")
	want(e.Get("", "/readyz"), 200, "readyz")

	// Sign in, refresh, and the errors of signing in.
	dana, cookie := e.Login("dana@acme.test", demo.DemoPassword)
	res := want(e.Do(testkit.Request{Method: http.MethodPost, Path: "/api/v1/auth/refresh", Cookies: []*http.Cookie{cookie}}), 200, "refresh")
	if testkit.RefreshCookie(res) == nil {
		t.Fatal("refresh set no cookie")
	}
	want(e.Do(testkit.Request{Method: http.MethodPost, Path: "/api/v1/auth/refresh"}), 401, "refresh without the cookie")
	want(e.Post("", "/api/v1/auth/login", `{"email": "dana@acme.test"`), 400, "login with malformed JSON")
	want(e.Post("", "/api/v1/auth/login", map[string]string{"email": "dana@acme.test", "password": "x", "org": "acme"}), 400, "login with an unknown field")
	want(e.Post("", "/api/v1/auth/login", `{"email": "dana@acme.test", "password": "x"} {}`), 400, "login with trailing data")
	want(e.Post("", "/api/v1/auth/login", map[string]string{"email": ""}), 422, "login without e-mail and password")
	for i := 0; i < 5; i++ {
		res = want(e.Post("", "/api/v1/auth/login", map[string]string{"email": "omar@acme.test", "password": "wrong-password"}), 401, "wrong password")
		if res.ErrorCode() != "invalid_credentials" {
			t.Fatalf("wrong password: code %q", res.ErrorCode())
		}
	}
	res = want(e.Post("", "/api/v1/auth/login", map[string]string{"email": "omar@acme.test", "password": demo.DemoPassword}), 429, "throttled login")
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("throttled login: no Retry-After")
	}

	// The caller's own record.
	want(e.Get(dana, "/api/v1/me"), 200, "me")
	want(e.Get("", "/api/v1/me"), 401, "me without a token")
	want(e.Patch(dana, "/api/v1/me", map[string]string{"name": "Dana W. Whitfield"}), 200, "rename me")
	want(e.Patch(dana, "/api/v1/me", map[string]string{"name": " "}), 422, "blank name")
	want(e.Post(dana, "/api/v1/me/password", map[string]string{"current_password": demo.DemoPassword, "new_password": "another-long-password"}), 200, "change password")
	want(e.Post(dana, "/api/v1/me/password", map[string]string{"current_password": "nope", "new_password": "another-long-password"}), 422, "wrong current password")

	// The directory, two pages of it, and bad paging.
	res = want(e.Get(dana, "/api/v1/directory?limit=2"), 200, "directory")
	var pg struct {
		Items      []map[string]any `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	res.Decode(t, &pg)
	if pg.NextCursor == nil {
		t.Fatal("directory: no next page with limit=2")
	}
	want(e.Get(dana, "/api/v1/directory?limit=2&cursor="+*pg.NextCursor), 200, "directory, page 2")
	want(e.Get(dana, "/api/v1/directory?role=peer&function=product&q=pat&limit=500"), 200, "directory, filtered, limit capped")
	want(e.Get(dana, "/api/v1/directory?limit=0"), 400, "directory with limit=0")
	want(e.Get(dana, "/api/v1/directory?cursor=!!"), 400, "directory with a forged cursor")
	want(e.Get(dana, "/api/v1/directory?limit=2&limit=3"), 400, "directory with a repeated limit")
	want(e.Get(dana, "/api/v1/directory?role=boss"), 400, "directory with an unknown role")

	// Users: a director reads their tree; an admin manages everyone.
	want(e.Get(dana, "/api/v1/users"), 200, "users, as a director")
	want(e.Get(e.Token("alex@acme.test"), "/api/v1/users"), 403, "users, as an EM")
	admin := e.Token("admin@acme.test")
	want(e.Get(admin, "/api/v1/users?limit=100"), 200, "users, as an admin")
	res = want(e.Post(admin, "/api/v1/users", map[string]any{
		"name": "Jo Newcomer", "email": "jo@acme.test", "role": "em", "manager_id": e.ID("dana@acme.test"),
		"em_since": "2024-01-15", "password": "a-long-enough-password",
	}), 201, "create a user")
	jo, _ := res.JSON()["id"].(string)
	want(e.Post(admin, "/api/v1/users", map[string]any{"name": "Jo Again", "email": "jo@acme.test", "role": "em", "password": "a-long-enough-password"}), 409, "duplicate e-mail")
	want(e.Post(admin, "/api/v1/users", map[string]any{"name": "", "email": "not-an-address", "role": "boss", "password": "short"}), 422, "invalid user")
	want(e.Patch(admin, "/api/v1/users/"+jo, map[string]any{"em_since": nil, "manager_id": e.ID("omar@acme.test"), "role": "peer", "function": "design"}), 200, "change a user")
	want(e.Patch(admin, "/api/v1/users/"+jo, map[string]any{"active": false}), 200, "deactivate a user")
	want(e.Patch(admin, "/api/v1/users/"+e.ID("hank@globex.test"), map[string]any{"name": "Hank"}), 404, "a user of another organisation")
	want(e.Patch(admin, "/api/v1/users/"+e.ID("admin@acme.test"), map[string]any{"active": false}), 409, "deactivating oneself")
	csv := http.Header{"Content-Type": {"text/csv"}}
	people := "email,name,role,manager_email\nkim@acme.test,Kim Newcomer,em,dana@acme.test\n"
	want(e.Do(testkit.Request{Method: http.MethodPost, Path: "/api/v1/users/import?dry_run=true", Token: admin, Body: people, Header: csv}), 200, "import, dry run")
	want(e.Do(testkit.Request{Method: http.MethodPost, Path: "/api/v1/users/import", Token: admin, Body: people, Header: csv}), 200, "import")
	want(e.Do(testkit.Request{Method: http.MethodPost, Path: "/api/v1/users/import", Token: admin, Body: "email,boss\n", Header: csv}), 422, "import of a bad file")

	// Frameworks.
	res = want(e.Post(admin, "/api/v1/scim-tokens", map[string]any{"name": "Okta"}), 201, "a SCIM token")
	var scimTok struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	res.Decode(t, &scimTok)
	if !strings.HasPrefix(scimTok.Token, "calscim_") {
		t.Errorf("a new SCIM token answers %s", res.Body)
	}
	want(e.Post(admin, "/api/v1/scim-tokens", map[string]any{"name": ""}), 422, "a SCIM token without a name")
	res = want(e.Get(admin, "/api/v1/scim-tokens"), 200, "SCIM tokens")
	if strings.Contains(string(res.Body), scimTok.Token) {
		t.Errorf("the token list shows a token's secret")
	}
	want(e.Delete(admin, "/api/v1/scim-tokens/"+scimTok.ID), 204, "revoke a SCIM token")
	want(e.Delete(admin, "/api/v1/scim-tokens/no-such-token"), 404, "revoke an unknown SCIM token")
	want(e.Get(dana, "/api/v1/scim-tokens"), 403, "SCIM tokens, as a director")
	res = want(e.Get(dana, "/api/v1/frameworks"), 200, "frameworks")
	res.Decode(t, &pg)
	if len(pg.Items) == 0 {
		t.Fatal("frameworks: the default framework is missing")
	}
	fw, _ := pg.Items[0]["id"].(string)
	want(e.Get(dana, "/api/v1/frameworks/"+fw), 200, "one framework")
	want(e.Get(dana, "/api/v1/frameworks/no-such-framework"), 404, "an unknown framework")
	want(e.Post(admin, "/api/v1/frameworks", map[string]any{
		"based_on": fw,
		"scale":    map[string]any{"min": 1, "max": 3, "bar": 2, "labels": []string{"Below", "At", "Above"}},
		"criteria": []map[string]any{{"key": "org_leverage", "title": "Organisational leverage", "weight": 2}, {"key": "autonomy", "title": "Autonomy"}},
	}), 201, "a new framework version")
	want(e.Post(admin, "/api/v1/frameworks", map[string]any{"name": "Empty", "scale": map[string]any{}, "criteria": []any{}}), 422, "an invalid framework")
	want(e.Post(dana, "/api/v1/frameworks", map[string]any{}), 403, "a framework, as a director")

	// The audit log.
	want(e.Get(admin, "/api/v1/audit?limit=5"), 200, "audit, as an admin")
	want(e.Get(dana, "/api/v1/audit"), 200, "audit, as a director")
	want(e.Get(admin, "/api/v1/audit?limit=abc"), 400, "audit with a non-numeric limit")
	want(e.Get(admin, "/api/v1/audit?action=user.update&from=2020-01-01&to=2099-12-31"), 200, "audit, filtered")
	want(e.Get(admin, "/api/v1/audit?from=2026-11-03&to=2026-11-02"), 422, "audit with from after to")
	if res := want(e.Get(admin, "/api/v1/audit.csv?action=user.update"), 200, "the audit log as CSV"); !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("audit.csv: Content-Type %q", res.Header.Get("Content-Type"))
	}
	want(e.Get(dana, "/api/v1/audit.csv"), 200, "the audit log as CSV, as a director")
	want(e.Get(admin, "/api/v1/audit.csv?to=2026-02-30"), 422, "audit CSV with a date not in the calendar")

	// Cycles, assessments, peer input, the board and an EM's record. Omar's
	// account was throttled above and access tokens live ten minutes: let
	// the throttling window pass and sign in again.
	e.Clock.Advance(16 * time.Minute)
	dana, _ = e.Login("dana@acme.test", "another-long-password")
	contractWalkCycles(t, e, want, dana, fw)

	// An e-mail's unsubscribe link: the page, the button (or a mail
	// client's one-click form), and a forged link.
	link := "/api/v1/mail/unsubscribe?link=" + mail.Token(e.Cfg.JWTKey, e.OrgOf("dana@acme.test"),
		e.ID("dana@acme.test"), mail.KindDueSoon)
	want(e.Get("", link), 200, "the unsubscribe page")
	want(e.Do(testkit.Request{Method: http.MethodPost, Path: link, Body: "List-Unsubscribe=One-Click",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}), 200, "one-click unsubscribe")
	want(e.Post("", link, nil), 200, "unsubscribe again, by the page's button without a body")
	want(e.Get("", "/api/v1/mail/unsubscribe?link=bm90.Zm9yZ2Vk"), 422, "a forged unsubscribe link")

	// Signing out ends the session.
	want(e.Post(dana, "/api/v1/auth/logout", nil), 204, "logout")
	want(e.Get(dana, "/api/v1/me"), 401, "me after logout")

	// An unknown API route is the router's 404, which the contract accepts.
	want(e.Get(admin, "/api/v1/no-such-route"), 404, "an unknown route")

	// The organisation's settings, and single sign-on, which a server
	// without it set up refuses with its page; then a sign-in through a
	// real provider (its success is the redirect back to the web app).
	admin = e.Token("admin@acme.test")
	want(e.Get("", "/api/v1/auth/providers"), 200, "the sign-in providers")
	want(e.Get(admin, "/api/v1/org"), 200, "the organisation, as an admin")
	want(e.Patch(admin, "/api/v1/org", map[string]any{"password_login": true}), 200, "password sign-in on, as an admin")
	want(e.Patch(admin, "/api/v1/org", map[string]any{"password_login": false}), 409, "password sign-in off without single sign-on")
	want(e.Get("", "/api/v1/auth/oidc/login"), 404, "single sign-on without a provider")
	sso, provider := ssoEnv(t)
	provider.addUser("alex@acme.test", true)
	provider.signInAs("alex@acme.test", behaves)
	a := startSSO(t, sso)
	want(finish(sso, a, a.cookie), 302, "single sign-on's callback")

	// Roll-ups over finalized cycles, in a tree of their own.
	contractWalkRollups(t, e, want, fw)

	covered := testkit.Covered(t)
	doc := testkit.OpenAPI(t)
	for key, o := range contractOperations(doc) {
		success := func(s int) bool { return s >= 200 && s < 300 }
		if page, _ := o.op.Extensions["x-browser-navigation"].(bool); page {
			success = func(s int) bool { return s == http.StatusFound } // a page's success is its redirect
		}
		if !slices.ContainsFunc(covered[key], success) {
			t.Errorf("%s was never answered with a success here; add a call to this walkthrough so its success shape is checked", key)
		}
	}
}

// contractWalkCycles is the walkthrough's part for cycles: Omar walks a new
// cycle of his EMs Erin and Finn from draft to released, with a
// self-assessment, peer input, ratings and decisions on the way; Dana's
// demo cycle in calibration gives the board, its CSV and the agenda; Alex's
// released cycles give feedback, history, packet and plan. framework is
// the default framework's first version (the walkthrough made a second one
// with fewer criteria).
func contractWalkCycles(t *testing.T, e *testkit.Env, want func(*testkit.Response, int, string) *testkit.Response, dana, framework string) {
	t.Helper()
	admin := e.Token("admin@acme.test")
	omar := e.Token("omar@acme.test")
	erin, finn := e.ID("erin@acme.test"), e.ID("finn@acme.test")
	erinTok := e.Token("erin@acme.test")
	pat, dee := e.Token("pat@acme.test"), e.Token("dee@acme.test")
	alex := e.Token("alex@acme.test")
	idOf := func(res *testkit.Response) string {
		t.Helper()
		id, _ := res.JSON()["id"].(string)
		if id == "" {
			t.Fatalf("no id in %s", res.Body)
		}
		return id
	}
	ratings := func(score int, what string) []map[string]any {
		var out []map[string]any
		for _, k := range []string{"org_leverage", "cross_team_collaboration", "manager_mentoring", "complexity", "autonomy",
			"strategic_thinking", "leadership_visibility", "cross_functional_partnership", "sustained_performance"} {
			out = append(out, map[string]any{"criterion": k, "score": score, "evidence": what + " gave a concrete example for " + k})
		}
		return out
	}

	// Listing: every role sees what it may; a peer an empty list.
	res := want(e.Get(dana, "/api/v1/cycles?state=calibrating"), 200, "cycles, as a director")
	var cycles struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	res.Decode(t, &cycles)
	if len(cycles.Items) != 1 {
		t.Fatalf("Dana has %d cycles in calibration, want 1", len(cycles.Items))
	}
	danaCycle := cycles.Items[0].ID
	want(e.Get(admin, "/api/v1/cycles?limit=2"), 200, "cycles, as an admin")
	want(e.Get(alex, "/api/v1/cycles"), 200, "cycles, as an EM")
	want(e.Get(pat, "/api/v1/cycles"), 200, "cycles, as a peer")
	want(e.Get(dana, "/api/v1/cycles?state=done"), 400, "cycles in an unknown state")
	want(e.Get(dana, "/api/v1/cycles/"+danaCycle), 200, "one cycle")
	want(e.Get(alex, "/api/v1/cycles/"+danaCycle), 200, "one cycle, as its EM")

	// Omar drafts a cycle for his EMs.
	want(e.Post(omar, "/api/v1/cycles", map[string]any{"name": "Erin and Alex", "em_ids": []string{erin, e.ID("alex@acme.test")}}),
		422, "a cycle with another director's EM")
	want(e.Post(alex, "/api/v1/cycles", map[string]any{"name": "Mine", "em_ids": []string{}}), 403, "a cycle, as an EM")
	res = want(e.Post(omar, "/api/v1/cycles", map[string]any{
		"name": "2027 H1 calibration", "framework_id": framework, "em_ids": []string{erin, finn}, "input_due": "2027-02-01",
		"peer_attribution": "named",
	}), 201, "create a cycle")
	cycle := idOf(res)
	cy := "/api/v1/cycles/" + cycle
	res = want(e.Post(omar, "/api/v1/cycles", map[string]any{"name": "Again", "em_ids": []string{erin}}), 409, "an EM in two open cycles")
	if res.ErrorCode() != "em_in_active_cycle" {
		t.Fatalf("an EM in two open cycles: code %q", res.ErrorCode())
	}
	want(e.Get(omar, cy), 200, "the new cycle")
	want(e.Get(dana, cy), 404, "another director's cycle")
	want(e.Patch(omar, cy, map[string]any{"name": "2027 H1 calibration (Omar)", "input_due": nil}), 200, "edit a draft cycle")
	want(e.Patch(omar, cy, map[string]any{"peer_attribution": "loud"}), 422, "an unknown attribution")

	// Peer input may be requested from the draft on.
	res = want(e.Post(omar, cy+"/peer-requests", map[string]any{"em_id": erin, "peer_id": e.ID("pat@acme.test"),
		"message": "How did Erin work with product this half?"}), 201, "request peer input")
	patRequest := idOf(res)
	want(e.Post(omar, cy+"/peer-requests", map[string]any{"em_id": erin, "peer_id": e.ID("pat@acme.test")}), 409, "the same request twice")

	// Input opens: the EM writes a self-assessment and asks a peer.
	want(e.Post(omar, cy+"/transition", map[string]any{"to": "finalized"}), 409, "skipping states")
	want(e.Post(omar, cy+"/transition", map[string]any{"to": "input_open"}), 200, "open input")
	want(e.Get(erinTok, cy+"/self-assessment"), 200, "a self-assessment not written yet")
	want(e.Put(erinTok, cy+"/self-assessment", map[string]any{"ratings": ratings(3, "Erin"), "version": 0}), 200, "write a self-assessment")
	res = want(e.Put(erinTok, cy+"/self-assessment", map[string]any{"ratings": ratings(3, "Erin"), "version": 0}), 409, "a stale self-assessment")
	if res.ErrorCode() != "stale_version" {
		t.Fatalf("a stale self-assessment: code %q", res.ErrorCode())
	}
	want(e.Put(erinTok, cy+"/self-assessment", map[string]any{"ratings": []map[string]any{{"criterion": "charisma", "score": 9}}, "version": 1}),
		422, "an invalid self-assessment")
	res = want(e.Post(erinTok, cy+"/peer-requests", map[string]any{"em_id": erin, "peer_id": e.ID("dee@acme.test")}), 201, "an EM asks for input")
	deeRequest := idOf(res)
	want(e.Post(erinTok, cy+"/peer-requests", map[string]any{"em_id": finn, "peer_id": e.ID("dee@acme.test")}), 403, "an EM asks about another EM")
	want(e.Get(erinTok, "/api/v1/peer-requests"), 200, "an EM's requests, with the summary")

	// The director rates; peers answer or decline.
	want(e.Get(omar, cy+"/ems/"+erin+"/assessment"), 200, "an assessment not written yet")
	want(e.Put(omar, cy+"/ems/"+erin+"/assessment", map[string]any{"ratings": ratings(3, "Omar"), "private_note": "Discuss scope.", "version": 0}),
		200, "rate an EM")
	want(e.Put(omar, cy+"/ems/"+finn+"/assessment", map[string]any{"ratings": ratings(2, "Omar"), "version": 0}), 200, "rate another EM")
	want(e.Get(admin, cy+"/ems/"+erin+"/assessment"), 200, "an assessment, as an admin")
	want(e.Get(omar, cy+"/ems/"+erin+"/self-assessment"), 200, "an EM's self-assessment")
	want(e.Get(omar, cy+"/ems/"+e.ID("alex@acme.test")+"/assessment"), 404, "an assessment of someone not in the cycle")
	want(e.Get(pat, "/api/v1/peer-requests?limit=10"), 200, "a peer's inbox")
	want(e.Put(pat, "/api/v1/peer-requests/"+patRequest+"/note", map[string]any{"advocacy": "strong",
		"criteria": []string{"cross_functional_partnership"}, "body": "Erin brought product into every planning round this half."}),
		200, "write a note")
	want(e.Put(pat, "/api/v1/peer-requests/"+patRequest+"/note", map[string]any{"advocacy": "loud", "body": "short"}), 422, "an invalid note")
	want(e.Put(omar, "/api/v1/peer-requests/"+patRequest+"/note", map[string]any{"advocacy": "strong",
		"criteria": []string{}, "body": "Someone else writing this note."}), 403, "a note by someone who is not the peer")
	res = want(e.Post(pat, "/api/v1/peer-requests/"+patRequest+"/decline", nil), 409, "declining an answered request")
	if res.ErrorCode() != "already_answered" {
		t.Fatalf("declining an answered request: code %q", res.ErrorCode())
	}
	want(e.Post(dee, "/api/v1/peer-requests/"+deeRequest+"/decline", nil), 200, "decline a request")
	res = want(e.Post(erinTok, "/api/v1/peer-requests/"+deeRequest+"/remind", nil), 403, "an EM reopens a declined request")
	if res.ErrorCode() != "forbidden" {
		t.Fatalf("an EM reopens a declined request: code %q", res.ErrorCode())
	}
	res = want(e.Post(omar, "/api/v1/peer-requests/"+deeRequest+"/remind", nil), 200, "an owner reopens a declined request")
	if res.JSON()["status"] != "open" {
		t.Fatalf("a reminded request is open again: %s", res.Body)
	}
	want(e.Post(dee, "/api/v1/peer-requests/"+deeRequest+"/remind", nil), 403, "the peer cannot remind themself")
	want(e.Post(omar, "/api/v1/peer-requests/"+patRequest+"/remind", nil), 409, "an answered request needs no reminder")
	want(e.Post(dee, "/api/v1/peer-requests/"+deeRequest+"/decline", nil), 200, "decline again")
	want(e.Get(omar, "/api/v1/peer-requests"), 200, "an owner's requests")

	// Calibration: decisions, and finalizing needs every one of them.
	want(e.Post(omar, cy+"/transition", map[string]any{"to": "calibrating"}), 200, "start calibrating")
	want(e.Put(erinTok, cy+"/self-assessment", map[string]any{"ratings": ratings(4, "Erin"), "version": 1}), 409, "a self-assessment once locked")
	want(e.Get(omar, cy+"/notes"), 200, "the cycle's notes")
	want(e.Get(omar, cy+"/ems/"+erin+"/decision"), 200, "a decision not recorded yet")
	want(e.Put(omar, cy+"/ems/"+erin+"/decision", map[string]any{"readiness": "ready_6_12_months",
		"rationale": "At the bar everywhere for the first time.", "version": 0}), 200, "decide")
	want(e.Get(admin, cy+"/ems/"+erin+"/decision"), 200, "a decision, as an admin")
	want(e.Put(omar, cy+"/ems/"+erin+"/decision", map[string]any{"readiness": "soon", "rationale": "", "version": 1}), 422, "an invalid decision")
	res = want(e.Post(omar, cy+"/transition", map[string]any{"to": "finalized"}), 409, "finalizing with a decision missing")
	if res.ErrorCode() != "missing_decisions" {
		t.Fatalf("finalizing with a decision missing: code %q", res.ErrorCode())
	}
	want(e.Put(omar, cy+"/ems/"+finn+"/decision", map[string]any{"readiness": "not_yet",
		"rationale": "Below the bar on most criteria.", "version": 0}), 200, "decide the other EM")
	want(e.Get(omar, cy+"/board?sort=readiness"), 200, "the board of the new cycle")
	want(e.Post(omar, cy+"/transition", map[string]any{"to": "finalized"}), 200, "finalize")
	want(e.Post(omar, cy+"/transition", map[string]any{"to": "released"}), 200, "release")
	want(e.Patch(omar, cy, map[string]any{"name": "Too late"}), 409, "editing a released cycle")
	want(e.Get(erinTok, "/api/v1/me/feedback"), 200, "feedback of a named cycle")

	// The board of Dana's cycle in calibration, its CSV and the agenda.
	board := "/api/v1/cycles/" + danaCycle
	want(e.Get(dana, board+"/board"), 200, "the board")
	want(e.Get(dana, board+"/nine-box"), 200, "the 9-box")
	drew := e.ID("drew@acme.test")
	want(e.Get(dana, board+"/ems/"+drew+"/preread"), 404, "a pre-read not written yet")
	want(e.Put(dana, board+"/ems/"+drew+"/preread", map[string]any{"stance": "question", "comment": "Is the concern note weighed?"}),
		200, "a pre-read")
	want(e.Get(dana, board+"/ems/"+drew+"/preread"), 200, "the caller's pre-read")
	want(e.Put(dana, board+"/ems/"+drew+"/preread", map[string]any{"stance": "doubt"}), 422, "an unknown stance")
	want(e.Put(admin, board+"/ems/"+drew+"/preread", map[string]any{"stance": "agree"}), 403, "a pre-read by an admin")
	// The meeting record: the meeting state, a change with its reason, and
	// the activity that lists both.
	want(e.Get(dana, board+"/ems/"+drew+"/meeting"), 200, "a meeting state not written yet")
	want(e.Put(dana, board+"/ems/"+drew+"/meeting", map[string]any{"discussed": true, "note": "Weigh the concern note.", "version": 0}),
		200, "mark discussed with a note")
	want(e.Get(admin, board+"/ems/"+drew+"/meeting"), 200, "the meeting state, as an admin")
	want(e.Put(dana, board+"/ems/"+drew+"/meeting", map[string]any{"discussed": false, "note": "", "version": 0}), 409, "a stale meeting state")
	want(e.Put(admin, board+"/ems/"+drew+"/meeting", map[string]any{"discussed": true, "note": "", "version": 1}), 403, "a meeting state by an admin")
	res = want(e.Get(dana, board+"/ems/"+drew+"/assessment"), 200, "the assessment to change")
	drewVersion := res.JSON()["version"]
	want(e.Put(dana, board+"/ems/"+drew+"/assessment", map[string]any{"ratings": fullRatings(3, "re-read in the meeting"), "version": drewVersion}),
		422, "a change during calibration without a reason")
	want(e.Put(dana, board+"/ems/"+drew+"/assessment", map[string]any{"ratings": fullRatings(3, "re-read in the meeting"), "version": drewVersion,
		"change_reason": "The meeting re-read the evidence."}), 200, "a change with its reason")
	want(e.Get(dana, board+"/activity?limit=2"), 200, "the meeting's activity")
	want(e.Get(admin, board+"/activity"), 200, "the meeting's activity, as an admin")
	want(e.Get(alex, board+"/activity"), 403, "the activity, as an EM of the cycle")
	want(e.Get(omar, board+"/activity"), 404, "the activity of another director's cycle")
	want(e.Post(alex, "/api/v1/language-hints", map[string]string{"text": "Always so abrasive, great job."}), 200, "language hints")
	want(e.Post(alex, "/api/v1/language-hints", map[string]string{"text": strings.Repeat("a ", 10001)}), 422, "language hints of a text too long")
	want(e.Get(admin, board+"/board?sort=-composite&flag=self_gap"), 200, "the board, sorted and filtered")
	want(e.Get(dana, board+"/board?readiness=undecided&sort=flags"), 200, "the undecided rows")
	want(e.Get(dana, board+"/board?sort=height"), 400, "the board with an unknown sort")
	want(e.Get(alex, board+"/board"), 403, "the board, as an EM")
	want(e.Get(omar, board+"/board"), 404, "the board of another director's cycle")
	res = want(e.Get(dana, board+"/board.csv"), 200, "the board as CSV")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("board.csv: Content-Type %q", ct)
	}
	want(e.Get(dana, board+"/board.csv?flag=no_peer_input"), 200, "the board as CSV, filtered")
	res = want(e.Get(dana, board+"/board.pdf"), 200, "the board as PDF")
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
		t.Fatalf("board.pdf: Content-Type %q, body %.8q", ct, res.Body)
	}
	want(e.Get(dana, board+"/agenda"), 200, "the agenda")
	// Who moved whom, and a calibration guest who reads the board.
	want(e.Get(dana, board+"/shifts"), 200, "who moved whom")
	want(e.Get(omar, board+"/shifts"), 404, "who moved whom in another director's cycle")
	patID := e.ID("pat@acme.test")
	until := e.Clock.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly)
	want(e.Post(dana, board+"/guests", map[string]any{"user_id": patID, "until": until}), 201, "invite a guest")
	want(e.Post(dana, board+"/guests", map[string]any{"user_id": patID, "until": until}), 200, "invite a guest again")
	want(e.Post(dana, board+"/guests", map[string]any{"user_id": e.ID("alex@acme.test"), "until": until}), 422, "an EM as a guest")
	want(e.Post(admin, board+"/guests", map[string]any{"user_id": patID, "until": until}), 403, "a guest invited by an admin")
	want(e.Get(admin, board+"/guests"), 200, "the guests, as an admin")
	want(e.Get(pat, board+"/board"), 200, "the board, as a guest")
	want(e.Delete(dana, board+"/guests/"+patID), 204, "remove a guest")
	want(e.Delete(dana, board+"/guests/"+patID), 404, "remove a guest who is none")
	want(e.Get(pat, board+"/board"), 404, "the board, as a guest no more")
	// The event stream, as recorded up to its first line (events_test.go
	// reads whole streams).
	res = want(e.Get(dana, board+"/events"), 200, "the cycle's event stream")
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: Content-Type %q", ct)
	}
	want(e.Get(alex, board+"/events"), 403, "the event stream, as an EM")
	want(e.Get(omar, board+"/events"), 404, "the event stream of another director's cycle")

	// Alex's released feedback, history, packet and development plan.
	alexID := e.ID("alex@acme.test")
	res = want(e.Get(alex, "/api/v1/me/feedback"), 200, "an EM's feedback")
	var fb struct {
		Cycles []map[string]any `json:"cycles"`
	}
	res.Decode(t, &fb)
	if len(fb.Cycles) == 0 {
		t.Fatal("feedback: Alex has no released cycle")
	}
	want(e.Get(dana, "/api/v1/me/feedback"), 403, "feedback, as a director")
	want(e.Get(alex, "/api/v1/ems/"+alexID+"/history"), 200, "an EM's own history")
	want(e.Get(dana, "/api/v1/ems/"+alexID+"/history"), 200, "an EM's history, as their director")
	want(e.Get(admin, "/api/v1/ems/"+erin+"/history"), 200, "an EM's history, as an admin")
	want(e.Get(alex, "/api/v1/ems/"+e.ID("blair@acme.test")+"/history"), 404, "another EM's history")
	res = want(e.Get(alex, "/api/v1/ems/"+alexID+"/packet"), 200, "an EM's own packet")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/markdown") {
		t.Fatalf("packet: Content-Type %q", ct)
	}
	want(e.Get(omar, "/api/v1/ems/"+erin+"/packet"), 200, "a packet, as the director")
	res = want(e.Get(dana, "/api/v1/ems/"+alexID+"/packet?format=pdf"), 200, "a packet as PDF, with the cycle on the table")
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("packet?format=pdf: Content-Type %q", ct)
	}
	want(e.Get(dana, "/api/v1/ems/"+alexID+"/packet?format=html"), 400, "a packet in an unknown format")
	want(e.Get(alex, "/api/v1/ems/"+alexID+"/plan"), 200, "an empty plan")
	res = want(e.Post(alex, "/api/v1/ems/"+alexID+"/plan", map[string]any{"criterion": "manager_mentoring",
		"action": "Mentor a new lead through their first quarter.", "revisit_on": "2027-03-01"}), 201, "add a plan item")
	item := idOf(res)
	want(e.Post(dana, "/api/v1/ems/"+alexID+"/plan", map[string]any{"criterion": "nope", "action": ""}), 422, "an invalid plan item")
	want(e.Patch(dana, "/api/v1/ems/"+alexID+"/plan/"+item, map[string]any{"status": "in_progress", "revisit_on": nil}), 200, "change a plan item")
	want(e.Patch(alex, "/api/v1/ems/"+alexID+"/plan/no-such-item", map[string]any{"status": "done"}), 404, "an unknown plan item")
	spare := want(e.Post(alex, "/api/v1/ems/"+alexID+"/plan", map[string]any{"criterion": "manager_mentoring",
		"action": "Shadow a staff engineer for a sprint."}), 201, "add a plan item to delete")
	want(e.Delete(alex, "/api/v1/ems/"+alexID+"/plan/"+idOf(spare)), 204, "delete a plan item")
	want(e.Delete(alex, "/api/v1/ems/"+alexID+"/plan/no-such-item"), 404, "delete an unknown plan item")
	want(e.Get(admin, "/api/v1/ems/"+alexID+"/plan?limit=1"), 200, "a plan, as an admin")
}

// contractRecorder is a testing.TB that keeps what the checker reports.
type contractRecorder struct {
	testing.TB
	errs []string
}

func (r *contractRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestContractCheckCatchesDrift feeds the checker answers the server should
// never give and makes sure each is reported.
func TestContractCheckCatchesDrift(t *testing.T) {
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	user := `{"id":"u1","name":"N","email":"n@acme.test","role":"em","function":"engineering","manager_id":null,"manager_inactive":false,` +
		`"em_since":"2024-01-15","active":true,"created_at":"2026-11-02T09:00:00Z","updated_at":"2026-11-02T09:00:00Z"}`
	feedback := `{"cycles":[{"cycle":{"id":"c1","name":"2026 H1","released_at":"2026-06-01T09:00:00Z"},` +
		`"ratings":[{"criterion":"autonomy","title":"Autonomy in ambiguity","score":3,"evidence":"Decided the scope cut alone."}],` +
		`"composite":3,"decision":{"readiness":"ready_6_12_months","rationale":"At the bar."},"notes":[` +
		`{"attribution":"Pat Rivera (product)","author":"Pat Rivera","function":"product","advocacy":"strong","criteria":["autonomy"],"body":"b"},` +
		`{"attribution":"a design partner","function":"design","advocacy":"support","criteria":[],"body":"b"},` +
		`{"attribution":"a colleague","advocacy":"neutral","criteria":[],"body":"b"}],` +
		`"peer_attribution":"named","peer_attribution_explained":"Notes are named.","peer_input":{"asked":3,"answered":3}}]}`
	csvHeader := http.Header{"Content-Type": {"text/csv; charset=utf-8"}, "Content-Disposition": {`attachment; filename="board-2026-H2.csv"`}}
	csvBody := []byte("em,composite,evidence_coverage,autonomy,suggested,decision,previous,flags,changes\nAlex,3.00,1.00,3,,,,,\n")
	cases := []struct {
		name, method, path string
		res                testkit.Response
		wantErr            string // "" when the answer is within the contract
	}{
		{"a valid answer", "PATCH", "/api/v1/users/u1", testkit.Response{Status: 200, Header: jsonHeader, Body: []byte(user)}, ""},
		{"an undocumented property", "PATCH", "/api/v1/users/u1",
			testkit.Response{Status: 200, Header: jsonHeader, Body: []byte(strings.Replace(user, `"active"`, `"password_hash":"x","active"`, 1))}, "password_hash"},
		{"a missing property", "PATCH", "/api/v1/users/u1",
			testkit.Response{Status: 200, Header: jsonHeader, Body: []byte(strings.Replace(user, `"manager_id":null,`, "", 1))}, "manager_id"},
		{"a null where none is allowed", "PATCH", "/api/v1/users/u1",
			testkit.Response{Status: 200, Header: jsonHeader, Body: []byte(strings.Replace(user, `"name":"N"`, `"name":null`, 1))}, "name"},
		{"an undocumented status", "PATCH", "/api/v1/users/u1",
			testkit.Response{Status: http.StatusTeapot, Header: jsonHeader, Body: []byte(`{"error":{"code":"x","message":"y"}}`)}, "418"},
		{"an error without its shape", "GET", "/api/v1/me",
			testkit.Response{Status: 401, Header: jsonHeader, Body: []byte(`{"message":"no"}`)}, "401"},
		{"a 422 without fields", "POST", "/api/v1/users",
			testkit.Response{Status: 422, Header: jsonHeader, Body: []byte(`{"error":{"code":"validation_failed","message":"y"}}`)}, "fields"},
		{"a 429 without Retry-After", "POST", "/api/v1/auth/login",
			testkit.Response{Status: 429, Header: jsonHeader, Body: []byte(`{"error":{"code":"rate_limited","message":"y"}}`)}, "Retry-After"},
		{"a body on a 204", "POST", "/api/v1/auth/logout",
			testkit.Response{Status: 204, Header: http.Header{"Set-Cookie": {"calibrate_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict"}}, Body: []byte(`{}`)}, "body"},
		{"an undocumented route", "DELETE", "/api/v1/me",
			testkit.Response{Status: 204, Header: http.Header{}}, "not documented"},
		{"the router's 404 for an undocumented route", "DELETE", "/api/v1/me",
			testkit.Response{Status: 404, Header: jsonHeader, Body: []byte(`{"error":{"code":"not_found","message":"route not found"}}`)}, ""},
		{"feedback with each attribution", "GET", "/api/v1/me/feedback",
			testkit.Response{Status: 200, Header: jsonHeader, Body: []byte(feedback)}, ""},
		{"a hidden author as null instead of left out", "GET", "/api/v1/me/feedback",
			testkit.Response{Status: 200, Header: jsonHeader, Body: []byte(strings.Replace(feedback, `{"attribution":"a colleague",`, `{"attribution":"a colleague","author":null,`, 1))}, "author"},
		{"a CSV board", "GET", "/api/v1/cycles/c1/board.csv", testkit.Response{Status: 200, Header: csvHeader, Body: csvBody}, ""},
		{"a CSV board that is no download", "GET", "/api/v1/cycles/c1/board.csv",
			testkit.Response{Status: 200, Header: http.Header{"Content-Type": csvHeader["Content-Type"]}, Body: csvBody}, "Content-Disposition"},
		{"the web app", "GET", "/cycles/123", testkit.Response{Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<!doctype html>")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &contractRecorder{TB: t}
			res := c.res
			testkit.ValidateResponse(rec, c.method, c.path, &res)
			got := strings.Join(rec.errs, "\n")
			switch {
			case c.wantErr == "" && got != "":
				t.Errorf("reported a valid answer: %s", got)
			case c.wantErr != "" && !strings.Contains(got, c.wantErr):
				t.Errorf("want a report mentioning %q, got %q", c.wantErr, got)
			}
		})
	}
}

// errorCodesOf returns the error.code enum of an error response's JSON
// schema, or nil when it has none.
func errorCodesOf(r *openapi3.Response) (codes []string, labels []any) {
	mt := r.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, nil
	}
	e := mt.Schema.Value.Properties["error"]
	if e == nil || e.Value == nil || e.Value.Properties["code"] == nil {
		return nil, nil
	}
	code := e.Value.Properties["code"].Value
	for _, v := range code.Enum {
		codes = append(codes, fmt.Sprint(v))
	}
	l, _ := code.Extensions["x-enum-labels"].([]any)
	return codes, l
}

// TestErrorCodesMatchCatalogue: the codes each error response lists are
// from internal/domain's catalogue, at the catalogue's status and with its
// meanings as labels; every code of the catalogue is answered somewhere.
func TestErrorCodesMatchCatalogue(t *testing.T) {
	doc := testkit.OpenAPI(t)
	used := map[string]bool{}
	check := func(where string, status int, r *openapi3.Response) {
		codes, labels := errorCodesOf(r)
		if status >= 400 && len(codes) == 0 && r.Content.Get("application/json") != nil {
			t.Errorf("%s %d: error.code lists no codes", where, status)
		}
		if len(labels) != len(codes) {
			t.Errorf("%s %d: x-enum-labels has %d entries for %d codes", where, status, len(labels), len(codes))
		}
		for i, c := range codes {
			info, ok := domain.CodeOf(c)
			switch {
			case !ok:
				t.Errorf("%s %d: code %q is not in internal/domain/codes.go", where, status, c)
				continue
			case info.Status != status:
				t.Errorf("%s %d: code %q is answered with %d", where, status, c, info.Status)
			case i < len(labels) && labels[i] != info.Meaning:
				t.Errorf("%s %d: the label of %q is not its meaning in the catalogue", where, status, c)
			}
			if info.Header != "" && r.Headers[info.Header] == nil {
				t.Errorf("%s %d: %q comes with the %s header, which is not documented", where, status, c, info.Header)
			}
			used[c] = true
		}
	}
	for key, o := range contractOperations(doc) {
		if strings.HasSuffix(key, "z") { // /healthz, /readyz answer their own shapes
			continue
		}
		for st, ref := range o.op.Responses.Map() {
			status, _ := strconv.Atoi(st)
			if status >= 400 {
				check(key, status, ref.Value)
			}
		}
		if o.op.RequestBody != nil && o.op.Responses.Status(http.StatusUnsupportedMediaType) == nil {
			t.Errorf("%s takes a body but documents no 415", key)
		}
		if o.op.Responses.Status(http.StatusServiceUnavailable) == nil {
			t.Errorf("%s documents no 503", key)
		}
		if slices.ContainsFunc(o.op.Parameters, func(p *openapi3.ParameterRef) bool { return p.Value.Name == "cursor" }) {
			if codes, _ := errorCodesOf(o.op.Responses.Status(http.StatusBadRequest).Value); !slices.Contains(codes, domain.CodeInvalidCursor) {
				t.Errorf("%s is a list but its 400 does not list invalid_cursor", key)
			}
		}
	}
	for _, c := range domain.ErrorCodes {
		if !c.OutsideOperations && !used[c.Code] {
			t.Errorf("%s is in the catalogue but no operation of %s answers it", c.Code, testkit.SpecFile)
		}
	}
	outside := map[string]bool{}
	for name, ref := range doc.Components.Responses {
		codes, _ := errorCodesOf(ref.Value)
		for _, c := range codes {
			outside[c] = true
		}
		for _, c := range codes {
			if info, ok := domain.CodeOf(c); !ok {
				t.Errorf("components/responses/%s: code %q is not in the catalogue", name, c)
			} else if info.OutsideOperations {
				check("components/responses/"+name, info.Status, ref.Value)
			}
		}
	}
	for _, c := range domain.ErrorCodes {
		if c.OutsideOperations && !outside[c.Code] {
			t.Errorf("%s is answered outside operations but no response of components/responses documents it", c.Code)
		}
	}
	all, ok := doc.Components.Schemas["ErrorCode"]
	if !ok {
		t.Fatal("components/schemas/ErrorCode is missing")
	}
	var want []any
	for _, c := range domain.ErrorCodes {
		want = append(want, c.Code)
	}
	if !slices.Equal(all.Value.Enum, want) {
		t.Errorf("ErrorCode lists %v, the catalogue %v", all.Value.Enum, want)
	}
}

// TestEnumsHaveLabels: every enumeration of the contract says, value by
// value, the words people see (the request checks quote them).
func TestEnumsHaveLabels(t *testing.T) {
	doc := testkit.OpenAPI(t)
	for name, s := range doc.Components.Schemas {
		if len(s.Value.Enum) == 0 {
			continue
		}
		labels, _ := s.Value.Extensions["x-enum-labels"].([]any)
		if len(labels) != len(s.Value.Enum) {
			t.Errorf("schema %s: %d x-enum-labels for %d values", name, len(labels), len(s.Value.Enum))
		}
	}
}
