package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"calibrate/internal/demo"
	"calibrate/internal/testkit"
)

// A stolen access token must not let anyone guess the password through
// POST /me/password faster than through the login: wrong current passwords
// count as failed logins of the account.
func TestPasswordChangeGuessesAreThrottled(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("alex@acme.test")
	guess := map[string]string{"current_password": "not-the-password", "new_password": "a-long-new-password"}
	for i := 0; i < 5; i++ {
		wantError(t, e.Post(tok, "/api/v1/me/password", guess), http.StatusUnprocessableEntity, "validation_failed")
	}
	res := e.Post(tok, "/api/v1/me/password", map[string]string{"current_password": demo.DemoPassword, "new_password": "a-long-new-password"})
	wantError(t, res, http.StatusTooManyRequests, "rate_limited")
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// The login of the account is throttled by the same failures.
	wantError(t, login(e, "alex@acme.test", demo.DemoPassword), http.StatusTooManyRequests, "rate_limited")
	// Once the window has passed, the right password works again.
	e.Clock.Advance(16 * time.Minute)
	tok = e.Token("alex@acme.test")
	wantStatus(t, e.Post(tok, "/api/v1/me/password", map[string]string{"current_password": demo.DemoPassword, "new_password": "a-long-new-password"}), http.StatusOK)
}

// The directory shows no e-mails, so its search must not match them: a
// query by address would tell whether an address belongs to someone.
func TestDirectorySearchMatchesNamesOnly(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("alex@acme.test")
	if got := pluck(walk(t, e, tok, "/api/v1/directory?q=acme.test", 100), "id"); len(got) != 0 {
		t.Fatalf("a search by e-mail domain found %d people", len(got))
	}
	if got := pluck(walk(t, e, tok, "/api/v1/directory?q=rivera", 100), "id"); len(got) != 1 || got[0] != e.ID("pat@acme.test") {
		t.Fatalf("a search by surname found %v", got)
	}
}
