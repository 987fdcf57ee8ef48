package httpapi_test

// Who may call what: every route of the route table against every role,
// objects of another organisation, and what each role sees of people.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/httpapi"
	"calibrate/internal/testkit"
)

// authzFixture holds the ids the probes need and numbers the objects they
// create, so every probe can succeed on its own.
type authzFixture struct {
	e               *testkit.Env
	acmeFramework   string
	globexFramework string
	n               int
}

func newAuthzFixture(t *testing.T) *authzFixture {
	e := testkit.New(t)
	return &authzFixture{e: e,
		acmeFramework:   firstFramework(t, e, e.Token(acmeAdmin)),
		globexFramework: firstFramework(t, e, e.Token("admin@globex.test"))}
}

func firstFramework(t testing.TB, e *testkit.Env, tok string) string {
	t.Helper()
	ids := pluck(walk(t, e, tok, "/api/v1/frameworks", 100), "id")
	if len(ids) == 0 {
		t.Fatal("the organisation has no framework")
	}
	return ids[0]
}

func (fx *authzFixture) next() int { fx.n++; return fx.n }

// probe is a request a route's allowed roles succeed with, and the status
// they get. anon is what the anonymous caller gets on a public route.
type probe struct {
	req  func(fx *authzFixture) testkit.Request
	ok   int
	anon int
}

func body(method, path string, b any) func(*authzFixture) testkit.Request {
	return func(*authzFixture) testkit.Request { return testkit.Request{Method: method, Path: path, Body: b} }
}

// probes covers the route table as the foundation ships it. Routes added
// later without a probe still get the anonymous and refused-role checks.
var probes = map[string]probe{
	"GET /healthz": {req: body(http.MethodGet, "/healthz", nil), ok: 200, anon: 200},
	"GET /readyz":  {req: body(http.MethodGet, "/readyz", nil), ok: 200, anon: 200},
	"POST /api/v1/auth/login": {req: body(http.MethodPost, secLoginPath,
		map[string]string{"email": "dee@acme.test", "password": demoPassword}), ok: 200, anon: 200},
	// The refresh cookie is the credential: the roles send theirs, the
	// anonymous caller has none.
	"POST /api/v1/auth/refresh": {req: body(http.MethodPost, "/api/v1/auth/refresh", nil), ok: 200, anon: 401},
	"POST /api/v1/auth/logout":  {req: body(http.MethodPost, "/api/v1/auth/logout", nil), ok: 204},
	"GET /api/v1/me":            {req: body(http.MethodGet, "/api/v1/me", nil), ok: 200},
	"PATCH /api/v1/me":          {req: body(http.MethodPatch, "/api/v1/me", map[string]string{"name": "Renamed Person"}), ok: 200},
	"POST /api/v1/me/password": {req: body(http.MethodPost, "/api/v1/me/password",
		map[string]string{"current_password": demoPassword, "new_password": demoPassword}), ok: 200},
	"GET /api/v1/directory": {req: body(http.MethodGet, "/api/v1/directory", nil), ok: 200},
	"GET /api/v1/users":     {req: body(http.MethodGet, "/api/v1/users", nil), ok: 200},
	"POST /api/v1/users": {req: func(fx *authzFixture) testkit.Request {
		return testkit.Request{Method: http.MethodPost, Path: "/api/v1/users", Body: map[string]any{
			"name": "Probe Person", "email": fmt.Sprintf("probe%d@acme.test", fx.next()), "role": "peer",
			"function": "design", "password": "long-enough-password"}}
	}, ok: 201},
	"PATCH /api/v1/users/:id": {req: func(fx *authzFixture) testkit.Request {
		return testkit.Request{Method: http.MethodPatch, Path: "/api/v1/users/" + fx.e.ID("otto@acme.test"),
			Body: map[string]string{"name": "Otto B."}}
	}, ok: 200},
	"GET /api/v1/frameworks": {req: body(http.MethodGet, "/api/v1/frameworks", nil), ok: 200},
	"POST /api/v1/frameworks": {req: func(fx *authzFixture) testkit.Request {
		return testkit.Request{Method: http.MethodPost, Path: "/api/v1/frameworks", Body: map[string]any{
			"name":     fmt.Sprintf("Probe framework %d", fx.next()),
			"scale":    map[string]any{"min": 1, "max": 2, "bar": 2, "labels": []string{"no", "yes"}},
			"criteria": []map[string]any{{"key": "impact", "title": "Impact"}}}}
	}, ok: 201},
	"GET /api/v1/frameworks/:id": {req: func(fx *authzFixture) testkit.Request {
		return testkit.Request{Method: http.MethodGet, Path: "/api/v1/frameworks/" + fx.acmeFramework}
	}, ok: 200},
	"GET /api/v1/audit": {req: body(http.MethodGet, "/api/v1/audit", nil), ok: 200},
}

// withParams fills a route pattern's parameters with an id that names
// nothing: enough to reach the guards, which run before any lookup.
func withParams(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = domain.NewID()
		}
	}
	return strings.Join(parts, "/")
}

func TestEveryRouteByRole(t *testing.T) {
	fx := newAuthzFixture(t)
	e := fx.e
	routes := e.Server.Routes()
	for name := range probes {
		if !slices.ContainsFunc(routes, func(r httpapi.RouteInfo) bool { return r.Method+" "+r.Path == name }) {
			t.Errorf("probe %q names no route of the table", name)
		}
	}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		pr, probed := probes[key]
		for _, role := range roleNames {
			t.Run(key+"/"+role, func(t *testing.T) {
				req := testkit.Request{Method: r.Method, Path: withParams(r.Path)}
				if probed {
					req = pr.req(fx)
				}
				if email := roleAccount[role]; email != "" {
					// A fresh sign-in per case: logout and password
					// probes end or touch sessions.
					res := login(e, email, demoPassword)
					wantStatus(t, res, http.StatusOK)
					req.Token = accessToken(t, res)
					req.Cookies = []*http.Cookie{testkit.RefreshCookie(res)}
				}
				res := e.Do(req)
				allowed := r.Public || len(r.Roles) == 0 || slices.Contains(r.Roles, domain.Role(role))
				switch {
				case r.Public && role == "anonymous" && probed:
					if res.Status != pr.anon {
						t.Fatalf("status %d, want %d; body %s", res.Status, pr.anon, res.Body)
					}
				case r.Public:
					if probed && res.Status != pr.ok {
						t.Fatalf("status %d, want %d; body %s", res.Status, pr.ok, res.Body)
					}
				case role == "anonymous":
					wantError(t, res, http.StatusUnauthorized, "unauthenticated")
				case !allowed:
					wantError(t, res, http.StatusForbidden, domain.CodeForbidden)
				case probed:
					if res.Status != pr.ok {
						t.Fatalf("status %d, want %d; body %s", res.Status, pr.ok, res.Body)
					}
				default:
					// An allowed role with a live token is never asked to
					// sign in, whatever the handler thinks of the request.
					if res.Status == http.StatusUnauthorized {
						t.Fatalf("a signed-in %s got 401: %s", role, res.Body)
					}
				}
			})
		}
	}
}

// Objects of another organisation, and ids that name nothing, are 404 for
// every role that may use the route, and the answer carries none of the
// object's data.
func TestObjectRoutesStayInTheirOrg(t *testing.T) {
	fx := newAuthzFixture(t)
	e := fx.e
	hank := e.ID("hank@globex.test")
	missing := domain.NewID()
	type tc struct {
		name   string
		who    string
		method string
		path   string
		body   any
		status int
		secret string // must not appear in the answer
	}
	var cases []tc
	for _, who := range []string{acmeAdmin, "dana@acme.test", "alex@acme.test", "pat@acme.test"} {
		cases = append(cases,
			tc{"own framework", who, http.MethodGet, "/api/v1/frameworks/" + fx.acmeFramework, nil, 200, ""},
			tc{"other org's framework", who, http.MethodGet, "/api/v1/frameworks/" + fx.globexFramework, nil, 404, fx.globexFramework},
			tc{"missing framework", who, http.MethodGet, "/api/v1/frameworks/" + missing, nil, 404, ""},
		)
	}
	cases = append(cases,
		tc{"own user", acmeAdmin, http.MethodPatch, "/api/v1/users/" + e.ID("dee@acme.test"), map[string]string{"name": "Dee S."}, 200, ""},
		tc{"other org's user", acmeAdmin, http.MethodPatch, "/api/v1/users/" + hank, map[string]string{"name": "Hacked"}, 404, "Hank"},
		tc{"other org's user deactivated", acmeAdmin, http.MethodPatch, "/api/v1/users/" + hank, map[string]any{"active": false}, 404, "Hank"},
		tc{"missing user", acmeAdmin, http.MethodPatch, "/api/v1/users/" + missing, map[string]string{"name": "Nobody"}, 404, ""},
		tc{"other org's user from Globex's view", "admin@globex.test", http.MethodPatch, "/api/v1/users/" + e.ID("dana@acme.test"), map[string]string{"name": "X"}, 404, "Dana"},
	)
	tokens := map[string]string{}
	for _, c := range cases {
		t.Run(c.who+"/"+c.name, func(t *testing.T) {
			if tokens[c.who] == "" {
				tokens[c.who] = e.Token(c.who)
			}
			res := e.Do(testkit.Request{Method: c.method, Path: c.path, Token: tokens[c.who], Body: c.body})
			if c.status != http.StatusNotFound {
				wantStatus(t, res, c.status)
				return
			}
			wantError(t, res, http.StatusNotFound, "not_found")
			if c.secret != "" && strings.Contains(string(res.Body), c.secret) {
				t.Fatalf("the 404 carries %q: %s", c.secret, res.Body)
			}
		})
	}
	// Hank is untouched.
	got := user(t, e, e.Token("admin@globex.test"), hank)
	if got["name"] != "Hank Moreau" || got["active"] != true {
		t.Fatalf("Globex's Hank was changed from Acme: %v", got)
	}
}

// Directors read their reporting tree; admins their whole organisation;
// nobody anything of another organisation.
func TestUserListScope(t *testing.T) {
	e := testkit.New(t)
	acme := []string{"admin@acme.test", "vera@acme.test", "dana@acme.test", "alex@acme.test", "blair@acme.test", "casey@acme.test",
		"drew@acme.test", "omar@acme.test", "erin@acme.test", "finn@acme.test", "quinn@acme.test", "riley@acme.test",
		"sam@acme.test", "pat@acme.test", "dee@acme.test", "otto@acme.test"}
	cases := []struct {
		viewer string
		want   []string
	}{
		{"admin@acme.test", acme},
		{"dana@acme.test", []string{"alex@acme.test", "blair@acme.test", "casey@acme.test", "drew@acme.test"}},
		{"omar@acme.test", []string{"erin@acme.test", "finn@acme.test"}},
		{"vera@acme.test", []string{"dana@acme.test", "alex@acme.test", "blair@acme.test", "casey@acme.test", "drew@acme.test",
			"omar@acme.test", "erin@acme.test", "finn@acme.test", "quinn@acme.test", "riley@acme.test", "sam@acme.test"}},
		{"admin@globex.test", []string{"admin@globex.test", "gwen@globex.test", "hank@globex.test", "ivy@globex.test"}},
		{"gwen@globex.test", []string{"hank@globex.test"}},
	}
	for _, c := range cases {
		t.Run(c.viewer, func(t *testing.T) {
			got := pluck(walk(t, e, e.Token(c.viewer), "/api/v1/users", 100), "email")
			sort.Strings(got)
			want := slices.Clone(c.want)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s sees %v, want %v", c.viewer, got, want)
			}
		})
	}
}

// Indirect reports are part of a director's tree: an EM moved under another
// EM of Dana's (as an identity provider may do; the admin API refuses an
// EM as manager) stays visible to Dana and leaves Omar's list.
func TestUserListIndirectReports(t *testing.T) {
	e := testkit.New(t)
	res := e.Patch(e.Token(acmeAdmin), "/api/v1/users/"+e.ID("erin@acme.test"),
		map[string]string{"manager_id": e.ID("alex@acme.test")})
	wantError(t, res, http.StatusUnprocessableEntity, "validation_failed")
	erin, err := e.Store.User(context.Background(), e.OrgOf("erin@acme.test"), e.ID("erin@acme.test"))
	if err != nil {
		t.Fatal(err)
	}
	alex := e.ID("alex@acme.test")
	erin.ManagerID = &alex
	if err := e.Store.UpdateUser(context.Background(), &erin); err != nil {
		t.Fatal(err)
	}
	got := pluck(walk(t, e, e.Token("dana@acme.test"), "/api/v1/users", 100), "email")
	if !slices.Contains(got, "erin@acme.test") || len(got) != 5 {
		t.Fatalf("Dana sees %v; want her four EMs and Erin under Alex", got)
	}
	got = pluck(walk(t, e, e.Token("omar@acme.test"), "/api/v1/users", 100), "email")
	if !slices.Equal(got, []string{"finn@acme.test"}) {
		t.Fatalf("Omar sees %v; want only Finn", got)
	}
}

// The directory is for finding people: active users of one's own
// organisation, with id, name, role and function and nothing more.
func TestDirectory(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("finn@acme.test"), map[string]any{"active": false}), http.StatusOK)
	acmeActive := 15 // sixteen demo accounts, Finn deactivated
	cases := []struct {
		viewer, query string
		want          int
		has, hasNot   string
	}{
		{"alex@acme.test", "", acmeActive, "Pat Rivera", "Finn Gallagher"},
		{"pat@acme.test", "", acmeActive, "Dana Whitfield", "Hank Moreau"},
		{"dana@acme.test", "?role=peer", 3, "Dee Santos", "Alex Moreno"},
		{"dana@acme.test", "?function=product", 1, "Pat Rivera", "Dee Santos"},
		{"omar@acme.test", "?q=ERIN", 1, "Erin Kowalski", "Finn Gallagher"},
		{"omar@acme.test", "?q=finn", 0, "", "Finn Gallagher"},
		{"ivy@globex.test", "", 4, "Gwen Harlow", "Dana Whitfield"},
		{"hank@globex.test", "?q=acme", 0, "", "Dana Whitfield"},
	}
	for _, c := range cases {
		t.Run(c.viewer+c.query, func(t *testing.T) {
			items := walk(t, e, e.Token(c.viewer), "/api/v1/directory"+c.query, 100)
			if len(items) != c.want {
				t.Fatalf("%d people, want %d: %v", len(items), c.want, items)
			}
			names := pluck(items, "name")
			if c.has != "" && !slices.Contains(names, c.has) {
				t.Fatalf("%v lacks %s", names, c.has)
			}
			if slices.Contains(names, c.hasNot) {
				t.Fatalf("%v shows %s", names, c.hasNot)
			}
			for _, it := range items {
				keys := make([]string, 0, len(it))
				for k := range it {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				if strings.Join(keys, ",") != "function,id,name,role" {
					t.Fatalf("a directory entry carries %v", keys)
				}
			}
		})
	}
	t.Run("bad filters", func(t *testing.T) {
		tok := e.Token("alex@acme.test")
		wantParam(t, e.Get(tok, "/api/v1/directory?role=ceo"), "role")
		wantParam(t, e.Get(tok, "/api/v1/directory?function=sales"), "function")
	})
}
