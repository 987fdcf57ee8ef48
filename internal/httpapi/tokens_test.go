package httpapi_test

// Access tokens: forged, altered, stale and revoked tokens are all refused
// with the same 401. The positive controls prove the forging helpers make
// tokens the server would take, so each refusal is for the reason named.

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"calibrate/internal/auth"
	"calibrate/internal/testkit"
)

// claimsOf reads a real token's claims (without checking it).
func claimsOf(t testing.TB, tok string) jwt.MapClaims {
	t.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// with returns a copy of c with the changes applied; a nil value deletes.
func with(c jwt.MapClaims, changes map[string]any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func sign(t testing.TB, m jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unsigned builds "header.payload." with the given alg, the way an attacker
// spells "none" when a library only refuses the lower-case one.
func unsigned(t testing.TB, alg string, c jwt.MapClaims) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": alg, "typ": "JWT"}) + "." + enc(c) + "."
}

// resigned keeps tok's header and signature around a new payload.
func resigned(t testing.TB, tok string, c jwt.MapClaims) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

func TestForgedTokensAreRefused(t *testing.T) {
	e := testkit.New(t)
	real := e.Token("alex@acme.test")
	claims := claimsOf(t, real)
	danaClaims := claimsOf(t, e.Token("dana@acme.test"))
	hs256 := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodHS256, testkit.JWTKey, c) }
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	globexOrg := claimsOf(t, e.Token("hank@globex.test"))["org"]
	now := testkit.Start.Unix()

	cases := []struct {
		name   string
		bearer string
		ok     bool
	}{
		{"control: the real token", real, true},
		{"control: the same claims signed with the key", hs256(claims), true},

		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims), false},
		{"alg None", unsigned(t, "None", claims), false},
		{"alg NONE", unsigned(t, "NONE", claims), false},
		{"alg nOnE", unsigned(t, "nOnE", claims), false},
		{"alg none with the real signature", unsigned(t, "none", claims) + strings.Split(real, ".")[2], false},
		{"HS384 with the key", sign(t, jwt.SigningMethodHS384, testkit.JWTKey, claims), false},
		{"HS512 with the key", sign(t, jwt.SigningMethodHS512, testkit.JWTKey, claims), false},
		{"RS256", sign(t, jwt.SigningMethodRS256, rsaKey, claims), false},
		{"HS256 with another key", sign(t, jwt.SigningMethodHS256, []byte("another-key-0123456789abcdef-0123456789"), claims), false},
		{"HS256 with an empty key", sign(t, jwt.SigningMethodHS256, []byte{}, claims), false},

		{"role raised, old signature", resigned(t, real, with(claims, map[string]any{"role": "admin"})), false},
		{"subject changed, old signature", resigned(t, real, with(claims, map[string]any{"sub": e.ID("dana@acme.test")})), false},
		{"expiry extended, old signature", resigned(t, real, with(claims, map[string]any{"exp": now + 86400})), false},

		{"no iat", hs256(with(claims, map[string]any{"iat": nil})), false},
		{"no exp", hs256(with(claims, map[string]any{"exp": nil})), false},
		{"no sub", hs256(with(claims, map[string]any{"sub": nil})), false},
		{"no iss", hs256(with(claims, map[string]any{"iss": nil})), false},
		{"no aud", hs256(with(claims, map[string]any{"aud": nil})), false},
		{"no sid", hs256(with(claims, map[string]any{"sid": nil})), false},
		{"no org", hs256(with(claims, map[string]any{"org": nil})), false},
		{"no role", hs256(with(claims, map[string]any{"role": nil})), false},
		{"wrong issuer", hs256(with(claims, map[string]any{"iss": "someone-else"})), false},
		{"wrong audience", hs256(with(claims, map[string]any{"aud": []string{"another-api"}})), false},
		{"exp as a string", hs256(with(claims, map[string]any{"exp": "2099-01-01"})), false},
		{"issued in the future", hs256(with(claims, map[string]any{"iat": now + 60})), false},
		{"not valid before a minute from now", hs256(with(claims, map[string]any{"nbf": now + 60})), false},
		{"expired an instant ago", hs256(with(claims, map[string]any{"exp": now})), false},

		// Signed with the key but claiming what the database contradicts:
		// each request checks role, organisation and session.
		{"role claim differs from the user's", hs256(with(claims, map[string]any{"role": "admin"})), false},
		{"unknown role claim", hs256(with(claims, map[string]any{"role": "root"})), false},
		{"organisation claim of Globex", hs256(with(claims, map[string]any{"org": globexOrg})), false},
		{"another user's session", hs256(with(claims, map[string]any{"sid": danaClaims["sid"]})), false},
		{"a session that does not exist", hs256(with(claims, map[string]any{"sid": "00000000-0000-7000-8000-000000000000"})), false},

		{"garbage", "not-a-token", false},
		{"three empty parts", "..", false},
		{"header only", strings.Split(real, ".")[0], false},
		{"one megabyte", strings.Repeat("A", 1<<20), false},
		{"one megabyte after a real prefix", real + strings.Repeat("A", 1<<20), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := e.Get(c.bearer, "/api/v1/me")
			if c.ok {
				wantStatus(t, res, http.StatusOK)
				return
			}
			wantError(t, res, http.StatusUnauthorized, "unauthenticated")
		})
	}
}

func TestAuthorizationHeaderForms(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("pat@acme.test")
	cases := []struct {
		header string
		status int
	}{
		{"Bearer " + tok, 200},
		{"bearer " + tok, 200},
		{"", 401},
		{"Bearer", 401},
		{"Bearer ", 401},
		{"Basic " + tok, 401},
		{tok, 401},
		{"Token " + tok, 401},
	}
	for _, c := range cases {
		t.Run(c.header, func(t *testing.T) {
			res := e.Do(testkit.Request{Method: http.MethodGet, Path: "/api/v1/me", Header: http.Header{"Authorization": {c.header}}})
			if c.status == 200 {
				wantStatus(t, res, 200)
				return
			}
			wantError(t, res, http.StatusUnauthorized, "unauthenticated")
		})
	}
}

// A token is good from its issue until AccessTTL later, judged by the
// server's clock.
func TestTokenLifetime(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("dee@acme.test")
	cases := []struct {
		name string
		at   time.Duration // from issue
		ok   bool
	}{
		{"a second before issue", -time.Second, false},
		{"at issue", 0, true},
		{"a second before expiry", auth.AccessTTL - time.Second, true},
		{"at expiry", auth.AccessTTL, false},
		{"an hour later", time.Hour, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.Clock.Set(testkit.Start.Add(c.at))
			t.Cleanup(func() { e.Clock.Set(testkit.Start) })
			res := e.Get(tok, "/api/v1/me")
			if c.ok {
				wantStatus(t, res, http.StatusOK)
				return
			}
			wantError(t, res, http.StatusUnauthorized, "unauthenticated")
		})
	}
}

// Tokens of a session or user that has since changed stop working at once,
// without waiting for their expiry.
func TestRevokedTokensAreRefused(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	cases := []struct {
		name   string
		user   string
		revoke func(t *testing.T, tok string)
	}{
		{"logged out", "blair@acme.test", func(t *testing.T, tok string) {
			wantStatus(t, e.Post(tok, "/api/v1/auth/logout", nil), http.StatusNoContent)
		}},
		{"deactivated", "casey@acme.test", func(t *testing.T, _ string) {
			wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("casey@acme.test"), map[string]any{"active": false}), http.StatusOK)
		}},
		{"demoted", "drew@acme.test", func(t *testing.T, _ string) {
			wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("drew@acme.test"), map[string]any{"role": "peer"}), http.StatusOK)
		}},
		{"promoted", "erin@acme.test", func(t *testing.T, _ string) {
			wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("erin@acme.test"), map[string]any{"role": "director"}), http.StatusOK)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, cookie := e.Login(c.user, demoPassword)
			wantSignedIn(t, e, tok)
			c.revoke(t, tok)
			wantSignedOut(t, e, tok)
			wantError(t, refresh(e, cookie), http.StatusUnauthorized, "")
		})
	}
	t.Run("a deactivated user's token stays refused after reactivation", func(t *testing.T) {
		tok := e.Token("alex@acme.test")
		id := e.ID("alex@acme.test")
		wantStatus(t, e.Patch(admin, "/api/v1/users/"+id, map[string]any{"active": false}), http.StatusOK)
		wantStatus(t, e.Patch(admin, "/api/v1/users/"+id, map[string]any{"active": true}), http.StatusOK)
		wantSignedOut(t, e, tok)
		wantSignedIn(t, e, e.Token("alex@acme.test"))
	})
}
