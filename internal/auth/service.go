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
	CreateSession(ctx context.Context, orgID, userID, tokenHash string, expires time.Time, attempt string) (string, error)
	RotateRefresh(ctx context.Context, oldHash, newHash string) (domain.Session, domain.RefreshOutcome, error)
	RevokeSession(ctx context.Context, orgID, id string) error
	RevokeUserSessions(ctx context.Context, orgID, userID, keep string) error
	ReserveLoginAttempt(ctx context.Context, email, ip string, since time.Time, perAccount, perClient int) (id string, oldest time.Time, err error)
	ReleaseLoginAttempt(ctx context.Context, id string) error
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
	attempt, err := s.reserve(ctx, email, clientIP)
	if err != nil {
		return Grant{}, err
	}
	u, lookupErr := s.store.UserByEmail(ctx, email)
	if lookupErr != nil && !domain.IsKind(lookupErr, domain.KindNotFound) {
		return Grant{}, lookupErr
	}
	ok, err := s.verify(ctx, attempt, password, u.PasswordHash) // "" for unknown: dummy work
	if err != nil {
		return Grant{}, err
	}
	if !ok || !u.Active || lookupErr != nil {
		return Grant{}, errInvalidCredentials // the reservation stays: a failure
	}
	// Only a caller who knows the password learns that password sign-in
	// is off, so the answer tells nobody else that the account exists.
	// The organisation's admins keep their password: the way back in when
	// the provider fails.
	org, err := s.store.Org(ctx, u.OrgID)
	if err != nil {
		return Grant{}, err
	}
	if !org.PasswordLogin && u.Role != domain.RoleAdmin {
		// The password was right: not a guess to count against the account.
		if err := s.store.ReleaseLoginAttempt(ctx, attempt); err != nil {
			return Grant{}, err
		}
		return Grant{}, errPasswordLoginDisabled
	}
	return s.startSession(ctx, u, now, attempt)
}

var errPasswordLoginDisabled = domain.Forbidden(domain.CodePasswordLoginDisabled,
	"your organisation signs in with single sign-on, use the sign-in provider's button")

// StartSession signs u in without a password, after single sign-on: the
// same session, cap and tokens as a password login.
func (s *Service) StartSession(ctx context.Context, u domain.User) (Grant, error) {
	return s.startSession(ctx, u, s.clock.Now(), "")
}

func (s *Service) startSession(ctx context.Context, u domain.User, now time.Time, attempt string) (Grant, error) {
	refresh, hash := newRefreshToken()
	sid, err := s.store.CreateSession(ctx, u.OrgID, u.ID, hash, now.Add(SessionTTL), attempt)
	if err != nil {
		return Grant{}, err
	}
	return s.grant(ctx, u, sid, refresh)
}

// reserve counts this attempt against the account's and the client
// address's limits before any password is hashed, in one step with the
// check: however many attempts arrive at once, at most MaxAccountFailures
// of one account (MaxClientFailures of one address) are checked per window.
// Over a limit it answers 429 at once, at no hashing cost.
func (s *Service) reserve(ctx context.Context, email, clientIP string) (string, error) {
	now := s.clock.Now()
	id, oldest, err := s.store.ReserveLoginAttempt(ctx, email, clientIP, now.Add(-ThrottleWindow),
		MaxAccountFailures, MaxClientFailures)
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", domain.RateLimited(retryAfter(oldest, now))
	}
	return id, nil
}

// verify checks password against encoded for the reserved attempt. When
// the hasher refuses or gives up before hashing (its queue is full, or the
// request ended while waiting), nothing was checked, so the reservation is
// released: a busy server does not lock accounts.
func (s *Service) verify(ctx context.Context, attempt, password, encoded string) (bool, error) {
	ok, err := s.hasher.Verify(ctx, password, encoded)
	if err == nil || errors.Is(err, errBadHash) {
		return ok, nil
	}
	if rerr := s.store.ReleaseLoginAttempt(context.WithoutCancel(ctx), attempt); rerr != nil {
		s.log.Warn("releasing a login attempt that was not checked", "err", rerr)
	}
	return false, err
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
	return s.store.RevokeSession(ctx, p.OrgID, p.SessionID)
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
		_ = s.store.RevokeSession(ctx, sess.OrgID, sess.ID)
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
	return domain.Principal{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SessionID: sess.ID, ExpiresAt: c.ExpiresAt.Time}, nil
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
	attempt, err := s.reserve(ctx, u.Email, clientIP)
	if err != nil {
		return err
	}
	ok, err := s.verify(ctx, attempt, current, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Invalid("current_password", "is not right") // the reservation stays: a failure
	}
	if err := s.store.ReleaseLoginAttempt(ctx, attempt); err != nil {
		return err
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
		if err := s.store.RevokeUserSessions(ctx, u.OrgID, u.ID, p.SessionID); err != nil {
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
