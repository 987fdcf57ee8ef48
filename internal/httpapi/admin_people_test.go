package httpapi_test

// The admin's tools over people and the log: the audit log's filters and
// its CSV, deactivating a manager (their reports move in the same
// transaction, or nothing happens) and who may be a manager.

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"calibrate/internal/testkit"
)

// auditPath builds an audit path with its query.
func auditPath(base string, q map[string]string) string {
	v := url.Values{}
	for k, s := range q {
		v.Set(k, s)
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// auditCSV downloads and parses the audit CSV.
func auditCSV(t *testing.T, e *testkit.Env, tok string, q map[string]string) [][]string {
	t.Helper()
	res := e.Get(tok, auditPath("/api/v1/audit.csv", q))
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="audit.csv"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v\n%s", err, res.Body)
	}
	want := "at,seq,id,actor_id,actor_name,action,object_type,object_id,cycle_id,em_id,before,after"
	if len(rows) == 0 || strings.Join(rows[0], ",") != want {
		t.Fatalf("header %v", rows)
	}
	return rows[1:]
}

func TestAuditFiltersAndCSV(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	// Day one (27 Nov): the admin renames Erin. Day two: a new admin,
	// whose name a spreadsheet would run as a formula, renames Finn.
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("erin@acme.test"), map[string]any{"name": "Erin K."}), http.StatusOK)
	e.Clock.Advance(24 * time.Hour)
	admin = e.Token(acmeAdmin) // access tokens last minutes
	res := e.Post(admin, "/api/v1/users", map[string]any{"name": "=HYPERLINK(\"http://x\")", "email": "formula@acme.test",
		"role": "admin", "password": "a long enough password"})
	formula := decodeOK[map[string]any](t, res, http.StatusCreated)["id"].(string)
	other, _ := e.Login("formula@acme.test", "a long enough password")
	wantStatus(t, e.Patch(other, "/api/v1/users/"+e.ID("finn@acme.test"), map[string]any{"name": "-Finn"}), http.StatusOK)

	everything := walk(t, e, admin, "/api/v1/audit", 100)
	cases := []struct {
		what  string
		q     map[string]string
		check func(it map[string]any) bool
	}{
		{"by action", map[string]string{"action": "user.update"}, func(it map[string]any) bool { return it["action"] == "user.update" }},
		{"by actor", map[string]string{"actor_id": formula},
			func(it map[string]any) bool { return it["actor_id"] == formula }},
		{"a whole day", map[string]string{"from": "2026-11-28", "to": "2026-11-28"},
			func(it map[string]any) bool { return strings.HasPrefix(it["at"].(string), "2026-11-28") }},
		{"timestamps, both inclusive", map[string]string{"from": "2026-11-27T09:00:00Z", "to": "2026-11-27T09:00:00Z"},
			func(it map[string]any) bool { return it["at"] == "2026-11-27T09:00:00Z" }},
		{"until a day", map[string]string{"to": "2026-11-27", "action": "user.update"},
			func(it map[string]any) bool {
				return it["action"] == "user.update" && strings.HasPrefix(it["at"].(string), "2026-11-27")
			}},
	}
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			var want []string
			for _, it := range everything {
				if c.check(it) {
					want = append(want, it["id"].(string))
				}
			}
			if len(want) == 0 {
				t.Fatalf("the case matches nothing; the test proves nothing")
			}
			got := pluck(walk(t, e, admin, auditPath("/api/v1/audit", c.q), 2), "id")
			if !slices.Equal(got, want) {
				t.Fatalf("list: %v, want %v", got, want)
			}
			rows := auditCSV(t, e, admin, c.q)
			var ids []string
			for _, r := range rows {
				ids = append(ids, r[2])
			}
			if !slices.Equal(ids, want) {
				t.Fatalf("CSV: %v, want %v", ids, want)
			}
		})
	}

	// The CSV's cells: the newest entry is Finn's rename by the admin whose
	// name starts with "=", and the new name starts with "-".
	rows := auditCSV(t, e, admin, map[string]string{"actor_id": formula})
	if len(rows) != 1 {
		t.Fatalf("%d rows by the new admin", len(rows))
	}
	r := rows[0]
	if r[4] != `'=HYPERLINK("http://x")` || r[5] != "user.update" || r[6] != "user" || r[7] != e.ID("finn@acme.test") {
		t.Fatalf("row %q", r)
	}
	if !strings.Contains(r[10], `"name":"Finn Gallagher"`) || !strings.Contains(r[11], `"name":"-Finn"`) {
		t.Fatalf("before %q after %q", r[10], r[11])
	}
	if _, err := time.Parse(time.RFC3339Nano, r[0]); err != nil || r[1] == "" {
		t.Fatalf("at %q seq %q", r[0], r[1])
	}

	// Bad ranges: 422 at the field; malformed ones are refused by the gate.
	for _, p := range []string{"/api/v1/audit", "/api/v1/audit.csv"} {
		env := wantError(t, e.Get(admin, p+"?from=2026-11-29&to=2026-11-28"), http.StatusUnprocessableEntity, "validation_failed")
		if env.Error.Fields["to"] == "" {
			t.Errorf("%s from > to: fields %v", p, env.Error.Fields)
		}
		env = wantError(t, e.Get(admin, p+"?from=2026-11-28T10:00:01Z&to=2026-11-28T10:00:00Z"), http.StatusUnprocessableEntity, "validation_failed")
		if env.Error.Fields["to"] == "" {
			t.Errorf("%s from > to by a second: fields %v", p, env.Error.Fields)
		}
		env = wantError(t, e.Get(admin, p+"?from=2026-02-30"), http.StatusUnprocessableEntity, "validation_failed")
		if env.Error.Fields["from"] == "" {
			t.Errorf("%s 30 February: fields %v", p, env.Error.Fields)
		}
		wantError(t, e.Get(admin, p+"?from=yesterday"), http.StatusBadRequest, "bad_request")
		wantError(t, e.Get(admin, p+"?action=DROP%20TABLE"), http.StatusBadRequest, "bad_request")
		// A day and a later time of the same day: the day runs to its end.
		wantStatus(t, e.Get(admin, p+"?from=2026-11-28T10:00:00Z&to=2026-11-28"), http.StatusOK)
	}

	// A director reads only the entries of the cycles they own; an EM none.
	for _, it := range pluck(walk(t, e, e.Token(demoDana), "/api/v1/audit", 100), "action") {
		if strings.HasPrefix(it, "user.") {
			t.Fatalf("Dana reads a user change")
		}
	}
	for _, r := range auditCSV(t, e, e.Token(demoDana), nil) {
		if r[8] == "" {
			t.Fatalf("Dana's CSV holds an entry of no cycle: %q", r)
		}
	}
	wantError(t, e.Get(e.Token(demoAlex), "/api/v1/audit.csv"), http.StatusForbidden, "forbidden")
}

// userOf reads one user as the admin sees them.
func userOf(t *testing.T, e *testkit.Env, email string) map[string]any {
	t.Helper()
	for _, u := range walk(t, e, e.Token(acmeAdmin), "/api/v1/users", 100) {
		if u["email"] == email {
			return u
		}
	}
	t.Fatalf("no user %s", email)
	return nil
}

func TestDeactivatingAManagerMovesTheirReports(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	omar := "/api/v1/users/" + e.ID(demoOmar)
	erin, finn, quinn := e.ID("erin@acme.test"), e.ID("finn@acme.test"), e.ID("quinn@acme.test")
	before := auditCount(t, e, admin)

	// Without reassign_to: 409 naming the active reports, nothing written.
	env := wantError(t, e.Patch(admin, omar, map[string]any{"active": false}), http.StatusConflict, "has_reports")
	want := []string{erin, finn}
	slices.Sort(want)
	var got []string
	for _, id := range env.Error.Details["user_ids"].([]any) {
		got = append(got, id.(string))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("details.user_ids %v, want %v", got, want)
	}
	// Bad targets: 422 at reassign_to, nothing written.
	bad := map[string]map[string]any{
		"an EM":                   {"active": false, "reassign_to": e.ID(demoAlex)},
		"an admin":                {"active": false, "reassign_to": e.ID(acmeAdmin)},
		"one of the reports":      {"active": false, "reassign_to": erin},
		"the person":              {"active": false, "reassign_to": e.ID(demoOmar)},
		"no one":                  {"active": false, "reassign_to": "01a21af4-bba4-7006-95df-960ccdea4a6d"},
		"without a deactivation":  {"name": "Omar H.", "reassign_to": quinn},
		"another organisation's":  {"active": false, "reassign_to": e.ID("admin@globex.test")},
		"a reactivation, not off": {"active": true, "reassign_to": quinn},
	}
	for what, body := range bad {
		env := wantError(t, e.Patch(admin, omar, body), http.StatusUnprocessableEntity, "validation_failed")
		if env.Error.Fields["reassign_to"] == "" {
			t.Errorf("%s: fields %v", what, env.Error.Fields)
		}
	}
	if n := auditCount(t, e, admin); n != before {
		t.Fatalf("refused changes wrote %d audit entries", n-before)
	}
	if u := userOf(t, e, demoOmar); u["active"] != true || u["name"] != "Omar Haddad" {
		t.Fatalf("Omar after refusals: %v", u)
	}

	// Finn was deactivated before: he keeps Omar as manager.
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+finn, map[string]any{"active": false}), http.StatusOK)
	env = wantError(t, e.Patch(admin, omar, map[string]any{"active": false}), http.StatusConflict, "has_reports")
	if ids := env.Error.Details["user_ids"].([]any); len(ids) != 1 || ids[0] != erin {
		t.Fatalf("only Erin is active: %v", ids)
	}
	mark := auditCount(t, e, admin)
	wantStatus(t, e.Patch(admin, omar, map[string]any{"active": false, "reassign_to": quinn}), http.StatusOK)
	if u := userOf(t, e, demoOmar); u["active"] != false {
		t.Fatalf("Omar still active")
	}
	if u := userOf(t, e, "erin@acme.test"); u["manager_id"] != quinn {
		t.Fatalf("Erin reports to %v, want Quinn", u["manager_id"])
	}
	if u := userOf(t, e, "finn@acme.test"); u["manager_id"] != e.ID(demoOmar) {
		t.Fatalf("Finn (inactive) moved to %v", u["manager_id"])
	}
	// Audited: Erin's move and Omar's deactivation naming who moved where.
	var moves, deactivations int
	all := walk(t, e, admin, "/api/v1/audit", 100)
	for _, it := range all[:len(all)-mark] {
		if it["action"] != "user.update" {
			continue
		}
		switch it["object_id"] {
		case erin:
			moves++
			if it["after"].(map[string]any)["manager_id"] != quinn {
				t.Errorf("Erin's move: %v", it["after"])
			}
		case e.ID(demoOmar):
			deactivations++
			after := it["after"].(map[string]any)
			if after["reports_moved_to"] != quinn || len(after["reports_moved"].([]any)) != 1 {
				t.Errorf("Omar's deactivation: %v", after)
			}
		}
	}
	if moves != 1 || deactivations != 1 {
		t.Fatalf("%d moves and %d deactivations audited", moves, deactivations)
	}

	// Someone without active reports is deactivated as before; reassign_to
	// is then allowed and moves no one.
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID(demoAlex), map[string]any{"active": false, "reassign_to": quinn}), http.StatusOK)
}

func TestManagersAreActiveDirectorsOrAdmins(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	newUser := func(email, manager string) *testkit.Response {
		return e.Post(admin, "/api/v1/users", map[string]any{"name": "New Person", "email": email, "role": "em",
			"manager_id": manager, "em_since": "2025-01-06", "password": "a long enough password"})
	}
	// An EM, a peer or an inactive director may not manage.
	res := e.Post(admin, "/api/v1/users", map[string]any{"name": "Idle Director", "email": "idle@acme.test", "role": "director",
		"password": "a long enough password"})
	idle := decodeOK[map[string]any](t, res, http.StatusCreated)["id"].(string)
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+idle, map[string]any{"active": false}), http.StatusOK)
	for what, manager := range map[string]string{"an EM": e.ID(demoAlex), "a peer": e.ID(demoPat),
		"an inactive director": idle} {
		env := wantError(t, newUser("refused@acme.test", manager), http.StatusUnprocessableEntity, "validation_failed")
		if env.Error.Fields["manager_id"] != "must be an active director or admin" {
			t.Errorf("create under %s: fields %v", what, env.Error.Fields)
		}
		env = wantError(t, e.Patch(admin, "/api/v1/users/"+e.ID("erin@acme.test"), map[string]any{"manager_id": manager, "name": "Erin K."}),
			http.StatusUnprocessableEntity, "validation_failed")
		if env.Error.Fields["manager_id"] == "" {
			t.Errorf("move under %s: fields %v", what, env.Error.Fields)
		}
	}
	for _, u := range walk(t, e, admin, "/api/v1/users", 100) {
		if u["email"] == "refused@acme.test" {
			t.Fatalf("a refused creation was written")
		}
	}
	if u := userOf(t, e, "erin@acme.test"); u["name"] != "Erin Kowalski" || u["manager_id"] != e.ID(demoOmar) {
		t.Fatalf("a refused change was written: %v", u)
	}
	// A director and an admin may.
	wantStatus(t, newUser("under-dana@acme.test", e.ID(demoDana)), http.StatusCreated)
	wantStatus(t, newUser("under-admin@acme.test", e.ID(acmeAdmin)), http.StatusCreated)
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("erin@acme.test"), map[string]any{"manager_id": e.ID(demoDana)}), http.StatusOK)
}
