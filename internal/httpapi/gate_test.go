package httpapi_test

// The request gate: what api/openapi.yaml forbids never reaches a handler,
// so a half-sent form cannot erase a director's work, and a body that is
// not JSON is refused before anything reads it.

import (
	"fmt"
	"net/http"
	"testing"

	"calibrate/internal/testkit"
)

// A PUT replaces the whole assessment: one without its ratings (or with
// null ratings) is refused, and the ratings stay.
func TestPartialWritesEraseNothing(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	f.moveTo("input_open")
	v := f.rate(erinEM, 3, 0, "kept")
	self := f.selfRate(erinEM, 2, 0)
	for _, c := range []invalid{
		{"no ratings", map[string]any{"version": v}, "ratings"},
		{"null ratings", map[string]any{"ratings": nil, "version": v}, "ratings"},
		{"null version", map[string]any{"ratings": fullRatings(1, "x"), "version": nil}, "version"},
		{"null rating", map[string]any{"ratings": []any{nil}, "version": v}, "ratings[0]"},
		{"null score", map[string]any{"ratings": withRating(map[string]any{"score": nil}), "version": v}, "ratings[0].score"},
	} {
		t.Run("director/"+c.name, func(t *testing.T) {
			done := e.noWrite(t, "admin@acme.test", f.emPath(erinEM, "assessment"))
			wantFields(t, f.putAssessment(omarDir, erinEM, c.body), c.field)
			done()
		})
	}
	for _, c := range []invalid{
		{"no ratings", map[string]any{"version": self}, "ratings"},
		{"null ratings", map[string]any{"ratings": nil, "version": self}, "ratings"},
	} {
		t.Run("self/"+c.name, func(t *testing.T) {
			done := e.noWrite(t, "admin@acme.test", f.emPath(erinEM, "self-assessment"))
			wantFields(t, f.putSelf(erinEM, c.body), c.field)
			done()
		})
	}
	// A whole number the schema accepts but the server cannot hold is
	// refused by its field path all the same.
	for _, score := range []string{"3.0", "1e300"} {
		done := e.noWrite(t, "admin@acme.test", f.emPath(erinEM, "assessment"))
		body := `{"ratings":[{"criterion":"autonomy","score":` + score + `,"evidence":"x"}],"version":` + fmt.Sprint(v) + `}`
		wantFields(t, f.Put(f.tok(omarDir), f.emPath(erinEM, "assessment"), body), "ratings[0].score")
		done()
	}
	if a := f.assessment(omarDir, erinEM); len(a.Ratings) != len(criteriaKeys) || a.Version != v {
		t.Fatalf("the assessment changed: %d ratings, version %d", len(a.Ratings), a.Version)
	}
}

// null is accepted only where the contract says nullable, and a required
// field is required.
func TestNullAndRequired(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token("admin@acme.test")
	dana := e.Token("dana@acme.test")
	wantFields(t, e.Post(dana, "/api/v1/language-hints", map[string]any{}), "text")
	wantFields(t, e.Post(dana, "/api/v1/language-hints", map[string]any{"text": nil}), "text")
	wantFields(t, e.Post(admin, "/api/v1/users", map[string]any{"name": "Nia Okoye", "email": "nia@acme.test",
		"role": "peer", "function": nil, "password": "long enough password"}), "function")
	wantFields(t, e.Post(dana, "/api/v1/cycles", map[string]any{"name": "Null co-owners", "em_ids": []string{},
		"co_owner_ids": nil}), "co_owner_ids")
	wantFields(t, e.Post(dana, "/api/v1/cycles", map[string]any{"name": "No participants list"}), "em_ids")
	// Where the contract allows null, it is accepted.
	res := e.Post(dana, "/api/v1/cycles", map[string]any{"name": "Nulls allowed", "em_ids": []string{},
		"framework_id": nil, "input_due": nil})
	wantStatus(t, res, http.StatusCreated)
}

// A body is JSON, declared as such: anything else is 415 and does nothing.
// A text/plain POST is what a cross-site form may send without a CORS
// preflight, so refusing it keeps such requests away from every handler.
func TestMediaTypes(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("alex@acme.test")
	login := `{"email":"alex@acme.test","password":"demo-password"}`
	for _, c := range []struct {
		name, method, path, token, ct, body string
		status                              int
	}{
		{"login as text/plain", http.MethodPost, "/api/v1/auth/login", "", "text/plain", login, 415},
		{"login as a form", http.MethodPost, "/api/v1/auth/login", "", "application/x-www-form-urlencoded", "email=alex%40acme.test", 415},
		{"login as multipart", http.MethodPost, "/api/v1/auth/login", "", "multipart/form-data; boundary=x", "--x--", 415},
		{"login with no content type", http.MethodPost, "/api/v1/auth/login", "", "", login, 415},
		{"login as JSON in Latin-1", http.MethodPost, "/api/v1/auth/login", "", "application/json; charset=iso-8859-1", login, 415},
		{"login as JSON with another parameter", http.MethodPost, "/api/v1/auth/login", "", "application/json; profile=x", login, 415},
		{"patch me as text/plain", http.MethodPatch, "/api/v1/me", tok, "text/plain", `{"name":"Plain"}`, 415},
		{"a body to a route that takes none", http.MethodPost, "/api/v1/auth/logout", tok, "application/json", `{}`, 415},
		{"a body to a read", http.MethodGet, "/api/v1/me", tok, "application/json", `{"name":"x"}`, 415},
		{"login as JSON", http.MethodPost, "/api/v1/auth/login", "", "application/json", login, 200},
		{"login as JSON in UTF-8", http.MethodPost, "/api/v1/auth/login", "", "Application/JSON; Charset=UTF-8", login, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {c.ct}}
			res := e.Do(testkit.Request{Method: c.method, Path: c.path, Token: c.token, Body: []byte(c.body), Header: h})
			if c.status != 415 {
				wantStatus(t, res, c.status)
				return
			}
			wantError(t, res, http.StatusUnsupportedMediaType, "unsupported_media_type")
		})
	}
	var me struct{ Name string }
	e.Get(tok, "/api/v1/me").Decode(t, &me)
	if me.Name == "Plain" {
		t.Fatal("a text/plain PATCH changed the name")
	}
}

// Enum values are refused in words a person reads, not identifiers.
func TestFieldMessagesUseLabels(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	f.advanceTo("calibrating")
	res := f.putDecision(omarDir, erinEM, map[string]any{"readiness": "soon", "rationale": "Because.", "version": 0})
	wantFields(t, res, "readiness")
	var env errorEnvelope
	res.Decode(t, &env)
	const want = "choose one of Ready now, Ready in 6–12 months, Ready in 12–24 months, Not yet"
	if got := env.Error.Fields["readiness"]; got != want {
		t.Fatalf("readiness: %q, want %q", got, want)
	}
}
