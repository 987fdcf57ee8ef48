package httpapi_test

// Forged access tokens beyond tokens_test.go: algorithm confusion (a
// public key used as the HMAC secret, a header naming another algorithm
// over a signature made with the real key, keys carried in the header),
// "none" in all sixteen spellings of its case, and a one-megabyte bearer
// or refresh cookie refused without the server spending memory in
// proportion to it.

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"calibrate/internal/testkit"
)

// rawToken builds header.payload.signature by hand, signing with sign
// over "header.payload" (nil: no signature).
func rawToken(t testing.TB, header map[string]any, claims jwt.MapClaims, sign func(signed []byte) []byte) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := enc(header) + "." + enc(claims)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(signed))
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func hmacWith(key []byte) func([]byte) []byte {
	return func(b []byte) []byte {
		m := hmac.New(sha256.New, key)
		m.Write(b)
		return m.Sum(nil)
	}
}

func TestAlgorithmConfusion(t *testing.T) {
	e := testkit.New(t)
	claims := claimsOf(t, e.Token("alex@acme.test"))
	// The EM's claims with the role raised: what a forger is after.
	admin := with(claims, map[string]any{"role": "admin"})

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwk := map[string]any{"kty": "RSA", "n": base64.RawURLEncoding.EncodeToString(rsaKey.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(rsaKey.E)).Bytes())}
	hs := map[string]any{"alg": "HS256", "typ": "JWT"}
	header := func(extra map[string]any) map[string]any {
		h := map[string]any{"typ": "JWT"}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}

	type forgery struct {
		name   string
		bearer string
		ok     bool
	}
	cases := []forgery{
		// Controls: the hand-built token is one the server takes, so each
		// refusal below is for the reason named.
		{"control: built by hand, HS256 with the key", rawToken(t, hs, claims, hmacWith(testkit.JWTKey)), true},
		{"control: built by the library", sign(t, jwt.SigningMethodHS256, testkit.JWTKey, claims), true},

		{"HS256 with the PEM public key as the secret", sign(t, jwt.SigningMethodHS256, pubPEM, admin), false},
		{"HS256 with the DER public key as the secret", sign(t, jwt.SigningMethodHS256, der, admin), false},
		{"HS256 with the public key, which rides in a jwk header",
			rawToken(t, header(map[string]any{"alg": "HS256", "jwk": jwk}), admin, hmacWith(pubPEM)), false},
		{"HS256 with an attacker's key named by jku and x5u",
			rawToken(t, header(map[string]any{"alg": "HS256", "jku": "https://evil.example/jwks.json", "x5u": "https://evil.example/cert.pem"}),
				admin, hmacWith([]byte("attacker-key-0123456789abcdef-0123456789"))), false},
		{"kid pointing at an empty file, empty key", rawToken(t, header(map[string]any{"alg": "HS256", "kid": "../../../../../../dev/null"}), admin, hmacWith(nil)), false},
		{"RS256 over the real key's HMAC", rawToken(t, header(map[string]any{"alg": "RS256"}), claims, hmacWith(testkit.JWTKey)), false},
		{"ES256 over the real key's HMAC", rawToken(t, header(map[string]any{"alg": "ES256"}), claims, hmacWith(testkit.JWTKey)), false},
		{"hs256 in lower case over the real key's HMAC", rawToken(t, header(map[string]any{"alg": "hs256"}), claims, hmacWith(testkit.JWTKey)), false},
		{"HS256 with a trailing space over the real key's HMAC", rawToken(t, header(map[string]any{"alg": "HS256 "}), claims, hmacWith(testkit.JWTKey)), false},
		{"alg missing over the real key's HMAC", rawToken(t, header(nil), claims, hmacWith(testkit.JWTKey)), false},
		{"alg as a list", rawToken(t, header(map[string]any{"alg": []string{"HS256"}}), claims, hmacWith(testkit.JWTKey)), false},
		{"ES256 signed with its own key", sign(t, jwt.SigningMethodES256, ecKey, admin), false},
		{"PS256 signed with its own key", sign(t, jwt.SigningMethodPS256, rsaKey, admin), false},
		{"EdDSA signed with its own key", sign(t, jwt.SigningMethodEdDSA, edKey, admin), false},
	}
	// "none" in every spelling of its case, with the role raised, unsigned
	// and with the real token's signature kept.
	realSig := strings.Split(e.Token("alex@acme.test"), ".")[2]
	for mask := range 16 {
		alg := []byte("none")
		for i := range alg {
			if mask&(1<<i) != 0 {
				alg[i] -= 'a' - 'A'
			}
		}
		cases = append(cases,
			forgery{"alg " + string(alg) + " with the role raised", unsigned(t, string(alg), admin), false},
			forgery{"alg " + string(alg) + " with a real signature", unsigned(t, string(alg), claims) + realSig, false})
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

// bytesPerRequest is what the server allocates, on average, to answer
// requests carrying the given header. The requests are built before
// counting and share the header's value, so only the server's work counts.
func bytesPerRequest(t testing.TB, e *testkit.Env, method, path string, h http.Header) (uint64, int) {
	t.Helper()
	const n = 20
	reqs := make([]*http.Request, n)
	recs := make([]*httptest.ResponseRecorder, n)
	for i := range reqs {
		reqs[i] = httptest.NewRequest(method, path, nil)
		for k, vs := range h {
			reqs[i].Header[k] = vs
		}
		recs[i] = httptest.NewRecorder()
	}
	e.Server.ServeHTTP(httptest.NewRecorder(), reqs[0].Clone(reqs[0].Context())) // warm the pools
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range reqs {
		e.Server.ServeHTTP(recs[i], reqs[i])
	}
	runtime.ReadMemStats(&after)
	for _, r := range recs {
		if r.Code != recs[0].Code {
			t.Fatalf("answers differ: %d and %d", recs[0].Code, r.Code)
		}
	}
	res := &testkit.Response{Status: recs[0].Code, Header: recs[0].Header(), Body: recs[0].Body.Bytes()}
	testkit.ValidateResponse(t, method, path, res)
	return (after.TotalAlloc - before.TotalAlloc) / n, recs[0].Code
}

// A megabyte of bearer token, or of refresh cookie, is refused with the
// same 401 as a short forgery, and costs the server no more memory than
// one: it is measured before it is parsed. (Bytes, not time: the bound
// holds on any machine and under the race detector.)
func TestHugeCredentialsAreCheap(t *testing.T) {
	e := testkit.New(t)
	real := e.Token("alex@acme.test")
	mb := strings.Repeat("A", 1<<20)
	dots := strings.Repeat("A", 1<<19) + "." + strings.Repeat("B", 1<<19) + "." + strings.Repeat("C", 1<<10)
	const slack = 16 << 10 // what a short forgery costs may vary by this much
	const ceiling = 64 << 10

	cases := []struct {
		name, path string
		small, big http.Header
	}{
		{"bearer", "/api/v1/me",
			http.Header{"Authorization": {"Bearer not-a-token"}}, http.Header{"Authorization": {"Bearer " + mb}}},
		{"bearer after a real token", "/api/v1/me",
			http.Header{"Authorization": {"Bearer " + real + "x"}}, http.Header{"Authorization": {"Bearer " + real + mb}}},
		{"bearer of three huge parts", "/api/v1/me",
			http.Header{"Authorization": {"Bearer a.b.c"}}, http.Header{"Authorization": {"Bearer " + dots}}},
		{"refresh cookie", "/api/v1/auth/refresh",
			http.Header{"Cookie": {"calibrate_refresh=not-a-token"}}, http.Header{"Cookie": {"calibrate_refresh=" + mb}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := http.MethodGet
			if strings.HasSuffix(c.path, "/refresh") {
				method = http.MethodPost
			}
			small, smallStatus := bytesPerRequest(t, e, method, c.path, c.small)
			big, bigStatus := bytesPerRequest(t, e, method, c.path, c.big)
			if smallStatus != http.StatusUnauthorized || bigStatus != http.StatusUnauthorized {
				t.Fatalf("statuses %d and %d, want 401", smallStatus, bigStatus)
			}
			t.Logf("a short forgery costs %d bytes, a megabyte one %d", small, big)
			if big > small+slack || big > ceiling {
				t.Fatalf("a megabyte credential costs %d bytes to refuse, a short one %d: the server reads what it should refuse", big, small)
			}
		})
	}
	t.Run("the same answer through the router", func(t *testing.T) {
		wantError(t, e.Get(mb, "/api/v1/me"), http.StatusUnauthorized, "unauthenticated")
		allocs := testing.AllocsPerRun(10, func() {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
			r.Header["Authorization"] = []string{"Bearer " + mb}
			e.Server.ServeHTTP(httptest.NewRecorder(), r)
		})
		// The request and recorder themselves take a few dozen; the answer
		// a few dozen more. Proportional work would take thousands.
		if allocs > 200 {
			t.Fatalf("%v allocations to refuse a megabyte bearer", allocs)
		}
	})
}
