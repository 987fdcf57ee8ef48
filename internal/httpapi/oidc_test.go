package httpapi_test

// Single sign-on against a real OpenID provider (oidc_provider_test.go):
// the whole flow over HTTP, each refusal, and the organisation's switch
// for password sign-in.

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"calibrate/internal/config"
	"calibrate/internal/httpapi"
	"calibrate/internal/testkit"
)

const (
	oidcLoginPath    = "/api/v1/auth/oidc/login"
	oidcCallbackPath = "/api/v1/auth/oidc/callback"
)

// ssoEnv is a Calibrate with single sign-on set up against a real
// provider.
func ssoEnv(t *testing.T) (*testkit.Env, *testProvider) {
	t.Helper()
	p := newTestProvider(t)
	e := testkit.New(t)
	cfg := *e.Cfg
	cfg.OIDC = &config.OIDC{Issuer: p.URL, ClientID: testClientID, ClientSecret: testClientSecret, Name: "Test IdP"}
	cfg.PublicURL = testPublicURL
	e.Cfg = &cfg
	e.Server = httpapi.New(testkit.Deps(e.Cfg, e.Store, e.Clock, e.Hasher, e.Log))
	t.Cleanup(e.Server.Events.Close)
	return e, p
}

// ssoAttempt is one sign-in up to the provider's redirect back: the
// callback the provider sent the browser to, and the cookie Calibrate set
// in that browser.
type ssoAttempt struct {
	callback string // path and query under Calibrate
	cookie   *http.Cookie
}

// startSSO asks Calibrate for the redirect, then plays the browser at the
// provider (real HTTP, its login page signing in who the test chose) up to
// the redirect back to Calibrate's callback.
func startSSO(t *testing.T, e *testkit.Env) ssoAttempt {
	t.Helper()
	res := e.Get("", oidcLoginPath)
	wantStatus(t, res, http.StatusFound)
	var a ssoAttempt
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "calibrate_oidc" {
			a.cookie = c
		}
	}
	if a.cookie == nil || a.cookie.Value == "" || !a.cookie.HttpOnly || a.cookie.SameSite != http.SameSiteLaxMode ||
		a.cookie.Path != "/api/v1/auth/oidc" || a.cookie.MaxAge != 600 {
		t.Fatalf("binding cookie %+v", a.cookie)
	}
	to, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := to.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" ||
		q.Get("nonce") == "" || q.Get("client_id") != testClientID ||
		q.Get("redirect_uri") != testPublicURL+oidcCallbackPath || !strings.Contains(q.Get("scope"), "openid") {
		t.Fatalf("authorization request %s", to)
	}
	browser := &http.Client{CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), testPublicURL) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, to.String(), nil)
	back, err := browser.Do(req)
	if err != nil {
		t.Fatalf("at the provider: %v", err)
	}
	_ = back.Body.Close()
	loc := back.Header.Get("Location")
	if back.StatusCode != http.StatusFound || !strings.HasPrefix(loc, testPublicURL+oidcCallbackPath) {
		t.Fatalf("the provider answered %d to %q", back.StatusCode, loc)
	}
	a.callback = strings.TrimPrefix(loc, testPublicURL)
	return a
}

// finish sends the provider's redirect to Calibrate, from the browser that
// started the attempt (cookie) or another (nil).
func finish(e *testkit.Env, a ssoAttempt, cookie *http.Cookie) *testkit.Response {
	e.T.Helper()
	r := testkit.Request{Method: http.MethodGet, Path: a.callback}
	if cookie != nil {
		r.Cookies = []*http.Cookie{{Name: cookie.Name, Value: cookie.Value}}
	}
	return e.Do(r)
}

// wantPage checks a refusal page: the status, HTML, the words, a way back,
// and nothing of the exchange.
func wantPage(t *testing.T, res *testkit.Response, status int, says string) {
	t.Helper()
	wantStatus(t, res, status)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("content type %q", ct)
	}
	body := string(res.Body)
	if !strings.Contains(body, says) || !strings.Contains(body, `<a href="/sign-in">`) {
		t.Fatalf("page does not say %q with a link back: %s", says, body)
	}
	for _, secret := range []string{"eyJ", "code=", "state=", "goroutine", ".go:"} {
		if strings.Contains(body, secret) {
			t.Fatalf("page shows %q: %s", secret, body)
		}
	}
	if c := testkit.RefreshCookie(res); c != nil && c.Value != "" {
		t.Fatalf("a refusal started a session")
	}
}

func TestSSOSignsInAnExistingUser(t *testing.T) {
	e, p := ssoEnv(t)
	p.addUser("alex@acme.test", true)
	p.signInAs("alex@acme.test", behaves)

	providers := e.Get("", "/api/v1/auth/providers")
	wantStatus(t, providers, http.StatusOK)
	if got := string(providers.Body); got != `{"oidc":{"name":"Test IdP","login_url":"/api/v1/auth/oidc/login"}}` {
		t.Fatalf("providers %s", got)
	}

	a := startSSO(t, e)
	res := finish(e, a, a.cookie)
	wantStatus(t, res, http.StatusFound)
	if res.Header.Get("Location") != "/" {
		t.Fatalf("redirected to %q", res.Header.Get("Location"))
	}
	c := testkit.RefreshCookie(res)
	if c == nil || c.Value == "" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/v1/auth" {
		t.Fatalf("refresh cookie %+v", c)
	}
	// The web app, loaded at /, refreshes as after a reload.
	r := refresh(e, c)
	wantStatus(t, r, http.StatusOK)
	me := e.Get(accessToken(t, r), "/api/v1/me")
	wantStatus(t, me, http.StatusOK)
	var m struct{ ID, Email string }
	me.Decode(t, &m)
	if m.Email != "alex@acme.test" || m.ID != e.ID("alex@acme.test") {
		t.Fatalf("me %s", me.Body)
	}

	// The state was spent: the same redirect again, cookie and all, is
	// refused.
	wantPage(t, finish(e, a, a.cookie), http.StatusBadRequest, "expired or was already used")
}

func TestSSORefusals(t *testing.T) {
	e, p := ssoEnv(t)
	p.addUser("alex@acme.test", true)
	p.addUser("blair@acme.test", false)
	p.addUser("nobody@acme.test", true)
	p.addUser("casey@acme.test", true)
	admin := e.Token("admin@acme.test")
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("casey@acme.test"), map[string]any{"active": false}), http.StatusOK)

	cases := []struct {
		name   string
		who    string
		mode   misbehaviour
		status int
		says   string
	}{
		{"a signature by a key the provider does not publish", "alex@acme.test", signsWithUnpublishedKey, http.StatusBadGateway, "did not answer as expected"},
		{"a token for another audience", "alex@acme.test", issuesToAnotherAudience, http.StatusBadGateway, "did not answer as expected"},
		{"a token without the nonce", "alex@acme.test", dropsTheNonce, http.StatusBadGateway, "did not answer as expected"},
		{"an e-mail the provider has not verified", "blair@acme.test", behaves, http.StatusForbidden, "not verified"},
		{"an e-mail no account has", "nobody@acme.test", behaves, http.StatusForbidden, "ask your admin"},
		{"a disabled user", "casey@acme.test", behaves, http.StatusForbidden, "ask your admin"},
	}
	before := countSessions(t, e)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p.signInAs(c.who, c.mode)
			a := startSSO(t, e)
			wantPage(t, finish(e, a, a.cookie), c.status, c.says)
		})
	}
	if n := countSessions(t, e) - before; n != 0 {
		t.Errorf("refused sign-ins started %d sessions", n)
	}

	p.signInAs("alex@acme.test", behaves)
	t.Run("a redirect sent from another browser", func(t *testing.T) {
		a := startSSO(t, e)
		wantPage(t, finish(e, a, nil), http.StatusBadRequest, "expired or was already used")
		// and the attempt is spent: its own browser cannot finish it now
		wantPage(t, finish(e, a, a.cookie), http.StatusBadRequest, "expired or was already used")
	})
	t.Run("a state this server never handed out", func(t *testing.T) {
		a := startSSO(t, e)
		u, _ := url.Parse(a.callback)
		q := u.Query()
		q.Set("state", "forged-state")
		u.RawQuery = q.Encode()
		a.callback = u.String()
		wantPage(t, finish(e, a, a.cookie), http.StatusBadRequest, "expired or was already used")
	})
	t.Run("an attempt older than ten minutes", func(t *testing.T) {
		a := startSSO(t, e)
		e.Clock.Advance(11 * time.Minute)
		wantPage(t, finish(e, a, a.cookie), http.StatusBadRequest, "expired or was already used")
	})
	t.Run("the provider's refusal", func(t *testing.T) {
		a := startSSO(t, e)
		u, _ := url.Parse(a.callback)
		q := u.Query()
		q.Del("code")
		q.Set("error", "access_denied")
		u.RawQuery = q.Encode()
		a.callback = u.String()
		wantPage(t, finish(e, a, a.cookie), http.StatusForbidden, "did not sign you in")
	})
	t.Run("no parameters at all", func(t *testing.T) {
		wantPage(t, e.Get("", oidcCallbackPath), http.StatusBadRequest, "expired or was already used")
	})
}

func TestSSOProviderUnreachable(t *testing.T) {
	e, p := ssoEnv(t)
	p.close()
	wantPage(t, e.Get("", oidcLoginPath), http.StatusBadGateway, "could not be reached")
}

func TestSSONotSetUp(t *testing.T) {
	e := testkit.New(t)
	res := e.Get("", "/api/v1/auth/providers")
	wantStatus(t, res, http.StatusOK)
	if string(res.Body) != `{"oidc":null}` {
		t.Fatalf("providers %s", res.Body)
	}
	wantPage(t, e.Get("", oidcLoginPath), http.StatusNotFound, "not set up")
	wantPage(t, e.Get("", oidcCallbackPath+"?state=x&code=y"), http.StatusNotFound, "not set up")
	// Password sign-in cannot be turned off without it.
	admin := e.Token("admin@acme.test")
	res = e.Patch(admin, "/api/v1/org", map[string]any{"password_login": false})
	wantStatus(t, res, http.StatusConflict)
	checkErrorShape(t, res, "sso_not_configured")
	org := decodeOK[struct {
		PasswordLogin bool `json:"password_login"`
	}](t, e.Get(admin, "/api/v1/org"), http.StatusOK)
	if !org.PasswordLogin {
		t.Fatal("a refused change changed the setting")
	}
}

func TestPasswordLoginSwitch(t *testing.T) {
	e, p := ssoEnv(t)
	admin := e.Token("admin@acme.test")

	res := e.Patch(admin, "/api/v1/org", map[string]any{"password_login": false})
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(string(res.Body), `"password_login":false`) {
		t.Fatalf("org %s", res.Body)
	}
	// An EM's right password is refused; a wrong one still looks like any.
	res = login(e, "alex@acme.test", demoPassword)
	wantStatus(t, res, http.StatusForbidden)
	checkErrorShape(t, res, "password_login_disabled")
	wantStatus(t, login(e, "alex@acme.test", "not-the-password"), http.StatusUnauthorized)
	// The other organisation is not affected.
	wantStatus(t, login(e, "gwen@globex.test", demoPassword), http.StatusOK)
	// An admin keeps the password: the way back in.
	wantStatus(t, login(e, "admin@acme.test", demoPassword), http.StatusOK)
	// The EM signs in with single sign-on.
	p.addUser("alex@acme.test", true)
	p.signInAs("alex@acme.test", behaves)
	a := startSSO(t, e)
	wantStatus(t, finish(e, a, a.cookie), http.StatusFound)

	// The change is audited as a setting of the organisation.
	audit := e.Get(admin, "/api/v1/audit?limit=5")
	wantStatus(t, audit, http.StatusOK)
	if !strings.Contains(string(audit.Body), `"org.settings"`) || !strings.Contains(string(audit.Body), `"password_login":false`) {
		t.Fatalf("audit %s", audit.Body)
	}

	wantStatus(t, e.Patch(admin, "/api/v1/org", map[string]any{"password_login": true}), http.StatusOK)
	wantStatus(t, login(e, "alex@acme.test", demoPassword), http.StatusOK)
}

func TestOrgSettingsAreTheAdmins(t *testing.T) {
	e, _ := ssoEnv(t)
	for _, who := range []string{"dana@acme.test", "alex@acme.test", "pat@acme.test"} {
		tok := e.Token(who)
		wantStatus(t, e.Get(tok, "/api/v1/org"), http.StatusForbidden)
		wantStatus(t, e.Patch(tok, "/api/v1/org", map[string]any{"password_login": false}), http.StatusForbidden)
	}
	wantStatus(t, e.Get("", "/api/v1/org"), http.StatusUnauthorized)
	// Each admin sees and changes their own organisation only.
	globex := e.Token("admin@globex.test")
	wantStatus(t, e.Patch(globex, "/api/v1/org", map[string]any{"password_login": false}), http.StatusOK)
	acme := decodeOK[struct {
		Name          string `json:"name"`
		PasswordLogin bool   `json:"password_login"`
	}](t, e.Get(e.Token("admin@acme.test"), "/api/v1/org"), http.StatusOK)
	if acme.Name != "Acme Robotics" || !acme.PasswordLogin {
		t.Fatalf("acme %+v", acme)
	}
	res := e.Patch(globex, "/api/v1/org", map[string]any{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
}

// countSessions counts every session in the database.
func countSessions(t *testing.T, e *testkit.Env) int {
	t.Helper()
	var n int64
	if err := testkit.Inspect(e).Table("sessions").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return int(n)
}
