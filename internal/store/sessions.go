package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/domain"
)

type sessionRow struct {
	ID        string
	OrgID     string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

func (sessionRow) TableName() string { return "sessions" }

type refreshRow struct {
	TokenHash string `gorm:"primaryKey"`
	OrgID     string
	SessionID string
	CreatedAt time.Time
	UsedAt    *time.Time
}

func (refreshRow) TableName() string { return "refresh_tokens" }

// MaxSessions is how many live sessions a user keeps: signing in once
// more revokes the oldest, so a flood of logins cannot grow the table
// without bound.
const MaxSessions = 20

// CreateSession starts a session with its first refresh token (hashed) and
// releases the login attempt reserved for it (attempt may be ""): one
// transaction, so a login that succeeded never counts against the
// throttle. Past MaxSessions live sessions, the oldest are revoked in the
// same transaction.
func (s *Store) CreateSession(ctx context.Context, orgID, userID, tokenHash string, expires time.Time, attempt string) (string, error) {
	id := domain.NewID()
	now := s.clock.Now()
	err := s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		if attempt != "" {
			if err := db.Where("id = ?", attempt).Delete(&failureRow{}).Error; err != nil {
				return err
			}
		}
		// Sign-ins of one user are serialised, so two at once cannot both
		// count twenty and leave twenty-one. On SQLite the first write of
		// the transaction already holds the only write lock.
		if err := s.lockKeys(db, "sessions:"+userID); err != nil {
			return err
		}
		if err := db.Create(&sessionRow{ID: id, OrgID: orgID, UserID: userID, CreatedAt: now, ExpiresAt: expires}).Error; err != nil {
			return err
		}
		if err := db.Create(&refreshRow{TokenHash: tokenHash, OrgID: orgID, SessionID: id, CreatedAt: now}).Error; err != nil {
			return err
		}
		var live []string
		// Ids are time-ordered, so they break ties between sessions made
		// in the same instant.
		if err := db.Model(&sessionRow{}).Where("org_id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ?", orgID, userID, now).
			Order("created_at DESC, id DESC").Pluck("id", &live).Error; err != nil {
			return err
		}
		if len(live) <= MaxSessions {
			return nil
		}
		return db.Model(&sessionRow{}).Where("org_id = ? AND id IN ?", orgID, live[MaxSessions:]).Update("revoked_at", now).Error
	})
	return id, err
}

// RotateRefresh spends the token oldHash and issues newHash in its session.
// A token used before is a replay, and revokes the whole session. The spend
// is a conditional UPDATE, so exactly one of concurrent callers rotates; a
// caller that loses that race inside its transaction (RefreshRaced) is only
// refused. But a caller that reads the token after the winner committed —
// always on SQLite, where transactions run one at a time, and usually on
// PostgreSQL — sees a replay: two tabs refreshing with one token sign the
// user out, so the web app must not refresh from two tabs at once.
func (s *Store) RotateRefresh(ctx context.Context, oldHash, newHash string) (domain.Session, domain.RefreshOutcome, error) {
	var sess domain.Session
	outcome := domain.RefreshUnknown
	now := s.clock.Now()
	err := s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		// The token is all the caller has: it names the organisation.
		lookup := s.conn(Unscoped(ctx, ExceptRefreshToken))
		var tok refreshRow
		if err := lookup.Where("token_hash = ?", oldHash).Take(&tok).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			return err
		}
		var row sessionRow
		if err := db.Where("org_id = ? AND id = ?", tok.OrgID, tok.SessionID).Take(&row).Error; err != nil {
			return err
		}
		sess = domain.Session{ID: row.ID, OrgID: row.OrgID, UserID: row.UserID, ExpiresAt: row.ExpiresAt, RevokedAt: row.RevokedAt}
		if row.RevokedAt != nil || !now.Before(row.ExpiresAt) {
			return nil
		}
		if tok.UsedAt != nil {
			outcome = domain.RefreshReplayed
			return db.Model(&sessionRow{}).Where("org_id = ? AND id = ? AND revoked_at IS NULL", row.OrgID, row.ID).Update("revoked_at", now).Error
		}
		res := db.Model(&refreshRow{}).Where("org_id = ? AND token_hash = ? AND used_at IS NULL", row.OrgID, oldHash).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			outcome = domain.RefreshRaced
			return nil
		}
		outcome = domain.RefreshRotated
		return db.Create(&refreshRow{TokenHash: newHash, OrgID: row.OrgID, SessionID: row.ID, CreatedAt: now}).Error
	})
	if err != nil {
		return domain.Session{}, domain.RefreshUnknown, err
	}
	return sess, outcome, nil
}

// Session returns the session id of orgID.
func (s *Store) Session(ctx context.Context, orgID, id string) (domain.Session, error) {
	var row sessionRow
	if err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&row).Error; err != nil {
		return domain.Session{}, notFound(err, "session")
	}
	return domain.Session{ID: row.ID, OrgID: row.OrgID, UserID: row.UserID, ExpiresAt: row.ExpiresAt, RevokedAt: row.RevokedAt}, nil
}

// SessionUser loads, in one query, what each authenticated request checks: the
// user of the session, whether both are still live. The session is what
// names the organisation, so this is a named exception to filtering by it.
func (s *Store) SessionUser(ctx context.Context, sessionID, userID string) (domain.User, domain.Session, error) {
	ctx = Unscoped(ctx, ExceptSession)
	var row struct {
		User             userRow `gorm:"embedded"`
		SessionExpiresAt time.Time
		SessionRevokedAt *time.Time
	}
	err := s.conn(ctx).Table("users").
		Select("users.*, sessions.expires_at AS session_expires_at, sessions.revoked_at AS session_revoked_at").
		Joins("JOIN sessions ON sessions.user_id = users.id").
		Where("sessions.id = ? AND users.id = ?", sessionID, userID).Take(&row).Error
	if err != nil {
		return domain.User{}, domain.Session{}, notFound(err, "session")
	}
	return row.User.domain(), domain.Session{ID: sessionID, OrgID: row.User.OrgID, UserID: userID, ExpiresAt: row.SessionExpiresAt, RevokedAt: row.SessionRevokedAt}, nil
}

// RevokeSession ends session id of orgID.
func (s *Store) RevokeSession(ctx context.Context, orgID, id string) error {
	return s.conn(ctx).Model(&sessionRow{}).Where("org_id = ? AND id = ? AND revoked_at IS NULL", orgID, id).Update("revoked_at", s.clock.Now()).Error
}

// RevokeUserSessions ends every session of userID of orgID but keep (may
// be "").
func (s *Store) RevokeUserSessions(ctx context.Context, orgID, userID, keep string) error {
	return s.conn(ctx).Model(&sessionRow{}).Where("org_id = ? AND user_id = ? AND id <> ? AND revoked_at IS NULL", orgID, userID, keep).
		Update("revoked_at", s.clock.Now()).Error
}
