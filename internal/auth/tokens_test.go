package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"calibrate/internal/domain"
)

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }

var testKey = []byte("unit-test-key-0123456789abcdef-0123456789")

func testUser() domain.User {
	return domain.User{ID: "u1", OrgID: "o1", Role: domain.RoleDirector}
}

func TestIssueAndParse(t *testing.T) {
	clock := &fixedClock{time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	tk := NewTokens(testKey, clock)
	raw, err := tk.Issue(testUser(), "s1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := tk.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "u1" || c.Org != "o1" || c.Role != "director" || c.SID != "s1" || c.Issuer != Issuer ||
		len(c.Audience) != 1 || c.Audience[0] != Audience {
		t.Fatalf("claims: %+v", c)
	}
	if !c.IssuedAt.Equal(clock.t) || !c.ExpiresAt.Equal(clock.t.Add(AccessTTL)) || AccessTTL != 10*time.Minute {
		t.Fatalf("iat %v exp %v", c.IssuedAt, c.ExpiresAt)
	}
	if h := strings.Split(raw, ".")[0]; h != "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" {
		t.Fatalf("header %s, want HS256 JWT", h)
	}
}

// Parse refuses whatever is not a token Issue could have made now.
func TestParseRefuses(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := &fixedClock{now}
	tk := NewTokens(testKey, clock)
	claims := func(change func(c *Claims)) string {
		c := Claims{RegisteredClaims: jwt.RegisteredClaims{Issuer: Issuer, Audience: jwt.ClaimStrings{Audience},
			Subject: "u1", IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(AccessTTL))},
			Org: "o1", Role: "em", SID: "s1"}
		change(&c)
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(testKey)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := tk.Parse(claims(func(*Claims) {})); err != nil {
		t.Fatalf("control token refused: %v", err)
	}
	cases := map[string]string{
		"empty":            "",
		"over 4 KiB":       strings.Repeat("a", maxTokenBytes+1),
		"no iat":           claims(func(c *Claims) { c.IssuedAt = nil }),
		"no exp":           claims(func(c *Claims) { c.ExpiresAt = nil }),
		"no sub":           claims(func(c *Claims) { c.Subject = "" }),
		"no org":           claims(func(c *Claims) { c.Org = "" }),
		"no sid":           claims(func(c *Claims) { c.SID = "" }),
		"unknown role":     claims(func(c *Claims) { c.Role = "superuser" }),
		"no role":          claims(func(c *Claims) { c.Role = "" }),
		"wrong issuer":     claims(func(c *Claims) { c.Issuer = "other" }),
		"no issuer":        claims(func(c *Claims) { c.Issuer = "" }),
		"wrong audience":   claims(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other"} }),
		"no audience":      claims(func(c *Claims) { c.Audience = nil }),
		"expired":          claims(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(now) }),
		"issued later":     claims(func(c *Claims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Second)) }),
		"not yet valid":    claims(func(c *Claims) { c.NotBefore = jwt.NewNumericDate(now.Add(time.Second)) }),
		"alg none":         mustNone(t),
		"another HMAC key": signWith(t, jwt.SigningMethodHS256, []byte("other-key-0123456789abcdef-0123456789")),
		"HS512, our key":   signWith(t, jwt.SigningMethodHS512, testKey),
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			if c, err := tk.Parse(raw); err == nil {
				t.Fatalf("accepted: %+v", c)
			} else if !errors.Is(err, errBadToken) {
				t.Fatalf("the error tells which check failed: %v", err)
			}
		})
	}
	t.Run("the clock decides", func(t *testing.T) {
		raw, _ := tk.Issue(testUser(), "s1")
		clock.t = now.Add(AccessTTL - time.Second)
		if _, err := tk.Parse(raw); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		clock.t = now.Add(AccessTTL)
		if _, err := tk.Parse(raw); err == nil {
			t.Fatal("accepted at expiry")
		}
	})
}

func validClaims() jwt.MapClaims {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Unix()
	return jwt.MapClaims{"iss": Issuer, "aud": Audience, "sub": "u1", "iat": now, "exp": now + 600,
		"org": "o1", "role": "em", "sid": "s1"}
}

func mustNone(t *testing.T) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, validClaims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func signWith(t *testing.T, m jwt.SigningMethod, key []byte) string {
	s, err := jwt.NewWithClaims(m, validClaims()).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRefreshTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, hash := newRefreshToken()
		if len(tok) != 43 || len(hash) != 64 || hash != hashToken(tok) || tok == hash {
			t.Fatalf("token %q hash %q", tok, hash)
		}
		if seen[tok] {
			t.Fatal("a refresh token repeated")
		}
		seen[tok] = true
	}
}
