// Package store is Calibrate's persistence: it opens SQLite or PostgreSQL
// through GORM, runs the migrations, and implements the repositories the
// services declare. Database errors become domain errors here and nowhere
// else; no other package writes SQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// Store is the one handle on the database. It holds no request state.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	dialect config.Dialect
	clock   domain.Clock
	log     *slog.Logger
	// avail is shared by the copies WithClock makes: one database, one
	// outage state.
	avail *availability
	// pingTimeout bounds /readyz's ping: getting a connection is all a
	// ping waits for.
	pingTimeout time.Duration
	// schemaConfig opens the pool migrations run on (PostgreSQL): the
	// connection settings without statement_timeout. Nil on SQLite.
	schemaConfig *pgx.ConnConfig
	// auditKey keys the audit chain's links and checkpoints; it comes from
	// the configuration and is never stored in the database.
	auditKey []byte
	// committed, when set, is told after each commit which cycles the
	// transaction's audit entries touched (see OnCommit).
	committed *commitHook
}

// Open connects to the database the configuration names. It does not
// migrate: call Migrate.
func Open(cfg *config.Config, clock domain.Clock, log *slog.Logger) (*Store, error) {
	if len(cfg.AuditKey) < config.MinAuditKeyBytes {
		// Every write appends to the audit log, whose links need the key.
		return nil, fmt.Errorf("the audit key is missing or shorter than %d bytes", config.MinAuditKeyBytes)
	}
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true, // our writes run in explicit transactions
		NowFunc:                func() time.Time { return clock.Now().UTC().Truncate(time.Microsecond) },
		TranslateError:         false,
	}
	var (
		dial         gorm.Dialector
		schemaConfig *pgx.ConnConfig
	)
	switch cfg.Dialect {
	case config.SQLite:
		if dir := filepath.Dir(cfg.SQLitePath); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("creating %s: %w", dir, err)
			}
		}
		dial = sqlite.Open(sqliteDSN(cfg.SQLitePath, cfg.DBStatementTimeout))
	case config.Postgres:
		pc, err := pgx.ParseConfig(cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		if pc.ConnectTimeout == 0 && cfg.DBAcquireTimeout > 0 {
			// Connecting is part of getting a connection: a host that drops
			// packets must not hold a command longer than a request may wait.
			pc.ConnectTimeout = cfg.DBAcquireTimeout
		}
		schemaConfig = pc.Copy()
		if cfg.DBStatementTimeout > 0 {
			// The server cancels a statement running longer (SQLSTATE 57014),
			// even one whose client is stuck, and frees its locks.
			pc.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.DBStatementTimeout.Milliseconds(), 10)
		}
		// GORM's own DSN opening would build this same pgx stdlib pool;
		// building it here is what lets the runtime parameter be set.
		dial = postgres.New(postgres.Config{Conn: stdlib.OpenDB(*pc)})
	default:
		return nil, fmt.Errorf("unknown dialect %q", cfg.Dialect)
	}
	db, err := gorm.Open(dial, gcfg)
	if err != nil {
		return nil, fmt.Errorf("opening the database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if cfg.Dialect == config.SQLite {
		// SQLite allows one writer at a time. One connection serialises every
		// statement in the process, so no request ever meets "database is
		// locked"; WAL lets a backup or another reader work beside it.
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetMaxIdleConns(1)
		sqlDB.SetConnMaxLifetime(0)
	} else {
		// The server is stateless and may run as several replicas: keep each
		// replica's share of PostgreSQL's connections modest.
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	st := &Store{db: db, sqlDB: sqlDB, dialect: cfg.Dialect, clock: microClock{clock}, log: log,
		avail: &availability{log: log}, pingTimeout: cfg.DBAcquireTimeout, schemaConfig: schemaConfig,
		auditKey: cfg.AuditKey, committed: &commitHook{}}
	if st.pingTimeout <= 0 {
		st.pingTimeout = 2 * time.Second
	}
	if err := st.watchAvailability(db); err != nil {
		return nil, err
	}
	return st, nil
}

// microClock truncates times to microseconds, the precision PostgreSQL
// keeps, so what a write answers equals what a later read returns.
type microClock struct{ domain.Clock }

func (c microClock) Now() time.Time { return c.Clock.Now().UTC().Truncate(time.Microsecond) }

// sqliteDSN turns a path into a DSN with the pragmas every connection needs:
//   - foreign_keys(1): SQLite does not enforce REFERENCES otherwise;
//   - journal_mode(WAL): readers (backups, the CLI) do not block the writer;
//   - busy_timeout: a second process (the CLI beside a server) waits for the
//     lock instead of failing at once; for the statement timeout when one is
//     set (a statement still waiting then is an outage, 503), else 10 s;
//   - synchronous(NORMAL): durable at each checkpoint and safe with WAL.
//
// Transactions begin deferred: the driver has no setting for BEGIN
// IMMEDIATE. Within a process the single connection serialises them; a
// second process writing at the same moment (the CLI beside a server) waits
// out busy_timeout, and a transaction that must upgrade from reader to
// writer while the other holds the lock fails as busy (503 unavailable)
// instead of waiting.
func sqliteDSN(path string, statementTimeout time.Duration) string {
	busy := int64(10000)
	if statementTimeout > 0 {
		busy = max(statementTimeout.Milliseconds(), 1)
	}
	return "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
		"&_pragma=busy_timeout(" + strconv.FormatInt(busy, 10) + ")&_pragma=synchronous(NORMAL)&_time_format=sqlite"
}

func (s *Store) Dialect() config.Dialect { return s.dialect }

// DBStats are the connection pool's figures now (for the metrics).
func (s *Store) DBStats() sql.DBStats { return s.sqlDB.Stats() }

// Gorm exposes the handle for tests that count statements.
func (s *Store) Gorm() *gorm.DB { return s.db }

// Ping checks that the database answers, within the acquire timeout so a
// frozen database cannot hang a readiness probe. It feeds the outage state
// like every statement: a failed ping during an outage is not logged again,
// and the first answer after one ends it.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.pingTimeout)
	defer cancel()
	started := time.Now()
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return s.classify(ctx, err)
	}
	s.avail.answered(started)
	return nil
}

func (s *Store) Close() error { return s.sqlDB.Close() }

type txKey struct{}

// txState is the transaction a context carries, with the audit entries
// written in it; they are chained and inserted just before commit.
type txState struct {
	db    *gorm.DB
	audit []pendingAudit
}

// conn returns the transaction of ctx, or the pool. Statements run with
// ctx itself, so what it carries (a tenancy exception, see Unscoped)
// reaches them inside a transaction too.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.db.WithContext(ctx)
	}
	return s.db.WithContext(ctx)
}

// Tx runs fn in one transaction; everything fn writes through ctx, audit
// entries included, commits together or not at all. Nested calls join the
// outer transaction.
func (s *Store) Tx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return fn(ctx)
	}
	var touched []domain.CycleRef
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st := &txState{db: tx}
		if err := fn(context.WithValue(ctx, txKey{}, st)); err != nil {
			return err
		}
		touched = cyclesOf(st.audit)
		return s.flushAudit(tx, st.audit)
	})
	// Beginning and committing are not GORM statements: an outage there is
	// classified here.
	if err != nil {
		return translate(s.classify(ctx, err))
	}
	// Only now is the write visible to others: what it touched is
	// announced after the commit, never before, and never by a caller.
	if len(touched) > 0 {
		s.committed.call(ctx, touched)
	}
	return nil
}

// commitHook is the function OnCommit set; shared by the copies WithClock
// makes, as they share the database.
type commitHook struct {
	mu sync.RWMutex
	fn func(context.Context, []domain.CycleRef)
}

func (h *commitHook) call(ctx context.Context, refs []domain.CycleRef) {
	h.mu.RLock()
	fn := h.fn
	h.mu.RUnlock()
	if fn != nil {
		fn(ctx, refs)
	}
}

// OnCommit sets the function told, after every committed transaction that
// audited entries of cycles, which cycles those were: how the cycles' event
// streams learn of a change. It runs in the writer's goroutine, after the
// commit, so it must be quick.
func (s *Store) OnCommit(fn func(context.Context, []domain.CycleRef)) {
	s.committed.mu.Lock()
	s.committed.fn = fn
	s.committed.mu.Unlock()
}

// cyclesOf lists, once each, the cycles that audit entries belong to.
func cyclesOf(entries []pendingAudit) []domain.CycleRef {
	var out []domain.CycleRef
	for _, p := range entries {
		if p.row.CycleID == nil {
			continue
		}
		ref := domain.CycleRef{OrgID: p.row.OrgID, CycleID: *p.row.CycleID}
		if !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out
}

// translate maps database errors to domain errors: a unique violation is a
// duplicate; not-found is the caller's to phrase, so it stays as is.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := domain.AsError(err); ok {
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"), strings.Contains(msg, "SQLSTATE 23505"),
		strings.Contains(msg, "duplicate key value"):
		return domain.Duplicate("that already exists")
	}
	return err
}

// notFound turns gorm's not-found into the domain's.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.NotFound(what)
	}
	return translate(err)
}

// WithClock returns a store that shares the database but stamps writes
// with clock: how the demo records cycles that happened in the past.
func (s *Store) WithClock(clock domain.Clock) *Store {
	cp := *s
	cp.clock = microClock{clock}
	return &cp
}
