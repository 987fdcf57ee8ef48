package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// QueueTables names the job queue's tables (River's; river_client and
// river_client_queue on PostgreSQL only, river_notification on SQLite
// only). They hold jobs, not organisation data: no org_id, and no place in
// a backup. A job carries only ids; what an e-mail says is read when it is
// sent.
var QueueTables = []string{"river_client", "river_client_queue", "river_job", "river_leader", "river_migration",
	"river_notification", "river_queue"}

// IsQueueTable reports whether name is one of the job queue's tables.
func IsQueueTable(name string) bool { return strings.HasPrefix(name, "river_") }

// QueueDriver is the job queue's database driver on the store's pool: jobs
// live in the same database as the writes that cause them, so a job can be
// inserted in the write's own transaction.
func (s *Store) QueueDriver() riverdriver.Driver[*sql.Tx] {
	if s.dialect == config.Postgres {
		return riverdatabasesql.New(s.sqlDB)
	}
	return riversqlite.New(s.sqlDB)
}

// SQLTx returns the database transaction ctx carries (see Tx), so that a
// job inserted through it commits or rolls back with the write.
func (s *Store) SQLTx(ctx context.Context) (*sql.Tx, bool) {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		return nil, false
	}
	tx, ok := st.db.Statement.ConnPool.(*sql.Tx)
	return tx, ok
}

// queueLockKey is the advisory lock replicas queue on while they bring the
// job queue's schema up to date (PostgreSQL).
const queueLockKey = 0x63616c6971 // "caliq"

// migrateQueue applies the job queue's own migrations.
func (s *Store) migrateQueue(ctx context.Context, db *sql.DB) error {
	var drv riverdriver.Driver[*sql.Tx]
	if s.dialect == config.Postgres {
		drv = riverdatabasesql.New(db)
	} else {
		drv = riversqlite.New(db)
	}
	// Its per-migration lines are not logged: migrate's output is the
	// count of the project's own migrations, and errors are returned.
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("the job queue's migrations: %w", err)
	}
	if s.dialect == config.Postgres {
		// Some of River's migrations cannot share one transaction (a new
		// enum value is used right after it is added), so they run one by
		// one while this session holds the lock.
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = conn.Close() }()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", queueLockKey); err != nil {
			return err
		}
		defer func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", queueLockKey)
		}()
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrating the job queue: %w", err)
	}
	return nil
}

type optoutRow struct {
	OrgID     string
	UserID    string
	Kind      string
	CreatedAt time.Time
}

func (optoutRow) TableName() string { return "mail_optouts" }

// OptOut records that the user wants no more e-mail of kind. Opting out
// twice is no error.
func (s *Store) OptOut(ctx context.Context, orgID, userID, kind string) error {
	var n int64
	if err := s.conn(ctx).Model(&optoutRow{}).
		Where("org_id = ? AND user_id = ? AND kind = ?", orgID, userID, kind).Count(&n).Error; err != nil {
		return translate(err)
	}
	if n > 0 {
		return nil
	}
	err := s.conn(ctx).Create(&optoutRow{OrgID: orgID, UserID: userID, Kind: kind, CreatedAt: s.clock.Now().UTC()}).Error
	if err := translate(err); err != nil && !domain.IsKind(err, domain.KindConflict) {
		return err
	}
	return nil
}

// OptedOut reports whether the user asked for no e-mail of kind.
func (s *Store) OptedOut(ctx context.Context, orgID, userID, kind string) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&optoutRow{}).
		Where("org_id = ? AND user_id = ? AND kind = ?", orgID, userID, kind).Count(&n).Error
	return n > 0, translate(err)
}

// QueueCounts counts the queue's jobs waiting to run (available, scheduled
// or to be retried) and those that failed: waiting again after a failed
// attempt (River makes a job retried soon available at once), or given up.
func (s *Store) QueueCounts(ctx context.Context) (queued, failed int64, err error) {
	row := s.sqlDB.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN state IN ('available','scheduled','retryable') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'discarded'
			OR (state IN ('available','scheduled','retryable') AND attempt > 0) THEN 1 ELSE 0 END), 0)
		FROM river_job`)
	if err := row.Scan(&queued, &failed); err != nil {
		return 0, 0, s.classify(ctx, err)
	}
	return queued, failed, nil
}
