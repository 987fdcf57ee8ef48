package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that creates test databases
	"github.com/pressly/goose/v3/lock"
	"gorm.io/gorm"

	"calibrate/internal/config"
	"calibrate/internal/domain"
	"calibrate/migrations"
)

// These tests live inside package store so they can see the GORM row
// types; testkit imports store, so they cannot use it and build their own
// fresh database the same way: SQLite in a temporary directory, or a new
// PostgreSQL database when DATABASE_URL names a server.

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg := &config.Config{JWTKey: []byte("test-key-0123456789abcdef-0123456789abcdef"),
		AuditKey: []byte("test-audit-key-0123456789abcdef-0123456789"), LogLevel: slog.LevelWarn}
	base := os.Getenv("DATABASE_URL")
	if !strings.HasPrefix(base, "postgres") {
		cfg.Dialect = config.SQLite
		cfg.SQLitePath = filepath.Join(t.TempDir(), "calibrate.db")
		cfg.DatabaseURL = "sqlite:" + cfg.SQLitePath
		return cfg
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connecting to PostgreSQL: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "calibrate_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("creating %s: %v", name, err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	cfg.Dialect = config.Postgres
	cfg.DatabaseURL = u.String()
	return cfg
}

func openStore(t *testing.T, cfg *config.Config) *Store {
	t.Helper()
	st := openStoreUnwatched(t, cfg)
	// Every statement of these tests is checked too (see tenancy.go).
	var over atomic.Bool
	t.Cleanup(func() { over.Store(true) })
	if err := st.WatchTenancy(func(sql string, err error) {
		if !over.Load() {
			t.Errorf("%v\n    in: %s", err, sql)
		}
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

// openStoreUnwatched opens a store whose statements are not checked.
func openStoreUnwatched(t *testing.T, cfg *config.Config) *Store {
	t.Helper()
	st, err := Open(cfg, domain.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// knownMigrations lists the migration files of one dialect.
func knownMigrations(t *testing.T, dialect config.Dialect) []string {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS, string(dialect))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// fileVersion is the number a migration file's name starts with. Numbers
// are assigned ahead of time, so the set may have gaps.
func fileVersion(t *testing.T, name string) int64 {
	t.Helper()
	num, _, _ := strings.Cut(name, "_")
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		t.Fatalf("migration %s: no leading number", name)
	}
	return v
}

// Both dialects have the same numbered migrations: a schema change is one
// new file in each set.
func TestMigrationSetsMatch(t *testing.T) {
	lite, pg := knownMigrations(t, config.SQLite), knownMigrations(t, config.Postgres)
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("sqlite migrations %v differ from postgres migrations %v", lite, pg)
	}
}

func TestMigrateUpAndStatus(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, testConfig(t))
	files := knownMigrations(t, st.Dialect())

	if err := st.SchemaCurrent(ctx); err == nil {
		t.Error("an empty database reported a current schema")
	}
	before, err := st.MigrationStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != len(files) {
		t.Fatalf("status lists %d migrations, the embedded set has %d", len(before), len(files))
	}
	for _, m := range before {
		if m.Applied {
			t.Errorf("%d applied on an empty database", m.Version)
		}
	}

	n, err := st.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(files) {
		t.Errorf("applied %d migrations, want %d", n, len(files))
	}
	if n, err := st.Migrate(ctx); err != nil || n != 0 {
		t.Errorf("second migrate: applied %d, %v; want 0, nil", n, err)
	}
	after, err := st.MigrationStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range after {
		if !m.Applied || m.Version != fileVersion(t, files[i]) || filepath.Base(m.Name) != files[i] {
			t.Errorf("migration %d: %+v, want version %d of %s applied", i, m, fileVersion(t, files[i]), files[i])
		}
	}
	if err := st.SchemaCurrent(ctx); err != nil {
		t.Errorf("after migrating: %v", err)
	}
}

// A database migrated by a newer binary is refused: older code could
// corrupt data it does not understand.
func TestRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, testConfig(t))
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	markNewerSchema(t, st)
	files := knownMigrations(t, st.Dialect())
	want := fmt.Sprintf("the database schema is at version 99999 but this binary knows only up to %d: run a newer calibrate",
		fileVersion(t, files[len(files)-1]))
	if _, err := st.Migrate(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("migrate: %v", err)
	}
	if _, err := st.MigrationStatuses(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("status: %v", err)
	}
	if err := st.SchemaCurrent(ctx); err == nil {
		t.Error("readiness accepted a newer schema")
	}
}

// markNewerSchema records, in goose's version table, a migration this
// binary does not have, as a newer release would.
func markNewerSchema(t testing.TB, st *Store) {
	t.Helper()
	if err := st.Gorm().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, ?)", true).Error; err != nil {
		t.Fatal(err)
	}
}

// Replicas starting together all succeed: one applies the migrations, the
// others wait on the advisory lock and find them applied.
func TestConcurrentMigrate(t *testing.T) {
	cfg := testConfig(t)
	if cfg.Dialect != config.Postgres {
		// SQLite has no lock that spans goose's transactions: two processes
		// migrating one file at the same instant can collide (the loser
		// fails and applies nothing). Embedded mode runs one server.
		t.Skip("only PostgreSQL serialises migrations across processes")
	}
	stores := []*Store{openStore(t, cfg), openStore(t, cfg)}
	var wg sync.WaitGroup
	applied := make([]int, len(stores))
	errs := make([]error, len(stores))
	for i, st := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = st.Migrate(context.Background())
		}()
	}
	wg.Wait()
	total := 0
	for i := range stores {
		if errs[i] != nil {
			t.Errorf("replica %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	if want := len(knownMigrations(t, cfg.Dialect)); total != want {
		t.Errorf("replicas applied %v migrations in all, want %d once", applied, want)
	}
}

// /readyz asks SchemaCurrent on every probe. It must not queue on the
// migration lock: probes of several replicas overlap all the time, and a
// replica that is migrating holds the lock for as long as that takes.
func TestSchemaCurrentDoesNotWaitForTheMigrationLock(t *testing.T) {
	cfg := testConfig(t)
	if cfg.Dialect != config.Postgres {
		t.Skip("the migration lock is PostgreSQL's advisory lock")
	}
	st := openStore(t, cfg)
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Another replica holds the migration lock.
	other := openStore(t, cfg)
	conn, err := other.sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lock.DefaultLockID); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", lock.DefaultLockID) }()

	var wg sync.WaitGroup
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := st.SchemaCurrent(pctx); err != nil {
				t.Errorf("SchemaCurrent: %v", err)
			}
		}()
	}
	wg.Wait()
	// Waiting on the lock would take at least goose's 5 s retry period.
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("four readiness checks took %v", d)
	}
}

// rowTypes are every GORM row type of the package. The schema test below
// checks each against the migrated database; TestRowTypesAreListed makes
// sure a new one is not forgotten here.
var rowTypes = []any{
	orgRow{}, userRow{}, sessionRow{}, refreshRow{}, failureRow{}, rateRow{}, idempotencyRow{}, scimTokenRow{}, oidcLoginRow{},
	frameworkRow{}, criterionRow{}, auditRow{}, rekeyPendingRow{},
	cycleRow{}, ownerRow{}, participantRow{},
	assessmentRow{}, ratingRow{}, decisionRow{},
	requestRow{}, noteRow{}, planRow{}, prereadRow{}, meetingRow{}, summaryRow{}, optoutRow{},
	rollupRow{}, rollupSourceRow{}, rollupDecisionRow{}, guestRow{},
}

// The migrated schema is what the models expect, on both dialects: every
// field has its column, with a compatible type, NULL allowed exactly where
// the field can hold it, and no NOT NULL column without a default that the
// model would leave out of an insert.
func TestSchemaMatchesModels(t *testing.T) {
	// Reading the schema is not a query of the store: unwatched.
	st := openStoreUnwatched(t, testConfig(t))
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db := st.Gorm()
	for _, model := range rowTypes {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(model); err != nil {
			t.Fatalf("%T: %v", model, err)
		}
		table := stmt.Schema.Table
		t.Run(table, func(t *testing.T) {
			if !db.Migrator().HasTable(table) {
				t.Fatalf("%T: no table %s", model, table)
			}
			cols, err := db.Migrator().ColumnTypes(model)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]gorm.ColumnType{}
			for _, c := range cols {
				byName[strings.ToLower(c.Name())] = c
			}
			fields := map[string]bool{}
			for _, f := range stmt.Schema.Fields {
				if f.DBName == "" {
					continue
				}
				fields[f.DBName] = true
				if !db.Migrator().HasColumn(model, f.DBName) {
					t.Errorf("%T.%s: table %s has no column %s", model, f.Name, table, f.DBName)
					continue
				}
				col := byName[f.DBName]
				if got, want := columnClass(col.DatabaseTypeName()), fieldClass(f.FieldType); got != want {
					t.Errorf("%T.%s: column %s.%s is %s (%s), the field holds %s", model, f.Name, table, f.DBName,
						col.DatabaseTypeName(), got, want)
				}
				pointer := f.FieldType.Kind() == reflect.Pointer
				if nullable, ok := col.Nullable(); ok && !isPrimaryKey(col, f.PrimaryKey) {
					if nullable && !pointer {
						t.Errorf("%T.%s: column %s.%s allows NULL, which the field cannot hold", model, f.Name, table, f.DBName)
					}
					if !nullable && pointer {
						t.Errorf("%T.%s: column %s.%s is NOT NULL but the field is a pointer", model, f.Name, table, f.DBName)
					}
				}
			}
			for _, c := range cols {
				name := strings.ToLower(c.Name())
				if fields[name] {
					continue
				}
				nullable, _ := c.Nullable()
				_, hasDefault := c.DefaultValue()
				if !nullable && !hasDefault {
					t.Errorf("%T: column %s.%s is NOT NULL without a default and no field writes it", model, table, name)
				}
			}
		})
	}
}

func isPrimaryKey(c gorm.ColumnType, fieldPK bool) bool {
	pk, ok := c.PrimaryKey()
	return fieldPK || (ok && pk)
}

// columnClass and fieldClass put a column type and a Go type into the same
// few families, so the check holds on both dialects.
func columnClass(dbType string) string {
	t := strings.ToLower(dbType)
	switch {
	case strings.Contains(t, "timestamp"), t == "date", t == "datetime":
		return "time"
	case strings.Contains(t, "char"), strings.Contains(t, "text"):
		return "string"
	case strings.Contains(t, "bool"):
		return "bool"
	case strings.Contains(t, "int"):
		return "integer"
	case strings.Contains(t, "real"), strings.Contains(t, "double"), strings.Contains(t, "float"), strings.Contains(t, "numeric"):
		return "float"
	}
	return "unknown " + t
}

func fieldClass(rt reflect.Type) string {
	for rt.Kind() == reflect.Pointer {
		rt = rt.Elem()
	}
	if rt == reflect.TypeOf(time.Time{}) {
		return "time"
	}
	switch rt.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "float"
	}
	return "unknown " + rt.String()
}

// Every type of the package with a TableName method is in rowTypes, so the
// schema test covers it.
func TestRowTypesAreListed(t *testing.T) {
	listed := map[string]bool{}
	for _, m := range rowTypes {
		listed[reflect.TypeOf(m).Name()] = true
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "TableName" || fn.Recv == nil || len(fn.Recv.List) != 1 {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && !listed[id.Name] {
				t.Errorf("%s: %s is a row type missing from rowTypes in migrate_test.go; add it so the schema test checks it", name, id.Name)
			}
		}
	}
}
