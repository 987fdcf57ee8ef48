package httpapi_test

// Limits and the shape of every answer: body size, strict JSON, list
// paging, error bodies, security headers and unknown paths.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/testkit"
)

// onlyReader hides the length of what it reads, so the request goes out
// without Content-Length (chunked), as a streaming client would send it.
type onlyReader struct{ io.Reader }

func TestBodyOverOneMebibyte(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	big := `{"email":"` + strings.Repeat("a", 2<<20) + `@acme.test","password":"x"}`
	bigUser := `{"name":"` + strings.Repeat("a", 2<<20) + `"}`
	cases := []struct {
		name, method, path, token, body string
		declared                        bool
	}{
		{"login with Content-Length", http.MethodPost, secLoginPath, "", big, true},
		{"login streamed", http.MethodPost, secLoginPath, "", big, false},
		{"create user with Content-Length", http.MethodPost, "/api/v1/users", admin, bigUser, true},
		{"patch user streamed", http.MethodPatch, "/api/v1/users/" + e.ID("pat@acme.test"), admin, bigUser, false},
		{"trailing padding streamed", http.MethodPost, secLoginPath, "", `{"email":"a@acme.test","password":"x"}` + strings.Repeat(" ", 2<<20), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check := unchanged(t, e, admin)
			var r io.Reader = strings.NewReader(c.body)
			if !c.declared {
				r = onlyReader{r}
			}
			req := httptest.NewRequest(c.method, c.path, r)
			if c.declared != (req.ContentLength > 0) {
				t.Fatalf("Content-Length %d", req.ContentLength)
			}
			req.Header.Set("Content-Type", "application/json")
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			w := httptest.NewRecorder()
			e.Server.ServeHTTP(w, req)
			res := &testkit.Response{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
			wantError(t, res, http.StatusRequestEntityTooLarge, "too_large")
			check()
		})
	}
	t.Run("just under the limit is read", func(t *testing.T) {
		// 1 MiB of JSON is accepted as a body; the name is then too long.
		name := strings.Repeat("a", 1<<20-20)
		wantFields(t, e.Patch(admin, "/api/v1/users/"+e.ID("pat@acme.test"), `{"name":"`+name+`"}`), "name")
	})
}

func TestStrictJSON(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	pat := "/api/v1/users/" + e.ID("pat@acme.test")
	cases := []struct {
		name, method, path, token, body string
		status                          int
		field                           string
	}{
		{"empty body", http.MethodPost, secLoginPath, "", "", 400, ""},
		{"whitespace only", http.MethodPost, secLoginPath, "", "  \n ", 400, ""},
		{"not JSON", http.MethodPost, secLoginPath, "", "email=a&password=b", 400, ""},
		{"truncated", http.MethodPost, secLoginPath, "", `{"email":"a@acme.test"`, 400, ""},
		{"unknown field", http.MethodPost, secLoginPath, "", `{"email":"a@acme.test","password":"p","remember":true}`, 400, ""},
		{"trailing value", http.MethodPost, secLoginPath, "", `{"email":"a@acme.test","password":"p"} {}`, 400, ""},
		{"trailing garbage", http.MethodPost, secLoginPath, "", `{"email":"a@acme.test","password":"p"}x`, 400, ""},
		{"an array", http.MethodPost, secLoginPath, "", `[{"email":"a@acme.test","password":"p"}]`, 422, "body"},
		{"wrong type: number for a string", http.MethodPost, secLoginPath, "", `{"email":5,"password":"p"}`, 422, "email"},
		{"wrong type on create", http.MethodPost, "/api/v1/users", admin, `{"name":"N","email":"n@acme.test","role":["em"],"password":"long enough password"}`, 422, "role"},
		{"wrong type on patch: string for a boolean", http.MethodPatch, pat, admin, `{"active":"yes"}`, 422, "active"},
		{"wrong type on patch: number for a string", http.MethodPatch, pat, admin, `{"name":42}`, 422, "name"},
		{"wrong type on patch: object for an id", http.MethodPatch, pat, admin, `{"manager_id":{"id":"x"}}`, 422, "manager_id"},
		{"unknown field on patch", http.MethodPatch, pat, admin, `{"name":"P","password_hash":"x"}`, 400, ""},
		{"trailing value on patch", http.MethodPatch, pat, admin, `{"name":"P"}{"role":"admin"}`, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check := unchanged(t, e, admin)
			res := e.Do(testkit.Request{Method: c.method, Path: c.path, Token: c.token, Body: c.body})
			switch {
			case c.field != "":
				wantFields(t, res, c.field)
			case c.status == 400:
				wantError(t, res, http.StatusBadRequest, "bad_request")
			default:
				wantError(t, res, c.status, "")
			}
			check()
		})
	}
}

// addUsers puts n more users into Acme straight through the store: enough
// rows to see the page cap without n HTTP round trips.
func addUsers(t testing.TB, e *testkit.Env, n int) {
	t.Helper()
	ctx := context.Background()
	org, err := e.Store.OrgByName(ctx, "Acme Robotics")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		u := domain.User{OrgID: org.ID, Email: fmt.Sprintf("bulk%03d@acme.test", i), Name: fmt.Sprintf("Bulk %03d", i),
			Role: domain.RolePeer, Function: domain.FunctionOther, Active: true, PasswordHash: "unusable"}
		if err := e.Store.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
}

func TestListPaging(t *testing.T) {
	e := testkit.New(t)
	addUsers(t, e, 110)
	admin := e.Token(acmeAdmin)
	const acmeUsers = 16 + 110

	for _, path := range []string{"/api/v1/users", "/api/v1/directory", "/api/v1/frameworks", "/api/v1/audit"} {
		for _, q := range []string{"limit=0", "limit=-1", "limit=abc", "limit=", "limit=1.5", "limit=5&limit=6"} {
			t.Run(path+"?"+q, func(t *testing.T) {
				wantError(t, e.Get(admin, path+"?"+q), http.StatusBadRequest, "bad_request")
			})
		}
		for _, q := range []string{"cursor=%21%21", "cursor=" + strings.Repeat("QUFB", 30), "cursor="} {
			t.Run(path+"?"+q, func(t *testing.T) {
				wantError(t, e.Get(admin, path+"?"+q), http.StatusBadRequest, "invalid_cursor")
			})
		}
	}
	cases := []struct {
		path      string
		limit     string
		wantItems int
		more      bool
	}{
		{"/api/v1/users", "", 50, true},
		{"/api/v1/users", "1", 1, true},
		{"/api/v1/users", "100", 100, true},
		{"/api/v1/users", "101", 100, true},
		{"/api/v1/users", "1000", 100, true},
		{"/api/v1/directory", "1000", 100, true},
	}
	for _, c := range cases {
		t.Run(c.path+" limit "+c.limit, func(t *testing.T) {
			path := c.path
			if c.limit != "" {
				path += "?limit=" + c.limit
			}
			res := e.Get(admin, path)
			wantStatus(t, res, http.StatusOK)
			var p page
			res.Decode(t, &p)
			if len(p.Items) != c.wantItems || (p.NextCursor != nil) != c.more {
				t.Fatalf("%d items, next_cursor %v; want %d, more %v", len(p.Items), p.NextCursor, c.wantItems, c.more)
			}
		})
	}
	for _, size := range []int{1, 7, 61, 100} {
		t.Run(fmt.Sprintf("walking pages of %d", size), func(t *testing.T) {
			ids := pluck(walk(t, e, admin, "/api/v1/users", size), "id")
			if len(ids) != acmeUsers {
				t.Fatalf("%d users, want %d", len(ids), acmeUsers)
			}
			seen := map[string]bool{}
			for _, id := range ids {
				if seen[id] {
					t.Fatalf("user %s twice", id)
				}
				seen[id] = true
			}
			if !slices.IsSorted(ids) {
				t.Fatal("pages are not in a stable order")
			}
		})
	}
	// A cursor belongs to the list, and the filters, that handed it out:
	// anywhere else it would silently skip or repeat items.
	t.Run("a cursor is bound to its list and filters", func(t *testing.T) {
		var p page
		e.Get(admin, "/api/v1/users?limit=1").Decode(t, &p)
		wantStatus(t, e.Get(admin, "/api/v1/users?limit=3&cursor="+*p.NextCursor), http.StatusOK)
		for _, other := range []string{"/api/v1/directory", "/api/v1/audit", "/api/v1/users?role=em", "/api/v1/users?q=a"} {
			sep := "?"
			if strings.Contains(other, "?") {
				sep = "&"
			}
			wantError(t, e.Get(admin, other+sep+"cursor="+*p.NextCursor), http.StatusBadRequest, "invalid_cursor")
		}
		var filtered page
		e.Get(admin, "/api/v1/users?role=em&limit=1").Decode(t, &filtered)
		wantStatus(t, e.Get(admin, "/api/v1/users?limit=1&role=em&cursor="+*filtered.NextCursor), http.StatusOK)
		wantError(t, e.Get(admin, "/api/v1/users?role=peer&cursor="+*filtered.NextCursor), http.StatusBadRequest, "invalid_cursor")
	})
	t.Run("a cursor does not cross organisations", func(t *testing.T) {
		res := e.Get(admin, "/api/v1/users?limit=1")
		var p page
		res.Decode(t, &p)
		items := walk(t, e, e.Token("admin@globex.test"), "/api/v1/users?cursor="+*p.NextCursor, 100)
		for _, it := range items {
			if !strings.HasSuffix(it["email"].(string), "@globex.test") {
				t.Fatalf("Globex's admin paged into %v", it)
			}
		}
	})
}

// Every answer carries the security headers; API answers are never cached.
func TestSecurityHeaders(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("alex@acme.test")
	cases := []struct {
		name, method, path, token string
		api                       bool
	}{
		{"signed-in read", http.MethodGet, "/api/v1/me", tok, true},
		{"401", http.MethodGet, "/api/v1/me", "", true},
		{"403", http.MethodGet, "/api/v1/users", tok, true},
		{"unknown API path", http.MethodGet, "/api/v1/no-such-thing", tok, true},
		{"health", http.MethodGet, "/healthz", "", true},
		{"web app", http.MethodGet, "/", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := e.Do(testkit.Request{Method: c.method, Path: c.path, Token: c.token})
			h := res.Header
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Fatalf("Content-Security-Policy %q", csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("X-Content-Type-Options %q", h.Get("X-Content-Type-Options"))
			}
			if h.Get("Referrer-Policy") == "" {
				t.Fatal("no Referrer-Policy")
			}
			if c.api && h.Get("Cache-Control") != "no-store" {
				t.Fatalf("Cache-Control %q on the API", h.Get("Cache-Control"))
			}
		})
	}
	t.Run("CORS only for configured origins", func(t *testing.T) {
		res := e.Do(testkit.Request{Method: http.MethodGet, Path: "/api/v1/me", Token: tok,
			Header: http.Header{"Origin": {"https://evil.example"}}})
		if res.Header.Get("Access-Control-Allow-Origin") != "" || res.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("CORS headers for an unknown origin: %v", res.Header)
		}
	})
}

func TestUnknownAPIPaths(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("alex@acme.test")
	for _, c := range []struct{ method, path, token string }{
		{http.MethodGet, "/api/v1/no-such-thing", tok},
		{http.MethodGet, "/api/v1/no-such-thing", ""},
		{http.MethodPost, "/api/v1/users/x/y/z", tok},
		{http.MethodGet, "/api/v1/me/", tok},
		{http.MethodGet, "/api/v1/cycles/", tok},
		{http.MethodPost, "/api/v1/auth/login/", ""},
		{http.MethodGet, "/api/v1//me", tok},
		{http.MethodGet, "/api/v2/me", tok},
		{http.MethodGet, "/api", ""},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			res := e.Do(testkit.Request{Method: c.method, Path: c.path, Token: c.token})
			wantError(t, res, http.StatusNotFound, "not_found")
			if loc := res.Header.Get("Location"); loc != "" {
				t.Fatalf("an API path redirects to %s", loc)
			}
		})
	}
}

// A known path asked with a method it does not have is a JSON 405 that
// says which methods it has.
func TestWrongMethod(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("alex@acme.test")
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodDelete, "/api/v1/me", "GET, PATCH"},
		{http.MethodPut, "/api/v1/auth/login", "POST"},
		{http.MethodPost, "/healthz", "GET"},
		{http.MethodDelete, "/api/v1/cycles/x", "GET, PATCH"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			res := e.Do(testkit.Request{Method: c.method, Path: c.path, Token: tok})
			wantError(t, res, http.StatusMethodNotAllowed, "method_not_allowed")
			if got := res.Header.Get("Allow"); got != c.allow {
				t.Fatalf("Allow %q, want %q", got, c.allow)
			}
		})
	}
}
