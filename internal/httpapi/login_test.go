package httpapi_test

// Signing in: the answer's shape, failures that all look alike, and the
// throttling (per account and per client address).

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"calibrate/internal/testkit"
)

func TestLoginAnswersEachRole(t *testing.T) {
	e := testkit.New(t)
	cases := []struct{ email, role, org string }{
		{"admin@acme.test", "admin", "Acme Robotics"},
		{"dana@acme.test", "director", "Acme Robotics"},
		{"alex@acme.test", "em", "Acme Robotics"},
		{"pat@acme.test", "peer", "Acme Robotics"},
		{"gwen@globex.test", "director", "Globex"},
		// E-mail is matched whatever its case and surrounding space.
		{"  Ivy@Globex.TEST ", "peer", "Globex"},
	}
	for _, c := range cases {
		t.Run(c.email, func(t *testing.T) {
			res := login(e, c.email, demoPassword)
			wantStatus(t, res, http.StatusOK)
			var b struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				ExpiresIn   int    `json:"expires_in"`
				User        struct {
					ID, Name, Email, Role, Function string
					Org                             struct{ ID, Name string }
				} `json:"user"`
			}
			res.Decode(t, &b)
			if b.AccessToken == "" || b.TokenType != "Bearer" || b.ExpiresIn != 600 {
				t.Fatalf("token fields: %s", res.Body)
			}
			if b.User.Email != strings.ToLower(strings.TrimSpace(c.email)) || b.User.Role != c.role ||
				b.User.Org.Name != c.org || b.User.Org.ID == "" || b.User.ID == "" {
				t.Fatalf("user: %s", res.Body)
			}
			if keys := topKeys(t, res); keys != "access_token,expires_in,token_type,user" {
				t.Fatalf("login answer has keys %s", keys)
			}
			if bytes.Contains(res.Body, []byte("password")) || bytes.Contains(res.Body, []byte("argon2")) {
				t.Fatalf("login answer mentions the password: %s", res.Body)
			}
			c := testkit.RefreshCookie(res)
			if c == nil || c.Value == "" {
				t.Fatalf("no refresh cookie: %v", res.Header.Values("Set-Cookie"))
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/v1/auth" || c.MaxAge <= 0 {
				t.Fatalf("refresh cookie %q: want HttpOnly, SameSite=Strict, Path=/api/v1/auth, a Max-Age", c.String())
			}
			if bytes.Contains(res.Body, []byte(c.Value)) {
				t.Fatal("the refresh token is in the body; it belongs only in the cookie")
			}
			me := e.Get(b.AccessToken, "/api/v1/me")
			wantStatus(t, me, http.StatusOK)
			if me.JSON()["id"] != b.User.ID {
				t.Fatalf("/me is someone else: %s", me.Body)
			}
		})
	}
}

func topKeys(t testing.TB, res *testkit.Response) string {
	t.Helper()
	m := res.JSON()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// A wrong password, an unknown e-mail and a deactivated account must not be
// told apart by the answer.
func TestLoginFailuresLookAlike(t *testing.T) {
	e := testkit.New(t)
	wantStatus(t, e.Patch(e.Token(acmeAdmin), "/api/v1/users/"+e.ID("finn@acme.test"), map[string]any{"active": false}), http.StatusOK)
	cases := []struct{ name, email, password string }{
		{"wrong password", "dana@acme.test", "not-the-password"},
		{"unknown e-mail", "nobody@acme.test", demoPassword},
		{"deactivated, right password", "finn@acme.test", demoPassword},
		{"deactivated, wrong password", "finn@acme.test", "not-the-password"},
	}
	var first *testkit.Response
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := login(e, c.email, c.password)
			wantError(t, res, http.StatusUnauthorized, "invalid_credentials")
			if testkit.RefreshCookie(res) != nil {
				t.Fatal("a failed login set a refresh cookie")
			}
			if first == nil {
				first = res
				return
			}
			if !bytes.Equal(res.Body, first.Body) {
				t.Fatalf("bodies differ:\n%s\n%s", res.Body, first.Body)
			}
		})
	}
}

func TestLoginRequestValidation(t *testing.T) {
	e := testkit.New(t)
	wantFields(t, e.Post("", secLoginPath, map[string]string{"email": "", "password": ""}), "email", "password")
	wantFields(t, e.Post("", secLoginPath, map[string]string{"email": strings.Repeat("a", 250) + "@x.test", "password": "p"}), "email")
	wantFields(t, e.Post("", secLoginPath, map[string]string{"email": "a@b.test", "password": strings.Repeat("p", 257)}), "password")
}

// After five failures for one account within fifteen minutes, that account
// is refused, even with the right password and from elsewhere, until the
// oldest failure leaves the window; other accounts are not affected.
func TestLoginThrottlesAnAccount(t *testing.T) {
	e := testkit.New(t)
	// However the address is spelled, it is one account.
	for i, email := range []string{"dana@acme.test", "DANA@acme.test", " dana@acme.test", "Dana@Acme.Test", "dana@acme.test "} {
		wantError(t, login(e, email, fmt.Sprintf("wrong-password-%d", i)), http.StatusUnauthorized, "invalid_credentials")
		e.Clock.Advance(time.Minute)
	}
	// Now = Start + 5m; the oldest failure (at Start) leaves the window at
	// Start + 15m: 600 seconds from now.
	for _, c := range []struct{ name, addr, password string }{
		{"right password", "", demoPassword},
		{"wrong password", "", "wrong-again-password"},
		{"right password from another address", "198.51.100.7:4000", demoPassword},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := loginFrom(e, c.addr, "dana@acme.test", c.password)
			wantError(t, res, http.StatusTooManyRequests, "rate_limited")
			if got := res.Header.Get("Retry-After"); got != "600" {
				t.Fatalf("Retry-After %q, want 600", got)
			}
		})
	}
	t.Run("other account from the same address", func(t *testing.T) {
		wantStatus(t, login(e, "blair@acme.test", demoPassword), http.StatusOK)
	})
	t.Run("one second before the window passes", func(t *testing.T) {
		e.Clock.Advance(599 * time.Second)
		res := login(e, "dana@acme.test", demoPassword)
		wantError(t, res, http.StatusTooManyRequests, "rate_limited")
		if got := res.Header.Get("Retry-After"); got != "1" {
			t.Fatalf("Retry-After %q, want 1", got)
		}
	})
	t.Run("after the window", func(t *testing.T) {
		e.Clock.Advance(time.Second)
		wantStatus(t, login(e, "dana@acme.test", demoPassword), http.StatusOK)
	})
	t.Run("successes do not count", func(t *testing.T) {
		for range 6 {
			wantStatus(t, login(e, "blair@acme.test", demoPassword), http.StatusOK)
		}
	})
}

// Fifty failures from one client address, whatever the accounts, throttle
// that address; another address still signs in.
func TestLoginThrottlesAnAddress(t *testing.T) {
	e := testkit.New(t)
	const attacker, other = "203.0.113.9:1234", "198.51.100.20:5555"
	for i := range 50 {
		// A forwarding header the server was not told to trust changes
		// nothing: the address is the connection's.
		res := e.Do(testkit.Request{Method: http.MethodPost, Path: secLoginPath, RemoteAddr: attacker,
			Header: http.Header{"X-Forwarded-For": {fmt.Sprintf("10.0.0.%d", i)}, "X-Real-Ip": {fmt.Sprintf("10.1.0.%d", i)}},
			Body:   map[string]string{"email": fmt.Sprintf("guess%d@acme.test", i), "password": "some-password"}})
		wantError(t, res, http.StatusUnauthorized, "invalid_credentials")
	}
	res := loginFrom(e, "203.0.113.9:9999", "pat@acme.test", demoPassword)
	wantError(t, res, http.StatusTooManyRequests, "rate_limited")
	if got := res.Header.Get("Retry-After"); got != "900" {
		t.Fatalf("Retry-After %q, want 900", got)
	}
	wantStatus(t, loginFrom(e, other, "pat@acme.test", demoPassword), http.StatusOK)
	e.Clock.Advance(15 * time.Minute)
	wantStatus(t, loginFrom(e, attacker, "pat@acme.test", demoPassword), http.StatusOK)
}
