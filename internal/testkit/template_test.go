package testkit

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"calibrate/internal/config"
	"calibrate/internal/domain"
	"calibrate/internal/store"
)

// New's database has the current schema, with nothing left to migrate;
// NewConfig's is empty, as the tests of the migrations need.
func TestNewIsMigratedAndNewConfigIsEmpty(t *testing.T) {
	ctx := context.Background()
	e := New(t, Options{NoDemo: true})
	if n, err := e.Store.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("migrating New's database again applied %d: %v", n, err)
	}
	if _, err := e.Store.ListUsers(ctx, domain.UserFilter{OrgID: "none"}, domain.Page{Limit: 1}); err != nil {
		t.Fatalf("New's database has no users table: %v", err)
	}

	st, err := store.Open(NewConfig(t), domain.SystemClock{}, e.Log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if tables, err := st.Gorm().Migrator().GetTables(); err != nil || len(tables) != 0 {
		t.Fatalf("NewConfig's database has tables %v (%v)", tables, err)
	}
	n, err := st.Migrate(ctx)
	if err != nil || n == 0 {
		t.Fatalf("migrating NewConfig's database applied %d: %v", n, err)
	}
}

func adminDB(t *testing.T) *sql.DB {
	t.Helper()
	if Dialect() != config.Postgres {
		t.Skip("schema templates are PostgreSQL's; make test runs this in its PostgreSQL pass")
	}
	admin, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	return admin
}

func databaseExists(t *testing.T, admin *sql.DB, name string) bool {
	t.Helper()
	var n int
	if err := admin.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// Test binaries racing to build the same template all get it, built once
// under its name, with no half-built copy left; it refuses connections, so
// nobody can stop it from being copied; and a copy has the schema.
func TestTemplateBuiltOnceUnderConcurrency(t *testing.T) {
	admin := adminDB(t)
	name := templatePrefix + "test_" + randomHex(4)
	t.Cleanup(func() { dropTemplate(admin, name) })
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = ensureTemplate(os.Getenv("DATABASE_URL"), name) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	rows, err := admin.Query("SELECT datname FROM pg_database WHERE datname LIKE $1 || '%'", name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != name {
		t.Fatalf("after four concurrent builds the server has %v, want only %s", names, name)
	}
	var allow, template bool
	if err := admin.QueryRow("SELECT datallowconn, datistemplate FROM pg_database WHERE datname = $1", name).Scan(&allow, &template); err != nil || allow || !template {
		t.Fatalf("the template allows connections (%v) or is not marked a template (%v): %v", allow, template, err)
	}
	templates, err := listTemplates(admin)
	if err != nil || time.Since(templates[name]) > time.Minute {
		t.Fatalf("the template's recorded use is %v (%v)", templates[name], err)
	}

	copyName := "calibrate_test_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + copyName + " TEMPLATE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + copyName + " WITH (FORCE)") })
	u, err := databaseURL(os.Getenv("DATABASE_URL"), copyName)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(&config.Config{JWTKey: JWTKey, AuditKey: AuditKey, Dialect: config.Postgres, DatabaseURL: u}, domain.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.Migrate(context.Background()); err != nil || n != 0 {
		t.Fatalf("a copy of the template had %d migrations to apply (%v)", n, err)
	}
}

// A template of another schema left unused for a day is dropped; one in
// recent use, or one whose use is not recorded yet, is kept.
func TestIdleTemplatesAreDropped(t *testing.T) {
	admin := adminDB(t)
	tag := randomHex(4)
	idle, recent, unrecorded := templatePrefix+"idle_"+tag, templatePrefix+"recent_"+tag, templatePrefix+"new_"+tag
	for _, db := range []string{idle, recent, unrecorded} {
		if _, err := admin.Exec("CREATE DATABASE " + db); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + db) })
	}
	for db, used := range map[string]time.Time{idle: time.Now().Add(-templateMaxIdle - time.Hour), recent: time.Now().Add(-time.Hour)} {
		if _, err := admin.Exec(fmt.Sprintf("COMMENT ON DATABASE %s IS 'Calibrate test schema template, last used %s'", db, used.UTC().Format(time.RFC3339))); err != nil {
			t.Fatal(err)
		}
	}
	name, err := schemaTemplate()
	if err != nil {
		t.Fatal(err)
	}
	if err := ensureTemplate(os.Getenv("DATABASE_URL"), name); err != nil {
		t.Fatal(err)
	}
	if databaseExists(t, admin, idle) {
		t.Errorf("%s, unused for more than %s, is still there", idle, templateMaxIdle)
	}
	if !databaseExists(t, admin, recent) || !databaseExists(t, admin, unrecorded) {
		t.Errorf("a template in recent use, or being built, was dropped")
	}
	if !databaseExists(t, admin, name) {
		t.Errorf("the current template %s is gone", name)
	}
}
