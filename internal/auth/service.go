package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"time"

	"calibrate/internal/domain"
)

const (
	// SessionTTL bounds a sign-in: after it, the refresh token no longer
	// works and the user signs in again.
	SessionTTL = 30 * 24 * time.Hour
	// Throttling, stored in the database so it holds across replicas.
	ThrottleWindow     = 15 * time.Minute
	MaxAccountFailures = 5
	MaxClientFailures  = 50
	minPasswordLen     = 10
	maxPasswordLen     = 256
)

// Store is what the auth service needs of the database.
type Store interface {
	Tx(ctx context.Context, fn func(ctx context.Context) error) error
	Audit(ctx context.Context, e domain.AuditEntry) error
	UserByEmail(ctx context.Context, email string) (domain.User, error)
	Org(ctx context.Context, id string) (domain.Organization, error)
	SetPassword(ctx context.Context, orgID, id, hash string) error
	SessionUser(ctx context.Context, sessionID, userID string) (domain.User, domain.Session, error)
	CreateSession(ctx context.Context, userID, tokenHash string, expires time.Time) (string, error)
	RotateRefresh(ctx context.Context, oldHash, newHash string) (domain.Session, domain.RefreshOutcome, error)
	RevokeSession(ctx context.Context, id string) error
	RevokeUserSessions(ctx context.Context, userID, keep string) error
	RecordLoginFailure(ctx context.Context, email, ip string) error
	LoginFailures(ctx context.Context, email, ip string, since time.Time) (byEmail, byIP int, oldestEmail, oldestIP *time.Time, err error)
	User(ctx context.Context, orgID, id string) (domain.User, error)
}

// Service signs people in and out and checks every request's token.
type Service struct {
	store  Store
	hasher *Hasher
	tokens *Tokens
	clock  domain.Clock
	log    *slog.Logger
}

func NewService(store Store, hasher *Hasher, tokens *Tokens, clock domain.Clock, log *slog.Logger) *Service {
	return &Service{store: store, hasher: hasher, tokens: tokens, clock: clock, log: log}
}

// Grant is what a successful login or refresh hands out.
type Grant struct {
	AccessToken  string
	ExpiresIn    int
	RefreshToken string
	User         domain.User
	Org          domain.Organization
}

var errInvalidCredentials = domain.Unauthorized(domain.CodeInvalidCredentials, "the e-mail or password is not right")

// Login checks e-mail and password. An unknown e-mail, a wrong password and
// a disabled account give the same answer after the same work (one argon2
// verification each).
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (Grant, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.clock.Now()
	if err := s.throttled(ctx, email, clientIP); err != nil {
		return Grant{}, err
	}
	u, lookupErr := s.store.UserByEmail(ctx, email)
	if lookupErr != nil && !domain.IsKind(lookupErr, domain.KindNotFound) {
		return Grant{}, lookupErr
	}
	ok, err := s.hasher.Verify(ctx, password, u.PasswordHash) // "" for unknown: dummy work
	if err != nil && !errors.Is(err, errBadHash) {
		return Grant{}, err
	}
	if !ok || !u.Active || lookupErr != nil {
		if err := s.store.RecordLoginFailure(ctx, email, clientIP); err != nil {
			return Grant{}, err
		}
		return Grant{}, errInvalidCredentials
	}
	refresh, hash := newRefreshToken()
	sid, err := s.store.CreateSession(ctx, u.ID, hash, now.Add(SessionTTL))
	if err != nil {
		return Grant{}, err
	}
	return s.grant(ctx, u, sid, refresh)
}

// throttled answers 429 while the account or the client address has had
// too many failures in the window.
func (s *Service) throttled(ctx context.Context, email, clientIP string) error {
	now := s.clock.Now()
	byEmail, byIP, oldEmail, oldIP, err := s.store.LoginFailures(ctx, email, clientIP, now.Add(-ThrottleWindow))
	if err != nil {
		return err
	}
	if byEmail >= MaxAccountFailures {
		return domain.RateLimited(retryAfter(*oldEmail, now))
	}
	if byIP >= MaxClientFailures {
		return domain.RateLimited(retryAfter(*oldIP, now))
	}
	return nil
}

// retryAfter is the wait until the oldest failure leaves the window: at
// least a second, and never more than the window, even when the failure was
// recorded by a replica whose clock runs ahead.
func retryAfter(oldest, now time.Time) time.Duration {
	d := oldest.Add(ThrottleWindow).Sub(now)
	return min(max(d, time.Second), ThrottleWindow)
}

func (s *Service) grant(ctx context.Context, u domain.User, sid, refresh string) (Grant, error) {
	access, err := s.tokens.Issue(u, sid)
	if err != nil {
		return Grant{}, err
	}
	org, err := s.store.Org(ctx, u.OrgID)
	if err != nil {
		return Grant{}, err
	}
	return Grant{AccessToken: access, ExpiresIn: int(AccessTTL / time.Second), RefreshToken: refresh, User: u, Org: org}, nil
}

var errBadRefresh = domain.Unauthorized("invalid_refresh_token", "the session has ended; sign in again")

// Refresh spends a refresh token for a new access token and a new refresh
// token. A replayed token revokes its whole session.
func (s *Service) Refresh(ctx context.Context, token string) (Grant, error) {
	if token == "" || len(token) > 256 {
		return Grant{}, errBadRefresh
	}
	next, nextHash := newRefreshToken()
	sess, outcome, err := s.store.RotateRefresh(ctx, hashToken(token), nextHash)
	if err != nil {
		return Grant{}, err
	}
	switch outcome {
	case domain.RefreshRotated:
	case domain.RefreshReplayed:
		s.log.Warn("refresh token replayed; session revoked", "session", sess.ID, "user", sess.UserID)
		return Grant{}, errBadRefresh
	default:
		return Grant{}, errBadRefresh
	}
	u, _, err := s.store.SessionUser(ctx, sess.ID, sess.UserID)
	if err != nil {
		return Grant{}, err
	}
	if !u.Active {
		return Grant{}, errBadRefresh
	}
	return s.grant(ctx, u, sess.ID, next)
}

// Logout revokes the caller's session.
func (s *Service) Logout(ctx context.Context, p domain.Principal) error {
	return s.store.RevokeSession(ctx, p.SessionID)
}

// LogoutRefresh revokes the session of a refresh token, for a sign-out
// whose access token has already expired. Unknown tokens are ignored.
func (s *Service) LogoutRefresh(ctx context.Context, token string) {
	if token == "" || len(token) > 256 {
		return
	}
	// Spending the token and revoking: a rotation we then revoke at once.
	sess, outcome, err := s.store.RotateRefresh(ctx, hashToken(token), hashToken(token+".logout"))
	if err == nil && outcome == domain.RefreshRotated {
		_ = s.store.RevokeSession(ctx, sess.ID)
	}
}

var errUnauthenticated = domain.Unauthorized(domain.CodeUnauthenticated, "sign in to continue")

// Authenticate checks a bearer token and that its user and session are
// still live and the role unchanged; it returns the principal.
func (s *Service) Authenticate(ctx context.Context, bearer string) (domain.Principal, error) {
	c, err := s.tokens.Parse(bearer)
	if err != nil {
		return domain.Principal{}, errUnauthenticated
	}
	u, sess, err := s.store.SessionUser(ctx, c.SID, c.Subject)
	if err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			return domain.Principal{}, errUnauthenticated
		}
		return domain.Principal{}, err
	}
	if !u.Active || sess.RevokedAt != nil || !s.clock.Now().Before(sess.ExpiresAt) ||
		string(u.Role) != c.Role || u.OrgID != c.Org {
		return domain.Principal{}, errUnauthenticated
	}
	return domain.Principal{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SessionID: sess.ID}, nil
}

// ChangePassword sets a new password after checking the current one, and
// revokes every other session of the user.
//
// Wrong current passwords count as failed logins of the account: with a
// stolen access token, guessing the password here is throttled exactly like
// guessing it at the login.
func (s *Service) ChangePassword(ctx context.Context, p domain.Principal, current, next, clientIP string) error {
	if err := ValidatePassword("new_password", next); err != nil {
		return err
	}
	u, err := s.store.User(ctx, p.OrgID, p.UserID)
	if err != nil {
		return err
	}
	if err := s.throttled(ctx, u.Email, clientIP); err != nil {
		return err
	}
	ok, err := s.hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil && !errors.Is(err, errBadHash) {
		return err
	}
	if !ok {
		if err := s.store.RecordLoginFailure(ctx, u.Email, clientIP); err != nil {
			return err
		}
		return domain.Invalid("current_password", "is not right")
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	return s.store.Tx(ctx, func(ctx context.Context) error {
		// Only the hash: u was read before two argon2 runs, and writing it
		// back whole would undo a deactivation or role change made since.
		if err := s.store.SetPassword(ctx, u.OrgID, u.ID, hash); err != nil {
			return err
		}
		if err := s.store.RevokeUserSessions(ctx, u.ID, p.SessionID); err != nil {
			return err
		}
		actor := p.UserID
		return s.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: "user.password_change",
			ObjectType: "user", ObjectID: u.ID})
	})
}

// ValidatePassword is the password policy: long enough to resist guessing,
// short enough to hash cheaply.
func ValidatePassword(field, pw string) error {
	switch n := len(pw); {
	case n < minPasswordLen:
		return domain.Invalid(field, "must have at least 10 characters")
	case n > maxPasswordLen:
		return domain.Invalid(field, "must have at most 256 characters")
	}
	return nil
}

// newRefreshToken returns an opaque random token and the hash we store.
func newRefreshToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}
