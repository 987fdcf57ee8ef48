package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"calibrate/internal/config"
	"calibrate/migrations"
)

// MigrationStatus is one migration and whether the database has it.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// provider returns goose's migration runner. A locked one queues on the
// migration lock (PostgreSQL) before it reads or changes the schema; an
// unlocked one only reads the version table, so readiness probes never wait
// behind a replica that is migrating, nor behind each other.
func (s *Store) provider(db *sql.DB, locked bool) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations.FS, string(s.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.dialect == config.Postgres {
		dialect = goose.DialectPostgres
	}
	if s.dialect == config.Postgres && locked {
		// Replicas starting together queue on an advisory lock instead of
		// racing to apply the same migration.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db, sub, opts...)
}

// schemaDB is the pool migrations run on. On PostgreSQL it is a pool of its
// own without statement_timeout: building an index on a large table may
// rightly take longer than any request may. The caller closes it.
func (s *Store) schemaDB() (db *sql.DB, done func()) {
	if s.schemaConfig == nil {
		return s.sqlDB, func() {}
	}
	db = stdlib.OpenDB(*s.schemaConfig)
	return db, func() { _ = db.Close() }
}

// Migrate applies every pending migration and the job queue's own (River's
// tables, which carry the e-mail jobs), then re-keys the audit chains
// written before links were keyed (once; see rekeyAudit) and summarises
// the finished cycles that have no summaries yet (see summarizeFinished).
// A database migrated by newer code than this binary is refused: running
// old code on it could corrupt it.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	ctx = Unscoped(ctx, ExceptMigration)
	db, done := s.schemaDB()
	defer done()
	p, err := s.provider(db, true)
	if err != nil {
		return 0, err
	}
	if err := s.refuseNewer(ctx, p); err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrating: %w", err)
	}
	if err := s.migrateQueue(ctx, db); err != nil {
		return len(res), err
	}
	if err := s.rekeyAudit(ctx, db); err != nil {
		return len(res), err
	}
	if err := s.summarizeFinished(ctx, db); err != nil {
		return len(res), err
	}
	return len(res), nil
}

func (s *Store) refuseNewer(ctx context.Context, p *goose.Provider) error {
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if latest := latestVersion(p); current > latest {
		return fmt.Errorf("the database schema is at version %d but this binary knows only up to %d: run a newer calibrate", current, latest)
	}
	return nil
}

func latestVersion(p *goose.Provider) int64 {
	var v int64
	for _, src := range p.ListSources() {
		v = max(v, src.Version)
	}
	return v
}

// MigrationStatuses lists every migration this binary knows and whether it
// is applied.
func (s *Store) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	db, done := s.schemaDB()
	defer done()
	p, err := s.provider(db, true)
	if err != nil {
		return nil, err
	}
	if err := s.refuseNewer(ctx, p); err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, len(st))
	for i, m := range st {
		out[i] = MigrationStatus{Version: m.Source.Version, Name: m.Source.Path, Applied: m.State == goose.StateApplied}
	}
	return out, nil
}

// SchemaCurrent reports whether the database has exactly the migrations
// this binary knows: what /readyz needs.
func (s *Store) SchemaCurrent(ctx context.Context) error {
	p, err := s.provider(s.sqlDB, false)
	if err != nil {
		return err
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return s.classify(ctx, err)
	}
	if latest := latestVersion(p); current != latest {
		return fmt.Errorf("schema at version %d, binary expects %d", current, latest)
	}
	return nil
}
