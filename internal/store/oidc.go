package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/domain"
)

// oidcLoginRow is a single sign-on attempt under way. The table is
// pre-organisation: an attempt starts before anyone is known, so it has no
// org_id and its queries filter by the state's hash alone (the named
// exception "oidc login" of the tenant-isolation rule).
type oidcLoginRow struct {
	StateHash   string `gorm:"primaryKey"`
	BrowserHash string
	Nonce       string
	Verifier    string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

func (oidcLoginRow) TableName() string { return "oidc_logins" }

// SaveOIDCLogin records an attempt and, in the same step, forgets the
// attempts past their time, so abandoned sign-ins do not pile up.
func (s *Store) SaveOIDCLogin(ctx context.Context, l domain.OIDCLogin) error {
	return s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		// oidc login: pre-organisation, see oidcLoginRow.
		if err := db.Where("expires_at <= ?", s.clock.Now()).Delete(&oidcLoginRow{}).Error; err != nil {
			return err
		}
		return translate(db.Create(&oidcLoginRow{StateHash: l.StateHash, BrowserHash: l.BrowserHash, Nonce: l.Nonce,
			Verifier: l.Verifier, CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt}).Error)
	})
}

// TakeOIDCLogin returns the attempt of a state's hash and deletes it: of
// callbacks carrying one state, on any replicas, exactly one gets it. An
// attempt past its time, one already taken and one never made are all
// not_found.
func (s *Store) TakeOIDCLogin(ctx context.Context, stateHash string) (domain.OIDCLogin, error) {
	var out domain.OIDCLogin
	err := s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		var r oidcLoginRow
		// oidc login: pre-organisation, see oidcLoginRow.
		if err := db.Where("state_hash = ?", stateHash).Take(&r).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return domain.NotFound("sign-in attempt")
			}
			return err
		}
		res := db.Where("state_hash = ?", stateHash).Delete(&oidcLoginRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 || !s.clock.Now().Before(r.ExpiresAt) {
			return domain.NotFound("sign-in attempt")
		}
		out = domain.OIDCLogin{StateHash: r.StateHash, BrowserHash: r.BrowserHash, Nonce: r.Nonce, Verifier: r.Verifier,
			CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
		return nil
	})
	return out, err
}

// SetPasswordLogin turns password sign-in on or off for organisation orgID
// and audits the change (as actor) when it is one.
func (s *Store) SetPasswordLogin(ctx context.Context, orgID, actor string, on bool) (domain.Organization, error) {
	var org domain.Organization
	err := s.Tx(ctx, func(ctx context.Context) error {
		before, err := s.Org(ctx, orgID)
		if err != nil {
			return err
		}
		org = before
		if before.PasswordLogin == on {
			return nil
		}
		if err := s.conn(ctx).Model(&orgRow{}).Where("id = ?", orgID).Update("password_login", on).Error; err != nil {
			return err
		}
		org.PasswordLogin = on
		return s.Audit(ctx, domain.AuditEntry{OrgID: orgID, ActorID: &actor, Action: "org.settings",
			ObjectType: "organization", ObjectID: orgID,
			Before: map[string]any{"password_login": before.PasswordLogin}, After: map[string]any{"password_login": on}})
	})
	return org, err
}
