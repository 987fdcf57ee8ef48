package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// failureRow is one login attempt that counts against the throttle: a
// failed one, or one in flight (reserved before its password is hashed,
// deleted when it succeeds).
type failureRow struct {
	ID       string
	Email    string
	ClientIP string
	At       time.Time
}

func (failureRow) TableName() string { return "login_failures" }

// ReserveLoginAttempt counts the attempts of the account and of the client
// address since `since` and, when both are under their limits (perAccount,
// perClient), records this attempt: one transaction, serialised per account
// and per address, so concurrent attempts cannot all read the same count
// and all pass. It returns the reservation's id; or "" and the time of the
// oldest attempt of the exhausted key (the account's first), from which the
// throttle lifts when that attempt leaves the window.
//
// The attempt counts as a failure until ReleaseLoginAttempt or
// CreateSession releases it: an attempt whose outcome is unknown (the
// server stopped mid-hash) counts, which errs on the side of safety.
func (s *Store) ReserveLoginAttempt(ctx context.Context, email, ip string, since time.Time, perAccount, perClient int) (id string, oldest time.Time, err error) {
	now := s.clock.Now()
	err = s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		if err := s.lockKeys(db, "login:account:"+email, "login:client:"+ip); err != nil {
			return err
		}
		// Attempts of the same account or address older than a day go now,
		// so the table holds only what throttling can still read. On SQLite
		// this is also the transaction's first write: it takes the
		// database's write lock (waiting for any other connection, another
		// process included), so the count below sees every attempt
		// committed before it and none can commit until this one does.
		if err := db.Where("(email = ? OR client_ip = ?) AND at < ?", email, ip, now.Add(-24*time.Hour)).
			Delete(&failureRow{}).Error; err != nil {
			return err
		}
		byEmail, byIP, oldEmail, oldIP, err := countAttempts(db, email, ip, since)
		if err != nil {
			return err
		}
		switch {
		case byEmail >= perAccount:
			oldest = oldEmail
			return nil
		case byIP >= perClient:
			oldest = oldIP
			return nil
		}
		id = domain.NewID()
		return db.Create(&failureRow{ID: id, Email: email, ClientIP: ip, At: now}).Error
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return id, oldest, nil
}

// ReleaseLoginAttempt forgets a reserved attempt: one that succeeded, or
// that was refused before its password was hashed.
func (s *Store) ReleaseLoginAttempt(ctx context.Context, id string) error {
	return s.conn(ctx).Where("id = ?", id).Delete(&failureRow{}).Error
}

// countAttempts counts the attempts since `since` for the account and for
// the client address, and finds the oldest of each. One query reads both.
func countAttempts(db *gorm.DB, email, ip string, since time.Time) (byEmail, byIP int, oldestEmail, oldestIP time.Time, err error) {
	var rows []failureRow
	err = db.Select("email", "client_ip", "at").
		Where("at > ? AND (email = ? OR client_ip = ?)", since, email, ip).Order("at").Find(&rows).Error
	for _, r := range rows {
		if r.Email == email {
			if byEmail == 0 {
				oldestEmail = r.At
			}
			byEmail++
		}
		if r.ClientIP == ip {
			if byIP == 0 {
				oldestIP = r.At
			}
			byIP++
		}
	}
	return
}

// PruneLoginFailures forgets attempts older than before.
func (s *Store) PruneLoginFailures(ctx context.Context, before time.Time) error {
	return s.conn(ctx).Where("at < ?", before).Delete(&failureRow{}).Error
}

// lockKeys serialises the transactions that name the same keys, until they
// end: transaction-scoped advisory locks on PostgreSQL, taken in one order
// so two transactions cannot each hold what the other waits for. SQLite
// has one writer at a time: there the transaction's first write is the
// lock, and the caller makes it come before its reads.
func (s *Store) lockKeys(db *gorm.DB, keys ...string) error {
	if s.dialect != config.Postgres {
		return nil
	}
	keys = slices.Clone(keys)
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if err := db.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 42))", k).Error; err != nil {
			return err
		}
	}
	return nil
}
