package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"calibrate/internal/domain"
)

// OIDCLoginTTL is how long a single sign-on attempt may take, from the
// redirect to the provider to its callback.
const OIDCLoginTTL = 10 * time.Minute

// OIDCCallbackPath is where the provider sends the browser back, under the
// public URL.
const OIDCCallbackPath = "/api/v1/auth/oidc/callback"

// OIDCStore is what single sign-on needs of the database: the attempts
// under way, which belong to no organisation until the callback.
type OIDCStore interface {
	SaveOIDCLogin(ctx context.Context, l domain.OIDCLogin) error
	TakeOIDCLogin(ctx context.Context, stateHash string) (domain.OIDCLogin, error)
}

// OIDCSettings configure single sign-on with one OpenID Connect provider.
type OIDCSettings struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// PublicURL is the address people reach Calibrate at; the redirect URI
	// registered at the provider is PublicURL + OIDCCallbackPath.
	PublicURL string
	// Name is what the sign-in page calls the provider.
	Name string
	// HTTPClient talks to the provider (discovery, keys, the code
	// exchange); nil is a client with a 10 s timeout.
	HTTPClient *http.Client
}

// OIDC signs people in with an OpenID Connect provider: the authorization
// code flow with PKCE (S256), state and nonce. The provider's discovery
// document is read at the first sign-in (and again after a failure), so a
// provider that is down does not keep Calibrate from starting.
type OIDC struct {
	svc      *Service
	store    OIDCStore
	settings OIDCSettings
	client   *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

// NewOIDC returns single sign-on over svc's sessions.
func NewOIDC(svc *Service, store OIDCStore, s OIDCSettings) *OIDC {
	client := s.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &OIDC{svc: svc, store: store, settings: s, client: client}
}

// Name is the provider's name as the sign-in page shows it.
func (o *OIDC) Name() string { return o.settings.Name }

// Configured reports whether single sign-on is set up (a nil *OIDC is not).
func (o *OIDC) Configured() bool { return o != nil }

// SSOError is a refused single sign-on: the status and the sentence the
// person reads, and the reason the log keeps (never a token's contents).
type SSOError struct {
	Status  int
	Message string
	Reason  string
}

func (e *SSOError) Error() string { return e.Reason }

func refuse(status int, msg, reason string, args ...any) *SSOError {
	return &SSOError{Status: status, Message: msg, Reason: fmt.Sprintf(reason, args...)}
}

const (
	msgStartAgain = "This sign-in link has expired or was already used. Please start again from the sign-in page."
	msgProvider   = "The sign-in provider could not be reached or did not answer as expected. Please try again in a moment."
	msgNoAccount  = "There is no active Calibrate account for this e-mail address. Please ask your admin to add you."
)

func (o *OIDC) ctx(ctx context.Context) context.Context {
	ctx = oidc.ClientContext(ctx, o.client)
	return context.WithValue(ctx, oauth2.HTTPClient, o.client)
}

// discover returns the provider, reading its discovery document once.
func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	// The provider keeps this context for fetching its keys later, so it
	// must outlive the request that happens to discover it.
	p, err := oidc.NewProvider(o.ctx(context.WithoutCancel(ctx)), o.settings.Issuer)
	if err != nil {
		return nil, refuse(http.StatusBadGateway, msgProvider, "oidc discovery: %v", err)
	}
	o.provider = p
	return p, nil
}

func (o *OIDC) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     o.settings.ClientID,
		ClientSecret: o.settings.ClientSecret,
		Endpoint:     p.Endpoint(),
		RedirectURL:  strings.TrimRight(o.settings.PublicURL, "/") + OIDCCallbackPath,
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// Begin starts a sign-in: it records the attempt and returns the
// provider's authorization URL and the value of the cookie that binds the
// attempt to this browser.
func (o *OIDC) Begin(ctx context.Context) (authURL, browser string, err error) {
	p, err := o.discover(ctx)
	if err != nil {
		return "", "", err
	}
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	browser = random()
	now := o.svc.clock.Now()
	if err := o.store.SaveOIDCLogin(ctx, domain.OIDCLogin{StateHash: hashToken(state), BrowserHash: hashToken(browser),
		Nonce: nonce, Verifier: verifier, CreatedAt: now, ExpiresAt: now.Add(OIDCLoginTTL)}); err != nil {
		return "", "", err
	}
	return o.oauth(p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), browser, nil
}

// Callback is what the provider's redirect carries back.
type Callback struct {
	State, Code             string
	Error, ErrorDescription string
	// Browser is the value of the binding cookie the browser sent.
	Browser string
}

// Finish completes a sign-in: the state must be one this server handed
// out, unused, not expired and bound to this browser; the code is
// exchanged (with the PKCE verifier) for an ID token whose signature (by a
// key the provider publishes), issuer, audience, expiry and nonce are
// checked; the e-mail must be verified and belong to an active user. It
// then starts a session exactly as a password login does.
func (o *OIDC) Finish(ctx context.Context, cb Callback) (Grant, error) {
	if cb.State == "" || len(cb.State) > 512 {
		return Grant{}, refuse(http.StatusBadRequest, msgStartAgain, "oidc callback without a usable state")
	}
	// The state is spent whatever follows: a replay finds nothing.
	l, err := o.store.TakeOIDCLogin(ctx, hashToken(cb.State))
	if domain.IsKind(err, domain.KindNotFound) {
		return Grant{}, refuse(http.StatusBadRequest, msgStartAgain, "oidc callback with an unknown, used or expired state")
	}
	if err != nil {
		return Grant{}, err
	}
	if cb.Browser == "" || subtle.ConstantTimeCompare([]byte(hashToken(cb.Browser)), []byte(l.BrowserHash)) != 1 {
		return Grant{}, refuse(http.StatusBadRequest, msgStartAgain, "oidc callback from another browser than the one that started it")
	}
	if cb.Error != "" {
		return Grant{}, refuse(http.StatusForbidden, "The sign-in provider did not sign you in. Please start again from the sign-in page.",
			"oidc provider answered error %q", clip(cb.Error, 64))
	}
	if cb.Code == "" || len(cb.Code) > 4096 {
		return Grant{}, refuse(http.StatusBadRequest, msgStartAgain, "oidc callback without a code")
	}
	p, err := o.discover(ctx)
	if err != nil {
		return Grant{}, err
	}
	tok, err := o.oauth(p).Exchange(o.ctx(ctx), cb.Code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		return Grant{}, refuse(http.StatusBadGateway, msgProvider, "oidc code exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Grant{}, refuse(http.StatusBadGateway, msgProvider, "oidc token response without an id_token")
	}
	id, err := p.Verifier(&oidc.Config{ClientID: o.settings.ClientID}).Verify(o.ctx(ctx), raw)
	if err != nil {
		return Grant{}, refuse(http.StatusBadGateway, msgProvider, "oidc id token refused: %v", err)
	}
	if id.Nonce == "" || subtle.ConstantTimeCompare([]byte(id.Nonce), []byte(l.Nonce)) != 1 {
		return Grant{}, refuse(http.StatusBadGateway, msgProvider, "oidc id token without the nonce of this sign-in")
	}
	var claims struct {
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
	}
	if err := id.Claims(&claims); err != nil {
		return Grant{}, refuse(http.StatusBadGateway, msgProvider, "oidc id token claims: %v", err)
	}
	email := strings.ToLower(strings.TrimSpace(claims.Email))
	if email == "" || len(email) > 254 {
		return Grant{}, refuse(http.StatusForbidden, "The sign-in provider did not give an e-mail address. Please ask your admin.",
			"oidc id token without an e-mail (subject %s)", clip(id.Subject, 64))
	}
	if !verified(claims.EmailVerified) {
		return Grant{}, refuse(http.StatusForbidden,
			"Your e-mail address is not verified at the sign-in provider. Verify it there, or ask your admin.",
			"oidc e-mail not verified (subject %s)", clip(id.Subject, 64))
	}
	u, err := o.svc.store.UserByEmail(ctx, email)
	if domain.IsKind(err, domain.KindNotFound) {
		return Grant{}, refuse(http.StatusForbidden, msgNoAccount, "oidc sign-in of an e-mail with no account (subject %s)", clip(id.Subject, 64))
	}
	if err != nil {
		return Grant{}, err
	}
	if !u.Active {
		return Grant{}, refuse(http.StatusForbidden, msgNoAccount, "oidc sign-in of a disabled user %s", u.ID)
	}
	return o.svc.StartSession(ctx, u)
}

// verified reads email_verified, which some providers send as a string.
func verified(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	var s string
	return json.Unmarshal(raw, &s) == nil && strings.EqualFold(s, "true")
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// IsSSOError tells a refused single sign-on from a fault.
func IsSSOError(err error) (*SSOError, bool) {
	var e *SSOError
	ok := errors.As(err, &e)
	return e, ok
}
