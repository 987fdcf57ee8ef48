package calibration

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"calibrate/internal/domain"
)

// An identity provider (Okta, Entra ID) keeps an organisation's people and
// reporting lines over SCIM 2.0. It presents a bearer token made for one
// organisation; the token, not a user, is the actor of what it changes,
// and every such change goes through the same rules as an admin's (Users):
// validation, reporting-line loops, session revocation, cycle notices.

// ProvisioningStore is what SCIM provisioning needs of the database.
type ProvisioningStore interface {
	Tx(ctx context.Context, fn func(ctx context.Context) error) error
	Audit(ctx context.Context, e domain.AuditEntry) error
	Org(ctx context.Context, id string) (domain.Organization, error)
	User(ctx context.Context, orgID, id string) (domain.User, error)
	UserByEmail(ctx context.Context, email string) (domain.User, error)
	CreateScimToken(ctx context.Context, t *domain.ScimToken, hash string) error
	ScimTokenByHash(ctx context.Context, hash string) (domain.ScimToken, error)
	ScimTokens(ctx context.Context, orgID string) ([]domain.ScimToken, error)
	ScimToken(ctx context.Context, orgID, id string) (domain.ScimToken, error)
	RevokeScimToken(ctx context.Context, orgID, id string) error
	TouchScimToken(ctx context.Context, orgID, id string, now time.Time) error
	ScimUsers(ctx context.Context, orgID string, offset, limit int) ([]domain.User, int, error)
}

type Provisioning struct {
	store ProvisioningStore
	users *Users
	clock domain.Clock
}

func NewProvisioning(store ProvisioningStore, users *Users, clock domain.Clock) *Provisioning {
	return &Provisioning{store: store, users: users, clock: clock}
}

// scimTokenPrefix starts every SCIM token, so that a leaked one is easy to
// recognise (and to search for in a repository).
const scimTokenPrefix = "calscim_"

// DefaultScimTokenName names a token made without a name.
const DefaultScimTokenName = "SCIM"

// HashScimToken is what is stored of a token: its SHA-256, hex.
func HashScimToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a SCIM token for orgID and returns it with its secret,
// which is shown this once and never kept. createdBy is the admin who made
// it (nil from the command line).
func (s *Provisioning) CreateToken(ctx context.Context, orgID string, createdBy *string, name string) (domain.ScimToken, string, error) {
	f := domain.Fields{}
	name = checkName(f, "name", name)
	if err := f.Err(); err != nil {
		return domain.ScimToken{}, "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return domain.ScimToken{}, "", err
	}
	secret := scimTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t := domain.ScimToken{OrgID: orgID, Name: name, CreatedBy: createdBy}
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		if _, err := s.store.Org(ctx, orgID); err != nil {
			return err
		}
		if err := s.store.CreateScimToken(ctx, &t, HashScimToken(secret)); err != nil {
			return err
		}
		return s.store.Audit(ctx, domain.AuditEntry{OrgID: orgID, ActorID: createdBy, Action: "scim_token.create",
			ObjectType: "scim_token", ObjectID: t.ID, After: map[string]any{"name": t.Name}})
	})
	if err != nil {
		return domain.ScimToken{}, "", err
	}
	return t, secret, nil
}

// Tokens lists the admin's organisation's SCIM tokens, revoked ones too.
func (s *Provisioning) Tokens(ctx context.Context, p domain.Principal) ([]domain.ScimToken, error) {
	return s.store.ScimTokens(ctx, p.OrgID)
}

// RevokeToken ends a token of the admin's organisation at once: its next
// request is refused. Revoking a revoked token changes nothing.
func (s *Provisioning) RevokeToken(ctx context.Context, p domain.Principal, id string) error {
	return s.store.Tx(ctx, func(ctx context.Context) error {
		t, err := s.store.ScimToken(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return nil
		}
		if err := s.store.RevokeScimToken(ctx, p.OrgID, id); err != nil {
			return err
		}
		actor := p.UserID
		return s.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: "scim_token.revoke",
			ObjectType: "scim_token", ObjectID: id, Before: map[string]any{"name": t.Name, "revoked": false},
			After: map[string]any{"name": t.Name, "revoked": true}})
	})
}

// Authenticate returns the live token whose secret is presented; an
// unknown or revoked one is refused (unauthenticated).
func (s *Provisioning) Authenticate(ctx context.Context, secret string) (domain.ScimToken, error) {
	refused := domain.Unauthorized(domain.CodeUnauthenticated, "the SCIM token is unknown or revoked")
	if secret == "" {
		return domain.ScimToken{}, refused
	}
	t, err := s.store.ScimTokenByHash(ctx, HashScimToken(secret))
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && t.RevokedAt != nil) {
		return domain.ScimToken{}, refused
	}
	if err != nil {
		return domain.ScimToken{}, err
	}
	if err := s.store.TouchScimToken(ctx, t.OrgID, t.ID, s.clock.Now()); err != nil {
		return domain.ScimToken{}, err
	}
	return t, nil
}

func scimActor(t domain.ScimToken) actor {
	return actor{orgID: t.OrgID, via: &domain.Via{Kind: domain.ViaSCIM, TokenID: t.ID, TokenName: t.Name}}
}

// CreateUser adds a person for the identity provider. Without a password
// (SCIM's password attribute) the account gets a random one nobody knows:
// the person signs in however the organisation's sign-in is set up, never
// with a password the provider did not give.
func (s *Provisioning) CreateUser(ctx context.Context, t domain.ScimToken, in NewUser) (domain.User, error) {
	if in.Password == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return domain.User{}, err
		}
		in.Password = base64.RawURLEncoding.EncodeToString(b)
	}
	return s.users.create(ctx, scimActor(t), in)
}

// UpdateUser changes a person for the identity provider with the rules of
// an admin's change: a role change or deactivation ends their sessions at
// once, and a change touching an unfinished cycle shows on its board.
// Deactivating a manager leaves their reports reporting to them.
func (s *Provisioning) UpdateUser(ctx context.Context, t domain.ScimToken, id string, patch UserPatch) (domain.User, error) {
	return s.users.update(ctx, scimActor(t), id, patch)
}

// User returns a person of the token's organisation.
func (s *Provisioning) User(ctx context.Context, t domain.ScimToken, id string) (domain.User, error) {
	return s.store.User(ctx, t.OrgID, id)
}

// UserByEmail returns the person of the token's organisation with this
// e-mail (not found when it belongs to no one there).
func (s *Provisioning) UserByEmail(ctx context.Context, t domain.ScimToken, email string) (domain.User, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return u, err
	}
	if u.OrgID != t.OrgID {
		return domain.User{}, domain.NotFound("user")
	}
	return u, nil
}

// Users pages the people of the token's organisation by index.
func (s *Provisioning) Users(ctx context.Context, t domain.ScimToken, offset, limit int) ([]domain.User, int, error) {
	return s.store.ScimUsers(ctx, t.OrgID, offset, limit)
}

// Managers returns the users of the token's organisation among ids.
func (s *Provisioning) Managers(ctx context.Context, t domain.ScimToken, ids []string) (map[string]domain.User, error) {
	return s.users.store.UsersByID(ctx, t.OrgID, ids)
}
