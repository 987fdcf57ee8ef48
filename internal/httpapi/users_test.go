package httpapi_test

// Managing people: creation with its validation, partial updates (absent
// versus null), reporting-line loops, and the audit entry every write
// leaves, in the same transaction: a refused write leaves nothing.

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/testkit"
)

// newUserBody is a valid creation; cases change one thing.
func newUserBody(e *testkit.Env, changes map[string]any) map[string]any {
	b := map[string]any{"name": "Nia Okoye", "email": "nia@acme.test", "role": "em", "function": "engineering",
		"manager_id": e.ID("dana@acme.test"), "em_since": "2024-01-15", "password": "long-enough-password"}
	for k, v := range changes {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func TestCreateUserValidation(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	cases := []struct {
		name    string
		changes map[string]any
		fields  []string
	}{
		{"bad email", map[string]any{"email": "not-an-email"}, []string{"email"}},
		{"email with a display name", map[string]any{"email": "Nia <nia@acme.test>"}, []string{"email"}},
		{"no email", map[string]any{"email": ""}, []string{"email"}},
		{"unknown role", map[string]any{"role": "ceo"}, []string{"role"}},
		{"no role", map[string]any{"role": nil}, []string{"role"}},
		{"unknown function", map[string]any{"function": "sales"}, []string{"function"}},
		{"short password", map[string]any{"password": "short"}, []string{"password"}},
		{"no password", map[string]any{"password": nil}, []string{"password"}},
		{"overlong password", map[string]any{"password": strings.Repeat("p", 257)}, []string{"password"}},
		{"em_since not a date", map[string]any{"em_since": "15/01/2024"}, []string{"em_since"}},
		{"em_since impossible date", map[string]any{"em_since": "2024-02-30"}, []string{"em_since"}},
		{"em_since empty", map[string]any{"em_since": ""}, []string{"em_since"}},
		{"no name", map[string]any{"name": "  "}, []string{"name"}},
		{"name on two lines", map[string]any{"name": "Nia\nOkoye"}, []string{"name"}},
		{"several at once", map[string]any{"email": "x", "role": "x", "password": "x"}, []string{"email", "role", "password"}},
		{"manager in another org", map[string]any{"manager_id": e.ID("gwen@globex.test")}, []string{"manager_id"}},
		{"manager who does not exist", map[string]any{"manager_id": domain.NewID()}, []string{"manager_id"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check := unchanged(t, e, admin)
			res := e.Post(admin, "/api/v1/users", newUserBody(e, c.changes))
			wantFields(t, res, c.fields...)
			if bytes.Contains(res.Body, []byte("Gwen")) {
				t.Fatalf("the refusal names the other org's user: %s", res.Body)
			}
			check()
		})
	}
}

func TestCreateUser(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	before := auditCount(t, e, admin)
	res := e.Post(admin, "/api/v1/users", newUserBody(e, nil))
	wantStatus(t, res, http.StatusCreated)
	var u struct {
		ID, Name, Email, Role, Function string
		ManagerID                       *string `json:"manager_id"`
		EMSince                         *string `json:"em_since"`
		Active                          bool
	}
	res.Decode(t, &u)
	if u.ID == "" || u.Email != "nia@acme.test" || u.Role != "em" || !u.Active || u.EMSince == nil ||
		*u.EMSince != "2024-01-15" || u.ManagerID == nil || *u.ManagerID != e.ID("dana@acme.test") {
		t.Fatalf("created: %s", res.Body)
	}
	if bytes.Contains(res.Body, []byte("password")) || bytes.Contains(res.Body, []byte("argon2")) {
		t.Fatalf("the record carries the password: %s", res.Body)
	}
	t.Run("audited without the password", func(t *testing.T) {
		if got := auditCount(t, e, admin); got != before+1 {
			t.Fatalf("%d audit entries, want %d", got, before+1)
		}
		a := newestAudit(t, e, admin)
		if a["action"] != "user.create" || a["object_id"] != u.ID || a["actor_id"] != e.ID(acmeAdmin) {
			t.Fatalf("audit entry: %v", a)
		}
		raw, _ := json.Marshal(a)
		if s := strings.ToLower(string(raw)); strings.Contains(s, "argon2") || strings.Contains(s, "password") {
			t.Fatalf("the audit entry carries the password: %s", s)
		}
	})
	t.Run("the new user signs in and is in Dana's tree", func(t *testing.T) {
		wantStatus(t, login(e, "NIA@acme.test", "long-enough-password"), http.StatusOK)
		if got := pluck(walk(t, e, e.Token("dana@acme.test"), "/api/v1/users", 100), "email"); len(got) != 5 {
			t.Fatalf("Dana sees %v", got)
		}
	})
	t.Run("function defaults by role", func(t *testing.T) {
		res := e.Post(admin, "/api/v1/users", newUserBody(e, map[string]any{"email": "quill@acme.test", "role": "peer",
			"function": nil, "manager_id": nil, "em_since": nil}))
		wantStatus(t, res, http.StatusCreated)
		if res.JSON()["function"] != "other" {
			t.Fatalf("peer without a function: %s", res.Body)
		}
	})
	for _, email := range []string{"alex@acme.test", "ALEX@Acme.Test", " nia@acme.test "} {
		t.Run("duplicate "+email, func(t *testing.T) {
			check := unchanged(t, e, admin)
			wantError(t, e.Post(admin, "/api/v1/users", newUserBody(e, map[string]any{"email": email})), http.StatusConflict, domain.CodeDuplicate)
			check()
		})
	}
}

func TestPatchUser(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	alex := e.ID("alex@acme.test")
	path := "/api/v1/users/" + alex
	get := func(t *testing.T) map[string]any { t.Helper(); return user(t, e, admin, alex) }

	t.Run("absent fields stay as they are", func(t *testing.T) {
		before := get(t)
		res := e.Patch(admin, path, map[string]any{"name": "Alex M. Moreno"})
		wantStatus(t, res, http.StatusOK)
		after := get(t)
		if after["name"] != "Alex M. Moreno" {
			t.Fatalf("name not changed: %v", after)
		}
		for _, k := range []string{"email", "role", "function", "manager_id", "em_since", "active"} {
			if after[k] != before[k] {
				t.Fatalf("%s changed from %v to %v", k, before[k], after[k])
			}
		}
		a := newestAudit(t, e, admin)
		if a["action"] != "user.update" || a["object_id"] != alex {
			t.Fatalf("audit entry: %v", a)
		}
	})
	t.Run("null clears what may be empty", func(t *testing.T) {
		wantStatus(t, e.Patch(admin, path, map[string]any{"em_since": nil}), http.StatusOK)
		u := get(t)
		if u["em_since"] != nil || u["manager_id"] != e.ID("dana@acme.test") {
			t.Fatalf("after em_since: null: %v", u)
		}
		wantStatus(t, e.Patch(admin, path, map[string]any{"manager_id": nil}), http.StatusOK)
		if u := get(t); u["manager_id"] != nil || u["name"] != "Alex M. Moreno" {
			t.Fatalf("after manager_id: null: %v", u)
		}
		wantStatus(t, e.Patch(admin, path, map[string]any{"manager_id": e.ID("dana@acme.test"), "em_since": "2021-02-01"}), http.StatusOK)
		if u := get(t); u["manager_id"] != e.ID("dana@acme.test") || u["em_since"] != "2021-02-01" {
			t.Fatalf("after setting them back: %v", u)
		}
	})

	refusals := []struct {
		name   string
		id     string
		body   map[string]any
		status int
		fields []string
	}{
		{"null name", alex, map[string]any{"name": nil}, 422, []string{"name"}},
		{"null role", alex, map[string]any{"role": nil}, 422, []string{"role"}},
		{"null function", alex, map[string]any{"function": nil}, 422, []string{"function"}},
		{"null active", alex, map[string]any{"active": nil}, 422, []string{"active"}},
		{"unknown role", alex, map[string]any{"role": "owner"}, 422, []string{"role"}},
		{"bad em_since", alex, map[string]any{"em_since": "2021-2-1"}, 422, []string{"em_since"}},
		{"manager is a report: a loop", e.ID("dana@acme.test"), map[string]any{"manager_id": alex}, 422, []string{"manager_id"}},
		{"manager is an indirect report", e.ID("omar@acme.test"), map[string]any{"manager_id": e.ID("erin@acme.test")}, 422, []string{"manager_id"}},
		{"manager is the user", alex, map[string]any{"manager_id": alex}, 422, []string{"manager_id"}},
		{"manager in another org", alex, map[string]any{"manager_id": e.ID("gwen@globex.test")}, 422, []string{"manager_id"}},
		{"a good change beside a bad one", alex, map[string]any{"name": "Changed", "role": "owner"}, 422, []string{"role"}},
		{"admin deactivates themself", e.ID(acmeAdmin), map[string]any{"active": false}, 409, nil},
		{"admin demotes themself", e.ID(acmeAdmin), map[string]any{"role": "director"}, 409, nil},
		{"unknown field", alex, map[string]any{"email": "x@acme.test"}, 400, nil},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			check := unchanged(t, e, admin)
			before := get(t)
			res := e.Patch(admin, "/api/v1/users/"+c.id, c.body)
			switch c.status {
			case 422:
				wantFields(t, res, c.fields...)
			case 409:
				wantError(t, res, http.StatusConflict, "self_lockout")
			default:
				wantError(t, res, c.status, "")
			}
			check()
			if after := get(t); !maps.EqualFunc(before, after, func(a, b any) bool { return a == b }) {
				t.Fatalf("a refused PATCH changed the user:\n%v\n%v", before, after)
			}
		})
	}
	t.Run("the admin is still signed in and an admin", func(t *testing.T) { wantSignedIn(t, e, admin) })
}

func TestPatchMe(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	pat := e.Token("pat@acme.test")
	res := e.Patch(pat, "/api/v1/me", map[string]any{"name": "  Pat Rivera-Lee  "})
	wantStatus(t, res, http.StatusOK)
	if res.JSON()["name"] != "Pat Rivera-Lee" || res.JSON()["role"] != "peer" {
		t.Fatalf("PATCH /me: %s", res.Body)
	}
	if a := newestAudit(t, e, admin); a["action"] != "user.update" || a["actor_id"] != e.ID("pat@acme.test") {
		t.Fatalf("audit entry: %v", a)
	}
	for _, body := range []any{
		map[string]any{"role": "admin"}, // only the name is the user's own
		map[string]any{"name": "Pat", "role": "admin"},
		map[string]any{"active": false},
	} {
		check := unchanged(t, e, admin)
		wantError(t, e.Patch(pat, "/api/v1/me", body), http.StatusBadRequest, "bad_request")
		check()
	}
	wantFields(t, e.Patch(pat, "/api/v1/me", map[string]any{}), "name")
	wantFields(t, e.Patch(pat, "/api/v1/me", map[string]any{"name": ""}), "name")
	if u := user(t, e, admin, e.ID("pat@acme.test")); u["role"] != "peer" || u["name"] != "Pat Rivera-Lee" {
		t.Fatalf("after refused PATCH /me: %v", u)
	}
}
