package httpapi_test

// Sessions: refresh rotation and replay detection, concurrent refreshes,
// logout, and a password change ending the other sessions.

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"calibrate/internal/auth"
	"calibrate/internal/testkit"
)

func TestRefreshRotates(t *testing.T) {
	e := testkit.New(t)
	first, c1 := e.Login("dana@acme.test", demoPassword)
	res := refresh(e, c1)
	wantStatus(t, res, http.StatusOK)
	c2 := testkit.RefreshCookie(res)
	if c2 == nil || c2.Value == "" || c2.Value == c1.Value {
		t.Fatalf("refresh did not rotate the cookie: %v", res.Header.Values("Set-Cookie"))
	}
	if !c2.HttpOnly || c2.SameSite != http.SameSiteStrictMode || c2.Path != "/api/v1/auth" {
		t.Fatalf("rotated cookie %q lost its attributes", c2.String())
	}
	second := accessToken(t, res)
	if topKeys(t, res) != "access_token,expires_in,token_type,user" || res.JSON()["token_type"] != "Bearer" {
		t.Fatalf("refresh answer: %s", res.Body)
	}
	wantSignedIn(t, e, second)
	wantSignedIn(t, e, first) // rotation is not revocation

	// The new cookie works in turn, also after the access token expired.
	e.Clock.Advance(auth.AccessTTL + time.Minute)
	wantSignedOut(t, e, second)
	res = refresh(e, c2)
	wantStatus(t, res, http.StatusOK)
	wantSignedIn(t, e, accessToken(t, res))
}

// The session marker is set and cleared with the refresh cookie, readable by
// the page (not HttpOnly), and carries no secret: the web app asks for a
// refresh on load only when it is there.
func TestSessionMarker(t *testing.T) {
	e := testkit.New(t)
	res := e.Do(testkit.Request{Method: "POST", Path: "/api/v1/auth/login",
		Body: []byte(`{"email":"dana@acme.test","password":"` + demoPassword + `"}`)})
	wantStatus(t, res, http.StatusOK)
	m := sessionMarker(res)
	if m == nil || m.Value != "1" || m.HttpOnly || m.Path != "/" || m.SameSite != http.SameSiteStrictMode || m.MaxAge <= 0 {
		t.Fatalf("login should set the session marker: %v", res.Header.Values("Set-Cookie"))
	}
	if r := testkit.RefreshCookie(res); r == nil || m.MaxAge != r.MaxAge {
		t.Fatalf("the marker should live as long as the refresh cookie: %v", res.Header.Values("Set-Cookie"))
	}
	again := refresh(e, testkit.RefreshCookie(res))
	wantStatus(t, again, http.StatusOK)
	if m := sessionMarker(again); m == nil || m.Value != "1" {
		t.Fatalf("refresh should renew the marker: %v", again.Header.Values("Set-Cookie"))
	}
	bad := refresh(e, &http.Cookie{Name: "calibrate_refresh", Value: "bm90LWEtcmVhbC10b2tlbg"})
	wantError(t, bad, http.StatusUnauthorized, "invalid_refresh_token")
	if m := sessionMarker(bad); m == nil || m.MaxAge >= 0 {
		t.Fatalf("a refused refresh should clear the marker: %v", bad.Header.Values("Set-Cookie"))
	}
}

func sessionMarker(res *testkit.Response) *http.Cookie {
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "calibrate_session" {
			return c
		}
	}
	return nil
}

func TestRefreshWithoutAGoodCookie(t *testing.T) {
	e := testkit.New(t)
	cases := []struct {
		name   string
		cookie *http.Cookie
	}{
		{"no cookie", nil},
		{"empty", &http.Cookie{Name: "calibrate_refresh", Value: ""}},
		{"unknown token", &http.Cookie{Name: "calibrate_refresh", Value: "bm90LWEtcmVhbC10b2tlbg"}},
		{"an access token", &http.Cookie{Name: "calibrate_refresh", Value: e.Token("alex@acme.test")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := refresh(e, c.cookie)
			wantError(t, res, http.StatusUnauthorized, "invalid_refresh_token")
			if got := testkit.RefreshCookie(res); got == nil || got.MaxAge >= 0 {
				t.Fatalf("a refused refresh should clear the cookie: %v", res.Header.Values("Set-Cookie"))
			}
		})
	}
	t.Run("expired session", func(t *testing.T) {
		_, c := e.Login("blair@acme.test", demoPassword)
		e.Clock.Advance(auth.SessionTTL)
		wantError(t, refresh(e, c), http.StatusUnauthorized, "invalid_refresh_token")
	})
}

// Presenting a refresh token that was already rotated means two parties
// hold it: the whole session ends, the newest tokens included. Other
// sessions of the same user live on.
func TestRefreshReplayRevokesTheSession(t *testing.T) {
	e := testkit.New(t)
	a1, c1 := e.Login("alex@acme.test", demoPassword)
	other, otherCookie := e.Login("alex@acme.test", demoPassword)
	res := refresh(e, c1)
	wantStatus(t, res, http.StatusOK)
	a2, c2 := accessToken(t, res), testkit.RefreshCookie(res)
	res = refresh(e, c2)
	wantStatus(t, res, http.StatusOK)
	a3, c3 := accessToken(t, res), testkit.RefreshCookie(res)

	wantError(t, refresh(e, c1), http.StatusUnauthorized, "invalid_refresh_token")

	for name, tok := range map[string]string{"login token": a1, "first refresh": a2, "newest": a3} {
		t.Run(name+" is refused", func(t *testing.T) { wantSignedOut(t, e, tok) })
	}
	t.Run("the newest refresh token is refused", func(t *testing.T) {
		wantError(t, refresh(e, c3), http.StatusUnauthorized, "invalid_refresh_token")
	})
	t.Run("a middle refresh token is refused", func(t *testing.T) {
		wantError(t, refresh(e, c2), http.StatusUnauthorized, "invalid_refresh_token")
	})
	t.Run("the user's other session is untouched", func(t *testing.T) {
		wantSignedIn(t, e, other)
		wantStatus(t, refresh(e, otherCookie), http.StatusOK)
	})
}

// Two requests spending one refresh token at once: exactly one wins. (The
// requests go straight to the handler: they run on goroutines, where the
// test must not stop.)
func TestConcurrentRefreshesSpendATokenOnce(t *testing.T) {
	for _, n := range []int{2, 8} {
		e := testkit.New(t)
		_, c := e.Login("drew@acme.test", demoPassword)
		statuses := make([]int, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/refresh", nil)
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
				w := httptest.NewRecorder()
				<-start
				e.Server.ServeHTTP(w, req)
				statuses[i] = w.Code
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusUnauthorized:
			default:
				t.Fatalf("%d concurrent refreshes: unexpected status %d (%v)", n, s, statuses)
			}
		}
		if ok != 1 {
			t.Fatalf("%d concurrent refreshes of one token: %d succeeded (%v), want exactly 1", n, ok, statuses)
		}
	}
}

func TestLogout(t *testing.T) {
	e := testkit.New(t)
	tok, c := e.Login("casey@acme.test", demoPassword)
	keep, _ := e.Login("casey@acme.test", demoPassword)
	res := e.Post(tok, "/api/v1/auth/logout", nil)
	wantStatus(t, res, http.StatusNoContent)
	if len(res.Body) != 0 {
		t.Fatalf("204 with a body: %s", res.Body)
	}
	if got := testkit.RefreshCookie(res); got == nil || got.MaxAge >= 0 || got.Path != "/api/v1/auth" {
		t.Fatalf("logout should clear the refresh cookie: %v", res.Header.Values("Set-Cookie"))
	}
	if got := sessionMarker(res); got == nil || got.MaxAge >= 0 || got.Path != "/" {
		t.Fatalf("logout should clear the session marker: %v", res.Header.Values("Set-Cookie"))
	}
	wantSignedOut(t, e, tok)
	wantError(t, refresh(e, c), http.StatusUnauthorized, "invalid_refresh_token")
	wantError(t, e.Post(tok, "/api/v1/auth/logout", nil), http.StatusUnauthorized, "unauthenticated")
	wantError(t, e.Post("", "/api/v1/auth/logout", nil), http.StatusUnauthorized, "unauthenticated")
	wantSignedIn(t, e, keep) // logout ends this session only
}

// A password change keeps the session that made it and ends every other
// one; the old password stops working.
func TestPasswordChange(t *testing.T) {
	e := testkit.New(t)
	const newPassword = "a-brand-new-passphrase"
	admin := e.Token(acmeAdmin)
	here, hereCookie := e.Login("dana@acme.test", demoPassword)
	there, thereCookie := e.Login("dana@acme.test", demoPassword)
	alex := e.Token("alex@acme.test")
	path := "/api/v1/me/password"

	t.Run("refusals change nothing", func(t *testing.T) {
		check := unchanged(t, e, admin)
		wantFields(t, e.Post(here, path, map[string]string{"current_password": "not-my-password", "new_password": newPassword}), "current_password")
		wantFields(t, e.Post(here, path, map[string]string{"current_password": demoPassword, "new_password": "short"}), "new_password")
		wantFields(t, e.Post(here, path, map[string]string{"current_password": "", "new_password": newPassword}), "current_password")
		wantError(t, e.Post(here, path, map[string]any{"current_password": demoPassword}), http.StatusUnprocessableEntity, "validation_failed")
		wantError(t, e.Post(here, path, map[string]any{"current_password": demoPassword, "new_password": newPassword, "x": 1}), http.StatusBadRequest, "bad_request")
		wantError(t, e.Post("", path, map[string]any{"current_password": demoPassword, "new_password": newPassword}), http.StatusUnauthorized, "unauthenticated")
		check()
		wantSignedIn(t, e, there)
	})

	res := e.Post(here, path, map[string]string{"current_password": demoPassword, "new_password": newPassword})
	wantStatus(t, res, http.StatusOK) // a write answers with the written object: the caller's record
	if res.JSON()["email"] != "dana@acme.test" || bytes.Contains(res.Body, []byte("argon2")) || bytes.Contains(res.Body, []byte(newPassword)) {
		t.Fatalf("password change answer: %s", res.Body)
	}

	t.Run("audited", func(t *testing.T) {
		a := newestAudit(t, e, admin)
		if a["action"] != "user.password_change" || a["object_id"] != e.ID("dana@acme.test") || a["actor_id"] != e.ID("dana@acme.test") {
			t.Fatalf("newest audit entry: %v", a)
		}
	})
	t.Run("this session lives on", func(t *testing.T) {
		wantSignedIn(t, e, here)
		res := refresh(e, hereCookie)
		wantStatus(t, res, http.StatusOK)
		wantSignedIn(t, e, accessToken(t, res))
	})
	t.Run("the other session ends", func(t *testing.T) {
		wantSignedOut(t, e, there)
		wantError(t, refresh(e, thereCookie), http.StatusUnauthorized, "invalid_refresh_token")
	})
	t.Run("other users are untouched", func(t *testing.T) { wantSignedIn(t, e, alex) })
	t.Run("only the new password signs in", func(t *testing.T) {
		wantError(t, login(e, "dana@acme.test", demoPassword), http.StatusUnauthorized, "invalid_credentials")
		wantStatus(t, login(e, "dana@acme.test", newPassword), http.StatusOK)
	})
	t.Run("the change keeps the rest of the record", func(t *testing.T) {
		u := user(t, e, admin, e.ID("dana@acme.test"))
		if u["role"] != "director" || u["active"] != true || u["name"] != "Dana Whitfield" {
			t.Fatalf("after a password change: %v", u)
		}
	})
}
