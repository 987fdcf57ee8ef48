package testkit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"calibrate/internal/config"
	"calibrate/internal/domain"
	"calibrate/internal/store"
	"calibrate/migrations"
)

// On PostgreSQL each test's database is a copy of a template database that
// holds the current schema (CREATE DATABASE … TEMPLATE), built once by the
// first test binary that needs it and reused by every later test and run.
//
// The template is named after a hash of the migration files, so a schema
// change gets a new template and an unchanged one reuses the old. Test
// binaries run in parallel, and runs may enter the server through different
// databases (advisory locks are per database, so they cannot serialise
// them): a binary builds its template under a name of its own and renames it
// into place, which is atomic; when another binary won the race, its copy is
// dropped. A finished template refuses connections, since a database that
// anyone is connected to cannot be copied, and is marked a template, so
// another user of the server (with CREATEDB) may copy it too.
//
// Templates record when they were last used (in their comment); a template
// of another schema unused for templateMaxIdle is dropped, so old ones do not
// pile up on a shared server.

const (
	templatePrefix  = "calibrate_tmpl_"
	templateMaxIdle = 24 * time.Hour
	// templateTouch is how stale the recorded use may get before a run
	// records it again (the comment is a catalog write).
	templateTouch = time.Hour
)

// schemaTemplate is the name of the template of the current schema, built
// on first use, once per test binary.
var schemaTemplate = sync.OnceValues(func() (string, error) {
	hash, err := schemaHash()
	if err != nil {
		return "", err
	}
	name := templatePrefix + hash
	return name, ensureTemplate(os.Getenv("DATABASE_URL"), name)
})

// ensureTemplate makes template name exist on the server of base, built
// from the migrations when it does not, records its use, and drops the
// templates left idle.
func ensureTemplate(base, name string) error {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	templates, err := listTemplates(admin)
	if err != nil {
		return err
	}
	if used, ok := templates[name]; !ok {
		if err := createTemplate(admin, base, name); err != nil {
			return err
		}
	} else if time.Since(used) > templateTouch {
		if err := touchTemplate(admin, name); err != nil {
			return err
		}
	}
	for other, used := range templates {
		// A database without a recorded use is one being created this
		// instant (its use is recorded next): never one to drop.
		if other != name && !used.IsZero() && time.Since(used) > templateMaxIdle {
			// In use by a copy in progress, the drop waits; already
			// dropped by a concurrent run, nothing is lost.
			dropTemplate(admin, other)
		}
	}
	return nil
}

// createTemplate builds the template under a name of its own, then renames
// it into place.
func createTemplate(admin *sql.DB, base, name string) (err error) {
	building := name + "_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + building); err != nil {
		return fmt.Errorf("creating %s: %w", building, err)
	}
	defer func() {
		if err != nil {
			dropTemplate(admin, building)
		}
	}()
	// Recorded first, so a copy left behind by a killed run ages out too.
	if err := touchTemplate(admin, building); err != nil {
		return err
	}
	if err := migrateDatabase(base, building); err != nil {
		return err
	}
	if _, err := admin.Exec("ALTER DATABASE " + building + " WITH ALLOW_CONNECTIONS false IS_TEMPLATE true"); err != nil {
		return err
	}
	_, err = admin.Exec("ALTER DATABASE " + building + " RENAME TO " + name)
	// Another test binary made it first: the server says so as
	// duplicate_database, or, when both renames pass the name check at
	// once, as a unique violation of the catalog's index of names.
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && (pgErr.Code == "42P04" || pgErr.Code == "23505") {
		dropTemplate(admin, building)
		return nil
	}
	return err
}

// dropTemplate drops a template, or a template being built, when it can;
// what it cannot drop (another user's, or one in use) stays.
func dropTemplate(admin *sql.DB, name string) {
	_, _ = admin.Exec("ALTER DATABASE " + name + " IS_TEMPLATE false")
	_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
}

func migrateDatabase(base, name string) error {
	u, err := databaseURL(base, name)
	if err != nil {
		return err
	}
	cfg := &config.Config{JWTKey: JWTKey, AuditKey: AuditKey, Dialect: config.Postgres, DatabaseURL: u, LogLevel: slog.LevelWarn}
	st, err := store.Open(cfg, domain.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background()); err != nil {
		return fmt.Errorf("migrating %s: %w", name, err)
	}
	return nil
}

// listTemplates returns every template on the server, finished or being
// built, with when it was last used (the zero time when unknown).
func listTemplates(admin *sql.DB) (map[string]time.Time, error) {
	rows, err := admin.Query(`SELECT datname, COALESCE(shobj_description(oid, 'pg_database'), '')
		FROM pg_database WHERE datname LIKE $1`, strings.ReplaceAll(templatePrefix, "_", `\_`)+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var name, comment string
		if err := rows.Scan(&name, &comment); err != nil {
			return nil, err
		}
		used, _ := time.Parse(time.RFC3339, comment[strings.LastIndexByte(comment, ' ')+1:])
		out[name] = used
	}
	return out, rows.Err()
}

func touchTemplate(admin *sql.DB, name string) error {
	_, err := admin.Exec(fmt.Sprintf("COMMENT ON DATABASE %s IS 'Calibrate test schema template, last used %s'",
		name, time.Now().UTC().Format(time.RFC3339)))
	return err
}

// schemaHash identifies the PostgreSQL migrations by their names and
// contents.
func schemaHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, string(config.Postgres), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

// databaseURL is base with its database replaced by name.
func databaseURL(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
