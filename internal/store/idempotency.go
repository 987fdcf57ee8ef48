package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"calibrate/internal/idempotency"
)

type idempotencyRow struct {
	UserID         string `gorm:"primaryKey"`
	OrgID          string
	Key            string `gorm:"primaryKey"`
	Fingerprint    string
	Done           bool
	ResponseStatus int
	ResponseBody   string
	CreatedAt      int64 `gorm:"autoCreateTime:false"`
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// ClaimIdempotencyKey implements idempotency.Store. The insert is the claim:
// of two requests with one key, on any replicas, the primary key lets one
// insert and the other read the winner's row. A row past its time is taken
// over by an update that matches the created_at it was read with, so of two
// requests taking it over only one does.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, orgID, userID, key, fingerprint string, now, staleDone, staleOpen int64) (bool, idempotency.Record, error) {
	db := s.conn(ctx)
	// A row may vanish between the statements (released, swept): then the
	// insert is tried again. Three rounds are plenty; each loss means
	// another request made progress.
	for range 3 {
		res := db.Exec(`INSERT INTO idempotency_keys (org_id, user_id, key, fingerprint, done, response_status, response_body, created_at)
VALUES (?, ?, ?, ?, ?, 0, '', ?) ON CONFLICT (user_id, key) DO NOTHING`, orgID, userID, key, fingerprint, false, now)
		if res.Error != nil {
			return false, idempotency.Record{}, res.Error
		}
		if res.RowsAffected == 1 {
			return true, idempotency.Record{}, nil
		}
		var row idempotencyRow
		err := db.Where("org_id = ? AND user_id = ? AND key = ?", orgID, userID, key).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue
		}
		if err != nil {
			return false, idempotency.Record{}, err
		}
		rec := idempotency.Record{Fingerprint: row.Fingerprint, Done: row.Done, Status: row.ResponseStatus,
			Body: []byte(row.ResponseBody), CreatedAt: row.CreatedAt}
		stale := (row.Done && row.CreatedAt <= staleDone) || (!row.Done && row.CreatedAt <= staleOpen)
		if !stale {
			return false, rec, nil
		}
		res = db.Exec(`UPDATE idempotency_keys SET fingerprint = ?, done = ?, response_status = 0, response_body = '', created_at = ?
WHERE org_id = ? AND user_id = ? AND key = ? AND created_at = ?`, fingerprint, false, now, orgID, userID, key, row.CreatedAt)
		if res.Error != nil {
			return false, idempotency.Record{}, res.Error
		}
		if res.RowsAffected == 1 {
			return true, idempotency.Record{}, nil
		}
	}
	// Still contended: someone else holds the key now.
	return false, idempotency.Record{Fingerprint: fingerprint}, nil
}

// FinishIdempotencyKey implements idempotency.Store.
func (s *Store) FinishIdempotencyKey(ctx context.Context, orgID, userID, key string, createdAt int64, status int, body []byte) error {
	return s.conn(ctx).Exec(`UPDATE idempotency_keys SET done = ?, response_status = ?, response_body = ?
WHERE org_id = ? AND user_id = ? AND key = ? AND created_at = ? AND done = ?`, true, status, string(body), orgID, userID, key, createdAt, false).Error
}

// ReleaseIdempotencyKey implements idempotency.Store.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, orgID, userID, key string, createdAt int64) error {
	return s.conn(ctx).Exec(`DELETE FROM idempotency_keys WHERE org_id = ? AND user_id = ? AND key = ? AND created_at = ? AND done = ?`,
		orgID, userID, key, createdAt, false).Error
}

// DeleteIdempotencyKeysBefore implements idempotency.Store: every
// organisation's expired keys at once, off any one organisation's data.
func (s *Store) DeleteIdempotencyKeysBefore(ctx context.Context, cutoff int64) error {
	return s.conn(Unscoped(ctx, ExceptPrune)).Exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, cutoff).Error
}
