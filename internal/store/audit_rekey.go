package store

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// RekeyAction is the audit action recorded, once per organisation, when a
// chain written with plain SHA-256 links is re-keyed with the audit key.
const RekeyAction = "audit.rekey"

// rekeyPendingRow is an organisation whose chain still has plain SHA-256
// links. A backup carries the list with the links it describes.
type rekeyPendingRow struct {
	OrgID string `gorm:"primaryKey"`
}

func (rekeyPendingRow) TableName() string { return "audit_rekey_pending" }

// rekeyAudit re-keys the chains that still have plain SHA-256 links (the
// organisations in audit_rekey_pending): it verifies each old chain,
// recomputes every link with the HMAC, appends an entry saying so with the
// count, and removes the organisation from the list, in one transaction.
// A chain that does not verify is not re-keyed: the whole step is refused,
// naming its first bad entry, so a tampered log is never blessed with
// valid keyed links.
//
// It runs after the migrations, on their pool (no statement timeout), and
// is safe for replicas starting together: the table lock (PostgreSQL) or
// the single writer (SQLite) serialises them, and the list is read again
// under it, so the second replica finds nothing left to do.
func (s *Store) rekeyAudit(ctx context.Context, sqlDB *sql.DB) error {
	db := s.db
	if s.dialect == config.Postgres {
		var err error
		db, err = gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
		if err != nil {
			return err
		}
	}
	db = db.WithContext(ctx)
	var pending int64
	if err := db.Model(&rekeyPendingRow{}).Count(&pending).Error; err != nil || pending == 0 {
		return err
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if s.dialect == config.Postgres {
			// Readers too: a writer that read a head before the re-key
			// would append to a link that no longer exists.
			if err := tx.Exec("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE").Error; err != nil {
				return err
			}
		}
		var orgs []string
		if err := tx.Model(&rekeyPendingRow{}).Order("org_id").Pluck("org_id", &orgs).Error; err != nil || len(orgs) == 0 {
			return err
		}
		restore, err := s.liftAppendOnly(tx)
		if err != nil {
			return err
		}
		for _, org := range orgs {
			n, err := s.rekeyChain(tx, org)
			if err != nil {
				return err
			}
			if err := tx.Exec("DELETE FROM audit_rekey_pending WHERE org_id = ?", org).Error; err != nil {
				return err
			}
			s.log.Info("audit chain re-keyed", "org_id", org, "entries", n)
		}
		return restore()
	})
}

// rekeyChain verifies one organisation's plain chain and relinks it with
// the key, then appends the entry that records it.
func (s *Store) rekeyChain(tx *gorm.DB, org string) (int, error) {
	var head auditRow
	n, brk, err := walkChain(tx, org, plainLink, func(r auditRow) *AuditBreak {
		r.PrevHash = head.Hash
		r.Hash = s.link(r)
		if err := tx.Model(&auditRow{}).Where("org_id = ? AND id = ?", org, r.ID).
			Updates(map[string]any{"prev_hash": r.PrevHash, "hash": r.Hash}).Error; err != nil {
			return &AuditBreak{org, r.Seq, r.ID, "re-keying it failed: " + err.Error()}
		}
		head = r
		return nil
	})
	switch {
	case err != nil:
		return 0, err
	case brk != nil:
		return 0, fmt.Errorf("the audit log is not re-keyed: its unkeyed chain is already broken at %w; "+
			"investigate before anything else (restore the last good backup, or keep this database as evidence)", brk)
	case head.Seq == 0:
		return 0, fmt.Errorf("the audit log is not re-keyed: organisation %s had entries when this version was installed and has none now", org)
	}
	after := fmt.Sprintf(`{"entries":%d,"link":"hmac-sha256"}`, n)
	row := auditRow{ID: domain.NewID(), OrgID: org, Seq: head.Seq + 1, Action: RekeyAction,
		ObjectType: "audit_log", ObjectID: org, AfterJSON: &after, At: s.clock.Now(), PrevHash: head.Hash}
	row.Hash = s.link(row)
	return n, tx.Create(&row).Error
}

// liftAppendOnly lets this transaction rewrite links despite the trigger
// that makes the log append-only, and returns what puts the trigger back
// (in the same transaction, so it is never left lifted).
func (s *Store) liftAppendOnly(tx *gorm.DB) (restore func() error, err error) {
	if s.dialect == config.Postgres {
		var enabled []string
		if err := tx.Raw("SELECT tgenabled::text FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND tgname = 'audit_log_no_update'").
			Scan(&enabled).Error; err != nil {
			return nil, err
		}
		if len(enabled) == 0 || enabled[0] == "D" {
			return func() error { return nil }, nil
		}
		if err := tx.Exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update").Error; err != nil {
			return nil, err
		}
		return func() error { return tx.Exec("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update").Error }, nil
	}
	var ddl []string
	if err := tx.Raw("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_update'").Scan(&ddl).Error; err != nil {
		return nil, err
	}
	if len(ddl) == 0 {
		return func() error { return nil }, nil
	}
	if err := tx.Exec("DROP TRIGGER audit_log_no_update").Error; err != nil {
		return nil, err
	}
	return func() error { return tx.Exec(ddl[0]).Error }, nil
}
