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
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

func (sessionRow) TableName() string { return "sessions" }

type refreshRow struct {
	TokenHash string `gorm:"primaryKey"`
	SessionID string
	CreatedAt time.Time
	UsedAt    *time.Time
}

func (refreshRow) TableName() string { return "refresh_tokens" }

type failureRow struct {
	ID       string
	Email    string
	ClientIP string
	At       time.Time
}

func (failureRow) TableName() string { return "login_failures" }

// CreateSession starts a session with its first refresh token (hashed).
func (s *Store) CreateSession(ctx context.Context, userID, tokenHash string, expires time.Time) (string, error) {
	id := domain.NewID()
	now := s.clock.Now()
	err := s.Tx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(&sessionRow{ID: id, UserID: userID, CreatedAt: now, ExpiresAt: expires}).Error; err != nil {
			return err
		}
		return s.conn(ctx).Create(&refreshRow{TokenHash: tokenHash, SessionID: id, CreatedAt: now}).Error
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
		var tok refreshRow
		if err := db.Where("token_hash = ?", oldHash).Take(&tok).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			return err
		}
		var row sessionRow
		if err := db.Where("id = ?", tok.SessionID).Take(&row).Error; err != nil {
			return err
		}
		sess = domain.Session{ID: row.ID, UserID: row.UserID, ExpiresAt: row.ExpiresAt, RevokedAt: row.RevokedAt}
		if row.RevokedAt != nil || !now.Before(row.ExpiresAt) {
			return nil
		}
		if tok.UsedAt != nil {
			outcome = domain.RefreshReplayed
			return db.Model(&sessionRow{}).Where("id = ? AND revoked_at IS NULL", row.ID).Update("revoked_at", now).Error
		}
		res := db.Model(&refreshRow{}).Where("token_hash = ? AND used_at IS NULL", oldHash).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			outcome = domain.RefreshRaced
			return nil
		}
		outcome = domain.RefreshRotated
		return db.Create(&refreshRow{TokenHash: newHash, SessionID: row.ID, CreatedAt: now}).Error
	})
	if err != nil {
		return domain.Session{}, domain.RefreshUnknown, err
	}
	return sess, outcome, nil
}

// Session returns the session id.
func (s *Store) Session(ctx context.Context, id string) (domain.Session, error) {
	var row sessionRow
	if err := s.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return domain.Session{}, notFound(err, "session")
	}
	return domain.Session{ID: row.ID, UserID: row.UserID, ExpiresAt: row.ExpiresAt, RevokedAt: row.RevokedAt}, nil
}

// SessionUser loads, in one query, what each authenticated request checks: the
// user of the session, whether both are still live.
func (s *Store) SessionUser(ctx context.Context, sessionID, userID string) (domain.User, domain.Session, error) {
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
	return row.User.domain(), domain.Session{ID: sessionID, UserID: userID, ExpiresAt: row.SessionExpiresAt, RevokedAt: row.SessionRevokedAt}, nil
}

// RevokeSession ends one session.
func (s *Store) RevokeSession(ctx context.Context, id string) error {
	return s.conn(ctx).Model(&sessionRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", s.clock.Now()).Error
}

// RevokeUserSessions ends every session of userID but keep (may be "").
func (s *Store) RevokeUserSessions(ctx context.Context, userID, keep string) error {
	return s.conn(ctx).Model(&sessionRow{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", userID, keep).
		Update("revoked_at", s.clock.Now()).Error
}

// RecordLoginFailure notes a failed login for throttling.
// Failures of the same account or address older than a day go at the
// same time, so the table holds only what throttling can still read.
func (s *Store) RecordLoginFailure(ctx context.Context, email, ip string) error {
	now := s.clock.Now()
	db := s.conn(ctx)
	if err := db.Where("(email = ? OR client_ip = ?) AND at < ?", email, ip, now.Add(-24*time.Hour)).Delete(&failureRow{}).Error; err != nil {
		return err
	}
	return db.Create(&failureRow{ID: domain.NewID(), Email: email, ClientIP: ip, At: now}).Error
}

// LoginFailures counts the failures since `since` for the account and for
// the client address, and the oldest of each in the window (to compute
// Retry-After). One query reads both.
func (s *Store) LoginFailures(ctx context.Context, email, ip string, since time.Time) (byEmail, byIP int, oldestEmail, oldestIP *time.Time, err error) {
	var rows []failureRow
	err = s.conn(ctx).Select("email", "client_ip", "at").
		Where("at > ? AND (email = ? OR client_ip = ?)", since, email, ip).Order("at").Find(&rows).Error
	for _, r := range rows {
		at := r.At
		if r.Email == email {
			if byEmail == 0 {
				oldestEmail = &at
			}
			byEmail++
		}
		if r.ClientIP == ip {
			if byIP == 0 {
				oldestIP = &at
			}
			byIP++
		}
	}
	return
}

// PruneLoginFailures forgets failures older than before.
func (s *Store) PruneLoginFailures(ctx context.Context, before time.Time) error {
	return s.conn(ctx).Where("at < ?", before).Delete(&failureRow{}).Error
}
