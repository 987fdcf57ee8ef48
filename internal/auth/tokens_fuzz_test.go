package auth

// Fuzzing the one token parser. `go test` runs the seed
// corpora; `make fuzz` explores further. The oracle is written with the
// standard library only, not with the JWT package under test: a token Parse
// accepts must be HS256, signed with our key, and carry every required
// claim, valid at the clock's time.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"calibrate/internal/domain"
)

var fuzzNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fuzzHeader and fuzzPayload are what Issue signs, as JSON, at fuzzNow.
const fuzzHeader = `{"alg":"HS256","typ":"JWT"}`

var fuzzPayload = fmt.Sprintf(`{"iss":"calibrate","sub":"u1","aud":["calibrate-api"],"exp":%d,"nbf":%[2]d,"iat":%[2]d,"org":"o1","role":"director","sid":"s1"}`,
	fuzzNow.Add(AccessTTL).Unix(), fuzzNow.Unix())

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// hs256 signs header.payload (already encoded) with key.
func hs256(key []byte, signingInput string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signingInput))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkAccepted fails t unless raw, which Parse accepted as c, is a token
// we would have issued: our key, HS256, every required claim, valid now.
func checkAccepted(t *testing.T, raw string, c *Claims) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("accepted a token of %d parts: %q", len(parts), raw)
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "="))
	m := hmac.New(sha256.New, testKey)
	m.Write([]byte(parts[0] + "." + parts[1]))
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		t.Fatalf("accepted a token not signed with our key by HMAC-SHA256: %q", raw)
	}
	decode := func(seg string, v any) {
		t.Helper()
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
		if err != nil {
			t.Fatalf("accepted a token with an undecodable segment %q: %v", seg, err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("accepted a token whose segment %s is not JSON of the right shape: %v", b, err)
		}
	}
	var header map[string]any
	decode(parts[0], &header)
	if header["alg"] != "HS256" {
		t.Fatalf("accepted alg %v: %q", header["alg"], raw)
	}
	// The claims as the JSON package reads them into the same field names
	// (it matches keys as Parse's decoding does). Dates are numbers, or
	// strings that hold one (the JWT package reads them as json.Number).
	var claims struct {
		Iss  string          `json:"iss"`
		Sub  string          `json:"sub"`
		Aud  json.RawMessage `json:"aud"`
		Exp  *json.Number    `json:"exp"`
		Iat  *json.Number    `json:"iat"`
		Nbf  *json.Number    `json:"nbf"`
		Org  string          `json:"org"`
		Role string          `json:"role"`
		SID  string          `json:"sid"`
	}
	decode(parts[1], &claims)
	now := float64(fuzzNow.Unix())
	var aud []string
	if json.Unmarshal(claims.Aud, &aud) != nil {
		var one string
		if json.Unmarshal(claims.Aud, &one) == nil {
			aud = []string{one}
		}
	}
	switch {
	case claims.Iss != Issuer:
		t.Fatalf("accepted issuer %q", claims.Iss)
	case !contains(aud, Audience):
		t.Fatalf("accepted audience %s", claims.Aud)
	case claims.Exp == nil || seconds(t, *claims.Exp) <= now:
		t.Fatalf("accepted a token without a future exp: %v", claims.Exp)
	case claims.Iat == nil || seconds(t, *claims.Iat) > now:
		t.Fatalf("accepted a token without a past iat: %v", claims.Iat)
	case claims.Nbf != nil && seconds(t, *claims.Nbf) > now:
		t.Fatalf("accepted a token not valid yet: nbf %v", *claims.Nbf)
	case claims.Sub == "" || claims.Org == "" || claims.SID == "":
		t.Fatalf("accepted a token without sub, org or sid: %+v", claims)
	case !domain.Role(claims.Role).Valid():
		t.Fatalf("accepted role %q", claims.Role)
	}
	if c.Subject != claims.Sub || c.Org != claims.Org || c.SID != claims.SID || c.Role != claims.Role {
		t.Fatalf("Parse returned %+v for claims %+v", c, claims)
	}
}

// seconds is a NumericDate in whole seconds, as the JWT package keeps it.
func seconds(t *testing.T, n json.Number) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		t.Fatalf("accepted a date that is no number: %q", n)
	}
	return math.Floor(f)
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// FuzzTokenParse hands Parse arbitrary strings: it never panics, and it
// accepts nothing our key did not sign (random input never is).
func FuzzTokenParse(f *testing.F) {
	tk := NewTokens(testKey, &fixedClock{fuzzNow})
	good, err := tk.Issue(domain.User{ID: "u1", OrgID: "o1", Role: domain.RoleDirector}, "s1")
	if err != nil {
		f.Fatal(err)
	}
	p := strings.Split(good, ".")
	for _, seed := range []string{
		good,
		"",
		".",
		"..",
		"a.b.c",
		p[0] + "." + p[1] + ".",
		p[0] + "." + p[1],
		p[0] + "." + p[1] + "." + p[2] + ".",
		p[0] + "." + p[1] + "." + p[2] + "=",
		p[0] + "==." + p[1] + "." + p[2],
		p[0] + "." + p[1] + "." + strings.ToUpper(p[2]),
		b64(`{"alg":"none","typ":"JWT"}`) + "." + p[1] + ".",
		b64(`{"alg":"HS512"}`) + "." + p[1] + "." + p[2],
		b64(`{"alg":"RS256"}`) + "." + p[1] + "." + p[2],
		b64(`{"alg":"HS256","crit":["x"]}`) + "." + p[1] + "." + p[2],
		b64(`{"alg":"HS256"}`) + "." + b64(`{"exp":1e309}`) + "." + p[2],
		b64(`{"alg":"HS256"}`) + "." + b64(`{"aud":[[[[[[[[[[]]]]]]]]]]}`) + "." + p[2],
		b64(`[]`) + "." + b64(`null`) + "." + p[2],
		strings.Repeat("a.", 100),
		strings.Repeat("=", 4096),
		"Bearer " + good,
		good + " ",
		"\x00" + good,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := tk.Parse(raw)
		if err != nil {
			if !errors.Is(err, errBadToken) || c != nil {
				t.Fatalf("a refusal must be errBadToken and no claims: %v, %+v", err, c)
			}
			return
		}
		checkAccepted(t, raw, c)
	})
}

// FuzzTokenClaims fuzzes what is inside a correctly formed token: any
// header and payload, signed with our key or, by the selector, with another
// key, another algorithm or none. Parse must accept only what Issue could
// have made now.
func FuzzTokenClaims(f *testing.F) {
	tk := NewTokens(testKey, &fixedClock{fuzzNow})
	now := fuzzNow.Unix()
	claims := func(change func(m map[string]any)) string {
		m := map[string]any{}
		_ = json.Unmarshal([]byte(fuzzPayload), &m)
		change(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	type seed struct {
		header, payload string
		signer          byte
	}
	seeds := []seed{
		{fuzzHeader, fuzzPayload, 0},
		{fuzzHeader, fuzzPayload, 1},
		{fuzzHeader, fuzzPayload, 2},
		{fuzzHeader, fuzzPayload, 3},
		{`{"alg":"none"}`, fuzzPayload, 2},
		{`{"alg":"HS512"}`, fuzzPayload, 3},
		{`{"alg":"HS256","alg":"none"}`, fuzzPayload, 0},
		{`{"alg":"none","alg":"HS256"}`, fuzzPayload, 0},
		{`{"ALG":"HS256"}`, fuzzPayload, 0},
		{`{"alg":"hs256"}`, fuzzPayload, 0},
		{`{"alg":"HS256","kid":"../../etc/passwd"}`, fuzzPayload, 0},
		{fuzzHeader, strings.ToUpper(fuzzPayload), 0},
		{fuzzHeader, strings.Replace(fuzzPayload, `"iss"`, `"ISS"`, 1), 0},
		{fuzzHeader, claims(func(m map[string]any) { delete(m, "iat") }), 0},
		{fuzzHeader, claims(func(m map[string]any) { delete(m, "exp") }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["exp"] = now }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["exp"] = float64(now) + 0.5 }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["exp"] = 1e300 }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["exp"] = -1e300 }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["exp"] = "1772367000" }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["iat"] = now + 1 }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["iat"] = float64(now) + 0.999 }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["nbf"] = now + 1 }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["aud"] = "calibrate-api" }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["aud"] = []string{"other", "calibrate-api"} }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["aud"] = []string{"Calibrate-API"} }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["aud"] = []any{} }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["iss"] = "calibrate " }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["role"] = "Admin" }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["role"] = "admin" }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["sid"] = "" }), 0},
		{fuzzHeader, claims(func(m map[string]any) { m["sub"] = 42 }), 0},
		{fuzzHeader, `null`, 0},
		{fuzzHeader, `[]`, 0},
		{fuzzHeader, ``, 0},
		{``, fuzzPayload, 0},
	}
	for _, s := range seeds {
		f.Add([]byte(s.header), []byte(s.payload), s.signer)
	}
	other := []byte("another-key-0123456789abcdef-0123456789")
	f.Fuzz(func(t *testing.T, header, payload []byte, signer byte) {
		input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
		var raw string
		switch signer % 4 {
		case 0: // our key, HMAC-SHA256: whether it passes is the claims' business
			raw = input + "." + hs256(testKey, input)
		case 1: // another key
			raw = input + "." + hs256(other, input)
		case 2: // no signature
			raw = input + "."
		case 3: // HMAC-SHA512 with our key
			sig, err := jwt.SigningMethodHS512.Sign(input, testKey)
			if err != nil {
				t.Fatal(err)
			}
			raw = input + "." + base64.RawURLEncoding.EncodeToString(sig)
		}
		c, err := tk.Parse(raw)
		if err != nil {
			return
		}
		if signer%4 != 0 {
			t.Fatalf("accepted a token signed by method %d: header %s payload %s", signer%4, header, payload)
		}
		checkAccepted(t, raw, c)
	})
}
