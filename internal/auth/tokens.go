package auth

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"calibrate/internal/domain"
)

const (
	Issuer   = "calibrate"
	Audience = "calibrate-api"
	// AccessTTL is how long an access token lives.
	AccessTTL = 10 * time.Minute
	// maxTokenBytes bounds what we hand to the parser: a real token is a few
	// hundred bytes, so a megabyte of "bearer" is refused before any work.
	maxTokenBytes = 4096
)

// Claims are the access token's claims: the registered ones plus the
// organisation, role and session the request checks.
type Claims struct {
	jwt.RegisteredClaims
	Org  string `json:"org"`
	Role string `json:"role"`
	SID  string `json:"sid"`
}

// Tokens issues and parses access tokens with one HMAC key.
type Tokens struct {
	key    []byte
	clock  domain.Clock
	parser *jwt.Parser
}

func NewTokens(key []byte, clock domain.Clock) *Tokens {
	return &Tokens{key: key, clock: clock, parser: jwt.NewParser(
		// Pinning the method refuses "none" and every other algorithm,
		// including RS/ES keys confused with our HMAC secret.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(clock.Now),
	)}
}

// Issue signs an access token for u in session sid.
func (t *Tokens) Issue(u domain.User, sid string) (string, error) {
	now := t.clock.Now()
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Audience:  jwt.ClaimStrings{Audience},
			Subject:   u.ID,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTTL)),
		},
		Org: u.OrgID, Role: string(u.Role), SID: sid,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.key)
}

var errBadToken = errors.New("invalid access token")

// Parse verifies raw and returns its claims. Every failure is the same
// error: the caller learns nothing about which check failed.
func (t *Tokens) Parse(raw string) (*Claims, error) {
	if raw == "" || len(raw) > maxTokenBytes {
		return nil, errBadToken
	}
	var c Claims
	tok, err := t.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.key, nil })
	if err != nil || !tok.Valid {
		return nil, errBadToken
	}
	// The parser checks iat when present; we require it, and the rest.
	if c.IssuedAt == nil || c.Subject == "" || c.Org == "" || c.SID == "" || !domain.Role(c.Role).Valid() {
		return nil, errBadToken
	}
	return &c, nil
}
