package httpapi_test

// Helpers shared by the security suites (authz, login, tokens, sessions,
// users, limits): the demo account of each role, error-shape checks, and
// the counts a "nothing was written" assertion compares.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"calibrate/internal/demo"
	"calibrate/internal/testkit"
)

const (
	acmeAdmin = "admin@acme.test"
	// secLoginPath is the login route; the suites post to it a lot.
	secLoginPath = "/api/v1/auth/login"
)

// roleAccount is the Acme demo account that plays each role in the
// route × role matrix ("" is the anonymous caller).
var roleAccount = map[string]string{
	"anonymous": "",
	"admin":     acmeAdmin,
	"director":  "dana@acme.test",
	"em":        "alex@acme.test",
	"peer":      "pat@acme.test",
}

var roleNames = []string{"anonymous", "admin", "director", "em", "peer"}

// wantStatus stops the test unless res has the status.
func wantStatus(t testing.TB, res *testkit.Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d; body %s", res.Status, status, res.Body)
	}
}

// errorEnvelope is the one error shape of the API; decoding
// into it with unknown fields refused checks nothing else is there.
type errorEnvelope struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
		Details map[string]any    `json:"details"`
	} `json:"error"`
}

// wantError checks an error answer: its status, its code (when code is not
// ""), the {"error":{code,message}} shape, JSON content type and no trace of
// the server's insides. It returns the decoded body.
func wantError(t testing.TB, res *testkit.Response, status int, code string) errorEnvelope {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d; body %s", res.Status, status, res.Body)
	}
	return checkErrorShape(t, res, code)
}

func checkErrorShape(t testing.TB, res *testkit.Response, code string) errorEnvelope {
	t.Helper()
	var env errorEnvelope
	dec := json.NewDecoder(bytes.NewReader(res.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		t.Fatalf("error body is not {\"error\":{code,message}}: %v; body %s", err, res.Body)
	}
	if env.Error.Code == "" || env.Error.Message == "" {
		t.Fatalf("error body lacks code or message: %s", res.Body)
	}
	if code != "" && env.Error.Code != code {
		t.Fatalf("error code %q, want %q; body %s", env.Error.Code, code, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type %q, want application/json", ct)
	}
	for _, leak := range []string{"goroutine ", ".go:", "panic", "SQLSTATE", "gorm", "sql:"} {
		if bytes.Contains(res.Body, []byte(leak)) {
			t.Fatalf("error body leaks %q: %s", leak, res.Body)
		}
	}
	return env
}

// wantFields checks a 422 that names exactly the given fields.
func wantFields(t testing.TB, res *testkit.Response, fields ...string) {
	t.Helper()
	env := wantError(t, res, http.StatusUnprocessableEntity, "validation_failed")
	got := make([]string, 0, len(env.Error.Fields))
	for k := range env.Error.Fields {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(fields)
	if strings.Join(got, ",") != strings.Join(fields, ",") {
		t.Fatalf("fields %v, want %v; body %s", got, fields, res.Body)
	}
}

// wantParam checks the 400 of a bad query or path parameter: the
// bad_request error naming exactly the given parameters in fields.
func wantParam(t testing.TB, res *testkit.Response, params ...string) {
	t.Helper()
	env := wantError(t, res, http.StatusBadRequest, "bad_request")
	got := make([]string, 0, len(env.Error.Fields))
	for k := range env.Error.Fields {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(params)
	if strings.Join(got, ",") != strings.Join(params, ",") {
		t.Fatalf("fields %v, want %v; body %s", got, params, res.Body)
	}
}

// login posts credentials from the default test address.
func login(e *testkit.Env, email, password string) *testkit.Response {
	e.T.Helper()
	return e.Post("", secLoginPath, map[string]string{"email": email, "password": password})
}

// loginFrom posts credentials from the client address addr.
func loginFrom(e *testkit.Env, addr, email, password string) *testkit.Response {
	e.T.Helper()
	return e.Do(testkit.Request{Method: http.MethodPost, Path: secLoginPath, RemoteAddr: addr,
		Body: map[string]string{"email": email, "password": password}})
}

// refresh spends a refresh cookie.
func refresh(e *testkit.Env, c *http.Cookie) *testkit.Response {
	e.T.Helper()
	r := testkit.Request{Method: http.MethodPost, Path: "/api/v1/auth/refresh"}
	if c != nil {
		r.Cookies = []*http.Cookie{{Name: c.Name, Value: c.Value}}
	}
	return e.Do(r)
}

// accessToken reads the access token of a login or refresh answer.
func accessToken(t testing.TB, res *testkit.Response) string {
	t.Helper()
	var b struct {
		AccessToken string `json:"access_token"`
	}
	res.Decode(t, &b)
	if b.AccessToken == "" {
		t.Fatalf("no access token in %s", res.Body)
	}
	return b.AccessToken
}

// wantSignedIn checks that tok is accepted; wantSignedOut that it is not.
func wantSignedIn(t testing.TB, e *testkit.Env, tok string) {
	t.Helper()
	wantStatus(t, e.Get(tok, "/api/v1/me"), http.StatusOK)
}

func wantSignedOut(t testing.TB, e *testkit.Env, tok string) {
	t.Helper()
	wantError(t, e.Get(tok, "/api/v1/me"), http.StatusUnauthorized, "unauthenticated")
}

// page is one page of any list.
type page struct {
	Items      []map[string]any `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

// walk follows a list's cursors from path (which may carry a query) with
// the given page size and returns every item in order.
func walk(t testing.TB, e *testkit.Env, tok, path string, limit int) []map[string]any {
	t.Helper()
	var all []map[string]any
	cursor := ""
	for range 1000 {
		u, err := url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("limit", strconv.Itoa(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		u.RawQuery = q.Encode()
		res := e.Get(tok, u.String())
		wantStatus(t, res, http.StatusOK)
		var p page
		res.Decode(t, &p)
		if len(p.Items) > limit {
			t.Fatalf("%s: %d items on a page of %d", path, len(p.Items), limit)
		}
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			return all
		}
		cursor = *p.NextCursor
	}
	t.Fatalf("%s: pagination does not end", path)
	return nil
}

// strings of one field of every item.
func pluck(items []map[string]any, key string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, _ := it[key].(string)
		out = append(out, s)
	}
	return out
}

// auditCount is the number of audit entries the organisation's admin reads.
func auditCount(t testing.TB, e *testkit.Env, adminTok string) int {
	t.Helper()
	return len(walk(t, e, adminTok, "/api/v1/audit", 100))
}

// newestAudit is the latest audit entry of the admin's organisation.
func newestAudit(t testing.TB, e *testkit.Env, adminTok string) map[string]any {
	t.Helper()
	res := e.Get(adminTok, "/api/v1/audit?limit=1")
	wantStatus(t, res, http.StatusOK)
	var p page
	res.Decode(t, &p)
	if len(p.Items) != 1 {
		t.Fatalf("audit log is empty: %s", res.Body)
	}
	return p.Items[0]
}

// userIDs lists every user the admin sees, in order.
func userIDs(t testing.TB, e *testkit.Env, adminTok string) []string {
	t.Helper()
	return pluck(walk(t, e, adminTok, "/api/v1/users", 100), "id")
}

// unchanged captures what a failed write must leave as it was: the
// admin's user list, and the number of audit entries and users in the whole
// database (counted there: the seeded audit log is long to page through).
// Call the returned func after the write.
func unchanged(t testing.TB, e *testkit.Env, adminTok string) func() {
	t.Helper()
	users, audit, all := userIDs(t, e, adminTok), rowCount(t, e, "audit_log"), rowCount(t, e, "users")
	return func() {
		t.Helper()
		if got := userIDs(t, e, adminTok); strings.Join(got, ",") != strings.Join(users, ",") {
			t.Fatalf("the user list changed on a failed request: %d users, was %d", len(got), len(users))
		}
		if got := rowCount(t, e, "audit_log"); got != audit {
			t.Fatalf("the audit log has %d entries after a failed request, was %d", got, audit)
		}
		if got := rowCount(t, e, "users"); got != all {
			t.Fatalf("the database has %d users after a failed request, was %d", got, all)
		}
	}
}

// rowCount counts the rows of a table, whatever the organisation.
func rowCount(t testing.TB, e *testkit.Env, table string) int64 {
	t.Helper()
	var n int64
	if err := testkit.Inspect(e).Table(table).Count(&n).Error; err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// user reads one user record through the admin list.
func user(t testing.TB, e *testkit.Env, adminTok, id string) map[string]any {
	t.Helper()
	for _, u := range walk(t, e, adminTok, "/api/v1/users", 100) {
		if u["id"] == id {
			return u
		}
	}
	t.Fatalf("user %s not in the admin's list", id)
	return nil
}

var demoPassword = demo.DemoPassword
